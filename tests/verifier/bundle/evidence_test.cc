#include "verifier/bundle/evidence.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"
#include "verifier/bundle/report_data.h"

namespace ccv::bundle {
namespace {

TEST(EvidenceJsonTest, ParsesTheDesignExample) {
  auto e = ParseEvidenceJson(R"({ "version": 1, "tee": "tdx",
    "quote": "quote.bin",
    "ccel": { "table": "CCEL", "data": "CCEL.data" },
    "ima": { "path": "ascii_runtime_measurements", "register": "rtmr2" },
    "tpm_eventlog": "binary_bios_measurements",
    "collateral": "collateral.json",
    "nonce": "00ff", "user_data": "AB",
    "collected_at": "2026-11-28T00:00:00Z", "future_member": [1, 2] })", "/b");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->tee, "tdx");
  EXPECT_EQ(*e->quote, "/b/quote.bin");
  EXPECT_EQ(*e->ccel_data, "/b/CCEL.data");
  EXPECT_EQ(*e->ccel_table, "/b/CCEL");
  EXPECT_EQ(*e->ima, "/b/ascii_runtime_measurements");
  EXPECT_EQ(e->ima_register, "rtmr2");
  EXPECT_EQ(*e->tpm_eventlog, "/b/binary_bios_measurements");
  EXPECT_EQ(*e->collateral, "/b/collateral.json");
  EXPECT_EQ(*e->nonce, (std::vector<uint8_t>{0x00, 0xff}));
  EXPECT_EQ(*e->user_data, (std::vector<uint8_t>{0xab}));
  EXPECT_EQ(e->collected_at, "2026-11-28T00:00:00Z");
  EXPECT_FALSE(e->cel);
  EXPECT_FALSE(e->report_data);
  EXPECT_FALSE(e->claimed_report_data);
}

TEST(EvidenceJsonTest, OnlyVersionIsRequiredAndShortFormsWork) {
  auto e = ParseEvidenceJson(R"({"version": 1})", "d");
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->quote);
  e = ParseEvidenceJson(R"({"version": 1, "ccel": "c.bin", "ima": "ima.txt", "report_data": ")" +
                            std::string(128, '0') + "\"}", "d");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(*e->ccel_data, "d/c.bin");
  EXPECT_FALSE(e->ccel_table);
  EXPECT_EQ(*e->ima, "d/ima.txt");
  EXPECT_EQ(e->ima_register, "");
  // The bundle's REPORTDATA is only a claim, never the expected value.
  EXPECT_FALSE(e->report_data);
  EXPECT_EQ(e->claimed_report_data->size(), 64u);
}

struct Bad {
  const char* name;
  std::string json;
  ErrorCode code;
  std::string field;
  std::optional<uint64_t> offset = std::nullopt;
};

TEST(EvidenceJsonTest, MalformedBundlesNameTheMember) {
  const Bad cases[] = {
      {"syntax", R"({"version": 1,})", ErrorCode::kBadValue, "", 14},
      {"truncated", R"({"version": 1, "quote": "q)", ErrorCode::kBadValue, "", 26},
      {"not_object", "[1]", ErrorCode::kBadValue, ""},
      {"no_version", R"({"quote": "q"})", ErrorCode::kNotFound, "version"},
      {"version_string", R"({"version": "1"})", ErrorCode::kBadValue, "version"},
      {"version_2", R"({"version": 2})", ErrorCode::kUnsupportedVersion, "version"},
      {"tee_sev", R"({"version": 1, "tee": "sev-snp"})", ErrorCode::kUnsupported, "tee"},
      {"tee_number", R"({"version": 1, "tee": 1})", ErrorCode::kBadValue, "tee"},
      {"quote_number", R"({"version": 1, "quote": 5})", ErrorCode::kBadValue, "quote"},
      {"quote_empty", R"({"version": 1, "quote": ""})", ErrorCode::kBadValue, "quote"},
      {"quote_absolute", R"({"version": 1, "quote": "/etc/passwd"})", ErrorCode::kBadValue, "quote"},
      {"quote_dotdot", R"({"version": 1, "quote": "a/../../q"})", ErrorCode::kBadValue, "quote"},
      {"ccel_array", R"({"version": 1, "ccel": ["a"]})", ErrorCode::kBadValue, "ccel"},
      {"ccel_no_data", R"({"version": 1, "ccel": {"table": "t"}})", ErrorCode::kNotFound, "ccel.data"},
      {"ccel_table_number", R"({"version": 1, "ccel": {"data": "d", "table": 1}})", ErrorCode::kBadValue, "ccel.table"},
      {"ima_no_path", R"({"version": 1, "ima": {"register": "rtmr2"}})", ErrorCode::kNotFound, "ima.path"},
      {"ima_bad_register", R"({"version": 1, "ima": {"path": "p", "register": "rtmr4"}})", ErrorCode::kBadValue, "ima.register"},
      {"ima_bad_register_pcr", R"({"version": 1, "ima": {"path": "p", "register": "pcr010"}})", ErrorCode::kBadValue, "ima.register"},
      {"ima_register_number", R"({"version": 1, "ima": {"path": "p", "register": 2}})", ErrorCode::kBadValue, "ima.register"},
      {"collateral_dotdot", R"({"version": 1, "collateral": "../c.json"})", ErrorCode::kBadValue, "collateral"},
      {"nonce_odd", R"({"version": 1, "nonce": "abc"})", ErrorCode::kBadLength, "nonce"},
      {"nonce_not_hex", R"({"version": 1, "nonce": "zz"})", ErrorCode::kBadValue, "nonce"},
      {"nonce_number", R"({"version": 1, "nonce": 12})", ErrorCode::kBadValue, "nonce"},
      {"nonce_too_long", R"({"version": 1, "nonce": ")" + std::string(8194, 'a') + "\"}", ErrorCode::kBadLength, "nonce"},
      {"user_data_not_hex", R"({"version": 1, "user_data": "0g"})", ErrorCode::kBadValue, "user_data"},
      {"report_data_short", R"({"version": 1, "report_data": "00"})", ErrorCode::kBadLength, "report_data"},
      {"collected_at_number", R"({"version": 1, "collected_at": 3})", ErrorCode::kBadValue, "collected_at"},
  };
  for (const Bad& c : cases) {
    auto e = ParseEvidenceJson(c.json, "dir", "dir/evidence.json");
    ASSERT_FALSE(e.ok()) << c.name;
    EXPECT_EQ(e.status().code(), c.code) << c.name << ": " << e.status().ToString();
    EXPECT_EQ(e.status().field(), c.field) << c.name;
    EXPECT_EQ(e.status().file(), "dir/evidence.json") << c.name;
    if (c.offset) {
      ASSERT_TRUE(e.status().offset()) << c.name;
      EXPECT_EQ(*e.status().offset(), *c.offset) << c.name;
    }
  }
}

