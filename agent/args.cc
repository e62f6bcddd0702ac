#include "agent/args.h"

#include <optional>
#include <string_view>

#include "parsers/core/hex.h"

namespace ccv::agent {

const char kAgentUsage[] =
    "usage: ccverify-agent collect --out DIR [--root PATH] [--nonce HEX] [--user-data HEX]\n"
    "                              [--require tdx] [--tpm-device PATH|none]\n"
    "                              [--tpm-nonce HEX] [--tpm-ak ecc|rsa]\n"
    "       ccverify-agent --help | --version\n"
    "\n"
    "Collects the evidence of this guest (CCEL, IMA lists, TPM log, a quote\n"
    "through configfs-tsm or the TDREPORT) into the bundle directory DIR, written\n"
    "atomically; the manifest's not_found names what the guest lacks. --require tdx\n"
    "makes the TDX evidence (CCEL and a quote or TDREPORT) mandatory.\n"
    "REPORTDATA = SHA-512(nonce || user_data). --root prefixes every guest path\n"
    "(a fake guest tree).\n"
    "Where the guest has a TPM (ROOT/dev/tpmrm0, or --tpm-device: a TPM device or\n"
    "a unix socket of raw TPM commands; none: no TPM quote), the bundle holds a\n"
    "quote of every PCR bank by an AK made under the endorsement hierarchy (ecc:\n"
    "P-256, the default, or rsa: RSA-2048), with qualifyingData --tpm-nonce (at\n"
    "most 64 bytes), else the nonce when it fits, else 32 random bytes.\n";

namespace {

constexpr size_t kMaxHexArgBytes = 1 << 20;

Status Usage(std::string message) {
  return Status(ErrorCode::kInvalidArgument, std::move(message));
}

Result<ByteVec> DecodeHexArg(std::string_view name, const std::string& value) {
  if (value.size() / 2 > kMaxHexArgBytes) return Usage(std::string(name) + ": value too long");
  Result<std::vector<uint8_t>> b = FromHex(value);
  if (!b.ok()) {
    return Usage(std::string(name) + ": expected hex digits (" + b.status().message() + ")");
  }
  return std::move(b).value();
}

}  // namespace

Result<CollectArgs> ParseCollectArgs(const std::vector<std::string>& args) {
  CollectArgs out;
  std::optional<std::string> out_dir, root, nonce, user_data, require, tpm_device, tpm_nonce,
      tpm_ak;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i], value;
    bool inline_value = false;
    if (size_t eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    std::optional<std::string>* slot = name == "--out"          ? &out_dir
                                       : name == "--root"       ? &root
                                       : name == "--nonce"      ? &nonce
                                       : name == "--user-data"  ? &user_data
                                       : name == "--require"    ? &require
                                       : name == "--tpm-device" ? &tpm_device
                                       : name == "--tpm-nonce"  ? &tpm_nonce
                                       : name == "--tpm-ak"     ? &tpm_ak
                                                                : nullptr;
    if (slot == nullptr) return Usage("unknown argument '" + args[i] + "'");
    if (slot->has_value()) return Usage(name + " given twice");
    if (!inline_value) {
      if (i + 1 >= args.size()) return Usage(name + " needs a value");
      value = args[++i];
    }
    *slot = std::move(value);
  }
  if (!out_dir || out_dir->empty()) return Usage("--out DIR is required");
  out.out_dir = *out_dir;
  if (root) {
    if (root->empty()) return Usage("--root: empty path");
    out.options.root = *root;
  }
  if (nonce) {
    CCV_ASSIGN_OR_RETURN(ByteVec n, DecodeHexArg("--nonce", *nonce));
    out.options.nonce = std::move(n);
  }
  if (require) {
    if (*require != "tdx") {
      return Usage("--require: '" + *require + "' is not supported (expected tdx)");
    }
    out.options.require_tdx = true;
  }
  if (user_data) {
    CCV_ASSIGN_OR_RETURN(ByteVec d, DecodeHexArg("--user-data", *user_data));
    out.options.user_data = std::move(d);
  }
  if (tpm_device) {
    if (tpm_device->empty()) return Usage("--tpm-device: empty path");
    out.options.tpm_device = *tpm_device;
  }
  if (tpm_nonce) {
    CCV_ASSIGN_OR_RETURN(ByteVec n, DecodeHexArg("--tpm-nonce", *tpm_nonce));
    if (n.empty() || n.size() > kMaxTpmNonceLen) {
      return Usage("--tpm-nonce: " + std::to_string(n.size()) + " bytes; expected 1 to " +
                   std::to_string(kMaxTpmNonceLen));
    }
    if (out.options.tpm_device == kNoTpm) return Usage("--tpm-nonce with --tpm-device none");
    out.options.tpm_nonce = std::move(n);
  }
  if (tpm_ak) {
    if (*tpm_ak == "ecc") {
      out.options.tpm_ak = AkKind::kEccP256;
    } else if (*tpm_ak == "rsa") {
      out.options.tpm_ak = AkKind::kRsa2048;
    } else {
      return Usage("--tpm-ak: '" + *tpm_ak + "' is not supported (expected ecc or rsa)");
    }
  }
  return out;
}

int AgentExitCodeFor(const Status& s) {
  if (s.ok()) return kAgentExitOk;
  switch (s.code()) {
    case ErrorCode::kInternal:
      return kAgentExitInternal;
    case ErrorCode::kInvalidArgument:
      return kAgentExitUsage;
    default:
      return kAgentExitInput;
  }
}

}  // namespace ccv::agent
