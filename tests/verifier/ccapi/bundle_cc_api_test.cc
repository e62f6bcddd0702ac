// CC-API over an evidence bundle made by ccverify-agent from a fake guest
// built from evidence/ccapi-td: measurements, events and replay must equal
// the verifier's parsers and replay engines and the corpus's expected values
// (the signed quote's RTMRs).
#include "verifier/ccapi/bundle_cc_api.h"

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <rapidjson/document.h>

#include "agent/collector.h"
#include "gtest/gtest.h"
#include "parsers/ccel.h"
#include "parsers/chunked_source.h"
#include "parsers/core/hex.h"
#include "parsers/ima_log.h"
#include "parsers/tdx_quote.h"
#include "tests/agent/fake_guest.h"
#include "tests/testing/corpus.h"
#include "verifier/replay/ima_replay.h"
#include "verifier/replay/tcg_replay.h"

namespace ccv::verifier {
namespace {

namespace fs = std::filesystem;
using agent::CcEvent;
using agent::CcEventSource;
using namespace ::ccv::testing;  // NOLINT: test helpers

std::string Hex(const Digest& d) { return ToHex(d.span()); }

class BundleCcApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!LoadCcapiTd(&ev_, &expected_)) GTEST_SKIP() << "shared corpus not found";
    ASSERT_FALSE(expected_.HasParseError());
    work_ = MakeTempDir("ccapi");
    // A fake guest from the corpus set, collected by the agent.
    fs::path root = work_ / "guest";
    guest_ = WriteCcapiTdGuest(ev_, root);
    {
      FakeTsm tsm(root / kFakeTsmReport, guest_.quote);
      agent::CollectOptions opts;
      opts.root = root.string();
      Result<agent::Evidence> e = agent::CollectEvidence(opts);
      ASSERT_TRUE(e.ok()) << e.status().ToString();
      ASSERT_TRUE(agent::WriteEvidenceBundle(*e, (work_ / "bundle").string()).ok());
    }
    Result<std::unique_ptr<BundleCcApi>> api = BundleCcApi::Open((work_ / "bundle").string());
    ASSERT_TRUE(api.ok()) << api.status().ToString();
    api_ = std::move(api).value();
  }
  void TearDown() override {
    if (!work_.empty()) fs::remove_all(work_);
  }
  std::string Expected(const char* section, const char* key) {
    return expected_[section][key].GetString();
  }

  fs::path ev_, work_;
  rapidjson::Document expected_;
  CcapiTdGuest guest_;
  std::unique_ptr<BundleCcApi> api_;
};

TEST_F(BundleCcApiTest, ReportsTdxAlgorithmsAndCount) {
  EXPECT_EQ(api_->GetDefaultAlgorithms(), std::vector<HashAlg>{HashAlg::kSha384});
  EXPECT_EQ(api_->GetMeasurementCount(), 4u);
}

TEST_F(BundleCcApiTest, MeasurementsAreTheQuotesRtmrs) {
  const char* names[] = {"rtmr0", "rtmr1", "rtmr2", "rtmr3"};
  Result<parsers::Quote> q = parsers::ParseQuote(guest_.quote);
  ASSERT_TRUE(q.ok());
  for (uint32_t i = 0; i < 4; ++i) {
    Result<Digest> m = api_->GetCcMeasurement(i, HashAlg::kSha384);
    ASSERT_TRUE(m.ok()) << i;
    EXPECT_EQ(Hex(*m), Expected("quote", names[i])) << i;
    EXPECT_EQ(Hex(*m), ToHex(q->td_body->rtmr[i])) << i;
  }
}

