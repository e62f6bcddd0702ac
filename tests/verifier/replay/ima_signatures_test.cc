// IMA signatures: the sig field decoder, the keylime lists of the shared
// corpus, and lists we sign ourselves with evmctl (ima-evm-utils) and keys we
// make with the openssl CLI, checked against `evmctl ima_measurement
// --verify-sig` on the same list.
#include "verifier/replay/ima_signatures.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "parsers/core/hex.h"
#include "parsers/ima_sig.h"
#include "tests/testing/corpus.h"
#include "tests/testing/files.h"
#include "verifier/crypto/ima_keys.h"

namespace ccv::replay {
namespace {

namespace fs = std::filesystem;

// --- the sig field ---------------------------------------------------------

std::vector<uint8_t> SigField(uint8_t type, uint8_t version, uint8_t algo, uint32_t keyid,
                              uint16_t size, size_t actual) {
  std::vector<uint8_t> f(9 + actual, 0xab);
  const uint8_t head[9] = {type,
                           version,
                           algo,
                           uint8_t(keyid >> 24),
                           uint8_t(keyid >> 16),
                           uint8_t(keyid >> 8),
                           uint8_t(keyid),
                           uint8_t(size >> 8),
                           uint8_t(size)};
  std::copy(head, head + 9, f.begin());
  return f;
}

TEST(ImaSigParseTest, DecodesV2Header) {
  auto r = ima::ParseImaSignature(SigField(3, 2, 4, 0xf3452d23, 5, 5));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->keyid, 0xf3452d23u);
  EXPECT_EQ((*r)->hash_algo, 4);
  EXPECT_EQ((*r)->signature.size(), 5u);
}

TEST(ImaSigParseTest, DecodesV3Header) {
  auto r = ima::ParseImaSignature(SigField(6, 3, 5, 1, 3, 3));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->version, 3);
}

TEST(ImaSigParseTest, EmptyFieldIsNoSignature) {
  auto r = ima::ParseImaSignature({});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
}

TEST(ImaSigParseTest, SizeFieldMustCountTheBytesThatFollow) {
  auto r = ima::ParseImaSignature(SigField(3, 2, 4, 1, 6, 5), 100);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kBadLength);
  EXPECT_EQ(r.status().offset(), std::optional<uint64_t>(107));
  EXPECT_EQ(ima::ParseImaSignature(SigField(3, 2, 4, 1, 0, 0)).status().code(),
            ErrorCode::kBadLength);
}

TEST(ImaSigParseTest, TruncatedHeaderFails) {
  std::vector<uint8_t> f = SigField(3, 2, 4, 1, 1, 1);
  f.resize(6);
  EXPECT_EQ(ima::ParseImaSignature(f).status().code(), ErrorCode::kTruncated);
}

TEST(ImaSigParseTest, UnknownTypeOrVersionFails) {
  EXPECT_EQ(ima::ParseImaSignature(SigField(4, 2, 4, 1, 1, 1)).status().code(),
            ErrorCode::kBadValue);
  EXPECT_EQ(ima::ParseImaSignature(SigField(3, 1, 4, 1, 1, 1)).status().code(),
            ErrorCode::kBadValue);
  EXPECT_EQ(ima::ParseImaSignature(SigField(6, 2, 4, 1, 1, 1)).status().code(),
            ErrorCode::kBadValue);
}

TEST(ImaSigParseTest, KernelHashIds) {
  EXPECT_EQ(ima::HashAlgFromKernelId(4), HashAlg::kSha256);
  EXPECT_EQ(ima::HashAlgFromKernelId(5), HashAlg::kSha384);
  EXPECT_FALSE(ima::HashAlgFromKernelId(1).has_value());  // md5
  EXPECT_EQ(ima::KernelIdOfHashAlg(HashAlg::kSha1), std::optional<uint8_t>(2));
}

// --- keylime's lists (shared corpus) ------------------------------------------

