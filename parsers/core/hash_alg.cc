#include "parsers/core/hash_alg.h"

namespace ccv {

std::optional<HashAlg> HashAlgFromName(std::string_view name) {
  if (name == "sha1") return HashAlg::kSha1;
  if (name == "sha256") return HashAlg::kSha256;
  if (name == "sha384") return HashAlg::kSha384;
  if (name == "sha512") return HashAlg::kSha512;
  if (name == "sm3_256" || name == "sm3" || name == "sm3-256") return HashAlg::kSm3_256;
  return std::nullopt;
}

}  // namespace ccv
