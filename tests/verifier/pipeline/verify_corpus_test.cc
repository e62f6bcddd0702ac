// The shared corpus's evidence sets verify as their expected.json says, and
// a policy generated from a bundle passes on it and fails, with the right
// rule ids, when one measured value, event or quote field is altered.
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/ccel.h"
#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/core/time.h"
#include "policies/evaluator.h"
#include "policies/generate.h"
#include "policies/policy_parser.h"
#include "policies/time_util.h"
#include "tests/testing/corpus.h"
#include "tests/verifier/pipeline/bundle_fixture.h"
#include "verifier/bundle/discover.h"
#include "verifier/bundle/evidence.h"
#include "verifier/pipeline/verify.h"

namespace ccv::pipeline {
namespace {

using policy::Evaluation;
using result::Facts;
using result::Verdict;

std::string Str(const rapidjson::Value& v) {
  return std::string(v.GetString(), v.GetStringLength());
}

const result::Check* FindCheck(const std::vector<result::Check>& checks, const std::string& id) {
  for (const auto& c : checks) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

std::set<std::string> FailingChecks(const std::vector<result::Check>& checks) {
  std::set<std::string> out;
  for (const auto& c : checks) {
    if (c.status == Verdict::kFail) out.insert(c.id);
  }
  return out;
}

std::set<std::string> FailingRules(const Evaluation& ev) {
  std::set<std::string> out;
  for (const auto& r : ev.rules) {
    if (r.status == Verdict::kFail) out.insert(r.id);
  }
  return out;
}

// gcp-cos113 as a bundle: the nonce file holds the exact REPORTDATA.
struct GcpBundle {
  testing::TempDir dir{"gcp"};
  int64_t at = 0;
  std::vector<uint8_t> report_data;  // the verifier's --report-data (nonce.bin)
  explicit GcpBundle(const std::filesystem::path& corpus) {
    auto c = corpus / "evidence/gcp-cos113";
    auto nonce = ReadFileBytes((c / "nonce.bin").string());
    testing::MakeBundle(dir.path(),
                        {{"quote.bin", c / "quote.bin"},
                         {"CCEL", c / "ccel.table.bin"},
                         {"CCEL.data", c / "ccel.bin"},
                         {"collateral.json", c / "collateral.json"}},
                        R"({"version": 1, "tee": "tdx", "quote": "quote.bin",
            "ccel": {"table": "CCEL", "data": "CCEL.data"}, "collateral": "collateral.json"})");
    report_data = *nonce;
    at = *policy::ParseRfc3339("2025-10-20T00:00:00Z");
  }
  Result<Facts> Collect(bool tcb_by_policy = false) const {
    CCV_ASSIGN_OR_RETURN(bundle::Evidence e, bundle::LoadEvidenceDir(dir.path().string()));
    e.report_data = report_data;
    e.binding_from_verifier = true;
    policy::Policy tcb_policy;
    tcb_policy.platform.tcb_status_set = true;
    return CollectFacts(e, {at, std::nullopt}, tcb_by_policy ? &tcb_policy : nullptr);
  }
};

struct CcapiBundle {
  testing::TempDir dir{"ccapi"};
  int64_t at = 0;
  explicit CcapiBundle(const std::filesystem::path& corpus) {
    auto c = corpus / "evidence/ccapi-td";
    testing::MakeBundle(dir.path(),
                        {{"quote.bin", c / "quote.bin"},
                         {"ccel.bin", c / "ccel_data.bin"},
                         {"ima.txt", c / "ascii_runtime_measurements"}},
                        R"({"version": 1, "tee": "tdx", "quote": "quote.bin", "ccel": "ccel.bin",
            "ima": {"path": "ima.txt", "register": "rtmr2"}})");
    at = *policy::ParseRfc3339("2025-10-20T00:00:00Z");
  }
  Result<Facts> Collect() const {
    CCV_ASSIGN_OR_RETURN(bundle::Evidence e, bundle::LoadEvidenceDir(dir.path().string()));
    policy::Policy tcb_policy;
    tcb_policy.platform.tcb_status_set = true;
    return CollectFacts(e, {at, std::nullopt}, &tcb_policy);
  }
};

void ExpectQuoteFieldsEqual(const rapidjson::Value& q, const result::QuoteFacts& f) {
  EXPECT_EQ(f.version, q["version"].GetUint());
  EXPECT_EQ(ToHex(f.tee_tcb_svn), Str(q["tee_tcb_svn"]));
  EXPECT_EQ(ToHex(f.mr_td), Str(q["mrtd"]));
  EXPECT_EQ(ToHex(f.td_attributes), Str(q["td_attributes"]));
  EXPECT_EQ(ToHex(f.xfam), Str(q["xfam"]));
  EXPECT_EQ(ToHex(f.report_data), Str(q["report_data"]));
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(ToHex(f.rtmr[i]), Str(q[("rtmr" + std::to_string(i)).c_str()])) << i;
  }
  if (q.HasMember("mr_seam")) {
    EXPECT_EQ(ToHex(f.mr_seam), Str(q["mr_seam"]));
  }
  if (q.HasMember("mr_config_id")) {
    EXPECT_EQ(ToHex(f.mr_config_id), Str(q["mr_config_id"]));
  }
  if (q.HasMember("mr_owner")) {
    EXPECT_EQ(ToHex(f.mr_owner), Str(q["mr_owner"]));
  }
  if (q.HasMember("mr_owner_config")) {
    EXPECT_EQ(ToHex(f.mr_owner_config), Str(q["mr_owner_config"]));
  }
  // FMSPC as printed in expected.json is uppercase.
  std::string fmspc = Str(q["fmspc"]);
  for (auto& ch : fmspc) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  EXPECT_EQ(f.fmspc, fmspc);
}

