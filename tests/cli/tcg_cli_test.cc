// Runs the built ccverify binary on the real corpus: `replay --json` against
// corpus/expected, `dump --json` against upstream tools' own event-level
// outputs (tpm2-tools YAML, trustee JSON), and the exit codes of docs/cli.md.
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <yaml-cpp/yaml.h>

#include "parsers/core/file_io.h"
#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"

namespace ccv {
namespace {

namespace fs = std::filesystem;

using RunResult = testing::CliRun;

RunResult RunCcverify(const std::string& args) { return testing::RunCcverify(args); }

rapidjson::Document Json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  EXPECT_FALSE(d.HasParseError()) << text.substr(0, 200);
  return d;
}

rapidjson::Document JsonFile(const fs::path& p) {
  Result<std::string> t = ReadFileText(p.string());
  EXPECT_TRUE(t.ok());
  return Json(t.ok() ? *t : "{}");
}

// (expected json, log file, format) for every TCG-family log in the corpus.
struct LogCase {
  fs::path log;
  std::string format;
  rapidjson::Document expected;
};

std::vector<LogCase> Logs(const fs::path& corpus) {
  std::vector<LogCase> out;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(corpus / "expected")) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    rapidjson::Document d = JsonFile(f);
    if (!d.IsObject() || !d.HasMember("format")) continue;
    std::string format = d["format"].GetString();
    if (format != "tcg2" && format != "tcg-sha1-legacy" && format != "ccel") continue;
    out.push_back({corpus / d["file"].GetString(), format, std::move(d)});
  }
  return out;
}

TEST(TcgCliTest, ReplayJsonGivesTheExpectedRegistersForEveryCorpusLog) {
  CCV_REQUIRE_CORPUS(corpus);
  std::vector<LogCase> logs = Logs(corpus);
  ASSERT_GE(logs.size(), 40u);
  for (LogCase& c : logs) {
    SCOPED_TRACE(c.log.string());
    RunResult r =
        RunCcverify(std::string(c.format == "ccel" ? "replay --ccel " : "replay --tpm-log ") +
                    c.log.string() + " --json");
    ASSERT_EQ(r.code, 0) << r.err;
    rapidjson::Document got = Json(r.out);
    ASSERT_TRUE(got.IsObject());
    EXPECT_TRUE(got["registers"] == c.expected["registers"]) << r.out.substr(0, 400);
    EXPECT_EQ(got["events"]["records"].GetUint64(), c.expected["records"].GetUint64());
    const auto& dc = got["digest_checks"];
    EXPECT_EQ(
        dc["verified"].GetUint64() + dc["mismatched"].GetUint64() + dc["not_checkable"].GetUint64(),
        c.expected["records"].GetUint64());
  }
}

TEST(TcgCliTest, DumpJsonListsEveryRecordOfEveryCorpusLog) {
  CCV_REQUIRE_CORPUS(corpus);
  for (LogCase& c : Logs(corpus)) {
    SCOPED_TRACE(c.log.string());
    RunResult r = RunCcverify("dump " + c.log.string() + " --json");
    ASSERT_EQ(r.code, 0) << r.err;
    rapidjson::Document got = Json(r.out);
    EXPECT_EQ(got["format"].GetString(), c.format);
    EXPECT_EQ(got["events"].Size(), c.expected["records"].GetUint64());
    EXPECT_FALSE(got.HasMember("error"));
    // Text form too: it ends with the record count.
    RunResult t = RunCcverify("dump " + c.log.string());
    EXPECT_EQ(t.code, 0) << t.err;
    EXPECT_NE(t.out.find(std::to_string(c.expected["records"].GetUint64()) + " records"),
              std::string::npos);
  }
}

TEST(TcgCliTest, InvalidCorpusFilesExitThreeNamingTheOffset) {
  CCV_REQUIRE_CORPUS(corpus);
  for (const char* f : {"tcg/invalid/empty.bin", "tcg/invalid/keylime-bogus.bin"}) {
    for (const std::string& cmd : {std::string("replay --tpm-log "), std::string("dump ")}) {
      RunResult r = RunCcverify(cmd + (corpus / f).string());
      EXPECT_EQ(r.code, 3) << f << ": " << r.err;
      EXPECT_NE(r.err.find("offset"), std::string::npos) << r.err;
      EXPECT_NE(r.err.find(f), std::string::npos) << r.err;
    }
  }
  RunResult table =
      RunCcverify("replay --ccel " + (corpus / "evidence/gcp-cos113/ccel.table.bin").string());
  EXPECT_EQ(table.code, 3);
  EXPECT_NE(table.err.find("offset 0"), std::string::npos) << table.err;
  RunResult bogus =
      RunCcverify("replay --tpm-log " + (corpus / "tcg/invalid/keylime-bogus.bin").string());
  EXPECT_NE(bogus.err.find("offset 28"), std::string::npos) << bogus.err;
}

