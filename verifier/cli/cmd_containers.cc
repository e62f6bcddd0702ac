// ccverify containers --ima F [--system-events F] [--json]: the per-pod and
// per-container view of an ima-cgpath list with each unit's CIMA virtual
// IMR 3 (DESIGN §5).
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <rapidjson/filewritestream.h>
#include <rapidjson/prettywriter.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "verifier/cli/commands.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/containers/container_view.h"

namespace ccv::cli {
namespace {

namespace po = boost::program_options;
using containers::ContainerInfo;
using containers::ContainerUnit;
using containers::ContainerView;
using JsonWriter = rapidjson::PrettyWriter<rapidjson::FileWriteStream>;

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
  w.Key("records");
  w.Uint64(c.records);
  w.Key("first_record");
  w.Uint64(c.first_record);
  w.Key("last_record");
  w.Uint64(c.last_record);
  w.Key("entrypoint");
  w.String(c.entrypoint.c_str());
  w.EndObject();
}

void PrintJson(const ContainerView& v) {
  char buf[65536];
  rapidjson::FileWriteStream os(stdout, buf, sizeof(buf));
  JsonWriter w(os);
  w.SetIndent(' ', 1);
  w.StartObject();
  w.Key("containers");
  w.StartArray();
  for (const ContainerUnit& u : v.units) {
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
    w.Key("records");
    w.Uint64(u.records);
    w.Key("first_record");
    w.Uint64(u.first_record);
    w.Key("last_record");
    w.Uint64(u.last_record);
    w.Key("violations");
    w.Uint64(u.violations);
    w.Key("template_hashes_mismatched");
    w.Uint64(u.hashes_mismatched);
    w.Key("virtual_imr3");
    WriteDigest(u.virtual_imr3, w);
    w.Key("containers");
    w.StartArray();
    for (const ContainerInfo& c : u.containers) WriteContainer(c, w);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("initial_imr3");
  WriteDigest(v.initial, w);
  w.Key("entries");
  w.Uint64(v.entries);
  w.Key("host_records");
  w.Uint64(v.host_records);
  w.Key("unattributed_records");
  w.Uint64(v.unattributed_records);
  w.Key("template_hashes");
  w.StartObject();
  w.Key("verified");
  w.Uint64(v.hashes_verified);
  w.Key("mismatched");
  w.Uint64(v.hashes_mismatched);
  w.Key("violations");
  w.Uint64(v.violations);
  w.EndObject();
  w.Key("findings");
  w.StartArray();
  for (const containers::ContainerFinding& f : v.findings) {
    w.StartObject();
    w.Key("evidence");
    w.String(("ima#" + std::to_string(f.index)).c_str());
    if (f.line != 0) {
      w.Key("line");
      w.Uint64(f.line);
    }
    w.Key("kind");
    w.String(f.kind.c_str());
    w.Key("detail");
    w.String(f.detail.c_str());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  os.Put('\n');
  os.Flush();
}

void PrintText(const ContainerView& v) {
  std::string alg(HashAlgName(v.alg));
  for (const ContainerUnit& u : v.units) {
    std::printf("%s %s", u.kind.c_str(), u.kind == "pod" ? u.pod_uid.c_str() : u.id.c_str());
    if (u.kind == "pod") std::printf("  (CIMA id %s)", u.id.c_str());
    std::printf("\n  records %llu: ima#%llu .. ima#%llu\n",
                static_cast<unsigned long long>(u.records),
                static_cast<unsigned long long>(u.first_record),
                static_cast<unsigned long long>(u.last_record));
    std::printf("  virtual imr3 %s: %s\n", alg.c_str(), ToHex(u.virtual_imr3.span()).c_str());
    if (u.violations != 0 || u.hashes_mismatched != 0) {
      std::printf("  violations %llu, template hash mismatches %llu\n",
                  static_cast<unsigned long long>(u.violations),
                  static_cast<unsigned long long>(u.hashes_mismatched));
    }
    for (const ContainerInfo& c : u.containers) {
      std::printf("  container %s%s%s%s\n", c.id.c_str(), c.runtime.empty() ? "" : " (",
                  c.runtime.c_str(), c.runtime.empty() ? "" : ")");
      std::printf("    records %llu: ima#%llu .. ima#%llu, entrypoint %s\n",
                  static_cast<unsigned long long>(c.records),
                  static_cast<unsigned long long>(c.first_record),
                  static_cast<unsigned long long>(c.last_record), c.entrypoint.c_str());
      for (const std::string& p : c.cgroup_paths) std::printf("    cgroup %s\n", p.c_str());
    }
  }
  std::printf("\n%zu units; %llu entries, %llu host records, %llu unattributed\n", v.units.size(),
              static_cast<unsigned long long>(v.entries),
              static_cast<unsigned long long>(v.host_records),
              static_cast<unsigned long long>(v.unattributed_records));
  std::printf("initial imr3 %s: %s\n", alg.c_str(), ToHex(v.initial.span()).c_str());
  std::printf("template hashes: %llu verified, %llu mismatched, %llu violations\n",
              static_cast<unsigned long long>(v.hashes_verified),
              static_cast<unsigned long long>(v.hashes_mismatched),
              static_cast<unsigned long long>(v.violations));
  for (const containers::ContainerFinding& f : v.findings) {
    std::printf("  ima#%llu: %s: %s\n", static_cast<unsigned long long>(f.index), f.kind.c_str(),
                f.detail.c_str());
  }
}

void Usage(FILE* out, const po::options_description& desc) {
  std::fprintf(out, "usage: ccverify containers --ima F [--system-events F] [--json]\n");
  std::ostringstream s;
  s << desc;
  std::fputs(s.str().c_str(), out);
}

}  // namespace

int RunContainers(const Args& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")(
      "ima", po::value<std::string>(), "IMA list with ima-cgpath records (ascii or binary)")(
      "system-events", po::value<std::string>(),
      "JSON array of {\"data_hex\"}: the system-process command lines CIMA measured")(
      "json", "print JSON (DESIGN §5)");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "ccverify containers: %s\n", e.what());
    Usage(stderr, desc);
    return kExitUsage;
  }
  if (vm.count("help")) {
    Usage(stdout, desc);
    return kExitTrusted;
  }
  if (!vm.count("ima")) {
    std::fprintf(stderr, "ccverify containers: --ima is required\n");
    Usage(stderr, desc);
    return kExitUsage;
  }
  containers::ContainerViewOptions options;
  if (vm.count("system-events")) {
    std::string path = vm["system-events"].as<std::string>();
    Result<std::string> text = ReadFileText(path);
    if (!text.ok()) return ReportError(text.status());
    Result<std::vector<std::vector<uint8_t>>> events = containers::ParseSystemEventsJson(*text);
    if (!events.ok()) return ReportError(events.status().WithFile(path));
    options.system_events = std::move(events).value();
  }
  Result<ContainerView> view =
      containers::BuildContainerViewFile(vm["ima"].as<std::string>(), ima::ReadOptions{}, options);
  if (!view.ok()) return ReportError(view.status());
  if (vm.count("json")) {
    PrintJson(*view);
  } else {
    PrintText(*view);
  }
  bool clean = view->hashes_mismatched == 0 && view->unattributed_records == 0;
  return clean ? kExitTrusted : kExitUntrusted;
}

}  // namespace ccv::cli
