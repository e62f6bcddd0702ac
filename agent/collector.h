// Evidence collection on a guest (`ccverify-agent collect`): reads the CCEL
// ACPI table and log, the IMA lists and TPM log where present, and a quote
// through configfs-tsm (or the TDREPORT through /dev/tdx_guest where no quote
// service answers), checks that what it read parses, and writes the evidence
// bundle of docs/json.md.
//
// A guest with the CCEL table is a TDX guest: its table, log area and a quote
// (or TDREPORT) are required. A guest with neither CCEL file is collected
// for what it has (TPM log, IMA lists) unless `require_tdx`; what was looked
// for and not found is named in the manifest's `not_found`.
//
// Order: the quote and the TPM quote are taken before the IMA list is read,
// so the list covers at least every measurement in the quote's RTMR2 or the
// TPM quote's PCR 10 (it may hold later ones too; replay stops where the
// quoted value is reached).
// Thread safety: stateless free functions.
#ifndef CCV_AGENT_COLLECTOR_H_
#define CCV_AGENT_COLLECTOR_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "agent/cc_api.h"
#include "agent/guest_paths.h"
#include "agent/tpm_quote.h"
#include "parsers/core/register_id.h"
#include "parsers/core/result.h"

namespace ccv::agent {

using ByteVec = std::vector<uint8_t>;

struct CollectOptions {
  std::string root = "/";            // see guest_paths.h
  std::optional<ByteVec> nonce;      // --nonce
  std::optional<ByteVec> user_data;  // --user-data
  std::string collected_at;          // RFC 3339; empty = now
  bool require_tdx = false;          // --require tdx: no CCEL is an error
  // The TPM to quote: empty, kTpmDevice beneath the root (absent: not
  // found); a path, that device or unix socket as given (absent: an error);
  // kNoTpm, none.
  std::string tpm_device;
  // The quote's qualifyingData (--tpm-nonce); unset: the nonce when it fits
  // (at most kMaxTpmNonceLen bytes), else 32 random bytes.
  std::optional<ByteVec> tpm_nonce;
  AkKind tpm_ak = AkKind::kEccP256;  // --tpm-ak
};

inline constexpr char kNoTpm[] = "none";

// Names of the manifest's `not_found` items (docs/json.md).
inline constexpr char kNotFoundCcel[] = "ccel";
inline constexpr char kNotFoundQuote[] = "quote";  // neither a quote nor a TDREPORT
inline constexpr char kNotFoundIma[] = "ima";
inline constexpr char kNotFoundTpmLog[] = "tpm_eventlog";
inline constexpr char kNotFoundTpmQuote[] = "tpm_quote";  // no TPM device

// What the agent read, verbatim. Optional members are absent on this guest.
struct Evidence {
  ByteVec ccel_table;  // 56-byte ACPI CCEL table; empty: not a TDX guest
  ByteVec ccel_data;   // the log area it describes
  std::optional<ByteVec> ima_ascii;
  std::optional<ByteVec> ima_binary;
  std::optional<RegisterId> ima_register;  // ima::ImaRegisterOf; unset without an IMA entry
  std::optional<ByteVec> tpm_log;
  std::optional<TpmQuoteEvidence> tpm_quote;  // the AK and a quote per bank
  std::optional<ByteVec> quote;               // configfs-tsm outblob
  std::string quote_provider;                 // configfs-tsm provider, e.g. "tdx_guest"
  std::optional<ByteVec> td_report;           // only when no quote could be had
  std::string quote_unavailable;              // why there is no quote (with td_report)
  std::optional<ByteVec> nonce;
  std::optional<ByteVec> user_data;
  std::array<uint8_t, 64> report_data{};
  std::string collected_at;
  // What was looked for and not found, in collection order (kNotFound*).
  std::vector<std::string> not_found;
  // Where each piece came from (for error messages), and whether the root was
  // a fake tree (a fake outblob does not answer our inblob: see CheckEvidence).
  std::string ccel_table_path, ccel_data_path, ima_ascii_path, ima_binary_path, tpm_log_path,
      tpm_device_path;
  std::string report_path;
  bool fake_tree = false;

  bool tdx() const { return !ccel_table.empty(); }
};

// Reads one piece each; errors name the file and what is missing.
// kNotFound: a required file is absent; kIo: present but unreadable.
Status CollectCcel(const GuestPaths& paths, Evidence* out);
Status CollectIma(const GuestPaths& paths, Evidence* out);
Status CollectTpmLog(const GuestPaths& paths, Evidence* out);
// Quote through configfs-tsm; TDREPORT when the TSM interface is absent or
// no quote service answers. kNotFound when neither is available; a changed
// configfs-tsm generation is an error (no fallback).
Status CollectReport(const GuestPaths& paths, Evidence* out);
// A TPM quote of every bank (tpm_quote.h) through `options.tpm_device`.
// kNotFound when the default device is absent; errors of the device, the
// TPM or the nonce otherwise.
Status CollectTpmQuote(const GuestPaths& paths, const CollectOptions& options, Evidence* out);

// Everything above, in the documented order. Without the CCEL files (and
// without `require_tdx`) the quote is optional too. kNotFound when the guest
// has no evidence at all, naming what was looked for.
Result<Evidence> CollectEvidence(const CollectOptions& options);

// Checks that every collected item parses, with the verifier's parsers, and
// that the pieces agree: the CCEL table is a TDX table whose LAML is the log
// area's size, the log area and the TPM log parse, every IMA entry parses,
// the quote is a TDX quote (or the TDREPORT a TDX report) whose REPORTDATA is
// `report_data`. Without a CCEL table (not a TDX guest) only what is present is
// checked. Errors name the guest file and the parser's offset or line.
// On a fake tree a REPORTDATA mismatch is a warning (the test supplies the
// outblob), appended to `warnings`, as are log areas with trailing bytes.
Status CheckEvidence(const Evidence& evidence, std::vector<std::string>* warnings);

// evidence.json (docs/json.md) for `evidence` (file names as WriteEvidenceBundle
// writes them).
std::string EvidenceJson(const Evidence& evidence);

// Writes the bundle atomically (bundle_writer.h).
Status WriteEvidenceBundle(const Evidence& evidence, const std::string& out_dir);

// Current UTC time as "YYYY-MM-DDTHH:MM:SSZ".
std::string NowRfc3339();

}  // namespace ccv::agent

#endif  // CCV_AGENT_COLLECTOR_H_
