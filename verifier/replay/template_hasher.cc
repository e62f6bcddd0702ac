#include "verifier/replay/template_hasher.h"

#include "verifier/crypto/digest.h"

namespace ccv::replay {
namespace {

class OpenSslTemplateHasher final : public TemplateHasher {
 public:
  void HashBatch(HashAlg alg, std::span<const Bytes> data, std::span<Digest> out) override {
    for (size_t i = 0; i < data.size(); ++i) out[i] = hasher_.Hash(alg, data[i]);
  }

 private:
  crypto::Hasher hasher_;
};

class BatchTemplateHasher final : public TemplateHasher {
 public:
  explicit BatchTemplateHasher(crypto::BatchHasher* hasher) : hasher_(hasher) {}
  void HashBatch(HashAlg alg, std::span<const Bytes> data, std::span<Digest> out) override {
    hasher_->HashMany(alg, data, out.data());
  }
  bool thread_safe() const override { return true; }  // BatchHasher is

 private:
  crypto::BatchHasher* hasher_;
};

}  // namespace

std::unique_ptr<TemplateHasher> MakeOpenSslTemplateHasher() {
  return std::make_unique<OpenSslTemplateHasher>();
}

std::unique_ptr<TemplateHasher> MakeBatchTemplateHasher(crypto::BatchHasher* hasher) {
  return std::make_unique<BatchTemplateHasher>(hasher != nullptr ? hasher
                                                                 : &crypto::DefaultBatchHasher());
}

}  // namespace ccv::replay
