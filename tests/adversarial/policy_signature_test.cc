// Signed policies (verify --policy-signature F --policy-key K): a policy is
// used only if its signature verifies over its exact bytes with the key
// given. Every way around that is an input error (exit 3) that writes no
// TRUSTED report: no signature, a signature by another key, a changed
// policy, a DSSE envelope of another document, "alg": "none", a signed
// policy that pulls in files its signature does not cover. Keys come from
// the openssl command line tool; detached JWS and DSSE envelopes are made
// here (DSSE ECDSA signatures DER-encoded, as securesystemslib writes them).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/base64.h"
#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "tests/testing/cli.h"
#include "tests/testing/demo_bundle.h"
#include "tests/testing/files.h"
#include "tests/verifier/pipeline/bundle_fixture.h"
#include "verifier/crypto/digest.h"
#include "verifier/crypto/ecdsa.h"
#include "verifier/crypto/jws.h"
#include "verifier/sign/jose.h"

namespace ccv::adversarial {
namespace {

namespace fs = std::filesystem;

std::string Demo() { return testing::DemoDir().string(); }

// A detached JWS of `payload` ("header..signature").
std::string DetachedJws(const crypto::JwsSigningKey& key, const std::string& payload) {
  auto token = sign::SignCompactJws(key, sign::JwsHeaderParams{"JOSE"}, AsBytes(payload));
  EXPECT_TRUE(token.ok());
  size_t a = token->find('.'), b = token->rfind('.');
  return token->substr(0, a) + ".." + token->substr(b + 1);
}

// A DSSE envelope of `payload` signed with `key`.
std::string Dsse(const crypto::JwsSigningKey& key, const std::string& payload) {
  const std::string type = "application/vnd.ccverify.policy+yaml";
  const std::string pae = "DSSEv1 " + std::to_string(type.size()) + " " + type + " " +
                          std::to_string(payload.size()) + " " + payload;
  auto sig = key.Sign(AsBytes(pae));
  EXPECT_TRUE(sig.ok());
  std::string sig_bytes(sig->begin(), sig->end());
  if (key.alg() == crypto::JwsAlg::kEs256) {
    auto der = crypto::RawSignatureToDer(*sig);
    EXPECT_TRUE(der.ok());
    sig_bytes = *der;
  }
  return "{\"payloadType\": \"" + type + "\", \"payload\": \"" + Base64Encode(AsBytes(payload)) +
         "\", \"signatures\": [{\"keyid\": \"policy-signer\", \"sig\": \"" +
         Base64Encode(AsBytes(sig_bytes)) + "\"}]}";
}

class PolicySignatureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::RunQuietly("openssl version"))
      GTEST_SKIP() << "the openssl command line tool is missing";
    for (const auto& [name, opts] : {std::pair<std::string, std::string>{
                                         "p256", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256"},
                                     {"ed25519", "-algorithm ED25519"},
                                     {"other", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256"}}) {
      ASSERT_TRUE(testing::RunQuietly("openssl genpkey " + opts + " -out " +
                                      testing::Quote(Key(name)) + " && openssl pkey -in " +
                                      testing::Quote(Key(name)) + " -pubout -out " +
                                      testing::Quote(Pub(name))));
    }
    policy_text_ = testing::ReadText(Demo() + "/policy.yaml");
    ASSERT_FALSE(policy_text_.empty());
    testing::WriteText(Policy(), policy_text_);
  }

  fs::path Key(const std::string& n) const { return tmp_.path() / (n + ".key"); }
  fs::path Pub(const std::string& n) const { return tmp_.path() / (n + ".pub"); }
  fs::path Policy() const { return tmp_.path() / "policy.yaml"; }

  crypto::JwsSigningKey Signer(const std::string& n) const {
    auto k = crypto::JwsSigningKey::FromPem(testing::ReadText(Key(n)));
    EXPECT_TRUE(k.ok()) << k.status().ToString();
    return std::move(*k);
  }

  // verify the demo with the policy copy, `flags` and a JSON report file.
  testing::CliRun Verify(const std::string& flags) {
    return testing::RunCcverify("verify " + testing::Quote(Demo()) + " --root-ca " +
                                testing::Quote(Demo() + "/root_ca.pem") +
                                " --at 2026-06-01T00:00:00Z --policy " + testing::Quote(Policy()) +
                                " --format json --output " + testing::Quote(Report()) + " " +
                                flags);
  }
  fs::path Report() const { return tmp_.path() / "report.json"; }
  std::string ReportVerdict() const {
    rapidjson::Document d;
    std::string text = testing::ReadText(Report());
    d.Parse(text.c_str());
    return d.HasParseError() || !d.HasMember("verdict") ? "" : d["verdict"].GetString();
  }

  testing::TempDir tmp_{"policy_sig"};
  std::string policy_text_;
};

TEST_F(PolicySignatureTest, DetachedJwsVerifiesAndTheReportNamesDigestAndSigner) {
  testing::WriteText(tmp_.path() / "policy.jws", DetachedJws(Signer("p256"), policy_text_));
  testing::CliRun r = Verify("--policy-signature " + testing::Quote(tmp_.path() / "policy.jws") +
                             " --policy-key " + testing::Quote(Pub("p256")));
  ASSERT_EQ(r.code, 0) << r.err;
  rapidjson::Document d;
  const std::string text = testing::ReadText(Report());
  d.Parse(text.c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["outcome"].GetString(), "trusted");
  EXPECT_EQ(d["policy"]["sha256"].GetString(),
            ToHex(crypto::Hash(HashAlg::kSha256, AsBytes(policy_text_)).span()));
  EXPECT_STREQ(d["policy"]["signature"]["form"].GetString(), "jws");
  EXPECT_EQ(std::string(d["policy"]["signature"]["signer"].GetString()).rfind("key sha256:", 0),
            0u);
}

TEST_F(PolicySignatureTest, DsseEnvelopeVerifiesWithEd25519AndP256) {
  for (const char* k : {"ed25519", "p256"}) {
    testing::WriteText(tmp_.path() / "policy.dsse", Dsse(Signer(k), policy_text_));
    testing::CliRun r = Verify("--policy-signature " + testing::Quote(tmp_.path() / "policy.dsse") +
                               " --policy-key " + testing::Quote(Pub(k)));
    EXPECT_EQ(r.code, 0) << k << ": " << r.err;
    rapidjson::Document d;
    const std::string text = testing::ReadText(Report());
    d.Parse(text.c_str());
    ASSERT_FALSE(d.HasParseError());
    EXPECT_STREQ(d["policy"]["signature"]["form"].GetString(), "dsse");
  }
}

TEST_F(PolicySignatureTest, UnsignedPolicyIsRefusedWhenAKeyIsRequired) {
  testing::CliRun r = Verify("--policy-key " + testing::Quote(Pub("p256")));
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("not signed"), std::string::npos) << r.err;
  EXPECT_EQ(ReportVerdict(), "error");
}

TEST_F(PolicySignatureTest, ChangedPolicyIsRefused) {
  testing::WriteText(tmp_.path() / "policy.jws", DetachedJws(Signer("p256"), policy_text_));
  testing::WriteText(tmp_.path() / "policy.dsse", Dsse(Signer("ed25519"), policy_text_));
  // Every kind of one-byte change: a value, a comment, a trailing newline.
  for (size_t pos : {policy_text_.size() / 2, size_t{0}, policy_text_.size() - 1}) {
    std::string changed = policy_text_;
    changed[pos] = changed[pos] == ' ' ? '#' : ' ';
    testing::WriteText(Policy(), changed);
    testing::CliRun jws =
        Verify("--policy-signature " + testing::Quote(tmp_.path() / "policy.jws") +
               " --policy-key " + testing::Quote(Pub("p256")));
    EXPECT_EQ(jws.code, 3) << pos;
    EXPECT_EQ(ReportVerdict(), "error");
    testing::CliRun dsse =
        Verify("--policy-signature " + testing::Quote(tmp_.path() / "policy.dsse") +
               " --policy-key " + testing::Quote(Pub("ed25519")));
    EXPECT_EQ(dsse.code, 3) << pos;
    EXPECT_EQ(ReportVerdict(), "error");
  }
  testing::WriteText(Policy(), policy_text_ + "\n");
  EXPECT_EQ(Verify("--policy-signature " + testing::Quote(tmp_.path() / "policy.jws") +
                   " --policy-key " + testing::Quote(Pub("p256")))
                .code,
            3);
}

TEST_F(PolicySignatureTest, SignatureByAnotherKeyIsRefused) {
  testing::WriteText(tmp_.path() / "policy.jws", DetachedJws(Signer("other"), policy_text_));
  testing::CliRun r = Verify("--policy-signature " + testing::Quote(tmp_.path() / "policy.jws") +
                             " --policy-key " + testing::Quote(Pub("p256")));
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("does not verify"), std::string::npos) << r.err;
  // A key of another type: the header's ES256 is not the key's EdDSA.
  EXPECT_EQ(Verify("--policy-signature " + testing::Quote(tmp_.path() / "policy.jws") +
                   " --policy-key " + testing::Quote(Pub("ed25519")))
                .code,
            3);
}