// The replayed registers equal expected.json's "replay", and each equals the
// quote's as its "replay_equals_quote" says.
void ExpectReplayAsExpected(const rapidjson::Value& expected, const Facts& f) {
  for (const char* reg : {"rtmr0", "rtmr1", "rtmr2", "rtmr3"}) {
    auto v = f.replayed.Get(*RegisterId::Parse(reg), HashAlg::kSha384);
    ASSERT_TRUE(v) << reg;
    EXPECT_EQ(ToHex(v->span()), Str(expected["replay"][reg])) << reg;
    const result::Check* c = FindCheck(f.checks, std::string("replay.") + reg);
    ASSERT_NE(c, nullptr) << reg;
    EXPECT_EQ(c->status == Verdict::kPass, expected["replay_equals_quote"][reg].GetBool()) << reg;
  }
}

// The shared corpus's evidence sets; skipped without the corpus.
class VerifyCorpusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CCV_REQUIRE_CORPUS(corpus);
    corpus_ = corpus;
  }
  // Reads evidence/`name`/expected.json into expected_ and the facts of `b`,
  // that evidence as a bundle, into facts_.
  template <typename Bundle>
  void Collect(const Bundle& b, const std::string& name) {
    expected_ = testing::ReadJson(corpus_ / "evidence" / name / "expected.json");
    ASSERT_TRUE(expected_.IsObject());
    Result<Facts> f = b.Collect();
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    facts_ = std::move(*f);
  }
  std::filesystem::path corpus_;
  rapidjson::Document expected_;
  Facts facts_;
};

