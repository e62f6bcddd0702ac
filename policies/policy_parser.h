// Reads a YAML policy (DESIGN §6) into a Policy. Strict: unknown keys,
// duplicate keys, values of the wrong type, bad hex, bad lengths, unknown
// enum names, bad times and regexes that do not compile are errors. Every
// error names the line and column (1-based) of the offending YAML node and
// its dotted field path ("td.mr_td.any_of[1]").
//
// Error codes: kBadValue (YAML syntax, wrong type, bad hex digit, bad enum,
// bad time, a regex RE2 does not accept, duplicate key), kBadLength (hex of
// the wrong size), kUnsupported (unknown key or apiVersion), kNotFound (a
// required key is missing), kLimitExceeded (a list too long, a regex whose
// program exceeds bounded_regex.h's bounds), kIo (policy or allow-list file
// unreadable).
//
// Thread safety: pure functions.
#ifndef CCV_POLICIES_POLICY_PARSER_H_
#define CCV_POLICIES_POLICY_PARSER_H_

#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/result.h"
#include "policies/policy.h"

namespace ccv::policy {

struct UnknownKey {
  std::string path;  // "td.atributes"
  SourcePos pos;
};

struct ParseOptions {
  // File name used in error messages.
  std::string source = "<policy>";
  // Directory that relative `ima.allow.file` paths are resolved against.
  std::string base_dir = ".";
  // If set, unknown keys are collected here instead of failing (lint).
  std::vector<UnknownKey>* out_unknown_keys = nullptr;
  // A signed policy: keys that name other files (ima.allow.file, ima.keys,
  // containers allow files), which its signature does not cover, are
  // errors (kUnsupported) instead of being read.
  bool refuse_file_references = false;
};

Result<Policy> ParsePolicy(std::string_view yaml, const ParseOptions& options = {});

// Reads `path` and parses it, resolving files against its directory.
Result<Policy> LoadPolicyFile(const std::string& path,
                              std::vector<UnknownKey>* out_unknown_keys = nullptr);
// Parses `text`, the content of the policy file `path` (files resolved
// against its directory).
Result<Policy> ParsePolicyFileText(const std::string& path, std::string_view text,
                                   bool refuse_file_references = false,
                                   std::vector<UnknownKey>* out_unknown_keys = nullptr);

// Parses an IMA allow-list file: one entry a line, "<hex>  <path>" (the
// sha*sum format; the algorithm follows from the digest length) or
// "<alg>:<hex> <path>"; '#' starts a comment line. Adds "alg:hex" entries to
// `out`. Errors carry the file's line and column.
Status ParseImaAllowList(std::string_view text, const std::string& source,
                         std::map<std::string, std::vector<std::string>>* out);

}  // namespace ccv::policy

#endif  // CCV_POLICIES_POLICY_PARSER_H_
