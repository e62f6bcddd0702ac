// Attacks on the verdict (DESIGN §8): evidence built from our own demo bundle
// (signed through the ccverify test PKI) and altered the way an attacker
// would, run through the ccverify binary. Each case asserts the exit code
// and the check or rule that fails; the untouched demo stays TRUSTED.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "tests/testing/corpus.h"

namespace ccv {
namespace {

namespace fs = std::filesystem;

constexpr char kAt[] = "2026-01-02T00:00:00Z";

fs::path Demo() { return ::ccv::testing::SourceDir() / "corpus/demo"; }

std::string Q(const fs::path& p) { return "'" + p.string() + "'"; }

struct CliRun {
  int code = -1;
  std::string out;
};

CliRun Ccverify(const std::string& args) {
  static int n = 0;
  fs::path out = fs::temp_directory_path() /
                 ("ccv_adv_out_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
  std::string cmd = (::ccv::testing::BinaryDir() / "ccverify").string() + " " + args + " > " +
                    Q(out) + " 2>&1 < /dev/null";
  int rc = std::system(cmd.c_str());
  CliRun r;
  r.code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  auto text = ReadFileText(out.string());
  if (text.ok()) r.out = *text;
  fs::remove(out);
  return r;
}

// A private copy of the demo bundle.
class Bundle {
 public:
  Bundle() {
    static int n = 0;
    dir_ = fs::temp_directory_path() /
           ("ccv_adv_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    for (const auto& f : fs::directory_iterator(Demo())) fs::copy_file(f.path(), dir_ / f.path().filename());
  }
  ~Bundle() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const fs::path& dir() const { return dir_; }
  std::string Read(const std::string& name) const { return *ReadFileText((dir_ / name).string()); }
  void Write(const std::string& name, const std::string& text) const {
    fs::remove(dir_ / name);
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  // Replaces the first `from` in file `name` by `to` (same length).
  void Patch(const std::string& name, const std::string& from, const std::string& to) const {
    std::string s = Read(name);
    size_t at = s.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    ASSERT_EQ(from.size(), to.size());
    s.replace(at, from.size(), to);
    Write(name, s);
  }
  // Edits evidence.json's text.
  void Manifest(const std::string& from, const std::string& to) const {
    std::string s = Read("evidence.json");
    size_t at = s.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    s.replace(at, from.size(), to);
    Write("evidence.json", s);
  }
  CliRun Verify(const std::string& extra = "") const {
    return Ccverify("verify " + Q(dir_) + " --root-ca " + Q(dir_ / "root_ca.pem") + " --at " + kAt +
                    " --format json " + extra);
  }
  CliRun VerifyWithPolicy(const std::string& policy_yaml) const {
    Write("attack-policy.yaml", policy_yaml);
    return Verify("--policy " + Q(dir_ / "attack-policy.yaml"));
  }

 private:
  fs::path dir_;
};

// Statuses of every check and rule of a verify JSON report.
std::map<std::string, std::string> Statuses(const CliRun& r) {
  std::map<std::string, std::string> out;
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  if (d.HasParseError() || !d.IsObject()) return out;
  for (const auto& c : d["checks"].GetArray()) out[c["id"].GetString()] = c["status"].GetString();
  if (d["policy"].IsObject()) {
    for (const auto& x : d["policy"]["rules"].GetArray()) out[x["id"].GetString()] = x["status"].GetString();
  }
  return out;
}

std::string DemoPolicy() { return *ReadFileText((Demo() / "policy.yaml").string()); }

// A policy judging the kernel command line by its text.
constexpr char kCmdlinePolicy[] =
    "apiVersion: ccverify/v1\n"
    "events:\n"
    "  - id: cmdline\n"
    "    match: {register: rtmr2, type: EV_IPL, text_prefix: \"kernel_cmdline:\"}\n"
    "    expect: {text: {require: [\"module.sig_enforce=1\"], forbid: [\"init=/bin/sh\"]}}\n";

TEST(FailClosedTest, TheUntouchedDemoIsTrustedWithItsPolicyAndVerifiedWithout) {
  Bundle b;
  CliRun r = b.VerifyWithPolicy(DemoPolicy());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"outcome\": \"trusted\""), std::string::npos);
  CliRun cmd = b.VerifyWithPolicy(kCmdlinePolicy);
  EXPECT_EQ(cmd.code, 0) << cmd.out;
  CliRun none = b.Verify();
  EXPECT_EQ(none.code, 0) << none.out;
  EXPECT_NE(none.out.find("\"outcome\": \"verified\""), std::string::npos);
}

// Event text that no digest covers is not judged: the kernel command line's
// data is changed (its digest, and so the replay, stay as measured).
TEST(FailClosedTest, EventTextNoDigestCoversIsNotJudged) {
  Bundle b;
  b.Patch("CCEL.data", "module.sig_enforce=1", "module.sig_enforce=0");
  CliRun r = b.VerifyWithPolicy(kCmdlinePolicy);
  EXPECT_EQ(r.code, 1) << r.out;
  auto s = Statuses(r);
  EXPECT_EQ(s["replay.rtmr2"], "pass");  // the data is not part of the extend
  EXPECT_EQ(s["ccel.event_digests"], "fail");
  EXPECT_EQ(s["events.cmdline"], "fail");
}

// A CEL standing in for the CCEL gets the same event-data checks, and
// `dump --to cel-*` refuses a log whose text was forged: a conversion never
// launders it.
TEST(FailClosedTest, CelInPlaceOfTheCcelIsDigestChecked) {
  Bundle b;
  const std::string ccverify = (::ccv::testing::BinaryDir() / "ccverify").string();
  for (const char* to : {"cel-json", "cel-tlv"}) {
    std::string conv = ccverify + " dump " + Q(b.dir() / "CCEL.data") + " --to " + to + " > " +
                       Q(b.dir() / "log.cel");
    ASSERT_EQ(std::system(conv.c_str()), 0) << to;
  }
  // The forged source is refused.
  Bundle forged;
  forged.Patch("CCEL.data", "Calling EFI", "Hacking EFI");
  std::string refuse = ccverify + " dump " + Q(forged.dir() / "CCEL.data") + " --to cel-tlv > /dev/null 2>&1";
  int rc = std::system(refuse.c_str());
  ASSERT_TRUE(WIFEXITED(rc));
  EXPECT_EQ(WEXITSTATUS(rc), 1);
  // A CEL forged after the conversion is caught where it stands in.
  b.Patch("log.cel", "Calling EFI", "Hacking EFI");
  b.Manifest("\"ccel\": {\"table\": \"CCEL\", \"data\": \"CCEL.data\"}", "\"cel\": \"log.cel\"");
  CliRun r = b.VerifyWithPolicy(
      "apiVersion: ccverify/v1\nevents:\n  - id: action\n"
      "    match: {register: rtmr1, text_prefix: \"Hacking\"}\n    expect: {count: 1}\n");
  EXPECT_EQ(r.code, 1) << r.out;
  auto s = Statuses(r);
  EXPECT_EQ(s["replay.rtmr1"], "pass");
  EXPECT_EQ(s["cel.event_digests"], "fail");
  EXPECT_EQ(s["events.action"], "fail");
}

// Removing the logs does not turn UNTRUSTED into TRUSTED: every RTMR is
// compared, a register no log explains replays as zero.
TEST(FailClosedTest, RemovingTheLogsFailsTheReplay) {
  Bundle b;
  b.Manifest("\"ccel\": {\"table\": \"CCEL\", \"data\": \"CCEL.data\"},", "");
  b.Manifest("\"ima\": {\"path\": \"ascii_runtime_measurements\", \"register\": \"rtmr2\"},", "");
  CliRun r = b.Verify();
  EXPECT_EQ(r.code, 1) << r.out;
  auto s = Statuses(r);
  EXPECT_EQ(s["replay.rtmr0"], "fail");
  EXPECT_EQ(s["replay.rtmr1"], "fail");
  EXPECT_EQ(s["replay.rtmr2"], "fail");
}

// A TPM log in a TDX bundle is bound by nothing: it fails unless the policy
// names it informational, and its events are never judged.
TEST(FailClosedTest, UnboundTpmLogFailsUnlessInformational) {
  Bundle b;
  fs::copy_file(::ccv::testing::SourceDir() / "corpus/tcg/synthetic-sha1-legacy.bin", b.dir() / "tpm.bin");
  b.Manifest("\"collateral\":", "\"tpm_eventlog\": \"tpm.bin\", \"collateral\":");
  CliRun r = b.Verify();
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(Statuses(r)["tpm.bound"], "fail");
  // Informational: reported, not judged; a rule on its events sees none.
  CliRun info = b.VerifyWithPolicy(
      "apiVersion: ccverify/v1\nlogs: {informational: [tpm]}\n"
      "events:\n  - id: any-tpm\n    match: {log: tpm}\n    expect: {digest: {eq: zero}}\n    optional: true\n");
  EXPECT_EQ(info.code, 0) << info.out;
  auto s = Statuses(info);
  EXPECT_EQ(s["tpm.bound"], "skipped");
  EXPECT_EQ(s["events.any-tpm"], "skipped");
}

// IMA declared on pcr10 beside a TDX quote: only a TPM quote could bind it.
TEST(FailClosedTest, ImaOnAPcrBesideATdxQuoteIsUnbound) {
  Bundle b;
  std::string ima = b.Read("ascii_runtime_measurements");
  // The list's PCR field says 2 (RTMR2); a pcr10 list names 10.
  std::string pcr10;
  size_t pos = 0;
  while (pos < ima.size()) {
    size_t end = ima.find('\n', pos);
    std::string line = ima.substr(pos, end - pos);
    ASSERT_EQ(line.rfind(" 2 ", 0), 0u) << line;
    pcr10 += "10 " + line.substr(3) + "\n";
    pos = end + 1;
  }
  b.Write("ascii_runtime_measurements", pcr10);
  b.Manifest("\"register\": \"rtmr2\"", "\"register\": \"pcr10\"");
  CliRun r = b.VerifyWithPolicy(
      "apiVersion: ccverify/v1\nima: {allow: {digests: {}}, unknown: ignore}\n");
  EXPECT_EQ(r.code, 1) << r.out;
  auto s = Statuses(r);
  EXPECT_EQ(s["ima.bound"], "fail");
  EXPECT_EQ(s["ima.list"], "fail");
}

// Waivers never cover authenticity; a rule may not rest on an event type.
TEST(FailClosedTest, PoliciesThatWouldWaiveAuthenticityAreInputErrors) {
  Bundle b;
  for (const char* rule : {"quote.*", "quote.pck_chain", "replay.rtmr1", "ima.*", "report_data.binding",
                           "ccel.bound", "ima.template_hashes"}) {
    CliRun r = b.VerifyWithPolicy(std::string("apiVersion: ccverify/v1\nwaivers:\n  - {rule: ") + rule +
                               ", until: 2099-01-01, reason: rollout}\n");
    EXPECT_EQ(r.code, 3) << rule << r.out;
    EXPECT_NE(r.out.find("authenticity"), std::string::npos) << rule;
  }
  CliRun tcb = b.VerifyWithPolicy("apiVersion: ccverify/v1\nwaivers:\n  - {rule: quote.tcb_status, until: "
                               "2099-01-01, reason: rollout}\n");
  EXPECT_EQ(tcb.code, 0) << tcb.out;
  CliRun type = b.VerifyWithPolicy(
      "apiVersion: ccverify/v1\nevents:\n  - {id: t, match: {type: EV_IPL}, expect: {count: 2}}\n");
  EXPECT_EQ(type.code, 3) << type.out;
  EXPECT_NE(type.out.find("not authenticated"), std::string::npos);
}

// Bundle files: no links out, no FIFOs, no duplicate or unknown keys, no
// IMA register the replay does not implement.
TEST(FailClosedTest, HostileBundleFilesAreInputErrors) {
  {
    Bundle b;
    fs::remove(b.dir() / "collateral.json");
    fs::create_symlink("/etc/passwd", b.dir() / "collateral.json");
    CliRun r = b.Verify();
    EXPECT_EQ(r.code, 3) << r.out;
    EXPECT_EQ(r.out.find("root:"), std::string::npos);  // no bytes of the target
  }
  {
    Bundle b;
    fs::remove(b.dir() / "quote.bin");
    ASSERT_EQ(::mkfifo((b.dir() / "quote.bin").c_str(), 0600), 0);
    auto start = std::chrono::steady_clock::now();
    CliRun r = b.Verify();
    EXPECT_EQ(r.code, 3) << r.out;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  }
  {
    Bundle b;
    b.Manifest("\"quote\": \"quote.bin\",", "\"quote\": \"quote.bin\", \"quote\": \"other.bin\",");
    EXPECT_EQ(b.Verify().code, 3);
  }
  {
    Bundle b;
    b.Manifest("\"register\": \"rtmr2\"", "\"register\": \"rtmr3\"");
    EXPECT_EQ(b.Verify().code, 3);
  }
}

// A CCEL record outside MR 1..4 is an input error, not a fact bound to nothing.
TEST(FailClosedTest, CcelRecordOutsideTheRtmrsIsAnInputError) {
  Bundle b;
  std::string log = b.Read("CCEL.data");
  // Record #3 (EV_EFI_ACTION) starts at 230 with its MR index: make it 5.
  ASSERT_EQ(uint8_t(log[230]), 2);
  log[230] = 5;
  b.Write("CCEL.data", log);
  CliRun r = b.Verify();
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_NE(r.out.find("MR index 5"), std::string::npos) << r.out;
}

// replay --quote exits 1 when the replay does not reproduce the quote;
// --ima-register takes only what is implemented.
TEST(FailClosedTest, ReplayCommandFailsOnADifferenceAndRefusesOtherRegisters) {
  Bundle b;
  std::string args = "replay --ccel " + Q(b.dir() / "CCEL.data") + " --quote " + Q(b.dir() / "quote.bin");
  EXPECT_EQ(Ccverify(args + " --ima " + Q(b.dir() / "ascii_runtime_measurements")).code, 0);
  EXPECT_EQ(Ccverify(args).code, 1);  // RTMR2 without the IMA list differs
  EXPECT_EQ(Ccverify("replay --ima " + Q(b.dir() / "ascii_runtime_measurements") + " --ima-register pcr11").code, 2);
  EXPECT_EQ(Ccverify("replay --ima " + Q(b.dir() / "ascii_runtime_measurements") + " --ima-register pcr10").code, 3);
}

// A debug TD (TD_ATTRIBUTES.DEBUG) fails with and without a policy, unless
// the policy says td.attributes.debug: true. The quote is our own, signed
// through the test PKI by make_demo.
TEST(FailClosedTest, DebugTdFailsUnlessThePolicyAllowsIt) {
  Bundle b;
  std::string make = (::ccv::testing::BinaryDir() / "tests/make_demo").string() + " " + Q(b.dir()) +
                     " 0 debug > /dev/null";
  ASSERT_EQ(std::system(make.c_str()), 0);
  CliRun none = b.Verify();
  EXPECT_EQ(none.code, 1) << none.out;
  EXPECT_EQ(Statuses(none)["td.debug"], "fail");
  EXPECT_EQ(Statuses(none)["quote.quote_signature"], "pass");
  CliRun silent = b.VerifyWithPolicy("apiVersion: ccverify/v1\n");
  EXPECT_EQ(silent.code, 1) << silent.out;
  CliRun allowed = b.VerifyWithPolicy("apiVersion: ccverify/v1\ntd: {attributes: {debug: true}}\n");
  EXPECT_EQ(allowed.code, 0) << allowed.out;
  EXPECT_EQ(Statuses(allowed)["td.debug"], "pass");
}

// The report states where the nonce came from.
TEST(FailClosedTest, FreshnessIsStated) {
  Bundle b;
  rapidjson::Document d;
  CliRun bundle_nonce = b.Verify();
  d.Parse(bundle_nonce.out.c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["freshness"]["nonce_source"].GetString(), "bundle");
  EXPECT_FALSE(d["freshness"]["fresh"].GetBool());
  rapidjson::Document m;
  m.Parse(b.Read("evidence.json").c_str());
  ASSERT_TRUE(m.IsObject());
  CliRun verifier_nonce = b.Verify(std::string("--nonce ") + m["nonce"].GetString() + " --user-data " +
                                m["user_data"].GetString());
  d.Parse(verifier_nonce.out.c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["freshness"]["nonce_source"].GetString(), "verifier");
  EXPECT_TRUE(d["freshness"]["fresh"].GetBool());
}

}  // namespace
}  // namespace ccv