TEST_F(PolicySignatureTest, ForgedTokensAreRefused) {
  const std::string jws = DetachedJws(Signer("p256"), policy_text_);
  const std::string sig = jws.substr(jws.rfind('.') + 1);
  const std::pair<const char*, std::string> forged[] = {
      // "alg": "none" with no signature.
      {"alg none", Base64UrlEncode(AsBytes(std::string("{\"alg\":\"none\"}"))) + ".."},
      // A valid signature under a header naming another algorithm.
      {"alg HS256", Base64UrlEncode(AsBytes(std::string("{\"alg\":\"HS256\"}"))) + ".." + sig},
      // An unknown critical extension.
      {"crit",
       Base64UrlEncode(AsBytes(std::string("{\"alg\":\"ES256\",\"crit\":[\"x\"]}"))) + ".." + sig},
      // The signature of a compact (attached) JWS of the policy.
      {"attached",
       jws.substr(0, jws.find('.')) + "." + Base64UrlEncode(AsBytes(policy_text_)) + "." + sig},
      // Padding in base64url, an empty file, JSON that is no envelope.
      {"padding", jws + "="},
      {"empty", ""},
      {"not dsse", "{\"payload\": \"\"}"},
  };
  for (const auto& [what, token] : forged) {
    testing::WriteText(tmp_.path() / "forged.sig", token);
    testing::CliRun r = Verify("--policy-signature " + testing::Quote(tmp_.path() / "forged.sig") +
                               " --policy-key " + testing::Quote(Pub("p256")));
    EXPECT_EQ(r.code, 3) << what << ": " << r.err;
    EXPECT_EQ(ReportVerdict(), "error") << what;
  }
}

