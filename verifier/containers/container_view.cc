#include "verifier/containers/container_view.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "parsers/core/hex.h"
#include "parsers/core/status.h"
#include "verifier/containers/cgroup_identity.h"
#include "verifier/crypto/batch_hash.h"
#include "verifier/crypto/digest.h"
#include "verifier/replay/ima_replay.h"
#include "verifier/replay/ima_replay_file.h"

namespace ccv::containers {
namespace {

// Bounds on what a hostile list can make us hold.
constexpr size_t kMaxUnits = 1'000'000;
constexpr size_t kMaxPathsPerUnit = 4096;
constexpr size_t kMaxCachedPaths = 1 << 16;  // cgroup paths whose identity is cached

void AddUnique(std::vector<std::string>* v, std::string_view s) {
  if (v->size() >= kMaxPathsPerUnit) return;
  for (const std::string& x : *v)
    if (x == s) return;
  v->emplace_back(s);
}

bool IsHexPrefixOf(std::string_view prefix, std::string_view id) {
  if (prefix.size() < 12 || prefix.size() > id.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char a = prefix[i], b = id[i];
    if (a >= 'A' && a <= 'F') a = char(a - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

}  // namespace

Digest SystemMeasurement(HashAlg alg, std::span<const std::vector<uint8_t>> events) {
  crypto::Hasher h;
  Digest v = Digest::Zero(alg);
  for (const std::vector<uint8_t>& data : events) {
    Digest d = h.Hash(alg, data);
    h.Extend(&v, d.span());
  }
  return v;
}

const ContainerUnit* ContainerView::Find(std::string_view id, size_t* out_container,
                                         std::string* out_reason) const {
  if (out_container != nullptr) *out_container = SIZE_MAX;
  auto fail = [&](std::string why) -> const ContainerUnit* {
    if (out_reason != nullptr) *out_reason = std::move(why);
    return nullptr;
  };
  std::string cg_form = PodUidToCgroupForm(id);
  std::string canonical = PodUidFromCgroupForm(id);
  // Every unit the ID names, by the unit's own ID or pod UID or by one of its
  // containers; and the containers it names.
  std::vector<size_t> named;
  const ContainerUnit* unit_match = nullptr;
  size_t container = SIZE_MAX, containers_named = 0;
  for (size_t ui = 0; ui < units.size(); ++ui) {
    const ContainerUnit& u = units[ui];
    bool hit = u.id == id || u.id == cg_form || (!u.pod_uid.empty() && u.pod_uid == canonical);
    if (hit) unit_match = &u;
    for (size_t i = 0; i < u.containers.size(); ++i) {
      const ContainerInfo& c = u.containers[i];
      if (c.id == id || IsHexPrefixOf(id, c.id)) {
        hit = true;
        container = i;
        ++containers_named;
      }
    }
    if (hit) named.push_back(ui);
  }
  if (named.empty()) return fail("no pod or container '" + std::string(id) + "' in the list");
  if (named.size() > 1) {
    std::string which;
    for (size_t ui : named) which += (which.empty() ? "" : ", ") + units[ui].id;
    return fail("'" + std::string(id) + "' names " + std::to_string(named.size()) + " units (" +
                which + "): two units claim one ID, so it names none");
  }
  const ContainerUnit& u = units[named[0]];
  if (unit_match == nullptr && containers_named > 1) {
    return fail("'" + std::string(id) + "' is a prefix of " + std::to_string(containers_named) +
                " container IDs of " + u.id);
  }
  // A unit named by its own ID: a Docker unit is its own container.
  if (unit_match != nullptr) {
    container = SIZE_MAX;
    for (size_t i = 0; i < u.containers.size(); ++i) {
      if (u.containers[i].id == id) container = i;
    }
  }
  if (out_container != nullptr) *out_container = container;
  return &u;
}

struct ContainerViewBuilder::Impl {
  ContainerViewOptions options;
  ContainerView view;
  bool alg_known = false;
  crypto::Hasher hasher;
  std::map<std::string, size_t, std::less<>> unit_by_id;
  std::map<std::string, size_t, std::less<>> unit_by_pod_uid;  // first unit of each
  std::vector<ima::DecodedField> fields;
  // Template hashes of the current batch (DESIGN §7: independent hashes
  // batched, then the serial chains).
  std::vector<crypto::ByteSpan> msgs;
  std::vector<Digest> computed;
  // A list repeats few cgroup paths many times.
  std::unordered_map<std::string, CgroupIdentity> ident_cache;

  const CgroupIdentity& Identify(std::string_view cg) {
    auto it = ident_cache.find(std::string(cg));
    if (it != ident_cache.end()) return it->second;
    if (ident_cache.size() >= kMaxCachedPaths) ident_cache.clear();
    return ident_cache.emplace(std::string(cg), IdentifyCgroupPath(cg)).first->second;
  }

  void Finding(const ima::Entry& e, std::string kind, std::string detail) {
    if (view.findings.size() >= options.max_findings) return;
    view.findings.push_back({e.index, e.line, std::move(kind), std::move(detail)});
  }

  Status Add(const ima::Entry& e, const Digest& computed_hash) {
    ++view.entries;
    if (!alg_known) {
      view.alg = e.listed_hash.alg;
      view.initial = SystemMeasurement(view.alg, options.system_events);
      alg_known = true;
    } else if (e.listed_hash.alg != view.alg) {
      return ParseError(ErrorCode::kUnsupported, e.offset, "template_hash",
                        "listed template hash algorithm changes within the list");
    }
    bool violation = e.violation();
    bool hash_ok = true;
    if (violation) {
      ++view.violations;
    } else {
      const Digest& computed = computed_hash;
      hash_ok = computed == e.listed_hash;
      if (hash_ok) {
        ++view.hashes_verified;
      } else {
        ++view.hashes_mismatched;
        Finding(e, "template_hash_mismatch",
                "listed " + ToHex(e.listed_hash.span()) + ", template data hashes to " +
                    ToHex(computed.span()));
      }
    }
    if (e.template_name != "ima-cgpath" || e.desc == nullptr) {
      ++view.host_records;
      return Status();
    }
    ++view.cgpath_entries;
    Status s = ima::DecodeTemplateDataInto(e.desc, e.template_data, e.template_data_offset,
                                           options.endian, &fields);
    if (!s.ok()) {
      if (e.line != 0) return s.WithLine(e.line);
      return s;
    }
    std::string_view dep, cg, path, alg;
    Bytes file_digest;
    for (const ima::DecodedField& f : fields) {
      switch (f.id) {
        case ima::FieldId::kDep:
          dep = f.text;
          break;
        case ima::FieldId::kCgPath:
          cg = f.text;
          break;
        case ima::FieldId::kNNg:
          path = f.text;
          break;
        case ima::FieldId::kDNg:
          alg = f.algo;
          file_digest = f.digest;
          break;
        default:
          break;
      }
    }
    const CgroupIdentity& ident = Identify(cg);
    if (!ident.container) {
      ++view.host_records;
      return Status();
    }
    if (!ident.ambiguity.empty()) {
      ++view.unattributed_records;
      Finding(e, "ambiguous_cgroup_path",
              "cgroup path '" + std::string(cg) + "' " + ident.ambiguity +
                  ": the record belongs to no pod or container");
      return Status();
    }
    if (ident.cima_id.empty()) {
      ++view.unattributed_records;
      Finding(e, "unattributed_container_record",
              "cgroup path '" + std::string(cg) +
                  "' is a container's but holds no pod UID or "
                  "container ID");
      return Status();
    }
    auto it = unit_by_id.find(ident.cima_id);
    size_t ui;
    if (it == unit_by_id.end()) {
      if (view.units.size() >= kMaxUnits) {
        return ParseError(ErrorCode::kLimitExceeded, e.offset, "cg-path",
                          "more than " + std::to_string(kMaxUnits) + " containers");
      }
      ui = view.units.size();
      unit_by_id.emplace(ident.cima_id, ui);
      if (ident.kind == "pod") {
        auto [other, fresh] = unit_by_pod_uid.emplace(ident.pod_uid, ui);
        if (!fresh) {
          Finding(e, "duplicate_pod_uid",
                  "units " + view.units[other->second].id + " and " + ident.cima_id +
                      " claim pod UID " + ident.pod_uid + ": neither can be looked up by it");
        }
      }
      ContainerUnit u;
      u.id = ident.cima_id;
      u.kind = ident.kind;
      u.pod_uid = ident.kind == "pod" ? ident.pod_uid : "";
      u.first_record = e.index;
      u.first_line = e.line;
      u.virtual_imr3 = view.initial;
      view.units.push_back(std::move(u));
    } else {
      ui = it->second;
    }
    ContainerUnit& u = view.units[ui];
    ++u.records;
    u.last_record = e.index;
    u.last_line = e.line;
    AddUnique(&u.cgroup_paths, cg);
    if (violation) ++u.violations;
    if (!hash_ok) ++u.hashes_mismatched;
    hasher.Extend(&u.virtual_imr3, e.listed_hash.span());

    // The container (cgroup scope) inside the unit.
    std::string cid = !ident.container_id.empty() ? ident.container_id : std::string(cg);
    size_t ci = u.containers.size();
    for (size_t i = 0; i < u.containers.size(); ++i) {
      if (u.containers[i].id == cid) {
        ci = i;
        break;
      }
    }
    if (ci == u.containers.size()) {
      if (u.containers.size() >= kMaxPathsPerUnit) {
        return ParseError(
            ErrorCode::kLimitExceeded, e.offset, "cg-path",
            "more than " + std::to_string(kMaxPathsPerUnit) + " containers in one unit");
      }
      ContainerInfo c;
      c.id = cid;
      c.runtime = ident.runtime;
      c.first_record = e.index;
      c.entrypoint = std::string(path);
      u.containers.push_back(std::move(c));
    }
    ContainerInfo& c = u.containers[ci];
    ++c.records;
    c.last_record = e.index;
    AddUnique(&c.cgroup_paths, cg);

    if (options.keep_records) {
      ContainerRecord r;
      r.index = e.index;
      r.line = e.line;
      r.dep = std::string(dep);
      r.executable = std::string(dep.substr(0, dep.find(':')));
      r.cgroup_path = std::string(cg);
      r.path = std::string(path);
      r.file_alg = std::string(alg);
      r.file_digest.assign(file_digest.begin(), file_digest.end());
      r.template_hash = e.listed_hash;
      r.violation = violation;
      r.hash_ok = hash_ok;
      r.unit = ui;
      r.container = ci;
      size_t ref = view.records.size();
      view.records.push_back(std::move(r));
      u.record_refs.push_back(ref);
      c.record_refs.push_back(ref);
    }
    return Status();
  }
};

ContainerViewBuilder::ContainerViewBuilder(ContainerViewOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->view.alg = impl_->options.default_alg;
}

ContainerViewBuilder::~ContainerViewBuilder() = default;

Status ContainerViewBuilder::AddBatch(std::span<const ima::Entry> entries) {
  if (entries.empty()) return Status();
  Impl& m = *impl_;
  // Hash every template in one batch with the first entry's algorithm; an
  // entry of another algorithm is rejected by Add.
  HashAlg alg = m.alg_known ? m.view.alg : entries[0].listed_hash.alg;
  m.msgs.resize(entries.size());
  m.computed.resize(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) m.msgs[i] = entries[i].template_data;
  crypto::DefaultBatchHasher().HashMany(alg, m.msgs, m.computed.data());
  for (size_t i = 0; i < entries.size(); ++i) CCV_RETURN_IF_ERROR(m.Add(entries[i], m.computed[i]));
  return Status();
}

ContainerView ContainerViewBuilder::Finish() {
  if (!impl_->alg_known) {
    impl_->view.initial = SystemMeasurement(impl_->view.alg, impl_->options.system_events);
  }
  return std::move(impl_->view);
}

Result<ContainerView> BuildContainerView(ima::LogReader* reader,
                                         const ContainerViewOptions& options) {
  ContainerViewBuilder builder(options);
  std::vector<ima::Entry> batch;
  for (;;) {
    CCV_RETURN_IF_ERROR(reader->NextBatch(&batch));
    if (batch.empty()) break;
    CCV_RETURN_IF_ERROR(builder.AddBatch(batch));
  }
  return builder.Finish();
}

Result<ContainerView> BuildContainerViewBytes(Bytes data, const ima::ReadOptions& read,
                                              const ContainerViewOptions& options) {
  ima::LogReader reader(ima::SpanSource(data), read);
  return BuildContainerView(&reader, options);
}

Result<ContainerView> BuildContainerViewFile(const std::string& path, ima::ReadOptions read,
                                             const ContainerViewOptions& options) {
  CCV_ASSIGN_OR_RETURN(ima::ChunkSource probe, replay::FileChunkSource(path));
  uint8_t head[32];
  CCV_ASSIGN_OR_RETURN(size_t n, probe(head));
  read.format = ima::DetectLogFormat(Bytes(head, n));
  CCV_ASSIGN_OR_RETURN(ima::ChunkSource source, replay::FileChunkSource(path));
  ima::LogReader reader(std::move(source), read);
  Result<ContainerView> r = BuildContainerView(&reader, options);
  if (!r.ok()) return r.status().WithFile(path);
  return r;
}

Result<std::vector<std::vector<uint8_t>>> ParseSystemEventsJson(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    return ParseError(ErrorCode::kBadValue, doc.GetErrorOffset(), "system_events",
                      std::string("JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()));
  }
  const rapidjson::Value* arr = &doc;
  if (doc.IsObject()) {
    // HasMember, not FindMember() == MemberEnd(): that comparison is
    // ambiguous under C++20's reversed operators (clang warns).
    if (!doc.HasMember("system_events")) {
      return Status(ErrorCode::kNotFound,
                    "expected a JSON array or an object with \"system_events\"")
          .WithField("system_events");
    }
    arr = &doc["system_events"];
  }
  if (!arr->IsArray()) {
    return Status(ErrorCode::kBadValue, "expected a JSON array of {\"data_hex\"}")
        .WithField("system_events");
  }
  std::vector<std::vector<uint8_t>> out;
  crypto::Hasher h;
  for (rapidjson::SizeType i = 0; i < arr->Size(); ++i) {
    const rapidjson::Value& ev = (*arr)[i];
    std::string field = "system_events[" + std::to_string(i) + "]";
    if (!ev.IsObject()) {
      return Status(ErrorCode::kBadValue, "expected an object").WithField(field);
    }
    auto d = ev.FindMember("data_hex");
    if (d == ev.MemberEnd() || !d->value.IsString()) {
      return Status(ErrorCode::kNotFound, "expected a \"data_hex\" string")
          .WithField(field + ".data_hex");
    }
    Result<std::vector<uint8_t>> data =
        FromHex(std::string_view(d->value.GetString(), d->value.GetStringLength()));
    if (!data.ok()) return data.status().WithField(field + ".data_hex");
    for (HashAlg alg : kAllHashAlgs) {
      std::string name(HashAlgName(alg));
      auto m = ev.FindMember(name.c_str());
      if (m == ev.MemberEnd()) continue;
      if (!m->value.IsString() || !crypto::HashAlgAvailable(alg)) {
        return Status(ErrorCode::kBadValue, "expected a hex digest string")
            .WithField(field + "." + name);
      }
      std::string want = ToHex(h.Hash(alg, *data).span());
      std::string got(m->value.GetString(), m->value.GetStringLength());
      std::transform(got.begin(), got.end(), got.begin(),
                     [](char c) { return char(std::tolower(static_cast<unsigned char>(c))); });
      if (got != want) {
        return Status(ErrorCode::kBadValue, "digest is not " + name + "(data_hex) = " + want)
            .WithField(field + "." + name);
      }
    }
    out.push_back(std::move(*data));
  }
  return out;
}

}  // namespace ccv::containers
