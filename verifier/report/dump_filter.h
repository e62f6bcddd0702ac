// What `ccverify dump` shows: the record filter (--register, --type,
// --index) and the one-line form of --brief, shared by every log format.
// Thread-safe: pure functions and values.
#ifndef CCV_VERIFIER_REPORT_DUMP_FILTER_H_
#define CCV_VERIFIER_REPORT_DUMP_FILTER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parsers/core/byte_reader.h"
#include "parsers/core/register_id.h"
#include "parsers/core/result.h"

namespace ccv::report {

struct DumpFilter {
  std::optional<RegisterId> reg;  // the register a record's index names
  // --type: a TCG event type (name or number) or, for IMA entries and CEL
  // IMA records, a template name. `type` is set when the text names a TCG
  // event type.
  std::string type_text;
  std::optional<uint32_t> type;
  uint64_t first = 0, last = UINT64_MAX;  // record numbers, inclusive

  bool empty() const { return !reg && type_text.empty() && first == 0 && last == UINT64_MAX; }
  // A record with this register (nullopt: none), TCG event type (nullopt:
  // not a TCG event), template name ("" : none) and record number.
  bool Keeps(std::optional<RegisterId> r, std::optional<uint32_t> event_type,
             std::string_view template_name, uint64_t index) const;
};

// Parses the option values; an absent option is nullopt. Errors
// (kInvalidArgument, naming the option): a register RegisterId::Parse does
// not accept, an unknown type name or a number above 0xffffffff, an index
// that is not "N" or "N-M" with N <= M.
Result<DumpFilter> ParseDumpFilter(const std::optional<std::string>& reg,
                                   const std::optional<std::string>& type,
                                   const std::optional<std::string>& index);

// One --brief line, newline included:
// "<index>  <register>  <type>  <digest prefix>  <summary>". The digest
// prefix is the first 16 hex digits of `digest`; the summary is made one
// line (control characters as \n, \t or \xNN) and cut to 120 characters.
std::string BriefLine(uint64_t index, std::string_view reg, std::string_view type, Bytes digest,
                      std::string_view summary);

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_DUMP_FILTER_H_
