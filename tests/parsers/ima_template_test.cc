// Template descriptors and field decoding for every template the kernel ships.
#include "parsers/ima_template.h"

#include <deque>

#include <gtest/gtest.h>

#include "tests/verifier/replay/ima_test_util.h"

namespace ccv::ima {
namespace {

using namespace ::ccv::testing;  // NOLINT: test helpers

std::vector<uint8_t> D(size_t n, uint8_t v) { return std::vector<uint8_t>(n, v); }

std::string Data(const std::vector<TField>& fields) {
  TEntry e;
  e.name = "x";
  e.fields = fields;
  return e.TemplateData();
}

// Decoded fields alias the data: keep every input alive for the whole test run.
Result<std::vector<DecodedField>> Decode(std::string_view name, const std::string& data,
                                         uint64_t base = 1000) {
  static std::deque<std::string> keep;
  keep.push_back(data);
  return DecodeTemplateData(name, AsBytes(keep.back()), base, Endian::kLittle);
}

TEST(ImaTemplateTest, KnowsEveryKernelTemplateAndImaCgpath) {
  struct Want {
    const char* name;
    std::vector<const char*> fields;
  };
  std::vector<Want> want = {
      {"ima", {"d", "n"}},
      {"ima-ng", {"d-ng", "n-ng"}},
      {"ima-ngv2", {"d-ngv2", "n-ng"}},
      {"ima-sig", {"d-ng", "n-ng", "sig"}},
      {"ima-sigv2", {"d-ngv2", "n-ng", "sig"}},
      {"ima-buf", {"d-ng", "n-ng", "buf"}},
      {"ima-modsig", {"d-ng", "n-ng", "sig", "d-modsig", "modsig"}},
      {"evm-sig",
       {"d-ng", "n-ng", "evmsig", "xattrnames", "xattrlengths", "xattrvalues", "iuid", "igid",
        "imode"}},
      {"ima-cgpath", {"dep", "cg-path", "d-ng", "n-ng"}},
  };
  for (const Want& w : want) {
    const TemplateDesc* d = FindTemplate(w.name);
    ASSERT_NE(d, nullptr) << w.name;
    ASSERT_EQ(d->fields.size(), w.fields.size()) << w.name;
    for (size_t i = 0; i < w.fields.size(); ++i) {
      EXPECT_EQ(GetFieldInfo(d->fields[i]).name, w.fields[i]) << w.name << " field " << i;
    }
  }
  EXPECT_EQ(FindTemplate("ima-foo"), nullptr);
  EXPECT_EQ(KnownTemplates().size(), want.size());
}

TEST(ImaTemplateTest, KernelAlgorithmSizes) {
  EXPECT_EQ(KernelHashAlgDigestLen("sha1"), 20u);
  EXPECT_EQ(KernelHashAlgDigestLen("sha384"), 48u);
  EXPECT_EQ(KernelHashAlgDigestLen("sm3"), 32u);
  EXPECT_EQ(KernelHashAlgDigestLen("md5"), 16u);
  EXPECT_EQ(KernelHashAlgDigestLen("sha3-512"), 64u);
  EXPECT_EQ(KernelHashAlgDigestLen("sha999"), 0u);
}

// Every name of crypto/hash_info.c (and the two older SM3 spellings) with its
// size, written out here independently of the table; names of 8 characters
// or fewer are compared as integers, longer ones as strings, so near misses
// of both kinds (a prefix, one more character, a NUL inside, the case) must
// find nothing.
TEST(ImaTemplateTest, EveryKernelAlgorithmNameAndNearMisses) {
  const std::pair<const char*, size_t> want[] = {
      {"md4", 16},      {"md5", 16},      {"sha1", 20},        {"rmd160", 20},
      {"sha256", 32},   {"sha384", 48},   {"sha512", 64},      {"sha224", 28},
      {"rmd128", 16},   {"rmd256", 32},   {"rmd320", 40},      {"wp256", 32},
      {"wp384", 48},    {"wp512", 64},    {"tgr128", 16},      {"tgr160", 20},
      {"tgr192", 24},   {"sm3", 32},      {"streebog256", 32}, {"streebog512", 64},
      {"sha3-256", 32}, {"sha3-384", 48}, {"sha3-512", 64},    {"sm3-256", 32},
      {"sm3_256", 32}};
  for (const auto& [name, len] : want) {
    const std::string n = name;
    SCOPED_TRACE(n);
    EXPECT_EQ(KernelHashAlgDigestLen(n), len);
    EXPECT_EQ(KernelHashAlgDigestLen(n.substr(0, n.size() - 1)),
              0u);  // no name is one short of another
    EXPECT_EQ(KernelHashAlgDigestLen(n + "0"), 0u);
    EXPECT_EQ(KernelHashAlgDigestLen(n + std::string(1, '\0')), 0u);
    std::string upper = n;
    upper[0] = char(upper[0] - 'a' + 'A');
    EXPECT_EQ(KernelHashAlgDigestLen(upper), 0u);
  }
  EXPECT_EQ(KernelHashAlgDigestLen(""), 0u);
  EXPECT_EQ(KernelHashAlgDigestLen(std::string("sha1\0\0\0\0", 8)), 0u);
  EXPECT_EQ(KernelHashAlgDigestLen("streebog25"), 0u);
}

TEST(ImaTemplateTest, DecodesImaNg) {
  auto dig = D(32, 0xab);
  auto f = Decode("ima-ng", Data({DNg("sha256", dig), Str("/usr/bin/ls")}));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->size(), 2u);
  EXPECT_EQ((*f)[0].id, FieldId::kDNg);
  EXPECT_EQ((*f)[0].algo, "sha256");
  EXPECT_EQ(ToHex((*f)[0].digest), ToHex(dig));
  EXPECT_EQ((*f)[0].offset, 1004u);
  EXPECT_EQ((*f)[1].text, "/usr/bin/ls");
}

TEST(ImaTemplateTest, DecodesImaNgV2WithDigestType) {
  auto dig = D(48, 1);
  auto f = Decode("ima-ngv2", Data({DNgV2("verity", "sha384", dig), Str("/a")}));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ((*f)[0].digest_type, "verity");
  EXPECT_EQ((*f)[0].algo, "sha384");
  EXPECT_EQ((*f)[0].digest.size(), 48u);
}

TEST(ImaTemplateTest, DecodesImaSigWithAndWithoutSignature) {
  auto sig = Vec("\x03\x02\x04sigbytes");
  auto f = Decode("ima-sig", Data({DNg("sha1", D(20, 2)), Str("/b"), HexField(sig)}));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(ToHex((*f)[2].raw), ToHex(sig));
  auto g = Decode("ima-sig", Data({DNg("sha1", D(20, 2)), Str("/b"), Empty()}));
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE((*g)[2].raw.empty());
}

TEST(ImaTemplateTest, DecodesImaBuf) {
  auto f = Decode("ima-buf", Data({DNg("sha256", D(32, 3)), Str("kexec-cmdline"),
                                   HexField(Vec("root=/dev/vda ro"))}));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)[1].text, "kexec-cmdline");
  EXPECT_EQ(std::string(AsChars((*f)[2].raw)), "root=/dev/vda ro");
}