TEST_F(VerifyCorpusTest, GcpCos113IsTrustedAsExpected) {
  GcpBundle b(corpus_);
  ASSERT_NO_FATAL_FAILURE(Collect(b, "gcp-cos113"));
  Evaluation ev = policy::Evaluate(nullptr, facts_, {b.at});
  EXPECT_TRUE(ev.Passed()) << ::testing::PrintToString(FailingChecks(facts_.checks));
  EXPECT_TRUE(FailingChecks(facts_.checks).empty());
  ExpectQuoteFieldsEqual(expected_["quote"], facts_.quote);
  // TCB status and advisories as expected.json's "tcb" (Intel's algorithm).
  ASSERT_TRUE(facts_.collateral.tcb_status);
  EXPECT_EQ(*facts_.collateral.tcb_status, Str(expected_["tcb"]["status"]));
  EXPECT_EQ(facts_.collateral.advisory_ids.size(), expected_["tcb"]["advisory_ids"].Size());
  // Replay equals the expected registers and the quote.
  ExpectReplayAsExpected(expected_, facts_);
  EXPECT_EQ(FindCheck(facts_.checks, "report_data.binding")->status, Verdict::kPass);
  EXPECT_EQ(FindCheck(facts_.checks, "ccel.table")->status, Verdict::kPass);
  EXPECT_EQ(facts_.events.size(), 44u);  // records of the CCEL, as expected/…/ccel.bin.json
  EXPECT_EQ(ev.Passed(),
            expected_["tcb"]["status"].IsString() && Str(expected_["tcb"]["status"]) == "UpToDate");
}

TEST_F(VerifyCorpusTest, GcpCos113FailsWithoutCollateralOrWithWrongNonce) {
  GcpBundle b(corpus_);
  auto e = bundle::LoadEvidenceDir(b.dir.path().string());
  ASSERT_TRUE(e.ok());
  e->report_data = b.report_data;
  bundle::Evidence no_coll = *e;
  no_coll.collateral.reset();
  auto f = CollectFacts(no_coll, {b.at, std::nullopt});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(FailingChecks(f->checks), (std::set<std::string>{"quote.collateral"}));
  EXPECT_FALSE(f->collateral.tcb_status);
  bundle::Evidence wrong_nonce = *e;
  wrong_nonce.report_data.reset();
  wrong_nonce.nonce = std::vector<uint8_t>(64, 0);  // SHA-512 of it is not REPORTDATA
  f = CollectFacts(wrong_nonce, {b.at, std::nullopt});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(FailingChecks(f->checks), (std::set<std::string>{"report_data.binding"}));
  // Collateral outside its validity window.
  f = CollectFacts(*e, {*policy::ParseRfc3339("2026-06-01T00:00:00Z"), std::nullopt});
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(FailingChecks(f->checks).count("quote.tcb_info_validity"));
}

TEST_F(VerifyCorpusTest, BundleClaimedReportDataIsNotTrusted) {
  // A bundle that vouches for itself: its report_data equals the quote's,
  // but with no nonce from anyone the binding is not established.
  GcpBundle b(corpus_);
  std::ofstream(b.dir.path() / "evidence.json")
      << R"({"version": 1, "quote": "quote.bin", "ccel": {"data": "CCEL.data"},
            "collateral": "collateral.json", "report_data": ")" +
             ToHex(b.report_data) + "\"}";
  auto e = bundle::LoadEvidenceDir(b.dir.path().string());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  auto f = CollectFacts(*e, {b.at, std::nullopt});
  ASSERT_TRUE(f.ok());
  const result::Check* c = FindCheck(f->checks, "report_data.binding");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->status, Verdict::kFail);
  EXPECT_EQ(c->missing, "nonce");
}

TEST_F(VerifyCorpusTest, CcapiTdIsUntrustedBecauseOfItsRootButReplayMatches) {
  CcapiBundle b(corpus_);
  ASSERT_NO_FATAL_FAILURE(Collect(b, "ccapi-td"));
  EXPECT_FALSE(expected_["verdict"]["trusted"].GetBool());
  Evaluation ev = policy::Evaluate(nullptr, facts_, {b.at});
  EXPECT_EQ(ev.Passed(), expected_["verdict"]["trusted"].GetBool());
  // The chain ends at a self-signed root that is not Intel's; no collateral;
  // no nonce to bind.
  EXPECT_EQ(FailingChecks(facts_.checks),
            (std::set<std::string>{"quote.pck_chain", "quote.collateral", "report_data.binding"}));
  EXPECT_EQ(FindCheck(facts_.checks, "quote.quote_signature")->status, Verdict::kPass);
  ExpectQuoteFieldsEqual(expected_["quote"], facts_.quote);
  EXPECT_FALSE(facts_.collateral.tcb_status);  // expected.json: tcb.status null
  ExpectReplayAsExpected(expected_, facts_);
  EXPECT_EQ(FindCheck(facts_.checks, "ima.boot_aggregate")->status, Verdict::kPass);
  ASSERT_EQ(facts_.ima.size(), 1u);
  EXPECT_EQ(facts_.ima[0].path, "boot_aggregate");
  EXPECT_EQ(ToHex(facts_.ima[0].file_digest), Str(expected_["ima"]["boot_aggregate"]));
}

