// Facts: what verification established about one piece of evidence, in the
// plain form the policy engine evaluates (DESIGN §1: verification is kept
// apart from policy). The verify pipeline fills a Facts from the parsers,
// the replay engine and the quote verifier; policies never parse evidence.
//
// `checks` are the verification findings (authentic + consistent); a check
// that could not be made is present with status kFail and a reason (fail
// closed). Everything else is a fact that policy rules compare with
// reference values.
//
// Provenance (DESIGN §8): every event, IMA entry and log carries how it is
// bound. A fact is *bound* when the chain that holds it replays to a
// register value the TD quote carries; *unbound* otherwise (a log no quote
// covers, IMA entries after the quoted value, a CEL or TPM log nothing
// quotes). Event data is *verified* when the event's digest is the hash of
// that data by a known convention. Policy rules judge bound facts only, and
// text only where the data is verified.
//
// Thread safety: a value type.
#ifndef CCV_VERIFIER_RESULT_FACTS_H_
#define CCV_VERIFIER_RESULT_FACTS_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "parsers/core/hash_alg.h"
#include "parsers/td_report.h"
#include "verifier/replay/register_set.h"
#include "verifier/result/boot_facts.h"
#include "verifier/result/freshness.h"
#include "verifier/result/kernel_facts.h"
#include "verifier/result/verdict.h"

namespace ccv::replay {
struct ImaState;  // verifier/replay/ima_state.h
}  // namespace ccv::replay

namespace ccv::containers {
struct ContainerView;  // verifier/containers/container_view.h
}

namespace ccv::result {

// True for the ids of checks that establish authenticity or consistency
// (quote signature and chain, CRLs, collateral signatures and validity,
// REPORTDATA binding, replay, template hashes, log binding): no waiver may
// cover them. quote.tcb_status is a platform fact, not authenticity.
bool IsAuthenticityCheck(std::string_view id);
// True if some authenticity check id starts with `prefix` (a waiver
// "quote.*" has the prefix "quote.").
bool PrefixCoversAuthenticity(std::string_view prefix);

// One verification finding, e.g. {"quote.signature", kPass, "..."}.
struct Check {
  std::string id;
  Verdict status = Verdict::kFail;
  std::string detail;
  std::string waiver;  // set by the evaluator when a waiver applied
  // The input whose absence made this check fail ("collateral", "nonce"),
  // so that a policy can explicitly accept its absence; "" otherwise.
  std::string missing = {};
};

// The quote's TD report body as parsed (Intel TDX DCAP Quoting Library API;
// is_v15 for TD report 1.5, quote v5 body 3, whose mr_servicetd is zero
// otherwise) and what verifying the quote adds.
struct QuoteFacts : parsers::TdReportBody {
  bool present = false;
  uint16_t version = 0;
  std::string fmspc;  // hex, from the PCK certificate ("" if unknown)
};

// Collateral-based facts of quote verification.
struct CollateralFacts {
  bool present = false;
  // Intel QVL TCB status name ("UpToDate", "OutOfDate", "NotSupported", ...)
  // once TCB evaluation ran; absent when it could not run.
  std::optional<std::string> tcb_status;
  std::vector<std::string> advisory_ids;
  // How fresh the collateral is at the verification time; absent without
  // collateral.
  std::optional<CollateralFreshness> freshness;
};

// Replayed value of one register against the value the quote reports.
struct RegisterComparison {
  std::string reg;  // "rtmr0"
  bool matches = false;
  std::string replayed;  // lowercase hex (the value that matched, if any)
  std::string quoted;    // lowercase hex
  std::string detail;    // e.g. "matched after ima#1233 (prefix of 2000)"
};

// Whether an event's data is what its digest covers.
enum class DataStatus {
  kVerified,    // the digest is the hash of the data by `convention`
  kUnverified,  // the digest is not a hash of the data (an image, a file)
  kMismatched,  // the type's digest should hash its data, but no known
                // convention reproduces it
};
// "verified", "unverified", "mismatched".
const char* DataStatusName(DataStatus s);

// One event of a firmware/boot log (CCEL, TPM log or CEL), after replay.
struct EventFact {
  std::string log;        // "ccel", "tpm", "cel": evidence pointer prefix
  uint64_t index = 0;     // record number in that log (0 = first record)
  std::string reg;        // "rtmr1", "pcr4"; "" if never extended
  uint32_t type = 0;      // as logged: no digest covers the type
  std::string type_name;  // "EV_IPL"; "" if unknown
  std::vector<Digest> digests;
  // Printable rendering of the event data ("" if none). It is evidence only
  // when data == kVerified (then it is the text the digest authenticates).
  std::string text;
  DataStatus data = DataStatus::kUnverified;
  std::string convention;  // how the data was verified ("" otherwise)
  // Fields decoded from the data ("" if the type has none or it did not
  // decode). Like `text`, evidence only when data == kVerified.
  std::string variable_name;  // UEFI_VARIABLE_DATA UnicodeName ("db", "SecureBoot")
  std::string device_path;    // UEFI_IMAGE_LOAD_EVENT device path, UEFI 2.10 §10.6 text
  // The data of an EV_EFI_VARIABLE_DRIVER_CONFIG event (Secure Boot
  // configuration, read by the boot facts); empty for other types.
  std::vector<uint8_t> config_data;
  bool bound = false;  // its register's replay equals the quoted value
  std::string Pointer() const { return log + "#" + std::to_string(index); }
};

// The file digest of an IMA entry, held inline: a list has an entry per
// measured file, and a heap block per digest cost an allocation and a free
// each. Holds at most kMaxDigestLen bytes, as every IMA digest field does
// (the template decoder rejects longer ones); assigning more leaves it
// empty, which matches no reference value.
class FileDigestBytes {
 public:
  FileDigestBytes() = default;

