// Resource limits: declared sizes and counts beyond the input, deep JSON
// and YAML nesting, YAML aliases and multi-GB inputs. Each must give a clear
// Status (code and offset or line) in bounded time, with peak memory far
// below what the input declares.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/ccel.h"
#include "parsers/cel.h"
#include "parsers/chunked_source.h"
#include "parsers/core/file_io.h"
#include "parsers/ima_log.h"
#include "parsers/tcg_event_log.h"
#include "parsers/tdx_quote.h"
#include "policies/policy_parser.h"
#include "tests/parsers/tcg_log_builder.h"
#include "tests/testing/quote_builder.h"
#include "verifier/bundle/evidence.h"
#include "verifier/quote/collateral.h"
#include "verifier/replay/ima_replay.h"
#include "verifier/replay/ima_replay_file.h"
#include "verifier/replay/tcg_replay.h"

namespace ccv {
namespace {

constexpr uint64_t kGiB = uint64_t{1} << 30;
constexpr uint64_t kMiB = uint64_t{1} << 20;

// Resets the peak resident size (Linux VmHWM) to the current one.
void ResetPeakRss() { std::ofstream("/proc/self/clear_refs") << "5"; }
uint64_t StatusKiB(const char* key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(key, 0) == 0) return std::stoull(line.substr(std::strlen(key))) * 1024;
  }
  return 0;
}

// Measures time and the growth of peak memory over a block (from the
// resident size at its start: ASan keeps freed memory in quarantine, so
// earlier tests of the same process leave a high baseline).
class Budget {
 public:
  Budget() : start_(std::chrono::steady_clock::now()) {
    ResetPeakRss();
    base_rss_ = StatusKiB("VmRSS:");
  }
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  uint64_t PeakRss() const {
    uint64_t hwm = StatusKiB("VmHWM:");
    return hwm > base_rss_ ? hwm - base_rss_ : 0;
  }

 private:
  std::chrono::steady_clock::time_point start_;
  uint64_t base_rss_ = 0;
};

// A stream of `total` bytes: `head`, then `fill` repeated; it never holds
// more than the caller's buffer (multi-GB inputs without the memory).
class GeneratedSource : public parsers::ByteSource {
 public:
  GeneratedSource(std::vector<uint8_t> head, uint8_t fill, uint64_t total, bool hint)
      : head_(std::move(head)), fill_(fill), total_(total), hint_(hint) {}
  Result<size_t> Read(uint8_t* buf, size_t len) override {
    size_t n = size_t(std::min<uint64_t>(len, total_ - pos_));
    for (size_t i = 0; i < n; ++i) {
      uint64_t p = pos_ + i;
      buf[i] = p < head_.size() ? head_[p] : fill_;
    }
    pos_ += n;
    return n;
  }
  std::optional<uint64_t> SizeHint() const override {
    return hint_ ? std::optional<uint64_t>(total_) : std::nullopt;
  }
  uint64_t consumed() const { return pos_; }

 private:
  std::vector<uint8_t> head_;
  uint8_t fill_;
  uint64_t total_, pos_ = 0;
  bool hint_;
};

std::vector<uint8_t> AgileHeader() {
  testing::TcgLogBuilder b;
  b.SpecIdHeader({{0x000b, 32}});
  return b.bytes();
}

// ---- TCG / CCEL ------------------------------------------------------------

TEST(LimitsTest, TcgEventSizeBeyondInputIsTruncatedAtItsField) {
  testing::TcgLogBuilder b;
  b.SpecIdHeader({{0x000b, 32}});
  size_t at = b.size();
  b.Event2(0, 13, {{0x000b, std::vector<uint8_t>(32, 1)}}, std::vector<uint8_t>(10, 'x'), -1,
           0xFFFFFFFF);
  Budget budget;
  auto log = parsers::ParseTcgLog(b.bytes());
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), ErrorCode::kTruncated);
  EXPECT_EQ(log.status().offset(), at + 4 + 4 + 4 + 2 + 32);  // the event_size field
  EXPECT_LT(budget.PeakRss(), 256 * kMiB);
}

