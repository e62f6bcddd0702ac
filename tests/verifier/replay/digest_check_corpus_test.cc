// Every genuine TCG / CCEL log of the shared corpus (found by globbing tcg/,
// ccel/, evidence/*/ and tpm/*/ and detecting the format; tcg/invalid/ is not
// searched): no event digest is an unexplained mismatch, and the conventions
// that explain the logs that used to mismatch are the expected ones.
#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/chunked_source.h"
#include "parsers/core/file_io.h"
#include "parsers/event_types.h"
#include "parsers/log_detect.h"
#include "parsers/tcg_event_log.h"
#include "tests/testing/corpus.h"
#include "verifier/replay/digest_check.h"

namespace ccv::replay {
namespace {

namespace fs = std::filesystem;

struct LogCheck {
  size_t verified = 0, mismatched = 0, not_checkable = 0;
  size_t separators = 0, separators_verified = 0;
  size_t grub_strings = 0, grub_strings_verified = 0;
  // (event type name, convention) -> verified events.
  std::map<std::pair<std::string, std::string>, size_t> conventions;
  std::vector<std::string> mismatches;  // "record N TYPE"
};

std::vector<std::pair<std::string, parsers::LogFormat>> GenuineLogs(const fs::path& corpus) {
  std::vector<fs::path> dirs = {corpus / "tcg", corpus / "ccel"};
  for (const char* parent : {"evidence", "tpm"}) {
    if (!fs::is_directory(corpus / parent)) continue;
    for (const auto& d : fs::directory_iterator(corpus / parent)) {
      if (d.is_directory()) dirs.push_back(d.path());
    }
  }
  std::vector<std::pair<std::string, parsers::LogFormat>> out;
  for (const fs::path& dir : dirs) {
    if (!fs::is_directory(dir)) continue;
    for (const auto& f : fs::directory_iterator(dir)) {
      if (!f.is_regular_file() || f.path().extension() != ".bin") continue;
      Result<std::vector<uint8_t>> bytes = ReadFileBytes(f.path().string());
      if (!bytes.ok()) continue;
      Bytes b(*bytes);
      parsers::LogFormat fmt =
          parsers::DetectFormat(b.first(std::min(b.size(), parsers::kDetectPrefixLen)), b.size());
      if (fmt != parsers::LogFormat::kTcg2 && fmt != parsers::LogFormat::kTcgSha1Legacy &&
          fmt != parsers::LogFormat::kCcel) {
        continue;
      }
      out.push_back({fs::relative(f.path(), corpus).generic_string(), fmt});
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

LogCheck CheckLog(const fs::path& path, parsers::LogFormat fmt) {
  LogCheck r;
  Result<std::vector<uint8_t>> bytes = ReadFileBytes(path.string());
  EXPECT_TRUE(bytes.ok());
  if (!bytes.ok()) return r;
  parsers::ChunkedSource src{Bytes(*bytes)};
  parsers::TcgEventReader reader(&src,
                                 parsers::TcgReadOptions{.ccel = fmt == parsers::LogFormat::kCcel});
  BankHashers hashers;
  while (true) {
    Result<const parsers::TcgEvent*> next = reader.Next();
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    if (!next.ok() || *next == nullptr) break;
    const parsers::TcgEvent& e = **next;
    EventDataCheck c = CheckEventData(hashers, e);
    char buf[32];
    std::string type(parsers::EventTypeLabel(e.untrusted_type, buf));
    bool grub = e.untrusted_type == parsers::kEvIpl &&
                (std::string(e.data.begin(), e.data.end()).rfind("grub_cmd", 0) == 0 ||
                 std::string(e.data.begin(), e.data.end()).rfind("kernel_cmdline: ", 0) == 0);
    r.grub_strings += grub;
    if (e.untrusted_type == parsers::kEvSeparator) ++r.separators;
    switch (c.status) {
      case DigestCheck::kVerified:
        ++r.verified;
        ++r.conventions[{type, std::string(DigestConventionName(c.convention))}];
        if (e.untrusted_type == parsers::kEvSeparator) ++r.separators_verified;
        r.grub_strings_verified += grub;
        break;
      case DigestCheck::kMismatched:
        ++r.mismatched;
        r.mismatches.push_back("record " + std::to_string(e.record) + " " + type);
        break;
      case DigestCheck::kNotCheckable:
        ++r.not_checkable;
        break;
    }
  }
  return r;
}

using Expect = std::map<std::pair<std::string, std::string>, size_t>;

// Logs whose digests the PFP convention alone left unexplained, and what
// explains them now: (type, convention) -> verified events (exact).
const std::map<std::string, Expect>& KnownConventions() {
  static const std::map<std::string, Expect> m = {
      {"tcg/arch-linux-workstation.bin",
       {{{"EV_EFI_VARIABLE_BOOT", "pfp"}, 4}, {{"EV_IPL", "systemd_utf16_short_nul"}, 1}}},
      {"tcg/tpm2-tools-arch-linux.bin",
       {{{"EV_EFI_VARIABLE_BOOT", "pfp"}, 4}, {{"EV_IPL", "systemd_utf16_short_nul"}, 1}}},
      {"tcg/crypto-agile-sha256-only.bin", {{{"EV_EFI_VARIABLE_BOOT", "pfp"}, 7}}},
      {"tcg/glinux-workstation-locality3.bin", {{{"EV_EFI_VARIABLE_BOOT", "pfp"}, 6}}},
      {"tcg/ubuntu-secureboot-tcglog-parser.bin",
       {{{"EV_EFI_VARIABLE_BOOT", "pfp"}, 4}, {{"EV_IPL", "grub_string"}, 65}}},
      {"tcg/gce-cos-85-amd-sev.bin",
       {{{"EV_EFI_VARIABLE_AUTHORITY", "shim_extra_byte"}, 2},
        {{"EV_EFI_VARIABLE_BOOT", "variable_data_only"}, 3},
        {{"EV_IPL", "grub_string"}, 15}}},
      {"tcg/gce-cos-93-amd-sev.bin", {{{"EV_EFI_VARIABLE_AUTHORITY", "shim_extra_byte"}, 2}}},
      {"tpm/gce-cos-85/event_log.bin", {{{"EV_EFI_VARIABLE_AUTHORITY", "shim_extra_byte"}, 2}}},
      {"tcg/gce-debian-10.bin", {{{"EV_EFI_VARIABLE_AUTHORITY", "shim_extra_byte"}, 1}}},
      {"tcg/gce-sb-cert.bin", {{{"EV_EFI_VARIABLE_AUTHORITY", "shim_extra_byte"}, 2}}},
      {"tcg/ima-evm-utils-test-bios.bin",
       {{{"EV_EFI_VARIABLE_AUTHORITY", "shim_extra_byte"}, 2},
        {{"EV_EFI_VARIABLE_BOOT", "variable_data_only"}, 13}}},
      {"tcg/linux-tpm12.bin",
       {{{"EV_EFI_VARIABLE_DRIVER_CONFIG", "variable_data_only"}, 5},
        {{"EV_EFI_VARIABLE_BOOT", "variable_data_only"}, 13}}},
      {"tcg/tpm2-tools-postcode.bin",
       {{{"EV_EFI_VARIABLE_BOOT", "pfp"}, 17},
        {{"EV_EFI_VARIABLE_AUTHORITY", "shim_extra_byte"}, 2},
        {{"EV_IPL", "grub_string"}, 12}}},
      // Text conventions.
      {"tcg/gce-rhel8-uefi.bin",
       {{{"EV_IPL", "grub_string_nul"}, 49}, {{"EV_IPL", "grub_string"}, 1}}},
      {"tcg/tpm2-tools-sd-boot-fedora37.bin", {{{"EV_IPL", "systemd_utf16"}, 2}}},
      {"ccel/td-shim-zero-padded.bin", {{{"EV_PLATFORM_CONFIG_FLAGS", "td_shim_config_info"}, 2}}},
  };
  return m;
}

TEST(DigestCheckCorpusTest, EveryGenuineLogHasNoUnexplainedMismatch) {
  CCV_REQUIRE_CORPUS(corpus);
  auto logs = GenuineLogs(corpus);
  ASSERT_GE(logs.size(), 40u) << "expected the corpus's TCG and CCEL logs";
  size_t known_seen = 0, verified = 0;
  for (const auto& [rel, fmt] : logs) {
    SCOPED_TRACE(rel);
    LogCheck r = CheckLog(corpus / rel, fmt);
    // No genuine event is left unexplained (no firmware bug to list here:
    // every corpus event matches a convention or is not a data hash).
    EXPECT_EQ(r.mismatched, 0u) << (r.mismatches.empty() ? "" : r.mismatches.front());
    EXPECT_EQ(r.separators_verified, r.separators);
    EXPECT_EQ(r.grub_strings_verified, r.grub_strings);
    verified += r.verified;
    auto it = KnownConventions().find(rel);
    if (it == KnownConventions().end()) continue;
    ++known_seen;
    for (const auto& [key, n] : it->second) {
      auto got = r.conventions.find(key);
      EXPECT_EQ(got == r.conventions.end() ? 0 : got->second, n) << key.first << " " << key.second;
    }
  }
  EXPECT_EQ(known_seen, KnownConventions().size());
  EXPECT_GE(verified, 1600u);  // 1649 with the corpus of 2026-12
}

}  // namespace
}  // namespace ccv::replay
