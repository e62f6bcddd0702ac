// Version of the JSON contract of ccverify's outputs (docs/json.md, the
// schemas in docs/schemas/). Every top-level JSON object ccverify writes
// starts with "schema_version": kJsonSchemaVersion.
//
// "MAJOR.MINOR": the minor number grows when members are added, the major
// number when a member is removed, renamed or changes its type or meaning.
// The schemas pin this value, so a change here needs the schemas to follow.
//
// Thread safety: a constant.
#ifndef CCV_VERIFIER_REPORT_SCHEMA_VERSION_H_
#define CCV_VERIFIER_REPORT_SCHEMA_VERSION_H_

namespace ccv::report {

inline constexpr char kJsonSchemaVersion[] = "2.0";

// Writes the member "schema_version": kJsonSchemaVersion with any RapidJSON
// writer. REQUIRES: the writer has just started the top-level object.
template <typename W>
void WriteSchemaVersion(W& w) {
  w.Key("schema_version");
  w.String(kJsonSchemaVersion);
}

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_SCHEMA_VERSION_H_
