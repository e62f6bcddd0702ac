// The IMA state file (verify --ima-state): its MAC (HMAC-SHA-256, checked
// against RFC 4231's test vector) covers every byte before the MAC line; no
// field is read unless it verifies; fields behind a valid MAC are still read
// strictly. A list reader started at a state's offset sees the entries (and
// their indices, offsets, lines) a reader of the whole list sees.
#include "verifier/replay/ima_state.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"
#include "parsers/ima_log.h"
#include "verifier/crypto/digest.h"

namespace ccv::replay {
namespace {

const std::string kKey = "0123456789abcdef-key";

std::span<const uint8_t> Key(const std::string& k = kKey) { return AsBytes(k); }

ImaState Sample() {
  ImaState s;
  s.format = "ima-ascii";
  s.reg = RegisterId::Pcr(10);
  s.listed_alg = HashAlg::kSha256;
  s.entries = 1234;
  s.offset = 99999;
  s.line = 1235;
  s.anchor_offset = 99800;
  s.anchor = crypto::Hash(HashAlg::kSha256, AsBytes("anchor"));
  s.boot = crypto::Hash(HashAlg::kSha256, AsBytes("boot"));
  s.values = {crypto::Hash(HashAlg::kSha1, AsBytes("a")),
              crypto::Hash(HashAlg::kSha256, AsBytes("b"))};
  s.boot_aggregate = "skipped";
  s.boot_aggregate_detail = "no boot registers: not checked";
  return s;
}

// Re-MACs `covered` (the text before the MAC line).
std::string WithMac(const std::string& covered, const std::string& key = kKey) {
  return covered +
         "mac hmac-sha256:" + ToHex(crypto::HmacSha256(AsBytes(key), AsBytes(covered)).span()) +
         "\n";
}
std::string Covered(const std::string& text) { return text.substr(0, text.rfind("mac ")); }

TEST(ImaStateTest, HmacSha256MatchesRfc4231TestCase2) {
  EXPECT_EQ(
      ToHex(crypto::HmacSha256(AsBytes("Jefe"), AsBytes("what do ya want for nothing?")).span()),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(ImaStateTest, RoundTrips) {
  const std::string text = SerializeImaState(Sample(), Key());
  auto s = ParseImaState(text, Key());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->format, "ima-ascii");
  EXPECT_EQ(s->reg, RegisterId::Pcr(10));
  EXPECT_EQ(s->listed_alg, HashAlg::kSha256);
  EXPECT_EQ(s->entries, 1234u);
  EXPECT_EQ(s->offset, 99999u);
  EXPECT_EQ(s->line, 1235u);
  EXPECT_EQ(s->anchor_offset, 99800u);
  EXPECT_EQ(s->anchor, Sample().anchor);
  EXPECT_EQ(s->boot, Sample().boot);
  ASSERT_EQ(s->values.size(), 2u);
  EXPECT_EQ(s->values[0], Sample().values[0]);
  EXPECT_EQ(s->values[1], Sample().values[1]);
  EXPECT_EQ(s->boot_aggregate, "skipped");
  EXPECT_EQ(s->boot_aggregate_detail, Sample().boot_aggregate_detail);
  EXPECT_EQ(SerializeImaState(*s, Key()), text);
}

TEST(ImaStateTest, EveryChangedByteFailsTheMac) {
  const std::string text = SerializeImaState(Sample(), Key());
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    std::string bad = text;
    bad[i] = char(bad[i] ^ 0x01);
    auto s = ParseImaState(bad, Key());
    ASSERT_FALSE(s.ok()) << "byte " << i;
    EXPECT_EQ(s.status().code(), ErrorCode::kBadSignature) << "byte " << i;
  }
}

TEST(ImaStateTest, AnotherKeyFailsTheMac) {
  const std::string text = SerializeImaState(Sample(), Key());
  auto s = ParseImaState(text, Key("0123456789abcdef-kez"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kBadSignature);
  // A state re-MAC'd under another key is not the operator's.
  auto t = ParseImaState(WithMac(Covered(text), "another key entirely"), Key());
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), ErrorCode::kBadSignature);
}

TEST(ImaStateTest, MissingOrMovedMacLineFails) {
  const std::string text = SerializeImaState(Sample(), Key());
  for (const std::string& bad : {std::string(), Covered(text), text.substr(0, text.size() - 1),
                                 text + "value x\n", "mac hmac-sha256:00\n" + Covered(text)}) {
    auto s = ParseImaState(bad, Key());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), ErrorCode::kBadSignature);
  }
}

TEST(ImaStateTest, TooLargeIsRefusedBeforeTheMac) {
  auto s = ParseImaState(std::string(kMaxImaStateLen + 1, 'a'), Key());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kLimitExceeded);
}

