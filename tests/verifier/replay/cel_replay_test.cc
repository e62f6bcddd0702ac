// CEL replay on the corpus files and IMA -> CEL conversion.
#include "verifier/replay/cel_replay.h"

#include <gtest/gtest.h>

#include "parsers/cel_format.h"
#include "parsers/core/file_io.h"
#include "parsers/log_detect.h"
#include "tests/testing/corpus.h"
#include "tests/verifier/replay/ima_test_util.h"

namespace ccv::replay {
namespace {

using namespace ::ccv::testing;  // NOLINT: test helpers

void ExpectRegisters(const RegisterSet& got, const rapidjson::Value& expected) {
  RegisterSet want = RegistersFromJson(expected);
  ASSERT_FALSE(want.empty());
  for (const auto& [name, banks] : want.registers()) {
    for (const auto& [alg, d] : banks) {
      EXPECT_EQ(HexOf(got, name, alg), ToHex(d.span())) << name.Name() << "." << HashAlgName(alg);
    }
  }
  EXPECT_EQ(got.registers().size(), want.registers().size());
}

class CelCorpusTest : public ::testing::TestWithParam<const char*> {};

TEST_P(CelCorpusTest, ParsesAndReplaysToExpected) {
  CCV_REQUIRE_CORPUS(corpus);
  std::string name = GetParam();
  auto exp = LoadJson(corpus / ("expected/cel/" + name + ".json"));
  auto recs = ReadCelFile((corpus / "cel" / name).string());
  ASSERT_TRUE(recs.ok()) << recs.status().ToString();
  EXPECT_EQ(recs->size(), size_t(exp["records"].GetInt()));
  auto r = ReplayCel(*recs);
  ASSERT_TRUE(r.ok());
  ExpectRegisters(r->registers, exp["registers"]);
  // Both encodings written by us read back to the same registers.
  auto tlv = cel::ParseTlv(cel::WriteTlv(*recs));
  ASSERT_TRUE(tlv.ok()) << tlv.status().ToString();
  auto json = cel::ParseJson(cel::WriteJson(*recs));
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  for (const auto* rs : {&*tlv, &*json}) {
    auto rr = ReplayCel(*rs);
    ASSERT_TRUE(rr.ok());
    ExpectRegisters(rr->registers, exp["registers"]);
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, CelCorpusTest,
                         ::testing::Values("confidential-space-tdx.cel",
                                           "systemd-pcrlock-350-action-efi-application.pcrlock",
                                           "systemd-pcrlock-750-enter-initrd.pcrlock"));

TEST(CelReplayTest, ConfidentialSpaceRecordsAreCcmr4WithCosContent) {
  CCV_REQUIRE_CORPUS(corpus);
  auto recs = ReadCelFile((corpus / "cel/confidential-space-tdx.cel").string());
  ASSERT_TRUE(recs.ok());
  for (size_t i = 0; i < recs->size(); ++i) {
    const cel::Record& r = (*recs)[i];
    EXPECT_EQ(r.recnum, i);
    EXPECT_EQ(r.index_type, cel::IndexType::kCcmr);
    EXPECT_EQ(r.index, 4u);
    ASSERT_EQ(r.digests.size(), 1u);
    EXPECT_EQ(r.digests[0].alg, HashAlg::kSha384);
    EXPECT_EQ(r.content_type, 80);
  }
  // Our TLV writer reproduces the file byte for byte.
  auto orig = ReadFileBytes((corpus / "cel/confidential-space-tdx.cel").string());
  ASSERT_TRUE(orig.ok());
  EXPECT_EQ(cel::WriteTlv(*recs), *orig);
}

TEST(CelReplayTest, EnterInitrdDigestsAreTheHashOfTheString) {
  CCV_REQUIRE_CORPUS(corpus);
  auto recs = ReadCelFile((corpus / "cel/systemd-pcrlock-750-enter-initrd.pcrlock").string());
  ASSERT_TRUE(recs.ok());
  for (const Digest& d : (*recs)[0].digests) {
    EXPECT_EQ(d, crypto::Hash(d.alg, AsBytes(std::string_view("enter-initrd"))));
  }
}

TEST(CelReplayTest, ImaListConvertedToCelReplaysToTheSameRegisters) {
  CCV_REQUIRE_CORPUS(corpus);
  auto exp = LoadJson(corpus / "expected/ima/raspberrypi-ima-ng.bin.json");
  auto data = ReadFileBytes((corpus / "ima/raspberrypi-ima-ng.bin").string());
  ASSERT_TRUE(data.ok());
  ima::ReadOptions ro;
  ro.format = ima::LogFormat::kBinary;
  ima::LogReader reader(ima::SpanSource(*data), ro);
  auto recs = ImaToCel(&reader, RegisterId::Kind::kPcr);
  ASSERT_TRUE(recs.ok()) << recs.status().ToString();
  ASSERT_EQ(recs->size(), 922u);
  EXPECT_EQ((*recs)[0].template_name, "ima-ng");
  for (int enc = 0; enc < 2; ++enc) {
    auto back =
        enc == 0 ? cel::ParseTlv(cel::WriteTlv(*recs)) : cel::ParseJson(cel::WriteJson(*recs));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    auto r = ReplayCel(*back);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->template_hashes_verified, 922u);
    EXPECT_EQ(r->template_hashes_mismatched, 0u);
    ExpectRegisters(r->registers, exp["registers"]);
  }
}

TEST(CelReplayTest, CcApiImaConvertsToCcmr3AndContinuesFromNothing) {
  TEntry e = NgEntry("/x");
  e.pcr = 2;
  std::string log = e.Ascii(HashAlg::kSha384);
  ima::LogReader reader(ima::SpanSource(AsBytes(log)), {});
  auto recs = ImaToCel(&reader, RegisterId::Kind::kRtmr);
  ASSERT_TRUE(recs.ok());
  ASSERT_EQ(recs->size(), 1u);
  EXPECT_EQ((*recs)[0].index_type, cel::IndexType::kCcmr);
  EXPECT_EQ((*recs)[0].index, 3u);
  auto r = ReplayCel(*recs);
  ASSERT_TRUE(r.ok());
  Digest want = Digest::Zero(HashAlg::kSha384);
  crypto::Extend(&want, crypto::Hash(HashAlg::kSha384, AsBytes(e.TemplateData())).span());
  EXPECT_EQ(HexOf(r->registers, RegisterId::Rtmr(2), HashAlg::kSha384), ToHex(want.span()));
}

TEST(CelReplayTest, CcApiImaOnAnRtmrBeyondThreeHasNoCcmrIndex) {
  TEntry first = NgEntry("/a");
  first.pcr = 2;
  TEntry beyond = NgEntry("/b");
  beyond.pcr = 4;
  std::string log = first.Ascii(HashAlg::kSha384) + beyond.Ascii(HashAlg::kSha384);
  ima::LogReader reader(ima::SpanSource(AsBytes(log)), {});
  auto recs = ImaToCel(&reader, RegisterId::Kind::kRtmr);
  ASSERT_FALSE(recs.ok());
  EXPECT_EQ(recs.status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(recs.status().field(), "pcr");
  EXPECT_EQ(recs.status().offset(), first.Ascii(HashAlg::kSha384).size());
}

TEST(CelReplayTest, CelIndexesNameTheirRegisters) {
  cel::Record r;
  r.index_type = cel::IndexType::kPcr;
  r.index = 23;
  EXPECT_EQ(CelRegister(r), RegisterId::Pcr(23));
  r.index_type = cel::IndexType::kCcmr;
  r.index = 0;
  EXPECT_EQ(CelRegister(r), RegisterId::Mrtd());
  r.index = 4;
  EXPECT_EQ(CelRegister(r), RegisterId::Rtmr(3));
  r.index = 5;
  EXPECT_EQ(CelRegister(r), std::nullopt);
  r.index_type = cel::IndexType::kNvIndex;
  r.index = 1;
  EXPECT_EQ(CelRegister(r), std::nullopt);
}

TEST(CelReplayTest, ViolationsAndTamperedTemplateData) {
  TEntry v = NgEntry("/v");
  v.violation = true;
  std::string log = NgEntry("/a").Ascii() + v.Ascii();
  ima::LogReader reader(ima::SpanSource(AsBytes(log)), {});
  auto recs = ImaToCel(&reader, RegisterId::Kind::kPcr);
  ASSERT_TRUE(recs.ok());
  EXPECT_TRUE(AllBytesEqual((*recs)[1].digests[0].span(), 0xFF));
  auto r = ReplayCel(*recs);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->template_hashes_verified, 2u);
  (*recs)[0].template_data[10] ^= 1;
  auto t = ReplayCel(*recs);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->template_hashes_mismatched, 1u);
  ASSERT_EQ(t->mismatched_recnums.size(), 1u);
  EXPECT_EQ(t->mismatched_recnums[0], 0u);
}

TEST(CelReplayTest, NvIndexAndCcmr0AreNotExtended) {
  cel::Record a;
  a.index_type = cel::IndexType::kNvIndex;
  a.index = 5;
  a.digests = {Digest::Filled(HashAlg::kSha256, 1)};
  cel::Record b;
  b.index_type = cel::IndexType::kCcmr;
  b.index = 0;
  b.digests = {Digest::Filled(HashAlg::kSha384, 1)};
  auto r = ReplayCel({a, b});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->not_extended, 2u);
  EXPECT_TRUE(r->registers.empty());
}

