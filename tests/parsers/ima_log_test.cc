// Streaming IMA list readers: both forms, every template, corrupted entries
// (error code plus byte offset or line and column), chunk boundaries.
#include "parsers/ima_log.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <gtest/gtest.h>

#include "tests/verifier/replay/ima_test_util.h"

namespace ccv::ima {
namespace {

using namespace ::ccv::testing;  // NOLINT: test helpers

std::vector<uint8_t> D(size_t n, uint8_t v) { return std::vector<uint8_t>(n, v); }

// Entries copied out of the reader's buffers.
struct Got {
  uint32_t pcr;
  std::string listed;
  std::string name;
  std::string data;
  uint64_t offset, line;
};

// A source returning at most `step` bytes per call (chunk boundaries
// everywhere).
ChunkSource Trickle(const std::string& s, size_t step) {
  size_t pos = 0;
  return [&s, pos, step](std::span<uint8_t> out) mutable -> Result<size_t> {
    size_t n = std::min({out.size(), step, s.size() - pos});
    std::memcpy(out.data(), s.data() + pos, n);
    pos += n;
    return n;
  };
}

Result<std::vector<Got>> ReadAll(const std::string& log, ReadOptions opt, size_t step = 0) {
  LogReader r(step ? Trickle(log, step) : SpanSource(AsBytes(log)), opt);
  std::vector<Got> all;
  std::vector<Entry> batch;
  for (;;) {
    CCV_RETURN_IF_ERROR(r.NextBatch(&batch));
    if (batch.empty()) break;
    for (const Entry& e : batch) {
      all.push_back({e.pcr, std::string(AsChars(e.listed_hash.span())),
                     std::string(e.template_name), std::string(AsChars(e.template_data)), e.offset,
                     e.line});
    }
  }
  return all;
}

ReadOptions Bin(std::optional<HashAlg> alg = std::nullopt) {
  ReadOptions o;
  o.format = LogFormat::kBinary;
  o.listed_hash_alg = alg;
  return o;
}

std::vector<TEntry> EveryTemplate() {
  std::vector<TEntry> v;
  auto add = [&](std::string name, std::vector<TField> f) {
    TEntry e;
    e.name = std::move(name);
    e.fields = std::move(f);
    v.push_back(e);
  };
  add("ima", {HexField(D(20, 1)), Str("/legacy")});
  add("ima-ng", {DNg("sha256", D(32, 2)), Str("/usr/bin/ng")});
  add("ima-ngv2", {DNgV2("ima", "sha256", D(32, 3)), Str("/ngv2")});
  add("ima-sig", {DNg("sha256", D(32, 4)), Str("/sig"), HexField(Vec("\x03\x02sig"))});
  add("ima-sig", {DNg("sha256", D(32, 4)), Str("/nosig"), Empty()});
  add("ima-sigv2", {DNgV2("verity", "sha256", D(32, 4)), Str("/v"), Empty()});
  add("ima-buf", {DNg("sha256", D(32, 5)), Str("kexec-cmdline"), HexField(Vec("console=ttyS0"))});
  add("ima-modsig",
      {DNg("sha256", D(32, 6)), Str("/m.ko"), Empty(), DNg("sha256", D(32, 7)), HexField(D(9, 8))});
  add("evm-sig",
      {DNg("sha256", D(32, 9)), Str("/etc/e"), HexField(D(3, 1)), Str("security.ima|security.evm"),
       HexField(D(8, 2)), HexField(D(5, 3)), U32(0), U32(1000), U16(0100644)});
  add("ima-cgpath", {Str("runc:/usr/bin/containerd-shim:swapper/0"),
                     Str("/kubepods.slice/kubepods-podx.slice/cri-containerd-y.scope"),
                     DNg("sha384", D(48, 10)), Str("/pause")});
  TEntry viol = NgEntry("/violation");
  viol.violation = true;
  viol.fields[0] = DNg("sha256", D(32, 0));
  v.push_back(viol);
  return v;
}

TEST(ImaLogTest, DetectsFormat) {
  EXPECT_EQ(DetectLogFormat(AsBytes(std::string_view("10 abc"))), LogFormat::kAscii);
  EXPECT_EQ(DetectLogFormat(AsBytes(std::string_view(" 2 abc"))), LogFormat::kAscii);
  EXPECT_EQ(DetectLogFormat(AsBytes(std::string_view("\x0a\0\0\0", 4))), LogFormat::kBinary);
  EXPECT_EQ(DetectLogFormat({}), LogFormat::kBinary);
}

TEST(ImaLogTest, AsciiAndBinaryGiveTheKernelTemplateDataForEveryTemplate) {
  std::string ascii, bin;
  auto entries = EveryTemplate();
  for (const TEntry& e : entries) {
    ascii += e.Ascii();
    bin += e.Binary();
  }
  auto a = ReadAll(ascii, {});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = ReadAll(bin, Bin());
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_EQ(a->size(), entries.size());
  ASSERT_EQ(b->size(), entries.size());
  uint64_t off = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    SCOPED_TRACE(entries[i].name);
    EXPECT_EQ((*a)[i].data, entries[i].TemplateData());
    EXPECT_EQ((*b)[i].data, entries[i].TemplateData());
    EXPECT_EQ((*a)[i].listed, entries[i].Listed(HashAlg::kSha1));
    EXPECT_EQ((*b)[i].listed, entries[i].Listed(HashAlg::kSha1));
    EXPECT_EQ((*a)[i].name, entries[i].name);
    EXPECT_EQ((*a)[i].pcr, 10u);
    EXPECT_EQ((*a)[i].line, i + 1);
    EXPECT_EQ((*b)[i].offset, off);
    off += entries[i].Binary().size();
  }
}

TEST(ImaLogTest, ChunkBoundariesAndBatchSizesDoNotChangeEntries) {
  std::string ascii, bin;
  for (int i = 0; i < 50; ++i) {
    for (const TEntry& e : EveryTemplate()) {
      ascii += e.Ascii();
      bin += e.Binary();
    }
  }
  auto a1 = ReadAll(ascii, {});
  auto b1 = ReadAll(bin, Bin());
  ASSERT_TRUE(a1.ok() && b1.ok());
  for (size_t step : {1u, 3u, 7u, 64u, 1000u}) {
    ReadOptions o;
    o.max_batch = step % 5 + 1;
    o.initial_buffer = step * 16;  // grows from below one entry's size
    auto a = ReadAll(ascii, o, step);
    ASSERT_TRUE(a.ok()) << step << " " << a.status().ToString();
    ReadOptions ob = Bin();
    ob.max_batch = 13;
    ob.initial_buffer = step * 16;
    auto b = ReadAll(bin, ob, step);
    ASSERT_TRUE(b.ok()) << step << " " << b.status().ToString();
    ASSERT_EQ(a->size(), a1->size());
    ASSERT_EQ(b->size(), b1->size());
    for (size_t i = 0; i < a->size(); ++i) {
      EXPECT_EQ((*a)[i].data, (*a1)[i].data);
      EXPECT_EQ((*b)[i].data, (*b1)[i].data);
      EXPECT_EQ((*b)[i].data, (*a)[i].data);
      EXPECT_EQ((*a)[i].offset, (*a1)[i].offset);
      EXPECT_EQ((*a)[i].line, (*a1)[i].line);
      EXPECT_EQ((*b)[i].offset, (*b1)[i].offset);
    }
  }
}

// The hash length of a binary list is guessed from its first entry, which
// may be longer than what the first buffer or the first read held.
TEST(ImaLogTest, BinaryHashLengthIsDetectedWhateverTheFirstReadHeld) {
  for (HashAlg alg : {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384, HashAlg::kSha512}) {
    std::string bin;
    for (int i = 0; i < 20; ++i) bin += NgEntry("/p" + std::to_string(i)).Binary(alg);
    for (size_t buffer : {64u, 100u, 300u}) {
      for (size_t step : {1u, 9u, 64u, 4096u}) {
        ReadOptions o = Bin();
        o.initial_buffer = buffer;
        LogReader r(Trickle(bin, step), o);
        std::vector<Entry> batch;
        ASSERT_TRUE(r.NextBatch(&batch).ok()) << HashAlgName(alg) << " " << buffer << " " << step;
        ASSERT_FALSE(batch.empty());
        EXPECT_EQ(r.listed_hash_alg(), alg) << buffer << " " << step;
        EXPECT_EQ(std::string(AsChars(batch[0].template_data)), NgEntry("/p0").TemplateData());
      }
    }
  }
}

// Every read lands at an address that agrees with its offset in the source
// modulo 64 (a kernel copy between buffers that disagree slightly ran 3-4x
// slower), binary read buffers handed over included, from any start offset.
TEST(ImaLogTest, ReadsLandAlignedWithTheirSourceOffsets) {
  std::string ascii, bin;
  for (int i = 0; ascii.size() < (size_t{3} << 20); ++i) {
    TEntry e = NgEntry("/usr/lib/x86_64-linux-gnu/lib" + std::to_string(i * 7919) + ".so");
    ascii += e.Ascii();
    bin += e.Binary();
  }
  for (const bool binary : {false, true}) {
    const std::string& log = binary ? bin : ascii;
    for (const uint64_t start : {uint64_t{0}, uint64_t{12345}}) {
      size_t pos = 0, reads = 0, misaligned = 0;
      ChunkSource source = [&](std::span<uint8_t> out) -> Result<size_t> {
        const size_t n = std::min(out.size(), log.size() - pos);
        const uint64_t at = start + pos;
        if (n > 0) {
          ++reads;
          misaligned += (reinterpret_cast<uintptr_t>(out.data()) - at) % 64 != 0;
        }
        std::memcpy(out.data(), log.data() + pos, n);
        pos += n;
        return n;
      };
      ReadOptions o = binary ? Bin() : ReadOptions{};
      o.start_offset = start;
      LogReader r(std::move(source), o);
      std::vector<Entry> batch;
      std::vector<uint8_t> storage;
      uint64_t entries = 0, last_offset = 0;
      for (;;) {
        ASSERT_TRUE(r.NextBatch(&batch).ok());
        if (batch.empty()) break;
        entries += batch.size();
        last_offset = batch.back().offset;
        r.TakeTemplateStorage(&storage);
      }
      EXPECT_GT(reads, 3u);
      EXPECT_EQ(misaligned, 0u) << (binary ? "binary" : "ascii") << " from " << start;
      EXPECT_EQ(r.offset(), start + log.size());
      auto all = ReadAll(log, binary ? Bin() : ReadOptions{});
      ASSERT_TRUE(all.ok());
      EXPECT_EQ(entries, all->size());
      EXPECT_EQ(last_offset, start + all->back().offset);
    }
  }
}

TEST(ImaLogTest, EntryLargerThanTheReadBufferGrowsIt) {
  TEntry e;
  e.name = "ima-buf";
  e.fields = {DNg("sha256", D(32, 1)), Str("big"), HexField(D(3 << 20, 0x5a))};
  auto b = ReadAll(e.Binary() + NgEntry("/after").Binary(), Bin());
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_EQ(b->size(), 2u);
  EXPECT_EQ((*b)[0].data.size(), e.TemplateData().size());
  auto a = ReadAll(e.Ascii() + NgEntry("/after").Ascii(), {});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ((*a)[0].data, e.TemplateData());
}

// TakeTemplateStorage: a batch's template data, handed over, outlives the
// next batches: ascii lists hand over their rebuilt data, binary lists their
// read buffer (names too, and the unread rest goes along to the new one).
TEST(ImaLogTest, TakenTemplateDataOutlivesTheNextBatches) {
  std::string ascii, bin;
  for (int i = 0; i < 20; ++i) {
    ascii += NgEntry("/f" + std::to_string(i)).Ascii();
    bin += NgEntry("/f" + std::to_string(i)).Binary();
  }
  for (bool binary : {false, true}) {
    SCOPED_TRACE(binary ? "binary" : "ascii");
    ReadOptions o = binary ? Bin() : ReadOptions{};
    o.max_batch = 4;
    o.initial_buffer = 512;  // a few entries: refills and moves the read buffer between batches
    LogReader r(SpanSource(AsBytes(binary ? bin : ascii)), o);
    std::vector<Entry> first, next;
    std::vector<uint8_t> storage, later;
    ASSERT_TRUE(r.NextBatch(&first).ok());
    ASSERT_FALSE(first.empty());
    ASSERT_TRUE(r.TakeTemplateStorage(&storage));
    for (const Entry& e : first) {
      EXPECT_GE(e.template_data.data(), storage.data());
      EXPECT_LE(e.template_data.data() + e.template_data.size(), storage.data() + storage.size());
    }
    // The rest of the list, handing each batch over too: the reader refills,
    // moves and reuses its buffers, and reads every entry once, in order.
    uint64_t index = first.size();
    for (;;) {
      ASSERT_TRUE(r.NextBatch(&next).ok());
      if (next.empty()) break;
      for (const Entry& e : next) {
        ASSERT_EQ(e.index, index++);
        EXPECT_EQ(std::string(AsChars(e.template_data)),
                  NgEntry("/f" + std::to_string(e.index)).TemplateData());
      }
      ASSERT_TRUE(r.TakeTemplateStorage(&later));
    }
    EXPECT_EQ(index, 20u);
    for (const Entry& e : first) {
      EXPECT_EQ(std::string(AsChars(e.template_data)),
                NgEntry("/f" + std::to_string(e.index)).TemplateData());
      // Ascii names point into the read buffer (documented), binary ones into
      // the handed-over buffer.
      if (binary) {
        EXPECT_EQ(e.template_name, "ima-ng");
      }
    }
  }
}

// A read buffer grown for one large entry stays the reader's: handing it
// over would make every recycled storage that large. Batches read while it
// is grown are refused (the caller copies them); every entry still reads.
TEST(ImaLogTest, GrownBinaryReadBufferIsNotHandedOver) {
  std::string bin = NgEntry("/small-before").Binary();
  bin += NgEntry("/" + std::string(4000, 'p')).Binary();
  for (int i = 0; i < 12; ++i) bin += NgEntry("/s" + std::to_string(i)).Binary();
  ReadOptions o = Bin();
  o.max_batch = 2;
  o.initial_buffer = 512;
  LogReader r(SpanSource(AsBytes(bin)), o);
  std::vector<Entry> batch;
  std::vector<uint8_t> storage;
  size_t entries = 0, handed = 0, refused = 0;
  for (;;) {
    ASSERT_TRUE(r.NextBatch(&batch).ok());
    if (batch.empty()) break;
    entries += batch.size();
    if (r.TakeTemplateStorage(&storage)) {
      ++handed;
      EXPECT_LE(storage.size(), 512u);
    } else {
      ++refused;
    }
  }
  EXPECT_EQ(entries, 14u);
  EXPECT_GE(handed, 1u);   // the first batch, before the buffer grew
  EXPECT_GE(refused, 1u);  // the large entry's batch and those after it
}

TEST(ImaLogTest, BinaryBatchWithLegacyDataInTheArenaIsNotHandedOver) {
  TEntry legacy;
  legacy.name = "ima";
  legacy.fields = {HexField(D(20, 1)), Str("/l")};
  const std::string bin = NgEntry("/a").Binary() + legacy.Binary();
  LogReader r(SpanSource(AsBytes(bin)), Bin());
  std::vector<Entry> batch;
  ASSERT_TRUE(r.NextBatch(&batch).ok());
  ASSERT_EQ(batch.size(), 2u);
  std::vector<uint8_t> untouched = {1, 2, 3};
  EXPECT_FALSE(r.TakeTemplateStorage(&untouched));
  EXPECT_EQ(untouched, (std::vector<uint8_t>{1, 2, 3}));
}

// Batches are parsed into the slots of the caller's vector: a vector that
// held entries of another list (another hash length, ascii lines, another
// template) gives the same entries as a fresh one, bytes beyond the hash
// length included.
TEST(ImaLogTest, ReusedBatchVectorGivesTheEntriesOfAFreshOne) {
  std::string ascii512, bin1, legacy_bin;
  TEntry legacy;
  legacy.name = "ima";
  legacy.fields = {HexField(D(20, 1)), Str("/l")};
  for (int i = 0; i < 9; ++i) {
    ascii512 += NgEntry("/long/path/" + std::to_string(i)).Ascii(HashAlg::kSha512);
    bin1 += NgEntry("/b" + std::to_string(i)).Binary(HashAlg::kSha1);
  }
  bin1 += legacy.Binary();
  auto read = [](const std::string& log, ReadOptions o, std::vector<Entry>* batch) {
    LogReader r(SpanSource(AsBytes(log)), o);
    std::vector<Entry> all;
    for (;;) {
      EXPECT_TRUE(r.NextBatch(batch).ok());
      if (batch->empty()) break;
      all.insert(all.end(), batch->begin(), batch->end());
      // Leave other values in the slots, as a caller's recycled vector has.
      for (Entry& e : *batch) {
        e.line = 77;
        e.listed_hash.bytes.fill(0xAB);
        e.template_data_offset = 99;
      }
    }
    return all;
  };
  ReadOptions ascii_opt;
  ascii_opt.max_batch = 4;
  ReadOptions bin_opt = Bin(HashAlg::kSha1);
  bin_opt.max_batch = 4;
  std::vector<Entry> fresh_batch, reused;
  const std::vector<Entry> want = read(bin1, bin_opt, &fresh_batch);
  read(ascii512, ascii_opt, &reused);
  reused.resize(4);  // slots beyond the last (short) batch, too
  const std::vector<Entry> got = read(bin1, bin_opt, &reused);
  ASSERT_EQ(got.size(), want.size());
  ASSERT_EQ(got.size(), 10u);
  for (size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(got[i].index, want[i].index);
    EXPECT_EQ(got[i].offset, want[i].offset);
    EXPECT_EQ(got[i].line, 0u);
    EXPECT_EQ(got[i].pcr, want[i].pcr);
    EXPECT_EQ(got[i].listed_hash.alg, HashAlg::kSha1);
    EXPECT_EQ(got[i].listed_hash.len, 20u);
    EXPECT_EQ(got[i].listed_hash.bytes, want[i].listed_hash.bytes);  // all 64 bytes
    EXPECT_TRUE(std::all_of(got[i].listed_hash.bytes.begin() + 20, got[i].listed_hash.bytes.end(),
                            [](uint8_t b) { return b == 0; }));
    // Views into readers now gone: compared through the template table.
    ASSERT_NE(got[i].desc, nullptr);
    EXPECT_EQ(got[i].desc, want[i].desc);
    EXPECT_EQ(got[i].template_name.size(), got[i].desc->name.size());
    EXPECT_EQ(got[i].template_data_offset, want[i].template_data_offset);
  }
}

TEST(ImaLogTest, BinaryListedHashLengthIsDetected) {
  for (HashAlg alg : {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384, HashAlg::kSha512}) {
    std::string bin = NgEntry("/a").Binary(alg) + NgEntry("/b").Binary(alg);
    LogReader r(SpanSource(AsBytes(bin)), Bin());
    std::vector<Entry> batch;
    ASSERT_TRUE(r.NextBatch(&batch).ok());
    ASSERT_EQ(batch.size(), 2u) << HashAlgName(alg);
    EXPECT_EQ(r.listed_hash_alg(), alg);
    EXPECT_EQ(batch[1].listed_hash.alg, alg);
  }
}

TEST(ImaLogTest, AsciiListedHashAlgorithmFollowsHexLength) {
  std::string a = NgEntry("/a").Ascii(HashAlg::kSha384);
  LogReader r(SpanSource(AsBytes(a)), {});
  std::vector<Entry> batch;
  ASSERT_TRUE(r.NextBatch(&batch).ok());
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch[0].listed_hash.alg, HashAlg::kSha384);
}

