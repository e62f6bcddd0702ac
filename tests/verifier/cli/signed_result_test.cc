// Signed results: verify --report jws=F / ear=F with --sign-key (ES256,
// ES384, EdDSA) and `ccverify result verify`. Each token is also checked by
// an independent implementation (tests/verifier/cli/jws_independent.py:
// Python's standard library for the JOSE framing, python3-cryptography for
// the signature), which also validates the EAR claims against
// docs/schemas/ear.schema.json; those checks skip with a message when
// python3-cryptography is absent. Keys and certificates come from the
// openssl command line tool.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/base64.h"
#include "parsers/core/file_io.h"
#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"
#include "tests/testing/demo_bundle.h"
#include "tests/testing/files.h"
#include "tests/verifier/pipeline/bundle_fixture.h"

namespace ccv::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDemoAt = "2026-06-01T00:00:00Z";

std::string Demo() { return testing::DemoDir().string(); }
std::string DemoArgs() {
  return testing::Quote(Demo()) + " --policy " + testing::Quote(Demo() + "/policy.yaml") +
         " --root-ca " + testing::Quote(Demo() + "/root_ca.pem") + " --at " + kDemoAt;
}

struct KeyPair {
  std::string name;  // "p256", "p384", "ed25519"
  std::string alg;   // "ES256", ...
  fs::path priv, pub;
};

class SignedResultTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("signed_result");
    const fs::path d = dir_->path();
    ok_ = testing::RunQuietly("openssl version");
    if (!ok_) return;
    const std::pair<const char*, const char*> gens[] = {
        {"p256", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256"},
        {"p384", "-algorithm EC -pkeyopt ec_paramgen_curve:P-384"},
        {"ed25519", "-algorithm ED25519"},
    };
    for (const auto& [name, opts] : gens) {
      KeyPair k{name, "", d / (std::string(name) + ".key"), d / (std::string(name) + ".pub")};
      k.alg = k.name == "p256" ? "ES256" : k.name == "p384" ? "ES384" : "EdDSA";
      ok_ = ok_ &&
            testing::RunQuietly("openssl genpkey " + std::string(opts) + " -out " +
                                testing::Quote(k.priv)) &&
            testing::RunQuietly("openssl pkey -in " + testing::Quote(k.priv) + " -pubout -out " +
                                testing::Quote(k.pub));
      keys_->push_back(k);
    }
    ok_ = ok_ &&
          testing::RunQuietly("openssl req -new -x509 -key " + testing::Quote(d / "p256.key") +
                              " -subj /CN=ccverify-results -days 30 -out " +
                              testing::Quote(d / "p256.crt")) &&
          testing::RunQuietly("openssl req -new -x509 -key " + testing::Quote(d / "p384.key") +
                              " -subj /CN=other -days 30 -out " + testing::Quote(d / "p384.crt"));
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!ok_) GTEST_SKIP() << "the openssl command line tool is missing: no test keys";
  }

  static fs::path Dir() { return dir_->path(); }
  static const KeyPair& Key(const std::string& name) {
    for (const KeyPair& k : *keys_) {
      if (k.name == name) return k;
    }
    return keys_->front();
  }

  // verify the demo with jws, ear and json reports signed by `key`.
  static testing::CliRun SignedRun(const KeyPair& key, const std::string& tag,
                                   const std::string& extra = "") {
    return testing::RunCcverify(
        "verify " + DemoArgs() + " -q --sign-key " + testing::Quote(key.priv) +
        " --report jws=" + testing::Quote(Dir() / (tag + ".jws")) +
        " --report ear=" + testing::Quote(Dir() / (tag + ".ear")) +
        " --report json=" + testing::Quote(Dir() / (tag + ".json")) + " " + extra);
  }

  // The independent check of each (token, key, is an EAR): one line each,
  // "ok" or "bad: ..."; nullopt when python3-cryptography is missing.
  struct Spec {
    fs::path token, pub;
    bool ear;
  };
  static std::optional<std::vector<std::string>> Independent(const std::vector<Spec>& specs) {
    std::string cmd =
        "python3 " +
        testing::Quote(testing::SourceDir() / "tests/verifier/cli/jws_independent.py") +
        " --ear-schema " + testing::Quote(testing::SourceDir() / "docs/schemas/ear.schema.json");
    for (const Spec& s : specs) {
      cmd += " " + testing::Quote(s.token.string() + ":" + s.pub.string() + (s.ear ? ":ear" : ""));
    }
    const fs::path out = Dir() / "independent.out";
    int status = std::system((cmd + " > " + testing::Quote(out) + " 2>/dev/null").c_str());
    if (!WIFEXITED(status) || WEXITSTATUS(status) == 77) return std::nullopt;
    std::vector<std::string> lines;
    std::istringstream in(testing::ReadText(out));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_EQ(lines.size(), specs.size());
    return lines;
  }

  static testing::TempDir* dir_;
  static bool ok_;
  static std::vector<KeyPair>* keys_;
};
testing::TempDir* SignedResultTest::dir_ = nullptr;
bool SignedResultTest::ok_ = false;
std::vector<KeyPair>* SignedResultTest::keys_ = new std::vector<KeyPair>();

