#include "verifier/replay/ima_replay_file.h"

#include <memory>

#include "parsers/core/file_io.h"

namespace ccv::replay {

Result<ima::ChunkSource> FileChunkSource(const std::string& path) {
  // A regular file only: a FIFO or device would block or never end.
  CCV_ASSIGN_OR_RETURN(InputFile f, InputFile::Open(path));
  auto shared = std::make_shared<InputFile>(std::move(f));
  return ima::ChunkSource([shared](std::span<uint8_t> out) -> Result<size_t> {
    return shared->Read(out.data(), out.size());
  });
}

Result<ImaReplayResult> ReplayImaFile(const std::string& path, ima::ReadOptions read,
                                      const ImaReplayOptions& options, bool detect_format) {
  CCV_ASSIGN_OR_RETURN(ima::ChunkSource source, FileChunkSource(path));
  if (detect_format) {
    uint8_t head[32];
    CCV_ASSIGN_OR_RETURN(ima::ChunkSource probe, FileChunkSource(path));
    CCV_ASSIGN_OR_RETURN(size_t n, probe(head));
    read.format = ima::DetectLogFormat(Bytes(head, n));
  }
  ima::LogReader reader(std::move(source), read);
  Result<ImaReplayResult> r = ReplayIma(&reader, options);
  if (!r.ok()) return r.status().WithFile(path);
  return r;
}

}  // namespace ccv::replay
