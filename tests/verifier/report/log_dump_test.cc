// `ccverify dump` rendering (verifier/report/log_dump.h) on the real corpus:
// --brief gives one line per record of every log the manifest lists; the
// SbatLevel variable reads as text; signature lists name each certificate,
// cross-checked with `openssl x509` on the DER taken from the event data;
// the filters; a forced format that does not fit fails at its offset.
#include "verifier/report/log_dump.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"

namespace ccv::report {
namespace {

namespace fs = std::filesystem;
using parsers::LogFormat;

struct Dumped {
  Status status;
  std::string out;
};

// Runs `fn` with a memory FILE and returns what it wrote.
Dumped Capture(const std::function<Status(std::FILE*)>& fn) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  Dumped d;
  d.status = fn(f);
  std::fclose(f);
  d.out.assign(buf, len);
  std::free(buf);
  return d;
}

// Dumps `path` read as `format` with `options`.
Dumped DumpFile(const fs::path& path, LogFormat format, const DumpOptions& options) {
  std::vector<uint8_t> data;
  if (Result<std::vector<uint8_t>> r = ReadFileBytes(path.string()); r.ok()) data = *r;
  parsers::ChunkedSource src{Bytes(data)};
  return Capture([&](std::FILE* out) {
    switch (format) {
      case LogFormat::kImaAscii:
      case LogFormat::kImaBinary:
        return DumpImaLog(path.string(), format, options, out);
      case LogFormat::kCelTlv:
      case LogFormat::kCelJson:
        return DumpCelLog(path.string(), format, options, out);
      default:
        return DumpTcgLog(path.string(), format, &src, options, out);
    }
  });
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

rapidjson::Document Json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  EXPECT_FALSE(d.HasParseError()) << text.substr(0, 300);
  return d;
}

DumpOptions Brief() {
  DumpOptions o;
  o.brief = true;
  return o;
}

DumpOptions JsonOf(const std::string& index) {
  DumpOptions o;
  o.json = true;
  o.filter = ParseDumpFilter(std::nullopt, std::nullopt, index).value();
  return o;
}

// Every log of the corpus manifest (expected/*.json with a log format).
TEST(LogDumpCorpusTest, BriefPrintsOneLinePerRecordOfEveryLog) {
  CCV_REQUIRE_CORPUS(corpus);
  int logs = 0;
  for (const auto& e : fs::recursive_directory_iterator(corpus / "expected")) {
    if (e.path().extension() != ".json") continue;
    Result<std::string> text = ReadFileText(e.path().string());
    ASSERT_TRUE(text.ok());
    rapidjson::Document exp = Json(*text);
    if (!exp.HasMember("format") || !exp.HasMember("records")) continue;
    std::optional<LogFormat> format = parsers::LogFormatFromName(exp["format"].GetString());
    ASSERT_TRUE(format) << e.path();
    fs::path log = corpus / exp["file"].GetString();
    Dumped d = DumpFile(log, *format, Brief());
    ASSERT_TRUE(d.status.ok()) << log << ": " << d.status.ToString();
    std::vector<std::string> lines = Lines(d.out);
    EXPECT_EQ(lines.size(), exp["records"].GetUint64()) << log;
    for (const std::string& l : lines) {
      EXPECT_LE(l.size(), 240u) << log << ": " << l;
      EXPECT_NE(l.find_first_not_of(' '), std::string::npos) << log;
    }
    ++logs;
  }
  EXPECT_GE(logs, 45);  // 32 TPM logs, 11 CCEL logs, 4 IMA lists, 3 CELs (some in evidence/)
}

TEST(LogDumpCorpusTest, SbatLevelIsText) {
  CCV_REQUIRE_CORPUS(corpus);
  Dumped d = DumpFile(corpus / "tcg/gce-cos-101-amd-sev.bin", LogFormat::kTcg2, JsonOf("25"));
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  rapidjson::Document j = Json(d.out);
  ASSERT_EQ(j["events"].Size(), 1u);
  const auto& e = j["events"][0];
  EXPECT_STREQ(e["event_type_name"].GetString(), "EV_EFI_VARIABLE_AUTHORITY");
  EXPECT_STREQ(e["detail"]["unicode_name"].GetString(), "SbatLevel");
  EXPECT_STREQ(e["detail"]["text"].GetString(), "sbat,1,2021030218\n");
  EXPECT_FALSE(e["detail"].HasMember("signature_owner"));  // "sbat" read as a GUID before
  EXPECT_STREQ(e["digest_check"].GetString(), "verified");

  Dumped b = DumpFile(corpus / "ccel/ovmf-grub-secureboot.bin", LogFormat::kCcel, Brief());
  ASSERT_TRUE(b.status.ok());
  EXPECT_NE(b.out.find("SbatLevel = sbat,1,2023012900\\nshim,2\\ngrub,3\\n"), std::string::npos);
}

// The DER of every X.509 entry of EFI_SIGNATURE_LISTs, read here from the
// UEFI layout (UEFI 2.10 32.4.1) independently of the code under test.
std::vector<std::vector<uint8_t>> X509Entries(Bytes value) {
  static const uint8_t kX509[16] = {0xa1, 0x59, 0xc0, 0xa5, 0xe4, 0x94, 0xa7, 0x4a,
                                    0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72};
  auto u32 = [&](size_t at) {
    return uint32_t(value[at]) | uint32_t(value[at + 1]) << 8 | uint32_t(value[at + 2]) << 16 |
           uint32_t(value[at + 3]) << 24;
  };
  std::vector<std::vector<uint8_t>> out;
  for (size_t at = 0; at + 28 <= value.size();) {
    uint32_t list_size = u32(at + 16), header = u32(at + 20), sig_size = u32(at + 24);
    if (std::equal(kX509, kX509 + 16, value.begin() + at)) {
      for (size_t s = at + 28 + header; s + sig_size <= at + list_size; s += sig_size) {
        out.emplace_back(value.begin() + s + 16, value.begin() + s + sig_size);
      }
    }
    at += list_size;
  }
  return out;
}

// Runs `openssl x509 -inform DER -noout ARGS -in DER` and returns its stdout.
std::string OpensslX509(const std::string& args, const std::string& der_path) {
  fs::path out = fs::temp_directory_path() / ("ccv_log_dump_openssl_" + std::to_string(getpid()));
  std::string cmd = "openssl x509 -inform DER -noout " + args + " -in " + testing::Quote(der_path) +
                    " > " + testing::Quote(out.string()) + " 2>/dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  Result<std::string> read = ReadFileText(out.string());
  std::string text = read.ok() ? *read : std::string();
  fs::remove(out);
  return text;
}

// "sha256 Fingerprint=48:E9:..." -> "48e9...".
std::string OpensslFingerprint(const std::string& der_path) {
  testing::CliRun r;
  r.out = OpensslX509("-fingerprint -sha256", der_path);
  std::string hex;
  for (char c : r.out.substr(r.out.find('=') + 1)) {
    if (std::isxdigit(static_cast<unsigned char>(c))) hex.push_back(char(std::tolower(c)));
  }
  return hex;
}

std::string OpensslSubject(const std::string& der_path) {
  testing::CliRun r;
  r.out = OpensslX509("-subject -nameopt RFC2253", der_path);
  std::string s = r.out.substr(r.out.find('=') + 1);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

TEST(LogDumpCorpusTest, SignatureListsNameEveryCertificateAndHash) {
  CCV_REQUIRE_CORPUS(corpus);
  Dumped d = DumpFile(corpus / "tcg/gce-sb-cert.bin", LogFormat::kTcg2, JsonOf("3-6"));
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  rapidjson::Document j = Json(d.out);
  ASSERT_EQ(j["events"].Size(), 4u);  // PK, KEK, db, dbx
  const auto& db = j["events"][2];
  ASSERT_STREQ(db["detail"]["unicode_name"].GetString(), "db");
  const auto& sigs = db["detail"]["signatures"];
  ASSERT_EQ(sigs.Size(), 4u);
  std::vector<uint8_t> value = FromHex(db["detail"]["variable_data"].GetString()).value();
  std::vector<std::vector<uint8_t>> ders = X509Entries(value);
  ASSERT_EQ(ders.size(), 4u);
  bool saw_microsoft = false;
  for (size_t i = 0; i < ders.size(); ++i) {
    fs::path der = fs::temp_directory_path() / ("ccv_log_dump_db_" + std::to_string(i) + ".der");
    std::ofstream(der, std::ios::binary)
        .write(reinterpret_cast<const char*>(ders[i].data()), std::streamsize(ders[i].size()));
    EXPECT_STREQ(sigs[i]["type"].GetString(), "x509");
    EXPECT_EQ(sigs[i]["sha256_fingerprint"].GetString(), OpensslFingerprint(der.string()));
    EXPECT_EQ(sigs[i]["subject"].GetString(), OpensslSubject(der.string()));
    EXPECT_EQ(std::string(sigs[i]["owner"].GetString()).size(), 36u);
    if (std::string(sigs[i]["subject"].GetString()) ==
        "CN=Microsoft Corporation UEFI CA 2011,O=Microsoft Corporation,L=Redmond,"
        "ST=Washington,C=US") {
      saw_microsoft = true;
      EXPECT_STREQ(sigs[i]["issuer"].GetString(),
                   "CN=Microsoft Corporation Third Party Marketplace Root,O=Microsoft "
                   "Corporation,L=Redmond,ST=Washington,C=US");
      EXPECT_STREQ(sigs[i]["sha256_fingerprint"].GetString(),
                   "48e99b991f57fc52f76149599bff0a58c47154229b9f8d603ac40d3500248507");
    }
    fs::remove(der);
  }
  EXPECT_TRUE(saw_microsoft);
  const auto& dbx = j["events"][3]["detail"];
  ASSERT_STREQ(dbx["unicode_name"].GetString(), "dbx");
  ASSERT_EQ(dbx["signatures"].Size(), 77u);
  for (const auto& s : dbx["signatures"].GetArray()) {
    EXPECT_STREQ(s["type"].GetString(), "sha256");
    EXPECT_EQ(std::string(s["hash"].GetString()).size(), 64u);
    EXPECT_FALSE(s.HasMember("error"));
  }
}

TEST(LogDumpFilterTest, RegisterTypeAndIndexKeepOnlyMatchingRecords) {
  CCV_REQUIRE_CORPUS(corpus);
  fs::path log = corpus / "tcg/gce-sb-cert.bin";
  DumpOptions all;
  all.json = true;
  rapidjson::Document j = Json(DumpFile(log, LogFormat::kTcg2, all).out);
  size_t pcr7 = 0, authority = 0;
  for (const auto& e : j["events"].GetArray()) {
    pcr7 += e["pcr_index"].GetUint() == 7;
    authority += e["event_type"].GetUint() == 0x800000e0;
  }
  ASSERT_GT(pcr7, 0u);
  ASSERT_GT(authority, 0u);

  DumpOptions o = Brief();
  o.filter = ParseDumpFilter("pcr7", std::nullopt, std::nullopt).value();
  std::vector<std::string> lines = Lines(DumpFile(log, LogFormat::kTcg2, o).out);
  EXPECT_EQ(lines.size(), pcr7);
  for (const std::string& l : lines) EXPECT_NE(l.find("  pcr7 "), std::string::npos) << l;

  for (const char* type : {"EV_EFI_VARIABLE_AUTHORITY", "0x800000e0", "2147483872"}) {
    o.filter = ParseDumpFilter(std::nullopt, std::string(type), std::nullopt).value();
    lines = Lines(DumpFile(log, LogFormat::kTcg2, o).out);
    EXPECT_EQ(lines.size(), authority) << type;
  }

  o.filter = ParseDumpFilter(std::nullopt, std::nullopt, std::string("3-5")).value();
  lines = Lines(DumpFile(log, LogFormat::kTcg2, o).out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].rfind("    3  ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[2].rfind("    5  ", 0), 0u) << lines[2];

  // JSON: only the kept events; records still counts all.
  DumpOptions oj = JsonOf("5");
  rapidjson::Document one = Json(DumpFile(log, LogFormat::kTcg2, oj).out);
  EXPECT_EQ(one["events"].Size(), 1u);
  EXPECT_EQ(one["records"].GetUint64(), j["records"].GetUint64());

  // CCEL: MR index 1 is RTMR0; IMA: template names.
  o.filter = ParseDumpFilter("rtmr0", std::nullopt, std::nullopt).value();
  lines = Lines(DumpFile(corpus / "ccel/ovmf-grub-secureboot.bin", LogFormat::kCcel, o).out);
  ASSERT_FALSE(lines.empty());
  for (const std::string& l : lines) EXPECT_NE(l.find("  rtmr0 "), std::string::npos) << l;
  o.filter = ParseDumpFilter(std::nullopt, std::string("ima-ng"), std::nullopt).value();
  fs::path ima = corpus / "ima/raspberrypi-ima-ng.ascii";
  size_t ng = Lines(DumpFile(ima, LogFormat::kImaAscii, o).out).size();
  EXPECT_EQ(ng, Lines(DumpFile(ima, LogFormat::kImaAscii, Brief()).out).size());
  o.filter = ParseDumpFilter(std::nullopt, std::string("ima-sig"), std::nullopt).value();
  EXPECT_EQ(Lines(DumpFile(ima, LogFormat::kImaAscii, o).out).size(), 0u);
}

TEST(LogDumpFilterTest, BadValuesAreRefusedWithTheOptionNamed) {
  EXPECT_NE(
      ParseDumpFilter("pcr24", std::nullopt, std::nullopt).status().message().find("--register"),
      std::string::npos);
  EXPECT_FALSE(ParseDumpFilter("rtmr4", std::nullopt, std::nullopt).ok());
  EXPECT_NE(ParseDumpFilter(std::nullopt, std::string("EV_NOPE"), std::nullopt)
                .status()
                .message()
                .find("--type"),
            std::string::npos);
  EXPECT_FALSE(ParseDumpFilter(std::nullopt, std::string("0x100000000"), std::nullopt).ok());
  for (const char* bad : {"5-3", "x", "1-", "-1", "1-2-3", ""}) {
    EXPECT_FALSE(ParseDumpFilter(std::nullopt, std::nullopt, std::string(bad)).ok()) << bad;
  }
  DumpFilter f = ParseDumpFilter(std::nullopt, std::nullopt, std::string("0x10")).value();
  EXPECT_EQ(f.first, 16u);
  EXPECT_EQ(f.last, 16u);
}

TEST(LogDumpForcedFormatTest, AFormatThatDoesNotFitFailsNamingFileAndOffset) {
  CCV_REQUIRE_CORPUS(corpus);
  fs::path bin = corpus / "ima/raspberrypi-ima-ng.bin";
  Dumped d = DumpFile(bin, LogFormat::kImaAscii, Brief());
  ASSERT_FALSE(d.status.ok());
  EXPECT_EQ(d.status.file(), bin.string());
  EXPECT_TRUE(d.status.line() || d.status.offset()) << d.status.ToString();

  fs::path agile = corpus / "tcg/gce-sb-cert.bin";
  d = DumpFile(agile, LogFormat::kTcgSha1Legacy, Brief());
  ASSERT_FALSE(d.status.ok());
  EXPECT_EQ(d.status.file(), agile.string());
  EXPECT_EQ(d.status.offset(), std::optional<uint64_t>(0));
  EXPECT_TRUE(d.out.empty());

  fs::path legacy = corpus / "tcg/linux-tpm12.bin";
  d = DumpFile(legacy, LogFormat::kTcg2, Brief());
  ASSERT_FALSE(d.status.ok());
  EXPECT_EQ(d.status.offset(), std::optional<uint64_t>(0));

  fs::path tlv = corpus / "cel/confidential-space-tdx.cel";
  d = DumpFile(tlv, LogFormat::kCelJson, Brief());
  ASSERT_FALSE(d.status.ok());
  EXPECT_EQ(d.status.file(), tlv.string());
  EXPECT_TRUE(d.status.line() || d.status.offset()) << d.status.ToString();

  // The right forced format reads as detection does.
  EXPECT_TRUE(DumpFile(bin, LogFormat::kImaBinary, Brief()).status.ok());
}

// The command line: forced formats, conversions that make no sense, --help.
TEST(DumpCliTest, FormatToAndBriefUsage) {
  CCV_REQUIRE_CORPUS(corpus);
  std::string bin = (corpus / "ima/raspberrypi-ima-ng.bin").string();
  testing::CliRun r = testing::RunCcverify("dump " + testing::Quote(bin) + " --format ima-ascii");
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find(bin), std::string::npos) << r.err;
  std::string quote = (corpus / "quotes/dcap-qvl-tdx-v4.bin").string();
  EXPECT_EQ(testing::RunCcverify("dump " + testing::Quote(quote) + " --to cel-json").code, 2);
  EXPECT_EQ(testing::RunCcverify("dump " + testing::Quote(quote) + " --brief").code, 2);
  std::string log = (corpus / "tcg/gce-sb-cert.bin").string();
  EXPECT_EQ(testing::RunCcverify("dump " + testing::Quote(log) + " --brief --json").code, 2);
  EXPECT_EQ(testing::RunCcverify("dump " + testing::Quote(log) + " --register pcr99").code, 2);
  EXPECT_EQ(testing::RunCcverify("dump " + testing::Quote(log) + " --index 9-2").code, 2);
  r = testing::RunCcverify("dump " + testing::Quote(log) + " --brief --index 5");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(Lines(r.out).size(), 1u);
  EXPECT_NE(r.out.find("db: 4 x509"), std::string::npos) << r.out;
  r = testing::RunCcverify("dump --help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("--brief"), std::string::npos);
}

}  // namespace
}  // namespace ccv::report