TEST(ImaLogTest, BigEndianBinaryList) {
  std::string bin;
  std::vector<TEntry> es;
  for (TEntry e : EveryTemplate()) {
    if (e.name == "evm-sig") continue;  // integer fields are written little-endian by the helper
    e.big_endian = true;
    e.pcr = 11;
    bin += e.Binary();
    es.push_back(e);
  }
  ReadOptions o = Bin(HashAlg::kSha1);
  o.endian = Endian::kBig;
  auto b = ReadAll(bin, o);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_EQ(b->size(), es.size());
  for (size_t i = 0; i < es.size(); ++i) {
    EXPECT_EQ((*b)[i].pcr, 11u);
    EXPECT_EQ((*b)[i].data, es[i].TemplateData());
  }
  // Read as little-endian, the same bytes fail at the first entry.
  auto le = ReadAll(bin, Bin(HashAlg::kSha1));
  EXPECT_FALSE(le.ok());
}

TEST(ImaLogTest, UnknownTemplateInBinaryIsReadFieldByField) {
  TEntry e;
  e.name = "my-own";
  e.fields = {Str("a"), HexField(D(7, 1)), Empty()};
  auto b = ReadAll(e.Binary() + NgEntry("/n").Binary(), Bin());
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_EQ(b->size(), 2u);
  EXPECT_EQ((*b)[0].name, "my-own");
  EXPECT_EQ((*b)[0].data, e.TemplateData());
}

