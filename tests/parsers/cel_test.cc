// CEL TLV and JSON: parse, write, round trip, corrupted input.
#include "parsers/cel.h"

#include <gtest/gtest.h>

#include "parsers/cel_format.h"
#include "parsers/core/hex.h"

namespace ccv::cel {
namespace {

std::string Tlv(uint8_t type, const std::string& v) {
  std::string s(1, char(type));
  for (int i = 3; i >= 0; --i) s.push_back(char(v.size() >> (8 * i)));
  return s + v;
}
std::string Be(uint64_t v, size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n && i < 8; ++i) s[n - 1 - i] = char(v >> (8 * i));
  return s;
}
std::string Sha256Digest(uint8_t fill) { return Tlv(0x0b, std::string(32, char(fill))); }

std::string RecordTlv(uint64_t recnum, uint8_t pcr, const std::string& digests,
                      const std::string& content) {
  return Tlv(kTypeRecnum, Be(recnum, 8)) + Tlv(kTypePcr, Be(pcr, 1)) + Tlv(kTypeDigests, digests) +
         content;
}

std::vector<Record> Sample() {
  std::vector<Record> v;
  Record a;
  a.recnum = 0;
  a.index = 4;
  a.digests = {Digest::Filled(HashAlg::kSha1, 1), Digest::Filled(HashAlg::kSha256, 2)};
  a.content_type = kContentPcClientStd;
  a.event_type = 0x80000007;
  a.event_data = {'C', 'a', 'l', 'l', 0, 0xff};
  Record b;
  b.recnum = 1;
  b.index_type = IndexType::kCcmr;
  b.index = 3;
  b.digests = {Digest::Filled(HashAlg::kSha384, 3)};
  b.content_type = kContentImaTemplate;
  b.template_name = "ima-ng";
  b.template_data = {1, 2, 3, 0, 0x80};
  Record c;
  c.recnum = 2;
  c.index_type = IndexType::kNvIndex;
  c.index = 0x01c10104;
  c.digests = {Digest::Filled(HashAlg::kSha512, 4)};
  c.content_type = 80;
  c.content = {9, 9, 9};
  Record d;  // no content
  d.recnum = 3;
  d.index = 300;
  d.digests = {Digest::Filled(HashAlg::kSha256, 5)};
  v = {a, b, c, d};
  return v;
}

void ExpectSame(const std::vector<Record>& x, const std::vector<Record>& y) {
  ASSERT_EQ(x.size(), y.size());
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(x[i].recnum, y[i].recnum);
    EXPECT_EQ(x[i].index_type, y[i].index_type);
    EXPECT_EQ(x[i].index, y[i].index);
    EXPECT_EQ(x[i].digests, y[i].digests);
    EXPECT_EQ(x[i].content_type, y[i].content_type);
    EXPECT_EQ(x[i].event_type, y[i].event_type);
    EXPECT_EQ(x[i].event_data, y[i].event_data);
    EXPECT_EQ(x[i].template_name, y[i].template_name);
    EXPECT_EQ(x[i].template_data, y[i].template_data);
    EXPECT_EQ(x[i].content, y[i].content);
  }
}

TEST(CelTest, TlvRoundTrip) {
  auto recs = Sample();
  auto bytes = WriteTlv(recs);
  auto back = ParseTlv(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(recs, *back);
  EXPECT_EQ(DetectEncoding(bytes), Encoding::kTlv);
}

TEST(CelTest, JsonRoundTrip) {
  auto recs = Sample();
  std::string json = WriteJson(recs);
  auto back = ParseJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(recs, *back);
  EXPECT_EQ(DetectEncoding(AsBytes(json)), Encoding::kJson);
}

TEST(CelTest, TlvLayoutIsWhatGoEventlogWrites) {
  Record r;
  r.recnum = 7;
  r.index_type = IndexType::kCcmr;
  r.index = 4;
  r.digests = {Digest::Filled(HashAlg::kSha384, 0xaa)};
  auto b = WriteTlv({r});
  std::string want =
      Tlv(0, Be(7, 8)) + Tlv(108, Be(4, 1)) + Tlv(3, Tlv(0x0c, std::string(48, '\xaa')));
  EXPECT_EQ(ToHex(b), ToHex(AsBytes(want)));
}

TEST(CelTest, ParsesHandWrittenPcClientRecord) {
  std::string content = Tlv(kContentPcClientStd, Tlv(0, Be(4, 4)) + Tlv(1, "data"));
  std::string t = RecordTlv(5, 7, Sha256Digest(1), content);
  auto r = ParseTlv(AsBytes(t));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].recnum, 5u);
  EXPECT_EQ((*r)[0].index, 7u);
  EXPECT_EQ((*r)[0].event_type, 4u);
  EXPECT_EQ(std::string(AsChars((*r)[0].event_data)), "data");
}

