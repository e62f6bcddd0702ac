#include "verifier/cli/version.h"

#include "verifier/crypto/digest.h"

namespace ccv::cli {

std::string VersionString() {
  std::string out = "ccverify " CCV_VERSION " (";
  out += crypto::OpenSslVersion();
  out += ")";
  return out;
}

}  // namespace ccv::cli
