// policy::Regex: RE2 syntax, search semantics on the whole text, byte-wise
// matching, and the constructs and sizes it refuses.
#include "policies/bounded_regex.h"

#include <string>

#include <gtest/gtest.h>

namespace ccv::policy {
namespace {

Regex Must(const char* pattern) {
  Result<Regex> re = Regex::Compile(pattern);
  if (!re.ok()) ADD_FAILURE() << pattern << ": " << re.status().ToString();
  return std::move(re).value();
}

TEST(BoundedRegexTest, SearchIsUnanchoredWithAnchorsAtTheEnds) {
  Regex re = Must("/bin/sh");
  EXPECT_TRUE(re.Search("/usr/bin/sh"));
  EXPECT_TRUE(re.Search("/bin/shell"));
  EXPECT_FALSE(re.Search("/bin/bash"));
  Regex exact = Must("^/bin/sh$");
  EXPECT_TRUE(exact.Search("/bin/sh"));
  EXPECT_FALSE(exact.Search("/usr/bin/sh"));
  EXPECT_FALSE(exact.Search("/bin/sh\n"));  // '$' is the end of the text only
  EXPECT_FALSE(exact.Search("x\n/bin/sh"));
  EXPECT_TRUE(Must("(?m)^/bin/sh$").Search("x\n/bin/sh\ny"));
}

TEST(BoundedRegexTest, DotDoesNotCrossNewlineButNegatedClassesDo) {
  EXPECT_FALSE(Must("^a.b$").Search("a\nb"));
  EXPECT_TRUE(Must("^a[^x]b$").Search("a\nb"));
  EXPECT_TRUE(Must("(?s)^a.b$").Search("a\nb"));
}

TEST(BoundedRegexTest, TextIsMatchedByteByByte) {
  // A path that is not valid UTF-8 cannot step past '.': a forbid still fires.
  Regex forbid = Must("^/tmp/.*\\.sh$");
  EXPECT_TRUE(forbid.Search(std::string("/tmp/\xff\xfe.sh")));
  EXPECT_TRUE(forbid.Search(std::string("/tmp/\xc3(.sh")));
  // A non-ASCII literal (UTF-8 in the policy) matches its own bytes.
  Regex lit = Must("^/srv/caf\xc3\xa9/");
  EXPECT_TRUE(lit.Search("/srv/caf\xc3\xa9/x"));
  EXPECT_FALSE(lit.Search("/srv/cafe/x"));
  // NUL bytes are text like any other.
  EXPECT_TRUE(Must("a\\x00b").Search(std::string("a\0b", 3)));
}

TEST(BoundedRegexTest, SeesTheWholeText) {
  std::string text(1 << 16, 'a');
  text += "init=/bin/sh";
  EXPECT_TRUE(Must("init=/bin/sh$").Search(text));
  EXPECT_TRUE(Must("^a+init").Search(text));
  EXPECT_FALSE(Must("^a+$").Search(text));
}

TEST(BoundedRegexTest, PerlAndPosixClassesAndGroups) {
  EXPECT_TRUE(Must("^\\d{3}\\s\\w+\\b").Search("123 abc"));
  EXPECT_TRUE(Must("^[[:alpha:]]+$").Search("abcXYZ"));
  EXPECT_TRUE(Must("^(?:ab)+?c$").Search("ababc"));
  EXPECT_TRUE(Must("^(?P<name>x)y$").Search("xy"));
  EXPECT_TRUE(Must("^\\/tmp\\/").Search("/tmp/x"));
  EXPECT_TRUE(Must("(?i)^/BIN/").Search("/bin/sh"));
}

TEST(BoundedRegexTest, CopiesShareOneProgram) {
  Regex a = Must("^/tmp/");
  Regex b = a;
  EXPECT_EQ(b.pattern(), "^/tmp/");
  EXPECT_TRUE(b.Search("/tmp/x"));
  Regex c = std::move(a);
  EXPECT_TRUE(c.Search("/tmp/y"));
}

struct RefusedCase {
  const char* name;
  std::string pattern;
  ErrorCode code;
};

class BoundedRegexRefusedTest : public ::testing::TestWithParam<RefusedCase> {};

TEST_P(BoundedRegexRefusedTest, RefusedWithItsCode) {
  const RefusedCase& c = GetParam();
  Result<Regex> re = Regex::Compile(c.pattern);
  ASSERT_FALSE(re.ok()) << c.name;
  EXPECT_EQ(re.status().code(), c.code) << c.name << ": " << re.status().ToString();
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BoundedRegexRefusedTest,
    ::testing::Values(RefusedCase{"Lookahead", "^(?!x$)", ErrorCode::kBadValue},
                      RefusedCase{"PositiveLookahead", "a(?=b)", ErrorCode::kBadValue},
                      RefusedCase{"Lookbehind", "(?<=a)b", ErrorCode::kBadValue},
                      RefusedCase{"NegativeLookbehind", "(?<!a)b", ErrorCode::kBadValue},
                      RefusedCase{"Backreference", "(a)\\1", ErrorCode::kBadValue},
                      RefusedCase{"PossessiveStar", "a*+", ErrorCode::kBadValue},
                      RefusedCase{"PossessivePlus", "a++", ErrorCode::kBadValue},
                      RefusedCase{"AtomicGroup", "(?>a+)b", ErrorCode::kBadValue},
                      RefusedCase{"EndBeforeNewline", "a\\Z", ErrorCode::kBadValue},
                      RefusedCase{"NothingToRepeat", "*", ErrorCode::kBadValue},
                      RefusedCase{"UnclosedClass", "([a-z", ErrorCode::kBadValue},
                      RefusedCase{"RepeatOver1000", "a{1001}", ErrorCode::kBadValue},
                      RefusedCase{"NestedRepeatOver1000", "((a{100}){100}){100}",
                                  ErrorCode::kBadValue},
                      RefusedCase{"ProgramOverInstructionBound", Repeat("[a-q]{1000}", 11),
                                  ErrorCode::kLimitExceeded},
                      RefusedCase{"ProgramOverMemoryBound", Repeat("[a-q]{1000}", 400),
                                  ErrorCode::kLimitExceeded}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(BoundedRegexTest, LargestAllowedProgramIsAccepted) {
  // Nine 1000-fold repeats: about 9,000 instructions, under the bound.
  EXPECT_TRUE(Regex::Compile(Repeat("[a-q]{1000}", 9)).ok());
}

TEST(BoundedRegexTest, ErrorSaysTheSyntaxIsRe2s) {
  Result<Regex> re = Regex::Compile("^(?!x$)");
  ASSERT_FALSE(re.ok());
  EXPECT_NE(re.status().message().find("RE2"), std::string::npos) << re.status().ToString();
  EXPECT_NE(re.status().message().find("(?!"), std::string::npos) << re.status().ToString();
}

}  // namespace
}  // namespace ccv::policy
