// Pieces of `ccverify dump` output shared by the log formats (log_dump.h):
// the full text form of a TCG event, decoded fields and hex dumps, and the
// JSON "error" member.
// Thread-safe: pure functions.
#ifndef CCV_VERIFIER_REPORT_LOG_DUMP_TEXT_H_
#define CCV_VERIFIER_REPORT_LOG_DUMP_TEXT_H_

#include <string>
#include <string_view>

#include "parsers/core/byte_reader.h"
#include "parsers/core/status.h"
#include "parsers/tcg_event_log.h"
#include "verifier/replay/digest_check.h"
#include "verifier/report/event_detail.h"
#include "verifier/report/event_json.h"
#include "verifier/report/internal/json_writer.h"

namespace ccv::report {

// "    00000000  00 11 ... |..|" lines appended to `out`.
void HexDump(Bytes data, std::string* out);
// "  key: value" lines for every decoded field appended to `out`.
void DetailText(const EventDetail& d, std::string* out);
// A record's text block: header (number, offset, index, register, type,
// size), digests, digest check, decoded fields, hex dump.
std::string TcgEventText(const parsers::TcgEvent& e, bool ccel, std::string_view reg,
                         std::string_view type, const replay::EventDataCheck* check,
                         const EventDetail& detail);

// "error": {code, offset, line, message}: the reading error of a dump.
template <typename W>
void WriteDumpErrorJson(const Status& s, const std::string& path, W& w) {
  w.Key("error");
  w.StartObject();
  internal::KeyString(w, "code", ErrorCodeName(s.code()));
  if (s.offset()) {
    internal::KeyUint(w, "offset", *s.offset());
  }
  if (s.line()) {
    internal::KeyUint(w, "line", *s.line());
  }
  internal::KeyString(w, "message", s.WithFileIfUnset(path).ToString());
  w.EndObject();
}

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_LOG_DUMP_TEXT_H_