  template <typename It>
  requires(!std::is_integral_v<It>) void assign(It first, It last) {
    const auto n = std::distance(first, last);
    if (n < 0 || size_t(n) > kMaxDigestLen) {
      len_ = 0;
      return;
    }
    std::copy(first, last, bytes_.begin());
    len_ = uint8_t(n);
  }
  void assign(size_t n, uint8_t value) {
    resize(0);
    resize(n, value);
  }
  // Grows with `value` (zero by default) or shrinks; beyond kMaxDigestLen,
  // empty (as assign).
  void resize(size_t n, uint8_t value = 0) {
    if (n > kMaxDigestLen) {
      len_ = 0;
      return;
    }
    for (size_t i = len_; i < n; ++i) bytes_[i] = value;
    len_ = uint8_t(n);
  }

  size_t size() const { return len_; }
  bool empty() const { return len_ == 0; }
  const uint8_t* data() const { return bytes_.data(); }
  const uint8_t* begin() const { return bytes_.data(); }
  const uint8_t* end() const { return bytes_.data() + len_; }
  uint8_t operator[](size_t i) const { return bytes_[i]; }
  uint8_t& operator[](size_t i) { return bytes_[i]; }
  operator std::span<const uint8_t>() const { return {bytes_.data(), len_}; }  // NOLINT
  bool operator==(const FileDigestBytes& o) const {
    return len_ == o.len_ && std::equal(begin(), end(), o.begin());
  }

