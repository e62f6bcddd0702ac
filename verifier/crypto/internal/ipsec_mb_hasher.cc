// libipsec-mb multi-buffer backend of BatchHasher.
//
// Each thread owns one manager per instruction set, made on first use (set-up
// costs about 70 µs and 200 KB, as the library self-tests) and freed when the
// thread ends. Jobs are submitted in order and complete in order; the manager
// hashes as many messages side by side as its lanes allow (SHA-1/256: 4 SSE,
// 8 AVX2, 16 AVX-512; SHA-384/512: 2, 4, 8) and flushes the rest at the end
// of a batch. Messages longer than the library takes, and SM3, go to OpenSSL.

// Without this, intel-ipsec-mb.h defines compatibility macros (SHA1, SHA256
// ...) that clash with <openssl/sha.h>.
#define NO_COMPAT_IMB_API_053
#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <intel-ipsec-mb.h>

#include "verifier/crypto/batch_hash.h"
#include "verifier/crypto/internal/batch_hash_internal.h"

namespace ccv::crypto::internal {
namespace {

// The library keeps hash lengths in 16-bit lanes; longer messages are refused.
constexpr size_t kMaxMessageLen = 65534;

size_t ArchIndex(HashBackend b) {
  switch (b) {
    case HashBackend::kIpsecMbSse:
      return 0;
    case HashBackend::kIpsecMbAvx2:
      return 1;
    case HashBackend::kIpsecMbAvx512:
      return 2;
    case HashBackend::kOpenSsl:
    case HashBackend::kSha512Avx2:
      break;
  }
  std::fprintf(stderr, "ccverify: internal error: not a libipsec-mb backend\n");
  std::abort();
}

uint64_t RequiredFeatures(HashBackend b) {
  switch (b) {
    case HashBackend::kIpsecMbSse:
      return IMB_CPUFLAGS_SSE;
    case HashBackend::kIpsecMbAvx2:
      return IMB_CPUFLAGS_AVX2;
    case HashBackend::kIpsecMbAvx512:
      return IMB_CPUFLAGS_AVX512;
    case HashBackend::kOpenSsl:
    case HashBackend::kSha512Avx2:
      break;
  }
  return ~uint64_t{0};
}

[[noreturn]] void Die(const char* what, int err) {
  std::fprintf(stderr, "ccverify: internal error: libipsec-mb %s failed: %s\n", what,
               err != 0 ? imb_get_strerror(err) : "no detail");
  std::abort();
}

// CPU features as the library detects them, probed once.
uint64_t DetectedFeatures() {
  static const uint64_t features = [] {
    IMB_MGR* m = alloc_mb_mgr(0);
    if (m == nullptr) return uint64_t{0};
    uint64_t f = m->features;
    free_mb_mgr(m);
    return f;
  }();
  return features;
}

IMB_MGR* NewManager(HashBackend b) {
  IMB_MGR* m = alloc_mb_mgr(0);
  if (m == nullptr) Die("alloc_mb_mgr", 0);
  switch (b) {
    case HashBackend::kIpsecMbSse:
      init_mb_mgr_sse(m);
      break;
    case HashBackend::kIpsecMbAvx2:
      init_mb_mgr_avx2(m);
      break;
    case HashBackend::kIpsecMbAvx512:
      init_mb_mgr_avx512(m);
      break;
    case HashBackend::kOpenSsl:
    case HashBackend::kSha512Avx2:
      break;
  }
  if (int err = imb_get_errno(m); err != 0) Die("init_mb_mgr", err);
  return m;
}

struct ThreadManagers {
  std::array<IMB_MGR*, 3> mgrs{};
  ThreadManagers() = default;
  ThreadManagers(const ThreadManagers&) = delete;
  ThreadManagers& operator=(const ThreadManagers&) = delete;
  ~ThreadManagers() {
    for (IMB_MGR* m : mgrs) {
      if (m != nullptr) free_mb_mgr(m);
    }
  }
};

IMB_MGR* ThreadManager(HashBackend b) {
  thread_local ThreadManagers tm;
  IMB_MGR*& m = tm.mgrs[ArchIndex(b)];
  if (m == nullptr) m = NewManager(b);
  return m;
}

IMB_HASH_ALG ImbHashAlg(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha1:
      return IMB_AUTH_SHA_1;
    case HashAlg::kSha256:
      return IMB_AUTH_SHA_256;
    case HashAlg::kSha384:
      return IMB_AUTH_SHA_384;
    case HashAlg::kSha512:
      return IMB_AUTH_SHA_512;
    case HashAlg::kSm3_256:
      break;
  }
  return IMB_AUTH_NULL;
}

void Retire(IMB_MGR* m, const IMB_JOB* job) {
  if (job->status != IMB_STATUS_COMPLETED) Die("hash job", imb_get_errno(m));
}

class IpsecMbHasher final : public BatchHasher {
 public:
  explicit IpsecMbHasher(HashBackend backend) : backend_(backend) {}