// Fields behind a valid MAC: a state written by another version, or by hand
// with the key, is still read strictly.
TEST(ImaStateTest, MalformedFieldsUnderAValidMacAreRefusedByName) {
  const std::string covered = Covered(SerializeImaState(Sample(), Key()));
  struct Case {
    std::string from, to, field;
  } cases[] = {
      {"ccverify-ima-state 1", "ccverify-ima-state 2", "magic"},
      {"format ima-ascii", "format cel", "format"},
      {"register pcr10", "register pcr99", "register"},
      {"listed_alg sha256", "listed_alg md5", "listed_alg"},
      {"endian little", "endian middle", "endian"},
      {"entries 1234", "entries 01234", "entries"},
      {"entries 1234", "entries 0", "anchor_offset"},
      {"entries 1234", "entries -1", "entries"},
      {"entries 1234", "entries 99999999999999999999999", "entries"},
      {"offset 99999", "offset 281474976710657", "offset"},
      {"offset 99999", "offset 99800", "anchor_offset"},
      {"line 1235", "line x", "line"},
      {"anchor sha256:", "anchor sha1:", "anchor"},
      {"boot sha256:", "boot sha256:zz", "boot"},
      {"value sha1:", "value sha384:", "value"},
      {"boot_aggregate skipped:", "boot_aggregate maybe:", "boot_aggregate"},
      {"\nformat", "\nformat ima-ascii\nformat", "register"},
  };
  for (const Case& c : cases) {
    std::string bad = covered;
    const size_t at = bad.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    bad.replace(at, c.from.size(), c.to);
    auto s = ParseImaState(WithMac(bad), Key());
    ASSERT_FALSE(s.ok()) << c.to;
    EXPECT_EQ(s.status().code(), ErrorCode::kBadValue) << c.to << ": " << s.status().ToString();
    EXPECT_EQ(s.status().field(), c.field) << c.to << ": " << s.status().ToString();
  }
  // No value, a line after the last field.
  std::string no_value = covered;
  while (no_value.find("value ") != std::string::npos) {
    const size_t at = no_value.find("value ");
    no_value.erase(at, no_value.find('\n', at) + 1 - at);
  }
  EXPECT_EQ(ParseImaState(WithMac(no_value), Key()).status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(ParseImaState(WithMac(covered + "extra 1\n"), Key()).status().code(),
            ErrorCode::kBadValue);
}

TEST(ImaStateTest, BootRegistersDigestCoversEveryRegisterAndBank) {
  RegisterSet a;
  a.Set(RegisterId::Rtmr(2), Digest::Zero(HashAlg::kSha384));
  RegisterSet b = a;
  b.Set(RegisterId::Mrtd(), Digest::Zero(HashAlg::kSha384));
  RegisterSet c = a;
  Digest one = Digest::Zero(HashAlg::kSha384);
  one.bytes[47] = 1;
  c.Set(RegisterId::Rtmr(2), one);
  EXPECT_NE(BootRegistersDigest(a), BootRegistersDigest(b));
  EXPECT_NE(BootRegistersDigest(a), BootRegistersDigest(c));
  EXPECT_EQ(BootRegistersDigest(a), BootRegistersDigest(RegisterSet(a)));
}

// A reader started where a state ends gives the rest of the list with the
// indices, offsets and lines of a reader of the whole list.
TEST(ImaStateTest, ReaderStartedAtAnOffsetContinuesTheList) {
  std::string list;
  for (int i = 0; i < 50; ++i) {
    list += "10 " + std::string(40, char('a' + i % 6)) + " ima-ng sha1:" + std::string(40, '0') +
            " /file" + std::to_string(i) + "\n";
  }
  ima::ReadOptions ro;
  ro.max_batch = 7;
  std::vector<ima::Entry> all, batch;
  std::vector<uint64_t> offsets, lines;
  ima::LogReader whole(ima::SpanSource(AsBytes(list)), ro);
  for (;;) {
    ASSERT_TRUE(whole.NextBatch(&batch).ok());
    if (batch.empty()) break;
    for (const ima::Entry& e : batch) {
      offsets.push_back(e.offset);
      lines.push_back(e.line);
    }
  }
  ASSERT_EQ(offsets.size(), 50u);
  EXPECT_EQ(whole.offset(), list.size());
  EXPECT_EQ(whole.next_line(), 51u);
  const size_t k = 23;
  ima::ReadOptions from = ro;
  from.start_offset = offsets[k];
  from.start_index = k;
  from.start_line = lines[k];
  ima::LogReader rest(ima::SpanSource(AsBytes(list).subspan(offsets[k])), from);
  size_t n = k;
  for (;;) {
    ASSERT_TRUE(rest.NextBatch(&batch).ok());
    if (batch.empty()) break;
    for (const ima::Entry& e : batch) {
      EXPECT_EQ(e.index, n);
      EXPECT_EQ(e.offset, offsets[n]);
      EXPECT_EQ(e.line, lines[n]);
      ++n;
    }
  }
  EXPECT_EQ(n, 50u);
  EXPECT_EQ(rest.offset(), list.size());
  EXPECT_EQ(rest.next_line(), 51u);
}

}  // namespace
}  // namespace ccv::replay
