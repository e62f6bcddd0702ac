// dstack app facts: what an attacker can put into a dstack event log must
// not become a fact a policy judges. Each case builds a log with our own
// builder and a TD quote signed through the test PKI whose RTMRs are the
// replay of the log the attacker wants bound, then verifies in-process.
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "policies/generate.h"
#include "policies/policy_parser.h"
#include "tests/testing/dstack_builder.h"
#include "tests/testing/quote_builder.h"
#include "tests/testing/quote_pki.h"
#include "verifier/bundle/discover.h"
#include "verifier/pipeline/verify.h"
#include "verifier/quote/collateral.h"

namespace ccv::adversarial {
namespace {

constexpr char kAppPolicy[] = R"(apiVersion: ccverify/v1
metadata: {name: dstack-app}
binding: {nonce: optional}
app:
  compose_hash: {eq: "2222222222222222222222222222222222222222222222222222222222222222"}
  app_id: {eq: "1111111111111111111111111111111111111111"}
)";

testing::DstackLogBuilder GoodLog() {
  testing::DstackLogBuilder b;
  b.BootAction(0, "boot0");
  b.BootAction(1, "boot1");
  b.BootAction(2, "boot2");
  b.AppStart();
  return b;
}

class DstackAttackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int n = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("ccv-dstack-attack-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes the log and a quote whose RTMRs are `quoted`'s replay (the log
  // itself when null), and verifies with `policy_yaml`.
  pipeline::Verification Verify(const testing::DstackLogBuilder& log,
                                const testing::DstackLogBuilder* quoted,
                                const std::string& policy_yaml, bool with_manifest = true) {
    const testing::DstackLogBuilder& q_log = quoted ? *quoted : log;
    auto pki = testing::TestPki::Create();
    EXPECT_TRUE(pki.ok());
    testing::QuoteBuilder q = testing::DefaultTdxQuote(*pki);
    for (uint32_t i = 0; i < 4; ++i) {
      std::vector<uint8_t> r = q_log.Rtmr(i);
      std::copy(r.begin(), r.end(), q.body.begin() + 328 + 48 * i);
    }
    EXPECT_TRUE(testing::SignQuote(*pki, testing::TestAttestationKey(), &q).ok());
    Write("quote.bin", q.Build());
    std::string coll = quote::CollateralToJson(
        testing::MakeCollateral(*pki, testing::DefaultTdxTcbInfo(), testing::DefaultQeIdentity()));
    Write("collateral.json", std::vector<uint8_t>(coll.begin(), coll.end()));
    std::string json = log.Json();
    Write("eventlog.json", std::vector<uint8_t>(json.begin(), json.end()));
    bundle::Evidence e;
    if (with_manifest) {
      e.dir = dir_.string();
      e.quote = (dir_ / "quote.bin").string();
      e.collateral = (dir_ / "collateral.json").string();
      e.dstack_event_log = (dir_ / "eventlog.json").string();
    } else {
      auto d = bundle::DiscoverEvidenceDir(dir_.string());
      EXPECT_TRUE(d.ok()) << d.status().ToString();
      e = d->evidence;
    }
    pipeline::VerifyOptions o;
    o.at = Time(testing::kPkiNow);
    o.root_ca_pem = pki->RootPem();
    std::optional<policy::Policy> pol;
    if (!policy_yaml.empty()) {
      auto p = policy::ParsePolicy(policy_yaml);
      EXPECT_TRUE(p.ok()) << p.status().ToString();
      pol = *p;
    }
    auto v = pipeline::Verify(e, o, pol ? &*pol : nullptr);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : pipeline::Verification{};
  }

  static std::string Status(const pipeline::Verification& v, const std::string& id) {
    for (const auto& c : v.evaluation.checks) {
      if (c.id == id) return result::VerdictName(c.status);
    }
    for (const auto& r : v.evaluation.rules) {
      if (r.id == id) return result::VerdictName(r.status);
    }
    return "(absent)";
  }
  static std::string Why(const pipeline::Verification& v, const std::string& id) {
    for (const auto& r : v.evaluation.rules) {
      if (r.id == id) return r.why;
    }
    return "";
  }

  void Write(const std::string& name, const std::vector<uint8_t>& bytes) {
    std::ofstream(dir_ / name, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  }

  std::filesystem::path dir_;
};

TEST_F(DstackAttackTest, GenuineLogIsTrusted) {
  testing::DstackLogBuilder log = GoodLog();
  auto v = Verify(log, nullptr, kAppPolicy);
  EXPECT_EQ(v.outcome, result::Outcome::kTrusted);
  EXPECT_EQ(Status(v, "app.compose_hash"), "pass");
  EXPECT_EQ(Status(v, "app.app_id"), "pass");
  EXPECT_EQ(Status(v, "dstack.bound"), "pass");
  EXPECT_EQ(Status(v, "dstack.runtime_digests"), "pass");
  EXPECT_EQ(Status(v, "replay.rtmr3"), "pass");
  EXPECT_EQ(v.facts.app.pointers.at("compose-hash"), "dstack#5");
}

TEST_F(DstackAttackTest, GeneratedPolicyPinsTheAppButNotTheInstance) {
  testing::DstackLogBuilder log = GoodLog();
  auto v = Verify(log, nullptr, "");
  std::string yaml = policy::GeneratePolicy(v.facts, policy::GenerateOptions{});
  EXPECT_NE(yaml.find("compose_hash: {eq: \"" + std::string(64, '2') + "\"}"), std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("# instance_id:"), std::string::npos) << yaml;
  auto p = policy::ParsePolicy(yaml);
  ASSERT_TRUE(p.ok()) << p.status().ToString() << "\n" << yaml;
  ASSERT_EQ(p->app.rules.size(), 3u);  // compose_hash, app_id, key_provider
  // Another app under the generated policy fails on its compose hash.
  testing::DstackLogBuilder other = GoodLog();
  other.entries()[5] =
      testing::DstackLogBuilder().Runtime("compose-hash", std::vector<uint8_t>(32, 0x55));
  auto v2 = Verify(other, nullptr, yaml);
  EXPECT_EQ(Status(v2, "app.compose_hash"), "fail");
  EXPECT_EQ(Status(v2, "app.key_provider"), "pass");
}

TEST_F(DstackAttackTest, FolderWithoutManifestIsReadByContent) {
  testing::DstackLogBuilder log = GoodLog();
  auto v = Verify(log, nullptr, kAppPolicy, /*with_manifest=*/false);
  EXPECT_TRUE(v.facts.app.present);
  EXPECT_EQ(Status(v, "app.compose_hash"), "pass");
}

TEST_F(DstackAttackTest, ChangedPayloadWithTheLoggedDigestIsNoFact) {
  // The attacker keeps the digest the quote binds and claims another compose hash.
  testing::DstackLogBuilder log = GoodLog();
  testing::DstackLogBuilder quoted = GoodLog();
  log.entries()[5].payload = std::vector<uint8_t>(32, 0x44);
  auto v = Verify(log, &quoted, R"(apiVersion: ccverify/v1
binding: {nonce: optional}
app: {compose_hash: {eq: "4444444444444444444444444444444444444444444444444444444444444444"}}
)");
  EXPECT_EQ(Status(v, "replay.rtmr3"), "pass");  // the logged digests are the quoted ones
  EXPECT_EQ(Status(v, "dstack.runtime_digests"), "fail");
  EXPECT_EQ(Status(v, "app.compose_hash"), "fail");
  EXPECT_NE(Why(v, "app.compose_hash").find("dstack#5"), std::string::npos);
  EXPECT_EQ(v.outcome, result::Outcome::kUntrusted);
}

TEST_F(DstackAttackTest, AppIdOnAnotherRegisterIsNotAnAppFact) {
  // A runtime event with the right digest, on RTMR2, claiming an app id the
  // policy wants; the genuine RTMR3 has no app-id event.
  testing::DstackLogBuilder log;
  log.BootAction(0, "boot0");
  log.Runtime("app-id", std::vector<uint8_t>(20, 0x11)).imr = 2;
  log.Runtime("compose-hash", std::vector<uint8_t>(32, 0x22));
  auto v = Verify(log, nullptr, kAppPolicy);
  EXPECT_EQ(Status(v, "dstack.bound"), "pass");
  EXPECT_EQ(Status(v, "dstack.runtime_digests"), "pass");
  EXPECT_EQ(Status(v, "app.compose_hash"), "pass");
  EXPECT_EQ(Status(v, "app.app_id"), "fail");
  EXPECT_NE(Why(v, "app.app_id").find("rtmr2"), std::string::npos) << Why(v, "app.app_id");
  EXPECT_EQ(v.outcome, result::Outcome::kUntrusted);
}

TEST_F(DstackAttackTest, DuplicateAppIdGivesNoValue) {
  testing::DstackLogBuilder log = GoodLog();
  log.Runtime("app-id", std::vector<uint8_t>(20, 0x11));  // the same value again
  auto v = Verify(log, nullptr, kAppPolicy);
  EXPECT_EQ(Status(v, "dstack.bound"), "pass");
  EXPECT_EQ(Status(v, "app.app_id"), "fail");
  EXPECT_NE(Why(v, "app.app_id").find("2 times"), std::string::npos) << Why(v, "app.app_id");
  EXPECT_FALSE(v.facts.app.values.count("app-id"));
}

TEST_F(DstackAttackTest, EntriesBeyondTheQuoteUnbindRtmr3) {
  testing::DstackLogBuilder quoted;
  quoted.BootAction(0, "boot0");
  quoted.RuntimeText("system-preparing", "");
  testing::DstackLogBuilder log = quoted;
  log.Runtime("app-id", std::vector<uint8_t>(20, 0x11));
  log.Runtime("compose-hash", std::vector<uint8_t>(32, 0x22));
  auto v = Verify(log, &quoted, kAppPolicy);
  EXPECT_EQ(Status(v, "replay.rtmr3"), "fail");
  EXPECT_EQ(Status(v, "dstack.bound"), "fail");
  EXPECT_EQ(Status(v, "app.compose_hash"), "fail");
  EXPECT_EQ(Status(v, "app.app_id"), "fail");
  EXPECT_NE(Why(v, "app.compose_hash").find("not bound"), std::string::npos);
  EXPECT_TRUE(v.facts.app.values.empty());
}

TEST_F(DstackAttackTest, PinnedComposeHashWithRtmr3UnboundFails) {
  // A quote of another log: RTMR3 differs, everything else matches.
  testing::DstackLogBuilder log = GoodLog();
  testing::DstackLogBuilder other = GoodLog();
  other.entries()[6].payload[0] ^= 1;  // instance-id
  other.entries()[6].digest = testing::Sha384Raw({9});
  auto v = Verify(log, &other, kAppPolicy);
  EXPECT_EQ(Status(v, "replay.rtmr2"), "pass");
  EXPECT_EQ(Status(v, "replay.rtmr3"), "fail");
  EXPECT_EQ(Status(v, "app.compose_hash"), "fail");
  EXPECT_FALSE(v.facts.app.bound);
}

TEST_F(DstackAttackTest, InformationalLogBindsNoAppFact) {
  testing::DstackLogBuilder log = GoodLog();
  auto v = Verify(log, nullptr, std::string(kAppPolicy) + "logs: {informational: [dstack]}\n");
  EXPECT_EQ(Status(v, "dstack.bound"), "skipped");
  EXPECT_EQ(Status(v, "app.compose_hash"), "fail");
}

TEST_F(DstackAttackTest, AppRuleWithoutADstackLogFails) {
  auto p = policy::ParsePolicy(kAppPolicy);
  ASSERT_TRUE(p.ok());
  result::Facts f;  // no dstack log read
  auto ev = policy::Evaluate(&*p, f, {});
  for (const auto& r : ev.rules) {
    if (r.id.rfind("app.", 0) == 0) {
      EXPECT_EQ(r.status, result::Verdict::kFail) << r.id;
    }
  }
}

TEST_F(DstackAttackTest, AppFactsAreNotWaivableAuthenticity) {
  auto p = policy::ParsePolicy(R"(apiVersion: ccverify/v1
waivers: [{rule: dstack.runtime_digests, until: 2099-01-01, reason: x}]
)");
  EXPECT_FALSE(p.ok());
}

}  // namespace
}  // namespace ccv::adversarial
