// `ccverify quote verify` and the quote / TD report part of `ccverify dump`.
#ifndef CCV_VERIFIER_CLI_CMD_QUOTE_H_
#define CCV_VERIFIER_CLI_CMD_QUOTE_H_

#include <string>

#include "parsers/core/byte_reader.h"
#include "verifier/cli/commands.h"

namespace ccv::cli {

// ccverify quote verify QUOTE (--collateral F | --collateral-cache DIR)
//                       [--at T] [--root-ca PEM] [--accept-tcb S,...] [--json]
int RunQuoteVerify(const Args& args);

// True if `data` is a DCAP quote (v3-v5) or a 1024-byte TDREPORT.
bool LooksLikeQuoteOrTdReport(Bytes data);
// Prints every field of a quote (plus the quote-only checks: signatures and
// PCK chain against the embedded root, at the current time) or of a TDREPORT,
// as text or JSON, to stdout. `name` is used in error messages. Returns an
// exit code (0, or 3 for input that does not parse).
int DumpQuoteBytes(Bytes data, const std::string& name, bool json);
int DumpQuoteFile(const std::string& path, bool json);

}  // namespace ccv::cli

#endif  // CCV_VERIFIER_CLI_CMD_QUOTE_H_
