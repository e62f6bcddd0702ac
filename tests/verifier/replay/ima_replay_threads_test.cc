// IMA replay is the same bit for bit whatever the thread count, the batch
// size and the hashing backend (DESIGN §7), and equals an independent replay
// computed here entry by entry with the OpenSSL EVP reference.
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"
#include "parsers/ima_log.h"
#include "tests/verifier/replay/ima_test_util.h"
#include "verifier/crypto/batch_hash.h"
#include "verifier/crypto/digest.h"
#include "verifier/replay/ima_replay.h"

namespace ccv::replay {
namespace {

struct List {
  std::string ascii, binary;
  HashAlg listed = HashAlg::kSha1;
  std::vector<HashAlg> banks;
  RegisterId::Kind kind = RegisterId::Kind::kPcr;
  // Independent expectations.
  RegisterSet registers;
  uint64_t violations = 0, verified = 0, mismatched = 0;
  std::vector<uint64_t> mismatch_indexes;
  RegisterId prefix_reg;  // a register value after `prefix_len` entries
  Digest prefix_value;
  uint64_t prefix_len = 0;
};

// A list of `n` entries: mostly ima-ng on one register, some on another,
// violations, corrupted listed hashes, legacy "ima" entries and
// boot_aggregate records, with path lengths from 1 to 300 bytes.
List MakeList(size_t n, HashAlg listed, std::vector<HashAlg> banks, RegisterId::Kind kind,
              uint32_t main_reg, uint32_t other_reg, uint64_t seed) {
  std::mt19937_64 rng(seed);
  List l;
  l.listed = listed;
  l.banks = banks;
  l.kind = kind;
  std::map<uint32_t, std::vector<Digest>> regs;
  crypto::Hasher h;
  const size_t prefix_from = n / 2 + 3;
  for (size_t i = 0; i < n; ++i) {
    testing::TEntry e;
    const unsigned kind_roll = unsigned(rng() % 100);
    std::string path = "/usr/lib/" + std::string(1 + rng() % 300, char('a' + rng() % 26));
    if (i % 5000 == 0 || kind_roll == 42) path = "boot_aggregate";
    e = testing::NgEntry(path, std::to_string(rng()));
    if (kind_roll < 3 && listed == HashAlg::kSha1) {
      path.resize(std::min<size_t>(path.size(), 200));
      e.name = "ima";  // legacy: 20-byte digest || name padded to 256
      e.fields = {testing::HexField(crypto::Hash(HashAlg::kSha1, AsBytes(path)).span()),
                  testing::Str(path)};
    }
    e.pcr = kind_roll < 10 ? other_reg : main_reg;
    e.violation = kind_roll >= 10 && kind_roll < 13;
    const bool corrupt = kind_roll >= 13 && kind_roll < 16;
    if (corrupt) {
      std::string bad = e.Listed(listed);
      bad[rng() % bad.size()] ^= 0x40;
      e.listed = bad;
    }
    l.ascii += e.Ascii(listed);
    l.binary += e.Binary(listed);
    // Reference replay, entry by entry.
    std::vector<Digest>& r = regs[e.pcr];
    if (r.empty()) {
      for (HashAlg b : banks) r.push_back(Digest::Zero(b));
    }
    const std::string data = e.TemplateData();
    for (size_t b = 0; b < banks.size(); ++b) {
      Digest v;
      if (e.violation) {
        v = Digest::Filled(banks[b], 0xFF);
      } else if (banks[b] == listed) {
        v = Digest::Zero(listed);
        std::string raw = e.Listed(listed);
        std::copy(raw.begin(), raw.end(), v.bytes.begin());
      } else {
        v = h.Hash(banks[b], AsBytes(data));
      }
      h.Extend(&r[b], v.span());
    }
    if (e.violation) {
      ++l.violations;
    } else if (corrupt) {
      ++l.mismatched;
      l.mismatch_indexes.push_back(i);
    } else {
      ++l.verified;
    }
    // The quoted value: main_reg after the first entry on it from prefix_from.
    if (l.prefix_len == 0 && i + 1 >= prefix_from && e.pcr == main_reg) {
      l.prefix_len = i + 1;
      l.prefix_reg = RegisterId{kind, main_reg};
      l.prefix_value = regs[main_reg][0];
    }
  }
  for (const auto& [index, values] : regs) {
    for (const Digest& d : values) l.registers.Set(RegisterId{kind, index}, d);
  }
  return l;
}

struct Config {
  int threads;
  std::optional<crypto::HashBackend> backend;  // nullopt: the OpenSSL template hasher
  size_t max_batch;
  ima::LogFormat format;
  bool taking = false;  // ascii: AddBatchTaking (storage handed over), else AddBatch (copied)
  std::string Name() const {
    return std::to_string(threads) + " threads, " +
           (backend ? std::string(crypto::HashBackendName(*backend)) : "openssl-evp") + ", batch " +
           std::to_string(max_batch) + (format == ima::LogFormat::kAscii ? ", ascii" : ", binary") +
           (taking ? ", taking" : "");
  }
};

Result<ImaReplayResult> Replay(const List& l, const Config& c, crypto::BatchHasher* hasher) {
  ima::ReadOptions read;
  read.format = c.format;
  read.max_batch = c.max_batch;
  const std::string& bytes = c.format == ima::LogFormat::kAscii ? l.ascii : l.binary;
  ima::LogReader reader(ima::SpanSource(AsBytes(bytes)), read);
  ImaReplayOptions opt;
  opt.register_kind = l.kind;
  opt.banks = l.banks;
  opt.num_threads = c.threads;
  opt.max_findings = 25;
  opt.quoted.Set(l.prefix_reg, l.prefix_value);
  ImaReplayer replayer(
      opt, hasher != nullptr ? MakeBatchTemplateHasher(hasher) : MakeOpenSslTemplateHasher());
  std::vector<ima::Entry> batch;
  std::vector<uint8_t> storage;
  for (;;) {
    CCV_RETURN_IF_ERROR(reader.NextBatch(&batch));
    if (batch.empty()) break;
    if (c.taking) {
      if (!reader.TakeTemplateStorage(&storage)) {
        return Status(ErrorCode::kInternal, "ascii reader kept its storage");
      }
      CCV_RETURN_IF_ERROR(replayer.AddBatchTaking(&batch, &storage));
    } else {
      CCV_RETURN_IF_ERROR(replayer.AddBatch(batch));
    }
  }
  return replayer.Finish();
}

std::vector<Config> AllConfigs() {
  std::vector<Config> out;
  for (ima::LogFormat f : {ima::LogFormat::kAscii, ima::LogFormat::kBinary}) {
    for (int threads : {1, 2, 3}) {
      for (size_t max_batch : {size_t{4096}, size_t{7}}) {
        out.push_back({threads, std::nullopt, max_batch, f});
        for (crypto::HashBackend b : crypto::kAllHashBackends) {
          if (crypto::HashBackendSupported(b)) out.push_back({threads, b, max_batch, f});
        }
        if (f == ima::LogFormat::kAscii) {
          out.push_back({threads, std::nullopt, max_batch, f, true});
          out.push_back({threads, crypto::HashBackend::kOpenSsl, max_batch, f, true});
        }
      }
    }
  }
  return out;
}

void ExpectSameEverywhere(const List& l) {
  std::optional<ImaReplayResult> first;
  std::string first_name;
  for (const Config& c : AllConfigs()) {
    SCOPED_TRACE(c.Name());
    std::unique_ptr<crypto::BatchHasher> hasher;
    if (c.backend) {
      auto h = crypto::CreateBatchHasher(*c.backend);
      ASSERT_TRUE(h.ok()) << h.status().ToString();
      hasher = std::move(h).value();
    }
    Result<ImaReplayResult> r = Replay(l, c, hasher.get());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    // Against the independent replay.
    EXPECT_EQ(r->registers.registers(), l.registers.registers());
    EXPECT_EQ(r->violations, l.violations);
    EXPECT_EQ(r->hashes_verified, l.verified);
    EXPECT_EQ(r->hashes_mismatched, l.mismatched);
    ASSERT_EQ(r->prefix.size(), 1u);
    EXPECT_TRUE(r->prefix[0].found);
    EXPECT_EQ(r->prefix[0].matched_entries, l.prefix_len);
    std::vector<uint64_t> mismatch_findings;
    for (const ImaFinding& f : r->findings) {
      if (f.kind == "template_hash_mismatch") mismatch_findings.push_back(f.index);
    }
    std::vector<uint64_t> want(
        l.mismatch_indexes.begin(),
        l.mismatch_indexes.begin() +
            std::min<size_t>(l.mismatch_indexes.size(), mismatch_findings.size()));
    EXPECT_EQ(mismatch_findings, want);
    EXPECT_EQ(r->findings.size(), 25u);
    // Against the first configuration: every reported field.
    if (!first) {
      first = *r;
      first_name = c.Name();
      continue;
    }
    SCOPED_TRACE("compared with " + first_name);
    EXPECT_EQ(r->entries, first->entries);
    EXPECT_EQ(r->templates, first->templates);
    ASSERT_EQ(r->findings.size(), first->findings.size());
    for (size_t i = 0; i < r->findings.size(); ++i) {
      EXPECT_EQ(r->findings[i].index, first->findings[i].index);
      EXPECT_EQ(r->findings[i].kind, first->findings[i].kind);
      EXPECT_EQ(r->findings[i].detail, first->findings[i].detail);
    }
    EXPECT_EQ(r->boot_aggregate.entries, first->boot_aggregate.entries);
    EXPECT_EQ(r->boot_aggregate.listed, first->boot_aggregate.listed);
    EXPECT_EQ(r->boot_aggregate.index, first->boot_aggregate.index);
  }
}

TEST(ImaReplayThreadsTest, Sha1ListWithPcrBanksIsIdenticalInEveryConfiguration) {
  List l = MakeList(9000, HashAlg::kSha1, {HashAlg::kSha1, HashAlg::kSha256},
                    RegisterId::Kind::kPcr, 10, 11, 1);
  ASSERT_GT(l.violations, 0u);
  ASSERT_GT(l.mismatched, 25u);
  ExpectSameEverywhere(l);
}

TEST(ImaReplayThreadsTest, CcApiSha384ListIntoRtmr2IsIdenticalInEveryConfiguration) {
  List l = MakeList(9000, HashAlg::kSha384, {HashAlg::kSha384}, RegisterId::Kind::kRtmr, 2, 3, 2);
  ExpectSameEverywhere(l);
}

TEST(ImaReplayThreadsTest, ListedAlgorithmOutsideTheBanksIsStillVerified) {
  // sha256 list replayed into sha1 + sha512 banks: the listed hash is only
  // checked, every bank extends its own hash of the template data.
  List l = MakeList(5000, HashAlg::kSha256, {HashAlg::kSha1, HashAlg::kSha512},
                    RegisterId::Kind::kPcr, 10, 12, 3);
  ExpectSameEverywhere(l);
}

TEST(ImaReplayThreadsTest, ReplayerDestroyedWithoutFinishDrainsItsStages) {
  List l = MakeList(3000, HashAlg::kSha1, {HashAlg::kSha1}, RegisterId::Kind::kPcr, 10, 11, 4);
  ima::ReadOptions read;
  read.max_batch = 100;
  ima::LogReader reader(ima::SpanSource(AsBytes(l.ascii)), read);
  ImaReplayOptions opt;
  opt.num_threads = 2;
  auto replayer = std::make_unique<ImaReplayer>(opt);
  std::vector<ima::Entry> batch;
  ASSERT_TRUE(reader.NextBatch(&batch).ok());
  ASSERT_TRUE(replayer->AddBatch(batch).ok());
  ASSERT_TRUE(reader.NextBatch(&batch).ok());
  ASSERT_TRUE(replayer->AddBatch(batch).ok());
  replayer.reset();  // must not crash or leak running tasks
  SUCCEED();
}

TEST(ImaReplayThreadsTest, AlgorithmChangeMidListFailsAtTheSameEntryWithEveryThreadCount) {
  // The second batch lists SHA-256 hashes after SHA-1 ones: an error on the
  // calling thread, before anything of that batch is queued.
  testing::TEntry a = testing::NgEntry("/a");
  testing::TEntry b = testing::NgEntry("/b");
  std::string list = a.Binary(HashAlg::kSha1);
  for (int threads : {1, 2}) {
    ImaReplayOptions opt;
    opt.num_threads = threads;
    ImaReplayer replayer(opt);
    ima::ReadOptions read;
    read.format = ima::LogFormat::kAscii;
    std::string first = a.Ascii(HashAlg::kSha1), second = b.Ascii(HashAlg::kSha256);
    std::vector<ima::Entry> batch;
    ima::LogReader r1(ima::SpanSource(AsBytes(first)), read);
    ASSERT_TRUE(r1.NextBatch(&batch).ok());
    ASSERT_TRUE(replayer.AddBatch(batch).ok());
    ima::LogReader r2(ima::SpanSource(AsBytes(second)), read);
    ASSERT_TRUE(r2.NextBatch(&batch).ok());
    Status s = replayer.AddBatch(batch);
    EXPECT_EQ(s.code(), ErrorCode::kBadValue) << threads;
    EXPECT_EQ(s.offset(), std::optional<uint64_t>(0)) << threads;
    EXPECT_EQ(s.field(), "template_hash") << threads;
    ImaReplayResult res = replayer.Finish();
    EXPECT_EQ(res.entries, 1u) << threads;
    EXPECT_EQ(res.hashes_verified, 1u) << threads;
  }
}

}  // namespace
}  // namespace ccv::replay