TEST(TcgCliTest, AcpiTableDumpMatchesTheExpectedFields) {
  CCV_REQUIRE_CORPUS(corpus);
  for (const char* f : {"ccel/intel-tdvf-sample.table.bin", "evidence/gcp-cos113/ccel.table.bin"}) {
    SCOPED_TRACE(f);
    rapidjson::Document want = JsonFile(corpus / "expected" / (std::string(f) + ".json"));
    RunResult r = RunCcverify("dump " + (corpus / f).string() + " --json");
    ASSERT_EQ(r.code, 0) << r.err;
    rapidjson::Document got = Json(r.out);
    for (const char* k :
         {"format", "signature", "length", "revision", "checksum_ok", "oem_id", "oem_table_id",
          "cc_type", "cc_type_name", "cc_subtype", "laml", "lasa"}) {
      ASSERT_TRUE(got.HasMember(k)) << k;
      EXPECT_TRUE(got[k] == want[k]) << k;
    }
  }
}

// The IMA list continues from the firmware log's registers (RTMR2 after the
// CCEL on cc-api TDX); every register of the expected JSONs comes out.
TEST(TcgCliTest, ReplayChainsImaAfterTheFirmwareLogAndReadsCel) {
  CCV_REQUIRE_CORPUS(corpus);
  struct Case {
    std::string args, expected;
  } cases[] = {
      {"--ccel " + (corpus / "evidence/ccapi-td/ccel_data.bin").string() + " --ima " +
           (corpus / "evidence/ccapi-td/ascii_runtime_measurements").string(),
       "expected/evidence/ccapi-td/ascii_runtime_measurements.json"},
      {"--tpm-log " + (corpus / "tcg/ima-evm-utils-test-bios.bin").string() + " --ima " +
           (corpus / "ima/ima-evm-utils-test.ascii").string(),
       "expected/ima/ima-evm-utils-test.ascii.json"},
      {"--ima " + (corpus / "ima/raspberrypi-ima-ng.bin").string(),
       "expected/ima/raspberrypi-ima-ng.bin.json"},
      {"--cel " + (corpus / "cel/confidential-space-tdx.cel").string(),
       "expected/cel/confidential-space-tdx.cel.json"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args);
    RunResult r = RunCcverify("replay " + c.args + " --json");
    ASSERT_EQ(r.code, 0) << r.err;
    rapidjson::Document got = Json(r.out);
    rapidjson::Document want = JsonFile(corpus / c.expected);
    for (auto it = want["registers"].MemberBegin(); it != want["registers"].MemberEnd(); ++it) {
      ASSERT_TRUE(got["registers"].HasMember(it->name)) << it->name.GetString();
      EXPECT_TRUE(got["registers"][it->name] == it->value) << it->name.GetString();
    }
  }
}

TEST(TcgCliTest, UsageErrorsExitTwo) {
  ::ccv::testing::ExpectExitCode(2, {"replay", "replay --no-such-flag", "dump", "dump a b"});
}

TEST(TcgCliTest, MissingFileExitsThreeNamingTheFile) {
  RunResult r = RunCcverify("replay --ccel /nonexistent/ccel.bin");
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("/nonexistent/ccel.bin"), std::string::npos);
  EXPECT_EQ(RunCcverify("dump /nonexistent/x.bin").code, 3);
}

