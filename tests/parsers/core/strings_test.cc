#include "parsers/core/strings.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/hash_alg.h"

namespace ccv {
namespace {

TEST(StrJoinTest, SeparatorOnlyBetweenElements) {
  EXPECT_EQ(StrJoin(std::vector<std::string>{}, ", "), "");
  EXPECT_EQ(StrJoin(std::vector<std::string>{"a"}, ", "), "a");
  EXPECT_EQ(StrJoin(std::vector<std::string>{"a", "", "c"}, ", "), "a, , c");
  EXPECT_EQ(StrJoin(std::vector<int>{1, 2, 3}, "+", [](int i) { return std::to_string(i); }),
            "1+2+3");
}

TEST(StrAppendFTest, AppendsShortAndLongText) {
  std::string s = "x";
  StrAppendF(&s, "%d-%s", 42, "y");
  EXPECT_EQ(s, "x42-y");
  std::string big(2000, 'z');
  StrAppendF(&s, "[%s]", big.c_str());
  EXPECT_EQ(s, "x42-y[" + big + "]");
}

TEST(DigestFromBytesTest, RequiresTheAlgorithmsLength) {
  std::vector<uint8_t> b(48, 0xab);
  std::optional<Digest> d = Digest::FromBytes(HashAlg::kSha384, b);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, Digest::Filled(HashAlg::kSha384, 0xab));
  EXPECT_FALSE(Digest::FromBytes(HashAlg::kSha256, b).has_value());
  EXPECT_FALSE(Digest::FromBytes(HashAlg::kSha384, std::span<const uint8_t>(b).first(47)));
}

}  // namespace
}  // namespace ccv