// Each corpus evidence folder as it is (no manifest written by hand) gives
// its expected.json: the replayed registers, which of them equal the quote's,
// the TCB status and the verdict.
TEST_F(VerifyCorpusTest, FoldersAsTheyAreGiveTheirExpectedValues) {
  for (const char* name : {"gcp-cos113", "ccapi-td"}) {
    SCOPED_TRACE(name);
    const auto dir = corpus_ / "evidence" / name;
    auto expected = testing::ReadJson(dir / "expected.json");
    ASSERT_TRUE(expected.IsObject());
    auto d = bundle::LoadOrDiscoverEvidenceDir(dir.string());
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    VerifyOptions o;
    o.at = *ParseRfc3339Time("2025-10-20T00:00:00Z");
    auto v = Verify(d->evidence, o, nullptr);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    ExpectReplayAsExpected(expected, v->facts);
    if (expected["tcb"]["status"].IsString()) {
      ASSERT_TRUE(v->facts.collateral.tcb_status);
      EXPECT_EQ(*v->facts.collateral.tcb_status, Str(expected["tcb"]["status"]));
    }
    const bool trusted = !expected.HasMember("verdict") || expected["verdict"]["trusted"].GetBool();
    // Without a policy the best outcome is VERIFIED (no reference values).
    EXPECT_EQ(v->outcome, trusted ? result::Outcome::kVerified : result::Outcome::kUntrusted);
  }
}

Result<policy::Policy> GenerateFor(const Facts& f, int64_t at) {
  policy::GenerateOptions o;
  o.now = at;
  return policy::ParsePolicy(policy::GeneratePolicy(f, o));
}

