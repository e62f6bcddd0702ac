// Helpers shared by the libFuzzer harnesses. A harness may only fail by
// crashing (a sanitizer report, an abort from FuzzCheck): any input, valid
// or not, must give a value or a Status.
#ifndef CCV_TESTS_FUZZ_FUZZ_UTIL_H_
#define CCV_TESTS_FUZZ_FUZZ_UTIL_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>

#include "parsers/chunked_source.h"
#include "parsers/core/byte_reader.h"
#include "parsers/core/status.h"

namespace ccv::fuzz {

inline Bytes AsInput(const uint8_t* data, size_t size) { return Bytes(data, size); }
inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// An invariant a harness checks on top of "no crash" (a round trip, an
// error that must carry an offset inside the input ...).
#define CCV_FUZZ_CHECK(cond)                                                                 \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)

// Every non-OK Status from a parser must name a code other than kOk and
// kInternal: kInternal means "a bug of ours" and is a finding.
inline void CheckParseStatus(const Status& s) {
  CCV_FUZZ_CHECK(!s.ok());
  CCV_FUZZ_CHECK(s.code() != ErrorCode::kInternal);
}

}  // namespace ccv::fuzz

#endif  // CCV_TESTS_FUZZ_FUZZ_UTIL_H_
