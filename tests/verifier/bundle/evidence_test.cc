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
    "collected_at": "2026-11-28T00:00:00Z" })",
                             "/b");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->tee, "tdx");
  EXPECT_EQ(*e->quote, "/b/quote.bin");
  EXPECT_EQ(*e->ccel_data, "/b/CCEL.data");
  EXPECT_EQ(*e->ccel_table, "/b/CCEL");
  EXPECT_EQ(*e->ima, "/b/ascii_runtime_measurements");
  EXPECT_EQ(e->ima_register, RegisterId::Rtmr(2));
  EXPECT_EQ(*e->tpm_eventlog, "/b/binary_bios_measurements");
  EXPECT_EQ(*e->collateral, "/b/collateral.json");
  EXPECT_EQ(*e->nonce, (std::vector<uint8_t>{0x00, 0xff}));
  EXPECT_EQ(*e->user_data, (std::vector<uint8_t>{0xab}));
  EXPECT_EQ(e->collected_at, "2026-11-28T00:00:00Z");
  EXPECT_FALSE(e->cel);
  EXPECT_FALSE(e->report_data);
  EXPECT_FALSE(e->claimed_report_data);
  EXPECT_EQ(e->report_data_mode, ReportDataMode::kSha512NonceUserData);
}

TEST(EvidenceJsonTest, ReadsWhatTheAgentWrites) {
  auto e = ParseEvidenceJson(R"({"version": 1, "tee": "tdx", "quote": "quote.bin",
    "quote_provider": "tdx_guest", "td_report": "td_report.bin", "quote_unavailable": "no QGS",
    "ccel": {"table": "CCEL", "data": "CCEL.data"},
    "ima": {"path": "ascii_runtime_measurements", "binary": "binary_runtime_measurements",
            "register": "pcr10"},
    "tpm_eventlog": "binary_bios_measurements", "nonce": "01", "user_data": "02",
    "collected_at": "2026-11-28T00:00:00Z"})",
                             "/b");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->quote_provider, "tdx_guest");
  EXPECT_EQ(*e->td_report, "/b/td_report.bin");
  EXPECT_EQ(e->quote_unavailable, "no QGS");
  EXPECT_EQ(*e->ima_binary, "/b/binary_runtime_measurements");
  EXPECT_EQ(e->ima_register, RegisterId::Pcr(10));
}

TEST(EvidenceJsonTest, NotFoundListsWhatTheCollectorMissed) {
  auto e = ParseEvidenceJson(R"({"version": 1, "tpm_eventlog": "binary_bios_measurements",
    "ima": {"path": "ascii_runtime_measurements", "register": "pcr10"},
    "not_found": ["ccel", "quote"]})",
                             "/b");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->not_found, (std::vector<std::string>{"ccel", "quote"}));
  EXPECT_TRUE(e->tee.empty());
  EXPECT_FALSE(e->quote);
  EXPECT_FALSE(e->ccel_data);

  struct Bad {
    std::string json, field, words;
  };
  const Bad cases[] = {
      {R"({"version": 1, "not_found": "ima"})", "not_found", "array"},
      {R"({"version": 1, "not_found": [1]})", "not_found[0]", "string"},
      {R"({"version": 1, "not_found": ["ima", "rtmr"]})", "not_found[1]", "known: ccel"},
      {R"({"version": 1, "not_found": ["ima", "ima"]})", "not_found[1]", "twice"},
      // A bundle cannot both lack and have an item.
      {R"({"version": 1, "quote": "q.bin", "not_found": ["quote"]})", "not_found[0]", "names it"},
      {R"({"version": 1, "td_report": "t.bin", "not_found": ["quote"]})", "not_found[0]",
       "names it"},
      {R"({"version": 1, "ccel": "CCEL.data", "not_found": ["ccel"]})", "not_found[0]", "names it"},
      {R"({"version": 1, "ima": "a", "not_found": ["ima"]})", "not_found[0]", "names it"},
      {R"({"version": 1, "tpm_eventlog": "t", "not_found": ["tpm_eventlog"]})", "not_found[0]",
       "names it"},
  };
  for (const Bad& c : cases) {
    auto bad = ParseEvidenceJson(c.json, "d", "d/evidence.json");
    ASSERT_FALSE(bad.ok()) << c.json;
    EXPECT_EQ(bad.status().code(), ErrorCode::kBadValue) << c.json;
    EXPECT_EQ(bad.status().field(), c.field) << c.json;
    EXPECT_NE(bad.status().message().find(c.words), std::string::npos) << bad.status().message();
  }
}