TEST(ImaLogTest, NonUtf8PathsAreKeptByteExact) {
  TEntry e = NgEntry(std::string("/tmp/\xc3\x28\xff"));
  auto a = ReadAll(e.Ascii(), {});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)[0].data, e.TemplateData());
  auto b = ReadAll(e.Binary(), Bin());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)[0].data, e.TemplateData());
}

TEST(ImaLogTest, LastLineWithoutNewlineIsRead) {
  std::string a = NgEntry("/a").Ascii() + NgEntry("/b").Ascii();
  a.pop_back();
  auto r = ReadAll(a, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 2u);
}

TEST(ImaLogTest, EmptyInputHasNoEntries) {
  auto r = ReadAll("", {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  auto b = ReadAll("", Bin());
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->empty());
}

// --- corrupted binary entries: code and byte offset ---

struct BadBin {
  const char* name;
  std::string log;
  ErrorCode code;
  uint64_t offset;
};

TEST(ImaLogTest, CorruptedBinaryEntriesFailWithCodeAndOffset) {
  const std::string good = NgEntry("/good").Binary();
  const std::string e = NgEntry("/x").Binary();  // pcr 0..3, hash 4..23, len 24..27, name 28..33
  const size_t data_len_at = 4 + 20 + 4 + 6;
  const size_t data_at = data_len_at + 4;
  auto with = [&](size_t at, const std::string& bytes) {
    std::string s = e;
    s.replace(at, bytes.size(), bytes);
    return good + s;
  };
  const uint64_t g = good.size();
  TEntry legacy;
  legacy.name = "ima";
  legacy.fields = {HexField(D(20, 1)), Str("/l")};
  std::string leg = legacy.Binary();  // ... name "ima" at 28..30, digest 31..50, len 51..54
  std::string leg_long = leg;
  leg_long.replace(51, 4, LeU32(300));
  std::string leg_nul = leg;
  leg_nul[55] = '\0';
  TEntry unk_alg = NgEntry("/u");
  unk_alg.fields[0] = {"SHA 999:" + std::string(1, '\0') + Raw(D(32, 1)), ""};
  TEntry short_dig = NgEntry("/s");
  short_dig.fields[0] = {"sha256:" + std::string(1, '\0') + Raw(D(20, 1)), ""};
  TEntry three = NgEntry("/t");
  three.fields.push_back(Str("extra"));
  TEntry nonul = NgEntry("/z");
  nonul.fields[1] = {"/z", ""};
  std::vector<BadBin> cases = {
      {"truncated pcr", good + e.substr(0, 2), ErrorCode::kTruncated, g},
      {"truncated template hash", good + e.substr(0, 10), ErrorCode::kTruncated, g + 4},
      {"truncated name length", good + e.substr(0, 26), ErrorCode::kTruncated, g + 24},
      {"zero name length", with(24, LeU32(0)), ErrorCode::kBadLength, g + 24},
      {"name length 256", with(24, LeU32(256)), ErrorCode::kBadLength, g + 24},
      {"name length past end", with(24, LeU32(200)), ErrorCode::kTruncated, g + 28},
      {"non-printable name", with(28, std::string("im\x01", 3)), ErrorCode::kBadValue, g + 28},
      {"truncated data length", good + e.substr(0, data_len_at + 2), ErrorCode::kTruncated,
       g + data_len_at},
      {"data length past end", with(data_len_at, LeU32(5000)), ErrorCode::kTruncated, g + data_at},
      {"data length above limit", with(data_len_at, LeU32(0x7fffffff)), ErrorCode::kBadLength,
       g + data_len_at},
      {"field length past data", with(data_at, LeU32(1000)), ErrorCode::kTruncated, g + data_at},
      {"truncated last entry", good + e.substr(0, e.size() - 1), ErrorCode::kTruncated,
       g + data_at},
      {"no algorithm name", good + unk_alg.Binary(), ErrorCode::kBadValue, g + data_at + 4},
      {"digest too short for sha256", good + short_dig.Binary(), ErrorCode::kBadLength,
       g + data_at + 4 + 8},
      {"three fields in ima-ng", good + three.Binary(), ErrorCode::kBadLength,
       g + data_at + three.TemplateData().size()},
      {"path not NUL-terminated", good + nonul.Binary(), ErrorCode::kBadValue,
       g + data_at + 4 + 40 + 4 + 1},
      {"legacy name longer than 255", good + leg_long, ErrorCode::kBadLength, g + 51},
      {"legacy name truncated", good + leg.substr(0, leg.size() - 1), ErrorCode::kTruncated,
       g + 55},
      {"legacy name with NUL", good + leg_nul, ErrorCode::kBadValue, g + 55},
  };
  for (const BadBin& c : cases) {
    auto r = ReadAll(c.log, Bin(HashAlg::kSha1));
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), c.code) << c.name << ": " << r.status().ToString();
    ASSERT_TRUE(r.status().offset().has_value()) << c.name << ": " << r.status().ToString();
    EXPECT_EQ(*r.status().offset(), c.offset) << c.name << ": " << r.status().ToString();
    // The same through one-byte chunks.
    auto t = ReadAll(c.log, Bin(HashAlg::kSha1), 1);
    ASSERT_FALSE(t.ok()) << c.name;
    EXPECT_EQ(t.status().code(), c.code) << c.name;
    EXPECT_EQ(t.status().offset(), r.status().offset()) << c.name;
  }
}