TEST(GeneratedPolicyCorpusTest, GcpPolicyPassesAndCatchesEachAlteration) {
  CCV_REQUIRE_CORPUS(corpus);
  GcpBundle b(corpus);
  auto f = b.Collect(true);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  auto p = GenerateFor(*f, b.at);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  Evaluation ev = policy::Evaluate(&*p, *f, {b.at});
  EXPECT_TRUE(ev.Passed()) << ::testing::PrintToString(FailingRules(ev));
  EXPECT_EQ(ev.CountRules(Verdict::kPass), ev.rules.size());
  EXPECT_GT(ev.rules.size(), 25u);

  // Facts-level alterations: exactly the pinning rule fails.
  struct Alt {
    const char* name;
    void (*alter)(Facts*);
    std::set<std::string> failing;
  } alts[] = {
      {"mr_td", [](Facts* x) { x->quote.mr_td[0] ^= 1; }, {"td.mr_td"}},
      {"mr_seam", [](Facts* x) { x->quote.mr_seam[0] ^= 1; }, {"platform.mr_seam"}},
      {"xfam", [](Facts* x) { x->quote.xfam[1] ^= 0x18; }, {"td.xfam"}},
      {"debug", [](Facts* x) { x->quote.td_attributes[0] |= 1; }, {"td.attributes"}},
      {"mr_config_id", [](Facts* x) { x->quote.mr_config_id[9] = 7; }, {"td.mr_config_id"}},
      {"mr_owner", [](Facts* x) { x->quote.mr_owner[0] = 1; }, {"td.mr_owner"}},
      {"mr_owner_config",
       [](Facts* x) { x->quote.mr_owner_config[0] = 1; },
       {"td.mr_owner_config"}},
      {"svn", [](Facts* x) { x->quote.tee_tcb_svn[2] = 6; }, {"platform.min_tee_tcb_svn"}},
      {"tcb", [](Facts* x) { x->collateral.tcb_status = "OutOfDate"; }, {"platform.tcb_status"}},
      {"advisory",
       [](Facts* x) { x->collateral.advisory_ids = {"INTEL-SA-00960"}; },
       {"platform.advisories"}},
      {"rtmr1_quote", [](Facts* x) { x->quote.rtmr[1][5] ^= 1; }, {"td.rtmr1"}},
      {"rtmr3_quote", [](Facts* x) { x->quote.rtmr[3][0] = 1; }, {"td.rtmr3"}},
      {"replay_rtmr0",
       [](Facts* x) { x->comparisons[0].matches = false; },
       {"replay.must_match_quote.rtmr0"}},
  };
  for (const Alt& a : alts) {
    Facts g = *f;
    a.alter(&g);
    EXPECT_EQ(FailingRules(policy::Evaluate(&*p, g, {b.at})), a.failing) << a.name;
  }
  // Every pinned event: altering its digest fails exactly its rule. A
  // digest that changes without its data no longer verifies that data, so
  // a rule matching the event by its text fails too.
  size_t pinned = 0;
  for (size_t i = 0; i < f->events.size(); ++i) {
    if (f->events[i].reg.empty()) continue;
    Facts g = *f;
    g.events[i].digests[0].bytes[0] ^= 1;
    if (g.events[i].data == result::DataStatus::kVerified)
      g.events[i].data = result::DataStatus::kMismatched;
    auto failing = FailingRules(policy::Evaluate(&*p, g, {b.at}));
    ASSERT_EQ(failing.size(), 1u) << f->events[i].Pointer();
    EXPECT_EQ(failing.begin()->rfind("events.ccel-" + f->events[i].reg + "-", 0), 0u)
        << *failing.begin();
    ++pinned;
  }
  EXPECT_EQ(pinned, 43u);  // every extended record (44 records, 1 EV_NO_ACTION)
}

TEST(GeneratedPolicyCorpusTest, AlteredEvidenceBytesFailChecksAndRules) {
  CCV_REQUIRE_CORPUS(corpus);
  GcpBundle good(corpus);
  auto f = good.Collect(true);
  ASSERT_TRUE(f.ok());
  auto p = GenerateFor(*f, good.at);
  ASSERT_TRUE(p.ok());

  // A quote field: MRCONFIGID (TD report body offset 184, after the 48-byte
  // header; Intel TDX DCAP Quote Generation Library, Table "TD Report Body").
  {
    GcpBundle b(corpus);
    testing::AlterFile(b.dir.path() / "quote.bin",
                       [](std::vector<uint8_t>* q) { (*q)[48 + 184] ^= 1; });
    auto g = b.Collect(true);
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    EXPECT_EQ(FailingChecks(g->checks), (std::set<std::string>{"quote.quote_signature"}));
    Evaluation ev = policy::Evaluate(&*p, *g, {b.at});
    EXPECT_EQ(FailingRules(ev), (std::set<std::string>{"td.mr_config_id"}));
    EXPECT_FALSE(ev.Passed());
  }
  // A CCEL event digest (record 2, an RTMR0 event): the replay no longer
  // reproduces RTMR0, and the rule pinning that event fails.
  {
    GcpBundle b(corpus);
    auto log =
        parsers::ParseCcelLog(*ReadFileBytes((corpus / "evidence/gcp-cos113/ccel.bin").string()));
    ASSERT_TRUE(log.ok());
    const auto& rec = log->events[2];
    ASSERT_EQ(rec.untrusted_pcr_index, 1u);
    // Record layout: pcr u32, type u32, count u32, alg u16, digest.
    uint64_t digest_off = rec.offset + 14;
    testing::AlterFile(b.dir.path() / "CCEL.data",
                       [&](std::vector<uint8_t>* d) { (*d)[digest_off] ^= 1; });
    auto g = b.Collect(true);
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    auto failing = FailingChecks(g->checks);
    EXPECT_TRUE(failing.count("replay.rtmr0"));
    Evaluation ev = policy::Evaluate(&*p, *g, {b.at});
    auto rules = FailingRules(ev);
    EXPECT_TRUE(rules.count("replay.must_match_quote.rtmr0"));
    size_t event_rules = 0;
    for (const auto& id : rules) event_rules += id.rfind("events.ccel-rtmr0-", 0) == 0;
    // RTMR0 no longer replays to the quote: none of its events is bound,
    // so every rule pinning an RTMR0 event fails (and nothing else).
    size_t rtmr0_rules = 0;
    for (const auto& r : p->events) rtmr0_rules += r.id.rfind("ccel-rtmr0-", 0) == 0;
    EXPECT_GT(rtmr0_rules, 0u);
    EXPECT_EQ(event_rules, rtmr0_rules) << ::testing::PrintToString(rules);
    EXPECT_EQ(rules.size(), rtmr0_rules + 1) << ::testing::PrintToString(rules);
  }
}