TEST(ImaTemplateTest, DecodesImaModsigWithEmptyModsigFields) {
  auto f = Decode("ima-modsig", Data({DNg("sha256", D(32, 3)), Str("/m.ko"), Empty(),
                                      DNg("sha256", D(32, 4)), HexField(Vec("PKCS7"))}));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ((*f)[3].algo, "sha256");
  auto g = Decode("ima-modsig",
                  Data({DNg("sha256", D(32, 3)), Str("/m.ko"), Empty(), Empty(), Empty()}));
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_TRUE((*g)[3].digest.empty());
}

TEST(ImaTemplateTest, DecodesEvmSigIntegers) {
  auto f = Decode("evm-sig", Data({DNg("sha256", D(32, 5)), Str("/etc/x"), HexField(Vec("s")),
                                   Str("security.ima|security.evm"), HexField(D(8, 0)),
                                   HexField(D(3, 7)), U32(1000), U32(100), U16(0100644)}));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ((*f)[3].text, "security.ima|security.evm");
  EXPECT_EQ((*f)[6].uint_value, 1000u);
  EXPECT_EQ((*f)[7].uint_value, 100u);
  EXPECT_EQ((*f)[8].uint_value, 0100644u);
}

TEST(ImaTemplateTest, DecodesImaCgpath) {
  auto f = Decode("ima-cgpath",
                  Data({Str("runc:/usr/bin/containerd:swapper/0"), Str("/kubepods.slice/x.scope"),
                        DNg("sha384", D(48, 9)), Str("/pause")}));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ((*f)[0].id, FieldId::kDep);
  EXPECT_EQ((*f)[0].text, "runc:/usr/bin/containerd:swapper/0");
  EXPECT_EQ((*f)[1].text, "/kubepods.slice/x.scope");
  EXPECT_EQ((*f)[2].algo, "sha384");
  EXPECT_EQ((*f)[3].text, "/pause");
}