TEST(CelReplayTest, ReadCelFileRejectsOtherFormats) {
  CCV_REQUIRE_CORPUS(corpus);
  auto r = ReadCelFile((corpus / "ima/raspberrypi-ima-ng.ascii").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(r.status().offset(), 0u);
}

}  // namespace
}  // namespace ccv::replay

namespace ccv::replay {
namespace {

// Format detection (parsers/log_detect.h) names every IMA and CEL file of the
// corpus as its expected JSON does, and no TCG or CCEL file as IMA or CEL.
TEST(ImaCelDetectTest, CorpusFormatsAreDetected) {
  CCV_REQUIRE_CORPUS(corpus);
  int n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(corpus / "expected")) {
    if (e.path().extension() != ".json") continue;
    auto exp = LoadJson(e.path());
    if (!exp.IsObject() || !exp.HasMember("format") || !exp.HasMember("file")) continue;
    std::string format = exp["format"].GetString();
    auto data = ReadFileBytes((corpus / exp["file"].GetString()).string());
    ASSERT_TRUE(data.ok());
    Bytes head(data->data(), std::min(data->size(), parsers::kDetectPrefixLen));
    std::string got(parsers::LogFormatName(parsers::DetectFormat(head, data->size())));
    bool ours = format.rfind("ima-", 0) == 0 || format.rfind("cel-", 0) == 0;
    if (ours) {
      EXPECT_EQ(got, format) << exp["file"].GetString();
    } else {
      EXPECT_TRUE(got.rfind("ima-", 0) != 0 && got.rfind("cel-", 0) != 0)
          << exp["file"].GetString() << " detected as " << got;
    }
    ++n;
  }
  EXPECT_GT(n, 40);
}

}  // namespace
}  // namespace ccv::replay
