// The shortcuts of the 1M-entry replay path against the checked code they
// stand in for: TemplateDataDecodes (the binary reader's fast path) never
// accepts data the decoder rejects, and MayBeBootAggregate never filters out
// an entry FindBootAggregate would find.
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/ima_log.h"
#include "parsers/ima_template.h"
#include "tests/verifier/replay/ima_test_util.h"
#include "verifier/replay/ima_boot_aggregate.h"

namespace ccv::replay {
namespace {

using namespace ::ccv::testing;  // NOLINT: test helpers

std::vector<uint8_t> Sha(HashAlg alg, std::string_view s) {
  Digest d = crypto::Hash(alg, AsBytes(s));
  return {d.span().begin(), d.span().end()};
}

// `base` as template `name`, with `more` fields after its own.
TEntry WithFields(TEntry base, const char* name, std::initializer_list<TField> more) {
  base.name = name;
  base.fields.insert(base.fields.end(), more);
  return base;
}

// Valid entries of every template, named `path`.
std::vector<TEntry> Entries(const std::string& path) {
  TEntry ng = NgEntry(path);
  TEntry sig = WithFields(ng, "ima-sig", {HexField(Vec("\x03\x02sig"))});
  TEntry nosig = sig;
  nosig.fields[2] = Empty();
  TEntry v2 = ng;
  v2.name = "ima-ngv2";
  v2.fields[0] = DNgV2("ima", "sha256", Sha(HashAlg::kSha256, "x"));
  TEntry cg;
  cg.name = "ima-cgpath";
  cg.fields = {Str("dep"), Str("/cg"), DNg("sha384", Sha(HashAlg::kSha384, "y")), Str(path)};
  TEntry legacy;
  legacy.name = "ima";
  legacy.fields = {HexField(Sha(HashAlg::kSha1, "z")), Str(path)};
  return {ng,
          sig,
          nosig,
          WithFields(ng, "ima-buf", {HexField(Vec("buffer"))}),
          v2,
          cg,
          WithFields(sig, "ima-modsig", {Empty(), Empty()}),
          legacy};
}

bool Decodes(const ima::TemplateDesc& desc, const std::string& data, ima::Endian en) {
  std::vector<ima::DecodedField> fields;
  return ima::DecodeTemplateDataInto(desc.name, AsBytes(data), 0, en, &fields).ok();
}

bool FindsBootAggregate(const ima::TemplateDesc& desc, const std::string& data, ima::Endian en) {
  std::vector<ima::DecodedField> fields;
  if (!ima::DecodeTemplateDataInto(desc.name, AsBytes(data), 0, en, &fields).ok()) return false;
  return FindBootAggregate(fields).has_value();
}

// `data` with every one-byte change (to NUL, ':', 0xff and the next value),
// every cut, one NUL more, and `random` copies with `per_copy` random bytes.
std::vector<std::string> Variants(const std::string& data, std::mt19937& rng, int random,
                                  int per_copy) {
  std::vector<std::string> variants;
  for (size_t i = 0; i < data.size(); ++i) {
    for (uint8_t v : {uint8_t(0), uint8_t(':'), uint8_t(0xff), uint8_t(data[i] + 1)}) {
      std::string m = data;
      m[i] = char(v);
      variants.push_back(m);
    }
    variants.push_back(data.substr(0, i));
  }
  variants.push_back(data + std::string(1, '\0'));
  for (int r = 0; r < random; ++r) {
    std::string m = data;
    for (int k = 0; k < per_copy; ++k) m[rng() % m.size()] = char(rng());
    variants.push_back(m);
  }
  return variants;
}

TEST(ImaFastPathTest, TemplateDataDecodesTakesTypicalEntriesAndNothingTheDecoderRejects) {
  std::mt19937 rng(7);
  size_t accepted = 0, checked = 0;
  for (bool big : {false, true}) {
    const ima::Endian en = big ? ima::Endian::kBig : ima::Endian::kLittle;
    for (TEntry e : Entries("/usr/bin/boot_aggregate")) {
      e.big_endian = big;
      const ima::TemplateDesc* desc = ima::FindTemplate(e.name);
      ASSERT_NE(desc, nullptr) << e.name;
      const std::string data = e.TemplateData();
      ASSERT_TRUE(Decodes(*desc, data, en)) << e.name;
      if (e.name == "ima-ng" || e.name == "ima-sig" || e.name == "ima-buf" ||
          e.name == "ima-cgpath") {
        EXPECT_TRUE(ima::TemplateDataDecodes(*desc, AsBytes(data), en)) << e.name;
      }
      // Every one-byte change, cut and extension, and random bytes.
      const std::vector<std::string> variants = Variants(data, rng, 200, 3);
      for (const std::string& m : variants) {
        ++checked;
        if (!ima::TemplateDataDecodes(*desc, AsBytes(m), en)) continue;
        ++accepted;
        EXPECT_TRUE(Decodes(*desc, m, en)) << e.name << ": " << ToHex(AsBytes(m));
      }
    }
  }
  EXPECT_GT(accepted, 100u) << "of " << checked;
}

TEST(ImaFastPathTest, NgDataCheckAnswersAsTemplateDataDecodesWhateverItRemembers) {
  // One checker across all inputs (its remembered prefix changes with them)
  // and a fresh one per input must both give TemplateDataDecodes' answer.
  const ima::TemplateDesc* ng = ima::FindTemplate("ima-ng");
  ASSERT_NE(ng, nullptr);
  std::mt19937 rng(13);
  ima::NgDataCheck shared;
  size_t accepted = 0, checked = 0;
  for (bool big : {false, true}) {
    const ima::Endian en = big ? ima::Endian::kBig : ima::Endian::kLittle;
    for (std::string_view alg : {"sha256", "sha1", "md5", "sha512", "sm3", "streebog256",
                                 "sha3-256", "sha256", "sha384"}) {
      for (const std::string& path : {std::string("/usr/bin/x"), std::string("/"),
                                      std::string("/a/much/longer/path/to/a/library.so.1")}) {
        TEntry e;
        e.big_endian = big;
        e.fields = {DNg(alg, std::vector<uint8_t>(ima::KernelHashAlgDigestLen(alg), 0x5a)),
                    Str(path)};
        const std::string data = e.TemplateData();
        const std::vector<std::string> variants = Variants(data, rng, 100, 2);
        for (const std::string& m : variants) {
          const bool want = ima::TemplateDataDecodes(*ng, AsBytes(m), en);
          ima::NgDataCheck fresh;
          ++checked;
          accepted += want;
          ASSERT_EQ(fresh.Decodes(AsBytes(m), en), want) << alg << ": " << ToHex(AsBytes(m));
          ASSERT_EQ(shared.Decodes(AsBytes(m), en), want) << alg << ": " << ToHex(AsBytes(m));
          // Again after the valid entry, so the prefix remembered is its own.
          ASSERT_TRUE(shared.Decodes(AsBytes(data), en)) << alg;
          ASSERT_EQ(shared.Decodes(AsBytes(m), en), want) << alg << ": " << ToHex(AsBytes(m));
        }
      }
    }
  }
  EXPECT_GT(accepted, 200u) << "of " << checked;
}

TEST(ImaFastPathTest, BootAggregateFilterKeepsEveryEntryTheCheckFinds) {
  std::mt19937 rng(11);
  for (const std::string& name :
       {std::string("boot_aggregate"), std::string("boot_aggregate2"),
        std::string("/boot_aggregate"), std::string("boot_aggregat"), std::string("/usr/bin/x")}) {
    for (TEntry e : Entries(name)) {
      const ima::TemplateDesc* desc = ima::FindTemplate(e.name);
      ASSERT_NE(desc, nullptr);
      const std::string data = e.TemplateData();
      const bool found = FindsBootAggregate(*desc, data, ima::Endian::kLittle);
      EXPECT_EQ(found, name == "boot_aggregate") << e.name << " " << name;
      // With the template known, the filter is exact on valid data.
      EXPECT_EQ(MayBeBootAggregate(desc, AsBytes(data), ima::Endian::kLittle), found)
          << e.name << " " << name;
      // Without it, a search for the string.
      EXPECT_EQ(MayBeBootAggregate(nullptr, AsBytes(data), ima::Endian::kLittle),
                data.find("boot_aggregate") != std::string::npos);
      // Damaged data: never filtered out when the check would find one.
      for (int r = 0; r < 300; ++r) {
        std::string m = data;
        m[rng() % m.size()] = char(rng() % 4 == 0 ? 0 : rng());
        if (FindsBootAggregate(*desc, m, ima::Endian::kLittle)) {
          EXPECT_TRUE(MayBeBootAggregate(desc, AsBytes(m), ima::Endian::kLittle))
              << e.name << ": " << ToHex(AsBytes(m));
        }
      }
    }
  }
}

// Reads `list` whole with `ro`: each entry as one line of text (every field
// the reader sets), or those before the first error, in *error.
std::vector<std::string> ReadAll(const std::string& list, const ima::ReadOptions& ro,
                                 std::string* error) {
  ima::LogReader r(ima::SpanSource(AsBytes(list)), ro);
  std::vector<std::string> out;
  std::vector<ima::Entry> batch;
  for (;;) {
    Status s = r.NextBatch(&batch);
    if (!s.ok()) {
      *error = s.ToString();
      return out;
    }
    if (batch.empty()) return out;
    for (const ima::Entry& e : batch) {
      out.push_back(std::to_string(e.index) + " " + std::to_string(e.offset) + " " +
                    std::to_string(e.pcr) + " " + ToHex(e.listed_hash.span()) + " " +
                    std::string(e.template_name) + " " + std::to_string(e.template_data_offset) +
                    " " + (e.desc != nullptr ? std::string(e.desc->name) : "-") + " " +
                    ToHex(e.template_data));
    }
  }
}

std::vector<std::string> ReadAscii(const std::string& list, std::string* error) {
  ima::ReadOptions ro;
  ro.format = ima::LogFormat::kAscii;
  return ReadAll(list, ro, error);
}

TEST(ImaFastPathTest, AsciiNgShortcutBuildsWhatTheCheckedRebuildBuilds) {
  // Every ima-ng line, damaged or not, read by the reader (shortcut first)
  // and rebuilt here from its tokens by the checked code: the same data, or
  // both refuse.
  std::mt19937 rng(5);
  std::string line = NgEntry("/usr/lib/x.so").Ascii(HashAlg::kSha256);
  line.pop_back();  // the newline
  const size_t fields_at = line.find(" ima-ng ") + 8;
  const ima::TemplateDesc* desc = ima::FindTemplate("ima-ng");
  ASSERT_NE(desc, nullptr);
  std::vector<std::string> variants = {line};
  const std::string alphabet = std::string(" :0aFgz\t\r/", 10) + std::string(1, '\0');
  for (size_t i = fields_at; i < line.size(); ++i) {
    for (char c : alphabet) {
      std::string m = line;
      m[i] = c;
      variants.push_back(m);
    }
    variants.push_back(line.substr(0, i));
    variants.push_back(line.substr(0, i) + " " + line.substr(i));
  }
  for (int r = 0; r < 500; ++r) {
    std::string m = line;
    m[fields_at + rng() % (m.size() - fields_at)] = alphabet[rng() % alphabet.size()];
    variants.push_back(m);
  }
  size_t same = 0;
  for (const std::string& v : variants) {
    std::string error;
    // A known-good first line fixes the listed hash length for the second.
    const std::vector<std::string> got = ReadAscii(line + "\n" + v + "\n", &error);
    std::vector<std::string_view> tokens;
    const std::string_view fields = std::string_view(v).substr(std::min(fields_at, v.size()));
    for (size_t p = 0; p <= fields.size();) {
      size_t q = fields.find(' ', p);
      if (q == std::string_view::npos) q = fields.size();
      tokens.push_back(fields.substr(p, q - p));
      p = q + 1;
    }
    std::vector<uint8_t> want;
    size_t bad = 0;
    Status st = ima::RebuildTemplateData(*desc, tokens, ima::Endian::kLittle, &want, &bad);
    std::vector<ima::DecodedField> decoded;
    if (st.ok())
      st = ima::DecodeTemplateDataInto("ima-ng", want, 0, ima::Endian::kLittle, &decoded);
    if (v.size() <= fields_at || !st.ok()) {
      EXPECT_FALSE(error.empty() && got.size() == 2) << ToHex(AsBytes(v));
      continue;
    }
    ASSERT_TRUE(error.empty()) << error << " for " << ToHex(AsBytes(v));
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[1].substr(got[1].rfind(' ') + 1), ToHex(want)) << ToHex(AsBytes(v));
    ++same;
  }
  EXPECT_GT(same, 10u);
}

TEST(ImaFastPathTest, BinaryReaderGivesTheSameEntriesWhateverTheBufferSize) {
  // Entries split at every buffer boundary go through the checked path,
  // whole ones through the fast path: the same entries either way.
  std::string list;
  for (int i = 0; i < 40; ++i) {
    for (const TEntry& e : Entries("/f" + std::to_string(i))) list += e.Binary(HashAlg::kSha256);
  }
  auto read_all = [&](size_t buffer) {
    ima::ReadOptions ro;
    ro.format = ima::LogFormat::kBinary;
    ro.initial_buffer = buffer;
    ro.max_batch = 5;
    std::string error;
    std::vector<std::string> out = ReadAll(list, ro, &error);
    EXPECT_EQ(error, "") << buffer;
    return out;
  };
  const std::vector<std::string> whole = read_all(list.size() + 1);
  ASSERT_EQ(whole.size(), 40u * Entries("").size());
  for (size_t buffer : {64, 100, 333, 1000}) EXPECT_EQ(read_all(buffer), whole) << buffer;
}

}  // namespace
}  // namespace ccv::replay