std::vector<crypto::ImaKey> Keys(const std::vector<fs::path>& files) {
  std::vector<crypto::ImaKey> out;
  for (const fs::path& f : files) {
    auto k = crypto::LoadImaKeysFromPath(f.string());
    EXPECT_TRUE(k.ok()) << k.status().ToString();
    if (k.ok()) out.insert(out.end(), k->begin(), k->end());
  }
  return out;
}

ImaSigReport Check(const fs::path& list, const std::vector<crypto::ImaKey>& keys) {
  auto r = CheckImaSignatures(list.string(), ima::ReadOptions{}, keys);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : ImaSigReport{};
}

TEST(ImaSigCorpusTest, KeylimeSignaturesVerifyWithTheirKeys) {
  CCV_REQUIRE_CORPUS(corpus);
  const fs::path d = corpus / "ima-sig" / "keylime";
  auto keys = Keys({d / "rsa2048pub.pem", d / "secp256k1pub.pem"});
  ASSERT_EQ(keys.size(), 2u);
  // The key ids the corpus manifest names.
  std::set<uint32_t> ids = {keys[0].keyid, keys[1].keyid};
  EXPECT_EQ(ids, (std::set<uint32_t>{0xf3452d23u, 0x531f4025u}));
  ImaSigReport r = Check(d / "SIGNATURES.ascii_runtime_measurements", keys);
  EXPECT_EQ(r.verified, 2u);
  EXPECT_EQ(r.failed + r.unknown_key + r.malformed + r.unsigned_entries, 0u);
}

TEST(ImaSigCorpusTest, WithoutKeysNothingVerifies) {
  CCV_REQUIRE_CORPUS(corpus);
  const fs::path d = corpus / "ima-sig" / "keylime";
  ImaSigReport r = Check(d / "SIGNATURES.ascii_runtime_measurements", {});
  EXPECT_EQ(r.verified, 0u);
  EXPECT_EQ(r.unknown_key, 2u);
  ImaSigReport one =
      Check(d / "SIGNATURES.ascii_runtime_measurements", Keys({d / "rsa2048pub.pem"}));
  EXPECT_EQ(one.verified, 1u);
  ASSERT_EQ(one.findings.size(), 1u);
  EXPECT_EQ(one.findings[0].path, "/usr/bin/zmore");
  EXPECT_EQ(one.findings[0].status, ImaSigStatus::kUnknownKey);
}

TEST(ImaSigCorpusTest, WrongKeyWithTheSameIdFails) {
  CCV_REQUIRE_CORPUS(corpus);
  const fs::path d = corpus / "ima-sig" / "keylime";
  auto keys = Keys({d / "rsa2048pub.pem"});
  ASSERT_EQ(keys.size(), 1u);
  keys[0].keyid = 0x531f4025u;  // claims the ECDSA key's id
  ImaSigReport r = Check(d / "SIGNATURES.ascii_runtime_measurements", keys);
  EXPECT_EQ(r.verified, 0u);
  EXPECT_EQ(r.failed, 1u);
}

TEST(ImaSigCorpusTest, BadSignatureIsNamed) {
  CCV_REQUIRE_CORPUS(corpus);
  const fs::path d = corpus / "ima-sig" / "keylime";
  auto keys = Keys({d / "rsa2048pub.pem", d / "secp256k1pub.pem"});
  ImaSigReport r = Check(d / "BAD_SIGNATURES.ascii_runtime_measurements", keys);
  EXPECT_EQ(r.verified, 0u);
  ASSERT_FALSE(r.findings.empty());
  EXPECT_TRUE(r.findings[0].status == ImaSigStatus::kMalformed ||
              r.findings[0].status == ImaSigStatus::kFailed);
  EXPECT_FALSE(r.findings[0].path.empty());
}

TEST(ImaSigCorpusTest, UnsignedListCountsUnsigned) {
  CCV_REQUIRE_CORPUS(corpus);
  const fs::path d = corpus / "ima-sig" / "keylime";
  ImaSigReport r = Check(d / "MEASUREMENTS.ascii_runtime_measurements", {});
  EXPECT_GT(r.unsigned_entries, 0u);
  EXPECT_EQ(r.unsigned_entries, r.entries);
}

