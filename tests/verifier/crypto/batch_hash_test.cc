// Every batched-hashing backend against the OpenSSL EVP reference (Hasher in
// digest.h): all lengths 0..1024, batches of mixed lengths and sizes around
// the lane counts, the fallbacks (long messages, SM3) and backend selection.
#include "verifier/crypto/batch_hash.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <random>
#include <string>
#include <sys/mman.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"
#include "verifier/crypto/digest.h"
#include "verifier/crypto/extend_chain.h"
#include "verifier/crypto/internal/batch_hash_internal.h"
#include "verifier/crypto/internal/sha512_avx2.h"

namespace ccv::crypto {
namespace {

constexpr HashAlg kBatchAlgs[] = {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384,
                                  HashAlg::kSha512};

std::vector<uint8_t> RandomBytes(std::mt19937_64& rng, size_t n) {
  std::vector<uint8_t> out(n);
  for (uint8_t& b : out) b = uint8_t(rng());
  return out;
}

std::vector<ByteSpan> Spans(const std::vector<std::vector<uint8_t>>& msgs) {
  return std::vector<ByteSpan>(msgs.begin(), msgs.end());
}

// Reference digests: OpenSSL EVP through the existing Hasher.
std::vector<Digest> Reference(HashAlg alg, std::span<const ByteSpan> msgs) {
  Hasher h;
  std::vector<Digest> out;
  for (ByteSpan m : msgs) out.push_back(h.Hash(alg, m));
  return out;
}

// Hashes `msgs` with `hasher` and returns the index of the first digest that
// differs from the reference, or -1.
long FirstMismatch(BatchHasher& hasher, HashAlg alg, std::span<const ByteSpan> msgs) {
  std::vector<Digest> got(msgs.size(), Digest::Filled(HashAlg::kSm3_256, 0xee));
  hasher.HashMany(alg, msgs, got.data());
  std::vector<Digest> want = Reference(alg, msgs);
  for (size_t i = 0; i < msgs.size(); ++i) {
    if (!(got[i] == want[i])) return long(i);
  }
  return -1;
}

class BackendTest : public ::testing::TestWithParam<HashBackend> {
 protected:
  void SetUp() override {
    std::string why;
    if (!HashBackendSupported(GetParam(), &why)) {
      GTEST_SKIP() << HashBackendName(GetParam()) << " not available here: " << why;
    }
    Result<std::unique_ptr<BatchHasher>> h = CreateBatchHasher(GetParam());
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    hasher_ = std::move(h).value();
    ASSERT_EQ(hasher_->backend(), GetParam());
  }
  std::unique_ptr<BatchHasher> hasher_;
};

TEST_P(BackendTest, EveryLengthFrom0To1024MatchesReference) {
  std::mt19937_64 rng(1024);
  std::vector<std::vector<uint8_t>> msgs;
  for (size_t n = 0; n <= 1024; ++n) msgs.push_back(RandomBytes(rng, n));
  std::vector<ByteSpan> spans = Spans(msgs);
  for (HashAlg alg : kBatchAlgs) {
    EXPECT_EQ(FirstMismatch(*hasher_, alg, spans), -1) << HashAlgName(alg);
  }
}

TEST_P(BackendTest, EachLengthAloneMatchesReference) {
  // A batch of one goes through submit and then flush with the other lanes empty.
  std::mt19937_64 rng(7);
  for (HashAlg alg : kBatchAlgs) {
    for (size_t n = 0; n <= 1024; ++n) {
      std::vector<uint8_t> m = RandomBytes(rng, n);
      ByteSpan span(m);
      ASSERT_EQ(FirstMismatch(*hasher_, alg, std::span<const ByteSpan>(&span, 1)), -1)
          << HashAlgName(alg) << " length " << n;
    }
  }
}

TEST_P(BackendTest, MixedBatchesOfEverySizeUpTo40MatchReference) {
  // Batch sizes below, at and above the lane counts (2..16), random lengths.
  std::mt19937_64 rng(40);
  for (HashAlg alg : kBatchAlgs) {
    for (size_t batch = 1; batch <= 40; ++batch) {
      std::vector<std::vector<uint8_t>> msgs;
      for (size_t i = 0; i < batch; ++i) msgs.push_back(RandomBytes(rng, rng() % 1025));
      std::vector<ByteSpan> spans = Spans(msgs);
      ASSERT_EQ(FirstMismatch(*hasher_, alg, spans), -1)
          << HashAlgName(alg) << " batch of " << batch;
    }
  }
}

TEST_P(BackendTest, ReadsNothingOutsideAMessage) {
  // Messages that end where an inaccessible page starts, or start where one
  // ends: a read past either edge faults. Lengths around the block sizes,
  // four and more at once so every lane takes one.
  const size_t page = size_t(sysconf(_SC_PAGESIZE));
  void* map = mmap(nullptr, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(map, MAP_FAILED);
  auto* base = static_cast<uint8_t*>(map);
  ASSERT_EQ(mprotect(base, page, PROT_NONE), 0);
  ASSERT_EQ(mprotect(base + 3 * page, page, PROT_NONE), 0);
  std::mt19937_64 rng(4096);
  for (size_t i = page; i < 3 * page; ++i) base[i] = uint8_t(rng());
  const uint8_t* first = base + page;    // just after the low guard page
  const uint8_t* end = base + 3 * page;  // where the high guard page starts
  for (HashAlg alg : kBatchAlgs) {
    for (size_t n = 0; n <= 300; ++n) {
      const std::vector<ByteSpan> msgs = {ByteSpan(end - n, n), ByteSpan(first, n),
                                          ByteSpan(end - n, n), ByteSpan(first, n),
                                          ByteSpan(end - n, n)};
      ASSERT_EQ(FirstMismatch(*hasher_, alg, msgs), -1) << HashAlgName(alg) << " length " << n;
    }
  }
  munmap(map, 4 * page);
}

TEST_P(BackendTest, LargeShuffledBatchMatchesReference) {
  std::mt19937_64 rng(5000);
  std::vector<std::vector<uint8_t>> msgs;
  for (size_t i = 0; i < 5000; ++i) {
    // Mostly IMA/TCG-like sizes, some tiny, some multi-block.
    size_t n = (i % 7 == 0) ? rng() % 8 : (i % 11 == 0) ? 1024 + rng() % 4096 : 100 + rng() % 200;
    msgs.push_back(RandomBytes(rng, n));
  }
  std::shuffle(msgs.begin(), msgs.end(), rng);
  std::vector<ByteSpan> spans = Spans(msgs);
  for (HashAlg alg : kBatchAlgs) {
    EXPECT_EQ(FirstMismatch(*hasher_, alg, spans), -1) << HashAlgName(alg);
  }
}

TEST_P(BackendTest, MessagesAtAndBeyondTheMultiBufferLimitMatchReference) {
  // libipsec-mb takes up to 65534 bytes; longer ones fall back to OpenSSL,
  // interleaved with short ones that stay in the lanes.
  std::mt19937_64 rng(65534);
  std::vector<std::vector<uint8_t>> msgs;
  for (size_t n : {size_t{65533}, size_t{3}, size_t{65534}, size_t{200}, size_t{65535}, size_t{64},
                   size_t{65536}, size_t{1} << 20, size_t{0}}) {
    msgs.push_back(RandomBytes(rng, n));
  }
  std::vector<ByteSpan> spans = Spans(msgs);
  for (HashAlg alg : kBatchAlgs) {
    EXPECT_EQ(FirstMismatch(*hasher_, alg, spans), -1) << HashAlgName(alg);
  }
}

TEST_P(BackendTest, AliasedAndNullMessagesMatchReference) {
  std::vector<uint8_t> buf(300, 0x5a);
  std::vector<ByteSpan> spans = {ByteSpan(buf), ByteSpan(buf).subspan(1), ByteSpan(buf),
                                 ByteSpan(),    ByteSpan(buf.data(), 0),  ByteSpan(buf).first(111)};
  for (HashAlg alg : kBatchAlgs) {
    EXPECT_EQ(FirstMismatch(*hasher_, alg, spans), -1) << HashAlgName(alg);
  }
}

TEST_P(BackendTest, KnownAnswerForAbcIsExact) {
  // FIPS 180-4 example, independent of OpenSSL.
  ByteSpan abc = AsBytes("abc");
  Digest d;
  hasher_->HashMany(HashAlg::kSha384, std::span<const ByteSpan>(&abc, 1), &d);
  EXPECT_EQ(ToHex(d.span()),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            "8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(d.alg, HashAlg::kSha384);
  EXPECT_EQ(d.len, 48);
}

TEST_P(BackendTest, Sm3FallsBackToOpenSsl) {
  if (!HashAlgAvailable(HashAlg::kSm3_256)) GTEST_SKIP() << "OpenSSL lacks SM3";
  std::mt19937_64 rng(3);
  std::vector<std::vector<uint8_t>> msgs;
  for (size_t n = 0; n < 300; n += 13) msgs.push_back(RandomBytes(rng, n));
  std::vector<ByteSpan> spans = Spans(msgs);
  EXPECT_EQ(FirstMismatch(*hasher_, HashAlg::kSm3_256, spans), -1);
}

TEST_P(BackendTest, EmptyBatchWritesNothing) {
  Digest sentinel = Digest::Filled(HashAlg::kSha1, 0xab);
  hasher_->HashMany(HashAlg::kSha256, {}, &sentinel);
  EXPECT_EQ(sentinel, Digest::Filled(HashAlg::kSha1, 0xab));
}

TEST_P(BackendTest, ConcurrentThreadsGetTheSameDigests) {
  // One hasher object, four threads: each keeps its own manager.
  std::mt19937_64 rng(4);
  std::vector<std::vector<uint8_t>> msgs;
  for (size_t i = 0; i < 2000; ++i) msgs.push_back(RandomBytes(rng, 50 + rng() % 400));
  std::vector<ByteSpan> spans = Spans(msgs);
  std::vector<Digest> want = Reference(HashAlg::kSha384, spans);
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 3; ++round) {
        std::vector<Digest> got(spans.size());
        hasher_->HashMany(HashAlg::kSha384, spans, got.data());
        for (size_t i = 0; i < got.size(); ++i) {
          if (!(got[i] == want[i])) ++mismatches;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, BackendTest, ::testing::ValuesIn(kAllHashBackends),
                         [](const ::testing::TestParamInfo<HashBackend>& info) {
                           std::string name(HashBackendName(info.param));
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(BatchHashTest, BackendNamesRoundTrip) {
  for (HashBackend b : kAllHashBackends) {
    EXPECT_EQ(HashBackendFromName(HashBackendName(b)), b);
  }
}

TEST(BatchHashTest, UnknownBackendNameIsRejected) {
  EXPECT_EQ(HashBackendFromName(""), std::nullopt);
  EXPECT_EQ(HashBackendFromName("avx512"), std::nullopt);
  EXPECT_EQ(HashBackendFromName("OpenSSL"), std::nullopt);
  EXPECT_EQ(HashBackendFromName("ipsec-mb-avx512 "), std::nullopt);
}

TEST(BatchHashTest, EnvironmentCheckNamesTheVariableAndTheAcceptedNames) {
  EXPECT_TRUE(CheckHashBackendEnv(nullptr).ok());
  EXPECT_TRUE(CheckHashBackendEnv("").ok());
  EXPECT_TRUE(CheckHashBackendEnv("openssl").ok());
  for (const char* bad : {"avx512", "OpenSSL", "openssl "}) {
    Status s = CheckHashBackendEnv(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(s.message().find("CCV_HASH_BACKEND='" + std::string(bad) + "'"), std::string::npos);
    for (HashBackend b : kAllHashBackends) {
      EXPECT_NE(s.message().find(HashBackendName(b)), std::string::npos) << s.message();
    }
  }
  // A known backend is accepted exactly when it is usable here.
  for (HashBackend b : kAllHashBackends) {
    std::string name(HashBackendName(b));
    EXPECT_EQ(CheckHashBackendEnv(name.c_str()).ok(), HashBackendSupported(b)) << name;
  }
}

TEST(BatchHashTest, OpenSslIsAlwaysSupported) {
  std::string why = "unchanged";
  EXPECT_TRUE(HashBackendSupported(HashBackend::kOpenSsl, &why));
  EXPECT_EQ(why, "unchanged");
  EXPECT_TRUE(CreateBatchHasher(HashBackend::kOpenSsl).ok());
}

TEST(BatchHashTest, UnsupportedBackendGivesUnsupportedWithReason) {
  for (HashBackend b : kAllHashBackends) {
    std::string why;
    if (HashBackendSupported(b, &why)) continue;
    EXPECT_FALSE(why.empty());
    Result<std::unique_ptr<BatchHasher>> h = CreateBatchHasher(b);
    ASSERT_FALSE(h.ok());
    EXPECT_EQ(h.status().code(), ErrorCode::kUnsupported);
  }
}

TEST(BatchHashTest, EnvironmentChoosesASupportedBackend) {
  EXPECT_EQ(internal::ChooseDefaultBackend("openssl"), HashBackend::kOpenSsl);
  for (HashBackend b : kAllHashBackends) {
    if (HashBackendSupported(b)) {
      EXPECT_EQ(internal::ChooseDefaultBackend(std::string(HashBackendName(b)).c_str()), b);
    }
  }
}

TEST(BatchHashTest, BadEnvironmentValueFallsBackToBestSupported) {
  HashBackend best = internal::ChooseDefaultBackend(nullptr);
  EXPECT_TRUE(HashBackendSupported(best));
  EXPECT_EQ(internal::ChooseDefaultBackend(""), best);
  EXPECT_EQ(internal::ChooseDefaultBackend("sha-ni"), best);
  EXPECT_EQ(internal::ChooseDefaultBackend("IPSEC-MB-AVX512"), best);
}

TEST(BatchHashTest, BestBackendPrefersWidestSupportedManager) {
  HashBackend best = internal::ChooseDefaultBackend(nullptr);
  if (HashBackendSupported(HashBackend::kIpsecMbAvx512)) {
    EXPECT_EQ(best, HashBackend::kIpsecMbAvx512);
  } else if (HashBackendSupported(HashBackend::kIpsecMbAvx2)) {
    EXPECT_EQ(best, HashBackend::kIpsecMbAvx2);
  } else if (HashBackendSupported(HashBackend::kIpsecMbSse)) {
    EXPECT_EQ(best, HashBackend::kIpsecMbSse);
  } else {
    EXPECT_EQ(best, HashBackend::kOpenSsl);
  }
}

TEST(BatchHashTest, DescriptionNamesTheDefaultBackend) {
  std::string desc = BackendDescription();
  EXPECT_EQ(desc.rfind(std::string(HashBackendName(DefaultBatchHasher().backend())), 0), 0u)
      << desc;
#ifdef CCV_TEST_WITH_IPSEC_MB
  EXPECT_NE(desc.find("libipsec-mb"), std::string::npos) << desc;
#else
  EXPECT_NE(desc.find("without libipsec-mb"), std::string::npos) << desc;
#endif
}

TEST(BatchHashTest, ShaNiTakesShortWordAlgorithmsOnlyFromAvx2) {
  using internal::ChooseBackendFor;
  // SHA-1 and SHA-256 move to the SSE manager (SHA-NI) only beside AVX2;
  // sha512-avx2 never takes them.
  for (HashAlg alg : {HashAlg::kSha1, HashAlg::kSha256}) {
    for (bool avx2 : {false, true}) {
      EXPECT_EQ(ChooseBackendFor(alg, HashBackend::kIpsecMbAvx2, true, avx2),
                HashBackend::kIpsecMbSse);
      EXPECT_EQ(ChooseBackendFor(alg, HashBackend::kIpsecMbAvx2, false, avx2),
                HashBackend::kIpsecMbAvx2);
      EXPECT_EQ(ChooseBackendFor(alg, HashBackend::kIpsecMbAvx512, true, avx2),
                HashBackend::kIpsecMbAvx512);
      EXPECT_EQ(ChooseBackendFor(alg, HashBackend::kIpsecMbSse, true, avx2),
                HashBackend::kIpsecMbSse);
      EXPECT_EQ(ChooseBackendFor(alg, HashBackend::kOpenSsl, true, avx2), HashBackend::kOpenSsl);
    }
  }
  // SM3 stays on the widest manager.
  for (HashBackend b : kAllHashBackends) {
    for (bool flag : {false, true}) {
      EXPECT_EQ(ChooseBackendFor(HashAlg::kSm3_256, b, flag, flag), b) << HashBackendName(b);
    }
  }
}

TEST(BatchHashTest, Sha512Avx2TakesLongWordAlgorithmsUnlessAvx512) {
  using internal::ChooseBackendFor;
  for (HashAlg alg : {HashAlg::kSha384, HashAlg::kSha512}) {
    for (bool sha_ni : {false, true}) {
      for (HashBackend b : {HashBackend::kOpenSsl, HashBackend::kIpsecMbSse,
                            HashBackend::kIpsecMbAvx2, HashBackend::kSha512Avx2}) {
        EXPECT_EQ(ChooseBackendFor(alg, b, sha_ni, true), HashBackend::kSha512Avx2)
            << HashAlgName(alg) << " beside " << HashBackendName(b);
        EXPECT_EQ(ChooseBackendFor(alg, b, sha_ni, false), b)
            << HashAlgName(alg) << " beside " << HashBackendName(b);
      }
      // Eight lanes of AVX-512 beat four of AVX2.
      EXPECT_EQ(ChooseBackendFor(alg, HashBackend::kIpsecMbAvx512, sha_ni, true),
                HashBackend::kIpsecMbAvx512);
    }
  }
}

TEST(BatchHashTest, DefaultHasherRoutesEachAlgorithmAsChosen) {
  const char* env = std::getenv("CCV_HASH_BACKEND");
  const bool forced = env != nullptr && *env != '\0';
  const HashBackend widest = internal::ChooseDefaultBackend(env);
  const bool sha_ni = internal::IpsecMbHasShaNi();
  const bool avx2 = internal::Sha512Avx2Available();
  const BatchHasher& h = DefaultBatchHasher();
  for (HashAlg alg : kBatchAlgs) {
    HashBackend want = forced ? widest : internal::ChooseBackendFor(alg, widest, sha_ni, avx2);
    EXPECT_EQ(h.BackendFor(alg), want) << HashAlgName(alg);
  }
  EXPECT_EQ(h.backend(), h.BackendFor(HashAlg::kSha384));
  // The description names the second backend exactly when there is one.
  const HashBackend short_word = h.BackendFor(HashAlg::kSha256);
  const bool split = short_word != h.backend();
  EXPECT_EQ(
      BackendDescription().find(", sha1 and sha256 on " +
                                std::string(HashBackendName(short_word))) != std::string::npos,
      split)
      << BackendDescription();
}

TEST(BatchHashTest, DefaultHasherMatchesReference) {
  std::mt19937_64 rng(11);
  std::vector<std::vector<uint8_t>> msgs;
  for (size_t i = 0; i < 100; ++i) msgs.push_back(RandomBytes(rng, rng() % 600));
  std::vector<ByteSpan> spans = Spans(msgs);
  for (HashAlg alg : kBatchAlgs) {
    EXPECT_EQ(FirstMismatch(DefaultBatchHasher(), alg, spans), -1) << HashAlgName(alg);
  }
}

// ExtendChain against step-by-step Hasher::Extend (EVP), every bank.
TEST(ExtendChainTest, MatchesStepwiseExtendInEveryBank) {
  std::mt19937_64 rng(99);
  for (HashAlg alg : kAllHashAlgs) {
    if (!HashAlgAvailable(alg)) continue;
    std::vector<Digest> digests;
    for (int i = 0; i < 300; ++i) {
      Digest d = Digest::Zero(alg);
      for (size_t j = 0; j < d.len; ++j) d.bytes[j] = uint8_t(rng());
      digests.push_back(d);
    }
    Digest start = Digest::Filled(alg, 0x03);  // e.g. PCR0 after StartupLocality
    Digest want = start;
    Hasher h;
    for (const Digest& d : digests) h.Extend(&want, d.span());
    Digest got = start;
    ExtendChain(&got, digests);
    EXPECT_EQ(got, want) << HashAlgName(alg);
    std::vector<ByteSpan> spans;
    spans.reserve(digests.size());
    for (const Digest& d : digests) spans.push_back(d.span());
    Digest got2 = start;
    ExtendChain(&got2, spans);
    EXPECT_EQ(got2, want) << HashAlgName(alg);
  }
}

// Digests of the bank's size take a fixed-length path; a chain that mixes
// sizes (e.g. a SHA-1 digest in a SHA-256 bank) switches paths mid-way.
TEST(ExtendChainTest, MixedDigestSizesMatchStepwiseExtend) {
  std::mt19937_64 rng(7);
  for (HashAlg alg : kAllHashAlgs) {
    if (!HashAlgAvailable(alg)) continue;
    std::vector<std::vector<uint8_t>> msgs;
    for (int i = 0; i < 200; ++i) {
      size_t len = DigestLen(alg);
      if (i % 7 == 3) len = rng() % 100;  // another size, from 0 to 99 bytes
      std::vector<uint8_t> m(len);
      for (uint8_t& b : m) b = uint8_t(rng());
      msgs.push_back(std::move(m));
    }
    Digest want = Digest::Filled(alg, 0x5a);
    Digest got = want;
    Hasher h;
    std::vector<ByteSpan> spans;
    for (const auto& m : msgs) {
      h.Extend(&want, m);
      spans.push_back(m);
    }
    ExtendChain(&got, spans);
    EXPECT_EQ(got, want) << HashAlgName(alg);
  }
}

TEST(ExtendChainTest, EmptyChainLeavesTheRegister) {
  Digest reg = Digest::Filled(HashAlg::kSha384, 0x11);
  ExtendChain(&reg, std::span<const Digest>());
  EXPECT_EQ(reg, Digest::Filled(HashAlg::kSha384, 0x11));
}

TEST(ExtendChainTest, DigestOfAnotherSizeIsHashedAsGiven) {
  // A SHA-1 digest extended into a SHA-256 bank: H(reg || 20 bytes).
  Digest reg = Digest::Zero(HashAlg::kSha256);
  Digest sha1 = Hash(HashAlg::kSha1, AsBytes("x"));
  Digest want = reg;
  Hasher().Extend(&want, sha1.span());
  ExtendChain(&reg, std::span<const Digest>(&sha1, 1));
  EXPECT_EQ(reg, want);
  EXPECT_EQ(reg.len, 32);
}

TEST(ExtendChainTest, KnownAnswerForOneSha256Extend) {
  // H(32 zero bytes || SHA-256("abc")) computed independently (Python hashlib).
  Digest reg = Digest::Zero(HashAlg::kSha256);
  Digest abc = Hash(HashAlg::kSha256, AsBytes("abc"));
  ExtendChain(&reg, std::span<const Digest>(&abc, 1));
  EXPECT_EQ(ToHex(reg.span()), "589f9ffed4c477966bfb8d41f37895b08c69047df8f911d6f3b57fbe08faee8d");
}

}  // namespace
}  // namespace ccv::crypto
