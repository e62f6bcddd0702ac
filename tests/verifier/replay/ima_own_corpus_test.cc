// Our synthetic IMA samples in corpus/ima/{valid,invalid}: each with a sidecar
// (valid: expected registers from the generator's own loop; invalid: the
// error code and offset or line, derived by walking the format by hand).
#include <gtest/gtest.h>

#include "parsers/core/file_io.h"
#include "tests/testing/corpus.h"
#include "tests/verifier/replay/ima_test_util.h"
#include "verifier/replay/ima_replay.h"
#include "verifier/replay/ima_replay_file.h"

namespace ccv::replay {
namespace {

namespace fs = std::filesystem;

fs::path Dir() { return testing::SourceDir() / "corpus/ima"; }

TEST(ImaOwnCorpusTest, ValidSamplesReplayToTheGeneratorsRegistersInBothForms) {
  int checked = 0;
  for (const auto& e : fs::directory_iterator(Dir() / "valid")) {
    std::string p = e.path().string();
    if (p.size() < 14 || p.substr(p.size() - 14) != ".expected.json") continue;
    std::string prefix = p.substr(0, p.size() - 14);
    auto exp = testing::LoadJson(p);
    ImaReplayOptions opt;
    Result<RegisterId> reg = RegisterId::Parse(exp["register"].GetString());
    ASSERT_TRUE(reg.ok()) << p;
    opt.register_kind = reg->kind;
    RegisterSet want = testing::RegistersFromJson(exp["registers"]);
    for (const char* ext : {".ascii", ".bin"}) {
      SCOPED_TRACE(prefix + ext);
      auto r = ReplayImaFile(prefix + ext, {}, opt);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ(r->entries, uint64_t(exp["entries"].GetInt()));
      EXPECT_EQ(r->violations, uint64_t(exp["violations"].GetInt()));
      EXPECT_EQ(r->hashes_mismatched, 0u);
      for (const auto& [name, banks] : want.registers()) {
        for (const auto& [alg, d] : banks) {
          EXPECT_EQ(testing::HexOf(r->registers, name, alg), ToHex(d.span()));
        }
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 4);
}

TEST(ImaOwnCorpusTest, InvalidSamplesFailWhereTheSidecarSays) {
  int checked = 0;
  for (const auto& e : fs::directory_iterator(Dir() / "invalid")) {
    std::string p = e.path().string();
    if (e.path().extension() != ".json") continue;
    auto exp = testing::LoadJson(p);
    std::string file = (Dir() / exp["file"].GetString()).string();
    SCOPED_TRACE(file);
    auto r = ReplayImaFile(file, {}, {});
    ++checked;
    if (exp["valid"].GetBool()) {
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      const auto& mm = exp["template_hash_mismatches"];
      ASSERT_EQ(r->hashes_mismatched, mm.Size());
      for (rapidjson::SizeType i = 0; i < mm.Size(); ++i) {
        EXPECT_EQ(r->findings[i].index, uint64_t(mm[i].GetInt()));
      }
      continue;
    }
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(ErrorCodeName(r.status().code()), exp["code"].GetString()) << r.status().ToString();
    if (exp.HasMember("offset")) {
      EXPECT_EQ(r.status().offset(), uint64_t(exp["offset"].GetInt())) << r.status().ToString();
    }
    if (exp.HasMember("line")) {
      EXPECT_EQ(r.status().line(), uint64_t(exp["line"].GetInt())) << r.status().ToString();
      EXPECT_EQ(r.status().column(), uint64_t(exp["column"].GetInt())) << r.status().ToString();
    }
    EXPECT_EQ(r.status().file(), file);
  }
  EXPECT_GE(checked, 3);
}

}  // namespace
}  // namespace ccv::replay
