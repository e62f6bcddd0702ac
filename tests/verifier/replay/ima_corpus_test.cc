// Real IMA lists of the shared corpus: every template hash verifies and the
// replayed registers equal expected/*.json (values cross-checked there by
// evmctl, the signed quote or the CIMA agent's published output).
#include <gtest/gtest.h>

#include "parsers/core/file_io.h"
#include "parsers/ima_log.h"
#include "tests/testing/corpus.h"
#include "tests/verifier/replay/ima_test_util.h"
#include "verifier/replay/ima_replay.h"
#include "verifier/replay/ima_replay_file.h"

namespace ccv::replay {
namespace {

Result<ImaReplayResult> ReplayFile(const std::filesystem::path& p, const ImaReplayOptions& opt,
                                   ima::ReadOptions read = {}) {
  return ReplayImaFile(p.string(), read, opt);
}

void ExpectRegisters(const ImaReplayResult& r, const rapidjson::Value& expected) {
  ASSERT_TRUE(expected.IsObject());
  RegisterSet want = testing::RegistersFromJson(expected);
  ASSERT_FALSE(want.empty());
  for (const auto& [name, banks] : want.registers()) {
    for (const auto& [alg, d] : banks) {
      EXPECT_EQ(testing::HexOf(r.registers, name, alg), ToHex(d.span()))
          << name.Name() << "." << HashAlgName(alg);
    }
  }
}

TEST(ImaCorpusTest, RaspberryPiAsciiReplaysToExpectedPcr10) {
  CCV_REQUIRE_CORPUS(corpus);
  auto exp = testing::LoadJson(corpus / "expected/ima/raspberrypi-ima-ng.ascii.json");
  auto r = ReplayFile(corpus / "ima/raspberrypi-ima-ng.ascii", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->entries, uint64_t(exp["records"].GetInt()));
  EXPECT_EQ(r->hashes_verified, r->entries);
  EXPECT_EQ(r->hashes_mismatched, 0u);
  EXPECT_EQ(r->violations, 0u);
  EXPECT_EQ(r->listed_alg, HashAlg::kSha1);
  EXPECT_EQ(r->templates.at("ima-ng"), 922u);
  ExpectRegisters(*r, exp["registers"]);
}

TEST(ImaCorpusTest, RaspberryPiBinaryReplaysToExpectedPcr10) {
  CCV_REQUIRE_CORPUS(corpus);
  auto exp = testing::LoadJson(corpus / "expected/ima/raspberrypi-ima-ng.bin.json");
  auto r = ReplayFile(corpus / "ima/raspberrypi-ima-ng.bin", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->entries, uint64_t(exp["records"].GetInt()));
  EXPECT_EQ(r->hashes_verified, r->entries);
  EXPECT_EQ(r->violations, 0u);
  ExpectRegisters(*r, exp["registers"]);
}

TEST(ImaCorpusTest, RaspberryPiBinaryEqualsAsciiEntryByEntry) {
  CCV_REQUIRE_CORPUS(corpus);
  auto a = ReadFileBytes((corpus / "ima/raspberrypi-ima-ng.ascii").string());
  auto b = ReadFileBytes((corpus / "ima/raspberrypi-ima-ng.bin").string());
  ASSERT_TRUE(a.ok() && b.ok());
  ima::ReadOptions ra, rb;
  rb.format = ima::LogFormat::kBinary;
  ra.max_batch = 7;  // batch boundaries must not matter
  ima::LogReader ar(ima::SpanSource(*a), ra), br(ima::SpanSource(*b), rb);
  std::vector<ima::Entry> ea, eb;
  std::vector<std::string> da;
  std::vector<ima::Entry> all_a;
  size_t n = 0;
  // Collect ascii template data, then compare with binary in order.
  for (;;) {
    ASSERT_TRUE(ar.NextBatch(&ea).ok());
    if (ea.empty()) break;
    for (auto& e : ea) da.push_back(std::string(AsChars(e.template_data)));
  }
  for (;;) {
    ASSERT_TRUE(br.NextBatch(&eb).ok());
    if (eb.empty()) break;
    for (auto& e : eb) {
      ASSERT_LT(n, da.size());
      EXPECT_EQ(std::string(AsChars(e.template_data)), da[n]) << "entry " << n;
      EXPECT_EQ(e.pcr, 10u);
      ++n;
    }
  }
  EXPECT_EQ(n, da.size());
  EXPECT_EQ(n, 922u);
}

TEST(ImaCorpusTest, ImaEvmUtilsListReplaysAndBootAggregateCoversPcr0To7) {
  CCV_REQUIRE_CORPUS(corpus);
  auto exp = testing::LoadJson(corpus / "expected/ima/ima-evm-utils-test.ascii.json");
  auto bios = testing::LoadJson(corpus / "expected/tcg/ima-evm-utils-test-bios.bin.json");
  ImaReplayOptions opt;
  opt.boot_registers = testing::RegistersFromJson(bios["registers"]);
  auto r = ReplayFile(corpus / "ima/ima-evm-utils-test.ascii", opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->entries, 3u);
  EXPECT_EQ(r->hashes_verified, 3u);
  ExpectRegisters(*r, exp["registers"]);
  EXPECT_TRUE(r->boot_aggregate.present);
  EXPECT_EQ(r->boot_aggregate.index, 0u);
  EXPECT_EQ(r->boot_aggregate.algo, "sha256");
  EXPECT_EQ(r->boot_aggregate.status, CheckStatus::kPass) << r->boot_aggregate.expected;
  EXPECT_EQ(r->boot_aggregate.form, "pcr0-7");
  EXPECT_EQ(r->boot_aggregate.entries,
            1u);  // the file has one (lines: boot_aggregate, /init, /bin/sh)
}

TEST(ImaCorpusTest, CimaPodCgpathListReplaysFromZeroAndFromAgentInitial) {
  CCV_REQUIRE_CORPUS(corpus);
  auto exp =
      testing::LoadJson(corpus / "expected/ima/cima-container-pod.ima-cgpath.derived.ascii.json");
  ImaReplayOptions opt;
  opt.register_kind = RegisterId::Kind::kRtmr;
  auto r = ReplayFile(corpus / "ima/cima-container-pod.ima-cgpath.derived.ascii", opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->entries, 77u);
  EXPECT_EQ(r->hashes_verified, 77u);
  EXPECT_EQ(r->templates.at("ima-cgpath"), 77u);
  EXPECT_EQ(r->listed_alg, HashAlg::kSha384);
  ExpectRegisters(*r, exp["registers"]);

  // From the agent's initial value the same chain gives the published IMR 3.
  const auto& v = exp["virtual_registers"]["cima_container_imr3"];
  auto init = testing::DigestFromHex(HashAlg::kSha384, v["initial"].GetString());
  ASSERT_TRUE(init);
  ImaReplayOptions opt2 = opt;
  opt2.initial.Set(RegisterId::Rtmr(2), *init);
  auto r2 = ReplayFile(corpus / "ima/cima-container-pod.ima-cgpath.derived.ascii", opt2);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(testing::HexOf(r2->registers, RegisterId::Rtmr(2), HashAlg::kSha384),
            v["sha384"].GetString());
}

class CcApiTdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = testing::CorpusDir();
    if (!dir) GTEST_SKIP() << "shared corpus not found; skipping";
    corpus_ = *dir;
    auto q = ReadFileBytes((corpus_ / "evidence/ccapi-td/quote.bin").string());
    ASSERT_TRUE(q.ok());
    quote_ = *q;
    exp_ =
        testing::LoadJson(corpus_ / "expected/evidence/ccapi-td/ascii_runtime_measurements.json");
    ccel_ = testing::LoadJson(corpus_ / "expected/evidence/ccapi-td/ccel_data.bin.json");
  }
  Digest Q(size_t off) { return *testing::QuoteV4Field(quote_, off); }