TEST(EvidenceJsonTest, DeepNestingAndRandomDamageNeverCrash) {
  std::string deep(200000, '[');
  auto e = ParseEvidenceJson(deep, "d");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), ErrorCode::kBadValue);
  std::string good = R"({"version": 1, "tee": "tdx", "quote": "q", "ccel": {"table": "t", "data": "d"},
    "ima": {"path": "i", "register": "rtmr2"}, "nonce": "00ff", "user_data": "ab"})";
  uint32_t x = 12345;
  auto rnd = [&] { return x = x * 1103515245u + 12345u, (x >> 8); };
  for (int i = 0; i < 3000; ++i) {
    std::string m = good;
    int edits = 1 + rnd() % 4;
    for (int k = 0; k < edits; ++k) {
      size_t at = rnd() % m.size();
      switch (rnd() % 3) {
        case 0: m[at] = char(rnd() % 256); break;
        case 1: m.erase(at, 1 + rnd() % 8); break;
        default: m.insert(at, 1, "{}[]\":,0a"[rnd() % 9]);
      }
      if (m.empty()) m = "x";
    }
    auto r = ParseEvidenceJson(m, "d");
    if (!r.ok()) {
      EXPECT_NE(r.status().code(), ErrorCode::kOk);
      EXPECT_NE(r.status().code(), ErrorCode::kInternal);
    }
  }
}

TEST(EvidenceDirTest, LoadsFromDirectoryAndReportsMissingFile) {
  auto dir = std::filesystem::temp_directory_path() / "ccv_bundle_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "evidence.json") << R"({"version": 1, "quote": "q.bin"})";
  auto e = LoadEvidenceDir(dir.string());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(*e->quote, (dir / "q.bin").string());
  std::filesystem::remove(dir / "evidence.json");
  auto missing = LoadEvidenceDir(dir.string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kIo);
  std::filesystem::remove_all(dir);
}

std::array<uint8_t, 64> Arr(const std::string& hex) {
  std::array<uint8_t, 64> a{};
  EXPECT_TRUE(DecodeHexInto(hex, a));
  return a;
}

// FIPS 180-2 appendix C.1: SHA-512("abc").
const char kSha512Abc[] =
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

TEST(ReportDataTest, IsSha512OfNonceThenUserData) {
  std::vector<uint8_t> a = {'a'}, bc = {'b', 'c'}, abc = {'a', 'b', 'c'};
  EXPECT_EQ(ToHex(ExpectedReportData(a, bc)), kSha512Abc);
  EXPECT_EQ(ToHex(ExpectedReportData(abc, {})), kSha512Abc);
  auto quoted = Arr(kSha512Abc);
  EXPECT_EQ(CheckReportData(quoted, a, bc, {}).status, result::Verdict::kPass);
  EXPECT_EQ(CheckReportData(quoted, abc, {}, {}).status, result::Verdict::kPass);
  EXPECT_EQ(CheckReportData(quoted, {}, abc, {}).status, result::Verdict::kPass);  // user data only
  EXPECT_EQ(CheckReportData(quoted, bc, a, {}).status, result::Verdict::kFail);    // order matters
  auto c = CheckReportData(quoted, std::vector<uint8_t>{'x'}, {}, {});
  EXPECT_EQ(c.status, result::Verdict::kFail);
  EXPECT_EQ(c.id, "report_data.binding");
  EXPECT_TRUE(c.missing.empty());
}

TEST(ReportDataTest, ExactValueAndMissingNonce) {
  std::array<uint8_t, 64> zero{};
  std::vector<uint8_t> exact(64, 0);
  EXPECT_EQ(CheckReportData(zero, {}, {}, exact).status, result::Verdict::kPass);
  exact[63] = 1;
  EXPECT_EQ(CheckReportData(zero, {}, {}, exact).status, result::Verdict::kFail);
  // The exact value wins over a nonce.
  EXPECT_EQ(CheckReportData(zero, std::vector<uint8_t>{1}, {}, std::vector<uint8_t>(64, 0)).status,
            result::Verdict::kPass);
  auto none = CheckReportData(zero, {}, {}, {});
  EXPECT_EQ(none.status, result::Verdict::kFail);
  EXPECT_EQ(none.missing, "nonce");
}

}  // namespace
}  // namespace ccv::bundle
