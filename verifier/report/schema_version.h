// Version of the JSON contract of ccverify's outputs (docs/json.md, the
// schemas in docs/schemas/). Every top-level JSON object ccverify writes
// starts with "schema_version": kJsonSchemaVersion.
//
// "MAJOR.MINOR": the minor number grows when members are added, the major
// number when a member is removed, renamed or changes its type or meaning.
// The schemas pin this value, so a change here needs the schemas to follow.
//
// SchemaJson, PrettySchemaJson and SchemaJsonLine write such an object whole.
//
// Thread safety: a constant and pure functions.
#ifndef CCV_VERIFIER_REPORT_SCHEMA_VERSION_H_
#define CCV_VERIFIER_REPORT_SCHEMA_VERSION_H_

#include <string>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace ccv::report {

inline constexpr char kJsonSchemaVersion[] = "2.0";

// Writes the member "schema_version": kJsonSchemaVersion with any RapidJSON
// writer. REQUIRES: the writer has just started the top-level object.
template <typename W>
void WriteSchemaVersion(W& w) {
  w.Key("schema_version");
  w.String(kJsonSchemaVersion);
}

// A JSON document: the object {"schema_version", then the members
// `members(w)` writes} as compact JSON, and a newline.
template <typename Members>
std::string SchemaJson(Members&& members);

// The same document pretty-printed with `indent` spaces a level.
template <typename Members>
std::string PrettySchemaJson(unsigned indent, Members&& members);

// The object of SchemaJson without the newline (a JSON Lines record).
template <typename Members>
std::string SchemaJsonLine(Members&& members);

// Implementation details follow.

namespace internal {

template <typename W, typename Members>
std::string WriteSchemaObject(const rapidjson::StringBuffer& sb, W& w, Members&& members) {
  w.StartObject();
  WriteSchemaVersion(w);
  members(w);
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

}  // namespace internal

template <typename Members>
std::string SchemaJsonLine(Members&& members) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  return internal::WriteSchemaObject(sb, w, members);
}

template <typename Members>
std::string SchemaJson(Members&& members) {
  return SchemaJsonLine(members) + "\n";
}

template <typename Members>
std::string PrettySchemaJson(unsigned indent, Members&& members) {
  rapidjson::StringBuffer sb;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(sb);
  w.SetIndent(' ', indent);
  return internal::WriteSchemaObject(sb, w, members) + "\n";
}

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_SCHEMA_VERSION_H_