TEST(ImaLogTest, BinaryWithoutAnyPlausibleHashLengthFails) {
  std::string junk(100, '\x01');
  auto r = ReadAll(junk, Bin());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(r.status().offset(), 4u);
}

TEST(ImaLogTest, ReaderStaysFailedAfterAnError) {
  std::string bin = NgEntry("/a").Binary().substr(0, 10);
  LogReader r(SpanSource(AsBytes(bin)), Bin(HashAlg::kSha1));
  std::vector<Entry> batch;
  EXPECT_EQ(r.NextBatch(&batch).code(), ErrorCode::kTruncated);
  EXPECT_EQ(r.NextBatch(&batch).code(), ErrorCode::kTruncated);
  EXPECT_TRUE(batch.empty());
}

// --- corrupted ascii lines: code, line and column ---

struct BadLine {
  const char* name;
  std::string line;
  ErrorCode code;
  uint64_t column;
};

TEST(ImaLogTest, CorruptedAsciiLinesFailWithCodeLineAndColumn) {
  const std::string h = std::string(40, 'a');
  const std::string d = "sha256:" + std::string(64, 'b');
  const std::string pre = "10 " + h + " ima-ng ";
  const size_t f0 = pre.size() + 1;  // column of the first field
  std::vector<BadLine> cases = {
      {"no register index", "x " + h + " ima-ng " + d + " /a", ErrorCode::kBadValue, 1},
      {"index over 32 bits", "99999999999 " + h + " ima-ng " + d + " /a", ErrorCode::kBadValue, 1},
      {"only an index", "10", ErrorCode::kTruncated, 3},
      {"tab after index", "10\t" + h, ErrorCode::kBadValue, 3},
      {"no template name", "10 " + h, ErrorCode::kTruncated, 44},
      {"hash of 39 digits", "10 " + h.substr(1) + " ima-ng " + d + " /a", ErrorCode::kBadLength, 4},
      {"hash not hex", "10 " + std::string(40, 'z') + " ima-ng " + d + " /a", ErrorCode::kBadValue,
       4},
      {"unknown template", "10 " + h + " ima-xyz " + d + " /a", ErrorCode::kUnsupported, 45},
      {"empty template name", "10 " + h + "  " + d, ErrorCode::kBadLength, 45},
      {"missing path", pre + d, ErrorCode::kBadLength, pre.size() + d.size() + 1},
      {"extra field", pre + d + " /a /b", ErrorCode::kBadLength, pre.size() + d.size() + 5},
      {"no algorithm name", pre + "SHA999:" + std::string(64, 'b') + " /a", ErrorCode::kBadValue,
       f0},
      {"digest length", pre + "sha256:" + std::string(62, 'b') + " /a", ErrorCode::kBadLength, f0},
      {"digest not hex", pre + "sha256:" + std::string(64, 'q') + " /a", ErrorCode::kBadValue, f0},
      {"digest without algorithm", pre + std::string(64, 'b') + " /a", ErrorCode::kBadValue, f0},
      {"sig not hex", "10 " + h + " ima-sig " + d + " /a xyz", ErrorCode::kBadValue,
       4 + 40 + 9 + d.size() + 4},
      {"imode not decimal", "10 " + h + " evm-sig " + d + " /a" + std::string(7, ' ') + "x",
       ErrorCode::kBadValue, 3 + 40 + 9 + d.size() + 3 + 7 + 1},
      {"legacy digest short", "10 " + h + " ima " + std::string(38, 'c') + " /a",
       ErrorCode::kBadValue, 4 + 40 + 5},
      {"legacy name too long",
       "10 " + h + " ima " + std::string(40, 'c') + " " + std::string(256, 'n'),
       ErrorCode::kBadLength, 4 + 40 + 5 + 41},
      {"empty line", "", ErrorCode::kBadValue, 1},
  };
  const std::string good = NgEntry("/ok").Ascii();
  for (const BadLine& c : cases) {
    std::string log = good + good + c.line + "\n" + good;
    auto r = ReadAll(log, {});
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), c.code) << c.name << ": " << r.status().ToString();
    EXPECT_EQ(r.status().line(), 3u) << c.name << ": " << r.status().ToString();
    EXPECT_EQ(r.status().column(), c.column) << c.name << ": " << r.status().ToString();
  }
}

