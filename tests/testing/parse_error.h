// Test helper: asserts that a parse failed with a given ErrorCode at a given
// absolute byte offset (never the message text; STYLE.md section 7).
#ifndef CCV_TESTS_TESTING_PARSE_ERROR_H_
#define CCV_TESTS_TESTING_PARSE_ERROR_H_

#include <cstdint>
#include <optional>

#include <gtest/gtest.h>

#include "parsers/core/result.h"
#include "parsers/core/status.h"

namespace ccv::testing {

template <typename T>
void ExpectParseError(const Result<T>& r, ErrorCode code, uint64_t offset) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), code) << r.status().ToString();
  EXPECT_EQ(r.status().offset(), std::optional<uint64_t>(offset)) << r.status().ToString();
}

}  // namespace ccv::testing

#endif  // CCV_TESTS_TESTING_PARSE_ERROR_H_
