// ccverify diff on bundles from our demo generator (corpus/demo/make_demo.cc):
// a rebuild that differs by exactly one event, one IMA file and one TD field
// is reported as exactly those; equal bundles, and a bundle and the policy
// generated from it, have no differences; one inserted event is one
// addition, a changed kernel command line one change. Digests are computed
// here from the generator's inputs, not taken from the diff.
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/hex.h"
#include "tests/testing/cli.h"
#include "tests/testing/demo_bundle.h"
#include "verifier/crypto/digest.h"

namespace ccv {
namespace {

std::string Sha384Hex(const std::string& s) {
  Digest d =
      crypto::Hash(HashAlg::kSha384,
                   std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
  return ToHex(d.span());
}

// A bundle made by make_demo with `variant`.
void MakeVariant(const testing::BundleCopy& b, const std::string& variant) {
  testing::CliRun r =
      testing::RunProgram("tests/make_demo", testing::Quote(b.dir()) + " 0 " + variant);
  ASSERT_EQ(r.code, 0) << r.err;
}

// Each generated bundle has its own root certificate: B is verified
// against `root_b` (default: the demo's).
testing::CliRun Diff(const std::string& a, const std::string& b,
                     const std::string& extra = "--json",
                     const std::filesystem::path& root_b = testing::DemoDir() / "root_ca.pem") {
  return testing::RunProgram("ccverify", "diff " + a + " " + b + " --root-ca-a " +
                                             testing::Quote(testing::DemoDir() / "root_ca.pem") +
                                             " --root-ca-b " + testing::Quote(root_b) + " --at " +
                                             testing::kDemoAt + " " + extra);
}

// The demo bundle (A) against `peer`, a variant with its own root (B).
testing::CliRun DiffDemoAnd(const testing::BundleCopy& peer, const std::string& extra = "--json") {
  return Diff(testing::Quote(testing::DemoDir()), testing::Quote(peer.dir()), extra,
              peer / "root_ca.pem");
}

rapidjson::Document Parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  EXPECT_FALSE(d.HasParseError()) << json;
  EXPECT_TRUE(d.IsObject()) << json;
  return d;
}

size_t Size(const rapidjson::Value& v, const char* key) { return v[key].GetArray().Size(); }

// Every kind of difference is empty.
void ExpectEqual(const rapidjson::Document& d) {
  EXPECT_TRUE(d["equal"].GetBool());
  EXPECT_EQ(Size(d, "missing"), 0u);
  EXPECT_EQ(Size(d, "fields"), 0u);
  EXPECT_EQ(Size(d, "registers"), 0u);
  EXPECT_EQ(Size(d, "checks"), 0u);
  EXPECT_EQ(Size(d["advisories"], "added") + Size(d["advisories"], "removed"), 0u);
  EXPECT_EQ(Size(d["ima"], "added") + Size(d["ima"], "removed") + Size(d["ima"], "changed"), 0u);
}

std::set<std::string> RegisterNames(const rapidjson::Document& d) {
  std::set<std::string> out;
  for (const auto& r : d["registers"].GetArray()) out.insert(r["register"].GetString());
  return out;
}

const rapidjson::Value& Register(const rapidjson::Document& d, const std::string& name) {
  for (const auto& r : d["registers"].GetArray()) {
    if (r["register"].GetString() == name) return r;
  }
  ADD_FAILURE() << "no register " << name;
  static rapidjson::Value none;
  return none;
}

// The difference of `name`, the only register that differs.
const rapidjson::Value& OnlyRegister(const rapidjson::Document& d, const std::string& name) {
  EXPECT_EQ(RegisterNames(d), (std::set<std::string>{name}));
  return Register(d, name);
}

// The demo bundle (A) against a variant of make_demo (B) that differs from
// it: `diff --json` exits 1.
class DiffVariantTest : public ::testing::Test {
 protected:
  void DiffAgainst(const std::string& variant) {
    ASSERT_NO_FATAL_FAILURE(MakeVariant(peer_, variant));
    run_ = DiffDemoAnd(peer_);
    ASSERT_EQ(run_.code, 1) << run_.out << run_.err;
    doc_ = Parse(run_.out);
  }
  testing::BundleCopy peer_;
  testing::CliRun run_;
  rapidjson::Document doc_;
};

TEST(DiffCliTest, SameBundleIsEqual) {
  testing::BundleCopy b;
  testing::CliRun r = Diff(testing::Quote(testing::DemoDir()), testing::Quote(b.dir()));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  ExpectEqual(Parse(r.out));
  testing::CliRun t = Diff(testing::Quote(testing::DemoDir()), testing::Quote(b.dir()), "");
  EXPECT_EQ(t.code, 0);
  EXPECT_NE(t.out.find("no differences"), std::string::npos) << t.out;
}

TEST_F(DiffVariantTest, OneEventOneImaFileOneTdField) {
  ASSERT_NO_FATAL_FAILURE(DiffAgainst("diff-peer"));
  EXPECT_FALSE(doc_["equal"].GetBool());
  EXPECT_EQ(Size(doc_, "missing"), 0u);
  EXPECT_EQ(Size(doc_, "checks"), 0u) << run_.out;
  // The TD field.
  ASSERT_EQ(Size(doc_, "fields"), 1u) << run_.out;
  EXPECT_STREQ(doc_["fields"][0]["name"].GetString(), "td.mr_config_id");
  EXPECT_EQ(doc_["fields"][0]["a"].GetString(), std::string(96, '0'));
  EXPECT_EQ(doc_["fields"][0]["b"].GetString(), "c1" + std::string(94, '0'));
  // The event: one addition in RTMR3, whose value changes with it; RTMR2
  // changes with the IMA file. No other register.
  EXPECT_EQ(RegisterNames(doc_), (std::set<std::string>{"rtmr2", "rtmr3"})) << run_.out;
  const rapidjson::Value& r3 = Register(doc_, "rtmr3");
  EXPECT_EQ(r3["a"].GetString(), std::string(96, '0'));
  ASSERT_EQ(Size(r3, "added"), 1u) << run_.out;
  EXPECT_EQ(Size(r3, "removed") + Size(r3, "changed"), 0u);
  const rapidjson::Value& e = r3["added"][0];
  EXPECT_STREQ(e["pointer"].GetString(), "ccel#8");
  EXPECT_STREQ(e["type_name"].GetString(), "EV_IPL");
  ASSERT_EQ(Size(e, "digests"), 1u);
  EXPECT_EQ(e["digests"][0].GetString(), "sha384:" + Sha384Hex("demo workload: app-v2"));
  const rapidjson::Value& r2 = Register(doc_, "rtmr2");
  EXPECT_TRUE(r2.HasMember("a"));
  EXPECT_EQ(Size(r2, "added") + Size(r2, "removed") + Size(r2, "changed"), 0u);
  // The IMA file.
  EXPECT_EQ(Size(doc_["ima"], "added") + Size(doc_["ima"], "removed"), 0u);
  ASSERT_EQ(Size(doc_["ima"], "changed"), 1u) << run_.out;
  const rapidjson::Value& f = doc_["ima"]["changed"][0];
  EXPECT_STREQ(f["path"].GetString(), "/usr/bin/bash");
  EXPECT_EQ(f["a"][0].GetString(), "sha384:" + Sha384Hex("demo content of /usr/bin/bash"));
  EXPECT_EQ(f["b"][0].GetString(),
            "sha384:" + Sha384Hex("demo content of /usr/bin/bash (patched)"));

  // The text report names the same, and says they differ.
  testing::CliRun t = DiffDemoAnd(peer_, "");
  EXPECT_EQ(t.code, 1);
  EXPECT_NE(t.out.find("~ td.mr_config_id"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("rtmr3: 1 added, 0 removed, 0 changed"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("~ ima /usr/bin/bash"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("differences found"), std::string::npos) << t.out;
}

TEST_F(DiffVariantTest, InsertedEventIsOneAdditionNotACascade) {
  ASSERT_NO_FATAL_FAILURE(DiffAgainst("insert-event"));
  const rapidjson::Value& r2 = OnlyRegister(doc_, "rtmr2");
  ASSERT_EQ(Size(r2, "added"), 1u) << run_.out;
  EXPECT_EQ(Size(r2, "removed") + Size(r2, "changed"), 0u) << run_.out;
  EXPECT_STREQ(r2["added"][0]["pointer"].GetString(), "ccel#6");
  EXPECT_EQ(r2["added"][0]["digests"][0].GetString(), "sha384:" + Sha384Hex("set timeout=5"));
  EXPECT_EQ(Size(doc_, "fields"), 0u) << run_.out;
  // boot_aggregate hashes RTMR0..2, so it follows the new event; no file changed.
  ASSERT_EQ(Size(doc_["ima"], "changed"), 1u) << run_.out;
  EXPECT_STREQ(doc_["ima"]["changed"][0]["path"].GetString(), "boot_aggregate");
}

TEST_F(DiffVariantTest, ChangedKernelCommandLineIsOneChange) {
  ASSERT_NO_FATAL_FAILURE(DiffAgainst("new-cmdline"));
  const rapidjson::Value& r2 = OnlyRegister(doc_, "rtmr2");
  EXPECT_EQ(Size(r2, "added") + Size(r2, "removed"), 0u) << run_.out;
  ASSERT_EQ(Size(r2, "changed"), 1u) << run_.out;
  EXPECT_STREQ(r2["changed"][0]["a"]["pointer"].GetString(), "ccel#7");
  EXPECT_STREQ(r2["changed"][0]["b"]["pointer"].GetString(), "ccel#7");
  EXPECT_EQ(
      r2["changed"][0]["b"]["digests"][0].GetString(),
      "sha384:" + Sha384Hex("/vmlinuz-6.8 root=/dev/vda1 ro ima_hash=sha384 module.sig_enforce=0"));
}

TEST(DiffCliTest, BundleAgainstItsGeneratedPolicyIsEqual) {
  const std::string demo = testing::Quote(testing::DemoDir()),
                    policy = testing::Quote(testing::DemoDir() / "policy.yaml");
  for (const auto& [a, b] : {std::pair{demo, policy}, std::pair{policy, demo}}) {
    testing::CliRun r = Diff(a, b);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    rapidjson::Document d = Parse(r.out);
    ExpectEqual(d);
    EXPECT_STREQ(d[a == demo ? "b" : "a"]["kind"].GetString(), "policy");
  }
  // A policy generated here, from this build, too.
  testing::BundleCopy b;
  testing::CliRun g = testing::RunProgram(
      "ccverify", "policy generate " + testing::Quote(b.dir()) + " --root-ca " +
                      testing::Quote(b / "root_ca.pem") + " --at " + testing::kDemoAt +
                      " --output " + testing::Quote(b / "gen.yaml"));
  ASSERT_EQ(g.code, 0) << g.out << g.err;
  testing::CliRun r =
      Diff(testing::Quote(b.dir()), testing::Quote(b / "gen.yaml"), "--json", b / "root_ca.pem");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

TEST(DiffCliTest, RebuildAgainstPolicyNamesWhatThePolicyRejects) {
  testing::BundleCopy peer;
  MakeVariant(peer, "diff-peer");
  testing::CliRun r = Diff(testing::Quote(testing::DemoDir() / "policy.yaml"),
                           testing::Quote(peer.dir()), "--json", peer / "root_ca.pem");
  ASSERT_EQ(r.code, 1) << r.out << r.err;
  rapidjson::Document d = Parse(r.out);
  ASSERT_EQ(Size(d, "fields"), 1u) << r.out;
  EXPECT_STREQ(d["fields"][0]["name"].GetString(), "td.mr_config_id");
  // The policy pins RTMR3 (zero) and no event there; RTMR2 it leaves to replay.
  EXPECT_EQ(Size(OnlyRegister(d, "rtmr3"), "added"), 1u);
  ASSERT_EQ(Size(d["ima"], "changed"), 1u) << r.out;
  EXPECT_STREQ(d["ima"]["changed"][0]["path"].GetString(), "/usr/bin/bash");
  EXPECT_EQ(Size(d, "checks"), 0u) << r.out;
}

TEST(DiffCliTest, TeeTcbSvnBelowThePolicysMinimumDiffers) {
  testing::BundleCopy b;
  std::string policy = b.Read("policy.yaml");
  const std::string key = "min_tee_tcb_svn: \"";
  size_t at = policy.find(key);
  ASSERT_NE(at, std::string::npos);
  policy.replace(at + key.size(), 32, std::string(32, 'f'));
  b.Write("strict.yaml", policy);
  testing::CliRun r = Diff(testing::Quote(b.dir()), testing::Quote(b / "strict.yaml"));
  ASSERT_EQ(r.code, 1) << r.out << r.err;
  rapidjson::Document d = Parse(r.out);
  ASSERT_EQ(Size(d, "fields"), 1u) << r.out;
  EXPECT_STREQ(d["fields"][0]["name"].GetString(), "platform.tee_tcb_svn");
  EXPECT_EQ(d["fields"][0]["b"].GetString(), "at least " + std::string(32, 'f'));
  // The demo's own minimum (its value) passes.
  EXPECT_EQ(Diff(testing::Quote(b.dir()), testing::Quote(b / "policy.yaml")).code, 0);
}

TEST(DiffCliTest, UsageAndInputErrors) {
  const std::string demo = testing::Quote(testing::DemoDir()),
                    policy = testing::Quote(testing::DemoDir() / "policy.yaml");
  EXPECT_EQ(testing::RunProgram("ccverify", "diff " + demo).code, 2);
  EXPECT_EQ(testing::RunProgram("ccverify", "diff " + policy + " " + policy).code, 2);
  EXPECT_EQ(testing::RunProgram("ccverify", "diff " + demo + " " + demo + " --format xml").code, 2);
  EXPECT_EQ(testing::RunProgram("ccverify", "diff " + demo + " " + demo + " --bogus").code, 2);
  testing::CliRun help = testing::RunProgram("ccverify", "diff --help");
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("usage: ccverify diff A B"), std::string::npos);
  testing::CliRun missing =
      testing::RunProgram("ccverify", "diff " + demo + " /nonexistent/bundle");
  EXPECT_EQ(missing.code, 3);
  EXPECT_NE(missing.err.find("/nonexistent/bundle"), std::string::npos) << missing.err;
  testing::BundleCopy b;
  b.Write("bad.yaml", "apiVersion: ccverify/v1\ntd: [\n");
  testing::CliRun bad =
      testing::RunProgram("ccverify", "diff " + demo + " " + testing::Quote(b / "bad.yaml"));
  EXPECT_EQ(bad.code, 3);
  EXPECT_NE(bad.err.find("bad.yaml"), std::string::npos) << bad.err;
  b.Manifest("\"quote\": \"quote.bin\"", "\"quote\": \"gone.bin\"");
  EXPECT_EQ(testing::RunProgram("ccverify", "diff " + demo + " " + testing::Quote(b.dir())).code,
            3);
}

}  // namespace
}  // namespace ccv
