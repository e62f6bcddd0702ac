// LiveCcApi against a fake guest tree built from evidence/ccapi-td.
#include "agent/live_cc_api.h"

#include <filesystem>
#include <memory>

#include "agent/cc_eventlog.h"
#include "gtest/gtest.h"
#include "parsers/core/hex.h"
#include "tests/agent/fake_guest.h"
#include "tests/testing/corpus.h"

namespace ccv::agent {
namespace {

namespace fs = std::filesystem;
using namespace ::ccv::testing;  // NOLINT: test helpers

// RTMR0..2 of evidence/ccapi-td/quote.bin (its expected.json).
const char* const kQuoteRtmr[] = {
    "c15727cac1f57d0e91106da180b3eaba72116661e17ba0553773843a9b072ecfa38cc803dfb55e0f87ec236780adb3"
    "a6",
    "61e958c6f954ce23031fb3cae87bf4da209d697bc15a4aefcdcc92070f7b2df34720b2bb57de89c9d03c7c9aa11365"
    "69",
    "247eed9f748b228edb65339138eb20ccf78867bc3ec68bb40faffba40ed0f87444a389001e7d1c46a2df56353c047c"
    "f2",
};

class LiveCcApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto corpus = CorpusDir();
    if (!corpus) GTEST_SKIP() << "shared corpus not found";
    fs::path ev = *corpus / "evidence" / "ccapi-td";
    work_ = MakeTempDir("live");
    root_ = work_ / "guest";
    guest_ = WriteCcapiTdGuest(ev, root_);
    api_ = std::make_unique<LiveCcApi>(GuestPaths(root_.string()));
  }
  void TearDown() override {
    tsm_.reset();
    if (!work_.empty()) fs::remove_all(work_);
  }
  fs::path work_, root_;
  CcapiTdGuest guest_;
  std::unique_ptr<FakeTsm> tsm_;
  std::unique_ptr<LiveCcApi> api_;
};

TEST_F(LiveCcApiTest, ReportComesFromConfigfsTsmWithTheBoundInblob) {
  tsm_ = std::make_unique<FakeTsm>(root_ / kFakeTsmReport, guest_.quote);
  std::vector<uint8_t> nonce = {0, 0x11, 0x22, 0x33}, data = {0xca, 0xfe};
  Result<CcReport> r = api_->GetCcReport(nonce, data);
  tsm_->Stop();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->kind, CcReport::Kind::kQuote);
  EXPECT_EQ(r->bytes, guest_.quote);
  ASSERT_EQ(tsm_->inblobs().size(), 1u);
  // `printf '\x00\x11\x22\x33\xca\xfe' | sha512sum`
  EXPECT_EQ(ToHex(tsm_->inblobs()[0]),
            "3749c23501e43201740801d0c5345a5bce341b8479e9483ff7b885de220562ce"
            "a3af13a7e79909d085d711a75b82dd4827dd323133a6e648f7d582c900642ba7");
  EXPECT_EQ(ToHex(r->report_data), ToHex(tsm_->inblobs()[0]));
}

TEST_F(LiveCcApiTest, MeasurementsComeFromAQuoteWithoutSysfsRegisters) {
  tsm_ = std::make_unique<FakeTsm>(root_ / kFakeTsmReport, guest_.quote);
  for (uint32_t i = 0; i < 3; ++i) {
    Result<Digest> m = api_->GetCcMeasurement(i, HashAlg::kSha384);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(ToHex(m->span()), kQuoteRtmr[i]);
  }
}

TEST_F(LiveCcApiTest, SysfsMeasurementRegistersArePreferred) {
  std::vector<uint8_t> v(48, 0x3c);
  WriteAll(root_ / "sys/class/misc/tdx_guest/measurements/rtmr3:sha384", v);
  Result<Digest> m = api_->GetCcMeasurement(3, HashAlg::kSha384);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(ToHex(m->span()), ToHex(v));
}

TEST_F(LiveCcApiTest, ShortSysfsMeasurementIsBadLength) {
  WriteAll(root_ / "sys/class/misc/tdx_guest/measurements/rtmr0:sha384",
           std::vector<uint8_t>(47, 1));
  EXPECT_EQ(api_->GetCcMeasurement(0, HashAlg::kSha384).status().code(), ErrorCode::kBadLength);
}

