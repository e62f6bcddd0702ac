// What changed between two pieces of evidence, or between evidence and a
// policy (`ccverify diff A B`): per register the events added, removed and
// changed, the TD and platform fields, the advisories, the IMA files and the
// verification checks whose outcome differs.
//
// Each side is first reduced to a Side: the facts it states, and nothing
// else. A bundle states what verification parsed (pipeline::CollectFacts);
// a policy states the values it pins (a field pinned by `any_of` states
// every value it accepts, and a bundle's value equals it when it is one of
// them). Whatever a side does not state (no IMA list, a field the policy
// leaves open, no collateral) is not compared: when the other side, a
// bundle, lacks a fact the first states, that is a difference (Diff::missing);
// what a policy leaves open or neither side has is named in
// Diff::not_compared. So an empty diff never hides a missing fact.
//
// Events are aligned by register, log, type and content (the digest of a
// common bank, else the verified text), never by position alone: one
// inserted event is one addition. Between two bundles the alignment keeps
// log order (a longest common subsequence); a policy's rules have no order,
// so against a policy each rule takes the first event it matches. Events
// left over on both sides in the same gap, of the same type, pair up as
// "changed" (same label first: a UEFI variable name, or the text before
// ':' as in "kernel_cmdline: ...").
//
// Thread safety: pure functions.
#ifndef CCV_VERIFIER_DIFF_DIFF_H_
#define CCV_VERIFIER_DIFF_DIFF_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "policies/policy.h"
#include "verifier/result/facts.h"

namespace ccv::diff {

// One event as a side states it.
struct EventItem {
  std::string log;  // "ccel", "tpm", "cel"; "" if a policy rule leaves it open
  std::string reg;  // "rtmr1", "pcr4"
  uint32_t type = 0;
  std::string type_name;  // "EV_IPL"; "" if unknown
  // "sha384:<hex>" per bank (a policy rule: the one digest it pins).
  std::vector<std::string> digests;
  std::string text;     // verified event text only ("" otherwise)
  std::string label;    // what the event is about: UEFI variable or text prefix
  std::string pointer;  // "ccel#9", or "events.<rule id>" for a policy rule
};

// A value set: one value for a bundle, every accepted value for a policy.
struct FieldValue {
  std::vector<std::string> any_of;  // lowercase hex or a name
  std::optional<std::string> mask;  // hex: only these bits are compared
};

// The facts of one side that diff compares.
struct Side {
  std::string source;  // path as given
  bool is_policy = false;
  bool has_quote = false;       // a bundle with a TD quote
  bool has_collateral = false;  // a bundle whose TCB status was evaluated
  // "td.mr_td", "td.mr_config_id", "td.attributes", "td.xfam", ...,
  // "platform.mr_seam", "platform.tee_tcb_svn", "platform.tcb_status":
  // only the fields this side states.
  std::map<std::string, FieldValue> fields;
  // Register values ("rtmr0".."rtmr3") the side states (the quote's, or a
  // policy's pinned value).
  std::map<std::string, FieldValue> registers;
  // Policy: platform.min_tee_tcb_svn (hex, 16 bytes), compared byte by byte.
  std::optional<std::string> min_tee_tcb_svn;
  bool has_advisories = false;
  std::vector<std::string> advisories;                       // bundle: the platform's ids
  std::optional<std::vector<std::string>> advisories_allow;  // policy: only these
  std::vector<std::string> advisories_deny;                  // policy: never these
  bool has_events = false;
  std::vector<EventItem> events;  // in log order (policy: rule order)
  bool has_ima = false;
  std::map<std::string, std::vector<std::string>> ima;  // path -> "alg:hex" digests
  std::vector<policy::Regex> ima_exclude;               // policy: paths it does not judge
  bool has_checks = false;
  std::map<std::string, std::string> checks;  // id -> "pass", "fail", ...
  // Facts the side cannot state: "ima (no IMA list)", or policy rules diff
  // cannot compare ("events.x: matches by text_prefix").
  std::vector<std::string> lacks;
};

// A bundle's side. `checks` are the verification checks to compare (the
// facts' own, or an evaluation's after the policy's options and waivers).
Side SideFromFacts(const result::Facts& facts, const std::string& source,
                   const std::vector<result::Check>* checks = nullptr);
// A policy's side. Every check of a bundle compared with it must pass.
Side SideFromPolicy(const policy::Policy& policy, const std::string& source);

struct FieldChange {
  std::string name;  // "td.mr_config_id"
  std::string a, b;  // values, several joined by " | "
};

struct EventChange {
  EventItem a, b;
};

struct RegisterDiff {
  std::string reg;
  std::optional<std::string> a, b;  // register values, when both sides state them and they differ
  std::vector<EventItem> added, removed;  // in B not A; in A not B
  std::vector<EventChange> changed;
  bool Empty() const { return !a && !b && added.empty() && removed.empty() && changed.empty(); }
};

struct ImaChange {
  std::string path;
  std::vector<std::string> a, b;  // digests
};

struct CheckChange {
  std::string id;
  std::string a, b;  // status on each side ("" when the side has no such check)
};

// A fact one side states and the other, a bundle, lacks: a difference (a
// bundle that dropped its IMA list is not "equal" to one that has it).
struct Missing {
  std::string fact;    // "quote", "collateral", "events", "ima", "td.mr_td", ...
  std::string side;    // "a" or "b": the side that lacks it
  std::string detail;  // "no IMA list"
};

struct Diff {
  std::string a_source, b_source;
  std::string a_kind, b_kind;  // "bundle" or "policy"
  std::vector<FieldChange> fields;
  std::vector<std::string> advisories_added, advisories_removed;  // in B not A, in A not B
  std::vector<RegisterDiff> registers;  // only registers with a difference
  std::vector<ImaChange> ima_added, ima_removed, ima_changed;
  std::vector<CheckChange> checks;
  std::vector<Missing> missing;
  // Facts compared on neither side, or left open by a policy: information,
  // not a difference.
  std::vector<std::string> not_compared;
  bool Equal() const;
};

// Compares the two sides.
Diff Compare(const Side& a, const Side& b);

}  // namespace ccv::diff

#endif  // CCV_VERIFIER_DIFF_DIFF_H_
