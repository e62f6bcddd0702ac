// Whole-file and chunked reads with errors that name the file. Std-only;
// shared by the verifier and the agent (parsers themselves never do I/O).
// Thread-safe: no shared state.
#ifndef CCV_PARSERS_CORE_FILE_IO_H_
#define CCV_PARSERS_CORE_FILE_IO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "parsers/core/result.h"

namespace ccv {

// Reads the whole file. Errors: kIo (naming the file and errno text),
// kLimitExceeded if it is larger than `max_len`.
Result<std::vector<uint8_t>> ReadFileBytes(const std::string& path,
                                           uint64_t max_len = uint64_t{1} << 32);
Result<std::string> ReadFileText(const std::string& path,
                                 uint64_t max_len = uint64_t{1} << 32);

// Writes `data` to `path` (truncating). Errors: kIo naming the file.
Status WriteFileBytes(const std::string& path, const void* data, size_t len);

}  // namespace ccv

#endif  // CCV_PARSERS_CORE_FILE_IO_H_
