// Incremental IMA (verify --ima-state): a resumed replay gives what a full
// replay of the same bundle gives, and a state that does not stand for the
// list (rotated, truncated, an earlier entry changed, another boot), a state
// changed in any field, and a state under another key are each refused;
// none of them ever yields a verdict. Bundles are the demo bundle
// (demo_maker.h) with generated IMA lists cut at random points and a quote
// over all of a list or a prefix of it, signed through the test PKI; the
// command runs in-process.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "tests/testing/cli.h"
#include "tests/testing/demo_maker.h"
#include "tests/testing/files.h"
#include "tests/verifier/pipeline/bundle_fixture.h"
#include "verifier/cli/ima_state_files.h"

namespace ccv::adversarial {
namespace {

namespace fs = std::filesystem;
using cli::BatchImaStatePath;

std::string Json(const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return b.GetString();
}

class ImaStateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto pki = testing::DemoPki();
    ASSERT_TRUE(pki.ok()) << pki.status().ToString();
    pki_ = new testing::TestPki(std::move(*pki));
  }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }
  void SetUp() override {
    testing::ReplaceText(tmp_.path() / "key", "0123456789abcdef-ima-state-key");
    testing::ReplaceText(tmp_.path() / "other_key", "another key, 16+ bytes long....");
  }

  // A demo bundle in a new directory under the test's temporary one.
  fs::path Make(testing::DemoOptions o) {
    fs::path dir = tmp_.path() / ("b" + std::to_string(n_++));
    fs::create_directories(dir);
    o.pki = pki_;
    Status s = testing::MakeDemoBundle(dir.string(), o);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return dir;
  }
  fs::path Extra(uint64_t n, std::optional<uint64_t> quoted = std::nullopt) {
    testing::DemoOptions o;
    o.extra_ima = n;
    o.quoted_ima_entries = quoted;
    return Make(o);
  }

  struct Run {
    testing::CliRun cli;
    rapidjson::Document report;
    const rapidjson::Value* ImaLog() const {
      if (!report.IsObject() || !report.HasMember("logs")) return nullptr;
      for (const auto& l : report["logs"].GetArray()) {
        if (std::string(l["name"].GetString()) == "ima") return &l;
      }
      return nullptr;
    }
  };
  // verify BUNDLE with a JSON report; `state` empty: without --ima-state.
  Run Verify(const fs::path& bundle, const fs::path& state = {}, const std::string& extra = "",
             const std::string& key = "key") {
    const fs::path out = tmp_.path() / ("r" + std::to_string(n_++) + ".json");
    std::string args = "verify " + testing::Quote(bundle) + " --root-ca " +
                       testing::Quote(bundle / "root_ca.pem") + " --at " +
                       "2026-01-02T00:00:00Z --format json --output " + testing::Quote(out);
    if (!state.empty()) {
      args += " --ima-state " + testing::Quote(state) + " --state-key " +
              testing::Quote(tmp_.path() / key);
    }
    Run r;
    r.cli = testing::RunCcverify(args + " " + extra);
    r.report.Parse(testing::ReadText(out).c_str());
    return r;
  }
  // Writes the state of `bundle`'s full replay to a new file.
  fs::path StateOf(const fs::path& bundle) {
    fs::path st = tmp_.path() / ("s" + std::to_string(n_++));
    Run r = Verify(bundle, st);
    EXPECT_EQ(r.cli.code, 0) << r.cli.err;
    EXPECT_TRUE(fs::exists(st));
    return st;
  }
  fs::path Copy(const fs::path& state) {
    fs::path st = tmp_.path() / ("s" + std::to_string(n_++));
    fs::copy_file(state, st);
    return st;
  }

  // The statuses of the checks and rules, by id.
  static std::map<std::string, std::string> Checks(const rapidjson::Document& d) {
    std::map<std::string, std::string> m;
    for (const auto& c : d["checks"].GetArray()) m[c["id"].GetString()] = c["status"].GetString();
    return m;
  }

  // A refused state: exit 3, the reason, no verdict; with
  // --ima-state-fallback the whole list is replayed and the result is the
  // full replay's, the reason reported.
  void ExpectRefused(const fs::path& bundle, const fs::path& state, const std::string& reason) {
    const std::string before = testing::ReadText(state);
    Run r = Verify(bundle, Copy(state));
    EXPECT_EQ(r.cli.code, 3) << r.cli.err;
    EXPECT_NE(r.cli.err.find("IMA state refused"), std::string::npos) << r.cli.err;
    EXPECT_NE(r.cli.err.find(reason), std::string::npos) << r.cli.err;
    ASSERT_TRUE(r.report.IsObject());
    EXPECT_STREQ(r.report["verdict"].GetString(), "error");
    const fs::path st = Copy(state);
    Run fb = Verify(bundle, st, "--ima-state-fallback");
    Run full = Verify(bundle);
    EXPECT_EQ(fb.cli.code, full.cli.code) << fb.cli.err;
    ASSERT_NE(fb.ImaLog(), nullptr);
    const auto& is = (*fb.ImaLog())["ima_state"];
    EXPECT_STREQ(is["replay"].GetString(), "full");
    ASSERT_TRUE(is["refused"].IsString());
    EXPECT_NE(std::string(is["refused"].GetString()).find(reason), std::string::npos);
    EXPECT_EQ(Json(fb.report["replay"]["registers"]), Json(full.report["replay"]["registers"]));
    EXPECT_EQ(Checks(fb.report), Checks(full.report));
    // The state now stands for this list.
    EXPECT_NE(testing::ReadText(st), before);
  }

  static testing::TestPki* pki_;
  testing::TempDir tmp_{"ima_state"};
  int n_ = 0;
};

