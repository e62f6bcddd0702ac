// ima.signatures in verify: a signature-based IMA policy judges only bound
// entries, trusts only the policy's keys and the keys bound ima-buf records
// loaded into a keyring it names, and names every entry it rejects. Each
// case writes an IMA list on RTMR2 and a TD quote, signed through the test
// PKI, whose RTMR2 is the replay of the part the attacker wants bound, then
// verifies in-process. Keys and certificates come from the openssl CLI,
// signatures from OpenSSL over the file digest (the kernel's v2 form); the
// keylime lists of the shared corpus are measured into RTMR2 unchanged
// (same template data, SHA-384 template hashes).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "parsers/core/hex.h"
#include "policies/lint.h"
#include "policies/policy_parser.h"
#include "tests/testing/corpus.h"
#include "tests/testing/dstack_builder.h"
#include "tests/testing/quote_builder.h"
#include "tests/testing/quote_pki.h"
#include "verifier/crypto/ima_keys.h"
#include "verifier/pipeline/verify.h"
#include "verifier/quote/collateral.h"

namespace ccv::adversarial {
namespace {

namespace fs = std::filesystem;
using Bytes8 = std::vector<uint8_t>;

Bytes8 Md(const EVP_MD* md, const Bytes8& data) {
  Bytes8 out(size_t(EVP_MD_get_size(md)));
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr);
  return out;
}

Bytes8 ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes8(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void PutU32(Bytes8* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(uint8_t(v >> (8 * i)));
}

Bytes8 Text0(const std::string& s) {
  Bytes8 b(s.begin(), s.end());
  b.push_back(0);
  return b;
}

// One entry of an RTMR2 list: d-ng, n-ng and a third field (sig or buf;
// none for ima-ng).
struct Entry {
  std::string tmpl = "ima-sig";
  std::string alg = "sha256";
  Bytes8 digest;
  std::string name;
  Bytes8 third;
};

Bytes8 TemplateData(const Entry& e) {
  Bytes8 dng = Text0(e.alg + ":");
  dng.insert(dng.end(), e.digest.begin(), e.digest.end());
  Bytes8 n = Text0(e.name);
  Bytes8 td;
  PutU32(&td, uint32_t(dng.size()));
  td.insert(td.end(), dng.begin(), dng.end());
  PutU32(&td, uint32_t(n.size()));
  td.insert(td.end(), n.begin(), n.end());
  if (e.tmpl != "ima-ng") {
    PutU32(&td, uint32_t(e.third.size()));
    td.insert(td.end(), e.third.begin(), e.third.end());
  }
  return td;
}

int Sh(const std::string& cmd) { return std::system(cmd.c_str()); }

class ImaSigPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Sh("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl CLI";
    static int n = 0;
    dir_ = fs::temp_directory_path() /
           ("ccv-ima-sig-policy-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::create_directories(dir_ / "keys");
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // A private key and a certificate (SKID = SHA-1 of the public key) in
  // keys/<name>.der; returns the certificate's key id.
  uint32_t MakeKey(const std::string& name, const std::string& genpkey_args) {
    const std::string k = (dir_ / (name + ".key")).string();
    EXPECT_EQ(Sh("openssl genpkey " + genpkey_args + " -out " + k + " 2>/dev/null"), 0);
    EXPECT_EQ(Sh("openssl req -new -x509 -key " + k + " -days 30 -subj /CN=" + name +
                 " -addext subjectKeyIdentifier=hash -outform DER -out " +
                 (dir_ / "keys" / (name + ".der")).string() + " 2>/dev/null"),
              0);
    auto id = crypto::CertificateKeyId(ReadAll(dir_ / "keys" / (name + ".der")));
    EXPECT_TRUE(id.ok());
    return id.ok() ? *id : 0;
  }
  Bytes8 Cert(const std::string& name) { return ReadAll(dir_ / "keys" / (name + ".der")); }

  // An IMA v2 signature (type 3, version 2, sha256) of `digest` by key `name`.
  Bytes8 Sign(const std::string& name, uint32_t keyid, const Bytes8& digest) {
    FILE* f = std::fopen((dir_ / (name + ".key")).c_str(), "r");
    EXPECT_NE(f, nullptr);
    if (f == nullptr) return {};
    EVP_PKEY* pkey = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(pkey, nullptr);
    EVP_PKEY_sign_init(ctx);
    if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA) {
      EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING);
    }
    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256());
    size_t len = 0;
    EVP_PKEY_sign(ctx, nullptr, &len, digest.data(), digest.size());
    Bytes8 sig(len);
    EXPECT_EQ(EVP_PKEY_sign(ctx, sig.data(), &len, digest.data(), digest.size()), 1);
    sig.resize(len);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    Bytes8 out = {3,
                  2,
                  4,
                  uint8_t(keyid >> 24),
                  uint8_t(keyid >> 16),
                  uint8_t(keyid >> 8),
                  uint8_t(keyid),
                  uint8_t(sig.size() >> 8),
                  uint8_t(sig.size())};
    out.insert(out.end(), sig.begin(), sig.end());
    return out;
  }

