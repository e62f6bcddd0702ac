// `ccverify dump` rendering: every record of a log (TCG2, SHA1-legacy, CCEL,
// IMA ascii/binary, CEL TLV/JSON) or a CCEL ACPI table as text, one line per
// record (--brief) or one JSON document (docs/json.md "dump"), keeping only
// the records a DumpFilter keeps. Logs stream through a 1 MiB window.
//
// Each function reads the file at `path` as `format` (detected or forced by
// the caller) and writes to `out`. On a reading error the records before it
// are written (and, in JSON, an "error" member) and the error is returned,
// naming the file and offset or line. Nothing here is verification: decoded
// data is evidence only where its digest check says verified.
// Thread-compatible: each call uses only its arguments.
#ifndef CCV_VERIFIER_REPORT_LOG_DUMP_H_
#define CCV_VERIFIER_REPORT_LOG_DUMP_H_

#include <cstdio>
#include <string>

#include "parsers/chunked_source.h"
#include "parsers/core/result.h"
#include "parsers/log_detect.h"
#include "verifier/report/dump_filter.h"
#include "verifier/report/event_detail.h"

namespace ccv::report {

struct DumpOptions {
  bool json = false;
  bool brief = false;  // one line per record (text only)
  DumpFilter filter;
};

// kTcg2, kTcgSha1Legacy or kCcel. `source` is positioned at offset 0. A log
// that is not in the forced format (a SHA1-legacy log read as tcg2) fails
// with kBadValue at offset 0.
Status DumpTcgLog(const std::string& path, parsers::LogFormat format,
                  parsers::ChunkedSource* source, const DumpOptions& options, std::FILE* out);
// The 56-byte ACPI CCEL table.
Status DumpCcelTable(const std::string& path, parsers::ChunkedSource* source, bool json,
                     std::FILE* out);
// kImaAscii or kImaBinary: the list is read in that form.
Status DumpImaLog(const std::string& path, parsers::LogFormat format, const DumpOptions& options,
                  std::FILE* out);
// kCelTlv or kCelJson: the file is parsed in that encoding.
Status DumpCelLog(const std::string& path, parsers::LogFormat format, const DumpOptions& options,
                  std::FILE* out);

// The one-line summary of a TCG event's decoded data for --brief: the
// variable name and its value, the image's device path, the text.
std::string EventSummary(const EventDetail& detail);

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_LOG_DUMP_H_