  HashBackend backend() const override { return backend_; }

  void HashMany(HashAlg alg, std::span<const ByteSpan> msgs, Digest* out) override {
    const IMB_HASH_ALG imb_alg = ImbHashAlg(alg);
    if (imb_alg == IMB_AUTH_NULL) {
      for (size_t i = 0; i < msgs.size(); ++i) OpenSslHashOne(alg, msgs[i], &out[i]);
      return;
    }
    static constexpr uint8_t kEmpty[1] = {0};
    const uint8_t len = uint8_t(DigestLen(alg));
    IMB_MGR* m = ThreadManager(backend_);
    for (size_t i = 0; i < msgs.size(); ++i) {
      const ByteSpan msg = msgs[i];
      Digest* d = &out[i];
      d->alg = alg;
      d->len = len;
      if (msg.size() > kMaxMessageLen) {
        OpenSslHashOne(alg, msg, d);
        continue;
      }
      IMB_JOB* job = IMB_GET_NEXT_JOB(m);
      job->cipher_mode = IMB_CIPHER_NULL;
      job->cipher_direction = IMB_DIR_ENCRYPT;
      job->chain_order = IMB_ORDER_HASH_CIPHER;
      job->hash_alg = imb_alg;
      job->src = msg.empty() ? kEmpty : msg.data();
      job->hash_start_src_offset_in_bytes = 0;
      job->msg_len_to_hash_in_bytes = msg.size();
      job->auth_tag_output = d->bytes.data();
      job->auth_tag_output_len_in_bytes = len;
      job->user_data = d;
      job = IMB_SUBMIT_JOB_NOCHECK(m);
      while (job != nullptr) {
        Retire(m, job);
        job = IMB_GET_COMPLETED_JOB(m);
      }
    }
    while (IMB_JOB* job = IMB_FLUSH_JOB(m)) Retire(m, job);
  }

 private:
  const HashBackend backend_;
};

}  // namespace

bool IpsecMbSupported(HashBackend backend, std::string* why_not) {
  const uint64_t need = RequiredFeatures(backend);
  const uint64_t have = DetectedFeatures();
  if ((have & need) == need) return true;
  if (why_not != nullptr) {
    char mask[64];
    std::snprintf(mask, sizeof mask, " (feature mask 0x%llx missing)",
                  static_cast<unsigned long long>(need & ~have));
    *why_not = "this CPU lacks instructions the libipsec-mb " +
               std::string(HashBackendName(backend)) + " manager needs" + mask;
  }
  return false;
}

std::unique_ptr<BatchHasher> NewIpsecMbHasher(HashBackend backend) {
  if (!IpsecMbSupported(backend, nullptr)) return nullptr;
  ThreadManager(backend);  // fail early, on the creating thread, if set-up fails
  return std::make_unique<IpsecMbHasher>(backend);
}

bool IpsecMbHasShaNi() { return (DetectedFeatures() & IMB_FEATURE_SHANI) != 0; }

std::string IpsecMbVersion() { return std::string("libipsec-mb ") + imb_get_version_str(); }

}  // namespace ccv::crypto::internal
