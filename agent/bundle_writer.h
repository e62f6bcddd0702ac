// Atomic evidence-bundle writing (docs/json.md, evidence.json): the bundle directory appears
// complete or not at all.
//
// The files are written into a fresh temporary directory next to the target
// (same file system), each fsync'ed, then the temporary directory is renamed
// onto the target path. On any failure the temporary directory is removed and
// nothing is left at the target. An existing empty target directory is
// replaced; an existing non-empty one is refused.
// Thread safety: stateless; two writers racing for one target: one wins, the
// other fails with kIo and leaves nothing behind.
#ifndef CCV_AGENT_BUNDLE_WRITER_H_
#define CCV_AGENT_BUNDLE_WRITER_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "parsers/core/status.h"

namespace ccv::agent {

struct BundleFile {
  std::string name;  // a plain file name: no '/', not "." or ".."
  std::span<const uint8_t> bytes;
};

// Errors: kInvalidArgument (bad target or file name, target exists and is
// not an empty directory), kIo (cannot create or write in the parent
// directory; the message names the path and the OS error).
Status WriteBundleAtomically(const std::string& out_dir, const std::vector<BundleFile>& files);

}  // namespace ccv::agent

#endif  // CCV_AGENT_BUNDLE_WRITER_H_
