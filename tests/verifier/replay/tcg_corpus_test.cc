// Replays every TCG / CCEL log of the shared corpus and compares registers and
// record counts with corpus/expected/*.json (values cross-checked there
// against upstream tools, TPM quotes and signed TDX quotes).
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/ccel.h"
#include "parsers/chunked_source.h"
#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/log_detect.h"
#include "parsers/tcg_event_log.h"
#include "tests/testing/corpus.h"
#include "tests/testing/sliced_source.h"
#include "verifier/replay/tcg_replay.h"

namespace ccv::replay {
namespace {

namespace fs = std::filesystem;

struct Case {
  fs::path log;
  rapidjson::Document expected;
};

std::vector<fs::path> ExpectedFiles(const fs::path& corpus) {
  std::vector<fs::path> out;
  for (const char* dir : {"expected/tcg", "expected/ccel", "expected/evidence"}) {
    for (const auto& e : fs::recursive_directory_iterator(corpus / dir)) {
      if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

rapidjson::Document LoadJson(const fs::path& p) {
  rapidjson::Document d;
  Result<std::string> text = ReadFileText(p.string());
  EXPECT_TRUE(text.ok()) << p;
  if (text.ok()) d.Parse(text->c_str());
  EXPECT_FALSE(d.HasParseError()) << p;
  return d;
}

void ExpectRegisters(const rapidjson::Value& want, const RegisterSet& got,
                     const std::string& what) {
  size_t want_regs = 0;
  for (auto it = want.MemberBegin(); it != want.MemberEnd(); ++it) {
    ++want_regs;
    Result<RegisterId> parsed = RegisterId::Parse(it->name.GetString());
    ASSERT_TRUE(parsed.ok()) << what << " " << it->name.GetString();
    const RegisterId reg = *parsed;
    for (auto bt = it->value.MemberBegin(); bt != it->value.MemberEnd(); ++bt) {
      std::optional<HashAlg> alg = HashAlgFromName(bt->name.GetString());
      ASSERT_TRUE(alg.has_value()) << what << " " << bt->name.GetString();
      std::optional<Digest> d = got.Get(reg, *alg);
      ASSERT_TRUE(d.has_value()) << what << ": missing " << reg.Name() << "." << HashAlgName(*alg);
      EXPECT_EQ(ToHex(d->span()), bt->value.GetString())
          << what << ": " << reg.Name() << "." << HashAlgName(*alg);
    }
    EXPECT_EQ(got.registers().count(reg) ? got.registers().at(reg).size() : 0,
              it->value.MemberCount())
        << what << ": banks of " << reg.Name();
  }
  EXPECT_EQ(got.registers().size(), want_regs) << what << ": register count";
}

TEST(TcgCorpusTest, EveryLogReplaysToTheExpectedRegisters) {
  CCV_REQUIRE_CORPUS(corpus);
  int logs = 0, invalid = 0, tables = 0;
  for (const fs::path& json : ExpectedFiles(corpus)) {
    rapidjson::Document want = LoadJson(json);
    if (!want.IsObject() || !want.HasMember("file")) continue;
    std::string rel = want["file"].GetString();
    std::string format = want.HasMember("format") ? want["format"].GetString() : "";
    bool is_invalid = want.HasMember("valid") && !want["valid"].GetBool();
    if (!is_invalid && format != "tcg2" && format != "tcg-sha1-legacy" && format != "ccel" &&
        format != "ccel-acpi-table") {
      continue;
    }
    SCOPED_TRACE(rel);
    Result<std::vector<uint8_t>> bytes = ReadFileBytes((corpus / rel).string());
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    Bytes data(*bytes);
    if (is_invalid) {
      ++invalid;
      parsers::ChunkedSource src(data);
      Result<TcgReplayResult> r = ReplayTcgLog(&src, RegisterSpace::kTpmPcr);
      ASSERT_FALSE(r.ok());
      EXPECT_TRUE(r.status().offset().has_value()) << r.status().ToString();
      EXPECT_EQ(r.status().code(), ErrorCode::kTruncated) << r.status().ToString();
      continue;
    }
    // Format detection agrees with the manifest.
    EXPECT_EQ(parsers::LogFormatName(parsers::DetectFormat(
                  data.first(std::min(data.size(), parsers::kDetectPrefixLen)), data.size())),
              format);
    if (format == "ccel-acpi-table") {
      ++tables;
      Result<parsers::CcelAcpiTable> t = parsers::ParseCcelAcpiTable(data);
      ASSERT_TRUE(t.ok()) << t.status().ToString();
      EXPECT_EQ(t->length, want["length"].GetUint());
      EXPECT_EQ(t->revision, want["revision"].GetUint());
      EXPECT_EQ(t->cc_type, want["cc_type"].GetUint());
      EXPECT_EQ(parsers::CcTypeName(t->cc_type), want["cc_type_name"].GetString());
      EXPECT_EQ(t->cc_subtype, want["cc_subtype"].GetUint());
      EXPECT_EQ(t->laml, want["laml"].GetUint64());
      char lasa[32];
      std::snprintf(lasa, sizeof(lasa), "0x%llx", static_cast<unsigned long long>(t->lasa));
      EXPECT_EQ(std::string(lasa), want["lasa"].GetString());
      EXPECT_EQ(parsers::AcpiIdText(t->oem_id), want["oem_id"].GetString());
      EXPECT_EQ(parsers::AcpiIdText(t->oem_table_id), want["oem_table_id"].GetString());
      // The log area it describes is LAML bytes long.
      if (want.HasMember("log_file")) {
        Result<std::vector<uint8_t>> log =
            ReadFileBytes((corpus / want["log_file"].GetString()).string());
        ASSERT_TRUE(log.ok());
        EXPECT_EQ(log->size(), t->laml);
      }
      continue;
    }
    ++logs;
    RegisterSpace space = format == "ccel" ? RegisterSpace::kCcMr : RegisterSpace::kTpmPcr;
    // In memory.
    parsers::ChunkedSource mem(data);
    Result<TcgReplayResult> r = ReplayTcgLog(&mem, space);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->counts.records, want["records"].GetUint64());
    EXPECT_EQ(r->format == parsers::TcgLogFormat::kSha1, format == "tcg-sha1-legacy");
    ExpectRegisters(want["registers"], r->registers, rel + " (memory)");
    // Streamed in odd-sized reads: the same answer.
    testing::SlicedSource dribble(data, 4093, /*size_hint=*/false);
    parsers::ChunkedSource stream(&dribble, 4096);
    Result<TcgReplayResult> s = ReplayTcgLog(&stream, space);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(s->counts.records, r->counts.records);
    ExpectRegisters(want["registers"], s->registers, rel + " (stream)");
  }
  EXPECT_GE(logs, 40);
  EXPECT_EQ(invalid, 2);
  EXPECT_EQ(tables, 2);
}

// Our own synthetic logs (corpus/, written by benchmarks/gen/ccv-gen-tcg with
// register values from the generator's own extend loop).
TEST(TcgCorpusTest, SyntheticLogsReplayToTheGeneratorsRegisters) {
  fs::path root = testing::SourceDir() / "corpus";
  int n = 0;
  for (const char* dir : {"expected/tcg", "expected/ccel"}) {
    if (!fs::is_directory(root / dir)) continue;
    for (const auto& entry : fs::directory_iterator(root / dir)) {
      rapidjson::Document want = LoadJson(entry.path());
      std::string rel = want["file"].GetString();
      std::string format = want["format"].GetString();
      SCOPED_TRACE(rel);
      Result<std::vector<uint8_t>> bytes = ReadFileBytes((root / rel).string());
      ASSERT_TRUE(bytes.ok());
      Bytes data(*bytes);
      EXPECT_EQ(parsers::LogFormatName(parsers::DetectFormat(
                    data.first(std::min(data.size(), parsers::kDetectPrefixLen)), data.size())),
                format);
      testing::SlicedSource dribble(data, 1000, /*size_hint=*/false);
      parsers::ChunkedSource src(&dribble, 4096);
      Result<TcgReplayResult> r =
          ReplayTcgLog(&src, format == "ccel" ? RegisterSpace::kCcMr : RegisterSpace::kTpmPcr);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ(r->counts.records, want["records"].GetUint64());
      ExpectRegisters(want["registers"], r->registers, rel);
      EXPECT_EQ(r->digest_checks.verified, want["digest_checks"]["verified"].GetUint64());
      EXPECT_EQ(r->digest_checks.mismatched, want["digest_checks"]["mismatched"].GetUint64());
      EXPECT_EQ(r->digest_checks.not_checkable, want["digest_checks"]["not_checkable"].GetUint64());
      EXPECT_EQ(r->end_offset, want["log_end"].GetUint64());
      ++n;
    }
  }
  EXPECT_GE(n, 8);
}

}  // namespace
}  // namespace ccv::replay
