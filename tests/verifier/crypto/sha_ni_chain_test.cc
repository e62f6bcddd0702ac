#include "verifier/crypto/internal/sha_ni_chain.h"

#include <random>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"
#include "verifier/crypto/digest.h"
#include "verifier/crypto/extend_chain.h"

namespace ccv::crypto {
namespace {

std::vector<Digest> RandomDigests(std::mt19937_64& rng, HashAlg alg, size_t n) {
  std::vector<Digest> out;
  for (size_t i = 0; i < n; ++i) {
    Digest d = Digest::Zero(alg);
    for (size_t j = 0; j < d.len; ++j) d.bytes[j] = uint8_t(rng());
    out.push_back(d);
  }
  return out;
}

// The reference: one EVP digest of reg || d per step.
Digest Stepwise(Digest reg, const std::vector<Digest>& digests) {
  Hasher h;
  for (const Digest& d : digests) h.Extend(&reg, d.span());
  return reg;
}

Digest RandomStart(std::mt19937_64& rng, HashAlg alg) {
  Digest d = Digest::Zero(alg);
  for (size_t j = 0; j < d.len; ++j) d.bytes[j] = uint8_t(rng());
  return d;
}

constexpr size_t kLengths[] = {0, 1, 2, 3, 17, 1000};

#define SKIP_WITHOUT_SHA_NI() \
  if (!internal::ShaNiAvailable()) GTEST_SKIP() << "this CPU has no SHA-NI"

// Both SHA-NI chains, over digests in Digest and in ByteSpan form.
TEST(ShaNiChainTest, EachChainMatchesStepwiseExtend) {
  SKIP_WITHOUT_SHA_NI();
  std::mt19937_64 rng(1);
  for (HashAlg alg : {HashAlg::kSha1, HashAlg::kSha256}) {
    const bool sha1 = alg == HashAlg::kSha1;
    for (size_t n : kLengths) {
      std::vector<Digest> ds = RandomDigests(rng, alg, n);
      std::vector<ByteSpan> spans;
      for (const Digest& d : ds) spans.push_back(d.span());
      const Digest start = RandomStart(rng, alg);
      Digest got = start, got_spans = start;
      if (sha1) {
        internal::ShaNiExtendChainSha1(got.bytes.data(), ds);
        internal::ShaNiExtendChainSha1(got_spans.bytes.data(), spans);
      } else {
        internal::ShaNiExtendChainSha256(got.bytes.data(), ds);
        internal::ShaNiExtendChainSha256(got_spans.bytes.data(), spans);
      }
      EXPECT_EQ(got, Stepwise(start, ds)) << HashAlgName(alg) << " " << n;
      EXPECT_EQ(got_spans, got) << HashAlgName(alg) << " " << n;
    }
  }
}

// Extends of a zero register with the digest of "abc" (FIPS 180 example),
// the expected registers worked out with coreutils sha1sum / sha256sum over
// the 40- and 64-byte messages.
TEST(ShaNiChainTest, KnownExtendsFromZero) {
  SKIP_WITHOUT_SHA_NI();
  const ByteSpan abc(reinterpret_cast<const uint8_t*>("abc"), 3);
  Digest abc1 = Hash(HashAlg::kSha1, abc);
  ASSERT_EQ(ToHex(abc1.span()), "a9993e364706816aba3e25717850c26c9cd0d89d");
  Digest d1 = Digest::Zero(HashAlg::kSha1);
  internal::ShaNiExtendChainSha1(d1.bytes.data(), std::span<const Digest>(&abc1, 1));
  EXPECT_EQ(ToHex(d1.span()), "ccd5bd41458de644ac34a2478b58ff819bef5acf");
  Digest abc256 = Hash(HashAlg::kSha256, abc);
  ASSERT_EQ(ToHex(abc256.span()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Digest d256 = Digest::Zero(HashAlg::kSha256);
  internal::ShaNiExtendChainSha256(d256.bytes.data(), std::span<const Digest>(&abc256, 1));
  EXPECT_EQ(ToHex(d256.span()), "589f9ffed4c477966bfb8d41f37895b08c69047df8f911d6f3b57fbe08faee8d");
}

TEST(ShaNiChainTest, TwoChainsSideBySideMatchEachAlone) {
  SKIP_WITHOUT_SHA_NI();
  std::mt19937_64 rng(3);
  for (size_t n : kLengths) {
    std::vector<Digest> d1 = RandomDigests(rng, HashAlg::kSha1, n);
    std::vector<Digest> d256 = RandomDigests(rng, HashAlg::kSha256, n);
    Digest s1 = RandomStart(rng, HashAlg::kSha1), s256 = RandomStart(rng, HashAlg::kSha256);
    Digest g1 = s1, g256 = s256;
    internal::ShaNiExtendChainsSha1Sha256(g1.bytes.data(), d1, g256.bytes.data(), d256);
    EXPECT_EQ(g1, Stepwise(s1, d1)) << n;
    EXPECT_EQ(g256, Stepwise(s256, d256)) << n;
  }
}

// ExtendChains equals one ExtendChain per register, whatever the banks, their
// order, and digests of another size (which leave the side-by-side path).
TEST(ExtendChainsTest, EqualsOneChainPerRegister) {
  std::mt19937_64 rng(5);
  const std::vector<std::vector<HashAlg>> bank_sets = {
      {HashAlg::kSha1, HashAlg::kSha256},
      {HashAlg::kSha256, HashAlg::kSha1},
      {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384},
      {HashAlg::kSha256, HashAlg::kSha384},
      {HashAlg::kSha1}};
  for (const std::vector<HashAlg>& algs : bank_sets) {
    for (size_t n : kLengths) {
      for (bool odd_size : {false, true}) {
        std::vector<std::vector<Digest>> ds;
        std::vector<Digest> regs, want;
        for (HashAlg alg : algs) {
          ds.push_back(RandomDigests(rng, alg, n));
          // A shorter digest mid-chain (a SHA-1 value in a SHA-256 bank).
          if (odd_size && n > 2) ds.back()[n / 2] = RandomStart(rng, HashAlg::kSha1);
          regs.push_back(RandomStart(rng, alg));
        }
        for (size_t k = 0; k < algs.size(); ++k) {
          Digest r = regs[k];
          ExtendChain(&r, ds[k]);
          EXPECT_EQ(r, Stepwise(regs[k], ds[k]));
          want.push_back(r);
        }
        std::vector<Digest*> reg_ptrs;
        std::vector<std::span<const Digest>> spans;
        for (size_t k = 0; k < algs.size(); ++k) {
          reg_ptrs.push_back(&regs[k]);
          spans.push_back(ds[k]);
        }
        ExtendChains(reg_ptrs, spans);
        for (size_t k = 0; k < algs.size(); ++k) {
          EXPECT_EQ(regs[k], want[k]) << HashAlgName(algs[k]) << " n=" << n << " odd=" << odd_size;
        }
      }
    }
  }
}

// Chains of different lengths are each extended over their own digests.
// Chains of different lengths are each extended over their own digests, and
// no further: each span here is the front of a longer vector.
TEST(ExtendChainsTest, ChainsOfDifferentLengthsEachTakeTheirOwn) {
  std::mt19937_64 rng(6);
  for (auto [n1, n256] : {std::pair<size_t, size_t>{5, 9}, {9, 5}}) {
    const std::vector<Digest> all1 = RandomDigests(rng, HashAlg::kSha1, 12);
    const std::vector<Digest> all256 = RandomDigests(rng, HashAlg::kSha256, 12);
    const std::vector<Digest> d1(all1.begin(), all1.begin() + long(n1));
    const std::vector<Digest> d256(all256.begin(), all256.begin() + long(n256));
    Digest r1 = RandomStart(rng, HashAlg::kSha1), r256 = RandomStart(rng, HashAlg::kSha256);
    const Digest want1 = Stepwise(r1, d1), want256 = Stepwise(r256, d256);
    Digest* regs[] = {&r1, &r256};
    const std::span<const Digest> spans[] = {std::span<const Digest>(all1).first(n1),
                                             std::span<const Digest>(all256).first(n256)};
    ExtendChains(regs, spans);
    EXPECT_EQ(r1, want1) << n1 << " " << n256;
    EXPECT_EQ(r256, want256) << n1 << " " << n256;
  }
}

// The path CPUs without SHA-NI take, checked on every CPU.
TEST(ShaNiChainTest, OpenSslPathMatchesStepwiseExtend) {
  std::mt19937_64 rng(4);
  for (HashAlg alg : {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384, HashAlg::kSha512}) {
    for (size_t n : kLengths) {
      std::vector<Digest> ds = RandomDigests(rng, alg, n);
      Digest start = RandomStart(rng, alg);
      Digest got = start;
      internal::OpenSslExtendChain(&got, ds);
      EXPECT_EQ(got, Stepwise(start, ds)) << HashAlgName(alg) << " " << n;
    }
  }
}

}  // namespace
}  // namespace ccv::crypto
