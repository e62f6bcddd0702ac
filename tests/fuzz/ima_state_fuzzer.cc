// libFuzzer harness: an IMA state file (verify --ima-state). The input is
// parsed as given (its MAC almost never verifies), then with a valid MAC
// appended, so the field parser behind the MAC is reached; a state that
// parses must serialize and parse back to the same fields.
#include <cstddef>
#include <cstdint>
#include <string>

#include "parsers/core/hex.h"
#include "tests/fuzz/fuzz_util.h"
#include "verifier/crypto/digest.h"
#include "verifier/replay/ima_state.h"

namespace {

constexpr char kKey[] = "fuzzing key, 16+ bytes";

void Check(const ccv::Result<ccv::replay::ImaState>& s, std::span<const uint8_t> key) {
  if (!s.ok()) {
    ccv::fuzz::CheckParseStatus(s.status());
    return;
  }
  CCV_FUZZ_CHECK(s->entries > 0 && s->anchor_offset < s->offset && !s->values.empty());
  const std::string again = ccv::replay::SerializeImaState(*s, key);
  auto back = ccv::replay::ParseImaState(again, key);
  CCV_FUZZ_CHECK(back.ok());
  CCV_FUZZ_CHECK(ccv::replay::SerializeImaState(*back, key) == again);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> key = ccv::AsBytes(kKey);
  const std::string_view text = ccv::fuzz::AsText(data, size);
  Check(ccv::replay::ParseImaState(text, key), key);
  std::string covered(text);
  if (!covered.empty() && covered.back() != '\n') covered += '\n';
  const std::string mac = ccv::ToHex(ccv::crypto::HmacSha256(key, ccv::AsBytes(covered)).span());
  Check(ccv::replay::ParseImaState(covered + "mac hmac-sha256:" + mac + "\n", key), key);
  return 0;
}
