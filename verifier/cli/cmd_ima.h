// IMA and CEL parts of `ccverify dump`: dump of IMA lists and CEL files, and
// conversion of any log to CEL (`dump FILE --to cel-json|cel-tlv`).
#ifndef CCV_VERIFIER_CLI_CMD_IMA_H_
#define CCV_VERIFIER_CLI_CMD_IMA_H_

#include <string>
#include <string_view>

namespace ccv::cli {

// "cel-json" or "cel-tlv".
bool ValidCelTarget(std::string_view to);

// Print every entry (text or JSON) or, with `to` set, write the list as CEL
// to stdout. Return an exit code (0 printed, 3 input error).
int DumpImaFile(const std::string& path, bool json, std::string_view to);
int DumpCelFile(const std::string& path, bool json, std::string_view to);
// A TCG2, SHA1-legacy or CCEL log as CEL (replay::ConvertTcgToCel). A log
// with a record whose digest is not the hash of its data is refused (exit 1).
int DumpTcgAsCel(const std::string& path, bool ccel, std::string_view to);

}  // namespace ccv::cli

#endif  // CCV_VERIFIER_CLI_CMD_IMA_H_