// tpm2-tools' own YAML output (upstream test fixtures): per record the PCR,
// event type name and digests; for UEFI variables the name and GUID.
TEST(TcgCliTest, DumpAgreesWithTpm2ToolsYamlRecordByRecord) {
  CCV_REQUIRE_CORPUS(corpus);
  int compared = 0;
  for (const auto& e : fs::directory_iterator(corpus / "upstream/tpm2-tools")) {
    std::string name = e.path().filename().string();
    std::string log = name.substr(0, name.size() - 5);  // strip ".yaml"
    fs::path log_path = corpus / "tcg" / log;
    if (!fs::exists(log_path)) continue;
    SCOPED_TRACE(name);
    YAML::Node y = YAML::LoadFile(e.path().string());
    // The SHA1-legacy fixture prints its events as one map with repeated keys.
    if (!y["events"] || !y["events"].IsSequence()) continue;
    RunResult r = RunCcverify("dump " + log_path.string() + " --json");
    ASSERT_EQ(r.code, 0);
    rapidjson::Document got = Json(r.out);
    const auto& events = got["events"];
    ASSERT_EQ(events.Size(), y["events"].size());
    for (size_t i = 0; i < y["events"].size(); ++i) {
      const YAML::Node& ye = y["events"][i];
      const auto& ge = events[rapidjson::SizeType(i)];
      EXPECT_EQ(ge["pcr_index"].GetUint(), ye["PCRIndex"].as<uint32_t>()) << i;
      EXPECT_EQ(std::string(ge["event_type_name"].GetString()), ye["EventType"].as<std::string>())
          << i;
      if (ye["Digests"]) {
        ASSERT_EQ(ge["digests"].Size(), ye["Digests"].size()) << i;
        for (size_t j = 0; j < ye["Digests"].size(); ++j) {
          EXPECT_EQ(std::string(ge["digests"][rapidjson::SizeType(j)]["alg"].GetString()),
                    ye["Digests"][j]["AlgorithmId"].as<std::string>());
          EXPECT_EQ(std::string(ge["digests"][rapidjson::SizeType(j)]["digest"].GetString()),
                    ye["Digests"][j]["Digest"].as<std::string>());
        }
      }
      EXPECT_EQ(ge["event_size"].GetUint(), ye["EventSize"].as<uint32_t>()) << i;
      const YAML::Node& ev = ye["Event"];
      if (ev && ev.IsMap() && ev["UnicodeName"]) {
        ASSERT_TRUE(ge["detail"].HasMember("unicode_name")) << i << " " << r.out.substr(0, 0);
        EXPECT_EQ(std::string(ge["detail"]["unicode_name"].GetString()),
                  ev["UnicodeName"].as<std::string>())
            << i;
        std::string guid = ge["detail"]["variable_name"].GetString();
        EXPECT_EQ(guid.substr(0, 36), ev["VariableName"].as<std::string>()) << i;
      }
      if (ev && ev.IsMap() && ev["BlobBase"]) {
        ASSERT_TRUE(ge["detail"].HasMember("blob_base"))
            << i << " " << ye["EventType"].as<std::string>();
        EXPECT_EQ(std::stoull(ge["detail"]["blob_base"].GetString(), nullptr, 16),
                  std::stoull(ev["BlobBase"].as<std::string>(), nullptr, 16))
            << i;
      }
      ++compared;
    }
  }
  EXPECT_GE(compared, 400);
}

