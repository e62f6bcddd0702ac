// The verdict is decided once, in the library: for every attack bundle of
// tests/adversarial (attacks.h) and every evidence set of the shared corpus,
// pipeline::Verify and the ccverify binary give the same outcome, exit code
// and JSON report, and an input error the library reports is the error the
// binary prints (exit 3).
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/core/time.h"
#include "policies/policy_parser.h"
#include "tests/adversarial/attacks.h"
#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"
#include "tests/testing/demo_bundle.h"
#include "tests/testing/files.h"
#include "tests/verifier/pipeline/bundle_fixture.h"
#include "verifier/bundle/discover.h"
#include "verifier/bundle/evidence.h"
#include "verifier/bundle/report_data.h"
#include "verifier/crypto/digest.h"
#include "verifier/pipeline/verify.h"
#include "verifier/report/verify_report.h"

namespace ccv::pipeline {
namespace {

namespace fs = std::filesystem;

// One verification as the CLI is asked for it.
struct Request {
  Request(fs::path d, std::string t) : dir(std::move(d)), at(std::move(t)) {}
  fs::path dir;
  std::string at;
  std::string policy_path;                                   // "" for none
  std::optional<fs::path> root_ca;                           // none: Intel's root
  std::optional<std::string> nonce, user_data, report_data;  // hex
};

std::string CliArgs(const Request& q) {
  std::string a = "verify " + testing::Quote(q.dir) + " --at " + q.at + " --format json";
  if (q.root_ca) a += " --root-ca " + testing::Quote(*q.root_ca);
  if (!q.policy_path.empty()) a += " --policy " + testing::Quote(q.policy_path);
  if (q.nonce) a += " --nonce " + *q.nonce;
  if (q.user_data) a += " --user-data " + testing::Quote(*q.user_data);
  if (q.report_data) a += " --report-data " + *q.report_data;
  return a;
}

// The library's answer: the JSON report and exit code the CLI must give, or
// the input error it must print.
struct LibraryAnswer {
  Status error;
  std::string json;
  int exit_code = 3;
};

std::optional<std::vector<uint8_t>> Hex(const std::optional<std::string>& h) {
  if (!h) return std::nullopt;
  return *FromHex(*h);
}

LibraryAnswer Failed(Status s) {
  LibraryAnswer a;
  a.error = std::move(s);
  return a;
}

LibraryAnswer ThroughTheLibrary(const Request& q) {
  LibraryAnswer a;
  std::optional<policy::Policy> pol;
  if (!q.policy_path.empty()) {
    auto p = policy::LoadPolicyFile(q.policy_path);
    if (!p.ok()) return Failed(p.status());
    pol = std::move(*p);
  }
  auto d = bundle::LoadOrDiscoverEvidenceDir(q.dir.string());
  if (!d.ok()) return Failed(d.status());
  auto e = &d->evidence;
  bundle::ApplyVerifierBinding(e, Hex(q.nonce), Hex(q.user_data), Hex(q.report_data));
  VerifyOptions o;
  o.at = *ParseRfc3339Time(q.at);
  if (q.root_ca) o.root_ca_pem = *ReadFileText(q.root_ca->string());
  auto v = Verify(*e, o, pol ? &*pol : nullptr);
  if (!v.ok()) return Failed(v.status());
  report::VerifyReportContext ctx{q.dir.string(), FormatRfc3339Time(o.at), q.policy_path};
  // The report names the policy by its file's SHA-256, which the caller
  // computes, as the CLI does.
  if (!q.policy_path.empty()) {
    ctx.policy_sha256 =
        ToHex(crypto::Hash(HashAlg::kSha256, AsBytes(*ReadFileText(q.policy_path))).span());
  }
  a.json = report::VerifyReportJson(v->facts, v->evaluation, ctx);
  a.exit_code = v->outcome == result::Outcome::kUntrusted ? 1 : 0;
  return a;
}

void ExpectTheSameAnswer(const std::string& name, const Request& q) {
  SCOPED_TRACE(name);
  LibraryAnswer lib = ThroughTheLibrary(q);
  // The real executable: main() and the flag parsing must give the library's answer.
  testing::CliRun cli = testing::RunProgram("ccverify", CliArgs(q));
  EXPECT_EQ(cli.code, lib.exit_code) << cli.err;
  if (lib.error.ok()) {
    EXPECT_EQ(cli.out, lib.json);
  } else {
    EXPECT_EQ(cli.err, "ccverify: " + lib.error.ToString() + "\n");
  }
}

TEST(LibraryCliTest, EveryAttackBundleGetsOneAnswer) {
  int verdicts = 0, errors = 0;
  for (const adversarial::Attack& attack : adversarial::Attacks()) {
    testing::BundleCopy b;
    if (attack.build) attack.build(b);
    adversarial::VerifyArgs(attack, b);  // writes the policy into the bundle
    Request q(b.dir(), testing::kDemoAt);
    q.policy_path = adversarial::PolicyPath(attack, b);
    q.root_ca = b / "root_ca.pem";
    q.nonce = attack.nonce;
    q.user_data = attack.user_data;
    q.report_data = attack.report_data;
    ExpectTheSameAnswer(attack.name, q);
    (attack.exit_code == 3 ? errors : verdicts)++;
  }
  // The table holds both kinds: a regression that made every case an input
  // error (or none) would not pass unnoticed.
  EXPECT_GE(verdicts, 10);
  EXPECT_GE(errors, 5);
}

TEST(LibraryCliTest, EveryCorpusEvidenceSetGetsOneAnswer) {
  CCV_REQUIRE_CORPUS(corpus);
  // gcp-cos113: a genuine Intel-signed quote with its CCEL and collateral;
  // its nonce file holds the REPORTDATA the verifier asked for.
  {
    const fs::path c = corpus / "evidence/gcp-cos113";
    testing::TempDir dir("libcli_gcp");
    for (const char* f : {"quote.bin", "collateral.json"}) fs::copy_file(c / f, dir.path() / f);
    fs::copy_file(c / "ccel.table.bin", dir.path() / "CCEL");
    fs::copy_file(c / "ccel.bin", dir.path() / "CCEL.data");
    testing::WriteText(dir.path() / "evidence.json",
                       R"({"version": 1, "tee": "tdx", "quote": "quote.bin",
                      "ccel": {"table": "CCEL", "data": "CCEL.data"}, "collateral": "collateral.json"})");
    std::string report_data = ToHex(*ReadFileBytes((c / "nonce.bin").string()));
    Request q(dir.path(), "2025-10-20T00:00:00Z");
    ExpectTheSameAnswer("gcp-cos113 without the verifier's REPORTDATA", q);
    q.report_data = report_data;
    ExpectTheSameAnswer("gcp-cos113", q);
    q.at = "2035-01-01T00:00:00Z";
    ExpectTheSameAnswer("gcp-cos113 after its collateral expired", q);
    // A generated policy, through both.
    q.at = "2025-10-20T00:00:00Z";
    q.policy_path = (dir.path() / "policy.yaml").string();
    testing::CliRun gen = testing::RunCcverify("policy generate " + testing::Quote(dir.path()) +
                                               " --at " + q.at + " --report-data " + report_data);
    ASSERT_EQ(gen.code, 0) << gen.err;
    testing::WriteText(q.policy_path, gen.out);
    ExpectTheSameAnswer("gcp-cos113 with a generated policy", q);
  }
  // Every genuine quote of the quote corpus with its collateral, at the
  // moment its case names (no logs: the registers do not replay).
  {
    rapidjson::Document cases = testing::ReadJson(corpus / "quotes/cases.json");
    ASSERT_TRUE(cases.IsArray());
    int quotes = 0;
    for (const auto& c : cases.GetArray()) {
      const std::string name = c["name"].GetString();
      if (name.find("sgx") != std::string::npos) continue;  // verify takes TDX evidence
      testing::TempDir dir("libcli_quote");
      fs::copy_file(corpus / c["quote"].GetString(), dir.path() / "quote.bin");
      fs::copy_file(corpus / c["collateral"].GetString(), dir.path() / "collateral.json");
      testing::WriteText(
          dir.path() / "evidence.json",
          R"({"version": 1, "tee": "tdx", "quote": "quote.bin", "collateral": "collateral.json"})");
      ExpectTheSameAnswer(name, Request(dir.path(), c["now"].GetString()));
      ++quotes;
    }
    EXPECT_GE(quotes, 8);
  }
  // The corpus folders as they are: no manifest, each file taken by content.
  for (const char* name : {"gcp-cos113", "ccapi-td"}) {
    ExpectTheSameAnswer(std::string(name) + " as it is",
                        Request(corpus / "evidence" / name, "2025-10-20T00:00:00Z"));
  }
  // ccapi-td: a quote whose chain ends at a root that is not Intel's, its
  // CCEL and IMA list, no collateral.
  {
    const fs::path c = corpus / "evidence/ccapi-td";
    testing::TempDir dir("libcli_ccapi");
    for (const char* f : {"quote.bin", "ccel_data.bin", "ascii_runtime_measurements"}) {
      fs::copy_file(c / f, dir.path() / f);
    }
    testing::WriteText(
        dir.path() / "evidence.json",
        R"({"version": 1, "tee": "tdx", "quote": "quote.bin", "ccel": {"data": "ccel_data.bin"},
                      "ima": {"path": "ascii_runtime_measurements", "register": "rtmr2"}})");
    ExpectTheSameAnswer("ccapi-td", Request(dir.path(), "2025-10-20T00:00:00Z"));
  }
}