TEST(EvidenceJsonTest, ReportDataForms) {
  auto e = ParseEvidenceJson(R"j({"version": 1, "report_data": "sha512(nonce||user_data)"})j", "d");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->report_data_mode, ReportDataMode::kSha512NonceUserData);
  EXPECT_FALSE(e->claimed_report_data);

  e = ParseEvidenceJson(R"({"version": 1, "nonce": "0102", "report_data": "nonce"})", "d");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->report_data_mode, ReportDataMode::kNonce);
  EXPECT_FALSE(e->claimed_report_data);

  std::string hex(126, 'a');
  hex += "0b";
  e = ParseEvidenceJson(R"({"version": 1, "report_data": {"exact": ")" + hex + "\"}}", "d");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->report_data_mode, ReportDataMode::kExact);
  ASSERT_TRUE(e->claimed_report_data);
  EXPECT_EQ(e->claimed_report_data->size(), 64u);
  EXPECT_EQ(e->claimed_report_data->back(), 0x0b);
  EXPECT_FALSE(e->report_data);  // never the verifier's value

  // The older form: 64 hex bytes, the collector's claim; the mode stays the default.
  e = ParseEvidenceJson(R"({"version": 1, "report_data": ")" + hex + "\"}", "d");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->report_data_mode, ReportDataMode::kSha512NonceUserData);
  ASSERT_TRUE(e->claimed_report_data);
  EXPECT_FALSE(e->report_data);
}

TEST(EvidenceJsonTest, ImaRegisterIsRtmr2OrPcr10Only) {
  for (const char* ok : {"rtmr2", "pcr10"}) {
    Result<RegisterId> option = ParseImaRegisterOption(ok);
    ASSERT_TRUE(option.ok()) << ok;
    EXPECT_EQ(option->Name(), ok);
    auto e = ParseEvidenceJson(
        std::string(R"({"version": 1, "ima": {"path": "p", "register": ")") + ok + "\"}}", "d");
    ASSERT_TRUE(e.ok()) << ok << ": " << e.status().ToString();
    ASSERT_TRUE(e->ima_register);
    EXPECT_EQ(e->ima_register->Name(), ok);
  }
  // Registers that exist but that the verifier does not replay IMA into.
  for (const char* bad : {"rtmr0", "rtmr3", "pcr0", "pcr11", "pcr23", "RTMR2", "rtmr02", "pcr010",
                          "", "rtmr2 ", "pcr1O"}) {
    Status s = ParseImaRegisterOption(bad).status();
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("rtmr2"), std::string::npos) << s.message();
    auto e = ParseEvidenceJson(
        std::string(R"({"version": 1, "ima": {"path": "p", "register": ")") + bad + "\"}}", "d",
        "d/evidence.json");
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_EQ(e.status().code(), ErrorCode::kBadValue) << bad;
    EXPECT_EQ(e.status().field(), "ima.register") << bad;
    EXPECT_NE(e.status().message().find("pcr10"), std::string::npos) << e.status().message();
  }
}