TEST(ImaTemplateTest, DecodesLegacyImaPaddedForm) {
  std::string data = Raw(D(20, 0x11)) + "/init";
  data.resize(276, '\0');
  auto f = Decode("ima", data);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)[0].algo, "sha1");
  EXPECT_EQ((*f)[1].text, "/init");
}

TEST(ImaTemplateTest, UnknownTemplateIsSplitFieldByField) {
  auto f = Decode("my-tmpl", Data({Str("a"), HexField(D(5, 1)), Empty()}));
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->size(), 3u);
  EXPECT_EQ((*f)[0].id, FieldId::kUnknown);
  EXPECT_EQ((*f)[1].raw.size(), 5u);
}

TEST(ImaTemplateTest, KeepsNonUtf8PathBytes) {
  std::string path = "/tmp/\xff\xfe\x80name";
  auto f = Decode("ima-ng", Data({DNg("sha256", D(32, 1)), Str(path)}));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)[1].text, path);
}

// --- corrupted template data: code and absolute offset ---

struct Bad {
  const char* name;
  std::string tmpl;
  std::string data;
  ErrorCode code;
  uint64_t offset;  // relative to the template data
};

// Every digest algorithm name kernels have printed maps to its length; a
// name no table lists keeps its digest raw, marked unknown.
TEST(ImaTemplateTest, KernelAlgorithmNamesAndUnknownOnes) {
  struct N {
    const char* name;
    size_t len;
  };
  for (const N& n :
       {N{"sha1", 20}, N{"sha256", 32}, N{"sha384", 48}, N{"sha512", 64}, N{"sm3", 32},
        N{"sm3-256", 32}, N{"sm3_256", 32}, N{"md5", 16}, N{"rmd160", 20}, N{"sha224", 28},
        N{"wp512", 64}, N{"tgr192", 24}, N{"streebog256", 32}, N{"streebog512", 64}}) {
    EXPECT_EQ(KernelHashAlgDigestLen(n.name), n.len) << n.name;
    auto r = Decode("ima-ng", Data({DNg(n.name, D(n.len, 7)), Str("/p")}), 0);
    ASSERT_TRUE(r.ok()) << n.name << ": " << r.status().ToString();
    EXPECT_EQ((*r)[0].algo, n.name);
    EXPECT_TRUE((*r)[0].algo_known) << n.name;
    EXPECT_EQ((*r)[0].digest.size(), n.len);
  }
  for (size_t len : {size_t{1}, size_t{20}, size_t{64}}) {
    auto r = Decode("ima-ng", Data({DNg("whirl-9", D(len, 7)), Str("/p")}), 0);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ((*r)[0].algo, "whirl-9");
    EXPECT_FALSE((*r)[0].algo_known);
    EXPECT_EQ((*r)[0].digest.size(), len);
  }
  EXPECT_FALSE(Decode("ima-ng", Data({DNg("whirl-9", D(65, 7)), Str("/p")}), 0).ok());
}