// The same evidence through file flags instead of a folder gives the same
// verdict on every register and the same outcome.
TEST(LibraryCliTest, FilesAsFlagsGiveTheFoldersVerdict) {
  CCV_REQUIRE_CORPUS(corpus);
  const fs::path g = corpus / "evidence/gcp-cos113";
  const std::string at = " --at 2025-10-20T00:00:00Z --format json";
  testing::CliRun folder = testing::RunCcverify("verify " + testing::Quote(g) + at);
  testing::CliRun flags = testing::RunCcverify(
      "verify --quote " + testing::Quote(g / "quote.bin") + " --ccel " +
      testing::Quote(g / "ccel.bin") + " --ccel-table " + testing::Quote(g / "ccel.table.bin") +
      " --collateral " + testing::Quote(g / "collateral.json") + " --report-data " +
      ToHex(*ReadFileBytes((g / "nonce.bin").string())) + at);
  EXPECT_EQ(folder.code, 0) << folder.err;
  EXPECT_EQ(flags.code, folder.code) << flags.err;
  auto a = testing::ReportStatuses(folder.out), b = testing::ReportStatuses(flags.out);
  for (const char* id : {"replay.rtmr0", "replay.rtmr1", "replay.rtmr2", "replay.rtmr3",
                         "quote.quote_signature", "quote.pck_chain", "quote.tcb_status",
                         "ccel.bound", "ccel.event_digests", "report_data.binding"}) {
    EXPECT_EQ(a[id], "pass") << id;
    EXPECT_EQ(b[id], a[id]) << id;
  }
  // A flag overrides the folder: another quote file is refused by the replay.
  testing::CliRun other =
      testing::RunCcverify("verify " + testing::Quote(g) + " --quote " +
                           testing::Quote(corpus / "evidence/ccapi-td/quote.bin") + at);
  EXPECT_EQ(other.code, 1);
  EXPECT_EQ(testing::ReportStatuses(other.out)["replay.rtmr0"], "fail");
}

}  // namespace
}  // namespace ccv::pipeline
