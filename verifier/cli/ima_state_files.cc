#include "verifier/cli/ima_state_files.h"

#include <filesystem>
#include <utility>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "verifier/crypto/digest.h"

namespace ccv::cli {

Result<std::vector<uint8_t>> ReadImaStateKey(const std::string& path) {
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> key, ReadFileBytes(path, 1 << 20));
  if (key.size() < replay::kMinImaStateKeyLen) {
    return Status(ErrorCode::kBadValue, "an IMA state key needs at least " +
                                            std::to_string(replay::kMinImaStateKeyLen) +
                                            " bytes, the file has " + std::to_string(key.size()))
        .WithFile(path);
  }
  return key;
}

Result<ImaStateFiles> LoadImaState(const std::string& path, std::vector<uint8_t> key) {
  ImaStateFiles sf;
  sf.path = path;
  sf.key = std::move(key);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return sf;  // the first run writes it
  CCV_ASSIGN_OR_RETURN(std::string text, ReadFileText(path, replay::kMaxImaStateLen));
  auto state = replay::ParseImaState(text, sf.key);
  if (!state.ok()) return state.status().WithFile(path);
  sf.state = std::make_shared<const replay::ImaState>(std::move(*state));
  return sf;
}

void ImaStateFiles::Apply(bool fallback, pipeline::VerifyOptions* options) const {
  options->ima_state = true;
  options->ima_resume = state;
  options->ima_resume_fallback = fallback;
}

Status ImaStateFiles::Name(Status s) const {
  return s.field() == "ima_state" ? s.WithFile(path) : s;
}

Result<bool> ImaStateFiles::Save(const result::Facts& facts) const {
  if (!facts.ima_state_out) return false;
  CCV_RETURN_IF_ERROR(
      WriteFileAtomically(path, replay::SerializeImaState(*facts.ima_state_out, key)));
  return true;
}

std::string BatchImaStatePath(const std::string& dir, std::string_view bundle_path) {
  const Digest d = crypto::Hash(HashAlg::kSha256, AsBytes(bundle_path));
  return (std::filesystem::path(dir) / (ToHex(d.span().first(16)) + ".state")).string();
}

}  // namespace ccv::cli