  Entry SignedFile(const std::string& path, const std::string& key, uint32_t keyid) {
    Entry e;
    e.name = path;
    e.digest = Md(EVP_sha256(), Bytes8(path.begin(), path.end()));
    e.third = Sign(key, keyid, e.digest);
    return e;
  }
  static Entry Unsigned(const std::string& path) {
    Entry e;
    e.tmpl = "ima-ng";
    e.name = path;
    e.digest = Md(EVP_sha256(), Bytes8(path.begin(), path.end()));
    return e;
  }
  static Entry KeyLoad(const std::string& keyring, const Bytes8& cert) {
    Entry e;
    e.tmpl = "ima-buf";
    e.name = keyring;
    e.digest = Md(EVP_sha256(), cert);
    e.third = cert;
    return e;
  }

  // Writes the list and a quote whose RTMR2 is the replay of its first
  // `quoted` entries (all when negative), and verifies with `policy_yaml`
  // (relative key paths resolve against the test directory).
  pipeline::Verification Verify(const std::vector<Entry>& list, const std::string& policy_yaml,
                                int quoted = -1) {
    // The boot part: a dstack event log stands in for the CCEL (the RTMR2
    // value the IMA list continues from).
    testing::DstackLogBuilder boot;
    boot.BootAction(0, "boot0");
    boot.BootAction(1, "boot1");
    boot.BootAction(2, "boot2");
    std::string json = boot.Json();
    std::ofstream(dir_ / "eventlog.json") << json;
    std::string ascii;
    Bytes8 rtmr2 = boot.Rtmr(2);
    for (size_t i = 0; i < list.size(); ++i) {
      const Entry& e = list[i];
      Bytes8 th = Md(EVP_sha384(), TemplateData(e));
      if (quoted < 0 || i < size_t(quoted)) {
        Bytes8 ext = rtmr2;
        ext.insert(ext.end(), th.begin(), th.end());
        rtmr2 = Md(EVP_sha384(), ext);
      }
      ascii += "2 " + ToHex(th) + " " + e.tmpl + " " + e.alg + ":" + ToHex(e.digest) + " " +
               e.name + (e.tmpl == "ima-ng" ? "" : " " + ToHex(e.third)) + "\n";
    }
    std::ofstream(dir_ / "ascii_runtime_measurements") << ascii;
    auto pki = testing::TestPki::Create();
    EXPECT_TRUE(pki.ok());
    testing::QuoteBuilder q = testing::DefaultTdxQuote(*pki);
    for (uint32_t i = 0; i < 4; ++i) {
      Bytes8 r = i == 2 ? rtmr2 : boot.Rtmr(i);
      std::copy(r.begin(), r.end(), q.body.begin() + 328 + 48 * i);
    }
    EXPECT_TRUE(testing::SignQuote(*pki, testing::TestAttestationKey(), &q).ok());
    Bytes8 qb = q.Build();
    std::ofstream(dir_ / "quote.bin", std::ios::binary)
        .write(reinterpret_cast<const char*>(qb.data()), std::streamsize(qb.size()));
    std::ofstream(dir_ / "collateral.json") << quote::CollateralToJson(
        testing::MakeCollateral(*pki, testing::DefaultTdxTcbInfo(), testing::DefaultQeIdentity()));
    bundle::Evidence e;
    e.dir = dir_.string();
    e.quote = (dir_ / "quote.bin").string();
    e.collateral = (dir_ / "collateral.json").string();
    e.ima = (dir_ / "ascii_runtime_measurements").string();
    e.ima_register = RegisterId::Rtmr(2);
    e.dstack_event_log = (dir_ / "eventlog.json").string();
    pipeline::VerifyOptions o;
    o.at = Time(testing::kPkiNow);
    o.root_ca_pem = pki->RootPem();
    policy::ParseOptions po;
    po.base_dir = dir_.string();
    auto p = policy::ParsePolicy(policy_yaml, po);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    if (!p.ok()) return {};
    policy_ = *p;
    auto v = pipeline::Verify(e, o, &policy_);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : pipeline::Verification{};
  }

