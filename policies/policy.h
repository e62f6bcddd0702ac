// Policy: the reference values of DESIGN §6 (`apiVersion: ccverify/v1`), as
// read from YAML by policy_parser.h. Every rule keeps the line of the YAML
// node it came from, so verdicts and lint findings can point back into the
// policy file. Hex values are already decoded and length-checked.
//
// Thread safety: a value type; its regexes (bounded_regex.h) are safe to
// search from many threads.
#ifndef CCV_POLICIES_POLICY_H_
#define CCV_POLICIES_POLICY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "policies/bounded_regex.h"
#include "verifier/crypto/ima_keys.h"

namespace ccv::policy {

// Seconds since 1970-01-01T00:00:00Z.
using UnixTime = int64_t;

// Where a policy item was written (1-based; 0 = not from a file).
struct SourcePos {
  uint64_t line = 0;
  uint64_t column = 0;
};

// `{any_of: [hex, ...]}` or `{eq: hex}` or `{eq: zero}` (all zero bytes).
struct BytesMatcher {
  std::vector<std::vector<uint8_t>> any_of;  // eq is stored as a one-element any_of
  bool zero = false;                         // `eq: zero`
  SourcePos pos;
  bool Matches(const uint8_t* data, size_t len) const;
};

struct PlatformPolicy {
  bool tcb_status_set = false;
  std::vector<std::string> tcb_allow, tcb_warn;
  SourcePos tcb_pos;
  bool advisories_set = false;
  std::vector<std::string> advisories_deny;
  std::optional<std::vector<std::string>> advisories_allow;  // only these
  SourcePos advisories_pos;
  std::optional<std::vector<uint8_t>> min_tee_tcb_svn;  // 16 bytes
  SourcePos min_tee_tcb_svn_pos;
  std::optional<BytesMatcher> mr_seam;  // 48 bytes
  // `collateral: optional`: a bundle without collateral skips the
  // collateral-dependent check and the tcb_status/advisory rules instead of
  // failing them. Default: required (fail closed).
  bool collateral_optional = false;
  // `tcb_grace_period: 30d`: an OutOfDate or SWHardeningNeeded TCB level is
  // accepted, with a warning, until its tcbDate plus this many seconds.
  std::optional<int64_t> tcb_grace_period;
  std::string tcb_grace_period_text;
  SourcePos tcb_grace_period_pos;
};

// `collateral:` how fresh the DCAP collateral must be (result/freshness.h).
//   max_age: 7d                  at most this long since the TCB info's issueDate
//   warn_expiring_within: 3d     warn when the earliest nextUpdate of any part
//                                is closer than this
//   min_tcb_evaluation_data_number: 17
//                                the TCB info's tcbEvaluationDataNumber at least
struct CollateralPolicy {
  bool present = false;
  SourcePos pos;
  std::optional<int64_t> max_age;  // seconds
  std::string max_age_text;
  SourcePos max_age_pos;
  std::optional<int64_t> warn_expiring_within;  // seconds
  std::string warn_expiring_within_text;
  SourcePos warn_expiring_within_pos;
  std::optional<uint64_t> min_tcb_evaluation_data_number;
  SourcePos min_tcb_evaluation_data_number_pos;
};

// Named TD ATTRIBUTES bits (Intel TDX Module ABI, TDINFO_STRUCT.ATTRIBUTES).
struct AttributeBit {
  const char* name;
  int bit;
};
inline constexpr AttributeBit kTdAttributeBits[] = {
    {"debug", 0}, {"sept_ve_disable", 28}, {"migratable", 29}, {"pks", 30},
    {"kl", 31},   {"perfmon", 63},
};

struct TdPolicy {
  std::map<std::string, bool> attribute_bits;                             // name -> required value
  std::optional<std::vector<uint8_t>> attributes_mask, attributes_value;  // 8 bytes each
  SourcePos attributes_pos;
  std::optional<BytesMatcher> xfam;  // 8 bytes
  std::optional<BytesMatcher> mr_td, mr_config_id, mr_owner, mr_owner_config;
  // MRSERVICETD (TD report 1.5). A non-zero value fails the baseline unless
  // it is pinned here.
  std::optional<BytesMatcher> mr_servicetd;
  std::optional<BytesMatcher> rtmr[4];  // 48 bytes each
};

struct ReplayPolicy {
  std::vector<std::string> must_match_quote;  // register names
  std::vector<SourcePos> must_match_pos;
};

struct EventRule {
  std::string id;
  SourcePos pos;
  // match
  std::optional<std::string> log;        // "ccel", "tpm", "cel"
  std::optional<std::string> reg;        // "rtmr2", "pcr4"
  std::optional<std::string> type_name;  // "EV_IPL", as written
  std::optional<uint32_t> type;          // its number, or the number written
  std::optional<uint64_t> nth;           // n-th match (0-based)
  std::optional<uint64_t> index;         // record number in its log
  // Content: what survives a rebuild that inserts or moves other events.
  std::optional<BytesMatcher> match_digest;  // any bank's digest
  std::optional<std::string> match_text_eq;  // the whole verified text
  // Decoded fields of verified data (EventFact::variable_name, device_path).
  std::optional<std::string> variable;              // equal
  std::optional<std::string> device_path_contains;  // substring
  std::optional<std::string> text_prefix, text_contains;
  std::optional<Regex> text_regex;  // searched in the whole text
  std::string text_regex_src;
  // expect
  std::optional<BytesMatcher> digest;
  std::optional<std::string> text_eq;
  std::vector<std::string> text_require, text_forbid;
  std::optional<uint64_t> count;  // number of matching events
  bool warn_only = false;         // severity: warn
  bool optional = false;          // no match -> skipped, not fail
  // True if the rule selects by something the event's data or digest binds
  // (a digest, verified text or a decoded field), not by position or type.
  bool MatchesContent() const {
    return match_digest || match_text_eq || variable || device_path_contains || text_prefix ||
           text_contains || text_regex;
  }
  // True if the rule reads the event's data (text or a decoded field), so
  // it may judge only events whose data is verified.
  bool ReadsData() const {
    return match_text_eq || variable || device_path_contains || text_prefix || text_contains ||
           text_regex || text_eq || !text_require.empty() || !text_forbid.empty();
  }
};

enum class UnknownFiles { kFail, kWarn, kIgnore };

// `ima.signatures`: required (every bound file entry has a signature that
// verifies with a trusted key, unless allow-listed), optional (an unsigned
// entry passes ima.signatures, a bad signature does not), ignore (no check).
enum class ImaSignatures { kRequired, kOptional, kIgnore };

struct ImaPolicy {
  bool present = false;
  SourcePos pos;
  // path -> allowed "alg:hex" digests (alg lowercase, hex lowercase)
  std::map<std::string, std::vector<std::string>> allow;
  std::string allow_file;  // as written (resolved against the policy dir)
  std::vector<Regex> exclude;
  std::vector<std::string> exclude_src;
  std::vector<SourcePos> exclude_pos;
  UnknownFiles unknown = UnknownFiles::kFail;
  // Signatures (set when `signatures`, `keys`, `keyrings` or
  // `allow_unsigned` is written; default required).
  bool signatures_set = false;
  ImaSignatures signatures = ImaSignatures::kRequired;
  SourcePos signatures_pos;
  std::vector<std::string> key_files;  // resolved against the policy dir
  std::vector<SourcePos> key_pos;
  std::vector<crypto::ImaKey> keys;   // every key of those files
  std::vector<std::string> keyrings;  // ".ima": keys a bound record loaded
  std::vector<Regex> allow_unsigned;
  std::vector<std::string> allow_unsigned_src;
  std::vector<SourcePos> allow_unsigned_pos;
  bool ChecksSignatures() const { return signatures_set && signatures != ImaSignatures::kIgnore; }
  bool TrustsKeyring(const std::string& k) const {
    for (const std::string& r : keyrings) {
      if (r == k) return true;
    }
    return false;
  }
};

// `app:` the app identity a dstack guest logs in RTMR3 (AppFacts). Each
// rule judges only a bound, verified fact: without one it fails.
struct AppFactKey {
  const char* key;   // YAML key: "compose_hash"
  const char* name;  // dstack runtime event name: "compose-hash"
  bool text;         // compared as text (key-provider), else as hex bytes
};
inline constexpr AppFactKey kAppFactKeys[] = {
    {"compose_hash", "compose-hash", false},   {"app_id", "app-id", false},
    {"instance_id", "instance-id", false},     {"key_provider", "key-provider", true},
    {"os_image_hash", "os-image-hash", false},
};
struct AppRule {
  std::string key;                       // "compose_hash"
  std::string name;                      // "compose-hash"
  std::optional<BytesMatcher> bytes;     // hex facts
  std::vector<std::string> text_any_of;  // key_provider
  SourcePos pos;
};
struct AppPolicy {
  bool present = false;
  SourcePos pos;
  std::vector<AppRule> rules;
};

struct Waiver {
  std::string rule;    // rule or check id; a trailing ".*" matches a prefix
  UnixTime until = 0;  // waiver applies while now < until
  std::string until_text;
  std::string reason;
  SourcePos pos;
  bool Covers(const std::string& id) const;
};

// `binding: {nonce: required|optional}`: whether evidence without a nonce
// (so without a REPORTDATA freshness check) fails (default) or skips it.
struct BindingPolicy {
  bool nonce_optional = false;
  SourcePos pos;
};

// `logs:` how the logs of the evidence are treated.
//   informational: [tpm, cel]   reported, never judged, and not required to
//                               be bound to a quote
//   unexplained_digests: fail | warn
//                               events whose digest should hash their data
//                               but matches no known convention (default fail)
struct LogsPolicy {
  std::vector<std::string> informational;  // "ccel", "tpm", "cel", "ima", "dstack"
  bool unexplained_digests_warn = false;
  SourcePos pos;
  bool IsInformational(const std::string& log) const {
    for (const std::string& l : informational) {
      if (l == log) return true;
    }
    return false;
  }
};

// `tpm:` how TPM quotes are trusted.
//   ak: "sha256:HEX" | PEM public key | [either, ...]
//                    the AK pinned: its SubjectPublicKeyInfo's SHA-256, or
//                    the key itself (a pin replaces --tpm-root-ca)
//   nonce: HEX       the extraData every quote must carry (the verifier's)
struct TpmPolicy {
  bool present = false;
  std::vector<std::string> ak_fingerprints;  // lowercase hex, 32 bytes
  std::vector<std::string> ak_pems;          // "-----BEGIN PUBLIC KEY-----..."
  std::optional<std::vector<uint8_t>> nonce;
  SourcePos pos, ak_pos, nonce_pos;
  bool PinsAk() const { return !ak_fingerprints.empty() || !ak_pems.empty(); }
};

// `pcrs:` reference values of PCRs a verified TPM quote authenticates.
//   pcr0: {sha256: {eq: HEX}, sha1: {any_of: [HEX, ...]}}
//   must_match_quote: [pcr0, pcr7]   quoted, and the TPM log's replay of
//                                    every bank it extends equals the quote
struct PcrRule {
  uint32_t index = 0;
  std::string bank;  // "sha256"
  BytesMatcher value;
  SourcePos pos;
};
struct PcrsPolicy {
  std::vector<PcrRule> rules;
  std::vector<uint32_t> must_match_quote;
  std::vector<SourcePos> must_match_pos;
  SourcePos pos;
  bool present = false;
};

struct ContainerPolicy;  // policies/container_rules.h
struct BootPolicy;       // policies/boot_rules.h
struct KernelPolicy;     // policies/kernel_rules.h

struct Policy {
  std::string api_version;
  std::string name, version;
  std::optional<UnixTime> expires;
  std::string expires_text;
  PlatformPolicy platform;
  CollateralPolicy collateral = {};
  TdPolicy td;
  ReplayPolicy replay;
  TpmPolicy tpm = {};
  PcrsPolicy pcrs = {};
  std::vector<EventRule> events;
  ImaPolicy ima;
  AppPolicy app;
  BindingPolicy binding;
  LogsPolicy logs;
  std::vector<Waiver> waivers;
  std::shared_ptr<const ContainerPolicy> containers;  // `containers:`, or null
  std::shared_ptr<const BootPolicy> boot;             // `boot:`, or null
  std::shared_ptr<const KernelPolicy> kernel;         // `kernel:`, or null
  std::string source;                                 // file name, for messages
};

// Known TCB status names (Intel PCS TCB info v3 + "NotSupported").
bool IsKnownTcbStatus(const std::string& s);

}  // namespace ccv::policy

#endif  // CCV_POLICIES_POLICY_H_
