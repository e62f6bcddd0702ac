// Header lines as curl hands them over, names without regard to case, and
// the percent-decoding of issuer chains.
#include "verifier/collateral/http_headers.h"

#include <gtest/gtest.h>

namespace ccv::collateral {
namespace {

TEST(HttpHeadersTest, FindIgnoresTheCaseOfNames) {
  HttpHeaders h;
  h.Add("TCB-Info-Issuer-Chain", "a");
  ASSERT_NE(h.Find("tcb-info-issuer-chain"), nullptr);
  EXPECT_EQ(*h.Find("TCB-INFO-ISSUER-CHAIN"), "a");
  EXPECT_EQ(h.Find("TCB-Info-Issuer"), nullptr);
}

TEST(HttpHeadersTest, FindReturnsTheFirstOfRepeatedFields) {
  HttpHeaders h;
  h.Add("X", "1");
  h.Add("x", "2");
  EXPECT_EQ(*h.Find("X"), "1");
}

TEST(HttpHeadersTest, AddLineSplitsNameAndTrimmedValue) {
  HttpHeaders h;
  ASSERT_TRUE(h.AddLine("SGX-PCK-CRL-Issuer-Chain:  %2D%2D \t\r\n").ok());
  ASSERT_TRUE(h.AddLine("Empty:\r\n").ok());
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(*h.Find("sgx-pck-crl-issuer-chain"), "%2D%2D");
  EXPECT_EQ(*h.Find("empty"), "");
}

TEST(HttpHeadersTest, ValueMayHoldColons) {
  HttpHeaders h;
  ASSERT_TRUE(h.AddLine("Location: https://h:8081/x\n").ok());
  EXPECT_EQ(*h.Find("location"), "https://h:8081/x");
}

TEST(HttpHeadersTest, StatusLineStartsANewResponse) {
  HttpHeaders h;
  ASSERT_TRUE(h.AddLine("HTTP/1.1 302 Found\r\n").ok());
  ASSERT_TRUE(h.AddLine("Location: /elsewhere\r\n").ok());
  ASSERT_TRUE(h.AddLine("\r\n").ok());
  ASSERT_TRUE(h.AddLine("HTTP/1.1 200 OK\r\n").ok());
  ASSERT_TRUE(h.AddLine("Content-Type: text/plain\r\n").ok());
  EXPECT_EQ(h.Find("location"), nullptr);
  EXPECT_NE(h.Find("content-type"), nullptr);
}

TEST(HttpHeadersTest, FoldedLinesContinueTheValue) {
  HttpHeaders h;
  ASSERT_TRUE(h.AddLine("X-Long: first\r\n").ok());
  ASSERT_TRUE(h.AddLine("   second\r\n").ok());
  EXPECT_EQ(*h.Find("x-long"), "first second");
}

TEST(HttpHeadersTest, FoldedLineWithoutAFieldIsRejected) {
  HttpHeaders h;
  Status s = h.AddLine(" orphan\r\n");
  EXPECT_EQ(s.code(), ErrorCode::kBadValue);
}

TEST(HttpHeadersTest, LineWithoutColonIsRejected) {
  HttpHeaders h;
  EXPECT_EQ(h.AddLine("no colon here\r\n").code(), ErrorCode::kBadValue);
  EXPECT_EQ(h.size(), 0u);
}

TEST(HttpHeadersTest, EmptyNameIsRejected) {
  HttpHeaders h;
  EXPECT_EQ(h.AddLine(": value\r\n").code(), ErrorCode::kBadValue);
}

TEST(HttpHeadersTest, NameWithASpaceIsRejectedAtItsOffset) {
  HttpHeaders h;
  Status s = h.AddLine("Bad Name: v\r\n");
  EXPECT_EQ(s.code(), ErrorCode::kBadValue);
  EXPECT_EQ(s.offset(), 3u);
}

// Escapes of either case decode, to any byte; '+' stays '+'; empty is empty.
TEST(PercentDecodeTest, DecodesWellFormedText) {
  struct Case {
    const char* text;
    std::string decoded;
  };
  for (const Case& c :
       {Case{"-----BEGIN%20CERTIFICATE-----%0aMII%2bx%2F%3D%3d",
             "-----BEGIN CERTIFICATE-----\nMII+x/=="},
        Case{"ab+cd", "ab+cd"}, Case{"", ""}, Case{"%00%FF", std::string("\x00\xff", 2)}}) {
    SCOPED_TRACE(c.text);
    auto d = PercentDecode(c.text);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*d, c.decoded);
  }
}

TEST(PercentDecodeTest, MalformedEscapesAreRejectedAtTheirOffset) {
  struct Case {
    const char* text;
    uint64_t offset;
  };
  for (const Case& c :
       {Case{"%", 0}, Case{"ab%2", 2}, Case{"abc%zz", 3}, Case{"%2g", 0}, Case{"ok%41%", 5}}) {
    SCOPED_TRACE(c.text);
    auto d = PercentDecode(c.text);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.status().code(), ErrorCode::kBadValue);
    EXPECT_EQ(d.status().offset(), c.offset);
  }
}

}  // namespace
}  // namespace ccv::collateral