TEST(CelTest, ParsesSystemdPcrlockJsonShape) {
  std::string j = R"({"records":[{"pcr":11,"digests":[{"hashAlg":"sha256","digest":")" +
                  std::string(64, 'a') + R"("}]}]})";
  auto r = ParseJson(j);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].index, 11u);
  EXPECT_EQ((*r)[0].content_type, 0);
}

// The record shapes of libcel's test data (whooo/libcel test/data/*.json):
// hex data, event types and hash algorithms as names or numbers.
TEST(CelTest, ReadsLibcelStyleJson) {
  const std::string d =
      "\"digests\":[{\"hashAlg\":11,\"digest\":\"" + std::string(64, 'c') + "\"}]";
  std::string j = "[{\"recnum\":12,\"pcr\":9," + d +
                  ",\"content_type\":\"pcclient_std\",\"content\":{\"event_type\":\"ev_no_action\","
                  "\"event_data\":\"aabbccdd\"}},"
                  "{\"recnum\":9,\"pcr\":12," +
                  d +
                  ",\"content_type\":7,\"content\":{\"template_name\":\"name\","
                  "\"template_data\":\"aabbccdd\"}}]";
  JsonOptions o;
  o.event_type_from_name = [](std::string_view n) -> std::optional<uint32_t> {
    if (n == "EV_NO_ACTION") return 3;
    return std::nullopt;
  };
  auto r = ParseJson(j, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].event_type, 3u);
  EXPECT_EQ(ToHex((*r)[0].event_data), "aabbccdd");
  EXPECT_EQ((*r)[0].digests[0].alg, HashAlg::kSha256);
  EXPECT_EQ((*r)[1].template_name, "name");
  EXPECT_EQ(ToHex((*r)[1].template_data), "aabbccdd");
  // Data that is not hex is read as base64.
  std::string b64 =
      "[{\"pcr\":1," + d +
      ",\"content_type\":\"pcclient_std\",\"content\":{\"event_type\":1,\"event_data\":\"Zm9v\"}}]";
  auto rb = ParseJson(b64);
  ASSERT_TRUE(rb.ok()) << rb.status().ToString();
  EXPECT_EQ(std::string(AsChars((*rb)[0].event_data)), "foo");
}

TEST(CelTest, Base64) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    auto e = Base64Encode(AsBytes(s));
    auto d = Base64Decode(e);
    ASSERT_TRUE(d) << s;
    EXPECT_EQ(std::string(AsChars(*d)), s);
  }
  EXPECT_EQ(Base64Encode(AsBytes(std::string_view("foobar"))), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode(AsBytes(std::string_view("fo"))), "Zm8=");
  EXPECT_FALSE(Base64Decode("Zm9v!"));
  EXPECT_FALSE(Base64Decode("Z"));
}

struct BadTlv {
  const char* name;
  std::string data;
  ErrorCode code;
  uint64_t offset;
};

