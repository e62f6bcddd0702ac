// The files of incremental IMA (`--ima-state`, `--state-key`): the key, one
// state file for `ccverify verify`, and one state file per bundle in the
// directory `ccverify verify --batch` keeps them in. Internal to the CLI.
#ifndef CCV_VERIFIER_CLI_IMA_STATE_FILES_H_
#define CCV_VERIFIER_CLI_IMA_STATE_FILES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/result.h"
#include "verifier/pipeline/verify.h"
#include "verifier/replay/ima_state.h"
#include "verifier/result/facts.h"

namespace ccv::cli {

// --state-key's file: at least replay::kMinImaStateKeyLen bytes. Errors:
// the file's, kBadValue for a short key.
Result<std::vector<uint8_t>> ReadImaStateKey(const std::string& path);

// A state file and its key, and the state when the file exists (its MAC
// verified: a state that does not verify is an error, never ignored).
struct ImaStateFiles {
  std::string path;
  std::vector<uint8_t> key;
  std::shared_ptr<const replay::ImaState> state;  // null: no state yet

  // Sets `options` for a verification that resumes from this state (or,
  // without one, replays in full) and leaves the state to save.
  void Apply(bool fallback, pipeline::VerifyOptions* options) const;
  // A verification's error `s`, with this file named when the state caused it.
  Status Name(Status s) const;
  // Writes the state the verification left in `facts` atomically, before any
  // report names it. False: it left none (the list is not bound, a check
  // failed, or there is no IMA list).
  Result<bool> Save(const result::Facts& facts) const;
};

// Reads the state at `path` if there is one. Errors: the file's, and
// ParseImaState's, named by the file.
Result<ImaStateFiles> LoadImaState(const std::string& path, std::vector<uint8_t> key);

// The state file of one bundle of a batch in `dir`: named by the first 16
// bytes of SHA-256 of the bundle path exactly as listed (hex), so the same
// path finds its state again on the next run, on any machine.
std::string BatchImaStatePath(const std::string& dir, std::string_view bundle_path);

}  // namespace ccv::cli

#endif  // CCV_VERIFIER_CLI_IMA_STATE_FILES_H_