TEST(EvidenceJsonTest, DuplicateMembersAreRefusedAtEveryLevel) {
  struct Dup {
    std::string json;
    std::string field;
  };
  const Dup cases[] = {
      {R"({"version": 1, "quote": "a.bin", "quote": "b.bin"})", "quote"},
      {R"({"version": 1, "version": 1})", "version"},
      {R"({"version": 1, "nonce": "00", "tee": "tdx", "nonce": "01"})", "nonce"},
      {R"({"version": 1, "ccel": {"data": "a", "data": "b"}})", "ccel.data"},
      {R"({"version": 1, "ccel": {"table": "t", "data": "d", "table": "u"}})", "ccel.table"},
      {R"({"version": 1, "ima": {"path": "p", "register": "pcr10", "register": "rtmr2"}})",
       "ima.register"},
      {R"({"version": 1, "report_data": {"exact": "00", "exact": "01"}})", "report_data.exact"},
  };
  for (const Dup& c : cases) {
    auto e = ParseEvidenceJson(c.json, "d", "d/evidence.json");
    ASSERT_FALSE(e.ok()) << c.json;
    EXPECT_EQ(e.status().code(), ErrorCode::kBadValue) << c.json;
    EXPECT_EQ(e.status().field(), c.field) << c.json;
    EXPECT_EQ(e.status().file(), "d/evidence.json");
    EXPECT_NE(e.status().message().find("more than once"), std::string::npos)
        << e.status().message();
  }
}

TEST(EvidenceJsonTest, UnknownMembersAreRefusedListingTheKnownOnes) {
  struct Unknown {
    std::string json;
    std::string field;
    std::string known;  // one name the message must list
  };
  const Unknown cases[] = {
      {R"({"version": 1, "future_member": [1, 2]})", "future_member", "collected_at"},
      {R"({"version": 1, "Quote": "q"})", "Quote", "quote"},
      {R"({"version": 1, "ccel": {"data": "d", "tabel": "t"}})", "ccel.tabel", "table"},
      {R"({"version": 1, "ima": {"path": "p", "pcr": 10}})", "ima.pcr", "register"},
      {R"({"version": 1, "report_data": {"exact": "00", "mode": "x"}})", "report_data.mode",
       "exact"},
  };
  for (const Unknown& c : cases) {
    auto e = ParseEvidenceJson(c.json, "d", "d/evidence.json");
    ASSERT_FALSE(e.ok()) << c.json;
    EXPECT_EQ(e.status().code(), ErrorCode::kBadValue) << c.json;
    EXPECT_EQ(e.status().field(), c.field) << c.json;
    EXPECT_NE(e.status().message().find("unknown member"), std::string::npos)
        << e.status().message();
    EXPECT_NE(e.status().message().find(c.known), std::string::npos) << e.status().message();
  }
  // A hostile member name is shown escaped and cut short.
  std::string name = "\\u0001" + std::string(500, 'x');
  auto e = ParseEvidenceJson(R"({"version": 1, ")" + name + R"(": 1})", "d");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().field().rfind("\\x01xxx", 0), 0u) << e.status().field();
  EXPECT_LT(e.status().message().size(), 400u);
}

