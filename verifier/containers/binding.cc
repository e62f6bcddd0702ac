#include "verifier/containers/binding.h"

#include <algorithm>

#include "parsers/core/hex.h"
#include "verifier/crypto/digest.h"

namespace ccv::containers {
namespace {

ReportData Sha512Of(std::span<const std::span<const uint8_t>> parts) {
  crypto::Hasher h;
  h.Init(HashAlg::kSha512);
  for (std::span<const uint8_t> p : parts) h.Update(p);
  Digest d = h.Final();
  ReportData out{};
  std::copy_n(d.bytes.begin(), out.size(), out.begin());
  return out;
}

}  // namespace

ReportData ContainerReportData(std::span<const uint8_t> imr3, std::span<const uint8_t> nonce,
                               std::span<const uint8_t> user_data) {
  std::span<const uint8_t> parts[] = {imr3, nonce, user_data};
  return Sha512Of(parts);
}

const char* BindingStatusName(BindingStatus s) {
  switch (s) {
    case BindingStatus::kBound:
      return "bound";
    case BindingStatus::kNoNonce:
      return "no_nonce";
    case BindingStatus::kNotIsolated:
      return "not_isolated";
    case BindingStatus::kMismatch:
      return "mismatch";
    case BindingStatus::kNoUnit:
      return "no_unit";
  }
  return "mismatch";
}

BindingCheck CheckContainerBinding(const ReportData& report_data, const Digest& imr3,
                                   const std::optional<std::vector<uint8_t>>& nonce,
                                   const std::vector<uint8_t>& user_data) {
  BindingCheck c;
  c.actual = ToHex(report_data);
  if (!nonce.has_value()) {
    c.status = BindingStatus::kNoNonce;
    std::span<const uint8_t> parts[] = {user_data};
    bool plain = Sha512Of(parts) == report_data;
    c.detail = std::string("no nonce: the agent does not bind the container register") +
               (plain ? " (REPORTDATA = SHA-512(user_data))" : "");
    return c;
  }
  ReportData want = ContainerReportData(imr3.span(), *nonce, user_data);
  c.expected = ToHex(want);
  if (want == report_data) {
    c.status = BindingStatus::kBound;
    c.detail = "REPORTDATA = SHA-512(virtual IMR3 || nonce || user_data)";
    return c;
  }
  std::span<const uint8_t> parts[] = {*nonce, user_data};
  if (Sha512Of(parts) == report_data) {
    c.status = BindingStatus::kNotIsolated;
    c.detail =
        "REPORTDATA = SHA-512(nonce || user_data): the container register is not bound "
        "(agent without container isolation)";
    return c;
  }
  c.status = BindingStatus::kMismatch;
  c.detail = "REPORTDATA is not SHA-512(virtual IMR3 || nonce || user_data) for this container";
  return c;
}

BindingCheck CheckContainerBindingFor(const ContainerView& view, std::string_view id,
                                      const ReportData& report_data,
                                      const std::optional<std::vector<uint8_t>>& nonce,
                                      const std::vector<uint8_t>& user_data,
                                      const ContainerUnit** out_unit) {
  if (out_unit != nullptr) *out_unit = nullptr;
  std::string why;
  const ContainerUnit* unit = view.Find(id, nullptr, &why);
  if (unit == nullptr) {
    BindingCheck c;
    c.status = BindingStatus::kNoUnit;
    c.actual = ToHex(report_data);
    c.detail = why;
    return c;
  }
  if (out_unit != nullptr) *out_unit = unit;
  return CheckContainerBinding(report_data, unit->virtual_imr3, nonce, user_data);
}

std::vector<const ContainerUnit*> FindBoundUnits(const ContainerView& view,
                                                 const ReportData& report_data,
                                                 std::span<const uint8_t> nonce,
                                                 std::span<const uint8_t> user_data) {
  std::vector<const ContainerUnit*> out;
  for (const ContainerUnit& u : view.units) {
    // A unit whose own ID also names another unit is no answer: the ID
    // would not tell a reader which register was bound.
    if (view.Find(u.id) != &u) continue;
    if (ContainerReportData(u.virtual_imr3.span(), nonce, user_data) == report_data) {
      out.push_back(&u);
    }
  }
  return out;
}

BindingOutcome EvaluateBinding(const ContainerView& view, const BindingRequest& request) {
  BindingOutcome out;
  out.requested = request.requested;
  if (!request.requested) return out;
  static const std::vector<uint8_t> kNoBytes;
  const std::vector<uint8_t>& nonce = request.nonce ? *request.nonce : kNoBytes;
  for (const ContainerUnit* u :
       FindBoundUnits(view, request.report_data, nonce, request.user_data)) {
    out.bound_units.push_back(u->id);
  }
  const ContainerUnit* unit = nullptr;
  if (!request.container.empty()) {
    unit = view.Find(request.container);
    if (unit == nullptr) {
      out.check.actual = ToHex(request.report_data);
      out.check.detail = "no container or pod '" + request.container + "' in the list";
      return out;
    }
  } else if (out.bound_units.size() == 1) {
    unit = view.Find(out.bound_units[0]);
  } else {
    out.check.actual = ToHex(request.report_data);
    out.check.detail = out.bound_units.empty() ? "REPORTDATA binds no container of the list"
                                               : "REPORTDATA binds more than one container";
    return out;
  }
  out.unit_id = unit->id;
  out.check = CheckContainerBinding(request.report_data, unit->virtual_imr3, request.nonce,
                                    request.user_data);
  out.ok = out.check.ok();
  return out;
}

}  // namespace ccv::containers