TEST(CelTest, CorruptedTlvFailsWithCodeAndOffset) {
  const std::string good = RecordTlv(0, 1, Sha256Digest(1), "");
  const uint64_t g = good.size();
  std::vector<BadTlv> cases = {
      {"truncated header", good + std::string("\x00\x00", 2), ErrorCode::kTruncated, g + 1},
      {"value past end", good + std::string("\x00\x00\x00\x00\x08\x00", 6), ErrorCode::kTruncated,
       g + 5},
      {"length over limit", good + Tlv(0, "").substr(0, 1) + "\x7f\xff\xff\xff",
       ErrorCode::kBadLength, g + 1},
      {"no recnum first", Tlv(kTypePcr, Be(1, 1)), ErrorCode::kBadValue, 0},
      {"recnum of 9 bytes", Tlv(0, Be(0, 9)), ErrorCode::kBadLength, 5},
      {"record without digests", Tlv(0, Be(0, 8)) + Tlv(1, Be(1, 1)), ErrorCode::kBadValue, 0},
      {"record without index", Tlv(0, Be(0, 8)) + Tlv(3, Sha256Digest(1)), ErrorCode::kBadValue, 0},
      {"second index", RecordTlv(0, 1, Sha256Digest(1), Tlv(1, Be(2, 1))), ErrorCode::kBadValue, g},
      {"unknown digest algorithm", RecordTlv(0, 1, Tlv(0x99, std::string(32, 'a')), ""),
       ErrorCode::kBadValue, 13 + 6 + 5},
      {"short sha256 digest", RecordTlv(0, 1, Tlv(0x0b, std::string(31, 'a')), ""),
       ErrorCode::kBadLength, 13 + 6 + 5 + 1},
      {"empty digests", RecordTlv(0, 1, "", ""), ErrorCode::kBadValue, 13 + 6 + 5},
      {"pcclient content without data",
       RecordTlv(0, 1, Sha256Digest(1), Tlv(kContentPcClientStd, Tlv(0, Be(1, 4)))),
       ErrorCode::kBadValue, g + 5 + 9},
      {"pcclient event type of 5 bytes",
       RecordTlv(0, 1, Sha256Digest(1), Tlv(kContentPcClientStd, Tlv(0, Be(1, 5)) + Tlv(1, ""))),
       ErrorCode::kBadLength, g + 5 + 5},
      {"ima content repeated name",
       RecordTlv(0, 1, Sha256Digest(1), Tlv(kContentImaTemplate, Tlv(0, "a") + Tlv(0, "b"))),
       ErrorCode::kBadValue, g + 5 + 6},
      {"second content", RecordTlv(0, 1, Sha256Digest(1), Tlv(80, "x") + Tlv(81, "y")),
       ErrorCode::kBadValue, g + 6},
  };
  for (const BadTlv& c : cases) {
    auto r = ParseTlv(AsBytes(c.data));
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), c.code) << c.name << ": " << r.status().ToString();
    EXPECT_EQ(r.status().offset(), c.offset) << c.name << ": " << r.status().ToString();
  }
}

struct BadJson {
  const char* name;
  std::string json;
  ErrorCode code;
  const char* field;
};