TEST(ImaLogTest, AsciiHashLengthMayNotChangeWithinAList) {
  std::string log = NgEntry("/a").Ascii(HashAlg::kSha1) + NgEntry("/b").Ascii(HashAlg::kSha256);
  auto r = ReadAll(log, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(r.status().line(), 2u);
}

TEST(ImaLogTest, AsciiListedAlgorithmOptionIsEnforced) {
  ReadOptions o;
  o.listed_hash_alg = HashAlg::kSha256;
  auto r = ReadAll(NgEntry("/a").Ascii(HashAlg::kSha1), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kBadLength);
  EXPECT_EQ(r.status().line(), 1u);
}

// Every template, systematically: each truncation of a binary entry fails at
// an offset inside it; each field length made too large fails at that field's
// length; dropping an ascii field fails on that line.
TEST(ImaLogCorruptionTest, EveryTemplateEveryTruncationFailsInsideTheEntry) {
  const std::string good = NgEntry("/first").Binary();
  for (const TEntry& e : EveryTemplate()) {
    const std::string bin = e.Binary();
    for (size_t cut = 1; cut < bin.size(); ++cut) {
      auto r = ReadAll(good + bin.substr(0, cut), Bin(HashAlg::kSha1));
      ASSERT_FALSE(r.ok()) << e.name << " cut " << cut;
      EXPECT_EQ(r.status().code(), ErrorCode::kTruncated) << e.name << " cut " << cut;
      ASSERT_TRUE(r.status().offset().has_value());
      EXPECT_GE(*r.status().offset(), good.size()) << e.name << " cut " << cut;
      EXPECT_LE(*r.status().offset(), good.size() + cut) << e.name << " cut " << cut;
    }
  }
}

TEST(ImaLogCorruptionTest, EveryFieldLengthTooLargeFailsAtThatLength) {
  for (const TEntry& e : EveryTemplate()) {
    if (e.name == "ima") continue;  // no per-field lengths
    const std::string bin = e.Binary();
    const size_t data_at = 4 + 20 + 4 + e.name.size() + 4;
    size_t at = data_at;
    for (size_t f = 0; f < e.fields.size(); ++f) {
      std::string bad = bin;
      bad.replace(at, 4, LeU32(uint32_t(bin.size())));  // past the template data
      auto r = ReadAll(bad, Bin(HashAlg::kSha1));
      ASSERT_FALSE(r.ok()) << e.name << " field " << f;
      EXPECT_EQ(r.status().code(), ErrorCode::kTruncated) << e.name << " field " << f;
      EXPECT_EQ(r.status().offset(), at) << e.name << " field " << f;
      at += 4 + e.fields[f].raw.size();
    }
  }
}

TEST(ImaLogCorruptionTest, EveryTemplateWithAFieldDroppedFailsOnItsLine) {
  const std::string good = NgEntry("/first").Ascii();
  for (TEntry e : EveryTemplate()) {
    e.fields.pop_back();
    auto r = ReadAll(good + e.Ascii(), {});
    ASSERT_FALSE(r.ok()) << e.name;
    EXPECT_EQ(r.status().code(), ErrorCode::kBadLength) << e.name;
    EXPECT_EQ(r.status().line(), 2u) << e.name;
  }
}

TEST(ImaLogCorruptionTest, EveryTemplateWithAFlippedByteIsReadButItsHashNoLongerMatches) {
  crypto::Hasher h;
  for (TEntry e : EveryTemplate()) {
    if (e.violation) continue;
    std::string listed = e.Listed(HashAlg::kSha1);
    // Change the last byte of the last non-empty field (a path, signature or
    // buffer): still well formed.
    for (size_t f = e.fields.size(); f-- > 0;) {
      if (e.fields[f].raw.size() < 2) continue;
      std::string& raw = e.fields[f].raw;
      size_t k = raw.back() == '\0' ? raw.size() - 2 : raw.size() - 1;
      raw[k] = raw[k] == 'Z' ? 'Y' : 'Z';
      break;
    }
    e.listed = listed;
    auto r = ReadAll(e.Binary(), Bin(HashAlg::kSha1));
    ASSERT_TRUE(r.ok()) << e.name << ": " << r.status().ToString();
    ASSERT_EQ(r->size(), 1u);
    EXPECT_NE(Raw(h.Hash(HashAlg::kSha1, AsBytes((*r)[0].data)).span()), listed) << e.name;
  }
}

// Random byte changes and truncations of valid lists: every outcome is a
// clean read or an error located inside the input; never a crash or hang.
TEST(ImaLogMutationTest, RandomlyDamagedListsFailCleanly) {
  std::string ascii, bin;
  for (int i = 0; i < 3; ++i) {
    for (const TEntry& e : EveryTemplate()) {
      ascii += e.Ascii();
      bin += e.Binary();
    }
  }
  uint64_t state = 12345;
  auto rnd = [&]() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  int errors = 0, oks = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    bool binary = iter % 2 == 1;
    std::string s = binary ? bin : ascii;
    int edits = 1 + int(rnd() % 4);
    for (int k = 0; k < edits; ++k) {
      size_t at = rnd() % s.size();
      switch (rnd() % 3) {
        case 0:
          s[at] = char(rnd());
          break;
        case 1:
          s[at] ^= char(1 << (rnd() % 8));
          break;
        case 2:
          s.resize(at);
          break;
      }
      if (s.empty()) s.push_back('x');
    }
    auto r = ReadAll(s, binary ? Bin() : ReadOptions{});
    if (r.ok()) {
      ++oks;
      continue;
    }
    ++errors;
    if (binary) {
      ASSERT_TRUE(r.status().offset().has_value()) << r.status().ToString();
      EXPECT_LE(*r.status().offset(), s.size()) << r.status().ToString();
    } else {
      ASSERT_TRUE(r.status().line().has_value()) << r.status().ToString();
      EXPECT_LE(*r.status().line(), size_t(std::count(s.begin(), s.end(), '\n')) + 1);
    }
  }
  EXPECT_GT(errors, 1000);
  EXPECT_GT(oks, 10);  // some edits hit digests or paths and stay well formed
}

