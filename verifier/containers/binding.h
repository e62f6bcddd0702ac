// Container binding of a quote: which REPORTDATA the CC-API CIMA agent puts
// in a quote it gets for a container, and the check that a quote's
// REPORTDATA binds a unit's virtual IMR 3.
//
// CIMA GetCcReport(container_id, nonce, user_data) with container isolation
// replaces the nonce by IMR3 || nonce (service/cima-server/src/agent.rs
// get_cc_report); the VM SDK sets REPORTDATA = SHA-512(nonce || user_data)
// (cc-trusted-vmsdk src/rust/cctrusted_vm/src/cvm.rs), an absent part
// contributing nothing. Hence, for an isolated container with a nonce:
//   REPORTDATA = SHA-512(container IMR3 || nonce || user_data).
// Without a nonce the agent does not add the register (SHA-512(user_data));
// without isolation it passes the nonce on (SHA-512(nonce || user_data)):
// in both cases the quote does not bind the container.
//
// The quote's signature is not checked here (ccverify quote verify does).
//
// Thread safety: pure functions.
#ifndef CCV_VERIFIER_CONTAINERS_BINDING_H_
#define CCV_VERIFIER_CONTAINERS_BINDING_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/hash_alg.h"
#include "verifier/containers/container_view.h"

namespace ccv::containers {

using ReportData = std::array<uint8_t, 64>;

// SHA-512(imr3 || nonce || user_data): what the agent's quote carries.
ReportData ContainerReportData(std::span<const uint8_t> imr3, std::span<const uint8_t> nonce,
                               std::span<const uint8_t> user_data);

enum class BindingStatus : uint8_t {
  kBound,        // REPORTDATA = SHA-512(IMR3 || nonce || user_data)
  kNoNonce,      // no nonce given: the agent does not bind the register
  kNotIsolated,  // REPORTDATA = SHA-512(nonce || user_data): register left out
  kMismatch,     // none of the forms
  kNoUnit,       // the ID names no unit, or more than one (ContainerView::Find)
};
// "bound", "no_nonce", "not_isolated", "mismatch", "no_unit".
const char* BindingStatusName(BindingStatus s);

struct BindingCheck {
  BindingStatus status = BindingStatus::kMismatch;
  std::string expected;  // hex of SHA-512(IMR3 || nonce || user_data) ("" without nonce)
  std::string actual;    // hex of the REPORTDATA
  std::string detail;
  bool ok() const { return status == BindingStatus::kBound; }
};

// Checks `report_data` against the unit register `imr3`. `nonce` absent:
// kNoNonce (fail closed), whatever REPORTDATA holds.
BindingCheck CheckContainerBinding(const ReportData& report_data, const Digest& imr3,
                                   const std::optional<std::vector<uint8_t>>& nonce,
                                   const std::vector<uint8_t>& user_data);

// Looks `id` up with ContainerView::Find and checks `report_data` against
// that unit's register. An ID that names no unit, or more than one (two
// units claiming one pod UID or container ID), gives kNoUnit with Find's
// reason. *out_unit (if given) is the unit checked, or null.
BindingCheck CheckContainerBindingFor(const ContainerView& view, std::string_view id,
                                      const ReportData& report_data,
                                      const std::optional<std::vector<uint8_t>>& nonce,
                                      const std::vector<uint8_t>& user_data,
                                      const ContainerUnit** out_unit = nullptr);

// The units of `view` whose register REPORTDATA binds with this nonce and
// user data (normally zero or one). A unit whose ID names more than one unit
// (ContainerView::Find fails for it) is never returned.
std::vector<const ContainerUnit*> FindBoundUnits(const ContainerView& view,
                                                 const ReportData& report_data,
                                                 std::span<const uint8_t> nonce,
                                                 std::span<const uint8_t> user_data);

// A binding check asked for (ccverify containers --report-data/--quote):
// the REPORTDATA, the nonce and user data given to GetCcReport, and the unit
// it should bind ("" = whichever unit REPORTDATA binds).
struct BindingRequest {
  bool requested = false;
  std::string container;
  ReportData report_data{};
  std::optional<std::vector<uint8_t>> nonce;
  std::vector<uint8_t> user_data;
};

struct BindingOutcome {
  bool requested = false;
  std::string unit_id;  // the unit checked, or "" if none was found
  BindingCheck check;
  std::vector<std::string> bound_units;  // units that REPORTDATA binds
  bool ok = false;
};

// Checks the request against `view`: the named unit, else the one unit
// REPORTDATA binds. No such unit, or more than one bound: not ok, with the
// reason in check.detail.
BindingOutcome EvaluateBinding(const ContainerView& view, const BindingRequest& request);

}  // namespace ccv::containers

#endif  // CCV_VERIFIER_CONTAINERS_BINDING_H_
