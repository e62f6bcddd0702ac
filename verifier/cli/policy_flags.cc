#include "verifier/cli/policy_flags.h"

#include <string>
#include <string_view>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "policies/policy_parser.h"
#include "verifier/crypto/digest.h"
#include "verifier/sign/jose.h"

namespace ccv::cli {

namespace po = boost::program_options;

Status CheckPolicyFlags(const po::variables_map& vm) {
  if ((vm.count("policy-signature") || vm.count("policy-key")) && !vm.count("policy")) {
    return Status(ErrorCode::kInvalidArgument, "--policy-signature and --policy-key need --policy");
  }
  if (vm.count("policy-signature") && !vm.count("policy-key")) {
    return Status(ErrorCode::kInvalidArgument,
                  "--policy-signature needs --policy-key (the key it must verify with)");
  }
  return Status::Ok();
}

Result<policy::Policy> LoadPolicyFromOptions(const po::variables_map& vm,
                                             report::VerifyReportContext* ctx) {
  const std::string path = vm["policy"].as<std::string>();
  CCV_ASSIGN_OR_RETURN(std::string text, ReadFileText(path, uint64_t{64} << 20));
  ctx->policy_sha256 = ToHex(crypto::Hash(HashAlg::kSha256, AsBytes(text)).span());
  const bool signed_policy = vm.count("policy-key") > 0;
  if (signed_policy) {
    const std::string key_path = vm["policy-key"].as<std::string>();
    CCV_ASSIGN_OR_RETURN(std::string key_pem, ReadFileText(key_path, 1 << 20));
    auto key = sign::ReadVerificationKey(key_pem);
    if (!key.ok()) return key.status().WithFile(key_path);
    if (!vm.count("policy-signature")) {
      return Status(ErrorCode::kBadSignature,
                    "the policy is not signed: --policy-key requires a signature "
                    "(--policy-signature, a detached JWS or a DSSE envelope)")
          .WithFile(path);
    }
    const std::string sig_path = vm["policy-signature"].as<std::string>();
    CCV_ASSIGN_OR_RETURN(std::string sig, ReadFileText(sig_path, sign::kMaxTokenLen));
    const std::string_view form = sign::DetectSignatureForm(sig);
    if (form == "DSSE") {
      auto d = sign::VerifyDsse(sig, key->key);
      if (!d.ok()) return d.status().WithFile(sig_path);
      if (AsChars(d->payload) != text) {
        return Status(ErrorCode::kBadSignature,
                      "the DSSE envelope signs another document than the policy " + path)
            .WithFile(sig_path);
      }
      ctx->policy_signature = "dsse";
    } else if (form == "JWS") {
      auto j = sign::VerifyDetachedJws(sig, AsBytes(text), key->key);
      if (!j.ok()) return j.status().WithFile(sig_path);
      ctx->policy_signature = "jws";
    } else {
      return Status(ErrorCode::kBadValue,
                    "expected a detached JWS (header..signature) or a DSSE envelope (JSON)")
          .WithFile(sig_path);
    }
    ctx->policy_signer = key->signer;
  }
  return policy::ParsePolicyFileText(path, text, signed_policy);
}

}  // namespace ccv::cli