 private:
  std::array<uint8_t, kMaxDigestLen> bytes_{};
  uint8_t len_ = 0;
};

// One IMA measurement-list entry. Its template hash is verified (a
// mismatch fails ima.template_hashes), so path and digest are what the
// register holds; `bound` says whether the quoted value covers the entry.
struct ImaEntryFact {
  uint64_t index = 0;  // entry number (0 = first line)
  std::string template_name;
  std::string path;
  std::string file_alg;  // "sha256" as printed in d-ng ("" for template ima)
  FileDigestBytes file_digest;
  // False for an algorithm name no kernel table lists: the digest is raw.
  bool file_alg_known = true;
  bool bound = false;
  // An ima-buf record (a measured buffer, not a file); `path` is its name
  // (the keyring of a key load), `buffer_data` the bytes measured, and
  // `buffer_digest_verified` whether the logged digest is their hash.
  bool buffer = false;
  std::vector<uint8_t> buffer_data;
  bool buffer_digest_verified = false;
  // Its signature, when the policy has ima signatures checked: "" (not
  // checked), "verified", "failed", "unknown_key", "unsigned", "malformed"
  // (replay/ima_signatures.h), the key id it names (has_keyid), the key
  // that verified it (its file, or "ima#N" for a key a bound record loaded)
  // and why it did not verify.
  std::string sig_status;
  bool sig_has_keyid = false;
  uint32_t sig_keyid = 0;
  std::string sig_key;
  std::string sig_detail;
  std::string Pointer() const { return "ima#" + std::to_string(index); }
};

// A key an ima-buf record of the IMA list loaded into a keyring.
struct ImaKeyLoadFact {
  uint64_t index = 0;
  std::string keyring;  // ".ima"
  std::string subject;  // certificate subject
  uint32_t keyid = 0;
  bool bound = false;    // the record is covered by the quoted value
  bool trusted = false;  // bound, into a keyring the policy trusts, and a key
};

// One log of the evidence and how it is bound.
struct LogFact {
  std::string name;                    // "ccel", "tpm", "cel", "ima"
  std::string path;                    // the file read
  bool bound = false;                  // every register it extends replays to the quote
  std::string why;                     // how it is bound, or why not
  std::vector<std::string> registers;  // registers it extends
  uint64_t events = 0;                 // records (IMA: entries)
  uint64_t bound_events = 0;           // of which bound (IMA: before the quoted value)
};

// How an IMA list was replayed when `verify --ima-state` was given.
struct ImaResumeFact {
  bool incremental = false;  // replayed from the state's offset only
  uint64_t from_entry = 0;   // first entry replayed (0: the whole list)
  uint64_t from_offset = 0;  // its byte offset
  // A full replay replaced a state that no longer applies
  // (--ima-state-fallback): why the state was refused. Empty otherwise.
  std::string refused;
  // Entries the state for the next run covers (the bound prefix), or none
  // when the list is not bound, a template hash or boot_aggregate failed.
  std::optional<uint64_t> next_entries;
};

// The app identity a dstack guest logs as RTMR3 runtime events (dstack
// event log): `values` holds a fact only when it is bound and verified.
struct AppFacts {
  bool present = false;  // a dstack event log was read
  std::string path;
  // Its RTMR3 events are bound: the RTMR3 replay equals the quoted RTMR3
  // (and the log is not informational).
  bool bound = false;
  std::string why;  // how bound, or why not
  // dstack name ("compose-hash", "app-id", "instance-id", "key-provider",
  // "os-image-hash") -> value (hex; key-provider as text), from the one
  // RTMR3 runtime event of that name whose digest is its data's. Empty
  // unless `bound`.
  std::map<std::string, std::string> values;
  std::map<std::string, std::string> pointers;  // name -> "dstack#22"
  // name -> why no value is taken (logged twice, digest not its data's,
  // logged on another register), for names with no value.
  std::map<std::string, std::string> refused;
};

// Where the REPORTDATA nonce came from: the verifier (fresh), only the
// bundle (consistency, not freshness) or nowhere.
enum class NonceSource { kNone, kBundle, kVerifier };
// "none", "bundle", "verifier".
const char* NonceSourceName(NonceSource s);

// TPM quotes of the evidence (the `tpm` member of a bundle): how the AK is
// trusted and the PCR values the quotes authenticate.
struct TpmQuoteFacts {
  bool present = false;
  // Every tpm.* check passed: the AK is trusted and every quote verified.
  bool verified = false;
  std::string ak_form;         // "tpmt_public", "public_key", "certificate"
  std::string ak_key;          // "rsa-2048", "ec-p256", ...
  std::string ak_fingerprint;  // hex SHA-256 of the AK's SubjectPublicKeyInfo
  std::string ak_trust;        // "pinned", "chain", "hcl" or "none"
  // Where the expected extraData came from: the verifier (--tpm-nonce or
  // the policy's tpm.nonce), the bundle only, or nowhere.
  NonceSource nonce_source = NonceSource::kNone;
  size_t quotes = 0;
  // PCR values a verified quote authenticates: bank -> PCR index -> value.
  std::map<HashAlg, std::map<uint32_t, Digest>> pcrs;
};

struct Facts {
  QuoteFacts quote;
  CollateralFacts collateral;
  NonceSource nonce_source = NonceSource::kNone;
  // Where the user data the expected REPORTDATA was computed with came from;
  // kNone when none was used (no user data, or an exact REPORTDATA).
  NonceSource user_data_source = NonceSource::kNone;
  replay::RegisterSet replayed;                 // every replayed register
  std::vector<RegisterComparison> comparisons;  // replayed vs quote
  TpmQuoteFacts tpm = {};                       // TPM quotes (absent: !tpm.present)
  std::vector<LogFact> logs;                    // every log read, in order
  bool event_log_present = false;
  std::vector<EventFact> events;
  bool ima_present = false;
  std::vector<ImaEntryFact> ima;
  bool ima_signatures_checked = false;        // the policy's ima.signatures ran
  std::vector<ImaKeyLoadFact> ima_key_loads;  // in list order
  // With --ima-state: how the list was replayed, and the state to save for
  // the next run (null: none, see ImaResumeFact::next_entries).
  std::optional<ImaResumeFact> ima_resume;
  std::shared_ptr<const replay::ImaState> ima_state_out;
  AppFacts app;               // dstack event log
  std::vector<Check> checks;  // verification findings
  BootFacts boot;             // from bound, verified events (boot_facts.h)
  KernelFacts kernel;         // from bound, digest-verified ima-buf records (kernel_facts.h)
  // Per-container view of an ima-cgpath list (container policies), or null.
  std::shared_ptr<const containers::ContainerView> containers;
};

}  // namespace ccv::result

#endif  // CCV_VERIFIER_RESULT_FACTS_H_
