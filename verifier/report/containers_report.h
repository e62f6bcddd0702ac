// `ccverify containers` output: the per-pod and per-container view of an
// ima-cgpath list and a binding check, as text or one JSON document
// (docs/json.md). Thread safety: pure functions.
#ifndef CCV_VERIFIER_REPORT_CONTAINERS_REPORT_H_
#define CCV_VERIFIER_REPORT_CONTAINERS_REPORT_H_

#include <string>

#include "verifier/containers/binding.h"
#include "verifier/containers/container_view.h"

namespace ccv::report {

std::string ContainersReportText(const containers::ContainerView& view,
                                 const containers::BindingOutcome& binding);
// Pretty-printed (indent 1), ending in a newline.
std::string ContainersReportJson(const containers::ContainerView& view,
                                 const containers::BindingOutcome& binding);

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_CONTAINERS_REPORT_H_
