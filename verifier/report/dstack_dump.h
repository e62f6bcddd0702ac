// `ccverify dump` of a dstack event log (format name "dstack-json"): every
// entry with its register, type, digest, the outcome of its digest check
// (verifier/replay/dstack_replay.h) and its payload.
// Thread safety: writes to `out` only.
#ifndef CCV_VERIFIER_REPORT_DSTACK_DUMP_H_
#define CCV_VERIFIER_REPORT_DSTACK_DUMP_H_

#include <cstdio>
#include <string>

#include "parsers/core/status.h"
#include "verifier/report/log_dump.h"

namespace ccv::report {

inline constexpr char kDstackFormatName[] = "dstack-json";

// Errors: the file's and the parser's (naming the entry), nothing written.
Status DumpDstackLog(const std::string& path, const DumpOptions& options, std::FILE* out);

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_DSTACK_DUMP_H_
