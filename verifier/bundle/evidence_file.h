// Opening the files of an evidence bundle (docs/json.md) without letting the
// bundle reach outside itself: only regular files (a FIFO would hang the
// verifier, a device never ends), checked before anything is read, and for
// the files of a bundle directory only paths that stay inside it once every
// link is resolved (parsers/core/file_io.h: InputFile). Errors name the file
// and what was expected; none of them holds bytes of the file.
//
// A path counts as a bundle file when it lies lexically under `Evidence::dir`
// (every path ParseEvidenceJson produces does); any other path, e.g. one given
// as a command-line flag, may be anywhere but must still be a regular file.
//
// Thread safety: pure functions; a FileSource is not for concurrent use.
#ifndef CCV_VERIFIER_BUNDLE_EVIDENCE_FILE_H_
#define CCV_VERIFIER_BUNDLE_EVIDENCE_FILE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "parsers/chunked_source.h"
#include "parsers/core/file_io.h"
#include "parsers/core/result.h"
#include "parsers/ima_log.h"
#include "verifier/bundle/evidence.h"

namespace ccv::bundle {

// A parsers::ByteSource over an opened file, for ChunkedSource (TCG logs):
// the file streams through the reader's window instead of being read whole.
class FileSource final : public parsers::ByteSource {
 public:
  explicit FileSource(InputFile file) : file_(std::move(file)) {}
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  // Errors: kIo naming the file.
  Result<size_t> Read(uint8_t* buf, size_t len) override { return file_.Read(buf, len); }
  std::optional<uint64_t> SizeHint() const override { return file_.size(); }
  const std::string& path() const { return file_.path(); }

 private:
  InputFile file_;
};

// Opens `path`, one of `e`'s file paths (e.g. *e.quote). Errors: as
// InputFile::OpenBeneath (bundle files) or InputFile::Open (others).
Result<InputFile> OpenEvidenceFile(const Evidence& e, const std::string& path);

// The same file as a ByteSource (TCG logs: parsers::ChunkedSource).
Result<std::unique_ptr<FileSource>> OpenEvidenceSource(const Evidence& e, const std::string& path);
// The same file as an IMA chunk source (ima::LogReader); the descriptor is
// shared by copies of the function and closed with the last one. The
// source starts at byte `offset` (past the end: it is empty).
Result<ima::ChunkSource> OpenEvidenceChunks(const Evidence& e, const std::string& path,
                                            uint64_t offset = 0);

// Reads a small file whole (quote, collateral, ACPI table, CEL). Errors: as
// OpenEvidenceFile, kLimitExceeded above `max_len` (before reading), kIo.
Result<std::vector<uint8_t>> ReadEvidenceFile(const Evidence& e, const std::string& path,
                                              uint64_t max_len);
Result<std::string> ReadEvidenceText(const Evidence& e, const std::string& path, uint64_t max_len);

// A file named on the command line, outside any bundle: a regular file
// anywhere (cmd_dump, cmd_replay). Errors: as InputFile::Open.
Result<std::unique_ptr<FileSource>> OpenFileSource(const std::string& path);

}  // namespace ccv::bundle

#endif  // CCV_VERIFIER_BUNDLE_EVIDENCE_FILE_H_