testing::TestPki* ImaStateTest::pki_ = nullptr;

TEST_F(ImaStateTest, ResumedReplayEqualsFullReplayAtRandomCuts) {
  const uint32_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  constexpr uint64_t kMax = 400;
  for (int round = 0; round < 4; ++round) {
    // Three cuts of one growing list; each quote covers a random prefix of
    // its list, at least what the state before it covers.
    uint64_t a = std::uniform_int_distribution<uint64_t>(0, kMax / 2)(rng);
    uint64_t b = std::uniform_int_distribution<uint64_t>(a, kMax * 3 / 4)(rng);
    uint64_t c = std::uniform_int_distribution<uint64_t>(b, kMax)(rng);
    const uint64_t qa = std::uniform_int_distribution<uint64_t>(1, a + 6)(rng);
    const uint64_t qb = std::uniform_int_distribution<uint64_t>(qa, b + 6)(rng);
    const uint64_t qc = std::uniform_int_distribution<uint64_t>(qb, c + 6)(rng);
    SCOPED_TRACE("cuts " + std::to_string(a) + "/" + std::to_string(qa) + ", " + std::to_string(b) +
                 "/" + std::to_string(qb) + ", " + std::to_string(c) + "/" + std::to_string(qc));
    const fs::path state = tmp_.path() / ("chain" + std::to_string(round));
    uint64_t covered_before = 0;
    for (auto [extra, quoted] : {std::pair{a, qa}, std::pair{b, qb}, std::pair{c, qc}}) {
      const fs::path bundle = Extra(extra, quoted);
      const bool resumed = fs::exists(state);
      Run inc = Verify(bundle, state);
      Run full = Verify(bundle);
      ASSERT_EQ(inc.cli.code, 0) << inc.cli.err;
      ASSERT_EQ(full.cli.code, 0) << full.cli.err;
      EXPECT_STREQ(inc.report["verdict"].GetString(), full.report["verdict"].GetString());
      EXPECT_STREQ(inc.report["outcome"].GetString(), full.report["outcome"].GetString());
      EXPECT_EQ(Json(inc.report["replay"]["registers"]), Json(full.report["replay"]["registers"]));
      EXPECT_EQ(Checks(inc.report), Checks(full.report));
      const auto& il = *inc.ImaLog();
      const auto& fl = *full.ImaLog();
      EXPECT_EQ(il["events"].GetUint64(), fl["events"].GetUint64());
      EXPECT_EQ(il["bound_events"].GetUint64(), quoted);
      EXPECT_EQ(fl["bound_events"].GetUint64(), quoted);
      const auto& is = il["ima_state"];
      EXPECT_STREQ(is["replay"].GetString(), resumed ? "incremental" : "full");
      EXPECT_EQ(is["from_entry"].GetUint64(), covered_before);
      EXPECT_EQ(is["next_entries"].GetUint64(), quoted);
      // Only the entries after the state were read.
      EXPECT_EQ(inc.report["replay"]["ima_entries"].GetUint64(), extra + 6 - covered_before);
      // The state saved equals the one a full replay of this bundle saves.
      const fs::path fresh = tmp_.path() / ("fresh" + std::to_string(n_++));
      ASSERT_EQ(Verify(bundle, fresh).cli.code, 0);
      EXPECT_EQ(testing::ReadText(state), testing::ReadText(fresh));
      covered_before = quoted;
    }
  }
}