TEST(GeneratedPolicyCorpusTest, CcapiPolicyPassesAndCatchesAnImaChange) {
  CCV_REQUIRE_CORPUS(corpus);
  CcapiBundle b(corpus);
  auto f = b.Collect();
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  auto p = GenerateFor(*f, b.at);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->platform.collateral_optional);
  EXPECT_TRUE(p->binding.nonce_optional);
  Evaluation ev = policy::Evaluate(&*p, *f, {b.at});
  EXPECT_TRUE(FailingRules(ev).empty()) << ::testing::PrintToString(FailingRules(ev));
  // The verdict still fails: the quote's chain is not anchored at Intel.
  EXPECT_EQ(FailingChecks(ev.checks), (std::set<std::string>{"quote.pck_chain"}));
  EXPECT_FALSE(ev.Passed());

  // Alter the file digest of the IMA entry: its template hash no longer
  // matches and the allow-list rule sees an unknown digest.
  CcapiBundle c(corpus);
  testing::AlterFile(c.dir.path() / "ima.txt", [](std::vector<uint8_t>* t) {
    std::string s(t->begin(), t->end());
    size_t at = s.find("sha384:");
    ASSERT_NE(at, std::string::npos);
    uint8_t& ch = (*t)[at + 7];
    ch = ch == '0' ? '1' : '0';
  });
  auto g = c.Collect();
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_TRUE(FailingChecks(g->checks).count("ima.template_hashes"));
  Evaluation ev2 = policy::Evaluate(&*p, *g, {c.at});
  // The list's one entry is boot_aggregate: the generated allow list
  // excludes it (the checks judge it), so the verdict fails on the checks.
  EXPECT_EQ(p->ima.exclude_src, std::vector<std::string>{"^boot_aggregate$"});
  EXPECT_TRUE(FailingRules(ev2).empty()) << ::testing::PrintToString(FailingRules(ev2));
  EXPECT_FALSE(ev2.Passed());
}

TEST(VerifyPipelineTest, MissingAndMalformedFilesAreInputErrors) {
  CCV_REQUIRE_CORPUS(corpus);
  bundle::Evidence e;
  e.quote = "/nonexistent/quote.bin";
  auto f = CollectFacts(e, {0, std::nullopt});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), ErrorCode::kIo);
  // A TPM log given as the CCEL: a parse error naming the file.
  e = {};
  e.ccel_data = (corpus / "tcg/invalid/keylime-bogus.bin").string();
  f = CollectFacts(e, {0, std::nullopt});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().file(), *e.ccel_data);
  // No quote at all: fail closed.
  e = {};
  e.ccel_data = (corpus / "evidence/gcp-cos113/ccel.bin").string();
  f = CollectFacts(e, {0, std::nullopt});
  ASSERT_TRUE(f.ok());
  // Nothing binds the CCEL either.
  EXPECT_EQ(FailingChecks(f->checks), (std::set<std::string>{"ccel.bound", "quote.present"}));
  EXPECT_TRUE(f->comparisons.empty());
  EXPECT_FALSE(policy::Evaluate(nullptr, *f, {0}).Passed());
}

