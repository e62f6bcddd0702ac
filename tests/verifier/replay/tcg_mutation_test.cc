// Robustness: thousands of corrupted and truncated variants of our synthetic
// logs go through parsing, event decoding and replay. Nothing may crash (the
// sanitizer build runs this too), every error must carry an offset inside the
// input, and a truncated log must fail at or before its cut.
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/chunked_source.h"
#include "parsers/core/file_io.h"
#include "parsers/tcg_event_log.h"
#include "tests/testing/corpus.h"
#include "verifier/replay/tcg_replay.h"
#include "verifier/report/event_detail.h"

namespace ccv::replay {
namespace {

namespace fs = std::filesystem;

// Parses, decodes every record and replays; returns the status.
Status Exercise(Bytes data, RegisterSpace space) {
  parsers::ChunkedSource src(data);
  parsers::TcgEventReader reader(&src,
                                 parsers::TcgReadOptions{.ccel = space == RegisterSpace::kCcMr});
  TcgReplay replay(space);
  while (true) {
    Result<const parsers::TcgEvent*> e = reader.Next();
    if (!e.ok()) return e.status();
    if (*e == nullptr) break;
    report::EventDetail d =
        report::DescribeEventData((*e)->untrusted_type, (*e)->data, (*e)->data_offset);
    (void)d;
    Result<DigestCheck> c = replay.Feed(**e);
    if (!c.ok()) return c.status();
  }
  (void)replay.Registers();
  return Status::Ok();
}

TEST(TcgMutationTest, CorruptedAndTruncatedLogsFailCleanly) {
  fs::path root = testing::SourceDir() / "corpus";
  std::vector<std::pair<fs::path, RegisterSpace>> logs = {
      {root / "tcg/synthetic-agile-3banks-locality3.bin", RegisterSpace::kTpmPcr},
      {root / "tcg/synthetic-sha1-legacy.bin", RegisterSpace::kTpmPcr},
      {root / "tcg/synthetic-agile-sha256-unknown-alg.bin", RegisterSpace::kTpmPcr},
      {root / "ccel/synthetic-ccel-unpadded.bin", RegisterSpace::kCcMr},
  };
  std::mt19937_64 rng(20261128);
  int failures = 0, runs = 0;
  for (const auto& [path, space] : logs) {
    Result<std::vector<uint8_t>> bytes = ReadFileBytes(path.string());
    ASSERT_TRUE(bytes.ok()) << path;
    const std::vector<uint8_t>& orig = *bytes;
    ASSERT_TRUE(Exercise(orig, space).ok()) << path;
    for (int i = 0; i < 600; ++i) {
      std::vector<uint8_t> m = orig;
      bool truncated = false;
      size_t cut = m.size();
      switch (rng() % 4) {
        case 0:  // flip a few bytes
          for (int k = 0; k < 1 + int(rng() % 4); ++k)
            m[rng() % m.size()] ^= uint8_t(1 + rng() % 255);
          break;
        case 1:  // overwrite a u32 with an extreme value
          if (m.size() > 4) {
            size_t at = rng() % (m.size() - 4);
            uint32_t v = rng() % 2 ? 0xFFFFFFFFu : uint32_t(rng() % 64);
            for (int k = 0; k < 4; ++k) m[at + k] = uint8_t(v >> (8 * k));
          }
          break;
        case 2:  // truncate
          cut = rng() % m.size();
          m.resize(cut);
          truncated = true;
          break;
        default:  // truncate and corrupt
          cut = 1 + rng() % (m.size() - 1);
          m.resize(cut);
          m[rng() % m.size()] ^= 0x80;
          break;
      }
      ++runs;
      Status s = Exercise(m, space);
      if (s.ok()) continue;
      ++failures;
      ASSERT_TRUE(s.offset().has_value()) << s.ToString();
      EXPECT_LE(*s.offset(), m.size()) << s.ToString();
      if (truncated) {
        EXPECT_LE(*s.offset(), cut) << s.ToString();
      }
    }
  }
  EXPECT_GT(failures, runs / 4);  // the corruptions do get noticed
}

}  // namespace
}  // namespace ccv::replay
