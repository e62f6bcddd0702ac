#include "verifier/report/containers_report.h"

#include <vector>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "parsers/core/hex.h"
#include "parsers/core/strings.h"
#include "verifier/report/internal/json_writer.h"
#include "verifier/report/schema_version.h"

namespace ccv::report {
namespace {

using containers::BindingOutcome;
using containers::ContainerInfo;
using containers::ContainerUnit;
using containers::ContainerView;
using JsonWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void WriteDigest(const Digest& d, JsonWriter& w) {
  w.StartObject();
  std::string name(HashAlgName(d.alg));
  w.Key(name.c_str());
  w.String(ToHex(d.span()).c_str());
  w.EndObject();
}

void WriteStrings(const std::vector<std::string>& v, JsonWriter& w) {
  w.StartArray();
  for (const std::string& s : v) w.String(s.c_str());
  w.EndArray();
}

void WriteRecordRange(uint64_t records, uint64_t first, uint64_t last, JsonWriter& w) {
  internal::KeyUint(w, "records", records);
  internal::KeyUint(w, "first_record", first);
  internal::KeyUint(w, "last_record", last);
}

void WriteContainer(const ContainerInfo& c, JsonWriter& w) {
  w.StartObject();
  w.Key("id");
  w.String(c.id.c_str());
  w.Key("kind");
  w.String("container");
  w.Key("runtime");
  w.String(c.runtime.c_str());
  w.Key("cgroup_paths");
  WriteStrings(c.cgroup_paths, w);
  WriteRecordRange(c.records, c.first_record, c.last_record, w);
  w.Key("entrypoint");
  w.String(c.entrypoint.c_str());
  w.EndObject();
}

void WriteUnit(const ContainerUnit& u, JsonWriter& w) {
  w.StartObject();
  w.Key("id");
  w.String(u.id.c_str());
  w.Key("kind");
  w.String(u.kind.c_str());
  if (!u.pod_uid.empty()) {
    w.Key("pod_uid");
    w.String(u.pod_uid.c_str());
  }
  w.Key("cgroup_paths");
  WriteStrings(u.cgroup_paths, w);
  WriteRecordRange(u.records, u.first_record, u.last_record, w);
  internal::KeyUint(w, "violations", u.violations);
  internal::KeyUint(w, "template_hashes_mismatched", u.hashes_mismatched);
  w.Key("virtual_imr3");
  WriteDigest(u.virtual_imr3, w);
  w.Key("containers");
  w.StartArray();
  for (const ContainerInfo& c : u.containers) WriteContainer(c, w);
  w.EndArray();
  w.EndObject();
}

void WriteBinding(const BindingOutcome& b, JsonWriter& w) {
  w.StartObject();
  w.Key("container");
  w.String(b.unit_id.c_str());
  w.Key("status");
  w.String(b.unit_id.empty() ? "mismatch" : containers::BindingStatusName(b.check.status));
  w.Key("expected");
  w.String(b.check.expected.c_str());
  w.Key("actual");
  w.String(b.check.actual.c_str());
  w.Key("detail");
  w.String(b.check.detail.c_str());
  w.Key("bound_units");
  WriteStrings(b.bound_units, w);
  w.EndObject();
}

void AppendUnitText(const ContainerUnit& u, const std::string& alg, std::string* out) {
  StrAppendF(out, "%s %s", u.kind.c_str(), u.kind == "pod" ? u.pod_uid.c_str() : u.id.c_str());
  if (u.kind == "pod") StrAppendF(out, "  (CIMA id %s)", u.id.c_str());
  StrAppendF(out, "\n  records %llu: ima#%llu .. ima#%llu\n",
             static_cast<unsigned long long>(u.records),
             static_cast<unsigned long long>(u.first_record),
             static_cast<unsigned long long>(u.last_record));
  StrAppendF(out, "  virtual imr3 %s: %s\n", alg.c_str(), ToHex(u.virtual_imr3.span()).c_str());
  if (u.violations != 0 || u.hashes_mismatched != 0) {
    StrAppendF(out, "  violations %llu, template hash mismatches %llu\n",
               static_cast<unsigned long long>(u.violations),
               static_cast<unsigned long long>(u.hashes_mismatched));
  }
  for (const ContainerInfo& c : u.containers) {
    StrAppendF(out, "  container %s%s%s%s\n", c.id.c_str(), c.runtime.empty() ? "" : " (",
               c.runtime.c_str(), c.runtime.empty() ? "" : ")");
    StrAppendF(out, "    records %llu: ima#%llu .. ima#%llu, entrypoint %s\n",
               static_cast<unsigned long long>(c.records),
               static_cast<unsigned long long>(c.first_record),
               static_cast<unsigned long long>(c.last_record), c.entrypoint.c_str());
    for (const std::string& p : c.cgroup_paths) StrAppendF(out, "    cgroup %s\n", p.c_str());
  }
}

}  // namespace

std::string ContainersReportJson(const ContainerView& v, const BindingOutcome& b) {
  return PrettySchemaJson(1, [&](JsonWriter& w) {
    w.Key("containers");
    w.StartArray();
    for (const ContainerUnit& u : v.units) WriteUnit(u, w);
    w.EndArray();
    w.Key("initial_imr3");
    WriteDigest(v.initial, w);
    internal::KeyUint(w, "entries", v.entries);
    internal::KeyUint(w, "host_records", v.host_records);
    internal::KeyUint(w, "unattributed_records", v.unattributed_records);
    w.Key("template_hashes");
    w.StartObject();
    internal::KeyUint(w, "verified", v.hashes_verified);
    internal::KeyUint(w, "mismatched", v.hashes_mismatched);
    internal::KeyUint(w, "violations", v.violations);
    w.EndObject();
    internal::KeyObjects(w, "findings", v.findings,
                         [](JsonWriter& w, const containers::ContainerFinding& f) {
                           internal::KeyString(w, "evidence", "ima#" + std::to_string(f.index));
                           if (f.line != 0) internal::KeyUint(w, "line", f.line);
                           internal::KeyString(w, "kind", f.kind);
                           internal::KeyString(w, "detail", f.detail);
                         });
    if (b.requested) {
      w.Key("binding");
      WriteBinding(b, w);
    }
  });
}

std::string ContainersReportText(const ContainerView& v, const BindingOutcome& b) {
  std::string out;
  const std::string alg(HashAlgName(v.alg));
  for (const ContainerUnit& u : v.units) AppendUnitText(u, alg, &out);
  StrAppendF(&out, "\n%zu units; %llu entries, %llu host records, %llu unattributed\n",
             v.units.size(), static_cast<unsigned long long>(v.entries),
             static_cast<unsigned long long>(v.host_records),
             static_cast<unsigned long long>(v.unattributed_records));
  StrAppendF(&out, "initial imr3 %s: %s\n", alg.c_str(), ToHex(v.initial.span()).c_str());
  StrAppendF(&out, "template hashes: %llu verified, %llu mismatched, %llu violations\n",
             static_cast<unsigned long long>(v.hashes_verified),
             static_cast<unsigned long long>(v.hashes_mismatched),
             static_cast<unsigned long long>(v.violations));
  for (const containers::ContainerFinding& f : v.findings) {
    StrAppendF(&out, "  ima#%llu: %s: %s\n", static_cast<unsigned long long>(f.index),
               f.kind.c_str(), f.detail.c_str());
  }
  if (b.requested) {
    StrAppendF(&out, "binding: %s%s%s: %s\n",
               b.unit_id.empty() ? "mismatch" : containers::BindingStatusName(b.check.status),
               b.unit_id.empty() ? "" : " for ", b.unit_id.c_str(), b.check.detail.c_str());
    if (!b.check.expected.empty()) StrAppendF(&out, "  expected %s\n", b.check.expected.c_str());
    StrAppendF(&out, "  actual   %s\n", b.check.actual.c_str());
  }
  return out;
}

}  // namespace ccv::report
