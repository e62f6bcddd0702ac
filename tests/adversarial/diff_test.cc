// `ccverify diff` must never say "no differences" (exit 0) for evidence that
// differs in what it proves: a forged quote signature with every field
// intact, an IMA list dropped from a bundle (against a bundle or a policy
// that has one), an IMA entry rewritten after it was measured.
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/testing/cli.h"
#include "tests/testing/demo_bundle.h"

namespace ccv {
namespace {

testing::CliRun Diff(const std::string& a, const std::string& b,
                     const std::string& extra = "--json") {
  return testing::RunProgram("ccverify", "diff " + a + " " + b + " --root-ca " +
                                             testing::Quote(testing::DemoDir() / "root_ca.pem") +
                                             " --at " + testing::kDemoAt + " " + extra);
}

rapidjson::Document Parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  EXPECT_TRUE(!d.HasParseError() && d.IsObject()) << json;
  return d;
}

std::string CheckStatus(const rapidjson::Document& d, const std::string& id, const char* side) {
  for (const auto& c : d["checks"].GetArray()) {
    if (c["id"].GetString() == id) return c[side].GetString();
  }
  return "(not listed)";
}

bool Lacks(const rapidjson::Document& d, const std::string& fact, const std::string& side) {
  for (const auto& m : d["missing"].GetArray()) {
    if (m["fact"].GetString() == fact && m["side"].GetString() == side) return true;
  }
  return false;
}

void DropIma(const testing::BundleCopy& b) {
  b.Manifest("  \"ima\": {\"path\": \"ascii_runtime_measurements\", \"register\": \"rtmr2\"},\n",
             "");
}

TEST(DiffAttackTest, ForgedSignatureWithIdenticalFieldsDiffers) {
  testing::BundleCopy b;
  std::string q = b.Read("quote.bin");
  // Quote v4: header (48) + TD report body (584) + signature data length
  // (4), then the ECDSA signature: flip one of its bytes.
  ASSERT_GT(q.size(), 700u);
  q[640] = char(q[640] ^ 0x01);
  b.Write("quote.bin", q);
  testing::CliRun r = Diff(testing::Quote(testing::DemoDir()), testing::Quote(b.dir()));
  ASSERT_EQ(r.code, 1) << r.out << r.err;
  rapidjson::Document d = Parse(r.out);
  EXPECT_FALSE(d["equal"].GetBool());
  EXPECT_EQ(d["fields"].GetArray().Size(), 0u) << r.out;
  EXPECT_EQ(CheckStatus(d, "quote.quote_signature", "a"), "pass") << r.out;
  EXPECT_EQ(CheckStatus(d, "quote.quote_signature", "b"), "fail") << r.out;
}

TEST(DiffAttackTest, DroppedImaListDiffersFromBundleAndPolicy) {
  testing::BundleCopy b;
  DropIma(b);
  testing::CliRun r = Diff(testing::Quote(testing::DemoDir()), testing::Quote(b.dir()));
  ASSERT_EQ(r.code, 1) << r.out << r.err;
  rapidjson::Document d = Parse(r.out);
  EXPECT_TRUE(Lacks(d, "ima", "b")) << r.out;
  testing::CliRun p =
      Diff(testing::Quote(testing::DemoDir() / "policy.yaml"), testing::Quote(b.dir()));
  ASSERT_EQ(p.code, 1) << p.out << p.err;
  rapidjson::Document dp = Parse(p.out);
  EXPECT_TRUE(Lacks(dp, "ima", "b")) << p.out;
  testing::CliRun t = Diff(testing::Quote(testing::DemoDir()), testing::Quote(b.dir()), "");
  EXPECT_NE(t.out.find("! B lacks ima: no IMA list"), std::string::npos) << t.out;
  EXPECT_EQ(t.out.find("no differences"), std::string::npos) << t.out;
}

TEST(DiffAttackTest, RewrittenImaEntryIsNamedAndItsCheckFails) {
  testing::BundleCopy b;
  b.Replace("ascii_runtime_measurements", " /usr/bin/bash\n", " /usr/bin/bosh\n");
  testing::CliRun r = Diff(testing::Quote(testing::DemoDir()), testing::Quote(b.dir()));
  ASSERT_EQ(r.code, 1) << r.out << r.err;
  rapidjson::Document d = Parse(r.out);
  ASSERT_EQ(d["ima"]["added"].GetArray().Size(), 1u) << r.out;
  EXPECT_STREQ(d["ima"]["added"][0]["path"].GetString(), "/usr/bin/bosh");
  ASSERT_EQ(d["ima"]["removed"].GetArray().Size(), 1u) << r.out;
  EXPECT_STREQ(d["ima"]["removed"][0]["path"].GetString(), "/usr/bin/bash");
  EXPECT_EQ(CheckStatus(d, "ima.template_hashes", "b"), "fail") << r.out;
}

}  // namespace
}  // namespace ccv
