#include "verifier/cli/version.h"

#include "verifier/crypto/batch_hash.h"
#include "verifier/crypto/digest.h"

namespace ccv::cli {

std::string VersionString() {
  std::string out = "ccverify " CCV_VERSION " (";
  out += crypto::OpenSslVersion();
  out += "; batch hash backend: ";
  out += crypto::BackendDescription();
  out += ")";
  return out;
}

}  // namespace ccv::cli
