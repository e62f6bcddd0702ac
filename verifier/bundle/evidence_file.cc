#include "verifier/bundle/evidence_file.h"

#include <filesystem>
#include <span>

namespace ccv::bundle {
namespace {

// `path` relative to `dir` when it lies lexically under it ("quote.bin",
// "sub/x"); nullopt otherwise.
std::optional<std::string> UnderDir(const std::string& dir, const std::string& path) {
  if (dir.empty()) return std::nullopt;
  std::filesystem::path d = std::filesystem::path(dir).lexically_normal();
  std::filesystem::path p = std::filesystem::path(path).lexically_normal();
  if (d.is_absolute() != p.is_absolute()) return std::nullopt;
  std::filesystem::path rel = p.lexically_relative(d);
  if (rel.empty()) return std::nullopt;
  for (const auto& part : rel) {
    if (part == "..") return std::nullopt;
  }
  return rel.string();
}

}  // namespace

Result<InputFile> OpenEvidenceFile(const Evidence& e, const std::string& path) {
  if (std::optional<std::string> rel = UnderDir(e.dir, path)) {
    return InputFile::OpenBeneath(e.dir, *rel);
  }
  return InputFile::Open(path);
}

Result<std::unique_ptr<FileSource>> OpenEvidenceSource(const Evidence& e, const std::string& path) {
  CCV_ASSIGN_OR_RETURN(InputFile f, OpenEvidenceFile(e, path));
  return std::make_unique<FileSource>(std::move(f));
}

Result<ima::ChunkSource> OpenEvidenceChunks(const Evidence& e, const std::string& path,
                                            uint64_t offset) {
  CCV_ASSIGN_OR_RETURN(InputFile f, OpenEvidenceFile(e, path));
  if (offset > 0) CCV_RETURN_IF_ERROR(f.Seek(offset));
  auto shared = std::make_shared<InputFile>(std::move(f));
  return ima::ChunkSource([shared](std::span<uint8_t> out) -> Result<size_t> {
    return shared->Read(out.data(), out.size());
  });
}

Result<std::vector<uint8_t>> ReadEvidenceFile(const Evidence& e, const std::string& path,
                                              uint64_t max_len) {
  CCV_ASSIGN_OR_RETURN(InputFile f, OpenEvidenceFile(e, path));
  return f.ReadAll(max_len);
}

Result<std::string> ReadEvidenceText(const Evidence& e, const std::string& path, uint64_t max_len) {
  CCV_ASSIGN_OR_RETURN(InputFile f, OpenEvidenceFile(e, path));
  return f.ReadAllText(max_len);
}

Result<std::unique_ptr<FileSource>> OpenFileSource(const std::string& path) {
  CCV_ASSIGN_OR_RETURN(InputFile f, InputFile::Open(path));
  return std::make_unique<FileSource>(std::move(f));
}

}  // namespace ccv::bundle