TEST(CelTest, CorruptedJsonFailsWithCodeAndField) {
  const std::string d = R"({"hashAlg":"sha256","digest":")" + std::string(64, 'a') + "\"}";
  std::vector<BadJson> cases = {
      {"object without records", R"({"x":1})", ErrorCode::kBadValue, "records"},
      {"records not array", R"({"records":1})", ErrorCode::kBadValue, "records"},
      {"record not object", "[1]", ErrorCode::kBadValue, "records[0]"},
      {"no index", "[{\"digests\":[" + d + "]}]", ErrorCode::kBadValue, "records[0].pcr"},
      {"two indexes", "[{\"pcr\":1,\"ccmr\":2,\"digests\":[" + d + "]}]", ErrorCode::kBadValue,
       "records[0].pcr"},
      {"negative pcr", "[{\"pcr\":-1,\"digests\":[" + d + "]}]", ErrorCode::kBadValue,
       "records[0].pcr"},
      {"no digests", R"([{"pcr":1}])", ErrorCode::kBadValue, "records[0].digests"},
      {"unknown hashAlg", R"([{"pcr":1,"digests":[{"hashAlg":"md5","digest":"00"}]}])",
       ErrorCode::kBadValue, "records[0].digests[0].hashAlg"},
      {"short digest", R"([{"pcr":1,"digests":[{"hashAlg":"sha256","digest":"00"}]}])",
       ErrorCode::kBadLength, "records[0].digests[0].digest"},
      {"digest not hex",
       "[{\"pcr\":1,\"digests\":[{\"hashAlg\":\"sha256\",\"digest\":\"" + std::string(64, 'x') +
           "\"}]}]",
       ErrorCode::kBadValue, "records[0].digests[0].digest"},
      {"event_data not base64",
       "[{\"pcr\":1,\"digests\":[" + d +
           "],\"content_type\":\"pcclient_std\",\"content\":{\"event_type\":1,\"event_data\":\"*\"}"
           "}]",
       ErrorCode::kBadValue, "records[0].content.event_data"},
      {"event_type name without a resolver",
       "[{\"pcr\":1,\"digests\":[" + d +
           "],\"content_type\":\"pcclient_std\",\"content\":{\"event_type\":\"ev_action\",\"event_"
           "data\":\"00\"}}]",
       ErrorCode::kBadValue, "records[0].content.event_type"},
      {"ima content without data",
       "[{\"pcr\":1,\"digests\":[" + d +
           "],\"content_type\":\"ima_template\",\"content\":{\"template_name\":\"ima-ng\"}}]",
       ErrorCode::kBadValue, "records[0].content.template_data"},
      {"second record bad", "[{\"pcr\":1,\"digests\":[" + d + "]},{\"pcr\":\"x\"}]",
       ErrorCode::kBadValue, "records[1].pcr"},
  };
  for (const BadJson& c : cases) {
    auto r = ParseJson(c.json);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), c.code) << c.name << ": " << r.status().ToString();
    EXPECT_EQ(r.status().field(), c.field) << c.name << ": " << r.status().ToString();
  }
  auto syntax = ParseJson("[{\"pcr\":1,]");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(syntax.status().offset(), 10u);
}

TEST(CelTest, DetectEncodingRejectsOtherBytes) {
  EXPECT_FALSE(DetectEncoding(AsBytes(std::string_view("10 abc"))));
  EXPECT_FALSE(DetectEncoding(AsBytes(std::string_view("\x00\x00\x00\x00\x09", 5))));
  EXPECT_EQ(DetectEncoding(AsBytes(std::string_view("  \n{ \"records\": ["))), Encoding::kJson);
  EXPECT_EQ(DetectEncoding(AsBytes(std::string_view("[{\"recnum\": 0, \"digests\": ["))),
            Encoding::kJson);
  // Other JSON is no CEL: a report, a manifest, an array of something else.
  EXPECT_FALSE(DetectEncoding(AsBytes(std::string_view("{\"verdict\": {\"records\": 1}}"))));
  EXPECT_FALSE(DetectEncoding(AsBytes(std::string_view("  \n{"))));
  EXPECT_FALSE(DetectEncoding(AsBytes(std::string_view("[1, 2, 3]"))));
  // A TCG log: PCR 0, EV_NO_ACTION (3), a zero SHA-1 digest.
  std::string tcg = std::string(4, '\0') + std::string("\x03\0\0\0", 4) + std::string(24, '\0');
  EXPECT_FALSE(DetectEncoding(AsBytes(tcg)));
  EXPECT_EQ(DetectEncoding(WriteTlv(Sample())), Encoding::kTlv);
}

}  // namespace
}  // namespace ccv::cel

namespace ccv::cel {
namespace {

TEST(CelMutationTest, RandomlyDamagedTlvAndJsonFailCleanly) {
  std::vector<uint8_t> tlv = WriteTlv(Sample());
  std::string json = WriteJson(Sample());
  uint64_t state = 99;
  auto rnd = [&]() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  int errors = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::vector<uint8_t> t = tlv;
    std::string j = json;
    size_t a = rnd() % t.size(), b = rnd() % j.size();
    if (rnd() % 2) {
      t[a] = uint8_t(rnd());
      j[b] = char(rnd());
    } else {
      t.resize(a);
      j.resize(b);
    }
    auto rt = ParseTlv(t);
    if (!rt.ok()) {
      ++errors;
      ASSERT_TRUE(rt.status().offset().has_value()) << rt.status().ToString();
      EXPECT_LE(*rt.status().offset(), t.size());
    }
    auto rj = ParseJson(j);
    if (!rj.ok()) ++errors;
  }
  EXPECT_GT(errors, 2000);
}

}  // namespace
}  // namespace ccv::cel