TEST_F(PolicySignatureTest, DsseOfAnotherDocumentIsRefused) {
  // A valid envelope, but of another policy than the file given.
  testing::WriteText(
      tmp_.path() / "policy.dsse",
      Dsse(Signer("ed25519"), "apiVersion: ccverify/v1\nmetadata: {name: permissive}\n"));
  testing::CliRun r = Verify("--policy-signature " + testing::Quote(tmp_.path() / "policy.dsse") +
                             " --policy-key " + testing::Quote(Pub("ed25519")));
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("another document"), std::string::npos) << r.err;
}

TEST_F(PolicySignatureTest, SignedPolicyNamingOtherFilesIsRefused) {
  // Files outside the signature: an attacker could swap them.
  testing::WriteText(tmp_.path() / "allow.txt", std::string(64, 'a') + "  /bin/sh\n");
  const std::pair<const char*, std::string> policies[] = {
      {"ima.allow.file", "apiVersion: ccverify/v1\nima:\n  allow:\n    file: allow.txt\n"},
      {"ima.keys", "apiVersion: ccverify/v1\nima:\n  keys: [" + Pub("p256").string() + "]\n"},
  };
  for (const auto& [key, text] : policies) {
    testing::WriteText(Policy(), text);
    testing::WriteText(tmp_.path() / "policy.jws", DetachedJws(Signer("p256"), text));
    testing::CliRun r = Verify("--policy-signature " + testing::Quote(tmp_.path() / "policy.jws") +
                               " --policy-key " + testing::Quote(Pub("p256")));
    EXPECT_EQ(r.code, 3) << key;
    EXPECT_NE(r.err.find(key), std::string::npos) << r.err;
    // Unsigned, the same policy loads (its rules then judge the evidence).
    EXPECT_NE(Verify("").code, 3) << key;
  }
}