  static const policy::RuleResult* Rule(const pipeline::Verification& v, const std::string& id) {
    for (const auto& r : v.evaluation.rules) {
      if (r.id == id) return &r;
    }
    return nullptr;
  }
  static std::string Status(const pipeline::Verification& v, const std::string& id) {
    const policy::RuleResult* r = Rule(v, id);
    return r ? result::VerdictName(r->status) : "(absent)";
  }
  static std::string Actual(const pipeline::Verification& v, const std::string& id) {
    const policy::RuleResult* r = Rule(v, id);
    return r ? r->actual : "";
  }

  static std::string Policy(const std::string& ima) {
    return "apiVersion: ccverify/v1\nmetadata: {name: sig}\nbinding: {nonce: optional}\nima:\n" +
           ima;
  }

  fs::path dir_;
  policy::Policy policy_;
};

TEST_F(ImaSigPolicyTest, FilesSignedByPolicyKeysPass) {
  const uint32_t p256 = MakeKey("p256", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256");
  const uint32_t rsa = MakeKey("rsa", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048");
  auto v = Verify({SignedFile("/usr/bin/a", "p256", p256), SignedFile("/usr/bin/b", "rsa", rsa)},
                  Policy("  signatures: required\n  keys: [keys]\n"));
  EXPECT_EQ(Status(v, "ima.signatures"), "pass") << Actual(v, "ima.signatures");
  EXPECT_EQ(Status(v, "ima.unknown"), "pass") << Actual(v, "ima.unknown");
  EXPECT_NE(Actual(v, "ima.signatures").find("2 verified"), std::string::npos);
  EXPECT_EQ(v.outcome, result::Outcome::kTrusted);
}

// Files signed by evmctl (ima-evm-utils) itself, RSA-2048, P-256 and P-384:
// verify accepts them with the policy's certificates, and names the one
// whose signature was made by a key the policy does not hold.
TEST_F(ImaSigPolicyTest, EvmctlSignedFilesPass) {
  if (Sh("command -v evmctl >/dev/null 2>&1") != 0) GTEST_SKIP() << "no evmctl (ima-evm-utils)";
  MakeKey("rsa", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048");
  MakeKey("p256", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256");
  MakeKey("p384", "-algorithm EC -pkeyopt ec_paramgen_curve:P-384");
  MakeKey("stranger", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256");
  fs::create_directories(dir_ / "trusted");
  for (const char* k : {"rsa", "p256", "p384"}) {
    fs::copy_file(dir_ / "keys" / (std::string(k) + ".der"),
                  dir_ / "trusted" / (std::string(k) + ".der"));
  }
  auto evmctl = [&](const std::string& name, const std::string& key) {
    const fs::path f = dir_ / name;
    std::ofstream(f) << "content of " << name << "\n";
    EXPECT_EQ(Sh("evmctl ima_sign --sigfile -a sha256 --key " + (dir_ / (key + ".key")).string() +
                 " " + f.string() + " >/dev/null 2>&1"),
              0);
    Entry e;
    e.name = "/usr/bin/" + name;
    e.digest = Md(EVP_sha256(), ReadAll(f));
    e.third = ReadAll(f.string() + ".sig");
    return e;
  };
  std::vector<Entry> list = {evmctl("a", "rsa"), evmctl("b", "p256"), evmctl("c", "p384")};
  auto v = Verify(list, Policy("  signatures: required\n  keys: [trusted]\n"));
  EXPECT_EQ(Status(v, "ima.signatures"), "pass") << Actual(v, "ima.signatures");
  EXPECT_NE(Actual(v, "ima.signatures").find("3 verified"), std::string::npos);
  list.push_back(evmctl("d", "stranger"));
  auto w = Verify(list, Policy("  signatures: required\n  keys: [trusted]\n"));
  EXPECT_EQ(Status(w, "ima.signatures"), "fail");
  EXPECT_NE(Actual(w, "ima.signatures").find("ima#3 /usr/bin/d: unknown_key"), std::string::npos)
      << Actual(w, "ima.signatures");
  EXPECT_EQ(Rule(w, "ima.signatures")->evidence_all.size(), 1u);
}

TEST_F(ImaSigPolicyTest, UnsignedBadAndWrongDigestEntriesAreNamed) {
  const uint32_t p256 = MakeKey("p256", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256");
  Entry bad = SignedFile("/usr/bin/bad", "p256", p256);
  bad.third.back() ^= 1;
  Entry moved = SignedFile("/usr/bin/moved", "p256", p256);
  moved.digest = Md(EVP_sha256(), Bytes8{'x'});  // another content under the same signature
  auto v = Verify({SignedFile("/usr/bin/good", "p256", p256), Unsigned("/usr/bin/plain"), bad,
                   moved, Unsigned("/etc/hosts")},
                  Policy("  signatures: required\n  keys: [keys/p256.der]\n"
                         "  allow_unsigned: ['^/etc/']\n"));
  ASSERT_EQ(Status(v, "ima.signatures"), "fail");
  const std::string a = Actual(v, "ima.signatures");
  EXPECT_NE(a.find("ima#1 /usr/bin/plain: unsigned"), std::string::npos) << a;
  EXPECT_NE(
      a.find("/usr/bin/bad: failed key id " + ToHex(Bytes8{uint8_t(p256 >> 24), uint8_t(p256 >> 16),
                                                           uint8_t(p256 >> 8), uint8_t(p256)})),
      std::string::npos)
      << a;
  EXPECT_NE(a.find("/usr/bin/moved: failed"), std::string::npos) << a;
  EXPECT_EQ(a.find("/usr/bin/good"), std::string::npos) << a;
  EXPECT_EQ(a.find("/etc/hosts"), std::string::npos) << a;
  EXPECT_EQ(Rule(v, "ima.signatures")->evidence_all.size(), 3u);
  EXPECT_EQ(v.outcome, result::Outcome::kUntrusted);
}

TEST_F(ImaSigPolicyTest, OptionalPassesUnsignedButNotBadSignatures) {
  const uint32_t p256 = MakeKey("p256", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256");
  auto ok = Verify({SignedFile("/usr/bin/good", "p256", p256), Unsigned("/usr/bin/plain")},
                   Policy("  signatures: optional\n  keys: [keys]\n  unknown: ignore\n"));
  EXPECT_EQ(Status(ok, "ima.signatures"), "pass") << Actual(ok, "ima.signatures");
  Entry bad = SignedFile("/usr/bin/bad", "p256", p256);
  bad.third[20] ^= 1;
  auto v = Verify({bad}, Policy("  signatures: optional\n  keys: [keys]\n  unknown: ignore\n"));
  EXPECT_EQ(Status(v, "ima.signatures"), "fail");
}

TEST_F(ImaSigPolicyTest, AllowListedAndSignedPassesEitherWay) {
  const uint32_t p256 = MakeKey("p256", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256");
  Entry signed_file = SignedFile("/usr/bin/both", "p256", p256);
  Entry unsigned_file = Unsigned("/usr/bin/listed");
  const std::string allow =
      "  allow:\n    digests:\n      /usr/bin/both: [\"sha256:" + ToHex(signed_file.digest) +
      "\"]\n      /usr/bin/listed: [\"sha256:" + ToHex(unsigned_file.digest) + "\"]\n";
  auto v = Verify({signed_file, unsigned_file},
                  Policy("  signatures: required\n  keys: [keys]\n" + allow));
  EXPECT_EQ(Status(v, "ima.signatures"), "pass") << Actual(v, "ima.signatures");
  EXPECT_EQ(Status(v, "ima.allow"), "pass");
  EXPECT_EQ(Status(v, "ima.unknown"), "pass");
  // Not on the allow list and unsigned: ima.unknown and ima.signatures fail.
  auto w = Verify({signed_file, Unsigned("/usr/bin/stranger")},
                  Policy("  signatures: required\n  keys: [keys]\n" + allow));
  EXPECT_EQ(Status(w, "ima.signatures"), "fail");
  EXPECT_EQ(Status(w, "ima.unknown"), "fail");
}

TEST_F(ImaSigPolicyTest, KeyLoadedByABoundRecordIntoATrustedKeyringCounts) {
  const uint32_t p256 = MakeKey("p256", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256");
  std::vector<Entry> list = {KeyLoad(".ima", Cert("p256")),
                             SignedFile("/usr/bin/app", "p256", p256)};
  auto v = Verify(list, Policy("  signatures: required\n  keyrings: [.ima]\n"));
  EXPECT_EQ(Status(v, "ima.signatures"), "pass") << Actual(v, "ima.signatures");
  ASSERT_EQ(v.facts.ima_key_loads.size(), 1u);
  EXPECT_TRUE(v.facts.ima_key_loads[0].trusted);
  EXPECT_EQ(v.facts.ima[1].sig_key, "ima#0");
  EXPECT_EQ(Status(v, "ima.unknown"), "pass") << Actual(v, "ima.unknown");
  // A keyring the policy does not name: the key does not count.
  auto other = Verify(list, Policy("  signatures: required\n  keyrings: [.evm]\n"));
  EXPECT_EQ(Status(other, "ima.signatures"), "fail");
  EXPECT_NE(Actual(other, "ima.signatures").find("unknown_key"), std::string::npos);
}

TEST_F(ImaSigPolicyTest, KeyLoadedOnlyInTheUnboundPartNeverCounts) {
  const uint32_t p256 = MakeKey("p256", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256");
  // The quote covers the signed file; the key load after it is not bound.
  auto v = Verify({SignedFile("/usr/bin/app", "p256", p256), KeyLoad(".ima", Cert("p256")),
                   SignedFile("/usr/bin/late", "p256", p256)},
                  Policy("  signatures: required\n  keyrings: [.ima]\n"), 1);
  EXPECT_EQ(Status(v, "ima.signatures"), "fail");
  EXPECT_NE(Actual(v, "ima.signatures").find("/usr/bin/app: unknown_key"), std::string::npos)
      << Actual(v, "ima.signatures");
  ASSERT_EQ(v.facts.ima_key_loads.size(), 1u);
  EXPECT_FALSE(v.facts.ima_key_loads[0].bound);
  EXPECT_FALSE(v.facts.ima_key_loads[0].trusted);
  // A list nothing binds: its key load is not trusted and nothing is judged
  // as passing.
  auto unbound = Verify({KeyLoad(".ima", Cert("p256")), SignedFile("/usr/bin/app", "p256", p256)},
                        Policy("  signatures: required\n  keyrings: [.ima]\n"), 0);
  EXPECT_EQ(Status(unbound, "ima.list"), "fail");
  EXPECT_NE(Status(unbound, "ima.signatures"), "pass");
  ASSERT_EQ(unbound.facts.ima_key_loads.size(), 1u);
  EXPECT_FALSE(unbound.facts.ima_key_loads[0].trusted);
  EXPECT_EQ(unbound.outcome, result::Outcome::kUntrusted);
}

TEST_F(ImaSigPolicyTest, LintFlagsACatchAllAllowUnsignedAndNoKeys) {
  auto p = policy::ParsePolicy(Policy("  signatures: required\n  allow_unsigned: ['.*']\n"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  bool catch_all = false, no_keys = false;
  for (const auto& f : policy::LintPolicy(*p, {}, 0)) {
    catch_all |= f.code == "catch-all-allow-unsigned" && f.severity == policy::LintSeverity::kError;
    no_keys |= f.code == "ima-no-keys";
  }
  EXPECT_TRUE(catch_all);
  EXPECT_TRUE(no_keys);
  auto narrow =
      policy::ParsePolicy(Policy("  signatures: required\n  keyrings: [.ima]\n"
                                 "  allow_unsigned: ['^/etc/']\n"));
  ASSERT_TRUE(narrow.ok());
  for (const auto& f : policy::LintPolicy(*narrow, {}, 0)) {
    EXPECT_NE(f.code, "catch-all-allow-unsigned");
    EXPECT_NE(f.code, "ima-no-keys");
  }
}

TEST_F(ImaSigPolicyTest, BadPolicyValuesAreRejectedWithTheField) {
  auto bad_mode = policy::ParsePolicy(Policy("  signatures: maybe\n"));
  ASSERT_FALSE(bad_mode.ok());
  EXPECT_NE(bad_mode.status().ToString().find("ima.signatures"), std::string::npos);
  policy::ParseOptions po;
  po.base_dir = dir_.string();
  auto missing = policy::ParsePolicy(Policy("  keys: [nowhere.pem]\n"), po);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().ToString().find("ima.keys[0]"), std::string::npos)
      << missing.status().ToString();
  auto ring = policy::ParsePolicy(Policy("  keyrings: [ima]\n"));
  ASSERT_FALSE(ring.ok());
  EXPECT_NE(ring.status().ToString().find("ima.keyrings[0]"), std::string::npos);
}

// --- keylime's lists, measured into RTMR2 ---------------------------------------

std::vector<Entry> CorpusEntries(const fs::path& list) {
  std::vector<Entry> out;
  std::ifstream in(list);
  for (std::string line; std::getline(in, line);) {
    std::istringstream ss(line);
    std::string pcr, th, tmpl, dig, name, third;
    ss >> pcr >> th >> tmpl >> dig >> name >> third;
    Entry e;
    e.tmpl = tmpl;
    e.alg = dig.substr(0, dig.find(':'));
    e.digest = FromHex(dig.substr(dig.find(':') + 1)).value();
    e.name = name;
    e.third = FromHex(third).value();
    out.push_back(std::move(e));
  }
  return out;
}

TEST_F(ImaSigPolicyTest, KeylimeListsThroughVerify) {
  CCV_REQUIRE_CORPUS(corpus);
  const fs::path d = corpus / "ima-sig" / "keylime";
  fs::copy_file(d / "rsa2048pub.pem", dir_ / "keys" / "rsa2048pub.pem");
  fs::copy_file(d / "secp256k1pub.pem", dir_ / "keys" / "secp256k1pub.pem");
  const std::string pol = Policy("  signatures: required\n  keys: [keys]\n");
  auto good = Verify(CorpusEntries(d / "SIGNATURES.ascii_runtime_measurements"), pol);
  EXPECT_EQ(Status(good, "ima.signatures"), "pass") << Actual(good, "ima.signatures");
  EXPECT_NE(Actual(good, "ima.signatures").find("2 verified"), std::string::npos);
  // Only the RSA key: /usr/bin/zmore (ECDSA, key id 531f4025) is named.
  auto one = Verify(CorpusEntries(d / "SIGNATURES.ascii_runtime_measurements"),
                    Policy("  signatures: required\n  keys: [keys/rsa2048pub.pem]\n"));
  EXPECT_EQ(Status(one, "ima.signatures"), "fail");
  EXPECT_NE(Actual(one, "ima.signatures").find("/usr/bin/zmore: unknown_key key id 531f4025"),
            std::string::npos)
      << Actual(one, "ima.signatures");
  auto bad = Verify(CorpusEntries(d / "BAD_SIGNATURES.ascii_runtime_measurements"), pol);
  EXPECT_EQ(Status(bad, "ima.signatures"), "fail");
  EXPECT_NE(Actual(bad, "ima.signatures").find("ima#0 /usr/bin/zmore: malformed"),
            std::string::npos)
      << Actual(bad, "ima.signatures");
  auto unsigned_list = Verify(CorpusEntries(d / "MEASUREMENTS.ascii_runtime_measurements"), pol);
  EXPECT_EQ(Status(unsigned_list, "ima.signatures"), "fail");
  EXPECT_NE(Actual(unsigned_list, "ima.signatures").find("boot_aggregate: unsigned"),
            std::string::npos);
  auto keyring = Verify(CorpusEntries(d / "KEYRINGS.ascii_runtime_measurements"),
                        Policy("  signatures: required\n  keyrings: [.ima]\n"));
  ASSERT_EQ(keyring.facts.ima_key_loads.size(), 1u);
  EXPECT_TRUE(keyring.facts.ima_key_loads[0].trusted);
  EXPECT_NE(keyring.facts.ima_key_loads[0].subject.find("ecdsa-ca-signed-ec-key"),
            std::string::npos);
}

// --- kernel: critical data (ima-buf) -------------------------------------------
// Facts come only from bound records whose buffer hashes to the logged digest;
// the last bound record decides; an absent fact fails its rule.

Entry Buffer(const std::string& name, const std::string& text) {
  Entry e;
  e.tmpl = "ima-buf";
  e.name = name;
  e.third = Bytes8(text.begin(), text.end());
  e.digest = Md(EVP_sha256(), e.third);
  return e;
}

const std::string kRoot = "29cb87e60ce7b12b443ba6008266f3e41e93e403d7f298f8e3f316b29ff89c5e";

Entry VerityLoad(const std::string& device, const std::string& root, const std::string& failed) {
  return Buffer("dm_table_load",
                "dm_version=4.45.0;name=" + device +
                    ",uuid=CRYPT-VERITY-1,major=253,minor=0,minor_count=1,num_targets=1;"
                    "target_index=0,target_begin=0,target_len=8,target_name=verity,"
                    "target_version=1.8.0,hash_failed=" +
                    failed +
                    ",verity_version=1,data_device_name=7:0,hash_device_name=7:1,"
                    "verity_algorithm=sha256,root_digest=" +
                    root + ",salt=00,ignore_zero_blocks=n,check_at_most_once=n;");
}

std::string KernelPolicy(const std::string& kernel) {
  return "apiVersion: ccverify/v1\nmetadata: {name: k}\nbinding: {nonce: optional}\n"
         "kernel:\n" +
         kernel;
}

const std::string kVerityRule = "  dm_verity: [{device: vroot, root_digest: " + kRoot + "}]\n";

TEST_F(ImaSigPolicyTest, BoundVerityRootPasses) {
  auto v = Verify({Unsigned("/init"), VerityLoad("vroot", kRoot, "V")}, KernelPolicy(kVerityRule));
  EXPECT_EQ(Status(v, "kernel.dm_verity"), "pass") << Rule(v, "kernel.dm_verity")->why;
  EXPECT_EQ(v.outcome, result::Outcome::kTrusted);
  ASSERT_EQ(v.facts.kernel.dm_targets.size(), 1u);
  EXPECT_EQ(*v.facts.kernel.dm_targets[0].Attr("root_digest"), kRoot);
  EXPECT_EQ(v.facts.kernel.dm_targets[0].evidence, "ima#1");
}

TEST_F(ImaSigPolicyTest, VerityWrongRootCorruptionOrReloadFails) {
  const std::string other(64, 'a');
  auto wrong = Verify({VerityLoad("vroot", other, "V")}, KernelPolicy(kVerityRule));
  EXPECT_EQ(Status(wrong, "kernel.dm_verity"), "fail");
  EXPECT_NE(Rule(wrong, "kernel.dm_verity")->why.find("root digest " + other), std::string::npos);
  auto corrupt = Verify({VerityLoad("vroot", kRoot, "C")}, KernelPolicy(kVerityRule));
  EXPECT_EQ(Status(corrupt, "kernel.dm_verity"), "fail");
  EXPECT_NE(Rule(corrupt, "kernel.dm_verity")->why.find("hash_failed=C"), std::string::npos);
  // The device is reloaded later as a plain linear mapping: the last load decides.
  auto reloaded = Verify({VerityLoad("vroot", kRoot, "V"),
                          Buffer("dm_table_load",
                                 "name=vroot,uuid=,major=253,minor=0,minor_count=1,num_targets=1;"
                                 "target_index=0,target_begin=0,target_len=8,target_name=linear,"
                                 "target_version=1.4.0,device_name=7:0,start=0;")},
                         KernelPolicy(kVerityRule));
  EXPECT_EQ(Status(reloaded, "kernel.dm_verity"), "fail");
  EXPECT_NE(Rule(reloaded, "kernel.dm_verity")->why.find("not a dm-verity device"),
            std::string::npos);
  // Another device's verity table does not stand in for vroot's.
  auto other_dev = Verify({VerityLoad("vdata", kRoot, "V")}, KernelPolicy(kVerityRule));
  EXPECT_EQ(Status(other_dev, "kernel.dm_verity"), "fail");
}

TEST_F(ImaSigPolicyTest, UnboundOrUndigestedBufferGivesNoFact) {
  // Logged after the quote: not bound.
  auto late = Verify({Unsigned("/init"), VerityLoad("vroot", kRoot, "V")},
                     KernelPolicy(kVerityRule), /*quoted=*/1);
  EXPECT_EQ(Status(late, "kernel.dm_verity"), "fail");
  EXPECT_NE(Rule(late, "kernel.dm_verity")->why.find("not bound"), std::string::npos)
      << Rule(late, "kernel.dm_verity")->why;
  EXPECT_TRUE(late.facts.kernel.dm_targets.empty());
  // The buffer is not what its logged digest hashes (the template hash covers
  // both, so the list replays): no fact.
  Entry forged = VerityLoad("vroot", kRoot, "V");
  forged.digest = Md(EVP_sha256(), Bytes8{'x'});
  auto undigested = Verify({forged}, KernelPolicy(kVerityRule));
  EXPECT_EQ(Status(undigested, "kernel.dm_verity"), "fail");
  EXPECT_NE(Rule(undigested, "kernel.dm_verity")->why.find("does not hash"), std::string::npos)
      << Rule(undigested, "kernel.dm_verity")->why;
  // Text that does not decode.
  auto garbled = Verify({Buffer("dm_table_load", "name=vroot\\")}, KernelPolicy(kVerityRule));
  EXPECT_EQ(Status(garbled, "kernel.dm_verity"), "fail");
  EXPECT_NE(Rule(garbled, "kernel.dm_verity")->why.find("does not decode"), std::string::npos);
}

TEST_F(ImaSigPolicyTest, SelinuxTheLastBoundStateDecides) {
  const std::string pol = KernelPolicy("  selinux: {enforcing: required, policy_hash: [" +
                                       std::string(64, 'b') + "]}\n");
  const std::string on = "initialized=1;enforcing=1;checkreqprot=0;";
  const std::string off = "initialized=1;enforcing=0;checkreqprot=0;";
  Entry hash = Buffer("selinux-policy-hash-1700000000:1", std::string(32, '\xbb'));
  auto good = Verify({Buffer("selinux-state-1700000000:2", on), hash}, pol);
  EXPECT_EQ(Status(good, "kernel.selinux.enforcing"), "pass");
  EXPECT_EQ(Status(good, "kernel.selinux.policy_hash"), "pass")
      << Rule(good, "kernel.selinux.policy_hash")->actual;
  auto switched = Verify({Buffer("selinux-state", on), Buffer("selinux-state", off), hash}, pol);
  EXPECT_EQ(Status(switched, "kernel.selinux.enforcing"), "fail");
  EXPECT_EQ(Rule(switched, "kernel.selinux.enforcing")->evidence, "ima#1");
  // Enforcing only after the quote, permissive before it: permissive is what is bound.
  auto late = Verify({Buffer("selinux-state", off), Buffer("selinux-state", on)}, pol, 1);
  EXPECT_EQ(Status(late, "kernel.selinux.enforcing"), "fail");
  auto none = Verify({Unsigned("/init")}, pol);
  EXPECT_EQ(Status(none, "kernel.selinux.enforcing"), "fail");
  EXPECT_EQ(Status(none, "kernel.selinux.policy_hash"), "fail");
  auto other_hash = Verify(
      {Buffer("selinux-state", on), Buffer("selinux-policy-hash", std::string(32, 'c'))}, pol);
  EXPECT_EQ(Status(other_hash, "kernel.selinux.policy_hash"), "fail");
}

TEST_F(ImaSigPolicyTest, KexecRecordsAreJudged) {
  const std::string cmdline = "console=ttyS0 root=/dev/vda ro";
  auto none = Verify({Unsigned("/init")}, KernelPolicy("  kexec: forbid\n"));
  EXPECT_EQ(Status(none, "kernel.kexec"), "pass") << Rule(none, "kernel.kexec")->why;
  auto kexeced = Verify({Unsigned("/init"), Buffer("kexec-cmdline", cmdline)},
                        KernelPolicy("  kexec: forbid\n"));
  EXPECT_EQ(Status(kexeced, "kernel.kexec"), "fail");
  EXPECT_NE(Rule(kexeced, "kernel.kexec")->why.find(cmdline), std::string::npos);
  auto allowed = Verify({Buffer("kexec-cmdline", cmdline)},
                        KernelPolicy("  kexec: {allow: [\"" + cmdline + "\"]}\n"));
  EXPECT_EQ(Status(allowed, "kernel.kexec"), "pass");
  auto other = Verify({Buffer("kexec-cmdline", cmdline + " init=/bin/sh")},
                      KernelPolicy("  kexec: {allow: [\"" + cmdline + "\"]}\n"));
  EXPECT_EQ(Status(other, "kernel.kexec"), "fail");
}

TEST_F(ImaSigPolicyTest, KernelPolicyErrorsNameTheKey) {
  policy::ParseOptions po;
  for (const char* bad :
       {"  dm_verity: [{device: vroot}]\n", "  selinux: {enforcing: yes}\n", "  kexec: maybe\n",
        "  dm_verity: [{device: v, root_digest: xyz}]\n", "  unknown: 1\n"}) {
    auto p = policy::ParsePolicy(KernelPolicy(bad), po);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_NE(p.status().field().find("kernel"), std::string::npos) << p.status().ToString();
  }
}

}  // namespace
}  // namespace ccv::adversarial