std::vector<uint8_t> PayloadOf(const std::string& token) {
  size_t a = token.find('.'), b = token.find('.', a + 1);
  auto p = Base64UrlDecode(std::string_view(token).substr(a + 1, b - a - 1));
  return p ? *p : std::vector<uint8_t>{};
}

TEST_F(SignedResultTest, EachKeyTypeSignsAndVerifies) {
  for (const char* name : {"p256", "p384", "ed25519"}) {
    const KeyPair& k = Key(name);
    testing::CliRun run = SignedRun(k, name);
    ASSERT_EQ(run.code, 0) << name << ": " << run.err;
    const std::string jws = testing::ReadText(Dir() / (std::string(name) + ".jws"));
    // The header names the key's algorithm.
    auto header = Base64UrlDecode(jws.substr(0, jws.find('.')));
    ASSERT_TRUE(header.has_value()) << jws;
    EXPECT_NE(std::string(header->begin(), header->end()).find("\"alg\":\"" + k.alg + "\""),
              std::string::npos);
    // The payload is the JSON report byte for byte.
    const std::vector<uint8_t> payload = PayloadOf(jws);
    EXPECT_EQ(std::string(payload.begin(), payload.end()),
              testing::ReadText(Dir() / (std::string(name) + ".json")));
    for (const char* ext : {".jws", ".ear"}) {
      const fs::path token = Dir() / (std::string(name) + ext);
      testing::CliRun v = testing::RunCcverify("result verify " + testing::Quote(token) +
                                               " --key " + testing::Quote(k.pub));
      EXPECT_EQ(v.code, 0) << name << ext << ": " << v.out << v.err;
      EXPECT_NE(v.out.find("valid: " + k.alg + " signature by key sha256:"), std::string::npos)
          << v.out;
    }
  }
}

TEST_F(SignedResultTest, IndependentImplementationVerifiesAndValidatesTheEar) {
  std::vector<Spec> specs;
  for (const char* name : {"p256", "p384", "ed25519"}) {
    const KeyPair& k = Key(name);
    ASSERT_EQ(SignedRun(k, std::string("ind-") + name).code, 0);
    specs.push_back({Dir() / (std::string("ind-") + name + ".jws"), k.pub, false});
    specs.push_back({Dir() / (std::string("ind-") + name + ".ear"), k.pub, true});
  }
  // And a token under another key of the same type, which must not verify.
  specs.push_back({Dir() / "ind-p256.jws", Dir() / "p384.pub", false});
  auto lines = Independent(specs);
  if (!lines) GTEST_SKIP() << "python3-cryptography is missing: no independent check";
  ASSERT_EQ(lines->size(), specs.size());
  for (size_t i = 0; i + 1 < specs.size(); ++i) {
    EXPECT_EQ((*lines)[i], "ok") << specs[i].token;
  }
  EXPECT_EQ(lines->back().rfind("bad: ", 0), 0u) << lines->back();
}

