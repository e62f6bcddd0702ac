// IMA replay over a file: the list read in 1 MiB chunks with read(2), its
// format (ascii or binary) detected from its first bytes.
#ifndef CCV_VERIFIER_REPLAY_IMA_REPLAY_FILE_H_
#define CCV_VERIFIER_REPLAY_IMA_REPLAY_FILE_H_

#include <string>

#include "parsers/core/result.h"
#include "parsers/ima_log.h"
#include "verifier/replay/ima_replay.h"

namespace ccv::replay {

// ReplayIma over a file; the format is detected from its first bytes unless
// `detect_format` is false. Errors name the file.
Result<ImaReplayResult> ReplayImaFile(const std::string& path, ima::ReadOptions read,
                                      const ImaReplayOptions& options, bool detect_format = true);

// A chunk source reading a file with read(2). Errors: kIo naming the file.
Result<ima::ChunkSource> FileChunkSource(const std::string& path);

}  // namespace ccv::replay

#endif  // CCV_VERIFIER_REPLAY_IMA_REPLAY_FILE_H_