TEST(VerifyPipelineTest, CelEventsAndRegistersAreFacts) {
  CCV_REQUIRE_CORPUS(corpus);
  auto expected = testing::ReadJson(corpus / "expected/cel/confidential-space-tdx.cel.json");
  ASSERT_TRUE(expected.IsObject());
  bundle::Evidence e;
  e.cel = (corpus / "cel/confidential-space-tdx.cel").string();
  auto f = CollectFacts(e, {0, std::nullopt});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_TRUE(f->event_log_present);
  EXPECT_EQ(f->events.size(), expected["records"].GetUint64());
  auto v = f->replayed.Get(RegisterId::Rtmr(3), HashAlg::kSha384);
  ASSERT_TRUE(v);
  EXPECT_EQ(ToHex(v->span()), Str(expected["registers"]["rtmr3"]["sha384"]));
  EXPECT_EQ(f->events[0].Pointer(), "cel#" + std::to_string(f->events[0].index));
  EXPECT_EQ(f->events[0].reg, "rtmr3");
  // Without a quote nothing is authenticated, and no CEL event is bound.
  EXPECT_EQ(FailingChecks(f->checks), (std::set<std::string>{"cel.bound", "quote.present"}));
  for (const result::EventFact& ev : f->events) EXPECT_FALSE(ev.bound) << ev.Pointer();
}

// Without a register given, the list's first entry decides (ima::ImaRegisterOf):
// a TPM list beside a TD quote extends pcr10, which no TD quote binds; a list
// on a PCR the verifier does not replay IMA into is an input error naming it.
TEST(VerifyPipelineTest, ImaRegisterFollowsTheListWhenNotGiven) {
  CCV_REQUIRE_CORPUS(corpus);
  auto c = corpus / "evidence/ccapi-td";
  bundle::Evidence e;
  e.quote = (c / "quote.bin").string();
  e.ccel_data = (c / "ccel_data.bin").string();
  e.ima = (c / "ascii_runtime_measurements").string();
  auto ccapi = CollectFacts(e, {0, std::nullopt});
  ASSERT_TRUE(ccapi.ok()) << ccapi.status().ToString();
  ASSERT_FALSE(ccapi->logs.empty());
  EXPECT_EQ(ccapi->logs.back().registers, std::vector<std::string>{"rtmr2"});
  EXPECT_TRUE(ccapi->logs.back().bound) << ccapi->logs.back().why;

  e.ima = (corpus / "ima/ima-evm-utils-test.ascii").string();
  auto tpm = CollectFacts(e, {0, std::nullopt});
  ASSERT_TRUE(tpm.ok()) << tpm.status().ToString();
  EXPECT_EQ(tpm->logs.back().registers, std::vector<std::string>{"pcr10"});
  EXPECT_FALSE(tpm->logs.back().bound);
  EXPECT_TRUE(tpm->replayed.Has(RegisterId::Pcr(10)));

  Result<std::string> text = ReadFileText(*e.ima);
  ASSERT_TRUE(text.ok());
  std::string moved = "\n" + *text;
  for (size_t at = 0; (at = moved.find("\n10 ", at)) != std::string::npos; at += 4)
    moved[at + 2] = '1';
  testing::TempDir dir("ima_pcr11");
  const std::string pcr11 = (dir.path() / "ima.txt").string();
  ASSERT_TRUE(WriteFileBytes(pcr11, moved.data() + 1, moved.size() - 1).ok());
  e.ima = pcr11;
  auto refused = CollectFacts(e, {0, std::nullopt});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(refused.status().file(), pcr11);
  EXPECT_EQ(refused.status().field(), "pcr");
  EXPECT_NE(refused.status().message().find("pcr11"), std::string::npos)
      << refused.status().message();
}

}  // namespace
}  // namespace ccv::pipeline