// An ascii line after an ima-ng line takes the reader's ima-ng fast path;
// after a line of another template, the checked path. Every line, valid or
// damaged, must give the same entry or the same error either way.
class ImaAsciiFastPathTest : public ::testing::Test {
 protected:
  // The second line's entry (or the error) and the third's, offsets taken
  // from the second line's start.
  static std::string Read(const std::string& first, const std::string& line) {
    const std::string third = NgEntry("/after").Ascii(alg_);
    Result<std::vector<Got>> got = ReadAll(first + line + third, ReadOptions{});
    if (!got.ok()) return "error: " + got.status().ToString();
    std::string out;
    for (size_t i = 1; i < got->size(); ++i) {
      const Got& g = (*got)[i];
      out += std::to_string(g.pcr) + "|" + ToHex(AsBytes(g.listed)) + "|" + g.name + "|" +
             ToHex(AsBytes(g.data)) + "|" + std::to_string(g.offset - first.size()) + "|" +
             std::to_string(g.line) + "\n";
    }
    return out;
  }
  static void ExpectSameBothWays(const std::string& line) {
    TEntry ng = NgEntry("/first");
    TEntry other;
    other.name = "ima-ngv2";
    other.fields = {DNgV2("ima", "sha256", D(32, 3)), Str("/first")};
    const std::string fast = Read(ng.Ascii(alg_), line);
    const std::string checked = Read(other.Ascii(alg_), line);
    ASSERT_EQ(fast, checked) << "line: " << ::testing::PrintToString(line);
  }
  static inline HashAlg alg_ = HashAlg::kSha1;
};