TEST(ImaSigCorpusTest, KeyringLoadYieldsTheImaCertificate) {
  CCV_REQUIRE_CORPUS(corpus);
  const fs::path d = corpus / "ima-sig" / "keylime";
  ImaSigReport r = Check(d / "KEYRINGS.ascii_runtime_measurements", {});
  ASSERT_EQ(r.keyring_loads.size(), 1u);
  EXPECT_EQ(r.keyring_loads[0].keyring, ".ima");
  EXPECT_NE(r.keyring_loads[0].subject.find("ecdsa-ca-signed-ec-key"), std::string::npos)
      << r.keyring_loads[0].subject;
}

// --- our own lists, signed with evmctl ----------------------------------------

bool Have(const char* tool) {
  return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0;
}

int Sh(const std::string& cmd) { return std::system(cmd.c_str()); }

std::vector<uint8_t> Md(const EVP_MD* md, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out(size_t(EVP_MD_get_size(md)));
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr);
  return out;
}

void PutU32(std::vector<uint8_t>* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(uint8_t(v >> (8 * i)));
}

// ima-sig template data of `file` (sha256 d-ng, n-ng, sig).
std::vector<uint8_t> TemplateData(const std::string& path, const std::vector<uint8_t>& digest,
                                  const std::vector<uint8_t>& sig) {
  const std::string prefix = "sha256:";
  std::vector<uint8_t> dng(prefix.begin(), prefix.end());
  dng.push_back(0);
  dng.insert(dng.end(), digest.begin(), digest.end());
  std::vector<uint8_t> n(path.begin(), path.end());
  n.push_back(0);
  std::vector<uint8_t> td;
  const std::vector<uint8_t>* parts[] = {&dng, &n, &sig};
  for (const std::vector<uint8_t>* f : parts) {
    PutU32(&td, uint32_t(f->size()));
    td.insert(td.end(), f->begin(), f->end());
  }
  return td;
}

class EvmctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Have("evmctl") || !Have("openssl")) {
      GTEST_SKIP() << "evmctl (ima-evm-utils) or the openssl CLI is missing: skipping";
    }
    dir_ = fs::temp_directory_path() / ("ccv-evmctl-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "keys");
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  // Makes a key and a certificate with SKID = SHA-1(public key) in keys/.
  void MakeKey(const std::string& name, const std::string& genpkey_args) {
    const std::string k = (dir_ / (name + ".key")).string();
    ASSERT_EQ(Sh("openssl genpkey " + genpkey_args + " -out " + k + " 2>/dev/null"), 0);
    ASSERT_EQ(Sh("openssl req -new -x509 -key " + k + " -days 30 -subj /CN=" + name +
                 " -addext subjectKeyIdentifier=hash -outform DER -out " +
                 (dir_ / "keys" / (name + ".der")).string() + " 2>/dev/null"),
              0);
  }
  // Signs a new file with `key` (evmctl ima_sign --sigfile) and returns
  // its path, digest and signature.
  struct Signed {
    std::string path;
    std::vector<uint8_t> digest, sig;
  };
  Signed Sign(const std::string& name, const std::string& key) {
    Signed s;
    s.path = (dir_ / name).string();
    std::ofstream(s.path) << "content of " << name << "\n";
    EXPECT_EQ(Sh("evmctl ima_sign --sigfile -a sha256 --key " + (dir_ / (key + ".key")).string() +
                 " " + s.path + " >/dev/null 2>&1"),
              0);
    s.digest = Md(EVP_sha256(), testing::ReadAll(s.path));
    s.sig = testing::ReadAll(s.path + ".sig");
    return s;
  }
  // Writes the entries as an ascii list (ours) and a binary list (evmctl's).
  void WriteLists(const std::vector<Signed>& entries) {
    std::ofstream ascii(dir_ / "list.ascii");
    std::vector<uint8_t> bin;
    for (const Signed& e : entries) {
      std::vector<uint8_t> td = TemplateData(e.path, e.digest, e.sig);
      std::vector<uint8_t> th = Md(EVP_sha1(), td);
      ascii << "10 " << ToHex(th) << " ima-sig sha256:" << ToHex(e.digest) << " " << e.path << " "
            << ToHex(e.sig) << "\n";
      PutU32(&bin, 10);
      bin.insert(bin.end(), th.begin(), th.end());
      PutU32(&bin, 7);
      const std::string tname = "ima-sig";
      bin.insert(bin.end(), tname.begin(), tname.end());
      PutU32(&bin, uint32_t(td.size()));
      bin.insert(bin.end(), td.begin(), td.end());
    }
    std::ofstream(dir_ / "list.bin", std::ios::binary)
        .write(reinterpret_cast<const char*>(bin.data()), std::streamsize(bin.size()));
  }
  // Paths evmctl reports as failing ("<path>: verification failed").
  std::set<std::string> EvmctlFailures() {
    std::string keys;
    for (const auto& f : fs::directory_iterator(dir_ / "keys")) {
      keys += (keys.empty() ? "" : ",") + f.path().string();
    }
    const std::string out = (dir_ / "evmctl.out").string();
    Sh("evmctl ima_measurement --verify-sig --key " + keys + " " + (dir_ / "list.bin").string() +
       " >" + out + " 2>&1");
    std::set<std::string> failed;
    std::ifstream in(out);
    for (std::string line; std::getline(in, line);) {
      size_t at = line.find(": verification failed");
      if (at != std::string::npos) failed.insert(line.substr(0, at));
    }
    return failed;
  }
  std::set<std::string> OurFailures(const ImaSigReport& r) {
    std::set<std::string> failed;
    for (const ImaSigEntry& e : r.findings) {
      if (e.status == ImaSigStatus::kFailed) failed.insert(e.path);
    }
    return failed;
  }
  fs::path dir_;
};