TEST_F(BundleCcApiTest, MeasurementOutOfRangeOrBankIsRefused) {
  EXPECT_EQ(api_->GetCcMeasurement(4, HashAlg::kSha384).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(api_->GetCcMeasurement(0, HashAlg::kSha256).status().code(), ErrorCode::kUnsupported);
}

TEST_F(BundleCcApiTest, EventLogIsEveryCcelRecordThenTheImaEntries) {
  Result<std::vector<CcEvent>> all = api_->GetCcEventlog();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  // 99 CCEL records (expected/evidence/ccapi-td/ccel_data.bin.json) + 1 IMA.
  ASSERT_EQ(all->size(), 100u);
  const CcEvent& spec = (*all)[0];
  EXPECT_EQ(spec.source, CcEventSource::kCcel);
  EXPECT_EQ(spec.event_type, agent::kEvNoAction);
  EXPECT_EQ(spec.imr_index, 0u);  // Spec ID header at MR index 1
  const CcEvent& ima = (*all)[99];
  EXPECT_EQ(ima.source, CcEventSource::kIma);
  EXPECT_EQ(ima.imr_index, 2u);
  EXPECT_EQ(ima.event_type, agent::kImaMeasurementEvent);
  EXPECT_EQ(ima.ima_template, "ima-ng");
  EXPECT_EQ(std::string(ima.event.begin(), ima.event.end()),
            "sha384:" + Expected("ima", "boot_aggregate") + " boot_aggregate");
  ASSERT_EQ(ima.digests.size(), 1u);
  EXPECT_EQ(Hex(ima.digests[0]),
            "67c70809bd405ea82081e8f1eb2ca16108bce307f5f139492da641e08e07ec99e2163649f29323a5f5963f"
            "e07bb06cc6");

  // The CCEL events are the parser's records: index, type, digests, data.
  Result<parsers::TcgLog> log = parsers::ParseCcelLog(guest_.ccel);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->events.size(), 99u);
  for (size_t i = 1; i < 99; ++i) {
    const CcEvent& e = (*all)[i];
    const parsers::TcgEventRecord& r = log->events[i];
    EXPECT_EQ(e.rec_num, r.record);
    EXPECT_EQ(e.imr_index + 1, r.untrusted_pcr_index) << i;
    EXPECT_EQ(e.event_type, r.untrusted_type);
    EXPECT_EQ(e.event, r.data);
    ASSERT_EQ(e.digests.size(), r.digests.size());
    EXPECT_EQ(ToHex(e.digests[0].span()), ToHex(r.digests[0].digest));
  }
}

