// Module-private: writing a file so that readers see the old content or the
// whole new one, never a part. Thread-safe: pure functions (each call uses
// its own temporary file).
#ifndef CCV_VERIFIER_COLLATERAL_INTERNAL_ATOMIC_FILE_H_
#define CCV_VERIFIER_COLLATERAL_INTERNAL_ATOMIC_FILE_H_

#include <string>
#include <string_view>

#include "parsers/core/result.h"

namespace ccv::collateral::internal {

// Writes `data` to a new temporary file beside `path`, flushes it to disk
// and renames it over `path`. On any failure the temporary file is removed
// and `path` is left as it was. Errors: kIo naming the file and errno text.
Status WriteFileAtomically(const std::string& path, std::string_view data);

}  // namespace ccv::collateral::internal

#endif  // CCV_VERIFIER_COLLATERAL_INTERNAL_ATOMIC_FILE_H_