TEST_F(ImaAsciiFastPathTest, ValidLinesGiveTheSameEntries) {
  for (HashAlg listed : {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384}) {
    alg_ = listed;
    for (std::string_view digest_alg : {"sha1", "sha256", "sha384", "sha512", "md5", "sm3"}) {
      const size_t len = KernelHashAlgDigestLen(digest_alg);
      for (size_t path_len = 1; path_len <= 70; ++path_len) {
        std::string path = "/" + std::string(path_len - 1, 'p');
        if (path_len > 3) path[path_len / 2] = char(0xc3);  // non-ASCII bytes are kept
        TEntry e;
        e.pcr = uint32_t(path_len % 3 == 0 ? 2 : path_len % 3 == 1 ? 10 : 123456);
        e.fields = {DNg(digest_alg, D(len, uint8_t(path_len))), Str(path)};
        ExpectSameBothWays(e.Ascii(alg_));
        // And a valid line reads (no error on either path).
        ASSERT_EQ(Read(NgEntry("/first").Ascii(alg_), e.Ascii(alg_)).rfind("error", 0),
                  std::string::npos);
      }
    }
  }
  alg_ = HashAlg::kSha1;
}

TEST_F(ImaAsciiFastPathTest, DamagedLinesGiveTheSameEntryOrError) {
  // Every byte of a few lines replaced by each byte that ends or breaks a
  // field, and every byte dropped or doubled.
  std::vector<std::string> lines;
  for (HashAlg listed : {HashAlg::kSha1, HashAlg::kSha384}) {
    alg_ = listed;
    TEntry a = NgEntry("/usr/lib/x86_64-linux-gnu/libc.so.6");
    TEntry b;
    b.pcr = 2;
    b.fields = {DNg("sha384", D(48, 7)), Str("/p")};
    for (const TEntry& e : {a, b}) {
      const std::string base = e.Ascii(alg_);
      for (size_t i = 0; i < base.size(); ++i) {
        for (char c : {' ', '\0', '\n', ':', '\r', '\t', 'g', 'F', '0', '9', char(0x80)}) {
          std::string m = base;
          m[i] = c;
          ExpectSameBothWays(m);
        }
        std::string dropped = base;
        dropped.erase(i, 1);
        ExpectSameBothWays(dropped);
        std::string doubled = base;
        doubled.insert(i, 1, base[i]);
        ExpectSameBothWays(doubled);
      }
      // Register indexes of every width, and one beyond 32 bits.
      for (std::string pcr : {"0", "  7", "4294967295", "4294967296", "99999999999", ""}) {
        ExpectSameBothWays(pcr + base.substr(base.find(' ', 1)));
      }
    }
  }
  alg_ = HashAlg::kSha1;
}