// trustee's parsed CCEL output: record by record the type name, the digest
// and digest_matches_event, which hashes the whole event data. Our check
// follows the spec (EV_EFI_VARIABLE_BOOT covers VariableData only), so the
// two agree wherever both define a check over the whole data.
TEST(TcgCliTest, DumpAgreesWithTrusteeEventsAndDigestMatches) {
  CCV_REQUIRE_CORPUS(corpus);
  int checked = 0, decoded = 0;
  for (const char* name :
       {"ovmf-direct-boot.bin", "ovmf-grub-secureboot.bin", "td-shim-zero-padded.bin"}) {
    SCOPED_TRACE(name);
    rapidjson::Document want =
        JsonFile(corpus / "upstream/trustee" / (std::string(name) + ".out.json"));
    RunResult r = RunCcverify("dump " + (corpus / "ccel" / name).string() + " --json");
    ASSERT_EQ(r.code, 0);
    rapidjson::Document got = Json(r.out);
    const auto& tl = want["uefi_event_logs"];
    const auto& ge = got["events"];
    ASSERT_EQ(ge.Size(), tl.Size() + 1);  // trustee leaves out the Spec ID header
    for (rapidjson::SizeType i = 0; i < tl.Size(); ++i) {
      const auto& t = tl[i];
      const auto& g = ge[i + 1];
      std::string type = g["event_type_name"].GetString();
      EXPECT_EQ(type, t["type_name"].GetString()) << i;
      EXPECT_EQ(g["mr_index"].GetUint(), t["index"].GetUint()) << i;
      EXPECT_EQ(std::string(g["digests"][0]["digest"].GetString()),
                t["digests"][0]["digest"].GetString())
          << i;
      // Decoded data: strings, descriptions, variable names, disk partitions.
      const auto& td = t["details"];
      const auto& gd = g["detail"];
      auto lower = [](std::string x) {
        for (char& c : x) c = char(std::tolower(static_cast<unsigned char>(c)));
        return x;
      };
      if (td.HasMember("string") && !std::string(td["string"].GetString()).empty()) {
        std::string want_s = td["string"].GetString();
        std::string got_s = gd.HasMember("string")             ? gd["string"].GetString()
                            : gd.HasMember("blob_description") ? gd["blob_description"].GetString()
                            : gd.HasMember("table_description")
                                ? gd["table_description"].GetString()
                                : "";
        if (gd.HasMember("descriptor")) {  // td-shim platform config: trustee joins the parts
          got_s = std::string(gd["descriptor"].GetString()) + " " + gd["info"].GetString();
        }
        EXPECT_EQ(got_s, want_s) << i << " " << type;
        ++decoded;
      }
      if (td.HasMember("unicode_name")) {
        EXPECT_EQ(std::string(gd["unicode_name"].GetString()), td["unicode_name"].GetString()) << i;
        EXPECT_EQ(gd["variable_data_length"].GetUint64(), td["variable_data_length"].GetUint64())
            << i;
        ++decoded;
      }
      if (td.HasMember("device_paths")) {
        std::string ours = lower(gd["device_path"].GetString());
        for (const auto& node : td["device_paths"].GetArray()) {
          std::string n = node.GetString();
          if (n.rfind("HD(", 0) == 0) {
            EXPECT_NE(ours.find(lower(n)), std::string::npos) << i << " " << n << " in " << ours;
            ++decoded;
          }
        }
      }
      bool whole_data = type == "EV_SEPARATOR" || type == "EV_EFI_ACTION" ||
                        type == "EV_EFI_VARIABLE_DRIVER_CONFIG" ||
                        type == "EV_EFI_VARIABLE_AUTHORITY" || type == "EV_EFI_GPT_EVENT";
      if (whole_data) {
        EXPECT_EQ(std::string(g["digest_check"].GetString()) == "verified",
                  t["digest_matches_event"].GetBool())
            << i << " " << type;
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 20);
  EXPECT_GE(decoded, 40);
}

// tpm2_eventlog (Debian's tpm2-tools 5.4) replays our synthetic crypto-agile
// logs independently. It does not apply StartupLocality to PCR0 (the corpus
// notes the same difference), so PCR0 is compared only without it.
TEST(TcgCliTest, SyntheticLogsAgreeWithTpm2Eventlog) {
  if (!fs::exists("/usr/bin/tpm2_eventlog")) GTEST_SKIP() << "tpm2_eventlog not installed";
  fs::path root = testing::SourceDir() / "corpus";
  int compared = 0;
  for (const char* name :
       {"synthetic-agile-3banks-locality3.bin", "synthetic-agile-sha512-sm3.bin"}) {
    SCOPED_TRACE(name);
    rapidjson::Document want = JsonFile(root / "expected/tcg" / (std::string(name) + ".json"));
    std::string cmd = "/usr/bin/tpm2_eventlog " + (root / "tcg" / name).string() + " 2>/dev/null";
    FILE* p = ::popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[65536];
    size_t got;
    while ((got = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, got);
    ASSERT_EQ(::pclose(p), 0);
    YAML::Node pcrs = YAML::Load(out)["pcrs"];
    ASSERT_TRUE(pcrs.IsMap());
    bool locality =
        std::string(want["source"].GetString()).find("startup-locality") != std::string::npos;
    for (auto bank = pcrs.begin(); bank != pcrs.end(); ++bank) {
      std::string alg = bank->first.as<std::string>();
      for (auto reg = bank->second.begin(); reg != bank->second.end(); ++reg) {
        std::string pcr = "pcr" + reg->first.as<std::string>();
        if (locality && pcr == "pcr0") continue;
        std::string value = reg->second.as<std::string>().substr(2);  // "0x..."
        ASSERT_TRUE(want["registers"].HasMember(pcr.c_str())) << pcr;
        EXPECT_EQ(value, want["registers"][pcr.c_str()][alg.c_str()].GetString())
            << pcr << "." << alg;
        ++compared;
      }
    }
  }
  EXPECT_GE(compared, 20);
}

}  // namespace
}  // namespace ccv
