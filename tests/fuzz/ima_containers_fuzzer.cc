// libFuzzer harness: the container view of an ima-cgpath list (cc-api CIMA).
//
// The input is an IMA list, ascii or binary as ima::DetectLogFormat (the
// verifier's own detection) tells from its first bytes. On top of "no crash" it checks the view's
// bookkeeping (every entry counted once, unit and container record counts
// and references agree, each unit's virtual IMR 3 recomputes from its
// records), the cgroup identity of every cg-path (and of the raw input as a
// cg-path: IdentifyCgroupPath takes any string) and the quote binding with
// REPORTDATA derived from the input.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fuzz/fuzz_util.h"
#include "verifier/containers/binding.h"
#include "verifier/containers/cgroup_identity.h"
#include "verifier/containers/container_view.h"
#include "verifier/crypto/digest.h"

namespace ccv::fuzz {
namespace {

using containers::CgroupIdentity;
using containers::ContainerView;

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Properties of any identity, whatever the path.
void CheckIdentity(std::string_view cg, const CgroupIdentity& id) {
  bool rule = cg.find("kubepods.slice") != std::string_view::npos ||
              cg.find("system.slice/docker-") != std::string_view::npos;
  CCV_FUZZ_CHECK(id.container == rule);
  if (!id.container) {
    CCV_FUZZ_CHECK(id.cima_id.empty() && id.ambiguity.empty());
  } else if (!id.ambiguity.empty()) {
    // An ambiguous path names no unit, whatever CIMA would key it on.
    CCV_FUZZ_CHECK(id.cima_id.empty() && id.pod_uid.empty() && id.container_id.empty() &&
                   id.runtime.empty() && id.kind.empty());
  } else {
    CCV_FUZZ_CHECK(id.cima_id == containers::CimaContainerId(cg));
  }
  CCV_FUZZ_CHECK(id.kind.empty() == id.cima_id.empty());
  CCV_FUZZ_CHECK(id.kind.empty() || id.kind == "pod" || id.kind == "container");
  if (!id.container_id.empty()) {
    CCV_FUZZ_CHECK(id.container_id.size() == 64 && IsLowerHex(id.container_id));
  }
  if (!id.pod_uid.empty()) {
    // Canonical form: 32 or 36 characters, lowercase, '-' not '_'; the
    // round trip through the cgroup form gives it back.
    CCV_FUZZ_CHECK(id.pod_uid.size() == 32 || id.pod_uid.size() == 36);
    CCV_FUZZ_CHECK(id.pod_uid.find('_') == std::string::npos);
    std::string cg_form = containers::PodUidToCgroupForm(id.pod_uid);
    CCV_FUZZ_CHECK(cg_form.find('-') == std::string::npos);
    CCV_FUZZ_CHECK(containers::PodUidFromCgroupForm(cg_form) == id.pod_uid);
  }
}

void CheckView(const ContainerView& view) {
  CCV_FUZZ_CHECK(view.hashes_verified + view.hashes_mismatched + view.violations == view.entries);
  uint64_t unit_records = 0;
  for (size_t ui = 0; ui < view.units.size(); ++ui) {
    const containers::ContainerUnit& u = view.units[ui];
    CCV_FUZZ_CHECK(!u.id.empty());
    CCV_FUZZ_CHECK(u.kind == "pod" || u.kind == "container");
    CCV_FUZZ_CHECK(u.records > 0);
    CCV_FUZZ_CHECK(u.first_record <= u.last_record);
    CCV_FUZZ_CHECK(u.violations <= u.records && u.hashes_mismatched <= u.records);
    CCV_FUZZ_CHECK(u.record_refs.size() == u.records);
    unit_records += u.records;
    uint64_t container_records = 0;
    for (const containers::ContainerInfo& c : u.containers) {
      CCV_FUZZ_CHECK(c.records > 0 && c.record_refs.size() == c.records);
      container_records += c.records;
    }
    CCV_FUZZ_CHECK(container_records == u.records);
    // Units are keyed by their CIMA ID: Find gives this unit for it, or
    // nothing when another unit claims the same ID as a pod UID or a
    // container ID (an ID two units claim names neither); no two units
    // share a CIMA ID.
    std::string why;
    const containers::ContainerUnit* found = view.Find(u.id, nullptr, &why);
    CCV_FUZZ_CHECK(found == &u || (found == nullptr && why.find(" units (") != std::string::npos));
    for (size_t k = 0; k < ui; ++k) CCV_FUZZ_CHECK(view.units[k].id != u.id);

    // The virtual IMR 3, recomputed from the unit's records.
    Digest imr3 = view.initial;
    uint64_t prev = 0;
    for (size_t n = 0; n < u.record_refs.size(); ++n) {
      CCV_FUZZ_CHECK(u.record_refs[n] < view.records.size());
      const containers::ContainerRecord& r = view.records[u.record_refs[n]];
      CCV_FUZZ_CHECK(r.unit == ui && r.container < u.containers.size());
      CCV_FUZZ_CHECK(n == 0 || r.index > prev);
      prev = r.index;
      crypto::Extend(&imr3, r.template_hash.span());
    }
    CCV_FUZZ_CHECK(imr3 == u.virtual_imr3);
  }
  // Every entry is a unit's, the host's, or an unattributed container's.
  CCV_FUZZ_CHECK(unit_records + view.unattributed_records + view.host_records == view.entries);
  CCV_FUZZ_CHECK(unit_records + view.unattributed_records <= view.cgpath_entries);
  CCV_FUZZ_CHECK(view.records.size() == unit_records);

  for (const containers::ContainerRecord& r : view.records) {
    CgroupIdentity id = containers::IdentifyCgroupPath(r.cgroup_path);
    CheckIdentity(r.cgroup_path, id);
    CCV_FUZZ_CHECK(id.cima_id == view.units[r.unit].id);
    const containers::ContainerInfo& c = view.units[r.unit].containers[r.container];
    CCV_FUZZ_CHECK(c.id == (id.container_id.empty() ? r.cgroup_path : id.container_id));
  }
}

// Binding of each unit's register with a nonce and user data taken from the
// input; REPORTDATA both as the agent computes it (must bind, and find that
// unit) and as the input's last 64 bytes (a bound result must be exact).
void CheckBinding(const ContainerView& view, Bytes in) {
  size_t n = std::min<size_t>(in.size(), 16);
  std::vector<uint8_t> nonce(in.begin(), in.begin() + n);
  std::vector<uint8_t> user(in.begin() + n, in.begin() + std::min<size_t>(in.size(), 2 * n));
  containers::ReportData raw{};
  size_t tail = std::min<size_t>(in.size(), raw.size());
  std::copy(in.end() - tail, in.end(), raw.begin());

  for (size_t ui = 0; ui < view.units.size() && ui < 4; ++ui) {
    const containers::ContainerUnit& u = view.units[ui];
    containers::ReportData rd = containers::ContainerReportData(u.virtual_imr3.span(), nonce, user);
    auto check = containers::CheckContainerBinding(rd, u.virtual_imr3, nonce, user);
    CCV_FUZZ_CHECK(check.status == containers::BindingStatus::kBound && check.ok());
    CCV_FUZZ_CHECK(check.expected == check.actual);
    auto no_nonce = containers::CheckContainerBinding(rd, u.virtual_imr3, std::nullopt, user);
    CCV_FUZZ_CHECK(no_nonce.status == containers::BindingStatus::kNoNonce && !no_nonce.ok());
    auto bound = containers::FindBoundUnits(view, rd, nonce, user);
    // Found unless its ID also names another unit (then it names none).
    CCV_FUZZ_CHECK((std::find(bound.begin(), bound.end(), &u) != bound.end()) ==
                   (view.Find(u.id) == &u));
    for (const containers::ContainerUnit* b : bound) {
      CCV_FUZZ_CHECK(b->virtual_imr3 == u.virtual_imr3);
    }

    auto other = containers::CheckContainerBinding(raw, u.virtual_imr3, nonce, user);
    if (other.ok()) CCV_FUZZ_CHECK(raw == rd);
    CCV_FUZZ_CHECK(containers::BindingStatusName(other.status) != nullptr);
  }
  for (const containers::ContainerUnit* b : containers::FindBoundUnits(view, raw, nonce, user)) {
    CCV_FUZZ_CHECK(containers::ContainerReportData(b->virtual_imr3.span(), nonce, user) == raw);
  }
}

}  // namespace
}  // namespace ccv::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ccv;
  Bytes in = fuzz::AsInput(data, size);

  // Any string is a cg-path.
  std::string_view text = fuzz::AsText(data, size);
  fuzz::CheckIdentity(text, containers::IdentifyCgroupPath(text));

  ima::ReadOptions read;
  read.format = ima::DetectLogFormat(in);
  // Small first buffer: no 1 MiB allocation per input, and growth is fuzzed.
  read.initial_buffer = 4096;
  containers::ContainerViewOptions options;
  options.max_findings = 8;
  // One system event for some inputs (by the last byte), so that the unit
  // registers start from a non-zero value.
  if (size > 0 && data[size - 1] % 4 == 0) {
    options.system_events.emplace_back(in.end() - std::min<size_t>(size, 24), in.end());
  }
  auto view = containers::BuildContainerViewBytes(in, read, options);
  if (!view.ok()) {
    fuzz::CheckParseStatus(view.status());
    return 0;
  }
  if (view->entries > 0) {
    CCV_FUZZ_CHECK(view->initial ==
                   containers::SystemMeasurement(view->alg, options.system_events));
  }
  CCV_FUZZ_CHECK(view->findings.size() <= options.max_findings);
  fuzz::CheckView(*view);
  fuzz::CheckBinding(*view, in);
  return 0;
}