TEST(ImaTemplateTest, RejectsCorruptedFieldsWithCodeAndOffset) {
  auto ok_d = DNg("sha256", D(32, 1));
  std::string ng_ok = Data({ok_d, Str("/p")});
  std::vector<Bad> cases = {
      {"length runs past end", "ima-ng", ng_ok.substr(0, ng_ok.size() - 1), ErrorCode::kTruncated,
       4 + ok_d.raw.size()},
      {"partial length", "ima-ng", ng_ok + std::string("\x01\x00", 2), ErrorCode::kTruncated,
       ng_ok.size()},
      {"three fields for ima-ng", "ima-ng", Data({ok_d, Str("/p"), Str("x")}),
       ErrorCode::kBadLength, Data({ok_d, Str("/p"), Str("x")}).size()},
      {"one field for ima-ng", "ima-ng", Data({ok_d}), ErrorCode::kBadLength, Data({ok_d}).size()},
      {"no algorithm name", "ima-ng", Data({DNg("SHA 999", D(32, 1)), Str("/p")}),
       ErrorCode::kBadValue, 4},
      {"unknown algorithm, empty digest", "ima-ng", Data({DNg("sha999", {}), Str("/p")}),
       ErrorCode::kBadLength, 4 + 8},
      {"digest length wrong", "ima-ng", Data({DNg("sha256", D(31, 1)), Str("/p")}),
       ErrorCode::kBadLength, 4 + 8},
      {"no NUL after algorithm", "ima-ng", Data({{"sha256:" + Raw(D(32, 1)), ""}, Str("/p")}),
       ErrorCode::kBadValue, 4},
      {"no colon before NUL", "ima-ng",
       Data({{"sha256" + std::string(1, '\0') + Raw(D(32, 1)), ""}, Str("/p")}),
       ErrorCode::kBadValue, 4},
      {"empty d-ng", "ima-ng", Data({Empty(), Str("/p")}), ErrorCode::kBadLength, 4},
      {"path without NUL", "ima-ng", Data({ok_d, {"/p", ""}}), ErrorCode::kBadValue,
       4 + ok_d.raw.size() + 4 + 1},
      {"NUL inside path", "ima-ng", Data({ok_d, {std::string("/a\0b\0", 5), ""}}),
       ErrorCode::kBadValue, 4 + ok_d.raw.size() + 4 + 2},
      {"unknown digest type", "ima-ngv2", Data({DNgV2("foo", "sha256", D(32, 1)), Str("/p")}),
       ErrorCode::kBadValue, 4},
      {"d-ngv2 without type", "ima-ngv2", Data({DNg("sha256", D(32, 1)), Str("/p")}),
       ErrorCode::kBadValue, 4},
      {"3-byte imode", "evm-sig",
       Data({ok_d, Str("/p"), Empty(), Empty(), Empty(), Empty(), U32(0), U32(0), {"abc", ""}}),
       ErrorCode::kBadLength,
       Data({ok_d, Str("/p"), Empty(), Empty(), Empty(), Empty(), U32(0), U32(0)}).size() + 4},
      {"legacy ima of 275 bytes", "ima", std::string(275, 'a'), ErrorCode::kBadLength, 0},
      {"cgpath dep without NUL", "ima-cgpath", Data({{"runc", ""}, Str("-"), ok_d, Str("/p")}),
       ErrorCode::kBadValue, 4 + 3},
  };
  for (const Bad& c : cases) {
    auto r = Decode(c.tmpl, c.data, 1000);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), c.code) << c.name << ": " << r.status().ToString();
    ASSERT_TRUE(r.status().offset().has_value()) << c.name;
    EXPECT_EQ(*r.status().offset(), 1000 + c.offset) << c.name << ": " << r.status().ToString();
  }
}

TEST(ImaTemplateTest, WalkFieldsCapsFieldCount) {
  std::string data;
  for (int i = 0; i < 100; ++i) data += LeU32(0);
  std::vector<DecodedField> out;
  Status s = WalkFields(AsBytes(data), 0, Endian::kLittle, 0, &out);
  EXPECT_EQ(s.code(), ErrorCode::kLimitExceeded);
  EXPECT_EQ(s.offset(), 64u * 4);
}

TEST(ImaTemplateTest, BigEndianLengths) {
  TEntry e = NgEntry("/be");
  e.big_endian = true;
  std::string data = e.TemplateData();
  auto le = DecodeTemplateData("ima-ng", AsBytes(data), 0, Endian::kLittle);
  EXPECT_FALSE(le.ok());
  auto be = DecodeTemplateData("ima-ng", AsBytes(data), 0, Endian::kBig);
  ASSERT_TRUE(be.ok()) << be.status().ToString();
  EXPECT_EQ((*be)[1].text, "/be");
}

// --- rebuild from ascii tokens equals the kernel's template data ---