TEST_F(SignedResultTest, EveryOneCharacterChangeFails) {
  const KeyPair& k = Key("p256");
  ASSERT_EQ(SignedRun(k, "tamper").code, 0);
  const std::string ear = testing::ReadText(Dir() / "tamper.ear");
  ASSERT_FALSE(ear.empty());
  std::vector<Spec> sampled;
  size_t checked = 0;
  for (size_t i = 0; i < ear.size(); ++i) {
    if (ear[i] == '\n') continue;
    std::string m = ear;
    // Another base64url character (a '.' becomes one too), so the token
    // still looks like one.
    m[i] = m[i] == 'A' ? 'B' : 'A';
    const fs::path t = Dir() / ("tampered-" + std::to_string(i) + ".ear");
    std::ofstream(t, std::ios::binary | std::ios::trunc) << m;
    testing::CliRun v = testing::RunCcverify("result verify " + testing::Quote(t) + " --key " +
                                             testing::Quote(k.pub));
    EXPECT_TRUE(v.code == 1 || v.code == 3) << "character " << i << " changed: exit " << v.code;
    if (i % 61 == 0) {
      sampled.push_back({t, k.pub, false});
    } else {
      fs::remove(t);
    }
    ++checked;
  }
  EXPECT_GT(checked, 200u);
  // The independent implementation rejects them too.
  auto lines = Independent(sampled);
  if (!lines) GTEST_SKIP() << "python3-cryptography is missing: no independent check";
  for (size_t i = 0; i < lines->size(); ++i) {
    EXPECT_EQ((*lines)[i].rfind("bad: ", 0), 0u) << sampled[i].token << ": " << (*lines)[i];
  }
}

TEST_F(SignedResultTest, WrongKeyIsUntrustedNotAnInputError) {
  ASSERT_EQ(SignedRun(Key("p256"), "wrong").code, 0);
  // Same algorithm, another key: exit 1.
  ASSERT_TRUE(
      testing::RunQuietly("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
                          testing::Quote(Dir() / "other.key") + " && openssl pkey -in " +
                          testing::Quote(Dir() / "other.key") + " -pubout -out " +
                          testing::Quote(Dir() / "other.pub")));
  EXPECT_EQ(testing::RunCcverify("result verify " + testing::Quote(Dir() / "wrong.jws") +
                                 " --key " + testing::Quote(Dir() / "other.pub"))
                .code,
            1);
  // A key of another type: the header's ES256 does not fit it (exit 1).
  EXPECT_EQ(testing::RunCcverify("result verify " + testing::Quote(Dir() / "wrong.jws") +
                                 " --key " + testing::Quote(Key("ed25519").pub))
                .code,
            1);
  // Not a JWS at all: exit 3.
  EXPECT_EQ(testing::RunCcverify("result verify " + testing::Quote(Demo() + "/policy.yaml") +
                                 " --key " + testing::Quote(Key("p256").pub))
                .code,
            3);
}