TEST_F(PolicySignatureTest, SignatureFlagsNeedEachOther) {
  testing::WriteText(tmp_.path() / "policy.jws", DetachedJws(Signer("p256"), policy_text_));
  EXPECT_EQ(Verify("--policy-signature " + testing::Quote(tmp_.path() / "policy.jws")).code, 2);
  EXPECT_EQ(testing::RunCcverify("verify " + testing::Quote(Demo()) + " --policy-key " +
                                 testing::Quote(Pub("p256")))
                .code,
            2);
}

// verify --batch over the demo bundle listed twice, with the policy copy
// and `flags`: JSON lines to lines.jsonl, the summary as JSON on stdout.
testing::CliRun BatchRun(const fs::path& dir, const fs::path& policy, const std::string& flags) {
  testing::WriteText(dir / "list.txt", Demo() + "\n" + Demo() + "\n");
  std::error_code ec;
  fs::remove(dir / "lines.jsonl", ec);
  return testing::RunCcverify("verify --batch " + testing::Quote(dir / "list.txt") +
                              " --jobs 2 --root-ca " + testing::Quote(Demo() + "/root_ca.pem") +
                              " --at 2026-06-01T00:00:00Z --policy " + testing::Quote(policy) +
                              " --report jsonl=" + testing::Quote(dir / "lines.jsonl") +
                              " --format json " + flags);
}

TEST_F(PolicySignatureTest, BatchUsesASignedPolicyOnlyIfItsSignatureVerifies) {
  testing::WriteText(tmp_.path() / "policy.jws", DetachedJws(Signer("p256"), policy_text_));
  const std::string good =
      "--policy-signature " + testing::Quote(tmp_.path() / "policy.jws") + " --policy-key ";
  testing::CliRun ok = BatchRun(tmp_.path(), Policy(), good + testing::Quote(Pub("p256")));
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find("\"bundles\":2,"), std::string::npos) << ok.out;
  const std::string lines = testing::ReadText(tmp_.path() / "lines.jsonl");
  EXPECT_NE(lines.find("\"policy_matched\":true"), std::string::npos) << lines;
  // Refused before any bundle: the key without a signature, a signature by
  // another key, a policy changed by one byte after it was signed. No line
  // is written, so no bundle can be reported as judged by that policy.
  testing::WriteText(tmp_.path() / "other.jws", DetachedJws(Signer("other"), policy_text_));
  std::string changed = policy_text_;
  changed[changed.size() / 2] = changed[changed.size() / 2] == ' ' ? '#' : ' ';
  testing::WriteText(tmp_.path() / "changed.yaml", changed);
  const std::pair<fs::path, std::string> refused[] = {
      {Policy(), "--policy-key " + testing::Quote(Pub("p256"))},
      {Policy(), "--policy-signature " + testing::Quote(tmp_.path() / "other.jws") +
                     " --policy-key " + testing::Quote(Pub("p256"))},
      {tmp_.path() / "changed.yaml", good + testing::Quote(Pub("p256"))},
  };
  for (const auto& [policy, flags] : refused) {
    SCOPED_TRACE(flags);
    testing::CliRun r = BatchRun(tmp_.path(), policy, flags);
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_NE(r.err.find("BadSignature"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(tmp_.path() / "lines.jsonl"));
  }
  // A signature without the key to check it with: a usage error.
  EXPECT_EQ(BatchRun(tmp_.path(), Policy(),
                     "--policy-signature " + testing::Quote(tmp_.path() / "policy.jws"))
                .code,
            2);
}

}  // namespace
}  // namespace ccv::adversarial
