#include "verifier/crypto/internal/sha512_avx2.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

// The vector code is compiled for AVX2 function by function and called
// only where the CPU has it (GCC and clang on x86-64).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CCV_SHA512_AVX2 1
#include <immintrin.h>
#else
#define CCV_SHA512_AVX2 0
#endif

namespace ccv::crypto::internal {

#if CCV_SHA512_AVX2
namespace {

#define CCV_AVX2 __attribute__((target("avx2")))

// FIPS 180-4 §4.2.3: the round constants; §5.3.4 and §5.3.5: the initial
// hash values of SHA-384 and SHA-512.
constexpr uint64_t kRound[80] = {
    0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
    0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
    0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
    0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
    0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
    0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
    0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
    0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
    0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
    0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
    0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
    0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
    0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
    0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
    0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
    0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
    0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
    0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
    0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
    0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
};
constexpr uint64_t kInit384[8] = {0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17,
                                  0x152fecd8f70e5939, 0x67332667ffc00b31, 0x8eb44a8768581511,
                                  0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4};
constexpr uint64_t kInit512[8] = {0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b,
                                  0xa54ff53a5f1d36f1, 0x510e527fade682d1, 0x9b05688c2b3e6c1f,
                                  0x1f83d9abfb41bd6b, 0x5be0cd19137e2179};

constexpr size_t kBlock = 128;
constexpr size_t kLanes = 4;

CCV_AVX2 inline __m256i Add(__m256i a, __m256i b) { return _mm256_add_epi64(a, b); }
CCV_AVX2 inline __m256i Xor(__m256i a, __m256i b) { return _mm256_xor_si256(a, b); }
CCV_AVX2 inline __m256i Ror(__m256i x, int n) {
  return _mm256_or_si256(_mm256_srli_epi64(x, n), _mm256_slli_epi64(x, 64 - n));
}

// One compression in each lane: state[w] holds word w of the four lanes'
// states, block[l] the 128 bytes lane l compresses.
CCV_AVX2 void Compress(__m256i state[8], const uint8_t* const block[kLanes]) {
  // Message words are big-endian; a rotation by 8 is a byte shuffle.
  const __m256i bswap = _mm256_setr_epi8(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6,
                                         5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
  const __m256i ror8 = _mm256_setr_epi8(1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8, 1, 2,
                                        3, 4, 5, 6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8);
  __m256i w[16];
  for (int g = 0; g < 4; ++g) {
    // Words 4g..4g+3 of each lane, transposed to one word of every lane per
    // register.
    __m256i r[kLanes];
    for (size_t l = 0; l < kLanes; ++l) {
      r[l] = _mm256_shuffle_epi8(
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block[l] + 32 * g)), bswap);
    }
    const __m256i lo01 = _mm256_unpacklo_epi64(r[0], r[1]);  // words 0 and 2 of lanes 0, 1
    const __m256i hi01 = _mm256_unpackhi_epi64(r[0], r[1]);  // words 1 and 3
    const __m256i lo23 = _mm256_unpacklo_epi64(r[2], r[3]);
    const __m256i hi23 = _mm256_unpackhi_epi64(r[2], r[3]);
    w[4 * g + 0] = _mm256_permute2x128_si256(lo01, lo23, 0x20);
    w[4 * g + 1] = _mm256_permute2x128_si256(hi01, hi23, 0x20);
    w[4 * g + 2] = _mm256_permute2x128_si256(lo01, lo23, 0x31);
    w[4 * g + 3] = _mm256_permute2x128_si256(hi01, hi23, 0x31);
  }
  __m256i a = state[0], b = state[1], c = state[2], d = state[3];
  __m256i e = state[4], f = state[5], g = state[6], h = state[7];
  // Maj(a, b, c) = b ^ ((a ^ b) & (b ^ c)); this round's a ^ b is the next
  // round's b ^ c.
  __m256i bc = Xor(b, c);
  for (int t0 = 0; t0 < 80; t0 += 16) {
#pragma GCC unroll 16
    for (int i = 0; i < 16; ++i) {
      if (t0 > 0) {
        // FIPS 180-4 §6.4.2 step 1, W kept as a ring of 16.
        const __m256i w15 = w[(i + 1) & 15], w2 = w[(i + 14) & 15];
        const __m256i s0 =
            Xor(Xor(Ror(w15, 1), _mm256_shuffle_epi8(w15, ror8)), _mm256_srli_epi64(w15, 7));
        const __m256i s1 = Xor(Xor(Ror(w2, 19), Ror(w2, 61)), _mm256_srli_epi64(w2, 6));
        w[i] = Add(Add(w[i], s0), Add(w[(i + 9) & 15], s1));
      }
      __m256i t1 = Add(Add(h, _mm256_set1_epi64x(static_cast<long long>(kRound[t0 + i]))), w[i]);
      t1 = Add(t1, Xor(Xor(Ror(e, 14), Ror(e, 18)), Ror(e, 41)));
      t1 = Add(t1, Xor(_mm256_and_si256(Xor(f, g), e), g));  // Ch(e, f, g)
      const __m256i ab = Xor(a, b);
      const __m256i t2 =
          Add(Xor(Xor(Ror(a, 28), Ror(a, 34)), Ror(a, 39)), Xor(b, _mm256_and_si256(ab, bc)));
      bc = ab;
      h = g;
      g = f;
      f = e;
      e = Add(d, t1);
      d = c;
      c = b;
      b = a;
      a = Add(t1, t2);
    }
  }
  state[0] = Add(state[0], a);
  state[1] = Add(state[1], b);
  state[2] = Add(state[2], c);
  state[3] = Add(state[3], d);
  state[4] = Add(state[4], e);
  state[5] = Add(state[5], f);
  state[6] = Add(state[6], g);
  state[7] = Add(state[7], h);
}

// Copies n < 32 bytes with loads that stay within [src, src + n).
CCV_AVX2 inline void CopyShort(uint8_t* dst, const uint8_t* src, size_t n) {
  if (n >= 16) {
    const __m128i head = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
    const __m128i tail = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + n - 16));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), head);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + n - 16), tail);
  } else if (n >= 8) {
    uint64_t head, tail;
    std::memcpy(&head, src, 8);
    std::memcpy(&tail, src + n - 8, 8);
    std::memcpy(dst, &head, 8);
    std::memcpy(dst + n - 8, &tail, 8);
  } else {
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
  }
}