TEST(ImaTemplateTest, RebuildMatchesKernelLayoutForEveryTemplate) {
  std::vector<std::pair<std::string, std::vector<TField>>> cases = {
      {"ima-ng", {DNg("sha256", D(32, 1)), Str("/a")}},
      {"ima-ngv2", {DNgV2("ima", "sha256", D(32, 1)), Str("/a")}},
      {"ima-sig", {DNg("sha1", D(20, 1)), Str("/a"), HexField(D(10, 0xee))}},
      {"ima-sig", {DNg("sha1", D(20, 1)), Str("/a"), Empty()}},
      {"ima-sigv2", {DNgV2("verity", "sha256", D(32, 1)), Str("/a"), Empty()}},
      {"ima-buf", {DNg("sha256", D(32, 1)), Str("kexec-cmdline"), HexField(Vec("x y"))}},
      {"ima-modsig", {DNg("sha256", D(32, 1)), Str("/m"), Empty(), Empty(), Empty()}},
      {"ima-modsig",
       {DNg("sha256", D(32, 1)), Str("/m"), HexField(D(4, 1)), DNg("sha512", D(64, 2)),
        HexField(D(7, 3))}},
      {"evm-sig",
       {DNg("sha256", D(32, 1)), Str("/e"), HexField(D(5, 1)), Str("security.ima"),
        HexField(D(4, 0)), HexField(D(6, 9)), U32(0), U32(4294967295u), U16(0100755)}},
      {"evm-sig",
       {DNg("sha256", D(32, 1)), Str("/e"), Empty(), Empty(), Empty(), Empty(), Empty(), Empty(),
        Empty()}},
      {"ima-cgpath", {Str("a:b"), Str("-"), DNg("sha384", D(48, 1)), Str("/c")}},
  };
  for (const auto& [name, fields] : cases) {
    TEntry e;
    e.name = name;
    e.fields = fields;
    std::vector<std::string_view> tokens;
    for (const TField& f : fields) tokens.push_back(f.ascii);
    std::vector<uint8_t> out;
    size_t bad = 99;
    Status s = RebuildTemplateData(*FindTemplate(name), tokens, Endian::kLittle, &out, &bad);
    ASSERT_TRUE(s.ok()) << name << ": " << s.ToString();
    EXPECT_EQ(std::string(AsChars(out)), e.TemplateData()) << name;
  }
}

// RebuiltDataDecodes lets the ascii reader skip the decode: whenever it says
// yes, the decode must accept. Every template's tokens with single edits
// (NUL bytes, digest types, ':' in names, lengths, empty tokens, the legacy
// digest length): each rebuilt without error is tried both ways.
TEST(ImaTemplateTest, RebuiltDataDecodesNeverAcceptsWhatTheDecodeRejects) {
  std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"ima", {std::string(40, 'a'), "/legacy"}},
      {"ima-ng", {"sha256:" + std::string(64, 'b'), "/a"}},
      {"ima-ngv2", {"ima:sha256:" + std::string(64, 'c'), "/a"}},
      {"ima-sigv2", {"verity:sha1:" + std::string(40, 'd'), "/a", ""}},
      {"ima-sig", {"sha1:" + std::string(40, 'e'), "/a", "0302"}},
      {"ima-buf", {"sha256:" + std::string(64, 'f'), "kexec-cmdline", "6162"}},
      {"ima-modsig", {"sha256:" + std::string(64, '1'), "/m", "", "", ""}},
      {"evm-sig",
       {"sha256:" + std::string(64, '2'), "/e", "", "security.ima", "", "", "0", "1000", "33188"}},
      {"ima-cgpath", {"runc:/bin/sh", "/kubepods.slice/x", "sha384:" + std::string(96, '3'), "/c"}},
  };
  const std::vector<std::string> edits = {std::string("\0", 1),
                                          std::string("a\0b", 3),
                                          ":",
                                          "verity:",
                                          "foo:",
                                          "ima:",
                                          "0",
                                          "",
                                          "sha1:",
                                          std::string(40, '9'),
                                          std::string(38, '9'),
                                          "00"};
  int agreed = 0, deferred = 0;
  for (const auto& [name, base] : cases) {
    const TemplateDesc& desc = *FindTemplate(name);
    for (size_t tok = 0; tok < base.size(); ++tok) {
      for (const std::string& edit : edits) {
        for (int mode = 0; mode < 3; ++mode) {  // replace, prefix, append
          std::vector<std::string> t = base;
          t[tok] = mode == 0 ? edit : mode == 1 ? edit + t[tok] : t[tok] + edit;
          std::vector<std::string_view> tokens(t.begin(), t.end());
          std::vector<uint8_t> out;
          size_t bad = 0;
          if (!RebuildTemplateData(desc, tokens, Endian::kLittle, &out, &bad).ok()) continue;
          std::vector<DecodedField> fields;
          Status decoded = DecodeTemplateDataInto(name, out, 0, Endian::kLittle, &fields);
          if (RebuiltDataDecodes(desc, tokens)) {
            EXPECT_TRUE(decoded.ok()) << name << " token " << tok << ": " << decoded.ToString();
            ++agreed;
          } else {
            ++deferred;
          }
        }
      }
    }
  }
  // Both answers occur: the test exercises the shortcut and the fallback.
  EXPECT_GT(agreed, 50);
  EXPECT_GT(deferred, 10);
}