TEST_F(ImaStateTest, NoNewEntryKeepsTheState) {
  const fs::path bundle = Extra(20);
  const fs::path st = StateOf(bundle);
  const std::string before = testing::ReadText(st);
  Run r = Verify(bundle, st);
  EXPECT_EQ(r.cli.code, 0) << r.cli.err;
  EXPECT_STREQ((*r.ImaLog())["ima_state"]["replay"].GetString(), "incremental");
  EXPECT_EQ(r.report["replay"]["ima_entries"].GetUint64(), 0u);
  EXPECT_EQ(testing::ReadText(st), before);
}

TEST_F(ImaStateTest, RotatedListIsRefused) {
  const fs::path st = StateOf(Extra(50));
  testing::DemoOptions o;
  o.extra_ima = 80;
  o.salt = "after rotation ";
  ExpectRefused(Make(o), st, "rotated or rewritten");
}

TEST_F(ImaStateTest, ChangedEarlierEntryIsRefused) {
  const fs::path st = StateOf(Extra(50));
  // The machine's list differs at entry 3, which the quote follows; the
  // entry the state ends with is unchanged.
  testing::DemoOptions o;
  o.extra_ima = 80;
  o.changed_entry = 3;
  ExpectRefused(Make(o), st, "do not replay to the quoted value");
}

TEST_F(ImaStateTest, ChangedEntryJustBeforeTheOffsetIsRefused) {
  const fs::path st = StateOf(Extra(50));
  testing::DemoOptions o;
  o.extra_ima = 80;
  o.changed_entry = 55;  // the state's last entry
  ExpectRefused(Make(o), st, "rotated or rewritten");
}

TEST_F(ImaStateTest, TruncatedListIsRefused) {
  const fs::path st = StateOf(Extra(50));
  ExpectRefused(Extra(40), st, "truncated or rotated");
}

TEST_F(ImaStateTest, AnotherBootIsRefused) {
  const fs::path st = StateOf(Extra(50));
  testing::DemoOptions o;
  o.extra_ima = 80;
  o.variant = testing::DemoVariant::kNewCmdline;  // another CCEL: another RTMR2 at boot
  ExpectRefused(Make(o), st, "rebooted");
}

TEST_F(ImaStateTest, ListCutBeforeTheQuoteIsRefused) {
  // The state covers 56 entries; the new quote covers only 30 of them.
  const fs::path st = StateOf(Extra(50));
  ExpectRefused(Extra(80, 30), st, "do not replay to the quoted value");
}

TEST_F(ImaStateTest, EveryChangedByteOfTheStateIsRefused) {
  const fs::path bundle = Extra(30);
  const fs::path good = StateOf(Extra(20));
  const std::string text = testing::ReadText(good);
  // Every field: one character of each line changed (the MAC line too).
  size_t line_start = 0, lines = 0;
  while (line_start < text.size()) {
    size_t end = text.find('\n', line_start);
    for (size_t at : {end - 1, line_start + (end - line_start) / 2, line_start}) {
      std::string bad = text;
      bad[at] = bad[at] == '1' ? '2' : '1';
      const fs::path st = tmp_.path() / ("bad" + std::to_string(n_++));
      testing::ReplaceText(st, bad);
      Run r = Verify(bundle, st);
      EXPECT_EQ(r.cli.code, 3) << "byte " << at << ": " << r.cli.err;
      EXPECT_NE(r.cli.err.find("BadSignature: IMA state"), std::string::npos) << r.cli.err;
      // Never replaced by a full replay, even when asked for one.
      Run fb = Verify(bundle, st, "--ima-state-fallback");
      EXPECT_EQ(fb.cli.code, 3) << fb.cli.err;
      EXPECT_EQ(testing::ReadText(st), bad);  // left for inspection
    }
    ++lines;
    line_start = end + 1;
  }
  EXPECT_GE(lines, 14u);
  // Cut, extended, emptied.
  for (const std::string& bad :
       {text.substr(0, text.size() / 2), text + "value sha384:00\n", std::string(),
        text.substr(0, text.rfind("mac ")) + "value sha256:" + std::string(64, '0') + "\n" +
            text.substr(text.rfind("mac "))}) {
    const fs::path st = tmp_.path() / ("bad" + std::to_string(n_++));
    testing::ReplaceText(st, bad);
    Run r = Verify(bundle, st);
    EXPECT_EQ(r.cli.code, 3) << r.cli.err;
  }
}