TEST(LimitsTest, TcgDigestCountAboveTheCapIsLimitExceeded) {
  testing::TcgLogBuilder b;
  b.SpecIdHeader({{0x000b, 32}});
  size_t at = b.size();
  b.U32(0).U32(13).U32(0xFFFFFFFF).Fill(64, 0);
  auto log = parsers::ParseTcgLog(b.bytes());
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_EQ(log.status().offset(), at + 8);
}

TEST(LimitsTest, TcgSpecIdAlgorithmCountBeyondTheEventIsAnError) {
  std::vector<uint8_t> spec = testing::TcgLogBuilder::SpecIdData({{0x000b, 32}});
  // numberOfAlgorithms (after signature 16, class 4, versions 3, uintn 1).
  const size_t count_at = 24;
  spec[count_at] = 0xFF;
  spec[count_at + 1] = 0xFF;
  spec[count_at + 2] = 0xFF;
  spec[count_at + 3] = 0x7F;
  testing::TcgLogBuilder b;
  b.Event1(0, 3, {}, spec);
  auto log = parsers::ParseTcgLog(b.bytes());
  ASSERT_FALSE(log.ok());
  EXPECT_TRUE(log.status().code() == ErrorCode::kLimitExceeded ||
              log.status().code() == ErrorCode::kBadLength)
      << log.status().ToString();
  EXPECT_EQ(log.status().offset(), 32u + count_at);  // SHA1 header is 32 bytes
}

TEST(LimitsTest, TcgStreamedEventDeclaringGigabytesIsRefusedWithoutReadingThem) {
  // An 8 GiB stream whose second record declares a 3 GiB event: the reader
  // stops at that field (streaming limit), having read about one chunk.
  testing::TcgLogBuilder b;
  b.SpecIdHeader({{0x000b, 32}});
  size_t at = b.size();
  b.U32(1).U32(13).U32(1).U16(0x000b).Fill(32, 7).U32(3u << 30);
  for (bool hint : {false, true}) {
    GeneratedSource gen(b.bytes(), 'A', 8 * kGiB, hint);
    parsers::ChunkedSource src(&gen);
    Budget budget;
    auto r = replay::ReplayTcgLog(&src, replay::RegisterSpace::kTpmPcr);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kLimitExceeded) << r.status().ToString();
    EXPECT_EQ(r.status().offset(), at + 4 + 4 + 4 + 2 + 32);
    EXPECT_LT(gen.consumed(), 4 * kMiB);
    EXPECT_LT(budget.PeakRss(), 256 * kMiB);
    EXPECT_LT(budget.Seconds(), 10.0);
  }
}

TEST(LimitsTest, TcgMultiGigabyteZeroPaddingEndsTheLogInBoundedMemory) {
  // A valid header then 5 GiB of zeros: the log ends at the zero padding.
  GeneratedSource gen(AgileHeader(), 0, 5 * kGiB, true);
  parsers::ChunkedSource src(&gen);
  Budget budget;
  auto r = replay::ReplayTcgLog(&src, replay::RegisterSpace::kTpmPcr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->end, parsers::TcgLogEnd::kPaddingZero);
  EXPECT_EQ(r->counts.records, 1u);
  EXPECT_LT(budget.PeakRss(), 256 * kMiB);
  EXPECT_LT(budget.Seconds(), 120.0);
}

TEST(LimitsTest, CcelTableLengthBeyondInputIsAnError) {
  auto table =
      parsers::ParseCcelAcpiTable(testing::CcelTableBytes(0xFFFFFFF0, 0x10000, 0x7f000000));
  ASSERT_FALSE(table.ok());
  EXPECT_TRUE(table.status().code() == ErrorCode::kTruncated ||
              table.status().code() == ErrorCode::kBadLength);
  EXPECT_EQ(table.status().offset(), 4u);
}

// ---- IMA -------------------------------------------------------------------