// A lane's message: the whole blocks read in place, then one or two padded
// final blocks (FIPS 180-4 §5.1.2: 0x80, zeros, the 128-bit bit length).
struct Lane {
  const uint8_t* next = nullptr;  // the next whole block
  size_t whole = 0;               // whole blocks left
  size_t final_blocks = 0;        // 1 or 2
  size_t final_done = 0;          // final blocks compressed
  size_t msg = 0;                 // index of the message
  bool busy = false;
  alignas(32) uint8_t final[2 * kBlock];

  bool done() const { return whole == 0 && final_done == final_blocks; }
};

CCV_AVX2 void Start(Lane* lane, ByteSpan m, size_t index) {
  lane->whole = m.size() / kBlock;
  lane->next = m.data();
  lane->msg = index;
  lane->busy = true;
  lane->final_done = 0;
  const size_t rest = m.size() % kBlock;
  lane->final_blocks = rest + 1 + 16 <= kBlock ? 1 : 2;
  const size_t final_len = lane->final_blocks * kBlock;
  for (size_t i = 0; i < final_len; i += 32) {
    _mm256_store_si256(reinterpret_cast<__m256i*>(lane->final + i), _mm256_setzero_si256());
  }
  const uint8_t* src = rest > 0 ? m.data() + lane->whole * kBlock : nullptr;
  size_t i = 0;
  for (; i + 32 <= rest; i += 32) {
    _mm256_store_si256(reinterpret_cast<__m256i*>(lane->final + i),
                       _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i)));
  }
  if (i < rest) {
    if (rest >= 32) {
      // The last 32 bytes, overlapping what was copied.
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(lane->final + rest - 32),
                          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + rest - 32)));
    } else {
      CopyShort(lane->final, src, rest);
    }
  }
  lane->final[rest] = 0x80;
  // The high 64 bits of the length stay zero: no message here is 2^61 bytes.
  const uint64_t bits = __builtin_bswap64(uint64_t(m.size()) * 8);
  std::memcpy(lane->final + final_len - 8, &bits, 8);
}

}  // namespace