TEST_F(ImaStateTest, StateUnderAnotherKeyIsRefused) {
  const fs::path bundle = Extra(30);
  const fs::path st = StateOf(Extra(20));
  Run r = Verify(bundle, st, "", "other_key");
  EXPECT_EQ(r.cli.code, 3) << r.cli.err;
  EXPECT_NE(r.cli.err.find("MAC does not verify"), std::string::npos) << r.cli.err;
  Run fb = Verify(bundle, st, "--ima-state-fallback", "other_key");
  EXPECT_EQ(fb.cli.code, 3) << fb.cli.err;
  // The right key still resumes it.
  Run ok = Verify(bundle, st);
  EXPECT_EQ(ok.cli.code, 0) << ok.cli.err;
}

TEST_F(ImaStateTest, ShortKeyIsRefused) {
  testing::ReplaceText(tmp_.path() / "short_key", "15 bytes only..");
  const fs::path bundle = Extra(5);
  Run r = Verify(bundle, tmp_.path() / "st", "", "short_key");
  EXPECT_EQ(r.cli.code, 3) << r.cli.err;
  EXPECT_FALSE(fs::exists(tmp_.path() / "st"));
}

TEST_F(ImaStateTest, UnboundListSavesNoState) {
  // A quote over none of the list's entries binds nothing.
  const fs::path bundle = Extra(5, 0);
  const fs::path st = tmp_.path() / "none";
  Run r = Verify(bundle, st);
  EXPECT_NE(r.cli.err.find("IMA state not saved"), std::string::npos) << r.cli.err;
  EXPECT_FALSE(fs::exists(st));
  EXPECT_TRUE((*r.ImaLog())["ima_state"]["next_entries"].IsNull());
}

TEST_F(ImaStateTest, UsageErrors) {
  const fs::path bundle = Extra(5);
  // A policy that judges IMA entries cannot be judged from a part of the list.
  testing::ReplaceText(tmp_.path() / "ima.yaml",
                       "apiVersion: ccverify/v1\nima: {allow: {digests: {}}, unknown: ignore}\n");
  Run p =
      Verify(bundle, tmp_.path() / "st", "--policy " + testing::Quote(tmp_.path() / "ima.yaml"));
  EXPECT_EQ(p.cli.code, 2) << p.cli.err;
  EXPECT_NE(p.cli.err.find("judges IMA entries"), std::string::npos) << p.cli.err;
  EXPECT_FALSE(fs::exists(tmp_.path() / "st"));
  EXPECT_EQ(testing::RunCcverify("verify " + testing::Quote(bundle) + " --ima-state " +
                                 testing::Quote(tmp_.path() / "st"))
                .code,
            2);
  EXPECT_EQ(testing::RunCcverify("verify " + testing::Quote(bundle) + " --ima-state-fallback").code,
            2);
  // With --batch: the same policy rule, and the key still goes with the state.
  const std::string batch = "verify --batch " + testing::Quote(tmp_.path()) + " --ima-state " +
                            testing::Quote(tmp_.path() / "states") + " --at 2026-01-02T00:00:00Z";
  testing::CliRun b =
      testing::RunCcverify(batch + " --state-key " + testing::Quote(tmp_.path() / "key") +
                           " --policy " + testing::Quote(tmp_.path() / "ima.yaml"));
  EXPECT_EQ(b.code, 2) << b.err;
  EXPECT_NE(b.err.find("judges IMA entries"), std::string::npos) << b.err;
  EXPECT_EQ(testing::RunCcverify(batch).code, 2);
  EXPECT_EQ(testing::RunCcverify("verify --batch " + testing::Quote(tmp_.path()) +
                                 " --ima-state-fallback")
                .code,
            2);
  EXPECT_FALSE(fs::exists(tmp_.path() / "states"));
}

// verify --batch --ima-state DIR: one state per bundle path, each resumed
// on the next run as `verify --ima-state` resumes it; a state that is not
// the bundle's own (two machines' states swapped) is refused for that
// bundle alone, or replaced by a full replay with --ima-state-fallback.
std::map<std::string, std::string> Verdicts(const char* m0, const char* m1, const char* m2) {
  return {{"m0", m0}, {"m1", m1}, {"m2", m2}};
}