  std::filesystem::path corpus_;
  std::vector<uint8_t> quote_;
  rapidjson::Document exp_, ccel_;
};

TEST_F(CcApiTdTest, QuoteOffsetsAgreeWithDecodedQuote) {
  auto ev = testing::LoadJson(corpus_ / "evidence/ccapi-td/expected.json");
  EXPECT_EQ(ToHex(Q(testing::kQuoteMrtd).span()), ev["quote"]["mrtd"].GetString());
  EXPECT_EQ(ToHex(Q(testing::QuoteRtmr(2)).span()), ev["quote"]["rtmr2"].GetString());
}

TEST_F(CcApiTdTest, ReplayContinuesRtmr2ToTheQuotedValueAndBootAggregateMatches) {
  ImaReplayOptions opt;
  opt.register_kind = RegisterId::Kind::kRtmr;
  // RTMR2 at the end of the CCEL replay.
  opt.initial = testing::RegistersFromJson(exp_["initial"]);
  RegisterSet boot = testing::RegistersFromJson(ccel_["registers"]);  // rtmr0..2 boot-time
  boot.Set(RegisterId::Mrtd(), Q(testing::kQuoteMrtd));
  // The quote agrees with the CCEL replay for RTMR0/1.
  EXPECT_EQ(testing::HexOf(boot, RegisterId::Rtmr(0), HashAlg::kSha384),
            ToHex(Q(testing::QuoteRtmr(0)).span()));
  opt.boot_registers = boot;
  opt.quoted.Set(RegisterId::Rtmr(2), Q(testing::QuoteRtmr(2)));
  auto r = ReplayFile(corpus_ / "evidence/ccapi-td/ascii_runtime_measurements", opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->entries, 1u);
  EXPECT_EQ(r->hashes_verified, 1u);
  EXPECT_EQ(testing::HexOf(r->registers, RegisterId::Rtmr(2), HashAlg::kSha384),
            ToHex(Q(testing::QuoteRtmr(2)).span()));
  ExpectRegisters(*r, exp_["registers"]);
  EXPECT_EQ(r->boot_aggregate.status, CheckStatus::kPass) << r->boot_aggregate.expected;
  EXPECT_EQ(r->boot_aggregate.form, "sha384(mrtd||rtmr0||rtmr1||rtmr2)");
  ASSERT_EQ(r->prefix.size(), 1u);
  EXPECT_TRUE(r->prefix[0].found);
  EXPECT_EQ(r->prefix[0].matched_entries, 1u);
  EXPECT_EQ(r->prefix[0].added_after, 0u);
}