TEST(EvidenceJsonTest, OnlyVersionIsRequiredAndShortFormsWork) {
  auto e = ParseEvidenceJson(R"({"version": 1})", "d");
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->quote);
  e = ParseEvidenceJson(R"({"version": 1, "ccel": "c.bin", "ima": "ima.txt", "report_data": ")" +
                            std::string(128, '0') + "\"}",
                        "d");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(*e->ccel_data, "d/c.bin");
  EXPECT_FALSE(e->ccel_table);
  EXPECT_EQ(*e->ima, "d/ima.txt");
  EXPECT_FALSE(e->ima_register);
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
      {"quote_absolute", R"({"version": 1, "quote": "/etc/passwd"})", ErrorCode::kBadValue,
       "quote"},
      {"quote_dotdot", R"({"version": 1, "quote": "a/../../q"})", ErrorCode::kBadValue, "quote"},
      {"ccel_array", R"({"version": 1, "ccel": ["a"]})", ErrorCode::kBadValue, "ccel"},
      {"ccel_no_data", R"({"version": 1, "ccel": {"table": "t"}})", ErrorCode::kNotFound,
       "ccel.data"},
      {"ccel_table_number", R"({"version": 1, "ccel": {"data": "d", "table": 1}})",
       ErrorCode::kBadValue, "ccel.table"},
      {"ima_no_path", R"({"version": 1, "ima": {"register": "rtmr2"}})", ErrorCode::kNotFound,
       "ima.path"},
      {"ima_bad_register", R"({"version": 1, "ima": {"path": "p", "register": "rtmr4"}})",
       ErrorCode::kBadValue, "ima.register"},
      {"ima_bad_register_pcr", R"({"version": 1, "ima": {"path": "p", "register": "pcr010"}})",
       ErrorCode::kBadValue, "ima.register"},
      {"ima_register_number", R"({"version": 1, "ima": {"path": "p", "register": 2}})",
       ErrorCode::kBadValue, "ima.register"},
      {"collateral_dotdot", R"({"version": 1, "collateral": "../c.json"})", ErrorCode::kBadValue,
       "collateral"},
      {"nonce_odd", R"({"version": 1, "nonce": "abc"})", ErrorCode::kBadLength, "nonce"},
      {"nonce_not_hex", R"({"version": 1, "nonce": "zz"})", ErrorCode::kBadValue, "nonce"},
      {"nonce_number", R"({"version": 1, "nonce": 12})", ErrorCode::kBadValue, "nonce"},
      {"nonce_too_long", R"({"version": 1, "nonce": ")" + std::string(8194, 'a') + "\"}",
       ErrorCode::kBadLength, "nonce"},
      {"user_data_not_hex", R"({"version": 1, "user_data": "0g"})", ErrorCode::kBadValue,
       "user_data"},
      {"report_data_short", R"({"version": 1, "report_data": "00"})", ErrorCode::kBadLength,
       "report_data"},
      {"report_data_mode_unknown", R"j({"version": 1, "report_data": "sha256(nonce)"})j",
       ErrorCode::kBadValue, "report_data"},
      {"report_data_number", R"({"version": 1, "report_data": 64})", ErrorCode::kBadValue,
       "report_data"},
      {"report_data_exact_short", R"({"version": 1, "report_data": {"exact": "00"}})",
       ErrorCode::kBadLength, "report_data.exact"},
      {"report_data_exact_not_hex", R"({"version": 1, "report_data": {"exact": "zz"}})",
       ErrorCode::kBadValue, "report_data.exact"},
      {"report_data_exact_missing", R"({"version": 1, "report_data": {}})", ErrorCode::kNotFound,
       "report_data.exact"},
      {"report_data_nonce_too_long",
       R"({"version": 1, "report_data": "nonce", "nonce": ")" + std::string(130, 'a') + "\"}",
       ErrorCode::kBadLength, "nonce"},
      {"report_data_nonce_with_user_data",
       R"({"version": 1, "report_data": "nonce", "nonce": "01", "user_data": "02"})",
       ErrorCode::kBadValue, "user_data"},
      {"collected_at_number", R"({"version": 1, "collected_at": 3})", ErrorCode::kBadValue,
       "collected_at"},
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
  std::string good =
      R"({"version": 1, "tee": "tdx", "quote": "q", "ccel": {"table": "t", "data": "d"},
    "ima": {"path": "i", "register": "rtmr2"}, "nonce": "00ff", "user_data": "ab"})";
  uint32_t x = 12345;
  auto rnd = [&] { return x = x * 1103515245u + 12345u, (x >> 8); };
  for (int i = 0; i < 3000; ++i) {
    std::string m = good;
    int edits = 1 + rnd() % 4;
    for (int k = 0; k < edits; ++k) {
      size_t at = rnd() % m.size();
      switch (rnd() % 3) {
        case 0:
          m[at] = char(rnd() % 256);
          break;
        case 1:
          m.erase(at, 1 + rnd() % 8);
          break;
        default:
          m.insert(at, 1, "{}[]\":,0a"[rnd() % 9]);
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
