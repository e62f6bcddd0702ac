// The Python extension ccverify._ccverify: the public C++ API
// (include/ccverify/ccverify.h) with Python arguments. Each function returns
// (status, error, json): the command's exit code, its error message when the
// inputs could not be evaluated, and its JSON report. The package
// (ccverify/__init__.py) turns these into a dict or an exception.
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "ccverify/ccverify.h"

namespace py = pybind11;

namespace {

using Opt = std::optional<std::string>;
using Outcome = std::tuple<int, std::string, std::string>;

Outcome Of(const ccverify::Result& r) { return {static_cast<int>(r.status), r.error, r.json}; }

// The evidence files VerifyOptions and ReplayOptions both name.
template <typename Options>
void SetLogs(Options* o, Opt quote, Opt ccel, Opt ima, Opt ima_register, Opt tpm_log, Opt cel,
             Opt dstack_log) {
  o->quote = std::move(quote);
  o->ccel = std::move(ccel);
  o->ima = std::move(ima);
  o->ima_register = std::move(ima_register);
  o->tpm_log = std::move(tpm_log);
  o->cel = std::move(cel);
  o->dstack_log = std::move(dstack_log);
}

Outcome Verify(const std::string& bundle, Opt policy, Opt at, Opt root_ca, Opt collateral,
               Opt pck_chain, Opt nonce, Opt user_data, Opt report_data, Opt quote, Opt ccel,
               Opt ccel_table, Opt ima, Opt ima_register, Opt tpm_log, Opt cel, Opt dstack_log) {
  ccverify::VerifyOptions o;
  o.bundle_dir = bundle;
  o.policy = std::move(policy);
  o.at = std::move(at);
  o.root_ca = std::move(root_ca);
  o.collateral = std::move(collateral);
  o.pck_chain = std::move(pck_chain);
  o.nonce_hex = std::move(nonce);
  o.user_data_hex = std::move(user_data);
  o.report_data_hex = std::move(report_data);
  o.ccel_table = std::move(ccel_table);
  SetLogs(&o, std::move(quote), std::move(ccel), std::move(ima), std::move(ima_register),
          std::move(tpm_log), std::move(cel), std::move(dstack_log));
  py::gil_scoped_release release;
  return Of(ccverify::Verify(o));
}

Outcome Replay(Opt ccel, Opt tpm_log, Opt ima, Opt ima_register, Opt cel, Opt dstack_log,
               Opt quote) {
  ccverify::ReplayOptions o;
  SetLogs(&o, std::move(quote), std::move(ccel), std::move(ima), std::move(ima_register),
          std::move(tpm_log), std::move(cel), std::move(dstack_log));
  py::gil_scoped_release release;
  return Of(ccverify::Replay(o));
}

Outcome VerifyQuote(const std::string& quote, const std::string& collateral, Opt at, Opt root_ca,
                    Opt pck_chain, std::vector<std::string> accept_tcb) {
  ccverify::QuoteOptions o;
  o.quote = quote;
  o.collateral = collateral;
  o.at = std::move(at);
  o.root_ca = std::move(root_ca);
  o.pck_chain = std::move(pck_chain);
  o.accept_tcb = std::move(accept_tcb);
  py::gil_scoped_release release;
  return Of(ccverify::VerifyQuote(o));
}

}  // namespace

PYBIND11_MODULE(_ccverify, m) {
  m.doc() = "ccverify's C++ API (docs/api.md); use the ccverify package";
  m.attr("__version__") = ccverify::Version();
  py::none n;
  m.def("verify", &Verify, py::arg("bundle") = "", py::arg("policy") = n, py::arg("at") = n,
        py::arg("root_ca") = n, py::arg("collateral") = n, py::arg("pck_chain") = n,
        py::arg("nonce") = n, py::arg("user_data") = n, py::arg("report_data") = n,
        py::arg("quote") = n, py::arg("ccel") = n, py::arg("ccel_table") = n, py::arg("ima") = n,
        py::arg("ima_register") = n, py::arg("tpm_log") = n, py::arg("cel") = n,
        py::arg("dstack_log") = n);
  m.def("replay", &Replay, py::arg("ccel") = n, py::arg("tpm_log") = n, py::arg("ima") = n,
        py::arg("ima_register") = n, py::arg("cel") = n, py::arg("dstack_log") = n,
        py::arg("quote") = n);
  m.def("verify_quote", &VerifyQuote, py::arg("quote"), py::arg("collateral"), py::arg("at") = n,
        py::arg("root_ca") = n, py::arg("pck_chain") = n,
        py::arg("accept_tcb") = std::vector<std::string>{});
}
