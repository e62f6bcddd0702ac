// libFuzzer harness: YAML policies (strict mode and lint mode).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "policies/policy_parser.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = ccv::fuzz::AsText(data, size);
  // `ima.allow.file` names a file that is read: relative names resolve into
  // a directory that does not exist; device and pseudo files (which may block
  // or never end) are kept out of the harness.
  for (std::string_view special : {"/dev", "/proc", "/sys", "/run"}) {
    if (text.find(special) != std::string_view::npos) return 0;
  }
  ccv::policy::ParseOptions strict;
  strict.base_dir = "/nonexistent-ccverify-fuzz";
  auto p = ccv::policy::ParsePolicy(text, strict);
  if (!p.ok()) ccv::fuzz::CheckParseStatus(p.status());

  std::vector<ccv::policy::UnknownKey> unknown;
  ccv::policy::ParseOptions lint = strict;
  lint.out_unknown_keys = &unknown;
  auto q = ccv::policy::ParsePolicy(text, lint);
  if (!q.ok()) ccv::fuzz::CheckParseStatus(q.status());
  // Lint mode accepts everything strict mode accepts.
  if (p.ok()) CCV_FUZZ_CHECK(q.ok() && unknown.empty());
  return 0;
}