TEST_F(EvmctlTest, RsaAndEcdsaSignaturesVerifyAsEvmctlSays) {
  MakeKey("rsa2048", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048");
  MakeKey("p256", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256");
  MakeKey("p384", "-algorithm EC -pkeyopt ec_paramgen_curve:P-384");
  std::vector<Signed> entries = {Sign("a", "rsa2048"), Sign("b", "p256"), Sign("c", "p384")};
  Signed forged = Sign("d", "p256");
  forged.digest = entries[0].digest;  // another file's digest under d's signature
  entries.push_back(forged);
  Signed bad = Sign("e", "rsa2048");
  bad.sig.back() ^= 1;
  entries.push_back(bad);
  WriteLists(entries);
  auto keys = crypto::LoadImaKeysFromPath((dir_ / "keys").string());
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  auto ascii = CheckImaSignatures((dir_ / "list.ascii").string(), ima::ReadOptions{}, *keys);
  ASSERT_TRUE(ascii.ok()) << ascii.status().ToString();
  EXPECT_EQ(ascii->verified, 3u);
  EXPECT_EQ(ascii->failed, 2u);
  ima::ReadOptions bin_opts;
  bin_opts.format = ima::LogFormat::kBinary;
  auto bin = CheckImaSignatures((dir_ / "list.bin").string(), bin_opts, *keys);
  ASSERT_TRUE(bin.ok()) << bin.status().ToString();
  EXPECT_EQ(bin->verified, 3u);
  EXPECT_EQ(OurFailures(*bin), OurFailures(*ascii));
  const std::set<std::string> want = {entries[3].path, entries[4].path};
  EXPECT_EQ(OurFailures(*ascii), want);
  EXPECT_EQ(EvmctlFailures(), want);
}

// --- ima-modsig: appended PKCS#7 signatures, made by the openssl CLI --------

// One ima-modsig entry: d-ng of the whole file, n-ng, an empty sig, d-modsig
// (the digest of the file without its signature) and the DER PKCS#7.
std::vector<uint8_t> ModsigTemplateData(const std::string& path,
                                        const std::vector<uint8_t>& content_digest,
                                        const std::vector<uint8_t>& pkcs7) {
  auto dig = [](const std::vector<uint8_t>& d) {
    std::vector<uint8_t> f = {'s', 'h', 'a', '2', '5', '6', ':', 0};
    f.insert(f.end(), d.begin(), d.end());
    return f;
  };
  std::vector<uint8_t> whole = content_digest;  // stands for the digest with the signature
  whole[0] ^= 0xff;
  std::vector<uint8_t> n(path.begin(), path.end());
  n.push_back(0);
  const std::vector<uint8_t> fields[] = {dig(whole), n, {}, dig(content_digest), pkcs7};
  std::vector<uint8_t> td;
  for (const std::vector<uint8_t>& f : fields) {
    PutU32(&td, uint32_t(f.size()));
    td.insert(td.end(), f.begin(), f.end());
  }
  return td;
}

class ModsigTest : public EvmctlTest {
 protected:
  void SetUp() override {
    if (!Have("openssl")) GTEST_SKIP() << "the openssl CLI is missing: skipping";
    dir_ = fs::temp_directory_path() / ("ccv-modsig-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "keys");
  }
  // A certificate as PEM too (openssl cms -signer).
  void MakeSigner(const std::string& name, const std::string& genpkey_args) {
    MakeKey(name, genpkey_args);
    ASSERT_EQ(Sh("openssl x509 -inform DER -in " + (dir_ / "keys" / (name + ".der")).string() +
                 " -out " + (dir_ / (name + ".pem")).string()),
              0);
  }
  struct Appended {
    std::string path;
    std::vector<uint8_t> content_digest, pkcs7;
  };
  // Signs a new file as sign-file does (detached CMS, binary, no certificates);
  // `opts` adds -noattr and/or -keyid.
  Appended Sign(const std::string& name, const std::string& signer, const std::string& opts) {
    Appended a;
    a.path = (dir_ / name).string();
    std::ofstream(a.path) << "module body of " << name << "\n";
    EXPECT_EQ(Sh("openssl cms -sign -binary -nocerts -md sha256 " + opts + " -in " + a.path +
                 " -signer " + (dir_ / (signer + ".pem")).string() + " -inkey " +
                 (dir_ / (signer + ".key")).string() + " -outform DER -out " + a.path + ".p7s"),
              0);
    a.content_digest = Md(EVP_sha256(), testing::ReadAll(a.path));
    a.pkcs7 = testing::ReadAll(a.path + ".p7s");
    return a;
  }
  // openssl's own verdict on the detached signature over the file.
  bool OpensslVerifies(const Appended& a, const std::string& signer) {
    return Sh("openssl cms -verify -binary -noverify -inform DER -in " + a.path + ".p7s" +
              " -content " + a.path + " -certfile " + (dir_ / (signer + ".pem")).string() +
              " -out /dev/null 2>/dev/null") == 0;
  }
  ImaSigReport CheckBinary(const std::vector<Appended>& entries,
                           const std::vector<crypto::ImaKey>& keys) {
    std::vector<uint8_t> bin;
    for (const Appended& e : entries) {
      std::vector<uint8_t> td = ModsigTemplateData(e.path, e.content_digest, e.pkcs7);
      std::vector<uint8_t> th = Md(EVP_sha1(), td);
      PutU32(&bin, 10);
      bin.insert(bin.end(), th.begin(), th.end());
      const std::string tname = "ima-modsig";
      PutU32(&bin, uint32_t(tname.size()));
      bin.insert(bin.end(), tname.begin(), tname.end());
      PutU32(&bin, uint32_t(td.size()));
      bin.insert(bin.end(), td.begin(), td.end());
    }
    std::ofstream(dir_ / "modsig.bin", std::ios::binary)
        .write(reinterpret_cast<const char*>(bin.data()), std::streamsize(bin.size()));
    ima::ReadOptions o;
    o.format = ima::LogFormat::kBinary;
    auto r = CheckImaSignatures((dir_ / "modsig.bin").string(), o, keys);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ImaSigReport{};
  }
  std::string StatusOf(const ImaSigReport& r, const std::string& path) {
    for (const ImaSigEntry& e : r.verified_entries) {
      if (e.path == path) return "verified";
    }
    for (const ImaSigEntry& e : r.findings) {
      if (e.path == path) return std::string(ImaSigStatusName(e.status)) + ": " + e.detail;
    }
    return "absent";
  }
};

TEST_F(ModsigTest, AppendedSignaturesVerifyAsOpensslSays) {
  MakeSigner("rsa", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048");
  MakeSigner("p256", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256");
  MakeSigner("other", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048");
  std::vector<Appended> list = {
      Sign("plain.ko", "rsa", "-noattr"),         // sign-file's default: issuer and serial
      Sign("keyid.ko", "rsa", "-noattr -keyid"),  // sign-file -k: the SKID
      Sign("attrs.ko", "p256", "-keyid"),         // signed attributes, ECDSA
  };
  Appended moved = Sign("moved.ko", "rsa", "-noattr");
  moved.content_digest = list[0].content_digest;  // another file's digest under its signature
  Appended flipped = Sign("flipped.ko", "p256", "-keyid");
  flipped.pkcs7[flipped.pkcs7.size() - 3] ^= 1;  // inside the ECDSA signature
  std::ofstream(dir_ / "flipped.ko.p7s", std::ios::binary)
      .write(reinterpret_cast<const char*>(flipped.pkcs7.data()),
             std::streamsize(flipped.pkcs7.size()));
  Appended stranger = Sign("stranger.ko", "other", "-noattr");
  Appended moved_attrs = Sign("moved-attrs.ko", "p256", "-keyid");
  moved_attrs.content_digest = list[2].content_digest;
  for (const Appended& a : list) {
    EXPECT_TRUE(OpensslVerifies(a, a.path.find("attrs") != std::string::npos ? "p256" : "rsa"))
        << a.path;
  }
  EXPECT_FALSE(OpensslVerifies(flipped, "p256"));
  list.insert(list.end(), {moved, flipped, stranger, moved_attrs});

  auto rsa = crypto::LoadImaKeysFromPath((dir_ / "keys" / "rsa.der").string());
  auto p256 = crypto::LoadImaKeysFromPath((dir_ / "keys" / "p256.der").string());
  ASSERT_TRUE(rsa.ok() && p256.ok());
  std::vector<crypto::ImaKey> keys = *rsa;
  keys.insert(keys.end(), p256->begin(), p256->end());
  ImaSigReport r = CheckBinary(list, keys);
  EXPECT_EQ(StatusOf(r, list[0].path), "verified");
  EXPECT_EQ(StatusOf(r, list[1].path), "verified");
  EXPECT_EQ(StatusOf(r, list[2].path), "verified");
  EXPECT_EQ(StatusOf(r, list[3].path).rfind("failed", 0), 0u) << StatusOf(r, list[3].path);
  EXPECT_EQ(StatusOf(r, list[4].path).rfind("failed", 0), 0u) << StatusOf(r, list[4].path);
  EXPECT_EQ(StatusOf(r, list[5].path).rfind("unknown_key", 0), 0u) << StatusOf(r, list[5].path);
  EXPECT_NE(StatusOf(r, list[6].path).find("messageDigest"), std::string::npos)
      << StatusOf(r, list[6].path);
  EXPECT_EQ(r.verified, 3u);
  // The key id of a SKID-named signer is the SKID's last 4 bytes.
  for (const ImaSigEntry& e : r.verified_entries) {
    if (e.path == list[1].path) {
      EXPECT_EQ(e.keyid, (*rsa)[0].keyid);
    }
  }
}

TEST_F(ModsigTest, MalformedPkcs7IsNamed) {
  MakeSigner("rsa", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048");
  Appended a = Sign("a.ko", "rsa", "-noattr");
  a.pkcs7.resize(a.pkcs7.size() / 2);
  auto keys = crypto::LoadImaKeysFromPath((dir_ / "keys").string());
  ASSERT_TRUE(keys.ok());
  ImaSigReport r = CheckBinary({a}, *keys);
  EXPECT_EQ(StatusOf(r, a.path).rfind("malformed", 0), 0u) << StatusOf(r, a.path);
}

}  // namespace
}  // namespace ccv::replay