std::vector<uint8_t> ImaBinaryEntry(uint32_t name_len, std::string_view name, uint32_t data_len,
                                    size_t data_present) {
  testing::TcgLogBuilder b;
  b.U32(10).Fill(20, 0x11).U32(name_len).Str(name).U32(data_len).Fill(data_present, 0);
  return b.bytes();
}

// What reading the first batch of a binary SHA-1 list says.
Status FirstBinaryBatch(const std::vector<uint8_t>& list) {
  ima::ReadOptions read;
  read.format = ima::LogFormat::kBinary;
  read.listed_hash_alg = HashAlg::kSha1;
  ima::LogReader reader(ima::SpanSource(list), read);
  std::vector<ima::Entry> batch;
  return reader.NextBatch(&batch);
}

TEST(LimitsTest, ImaBinaryTemplateDataLengthAboveTheCapIsBadLength) {
  std::vector<uint8_t> list = ImaBinaryEntry(6, "ima-ng", 0xFFFFFFF0, 16);
  Status s = FirstBinaryBatch(list);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kBadLength);
  EXPECT_EQ(s.offset(), 4u + 20 + 4 + 6);
}

TEST(LimitsTest, ImaBinaryTemplateDataBeyondInputIsTruncated) {
  std::vector<uint8_t> list = ImaBinaryEntry(6, "ima-ng", 1u << 20, 16);
  Status s = FirstBinaryBatch(list);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kTruncated);
}

TEST(LimitsTest, ImaBinaryTemplateNameLengthAboveTheCapIsBadLength) {
  std::vector<uint8_t> list = ImaBinaryEntry(0x10000000, "ima-ng", 0, 0);
  Status s = FirstBinaryBatch(list);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kBadLength);
  EXPECT_EQ(s.offset(), 4u + 20);
}

TEST(LimitsTest, ImaAsciiLineWithoutEndIsRefusedInBoundedMemory) {
  // 1 GiB of one line with no newline: the reader gives up at its entry
  // limit (2 x 64 MiB template data) instead of buffering the gigabyte.
  const std::string head = "10 " + std::string(40, 'a') + " ima-ng sha1:";
  uint64_t produced = 0;
  const uint64_t total = kGiB;
  ima::ChunkSource source = [&](std::span<uint8_t> out) -> Result<size_t> {
    size_t n = size_t(std::min<uint64_t>(out.size(), total - produced));
    for (size_t i = 0; i < n; ++i) {
      uint64_t p = produced + i;
      out[i] = p < head.size() ? uint8_t(head[p]) : uint8_t('b');
    }
    produced += n;
    return n;
  };
  ima::ReadOptions read;
  read.format = ima::LogFormat::kAscii;
  ima::LogReader reader(std::move(source), read);
  std::vector<ima::Entry> batch;
  Budget budget;
  Status s = reader.NextBatch(&batch);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kLimitExceeded) << s.ToString();
  EXPECT_LT(produced, 256 * kMiB);
  EXPECT_LT(budget.PeakRss(), 768 * kMiB);
  EXPECT_LT(budget.Seconds(), 60.0);
}

// ---- CEL, collateral JSON ----------------------------------------------------

TEST(LimitsTest, CelTlvValueLengthBeyondInputIsAnError) {
  testing::TcgLogBuilder b;
  b.U8(0).U32(0xFFFFFFFF).Fill(8, 0);  // RECNUM with a 4 GiB length
  auto r = cel::ParseTlv(b.bytes());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().code() == ErrorCode::kTruncated ||
              r.status().code() == ErrorCode::kBadLength ||
              r.status().code() == ErrorCode::kLimitExceeded)
      << r.status().ToString();
  EXPECT_EQ(r.status().offset(), 1u);  // the length field of the first TLV
}

// Found by these limits: RapidJSON's default parser recursed once per
// nesting level, so "[[[[..." a million deep overflowed the stack.
TEST(LimitsTest, CelJsonMillionDeepNestingIsAnErrorNotAStackOverflow) {
  const std::string deep(1000000, '[');
  auto r = cel::ParseJson(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kBadValue);
  const std::string closed = deep + std::string(1000000, ']');
  auto c = cel::ParseJson(closed);
  ASSERT_FALSE(c.ok());  // well-formed JSON, but not a CEL record array
}

