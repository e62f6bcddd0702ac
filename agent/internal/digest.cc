#include "agent/internal/digest.h"

#include <memory>

#include <openssl/evp.h>

namespace ccv::agent::internal {
namespace {

const EVP_MD* Md(HashAlg alg) {
  static EVP_MD* const kMds[] = {
      EVP_MD_fetch(nullptr, "SHA1", nullptr),   EVP_MD_fetch(nullptr, "SHA256", nullptr),
      EVP_MD_fetch(nullptr, "SHA384", nullptr), EVP_MD_fetch(nullptr, "SHA512", nullptr),
      EVP_MD_fetch(nullptr, "SM3", nullptr),
  };
  return kMds[static_cast<size_t>(alg)];
}

}  // namespace

Result<Digest> HashParts(HashAlg alg, std::initializer_list<std::span<const uint8_t>> parts) {
  const EVP_MD* md = Md(alg);
  if (md == nullptr) {
    return Status(ErrorCode::kUnsupported, "libcrypto has no " + std::string(HashAlgName(alg)));
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  Digest d = Digest::Zero(alg);
  unsigned int len = 0;
  bool ok = ctx && EVP_DigestInit_ex2(ctx.get(), md, nullptr) == 1;
  for (std::span<const uint8_t> p : parts) {
    ok = ok && EVP_DigestUpdate(ctx.get(), p.data(), p.size()) == 1;
  }
  ok = ok && EVP_DigestFinal_ex(ctx.get(), d.bytes.data(), &len) == 1 && len == d.len;
  if (!ok) return Status(ErrorCode::kInternal, "libcrypto digest failed");
  return d;
}

}  // namespace ccv::agent::internal
