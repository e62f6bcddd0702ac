// The catalogue of malformed policies: each with the ErrorCode, line and
// column (1-based) of the offending YAML node. Used by the parser tests and
// by the CLI tests (exit code 3 and the location in the message).
#ifndef CCV_TESTS_POLICIES_BAD_POLICIES_H_
#define CCV_TESTS_POLICIES_BAD_POLICIES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "parsers/core/status.h"

namespace ccv::policy::testing {

// Every malformed policy fails with the error code, line and column of the
// offending node.
struct BadCase {
  const char* name;
  std::string yaml;
  ErrorCode code;
  uint64_t line, column;
};

// A policy of one event rule "a" (line 3): `match` on line 4 (its value from
// column 12), `expect` on line 5 (from column 13) and `more`, a further key of
// the rule, on line 6 (from column 5).
inline std::string EventPolicy(const std::string& match, const std::string& expect = "{count: 1}",
                               const std::string& more = "") {
  std::string yaml = "apiVersion: ccverify/v1\nevents:\n  - id: a\n    match: " + match +
                     "\n    expect: " + expect + "\n";
  if (!more.empty()) yaml += "    " + more + "\n";
  return yaml;
}

inline std::vector<BadCase> BadCases() {
  const std::string h = "apiVersion: ccverify/v1\n";
  return {
      {"yaml_syntax_unclosed_flow", h + "td: {xfam: [\n", ErrorCode::kBadValue, 3, 1},
      {"yaml_syntax_bad_indent", h + "td:\n  xfam: {eq: zero}\n x: 1\n", ErrorCode::kBadValue, 4,
       2},
      {"root_not_a_map", "- a\n- b\n", ErrorCode::kBadValue, 1, 1},
      {"empty_document", "", ErrorCode::kNotFound, 1, 1},
      {"missing_api_version", "metadata: {name: x}\n", ErrorCode::kNotFound, 1, 1},
      {"wrong_api_version", "apiVersion: ccverify/v2\n", ErrorCode::kUnsupported, 1, 13},
      {"unknown_top_key", h + "plattform: {}\n", ErrorCode::kUnsupported, 2, 1},
      {"unknown_td_key", h + "td:\n  mr_td: {eq: zero}\n  atributes: {debug: false}\n",
       ErrorCode::kUnsupported, 4, 3},
      {"unknown_attribute_bit", h + "td:\n  attributes: {debug: false, degub: true}\n",
       ErrorCode::kUnsupported, 3, 30},
      {"unknown_matcher_key", h + "td:\n  rtmr0: {one_of: [\"00\"]}\n", ErrorCode::kUnsupported, 3,
       11},
      {"unknown_metadata_key", h + "metadata:\n  name: x\n  owner: y\n", ErrorCode::kUnsupported, 4,
       3},
      {"unknown_event_key", EventPolicy("{type: EV_IPL}", "{count: 1}", "sevrity: warn"),
       ErrorCode::kUnsupported, 6, 5},
      {"unknown_match_key", EventPolicy("{typ: EV_IPL}"), ErrorCode::kUnsupported, 4, 13},
      {"unknown_waiver_key",
       h + "waivers:\n  - {rule: td.mr_td, until: 2027-01-01, reason: r, by: me}\n",
       ErrorCode::kUnsupported, 3, 52},
      {"duplicate_key", h + "td:\n  xfam: {eq: zero}\n  xfam: {eq: zero}\n", ErrorCode::kBadValue,
       4, 3},
      {"td_not_a_map", h + "td: [1, 2]\n", ErrorCode::kBadValue, 2, 5},
      {"metadata_name_is_a_list", h + "metadata: {name: [a]}\n", ErrorCode::kBadValue, 2, 18},
      {"attribute_not_bool", h + "td:\n  attributes: {debug: no}\n", ErrorCode::kBadValue, 3, 23},
      {"attribute_bool_is_a_map", h + "td:\n  attributes:\n    debug: {x: 1}\n",
       ErrorCode::kBadValue, 4, 12},
      {"mask_without_value", h + "td:\n  attributes: {mask: \"0100000000000000\"}\n",
       ErrorCode::kNotFound, 3, 15},
      {"value_outside_mask",
       h + "td:\n  attributes: {mask: \"0100000000000000\", value: \"0200000000000000\"}\n",
       ErrorCode::kBadValue, 3, 49},
      {"bad_hex_digit", h + "td:\n  mr_td: {any_of: [\"" + std::string(95, 'a') + "g\"]}\n",
       ErrorCode::kBadValue, 3, 20},
      {"hex_wrong_length", h + "td:\n  mr_td: {eq: \"aabb\"}\n", ErrorCode::kBadLength, 3, 15},
      {"hex_odd_length", h + "td:\n  xfam: {eq: \"e70206000000000\"}\n", ErrorCode::kBadLength, 3,
       14},
      {"min_svn_wrong_length", h + "platform:\n  min_tee_tcb_svn: \"0401\"\n",
       ErrorCode::kBadLength, 3, 20},
      {"min_svn_bad_hex", h + "platform:\n  min_tee_tcb_svn: 0x040107000000000000000000000000\n",
       ErrorCode::kBadValue, 3, 20},
      {"matcher_any_of_not_list", h + "td:\n  xfam: {any_of: \"e702060000000000\"}\n",
       ErrorCode::kBadValue, 3, 18},
      {"matcher_any_of_empty", h + "td:\n  xfam: {any_of: []}\n", ErrorCode::kBadValue, 3, 18},
      {"matcher_both_keys", h + "td:\n  xfam: {eq: zero, any_of: [\"00\"]}\n", ErrorCode::kBadValue,
       3, 9},
      {"matcher_no_keys", h + "td:\n  xfam: {}\n", ErrorCode::kNotFound, 3, 9},
      {"matcher_is_scalar", h + "td:\n  xfam: e702060000000000\n", ErrorCode::kBadValue, 3, 9},
      {"unknown_tcb_status", h + "platform:\n  tcb_status: {allow: [UpToDate, Fine]}\n",
       ErrorCode::kBadValue, 3, 34},
      {"tcb_status_without_allow", h + "platform:\n  tcb_status: {warn: [OutOfDate]}\n",
       ErrorCode::kNotFound, 3, 15},
      {"tcb_status_allow_scalar", h + "platform:\n  tcb_status: {allow: UpToDate}\n",
       ErrorCode::kBadValue, 3, 23},
      {"advisories_deny_map", h + "platform:\n  advisories: {deny: {a: b}}\n", ErrorCode::kBadValue,
       3, 22},
      {"collateral_bad_value", h + "platform:\n  collateral: maybe\n", ErrorCode::kBadValue, 3, 15},
      {"replay_bad_register", h + "replay: {must_match_quote: [rtmr0, rtmr4]}\n",
       ErrorCode::kBadValue, 2, 36},
      {"replay_pcr_not_quoted", h + "replay: {must_match_quote: [pcr0]}\n", ErrorCode::kBadValue, 2,
       29},
      {"replay_duplicate_register", h + "replay: {must_match_quote: [rtmr1, rtmr1]}\n",
       ErrorCode::kBadValue, 2, 36},
      {"events_not_list", h + "events: {id: a}\n", ErrorCode::kBadValue, 2, 9},
      {"event_missing_id", h + "events:\n  - match: {type: EV_IPL}\n    expect: {count: 1}\n",
       ErrorCode::kNotFound, 3, 5},
      {"event_bad_id",
       h + "events:\n  - id: \"a b\"\n    match: {type: EV_IPL}\n    expect: {count: 1}\n",
       ErrorCode::kBadValue, 3, 9},
      {"event_duplicate_id",
       h + "events:\n  - {id: a, match: {type: 1}, expect: {count: 0}}\n  - {id: a, match: {type: "
           "2}, expect: {count: 0}}\n",
       ErrorCode::kBadValue, 4, 10},
      {"event_missing_match", h + "events:\n  - id: a\n    expect: {count: 1}\n",
       ErrorCode::kNotFound, 3, 5},
      {"event_empty_match", EventPolicy("{}"), ErrorCode::kBadValue, 4, 12},
      {"event_missing_expect", h + "events:\n  - id: a\n    match: {type: EV_IPL}\n",
       ErrorCode::kNotFound, 3, 5},
      {"event_bad_register", EventPolicy("{register: rtmr9}"), ErrorCode::kBadValue, 4, 23},
      {"event_bad_pcr", EventPolicy("{register: pcr24}"), ErrorCode::kBadValue, 4, 23},
      {"event_bad_type", EventPolicy("{type: ipl}"), ErrorCode::kBadValue, 4, 19},
      {"event_type_unknown_name", EventPolicy("{type: EV_IPLL}"), ErrorCode::kBadValue, 4, 19},
      {"event_type_too_big", EventPolicy("{type: 4294967296}"), ErrorCode::kBadValue, 4, 19},
      {"event_negative_nth", EventPolicy("{type: EV_IPL, nth: -1}"), ErrorCode::kBadValue, 4, 32},
      {"event_bad_log", EventPolicy("{log: uefi}"), ErrorCode::kBadValue, 4, 18},
      {"event_bad_regex", EventPolicy("{text_regex: \"([a-z\"}"), ErrorCode::kBadValue, 4, 25},
      {"event_digest_bad_hex", EventPolicy("{type: EV_IPL}", "{digest: {eq: \"xyz1\"}}"),
       ErrorCode::kBadValue, 5, 27},
      {"event_digest_too_long",
       EventPolicy("{type: EV_IPL}", "{digest: {eq: \"" + std::string(130, 'a') + "\"}}"),
       ErrorCode::kBadLength, 5, 27},
      {"event_text_require_scalar", EventPolicy("{type: EV_IPL}", "{text: {require: x}}"),
       ErrorCode::kBadValue, 5, 30},
      {"event_text_unknown", EventPolicy("{type: EV_IPL}", "{text: {has: x}}"),
       ErrorCode::kUnsupported, 5, 21},
      {"event_bad_severity", EventPolicy("{type: EV_IPL}", "{count: 1}", "severity: info"),
       ErrorCode::kBadValue, 6, 15},
      {"event_optional_not_bool", EventPolicy("{type: EV_IPL}", "{count: 1}", "optional: 1"),
       ErrorCode::kBadValue, 6, 15},
      {"ima_bad_exclude_regex", h + "ima:\n  exclude: [\"^/tmp/\", \"*\"]\n", ErrorCode::kBadValue,
       3, 23},
      {"ima_exclude_not_list", h + "ima:\n  exclude: \"^/tmp/\"\n", ErrorCode::kBadValue, 3, 12},
      // Constructs RE2 refuses (they need backtracking), and a program too large.
      {"ima_exclude_lookahead", h + "ima:\n  exclude: [\"^/tmp/\", \"^(?!/usr/)\"]\n",
       ErrorCode::kBadValue, 3, 23},
      {"ima_exclude_lookbehind", h + "ima:\n  exclude: [\"(?<=/tmp)/x\"]\n", ErrorCode::kBadValue,
       3, 13},
      {"ima_exclude_possessive", h + "ima:\n  exclude: [\"^/tmp/.*+\"]\n", ErrorCode::kBadValue, 3,
       13},
      {"event_regex_backreference", EventPolicy("{text_regex: \"(a)\\\\1\"}"), ErrorCode::kBadValue,
       4, 25},
      {"ima_exclude_program_too_large",
       h + "ima:\n  exclude: [\"" +
           [] {
             std::string big;
             for (int i = 0; i < 11; ++i) big += "[a-q]{1000}";
             return big;
           }() +
           "\"]\n",
       ErrorCode::kLimitExceeded, 3, 13},
      {"ima_bad_unknown", h + "ima:\n  unknown: allow\n", ErrorCode::kBadValue, 3, 12},
      {"ima_bad_digest",
       h + "ima:\n  allow:\n    digests:\n      /usr/bin/bash: [\"sha384:abcd\"]\n",
       ErrorCode::kBadValue, 5, 23},
      {"ima_bad_digest_alg",
       h + "ima:\n  allow:\n    digests:\n      /a: [\"md5:00112233445566778899aabbccddeeff\"]\n",
       ErrorCode::kBadValue, 5, 12},
      {"ima_digests_not_list", h + "ima:\n  allow:\n    digests:\n      /a: \"sha256:00\"\n",
       ErrorCode::kBadValue, 5, 11},
      {"ima_unknown_allow_key", h + "ima:\n  allow: {paths: []}\n", ErrorCode::kUnsupported, 3, 11},
      {"waivers_not_list", h + "waivers: {rule: a}\n", ErrorCode::kBadValue, 2, 10},
      {"waiver_missing_until", h + "waivers:\n  - {rule: td.mr_td, reason: r}\n",
       ErrorCode::kNotFound, 3, 5},
      {"waiver_bad_until", h + "waivers:\n  - {rule: td.mr_td, until: 2027-13-01, reason: r}\n",
       ErrorCode::kBadValue, 3, 29},
      {"waiver_feb_30", h + "waivers:\n  - {rule: td.mr_td, until: 2027-02-30, reason: r}\n",
       ErrorCode::kBadValue, 3, 29},
      {"waiver_empty_reason",
       h + "waivers:\n  - {rule: td.mr_td, until: 2027-01-01, reason: \"\"}\n",
       ErrorCode::kBadValue, 3, 49},
      {"waiver_bad_rule", h + "waivers:\n  - {rule: \"td mr\", until: 2027-01-01, reason: r}\n",
       ErrorCode::kBadValue, 3, 12},
      {"expires_bad_time", h + "metadata:\n  expires: 2027-06-30T25:00:00Z\n", ErrorCode::kBadValue,
       3, 12},
      {"expires_no_zone", h + "metadata:\n  expires: 2027-06-30T10:00:00\n", ErrorCode::kBadValue,
       3, 12},
      {"binding_bad_value", h + "binding: {nonce: maybe}\n", ErrorCode::kBadValue, 2, 18},
      {"binding_unknown_key", h + "binding: {user_data: required}\n", ErrorCode::kUnsupported, 2,
       11},
      {"version_empty", h + "metadata:\n  version: \"\"\n", ErrorCode::kBadValue, 3, 12},
  };
}

}  // namespace ccv::policy::testing

#endif  // CCV_TESTS_POLICIES_BAD_POLICIES_H_