TEST(LimitsTest, CollateralJsonMillionDeepNestingIsAnErrorNotAStackOverflow) {
  const std::string deep(1000000, '{');
  auto r = quote::ParseCollateralJson(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kBadValue);
  const std::string arrays = std::string(1000000, '[') + std::string(1000000, ']');
  EXPECT_FALSE(quote::ParseCollateralJson(arrays).ok());
  EXPECT_FALSE(quote::ParseTcbInfo(arrays).ok());
  EXPECT_FALSE(quote::ParseEnclaveIdentity(arrays).ok());
}

// Found by these limits: evidence.json went through the same recursive
// RapidJSON reader.
TEST(LimitsTest, EvidenceJsonMillionDeepNestingIsAnErrorNotAStackOverflow) {
  const std::string deep(1000000, '[');
  auto r = bundle::ParseEvidenceJson(deep, "/bundle");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kBadValue);
  const std::string closed = deep + std::string(1000000, ']');
  auto c = bundle::ParseEvidenceJson(closed, "/bundle");
  ASSERT_FALSE(c.ok());  // well-formed JSON, but not an object
  EXPECT_EQ(c.status().code(), ErrorCode::kBadValue);
}

// ---- quotes ------------------------------------------------------------------

// Each declared length of the signature data beyond the input is refused at an
// offset inside the quote: the outer lengths as inconsistent, the QE
// authentication data by its size cap.
TEST(LimitsTest, QuoteLengthsBeyondInputAreErrors) {
  struct Case {
    const char* name;
    void (*corrupt)(testing::QuoteBuilder*);
    ErrorCode code;
  };
  const Case cases[] = {
      {"certification_data.size",
       [](testing::QuoteBuilder* b) { b->cert_len_override = 0xFFFFFFF0; }, ErrorCode::kBadLength},
      {"signature_data_len",
       [](testing::QuoteBuilder* b) { b->signature_len_override = 0xFFFFFFFF; },
       ErrorCode::kBadLength},
      {"qe_auth_data", [](testing::QuoteBuilder* b) { b->qe_auth_len_override = 0xFFFF; },
       ErrorCode::kLimitExceeded},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    testing::QuoteBuilder b;
    c.corrupt(&b);
    std::vector<uint8_t> bytes = b.Build();
    auto q = parsers::ParseQuote(bytes);
    ASSERT_FALSE(q.ok());
    EXPECT_EQ(q.status().code(), c.code) << q.status().ToString();
    ASSERT_TRUE(q.status().offset().has_value());
    EXPECT_LT(*q.status().offset(), bytes.size());
  }
}

// ---- YAML policies -------------------------------------------------------------

const char kPolicyHead[] = "apiVersion: ccverify/v1\nmetadata: {name: n, version: \"1\"}\n";

TEST(LimitsTest, PolicyDeepFlowNestingIsAnErrorWithALine) {
  for (size_t depth : {size_t{1000}, size_t{100000}}) {
    std::string y = std::string(kPolicyHead) + "td: " + std::string(depth, '[') +
                    std::string(depth, ']') + "\n";
    Budget budget;
    auto p = policy::ParsePolicy(y);
    ASSERT_FALSE(p.ok()) << depth;
    EXPECT_NE(p.status().code(), ErrorCode::kInternal);
    EXPECT_TRUE(p.status().line().has_value()) << p.status().ToString();
    EXPECT_LT(budget.Seconds(), 30.0);
  }
}

TEST(LimitsTest, PolicyDeepBlockNestingIsAnError) {
  std::string y = kPolicyHead;
  for (int i = 0; i < 3000; ++i) y += std::string(size_t(i), ' ') + "k" + std::to_string(i) + ":\n";
  Budget budget;
  auto p = policy::ParsePolicy(y);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().code(), ErrorCode::kInternal);
  EXPECT_LT(budget.Seconds(), 30.0);
}

