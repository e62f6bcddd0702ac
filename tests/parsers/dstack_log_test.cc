#include "parsers/dstack_log.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"
#include "tests/testing/dstack_builder.h"
#include "tests/testing/parse_error.h"

namespace ccv::dstack {
namespace {

void ExpectEntryError(const Result<std::vector<Event>>& r, ErrorCode code,
                      const std::string& field) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), code) << r.status().ToString();
  EXPECT_EQ(r.status().field(), field) << r.status().ToString();
}

TEST(DstackLogTest, ParsesEveryMember) {
  testing::DstackLogBuilder b;
  b.BootAction(1, "Calling EFI Application from Boot Option");
  b.Runtime("app-id", {0xde, 0xad}).version = 2;
  Result<std::vector<Event>> r = ParseLog(b.Json());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].untrusted_imr, 1u);
  EXPECT_EQ((*r)[0].untrusted_type, 0x80000007u);
  EXPECT_FALSE((*r)[0].IsRuntimeEvent());
  EXPECT_EQ((*r)[0].digest.size(), 48u);
  EXPECT_EQ((*r)[1].index, 1u);
  EXPECT_TRUE((*r)[1].IsRuntimeEvent());
  EXPECT_EQ((*r)[1].event, "app-id");
  EXPECT_EQ((*r)[1].payload, (std::vector<uint8_t>{0xde, 0xad}));
  EXPECT_EQ((*r)[1].version, 2u);
  EXPECT_TRUE((*r)[1].has_version);
}

TEST(DstackLogTest, RuntimeEventMayOmitDigest) {
  testing::DstackLogBuilder b;
  b.Runtime("instance-id", {1, 2, 3}).digest.reset();
  Result<std::vector<Event>> r = ParseLog(b.Json());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE((*r)[0].digest.empty());
}

// An entry the builder writes with one member wrong fails naming that member.
TEST(DstackLogTest, BadMemberFailsNamingIt) {
  struct Case {
    const char* field;
    void (*build)(testing::DstackLogBuilder*);
  };
  const Case cases[] = {
      {"events[1].digest",  // a boot event without a digest
       [](testing::DstackLogBuilder* b) {
         b->RuntimeText("system-preparing", "");
         b->BootAction(0, "x").digest.reset();
       }},
      {"events[1].digest",  // a short digest
       [](testing::DstackLogBuilder* b) {
         b->RuntimeText("a", "");
         b->RuntimeText("b", "").digest->resize(32);
       }},
      {"events[0].imr", [](testing::DstackLogBuilder* b) { b->RuntimeText("a", "").imr = 4; }},
      {"events[0].pcr",  // an unknown member
       [](testing::DstackLogBuilder* b) { b->RuntimeText("a", "").extra_member = "\"pcr\": 3"; }},
      {"events[0].imr",  // a repeated member
       [](testing::DstackLogBuilder* b) { b->RuntimeText("a", "").extra_member = "\"imr\": 2"; }},
      {"events[0].version",
       [](testing::DstackLogBuilder* b) { b->RuntimeText("a", "").version = 3; }},
  };
  for (const Case& c : cases) {
    testing::DstackLogBuilder b;
    c.build(&b);
    SCOPED_TRACE(b.Json());
    ExpectEntryError(ParseLog(b.Json()), ErrorCode::kBadValue, c.field);
  }
}

// JSON that is not a list of event objects, or an event with a member missing
// or out of range, fails naming the member.
TEST(DstackLogTest, MalformedEntryFailsNamingTheMember) {
  struct Case {
    const char* json;
    const char* field;
  };
  const Case cases[] = {
      {"[1]", "events[0]"},
      {"{}", "events"},
      {R"([{"imr":3,"event_type":134217729,"event":"a"}])", "events[0].event_payload"},
      {R"([{"imr":3,"event_type":134217729,"event_payload":""}])", "events[0].event"},
      {R"([{"imr":3,"event_type":134217729,"event":"a","event_payload":"zz"}])",
       "events[0].event_payload"},
      {R"([{"imr":-1,"event_type":1,"event_payload":""}])", "events[0].imr"},
      {R"([{"imr":3,"event_type":4294967296,"event_payload":""}])", "events[0].event_type"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.json);
    ExpectEntryError(ParseLog(c.json), ErrorCode::kBadValue, c.field);
  }
}

TEST(DstackLogTest, SyntaxErrorGivesOffset) {
  testing::ExpectParseError(ParseLog("[{\"imr\":3,}]"), ErrorCode::kBadValue, 10);
}

TEST(DstackLogTest, InvalidUtf8Fails) {
  std::string j =
      "[{\"imr\":3,\"event_type\":134217729,\"event\":\"\xff\",\"event_payload\":\"\"}]";
  Result<std::vector<Event>> r = ParseLog(j);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kBadValue);
}

TEST(DstackLogTest, EmptyArrayIsAnEmptyLog) {
  Result<std::vector<Event>> r = ParseLog(" [ ] ");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(DstackLogTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  Result<std::vector<Event>> r = ParseLog(deep);
  EXPECT_FALSE(r.ok());
}

TEST(DstackLogTest, LooksLikeLog) {
  EXPECT_TRUE(LooksLikeLog(AsBytes(" [\n {\"imr\":0")));
  EXPECT_FALSE(LooksLikeLog(AsBytes("[{\"recnum\":0")));
  EXPECT_FALSE(LooksLikeLog(AsBytes("{\"version\":1}")));
  EXPECT_FALSE(LooksLikeLog(AsBytes("[{")));
}

TEST(DstackLogTest, V1HashInputIsTypeColonNameColonPayload) {
  std::vector<uint8_t> in = RuntimeEventHashInput("app-id", std::vector<uint8_t>{0xde, 0xad}, 1);
  EXPECT_EQ(ToHex(in), "01000008" + ToHex(AsBytes(":app-id:")) + "dead");
}

// dstack's own known answer (cc-eventlog runtime_events.rs, v2_digest_is_canonical_json_hash).
TEST(DstackLogTest, V2HashInputIsCanonicalJson) {
  std::vector<uint8_t> in =
      RuntimeEventHashInput("compose-hash", std::vector<uint8_t>{0xab, 0xcd}, 2);
  EXPECT_EQ(std::string(in.begin(), in.end()),
            R"({"event":"compose-hash","event_type":134217729,"payload":"abcd","version":2})");
  std::vector<uint8_t> empty = RuntimeEventHashInput("", {}, 2);
  EXPECT_EQ(std::string(empty.begin(), empty.end()),
            R"({"event":"","event_type":134217729,"payload":"","version":2})");
}

// RFC 8785 string escaping (dstack canonical_json_escapes_special_chars and
// canonical_json_control_character_escaping).
TEST(DstackLogTest, JcsEscapesAsRfc8785) {
  EXPECT_EQ(JcsString("event\"with\\special\nchars"), R"("event\"with\\special\nchars")");
  EXPECT_EQ(JcsString("\x08\x0c\n\r\t\x01\x1f"), R"("\b\f\n\r\t\u0001\u001f")");
  EXPECT_EQ(JcsString("\x7f/\xc3\xa9"), "\"\x7f/\xc3\xa9\"");
}

}  // namespace
}  // namespace ccv::dstack