bool Sha512Avx2Available() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}

CCV_AVX2 void Sha512Avx2HashMany(HashAlg alg, std::span<const ByteSpan> msgs, Digest* out) {
  if (alg != HashAlg::kSha384 && alg != HashAlg::kSha512) {
    std::fprintf(stderr, "ccverify: internal error: sha512-avx2 given %s\n",
                 std::string(HashAlgName(alg)).c_str());
    std::abort();
  }
  const uint64_t* init = alg == HashAlg::kSha384 ? kInit384 : kInit512;
  const size_t len = DigestLen(alg);
  alignas(32) static constexpr uint8_t kIdle[kBlock] = {};
  Lane lanes[kLanes];
  // The state words, lane by lane, where lanes are started and finished;
  // in vector registers while blocks are compressed.
  alignas(32) uint64_t words[8][kLanes];
  size_t next = 0, busy = 0;
  auto start = [&](size_t l) {
    Start(&lanes[l], msgs[next], next);
    for (size_t w = 0; w < 8; ++w) words[w][l] = init[w];
    ++next;
    ++busy;
  };
  for (size_t l = 0; l < kLanes && next < msgs.size(); ++l) start(l);
  __m256i state[8];
  for (size_t w = 0; w < 8; ++w) {
    state[w] = _mm256_load_si256(reinterpret_cast<const __m256i*>(words[w]));
  }
  while (busy > 0) {
    const uint8_t* block[kLanes];
    bool any_done = false;
    for (size_t l = 0; l < kLanes; ++l) {
      Lane& lane = lanes[l];
      if (!lane.busy) {
        block[l] = kIdle;
      } else if (lane.whole > 0) {
        block[l] = lane.next;
        lane.next += kBlock;
        --lane.whole;
      } else {
        block[l] = lane.final + kBlock * lane.final_done++;
      }
      any_done |= lane.busy && lane.done();
    }
    Compress(state, block);
    if (!any_done) continue;
    for (size_t w = 0; w < 8; ++w) {
      _mm256_store_si256(reinterpret_cast<__m256i*>(words[w]), state[w]);
    }
    for (size_t l = 0; l < kLanes; ++l) {
      Lane& lane = lanes[l];
      if (!lane.busy || !lane.done()) continue;
      Digest* d = &out[lane.msg];
      d->alg = alg;
      d->len = uint8_t(len);
      for (size_t w = 0; w < len / 8; ++w) {
        const uint64_t be = __builtin_bswap64(words[w][l]);
        std::memcpy(d->bytes.data() + 8 * w, &be, 8);
      }
      std::memset(d->bytes.data() + len, 0, d->bytes.size() - len);
      lane.busy = false;
      --busy;
      if (next < msgs.size()) start(l);
    }
    for (size_t w = 0; w < 8; ++w) {
      state[w] = _mm256_load_si256(reinterpret_cast<const __m256i*>(words[w]));
    }
  }
}

#else  // !CCV_SHA512_AVX2

bool Sha512Avx2Available() { return false; }

void Sha512Avx2HashMany(HashAlg, std::span<const ByteSpan>, Digest*) {
  std::fprintf(stderr, "ccverify: internal error: sha512-avx2 is not in this build\n");
  std::abort();
}

#endif

}  // namespace ccv::crypto::internal