TEST_F(ImaAsciiFastPathTest, DigestAlgorithmChangingFromLineToLineMatchesTheBinaryList) {
  // The fast path remembers the last line's digest algorithm: lines that
  // change it give what the binary list of the same entries holds.
  std::string ascii, binary;
  // SHA-256 and SM3 digests have the same length.
  const std::string_view algs[] = {"sha256", "sm3",    "md5",    "sha256", "sha1",
                                   "sm3",    "sha512", "sha384", "sha256"};
  for (int i = 0; i < 50; ++i) {
    std::string_view a = algs[size_t(i) % std::size(algs)];
    if (i % 11 == 0) a = algs[0];
    TEntry e;
    e.fields = {DNg(a, D(KernelHashAlgDigestLen(a), uint8_t(i))), Str("/f" + std::to_string(i))};
    ascii += e.Ascii();
    binary += e.Binary();
  }
  Result<std::vector<Got>> a = ReadAll(ascii, ReadOptions{});
  Result<std::vector<Got>> b = ReadAll(binary, Bin(HashAlg::kSha1));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_EQ(a->size(), 50u);
  ASSERT_EQ(b->size(), 50u);
  for (size_t i = 0; i < 50; ++i) {
    EXPECT_EQ(ToHex(AsBytes((*a)[i].data)), ToHex(AsBytes((*b)[i].data))) << "entry " << i;
    EXPECT_EQ((*a)[i].listed, (*b)[i].listed) << "entry " << i;
  }
}

TEST_F(ImaAsciiFastPathTest, ListsSplitAnywhereReadTheSame) {
  // Lines cut by the read buffer's end go back through the checked path,
  // which waits for the rest.
  std::string log;
  for (int i = 0; i < 40; ++i) log += NgEntry("/bin/f" + std::string(size_t(i), 'x')).Ascii();
  Result<std::vector<Got>> whole = ReadAll(log, ReadOptions{});
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  for (size_t step : {1, 7, 16, 63, 100, 4096}) {
    for (size_t first : {64, 100, 333}) {
      ReadOptions o;
      o.initial_buffer = first;
      o.max_batch = 5;
      Result<std::vector<Got>> got = ReadAll(log, o, step);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      ASSERT_EQ(got->size(), whole->size());
      for (size_t i = 0; i < got->size(); ++i) {
        EXPECT_EQ((*got)[i].data, (*whole)[i].data) << "step " << step << " entry " << i;
        EXPECT_EQ((*got)[i].offset, (*whole)[i].offset);
        EXPECT_EQ((*got)[i].line, (*whole)[i].line);
        EXPECT_EQ((*got)[i].listed, (*whole)[i].listed);
      }
    }
  }
}

}  // namespace
}  // namespace ccv::ima