TEST_F(ImaStateTest, BatchKeepsOneStatePerBundlePath) {
  const fs::path fleet = tmp_.path() / "fleet";
  const fs::path states = tmp_.path() / "states";
  const std::vector<uint64_t> first = {10, 25, 40}, second = {30, 25, 70};
  // m2 boots another kernel command line: its list continues another
  // boot, so no state of m0's or m1's can stand for it, nor its for them.
  auto place = [&](size_t i, uint64_t extra) {
    testing::DemoOptions o;
    o.extra_ima = extra;
    if (i == 2) o.variant = testing::DemoVariant::kNewCmdline;
    const fs::path made = Make(o);
    const fs::path at = fleet / ("m" + std::to_string(i));
    fs::remove_all(at);
    fs::create_directories(fleet);
    fs::rename(made, at);
    return at;
  };
  auto batch = [&](const std::string& extra) {
    const fs::path lines = tmp_.path() / ("l" + std::to_string(n_++) + ".jsonl");
    testing::CliRun r = testing::RunCcverify(
        "verify --batch " + testing::Quote(fleet) + " --jobs 2 --root-ca " +
        testing::Quote(fleet / "m0" / "root_ca.pem") + " --at 2026-01-02T00:00:00Z --ima-state " +
        testing::Quote(states) + " --state-key " + testing::Quote(tmp_.path() / "key") +
        " --quiet --report jsonl=" + testing::Quote(lines) + " " + extra);
    // Lines come in the directory's order: by machine instead.
    std::map<std::string, std::string> verdicts;
    std::istringstream in(testing::ReadText(lines));
    for (std::string line; std::getline(in, line);) {
      rapidjson::Document d;
      d.Parse(line.c_str());
      if (d.HasParseError()) return std::make_pair(r, verdicts);
      verdicts[fs::path(d["bundle"].GetString()).filename().string()] = d["verdict"].GetString();
    }
    return std::make_pair(r, verdicts);
  };
  for (size_t i = 0; i < first.size(); ++i) place(i, first[i]);
  auto [r1, v1] = batch("");
  ASSERT_EQ(r1.code, 0) << r1.err;
  EXPECT_EQ(v1, Verdicts("pass", "pass", "pass"));
  size_t files = 0;
  for (const auto& f : fs::directory_iterator(states)) files += f.is_regular_file() ? 1 : 0;
  ASSERT_EQ(files, 3u);

  // The machines' lists grow (m1's does not); each resumes from its own
  // state: the batch's verdict and the state it leaves are those of a
  // single verify from a copy of the same state.
  for (size_t i = 0; i < second.size(); ++i) place(i, second[i]);
  std::vector<fs::path> copies;
  for (size_t i = 0; i < second.size(); ++i) {
    const fs::path m = fleet / ("m" + std::to_string(i));
    copies.push_back(Copy(BatchImaStatePath(states.string(), m.string())));
    Run single = Verify(m, copies.back());
    EXPECT_EQ(single.cli.code, 0) << single.cli.err;
    ASSERT_NE(single.ImaLog(), nullptr);
    EXPECT_STREQ((*single.ImaLog())["ima_state"]["replay"].GetString(), "incremental");
  }
  auto [r2, v2] = batch("");
  ASSERT_EQ(r2.code, 0) << r2.err;
  EXPECT_EQ(v2, Verdicts("pass", "pass", "pass"));
  for (size_t i = 0; i < second.size(); ++i) {
    const fs::path m = fleet / ("m" + std::to_string(i));
    EXPECT_EQ(testing::ReadText(BatchImaStatePath(states.string(), m.string())),
              testing::ReadText(copies[i]))
        << m;
  }

  // m0's and m2's states swapped: those two are refused, m1 is not.
  const fs::path s0 = BatchImaStatePath(states.string(), (fleet / "m0").string());
  const fs::path s2 = BatchImaStatePath(states.string(), (fleet / "m2").string());
  const std::string t0 = testing::ReadText(s0), t2 = testing::ReadText(s2);
  testing::ReplaceText(s0, t2);
  testing::ReplaceText(s2, t0);
  auto [r3, v3] = batch("");
  EXPECT_EQ(r3.code, 1);
  EXPECT_EQ(v3, Verdicts("error", "pass", "error"));
  EXPECT_EQ(testing::ReadText(s0), t2);  // a refused state is left as it was
  auto [r4, v4] = batch("--ima-state-fallback");
  EXPECT_EQ(r4.code, 0) << r4.err;
  EXPECT_EQ(v4, Verdicts("pass", "pass", "pass"));
}

}  // namespace
}  // namespace ccv::adversarial
