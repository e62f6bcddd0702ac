// `ccverify policy generate` and `policy lint` as processes: generate refuses
// a platform that is not UpToDate unless --allow-weak, pins no event of a log
// nothing binds, and its policy verifies the bundle it came from; lint exits
// non-zero on each weak construct (errors always, warnings with --strict).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include "parsers/core/file_io.h"
#include "parsers/core/time.h"
#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"
#include "tests/testing/quote_pki.h"
#include "tests/verifier/pipeline/bundle_fixture.h"
#include "verifier/quote/collateral.h"

namespace ccv::cli {
namespace {

namespace fs = std::filesystem;

std::string Q(const std::string& s) { return "'" + s + "'"; }

using Proc = testing::CliRun;

Proc Ccverify(const std::string& args, const testing::TempDir&) {
  return testing::RunCcverify(args);
}

fs::path Demo() { return testing::SourceDir() / "corpus/demo"; }
const char kAt[] = " --at 2026-01-02T00:00:00Z";

std::string RootArg() { return " --root-ca " + Q((Demo() / "root_ca.pem").string()); }

// A copy of the demo bundle in `dir` (copies: a bundle's links may not lead
// out of it), whose files the caller may then replace.
void LinkDemo(const fs::path& dir) {
  for (const char* f : {"CCEL", "CCEL.data", "ascii_runtime_measurements", "quote.bin",
                        "collateral.json", "root_ca.pem", "evidence.json"}) {
    fs::copy_file(Demo() / f, dir / f);
  }
}

// The demo bundle with collateral whose TCB info gives the platform `status`
// (signed by the test PKI the demo quote and root come from).
void WriteDemoWithTcbStatus(const fs::path& dir, const std::string& status) {
  LinkDemo(dir);
  testing::PkiOptions po;  // as corpus/demo/make_demo.cc
  po.crl_this_update = testing::kPkiNow - 10 * testing::kDay;
  po.crl_next_update = testing::kPkiNow + 3000 * testing::kDay;
  auto pki = testing::TestPki::Create(po);
  ASSERT_TRUE(pki.ok()) << pki.status().ToString();
  quote::TcbInfo tcb = testing::DefaultTdxTcbInfo();
  tcb.issue_date = testing::kPkiNow - 10 * testing::kDay;
  tcb.next_update = testing::kPkiNow + 3000 * testing::kDay;
  tcb.tcb_levels[0].tcb_status = status;
  quote::EnclaveIdentity qe = testing::DefaultQeIdentity();
  qe.issue_date = tcb.issue_date;
  qe.next_update = tcb.next_update;
  fs::remove(dir / "collateral.json");
  std::ofstream(dir / "collateral.json")
      << quote::CollateralToJson(testing::MakeCollateral(*pki, tcb, qe));
}

TEST(PolicyGenerateCliTest, RefusesARevokedPlatformWithoutAllowWeak) {
  testing::TempDir tmp("gen");
  testing::TempDir bundle("revoked");
  WriteDemoWithTcbStatus(bundle.path(), "Revoked");
  auto out = tmp.path() / "p.yaml";
  std::string gen = "policy generate " + Q(bundle.path().string()) + RootArg() + kAt +
                    " --output " + Q(out.string());
  Proc g = Ccverify(gen, tmp);
  EXPECT_EQ(g.code, 1) << g.err;
  EXPECT_NE(g.err.find("TCB status is Revoked"), std::string::npos) << g.err;
  EXPECT_NE(g.err.find("--allow-weak"), std::string::npos) << g.err;
  EXPECT_FALSE(fs::exists(out));

  g = Ccverify(gen + " --allow-weak", tmp);
  ASSERT_EQ(g.code, 0) << g.err;
  EXPECT_NE(g.err.find("WARNING"), std::string::npos) << g.err;
  EXPECT_NE(g.err.find("Revoked"), std::string::npos) << g.err;
  auto yaml = ReadFileText(out.string());
  ASSERT_TRUE(yaml.ok());
  EXPECT_EQ(yaml->rfind("# WARNING:", 0), 0u) << *yaml;
  EXPECT_NE(yaml->find("tcb_status: {allow: [Revoked]}"), std::string::npos) << *yaml;
  // The policy it wrote is one lint refuses.
  Proc l = Ccverify("policy lint " + Q(out.string()) + kAt, tmp);
  EXPECT_EQ(l.code, 1) << l.out;
  EXPECT_NE(l.out.find("error: weak-tcb-status"), std::string::npos) << l.out;
}

TEST(PolicyGenerateCliTest, RefusesAnOutOfDatePlatformToo) {
  testing::TempDir tmp("gen");
  testing::TempDir bundle("outofdate");
  WriteDemoWithTcbStatus(bundle.path(), "OutOfDate");
  Proc g = Ccverify("policy generate " + Q(bundle.path().string()) + RootArg() + kAt, tmp);
  EXPECT_EQ(g.code, 1) << g.err;
  EXPECT_TRUE(g.out.empty());
  EXPECT_NE(g.err.find("TCB status is OutOfDate"), std::string::npos) << g.err;
}

TEST(PolicyGenerateCliTest, PinsNoEventOfAnUnboundTpmLog) {
  testing::TempDir tmp("gen");
  testing::TempDir bundle("tpm");
  LinkDemo(bundle.path());
  fs::copy_file(testing::SourceDir() / "corpus/tcg/synthetic-sha1-legacy.bin",
                bundle.path() / "tpm.bin");
  fs::remove(bundle.path() / "evidence.json");
  auto ev = ReadFileText((Demo() / "evidence.json").string());
  ASSERT_TRUE(ev.ok());
  std::string json = *ev;
  json.insert(json.find('{') + 1, "\n  \"tpm_eventlog\": \"tpm.bin\",");
  std::ofstream(bundle.path() / "evidence.json") << json;

  auto out = tmp.path() / "p.yaml";
  Proc g = Ccverify("policy generate " + Q(bundle.path().string()) + RootArg() + kAt +
                        " --output " + Q(out.string()),
                    tmp);
  ASSERT_EQ(g.code, 0) << g.err;
  EXPECT_NE(g.err.find("not pinned: log tpm"), std::string::npos) << g.err;
  auto yaml = ReadFileText(out.string());
  ASSERT_TRUE(yaml.ok());
  EXPECT_EQ(yaml->find("id: tpm-"), std::string::npos) << *yaml;
  EXPECT_EQ(yaml->find("log: tpm"), std::string::npos) << *yaml;
  EXPECT_EQ(yaml->find("register: pcr"), std::string::npos) << *yaml;
  EXPECT_EQ(yaml->find("informational"), std::string::npos) << *yaml;  // the operator decides
  EXPECT_NE(yaml->find("id: ccel-rtmr2-ev-ipl"), std::string::npos) << *yaml;
  // The policy parses and lints clean: only bound facts are in it.
  Proc l = Ccverify("policy lint --strict " + Q(out.string()) + kAt, tmp);
  EXPECT_EQ(l.code, 0) << l.out;
}

TEST(PolicyGenerateCliTest, GeneratedPolicyVerifiesTheDemoAsTrusted) {
  testing::TempDir tmp("gen");
  auto out = tmp.path() / "p.yaml";
  Proc g = Ccverify(
      "policy generate " + Q(Demo().string()) + RootArg() + kAt + " --output " + Q(out.string()),
      tmp);
  ASSERT_EQ(g.code, 0) << g.err;
  EXPECT_TRUE(g.err.empty()) << g.err;
  auto yaml = ReadFileText(out.string());
  ASSERT_TRUE(yaml.ok());
  EXPECT_EQ(yaml->find("nth:"), std::string::npos) << *yaml;
  EXPECT_EQ(yaml->find("WARNING"), std::string::npos) << *yaml;
  Proc v = Ccverify(
      "verify " + Q(Demo().string()) + " --policy " + Q(out.string()) + RootArg() + kAt, tmp);
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  EXPECT_EQ(v.out.rfind("ccverify verify: TRUSTED", 0), 0u) << v.out;
  Proc l = Ccverify("policy lint --strict " + Q(out.string()) + kAt, tmp);
  EXPECT_EQ(l.code, 0) << l.out;
}

// metadata.expires counts from the real clock, not from --at: a policy
// generated for an old bundle is not born expired.
TEST(PolicyGenerateCliTest, ExpiresCountsFromNowNotFromAt) {
  testing::TempDir tmp("gen");
  auto out = tmp.path() / "p.yaml";
  std::string gen =
      "policy generate " + Q(Demo().string()) + RootArg() + kAt + " --output " + Q(out.string());
  Proc g = Ccverify(gen + " --expires 30d", tmp);
  ASSERT_EQ(g.code, 0) << g.err;
  auto yaml = ReadFileText(out.string());
  ASSERT_TRUE(yaml.ok());
  size_t at = yaml->find("  expires: ");
  ASSERT_NE(at, std::string::npos) << *yaml;
  auto expires = ParseRfc3339Time(yaml->substr(at + 11, yaml->find('\n', at) - at - 11));
  ASSERT_TRUE(expires.ok()) << *yaml;
  int64_t now = TimeNow().seconds;
  EXPECT_GE(expires->seconds, now + 30 * 86400 - 600);
  EXPECT_LE(expires->seconds, now + 30 * 86400 + 600);
  // Lint at the real time: not expired.
  EXPECT_EQ(Ccverify("policy lint " + Q(out.string()), tmp).code, 0);

  ASSERT_EQ(Ccverify(gen + " --expires 2099-06-30", tmp).code, 0);
  yaml = ReadFileText(out.string());
  EXPECT_NE(yaml->find("expires: 2099-07-01T00:00:00Z"), std::string::npos)
      << *yaml;  // end of the day
  for (const char* bad : {"0d", "3651d", "90", "2020-01-01", "soon"}) {
    Proc b = Ccverify(gen + " --expires " + bad, tmp);
    EXPECT_EQ(b.code, 2) << bad;
    EXPECT_NE(b.err.find("--expires"), std::string::npos) << b.err;
  }
  EXPECT_EQ(Ccverify(gen + " --expires 30d --valid-days 30", tmp).code, 2);
}

// Each weak construct alone (on top of a policy that lints clean) makes
// `lint --strict` fail with its code; errors fail plain lint too.
TEST(PolicyLintCliTest, StrictFailsOnEachWeakConstruct) {
  testing::TempDir tmp("lint");
  auto clean = tmp.path() / "clean.yaml";
  Proc g = Ccverify("policy generate " + Q(Demo().string()) + RootArg() + kAt +
                        " --no-events --output " + Q(clean.string()),
                    tmp);
  ASSERT_EQ(g.code, 0) << g.err;
  std::string base = ReadFileText(clean.string()).value();
  ASSERT_EQ(Ccverify("policy lint --strict " + Q(clean.string()) + kAt, tmp).code, 0);
  struct Case {
    const char* name;
    const char* from;  // replaced in the generated policy ("" = appended)
    const char* to;
    const char* code;
    bool error;
  } cases[] = {
      {"revoked", "allow: [UpToDate]", "allow: [UpToDate, Revoked]", "weak-tcb-status", true},
      {"not_supported_warn", "allow: [UpToDate]", "allow: [UpToDate], warn: [NotSupported]",
       "weak-tcb-status", true},
      {"unrecognized", "allow: [UpToDate]", "allow: [UnrecognizedStatus]", "weak-tcb-status", true},
      {"exclude_root", "\"^boot_aggregate$\"]", "\"^boot_aggregate$\", \"^/\"]",
       "catch-all-exclude", true},
      {"exclude_any_path", "\"^boot_aggregate$\"]", "\"^boot_aggregate$\", \"^/.*\"]",
       "catch-all-exclude", true},
      {"ima_register_pinned", "  rtmr3:", "  rtmr2: {eq: zero}\n  rtmr3:", "ima-register-pinned",
       false},
      {"positional", "",
       "events:\n  - {id: e, match: {register: rtmr2, type: EV_IPL, nth: 1}, expect: {digest: {eq: "
       "zero}}}\n",
       "positional-event-rule", false},
      {"optional", "",
       "events:\n  - {id: e, match: {register: rtmr2}, expect: {digest: {eq: zero}}, optional: "
       "true}\n",
       "optional-event-rule", false},
      {"severity_warn", "",
       "events:\n  - {id: e, match: {register: rtmr2}, expect: {digest: {eq: zero}}, severity: "
       "warn}\n",
       "warn-only-event-rule", false},
      {"text_regex_all", "",
       "events:\n  - {id: e, match: {register: rtmr2, text_regex: \".*\"}, expect: {digest: {eq: "
       "zero}}}\n",
       "catch-all-text-regex", false},
      {"nested", "",
       "events:\n  - {id: e, match: {register: rtmr2, text_regex: \"(a+)+b\"}, expect: {digest: "
       "{eq: zero}}}\n",
       "nested-quantifier", false},
      {"events_waiver", "", "waivers:\n  - {rule: events.*, until: 2027-01-01, reason: r}\n",
       "wildcard-waiver", false},
      {"informational", "", "logs: {informational: [tpm]}\n", "informational-log", false},
      {"unexplained_warn", "", "logs: {unexplained_digests: warn}\n", "unexplained-digests-warn",
       false},
  };
  for (const Case& c : cases) {
    std::string y = base;
    if (*c.from) {
      size_t at = y.find(c.from);
      ASSERT_NE(at, std::string::npos) << c.name;
      y.replace(at, std::string(c.from).size(), c.to);
    } else {
      y += c.to;
    }
    auto p = tmp.path() / (std::string(c.name) + ".yaml");
    std::ofstream(p) << y;
    Proc strict = Ccverify("policy lint --strict " + Q(p.string()) + kAt, tmp);
    EXPECT_EQ(strict.code, 1) << c.name << "\n" << strict.out << strict.err;
    EXPECT_NE(strict.out.find(std::string(c.error ? "error: " : "warning: ") + c.code),
              std::string::npos)
        << c.name << "\n"
        << strict.out;
    Proc plain = Ccverify("policy lint " + Q(p.string()) + kAt, tmp);
    EXPECT_EQ(plain.code, c.error ? 1 : 0) << c.name << "\n" << plain.out;
  }
}

}  // namespace
}  // namespace ccv::cli