TEST_F(SignedResultTest, SignCertGoesIntoX5cAndVerifiesWithCert) {
  testing::CliRun run =
      SignedRun(Key("p256"), "cert", "--sign-cert " + testing::Quote(Dir() / "p256.crt"));
  ASSERT_EQ(run.code, 0) << run.err;
  const std::string jws = testing::ReadText(Dir() / "cert.jws");
  auto header = Base64UrlDecode(jws.substr(0, jws.find('.')));
  ASSERT_TRUE(header.has_value());
  EXPECT_NE(std::string(header->begin(), header->end()).find("\"x5c\":[\""), std::string::npos);
  testing::CliRun v = testing::RunCcverify("result verify " + testing::Quote(Dir() / "cert.jws") +
                                           " --cert " + testing::Quote(Dir() / "p256.crt"));
  EXPECT_EQ(v.code, 0) << v.err;
  EXPECT_NE(v.out.find("certificate CN=ccverify-results sha256:"), std::string::npos) << v.out;
  // A certificate of another key is refused before anything is signed.
  testing::CliRun bad =
      SignedRun(Key("p256"), "badcert", "--sign-cert " + testing::Quote(Dir() / "p384.crt"));
  EXPECT_EQ(bad.code, 3);
  EXPECT_NE(bad.err.find("not the key of --sign-key"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(Dir() / "badcert.jws"));
}

TEST_F(SignedResultTest, EarCarriesStatusVectorNonceAndPolicyDigest) {
  const std::string nonce = "00112233445566778899aabbccddeeff";
  // The demo binds its own nonce; a verifier nonce that is not it fails the
  // binding: the EAR is contraindicated and carries the nonce.
  testing::CliRun run = SignedRun(Key("p256"), "ear", "--nonce " + nonce);
  ASSERT_EQ(run.code, 1) << run.err;
  const std::vector<uint8_t> claims = PayloadOf(testing::ReadText(Dir() / "ear.ear"));
  rapidjson::Document d;
  d.Parse(reinterpret_cast<const char*>(claims.data()), claims.size());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["eat_profile"].GetString(), "tag:ietf.org,2026:rats/ear#04");
  EXPECT_STREQ(d["eat_nonce"].GetString(), "ABEiM0RVZneImaq7zN3u_w");
  EXPECT_STREQ(d["ear_verifier_id"]["developer"].GetString(), "ccverify");
  const auto& td = d["submods"]["td"];
  EXPECT_STREQ(td["ear_status"].GetString(), "contraindicated");
  EXPECT_EQ(td["ear_trustworthiness_vector"]["instance-identity"].GetInt(), 96);
  ASSERT_TRUE(td["ear_appraisal_policy_ids"].IsArray());
  EXPECT_EQ(std::string(td["ear_appraisal_policy_ids"][0].GetString()).rfind("sha256:", 0), 0u);
  // The trusted demo: affirming, every category it judged affirmed.
  ASSERT_EQ(SignedRun(Key("p256"), "good").code, 0);
  const std::vector<uint8_t> good = PayloadOf(testing::ReadText(Dir() / "good.ear"));
  rapidjson::Document g;
  g.Parse(reinterpret_cast<const char*>(good.data()), good.size());
  ASSERT_FALSE(g.HasParseError());
  EXPECT_STREQ(g["submods"]["td"]["ear_status"].GetString(), "affirming");
  for (const auto& m : g["submods"]["td"]["ear_trustworthiness_vector"].GetObject()) {
    EXPECT_EQ(m.value.GetInt(), 2) << m.name.GetString();
  }
  EXPECT_EQ(g["submods"]["td"]["ear_trustworthiness_vector"]["hardware"].GetInt(), 2);
}

TEST_F(SignedResultTest, UsageErrors) {
  // A signed report without a key, a key without a signed report.
  EXPECT_EQ(testing::RunCcverify("verify " + DemoArgs() +
                                 " --report jws=" + testing::Quote(Dir() / "x.jws"))
                .code,
            2);
  EXPECT_EQ(testing::RunCcverify("verify " + DemoArgs() + " --sign-key " +
                                 testing::Quote(Key("p256").priv))
                .code,
            2);
  EXPECT_EQ(testing::RunCcverify("result verify " + testing::Quote(Dir() / "x.jws")).code, 2);
  // An RSA key signs nothing here: exit 3.
  ASSERT_TRUE(
      testing::RunQuietly("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " +
                          testing::Quote(Dir() / "rsa.key")));
  testing::CliRun rsa = testing::RunCcverify("verify " + DemoArgs() + " --sign-key " +
                                             testing::Quote(Dir() / "rsa.key") +
                                             " --report ear=" + testing::Quote(Dir() / "rsa.ear"));
  EXPECT_EQ(rsa.code, 3);
  EXPECT_FALSE(fs::exists(Dir() / "rsa.ear"));
}

}  // namespace
}  // namespace ccv::cli
