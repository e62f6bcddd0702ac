// IMA and CEL parts of `ccverify dump`: conversion of any log to CEL
// (`dump FILE --to cel-json|cel-tlv`). Dumping them is report::DumpImaLog /
// DumpCelLog (verifier/report/log_dump.h).
#ifndef CCV_VERIFIER_CLI_CMD_IMA_H_
#define CCV_VERIFIER_CLI_CMD_IMA_H_

#include <string>
#include <string_view>

namespace ccv::cli {

// "cel-json" or "cel-tlv".
bool ValidCelTarget(std::string_view to);

// Write the IMA list (read as ascii or binary) or the CEL file as CEL to
// stdout in the `to` encoding. Return an exit code (0 written, 3 input
// error). Dumping them is report::DumpImaLog / DumpCelLog.
int ConvertImaFile(const std::string& path, bool ascii, std::string_view to);
int ConvertCelFile(const std::string& path, std::string_view to);
// A TCG2, SHA1-legacy or CCEL log as CEL (replay::ConvertTcgToCel). A log
// with a record whose digest is not the hash of its data is refused (exit 1).
int DumpTcgAsCel(const std::string& path, bool ccel, std::string_view to);

}  // namespace ccv::cli

#endif  // CCV_VERIFIER_CLI_CMD_IMA_H_
