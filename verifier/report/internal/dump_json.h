// The opening every `ccverify dump --json` document shares, whatever the
// log format: {"schema_version", "file", "format", then the format's own
// members. Strings are written as given (with their length).
//
// Thread safety: free functions over the caller's writer.
#ifndef CCV_VERIFIER_REPORT_INTERNAL_DUMP_JSON_H_
#define CCV_VERIFIER_REPORT_INTERNAL_DUMP_JSON_H_

#include <string>
#include <string_view>

#include <rapidjson/rapidjson.h>

#include "verifier/report/schema_version.h"

namespace ccv::report::internal {

// Starts the top-level object and writes "schema_version", "file": `path`
// and "format": `format`; the caller writes the rest and ends the object.
template <typename W>
void BeginDumpJson(W& w, std::string_view path, std::string_view format) {
  w.StartObject();
  WriteSchemaVersion(w);
  w.Key("file");
  w.String(path.data(), rapidjson::SizeType(path.size()));
  w.Key("format");
  w.String(format.data(), rapidjson::SizeType(format.size()));
}

// The whole document of an input dumped as one structure (a quote, a TD
// report, a TPM attest, an HCL report): compact JSON, {"schema_version",
// "format": `format`, then the members `members(w)` writes}, and a newline.
template <typename Members>
std::string StructureDumpJson(std::string_view format, Members&& members) {
  return SchemaJson([&](auto& w) {
    w.Key("format");
    w.String(format.data(), rapidjson::SizeType(format.size()));
    members(w);
  });
}

}  // namespace ccv::report::internal

#endif  // CCV_VERIFIER_REPORT_INTERNAL_DUMP_JSON_H_