TEST(LimitsTest, PolicyAliasExpansionBombIsRefusedQuickly) {
  // "Billion laughs": nine levels of ten aliases each would expand to 10^9
  // strings if aliases were copied.
  std::string y = kPolicyHead;
  y += "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 9; ++i) {
    const std::string n = std::to_string(i);
    const std::string prev = std::to_string(i - 1);
    y.append("x").append(n).append(": &a").append(n).append(" [");
    for (int k = 0; k < 10; ++k) y.append(k ? ", *a" : "*a").append(prev);
    y.append("]\n");
  }
  // And inside a key the parser reads: a list of aliased lists.
  std::string in_rule = std::string(kPolicyHead) + "a: &a [x, x, x, x, x, x, x, x]\n" +
                        "platform: {advisories: {deny: [*a, *a, *a, *a, *a, *a, *a, *a]}}\n";
  for (const std::string& text : {y, in_rule}) {
    Budget budget;
    auto p = policy::ParsePolicy(text);
    ASSERT_FALSE(p.ok());
    EXPECT_TRUE(p.status().line().has_value()) << p.status().ToString();
    EXPECT_LT(budget.Seconds(), 10.0);
    EXPECT_LT(budget.PeakRss(), 256 * kMiB);
  }
}

// ---- files -------------------------------------------------------------------

class SparseFile {
 public:
  explicit SparseFile(uint64_t size, const std::vector<uint8_t>& head = {}) {
    path_ = (std::filesystem::temp_directory_path() /
             ("ccv-limits-" + std::to_string(::getpid()) + "-" + std::to_string(size)))
                .string();
    int fd = ::open(path_.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
    ok_ = fd >= 0 && ::ftruncate(fd, off_t(size)) == 0 &&
          (head.empty() || ::pwrite(fd, head.data(), head.size(), 0) == ssize_t(head.size()));
    if (fd >= 0) ::close(fd);
  }
  ~SparseFile() { std::remove(path_.c_str()); }
  bool ok() const { return ok_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool ok_ = false;
};

TEST(LimitsTest, ReadingAMultiGigabyteFileWholeIsLimitExceededUpFront) {
  SparseFile f(5 * kGiB);
  if (!f.ok()) GTEST_SKIP() << "cannot create a sparse file in the temp directory";
  Budget budget;
  auto bytes = ReadFileBytes(f.path());  // default limit: 4 GiB
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), ErrorCode::kLimitExceeded);
  auto text = ReadFileText(f.path(), 64 * kMiB);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_LT(budget.Seconds(), 5.0);
  EXPECT_LT(budget.PeakRss(), 128 * kMiB);
}

TEST(LimitsTest, ImaReplayOfAMultiGigabyteFileOfZerosStopsAtTheFirstEntry) {
  SparseFile f(5 * kGiB);
  if (!f.ok()) GTEST_SKIP() << "cannot create a sparse file in the temp directory";
  Budget budget;
  replay::ImaReplayOptions options;
  auto r = replay::ReplayImaFile(f.path(), ima::ReadOptions{}, options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().code(), ErrorCode::kInternal);
  EXPECT_LT(budget.Seconds(), 30.0);
  EXPECT_LT(budget.PeakRss(), 512 * kMiB);
}

TEST(LimitsTest, PolicyAllowListFileOfMultipleGigabytesIsRefused) {
  SparseFile f(5 * kGiB);
  if (!f.ok()) GTEST_SKIP() << "cannot create a sparse file in the temp directory";
  std::string y = std::string(kPolicyHead) + "ima:\n  allow: {file: \"" + f.path() + "\"}\n";
  Budget budget;
  auto p = policy::ParsePolicy(y);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), ErrorCode::kIo);  // names the file and the limit
  EXPECT_LT(budget.Seconds(), 5.0);
  EXPECT_LT(budget.PeakRss(), 128 * kMiB);
}

}  // namespace
}  // namespace ccv
