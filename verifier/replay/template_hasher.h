// The template hashes of an IMA list: out[i] = H_alg(data[i]) for independent
// messages, one after another through OpenSSL or batched through a
// crypto::BatchHasher (multi-buffer by default).
#ifndef CCV_VERIFIER_REPLAY_TEMPLATE_HASHER_H_
#define CCV_VERIFIER_REPLAY_TEMPLATE_HASHER_H_

#include <memory>
#include <span>

#include "parsers/core/byte_reader.h"
#include "parsers/core/hash_alg.h"
#include "verifier/crypto/batch_hash.h"

namespace ccv::replay {

// Computes out[i] = H_alg(data[i]) for independent messages.
class TemplateHasher {
 public:
  virtual ~TemplateHasher() = default;
  // REQUIRES: out.size() == data.size().
  virtual void HashBatch(HashAlg alg, std::span<const Bytes> data, std::span<Digest> out) = 0;
  // Whether HashBatch may run on several threads at once (on disjoint
  // outputs). When it may, the caller hashes chunks of a batch the extend
  // thread has not reached.
  virtual bool thread_safe() const { return false; }
};
// The reference backend: OpenSSL, one message after another.
std::unique_ptr<TemplateHasher> MakeOpenSslTemplateHasher();
// Batched hashing through `hasher` (not owned; nullptr: the process default,
// crypto::DefaultBatchHasher()). The default of ImaReplayer.
std::unique_ptr<TemplateHasher> MakeBatchTemplateHasher(crypto::BatchHasher* hasher = nullptr);

}  // namespace ccv::replay

#endif  // CCV_VERIFIER_REPLAY_TEMPLATE_HASHER_H_