TEST_F(CcApiTdTest, EntriesAppendedAfterTheQuoteAreReportedAsSuch) {
  auto text = ReadFileText((corpus_ / "evidence/ccapi-td/ascii_runtime_measurements").string());
  ASSERT_TRUE(text.ok());
  std::string log = *text;
  for (int i = 0; i < 3; ++i) {
    testing::TEntry e = testing::NgEntry("/usr/bin/late" + std::to_string(i));
    e.pcr = 2;
    log += e.Ascii(HashAlg::kSha384);
  }
  ImaReplayOptions opt;
  opt.register_kind = RegisterId::Kind::kRtmr;
  opt.initial = testing::RegistersFromJson(exp_["initial"]);
  opt.quoted.Set(RegisterId::Rtmr(2), Q(testing::QuoteRtmr(2)));
  auto r = ReplayImaBytes(AsBytes(log), {}, opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->entries, 4u);
  EXPECT_EQ(r->hashes_verified, 4u);
  ASSERT_EQ(r->prefix.size(), 1u);
  EXPECT_TRUE(r->prefix[0].found);
  EXPECT_EQ(r->prefix[0].matched_entries, 1u);
  EXPECT_EQ(r->prefix[0].added_after, 3u);
  EXPECT_EQ(r->prefix[0].Describe(),
            "rtmr2.sha384: first 1 entries match, 3 entries were added after the quote");
}

}  // namespace
}  // namespace ccv::replay
