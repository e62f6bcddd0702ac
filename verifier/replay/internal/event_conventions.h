// Module-private: the candidate messages of each digest convention (see
// digest_check.h) and the text a verified convention authenticates.
// Thread safety: pure functions.
#ifndef CCV_VERIFIER_REPLAY_INTERNAL_EVENT_CONVENTIONS_H_
#define CCV_VERIFIER_REPLAY_INTERNAL_EVENT_CONVENTIONS_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "verifier/replay/digest_check.h"

namespace ccv::replay::internal {

// One way to derive the hashed message from the event data: message = a || b.
struct Candidate {
  DigestConvention convention = DigestConvention::kNone;
  Bytes a;                    // aliases the event data or Candidates::owned
  Bytes b;                    // static bytes appended to a, usually empty
  size_t covered_offset = 0;  // bytes of the event data the message covers
  size_t covered_len = 0;
};

struct Candidates {
  // No candidate reproducing the digest is a mismatch (else not checkable).
  bool required = false;
  size_t num = 0;
  std::array<Candidate, 4> list;
  // Storage for a derived message (systemd_section_name). Candidates must not
  // be copied or moved once filled.
  std::vector<uint8_t> owned;

  Candidates() = default;
  Candidates(const Candidates&) = delete;
  Candidates& operator=(const Candidates&) = delete;
};

// Fills `out` with the conventions that apply to an event of `type` with
// `data`, in the order they are tried (the specification's first). The first
// candidate's message is always a plain subrange of `data`.
void ListCandidates(uint32_t type, Bytes data, Candidates* out);

// The text that convention `c` authenticates in `data`, or "" if the covered
// bytes are not printable text.
std::string VerifiedText(DigestConvention c, uint32_t type, Bytes data);

// Printable-text helpers (exposed for the tests). Text: valid UTF-8 without
// control characters other than tab, CR and LF, at least one character.
// AsciiText strips trailing NULs first. Utf16Text decodes UTF-16LE code units
// (surrogate pairs allowed), stopping at the first NUL, which must be followed
// by nothing but NULs.
bool IsPrintableUtf8(Bytes text);
std::string AsciiText(Bytes data);
std::string Utf16Text(Bytes data);

}  // namespace ccv::replay::internal

#endif  // CCV_VERIFIER_REPLAY_INTERNAL_EVENT_CONVENTIONS_H_