TEST_F(LiveCcApiTest, MeasurementsFallBackToTheTdReport) {
  fs::remove_all(root_ / "sys/kernel/config");
  std::vector<uint8_t> r1(48, 0x71);
  WriteAll(root_ / kFakeTdxGuest, MakeTdReport({}, {std::vector<uint8_t>(48, 0x70), r1}));
  Result<Digest> m = api_->GetCcMeasurement(1, HashAlg::kSha384);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(ToHex(m->span()), ToHex(r1));
}

TEST_F(LiveCcApiTest, TdReportIsPreferredToAQuote) {
  tsm_ = std::make_unique<FakeTsm>(root_ / kFakeTsmReport, guest_.quote);
  std::vector<uint8_t> r0(48, 0x70);
  WriteAll(root_ / kFakeTdxGuest, MakeTdReport({}, {r0}));
  Result<Digest> m = api_->GetCcMeasurement(0, HashAlg::kSha384);
  tsm_->Stop();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(ToHex(m->span()), ToHex(r0));
  EXPECT_TRUE(tsm_->inblobs().empty());
}

TEST_F(LiveCcApiTest, NoMeasurementSourceIsNotFound) {
  fs::remove_all(root_ / "sys/kernel/config");
  Result<Digest> m = api_->GetCcMeasurement(0, HashAlg::kSha384);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), ErrorCode::kNotFound);
}

TEST_F(LiveCcApiTest, CorruptTdReportIsReportedNotSkipped) {
  WriteAll(root_ / kFakeTdxGuest, std::vector<uint8_t>(1024, 0));
  EXPECT_EQ(api_->GetCcMeasurement(0, HashAlg::kSha384).status().code(), ErrorCode::kBadMagic);
}

TEST_F(LiveCcApiTest, MeasurementArgumentsAreChecked) {
  EXPECT_EQ(api_->GetCcMeasurement(4, HashAlg::kSha384).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(api_->GetCcMeasurement(0, HashAlg::kSha1).status().code(), ErrorCode::kUnsupported);
  EXPECT_EQ(api_->GetMeasurementCount(), 4u);
  EXPECT_EQ(api_->GetDefaultAlgorithms(), std::vector<HashAlg>{HashAlg::kSha384});
}

TEST_F(LiveCcApiTest, EventLogAndReplayMatchTheQuote) {
  Result<std::vector<CcEvent>> all = api_->GetCcEventlog();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->size(), 100u);
  Result<std::vector<CcEvent>> offline = BuildCcEventlog(guest_.ccel, Bytes(guest_.ima));
  ASSERT_TRUE(offline.ok());
  ASSERT_EQ(offline->size(), all->size());
  for (size_t i = 0; i < all->size(); ++i) {
    EXPECT_EQ((*all)[i].event, (*offline)[i].event) << i;
    EXPECT_EQ((*all)[i].imr_index, (*offline)[i].imr_index) << i;
  }
  Result<CcReplayResult> r = api_->ReplayCcEventlog(*all);
  ASSERT_TRUE(r.ok());
  for (uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(ToHex(r->at(i).at(HashAlg::kSha384).span()), kQuoteRtmr[i]) << i;
  }
  Result<std::vector<CcEvent>> some = api_->GetCcEventlog(10, 5);
  ASSERT_TRUE(some.ok());
  ASSERT_EQ(some->size(), 5u);
  EXPECT_EQ((*some)[0].rec_num, 10u);
}

TEST_F(LiveCcApiTest, EventLogWithoutCcelIsNotFound) {
  fs::remove(root_ / kFakeCcelData);
  EXPECT_EQ(api_->GetCcEventlog().status().code(), ErrorCode::kNotFound);
}

TEST_F(LiveCcApiTest, EventLogWithACorruptImaListFails) {
  WriteText(root_ / kFakeImaAscii, " 2 zz ima-ng sha384:00 /x\n");
  Result<std::vector<CcEvent>> r = api_->GetCcEventlog();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().line(), 1u);
}

TEST_F(LiveCcApiTest, ImaRegisterBeyondRtmr3IsBadValue) {
  std::string text(guest_.ima.begin(), guest_.ima.end());
  text.replace(text.find(" 2 "), 3, "10 ");
  WriteText(root_ / kFakeImaAscii, text);
  Result<std::vector<CcEvent>> r = api_->GetCcEventlog();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(r.status().field(), "pcr");
}

}  // namespace
}  // namespace ccv::agent