TEST_F(BundleCcApiTest, EventLogSlicesFollowStartAndCount) {
  Result<std::vector<CcEvent>> tail = api_->GetCcEventlog(99, 1);
  ASSERT_TRUE(tail.ok());
  ASSERT_EQ(tail->size(), 1u);
  EXPECT_EQ((*tail)[0].source, CcEventSource::kIma);
  EXPECT_TRUE(api_->GetCcEventlog(100)->empty());
  EXPECT_EQ(api_->GetCcEventlog(101).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(api_->GetCcEventlog(98, 3).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(BundleCcApiTest, ReplayEqualsTheQuotesRtmrs) {
  Result<std::vector<CcEvent>> all = api_->GetCcEventlog();
  ASSERT_TRUE(all.ok());
  Result<agent::CcReplayResult> r = api_->ReplayCcEventlog(*all);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (uint32_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(r->count(i)) << i;
    Result<Digest> quoted = api_->GetCcMeasurement(i, HashAlg::kSha384);
    EXPECT_EQ(Hex(r->at(i).at(HashAlg::kSha384)), Hex(*quoted)) << "rtmr" << i;
    EXPECT_EQ(r->at(i).size(), 1u);
  }
  // RTMR3 is never extended: absent from the replay, zero in the quote.
  EXPECT_EQ(r->count(3), 0u);
  EXPECT_EQ(Hex(*api_->GetCcMeasurement(3, HashAlg::kSha384)), std::string(96, '0'));
  EXPECT_EQ(Hex(r->at(2).at(HashAlg::kSha384)), Expected("replay", "rtmr2"));
}

TEST_F(BundleCcApiTest, ReplayEqualsTheVerifiersReplayEngines) {
  // CCEL through the verifier's TCG replay, then IMA from its RTMR2.
  parsers::ChunkedSource src(guest_.ccel);
  Result<replay::TcgReplayResult> tcg = replay::ReplayTcgLog(&src, replay::RegisterSpace::kCcMr);
  ASSERT_TRUE(tcg.ok()) << tcg.status().ToString();
  replay::ImaReplayOptions opts;
  opts.register_kind = RegisterId::Kind::kRtmr;
  opts.initial.Set(RegisterId::Rtmr(2), *tcg->registers.Get(RegisterId::Rtmr(2), HashAlg::kSha384));
  ima::ReadOptions read;
  Result<replay::ImaReplayResult> ima = replay::ReplayImaBytes(guest_.ima, read, opts);
  ASSERT_TRUE(ima.ok()) << ima.status().ToString();

  Result<std::vector<CcEvent>> all = api_->GetCcEventlog();
  ASSERT_TRUE(all.ok());
  // Boot-time part: CCEL events only.
  std::vector<CcEvent> boot(all->begin(), all->begin() + 99);
  Result<agent::CcReplayResult> r_boot = api_->ReplayCcEventlog(boot);
  ASSERT_TRUE(r_boot.ok());
  for (uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(Hex(r_boot->at(i).at(HashAlg::kSha384)),
              Hex(*tcg->registers.Get(RegisterId::Rtmr(i), HashAlg::kSha384)))
        << i;
  }
  EXPECT_EQ(Hex(r_boot->at(2).at(HashAlg::kSha384)), Expected("replay", "rtmr2_boot_only"));
  Result<agent::CcReplayResult> r_all = api_->ReplayCcEventlog(*all);
  ASSERT_TRUE(r_all.ok());
  EXPECT_EQ(Hex(r_all->at(2).at(HashAlg::kSha384)),
            Hex(*ima->registers.Get(RegisterId::Rtmr(2), HashAlg::kSha384)));
}

TEST_F(BundleCcApiTest, ReportIsGivenOnlyForItsOwnReportData) {
  // The corpus quote's REPORTDATA is not SHA-512 of anything we know.
  Result<agent::CcReport> r = api_->GetCcReport({}, {});
  EXPECT_EQ(r.status().code(), ErrorCode::kUnsupported);
}

// Bundles written by hand: a TDREPORT bundle, and broken evidence.json files.
class BundleFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto corpus = CorpusDir();
    if (!corpus) GTEST_SKIP() << "shared corpus not found";
    dir_ = MakeTempDir("bundle");
    WriteAll(dir_ / "CCEL.data", ReadAll(*corpus / "evidence" / "ccapi-td" / "ccel_data.bin"));
    nonce_ = {1, 2, 3};
    auto rd = agent::ReportDataFor(nonce_, {});
    WriteAll(dir_ / "tdreport.bin",
             MakeTdReport(std::vector<uint8_t>(rd.begin(), rd.end()),
                          {std::vector<uint8_t>(48, 0xa0), std::vector<uint8_t>(48, 0xa1)}));
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  void Json(const std::string& text) { WriteText(dir_ / "evidence.json", text); }
  Status OpenStatus() {
    auto r = BundleCcApi::Open(dir_.string());
    return r.ok() ? Status::Ok() : r.status();
  }
  fs::path dir_;
  std::vector<uint8_t> nonce_;
};

TEST_F(BundleFilesTest, TdReportBundleGivesItsReportAndRtmrs) {
  Json(R"({"version": 1, "td_report": "tdreport.bin", "ccel": {"data": "CCEL.data"}})");
  auto api = BundleCcApi::Open(dir_.string());
  ASSERT_TRUE(api.ok()) << api.status().ToString();
  Result<agent::CcReport> r = (*api)->GetCcReport(nonce_, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, agent::CcReport::Kind::kTdReport);
  EXPECT_EQ(r->bytes.size(), 1024u);
  // Another REPORTDATA. (SHA-512(nonce || data) cannot tell where the nonce
  // ends: ({}, nonce) would bind the same value, as in cc-api.)
  EXPECT_EQ((*api)->GetCcReport(nonce_, std::vector<uint8_t>{9}).status().code(),
            ErrorCode::kUnsupported);
  EXPECT_EQ(Hex(*(*api)->GetCcMeasurement(1, HashAlg::kSha384)),
            ToHex(std::vector<uint8_t>(48, 0xa1)));
  EXPECT_EQ((*api)->GetCcEventlog()->size(), 99u);
}

TEST_F(BundleFilesTest, FileNameFormsOfCcelAndImaAreAccepted) {
  WriteText(dir_ / "ima.txt",
            " 2 " + std::string(96, 'a') + " ima-ng sha384:" + std::string(96, 'b') + " /bin/x\n");
  Json(R"({"version": 1, "td_report": "tdreport.bin", "ccel": "CCEL.data", "ima": "ima.txt"})");
  auto api = BundleCcApi::Open(dir_.string());
  ASSERT_TRUE(api.ok()) << api.status().ToString();
  auto events = (*api)->GetCcEventlog();
  ASSERT_EQ(events->size(), 100u);
  EXPECT_EQ(std::string(events->back().event.begin(), events->back().event.end()),
            "sha384:" + std::string(96, 'b') + " /bin/x");
}

TEST_F(BundleFilesTest, CcelObjectWithoutDataIsNotFound) {
  Json(R"({"version": 1, "td_report": "tdreport.bin", "ccel": {"table": "CCEL"}})");
  Status s = OpenStatus();
  EXPECT_EQ(s.code(), ErrorCode::kNotFound);
  EXPECT_EQ(s.field(), "ccel.data");
  Json(R"({"version": 1, "td_report": "tdreport.bin", "ccel": 7})");
  EXPECT_EQ(OpenStatus().field(), "ccel");
}

TEST_F(BundleFilesTest, MissingEvidenceJsonIsAnIoError) {
  EXPECT_EQ(OpenStatus().code(), ErrorCode::kIo);
}

TEST_F(BundleFilesTest, MalformedJsonIsBadValueWithOffset) {
  Json(R"({"version": 1,, })");
  Status s = OpenStatus();
  EXPECT_EQ(s.code(), ErrorCode::kBadValue);
  EXPECT_EQ(s.offset(), 14u);
}

TEST_F(BundleFilesTest, WrongVersionIsUnsupported) {
  Json(R"({"version": 2, "td_report": "tdreport.bin", "ccel": {"data": "CCEL.data"}})");
  EXPECT_EQ(OpenStatus().code(), ErrorCode::kUnsupportedVersion);
  Json(R"({"td_report": "tdreport.bin", "ccel": {"data": "CCEL.data"}})");
  EXPECT_EQ(OpenStatus().code(), ErrorCode::kNotFound);
}

// The verifier's strict manifest: a key given twice (JSON tools disagree on
// which one wins) or unknown is an error, never a silent choice.
TEST_F(BundleFilesTest, DuplicateAndUnknownKeysAreRefused) {
  Json(
      R"({"version": 1, "td_report": "tdreport.bin", "td_report": "other.bin", "ccel": "CCEL.data"})");
  Status s = OpenStatus();
  EXPECT_EQ(s.code(), ErrorCode::kBadValue);
  EXPECT_EQ(s.field(), "td_report");
  Json(R"({"version": 1, "td_report": "tdreport.bin", "ccel": "CCEL.data", "tdreport": "x"})");
  EXPECT_EQ(OpenStatus().field(), "tdreport");
}

// A bundle file that links out of the bundle is refused, and no byte of its
// target reaches the error.
TEST_F(BundleFilesTest, LinksOutOfTheBundleAreRefused) {
  fs::create_symlink("/etc/passwd", dir_ / "ima.txt");
  Json(R"({"version": 1, "td_report": "tdreport.bin", "ccel": "CCEL.data", "ima": "ima.txt"})");
  Status s = OpenStatus();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString().find("root:"), std::string::npos) << s.ToString();
}

TEST_F(BundleFilesTest, MemberOfTheWrongTypeIsNamed) {
  Json(R"({"version": 1, "td_report": 5, "ccel": {"data": "CCEL.data"}})");
  Status s = OpenStatus();
  EXPECT_EQ(s.code(), ErrorCode::kBadValue);
  EXPECT_EQ(s.field(), "td_report");
}

TEST_F(BundleFilesTest, NoReportOrNoCcelIsNotFound) {
  Json(R"({"version": 1, "ccel": {"data": "CCEL.data"}})");
  EXPECT_EQ(OpenStatus().code(), ErrorCode::kNotFound);
  Json(R"({"version": 1, "td_report": "tdreport.bin"})");
  EXPECT_EQ(OpenStatus().code(), ErrorCode::kNotFound);
}

TEST_F(BundleFilesTest, PathsLeavingTheBundleAreRefused) {
  for (const char* p : {"../x", "/etc/passwd", "a/../../x", ".."}) {
    Json(std::string(R"({"version": 1, "td_report": ")") + p +
         R"(", "ccel": {"data": "CCEL.data"}})");
    Status s = OpenStatus();
    EXPECT_EQ(s.code(), ErrorCode::kBadValue) << p;
    EXPECT_EQ(s.field(), "td_report") << p;
  }
}

TEST_F(BundleFilesTest, MissingMemberFileIsAnIoErrorNamingIt) {
  Json(R"({"version": 1, "td_report": "nope.bin", "ccel": {"data": "CCEL.data"}})");
  Status s = OpenStatus();
  EXPECT_EQ(s.code(), ErrorCode::kIo);
  EXPECT_EQ(s.file(), (dir_ / "nope.bin").string());
}

TEST_F(BundleFilesTest, CorruptLogAreaIsReportedWithItsOffset) {
  std::vector<uint8_t> bad = ReadAll(dir_ / "CCEL.data");
  bad.resize(150);
  WriteAll(dir_ / "CCEL.data", bad);
  Json(R"({"version": 1, "td_report": "tdreport.bin", "ccel": {"data": "CCEL.data"}})");
  Status s = OpenStatus();
  EXPECT_EQ(s.code(), ErrorCode::kTruncated);
  EXPECT_TRUE(s.offset().has_value());
}

}  // namespace
}  // namespace ccv::verifier