TEST(ImaTemplateTest, RebuildLegacyImaPadsNameTo256) {
  std::string hex = ToHex(D(20, 7));
  std::vector<std::string_view> tokens = {hex, "/init"};
  std::vector<uint8_t> out;
  size_t bad = 0;
  ASSERT_TRUE(RebuildTemplateData(*FindTemplate("ima"), tokens, Endian::kLittle, &out, &bad).ok());
  ASSERT_EQ(out.size(), 276u);
  EXPECT_EQ(std::string(AsChars(out).substr(20, 6)), std::string("/init\0", 6));
  EXPECT_EQ(out[275], 0);
}

TEST(ImaTemplateTest, RebuildRejectsBadTokensNamingTheToken) {
  struct R {
    const char* tmpl;
    std::vector<std::string> tokens;
    ErrorCode code;
    size_t bad;
  };
  std::string d256 = "sha256:" + ToHex(D(32, 1));
  std::vector<R> cases = {
      {"ima-ng", {d256}, ErrorCode::kBadLength, 1},
      {"ima-ng", {d256, "/a", "extra"}, ErrorCode::kBadLength, 2},
      {"ima-ng", {"Sha/999:" + ToHex(D(32, 1)), "/a"}, ErrorCode::kBadValue, 0},
      {"ima-ng", {"sha999:" + ToHex(D(32, 1)) + "0", "/a"}, ErrorCode::kBadLength, 0},
      {"ima-ng", {"sha256:" + ToHex(D(31, 1)), "/a"}, ErrorCode::kBadLength, 0},
      {"ima-ng", {"sha256:" + std::string(64, 'g'), "/a"}, ErrorCode::kBadValue, 0},
      {"ima-ng", {ToHex(D(32, 1)), "/a"}, ErrorCode::kBadValue, 0},
      {"ima-sig", {d256, "/a", "abc"}, ErrorCode::kBadValue, 2},
      {"ima-ngv2", {d256, "/a"}, ErrorCode::kBadValue, 0},
      {"evm-sig", {d256, "/a", "", "", "", "", "x", "", ""}, ErrorCode::kBadValue, 6},
      {"evm-sig", {d256, "/a", "", "", "", "", "", "", "65536"}, ErrorCode::kBadValue, 8},
      {"ima", {ToHex(D(19, 1)), "/a"}, ErrorCode::kBadValue, 0},
      {"ima", {ToHex(D(20, 1)), std::string(256, 'a')}, ErrorCode::kBadLength, 1},
  };
  for (const R& c : cases) {
    std::vector<std::string_view> tokens(c.tokens.begin(), c.tokens.end());
    std::vector<uint8_t> out;
    size_t bad = 99;
    Status s = RebuildTemplateData(*FindTemplate(c.tmpl), tokens, Endian::kLittle, &out, &bad);
    EXPECT_EQ(s.code(), c.code) << c.tmpl << " " << s.ToString();
    EXPECT_EQ(bad, c.bad) << c.tmpl << " " << s.ToString();
  }
}

}  // namespace
}  // namespace ccv::ima
