// Agent-private file-system helpers (POSIX). Not for use outside agent/.
#ifndef CCV_AGENT_INTERNAL_FS_UTIL_H_
#define CCV_AGENT_INTERNAL_FS_UTIL_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/result.h"

namespace ccv::agent::internal {

// Status with `code`, "what: strerror(errno)", naming `path`.
Status ErrnoStatus(ErrorCode code, std::string_view what, const std::string& path);

// True if `path` exists (any type; symlinks are followed).
bool Exists(const std::string& path);

// Names in `dir` except "." and "..", sorted.
Result<std::vector<std::string>> ListDir(const std::string& dir);

// Writes `len` bytes to an existing file (no O_CREAT, no O_TRUNC: works for
// configfs attributes and FIFOs).
Status WriteExisting(const std::string& path, const void* data, size_t len);

// Creates `path` (O_EXCL), writes all bytes, fsyncs and closes.
Status WriteNewFileSynced(const std::string& path, const void* data, size_t len);

// fsync on a directory (makes renames and creations inside it durable).
Status SyncDir(const std::string& dir);

// Removes a directory and the regular files and links directly inside it.
// Best effort; used to clean up after a failure.
void RemoveFlatDir(const std::string& dir);

}  // namespace ccv::agent::internal

#endif  // CCV_AGENT_INTERNAL_FS_UTIL_H_
