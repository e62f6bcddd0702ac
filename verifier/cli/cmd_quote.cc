#include "verifier/cli/cmd_quote.h"

#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "parsers/core/file_io.h"
#include "parsers/core/time.h"
#include "parsers/td_report.h"
#include "parsers/tdx_quote.h"
#include "verifier/cli/command_line.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/collateral/cache.h"
#include "verifier/crypto/x509.h"
#include "verifier/quote/collateral.h"
#include "verifier/quote/quote_verifier.h"
#include "verifier/report/quote_json.h"

namespace ccv::cli {

namespace po = boost::program_options;

namespace {

constexpr const char* kQuoteVerifyUsage =
    "usage: ccverify quote verify QUOTE (--collateral F | --collateral-cache DIR) [--at T]\n"
    "                             [--root-ca PEM] [--pck-chain F] [--accept-tcb S,...]\n"
    "                             [--what-if-collateral F [--what-if-at T]] [--json]\n"
    "  --collateral F   collateral JSON (QuoteCollateralV3 layout)\n"
    "  --collateral-cache DIR  take the quote's collateral from this cache (collateral fetch)\n"
    "  --at T           verification time, RFC 3339 (default: now)\n"
    "  --root-ca PEM    trust anchor replacing the embedded Intel SGX Root CA\n"
    "  --pck-chain F    PEM PCK chain (leaf, CA[, root]) for a quote whose certification\n"
    "                   data holds none (types 1-4); must equal a chain the quote holds\n"
    "  --accept-tcb S   comma-separated TCB statuses that pass (default: UpToDate)\n"
    "  --what-if-collateral F  also evaluate the quote against another collateral set (e.g.\n"
    "                   Intel's early TCB evaluation set, or next month's); the exit code\n"
    "                   stays that of --collateral\n"
    "  --what-if-at T   verification time for --what-if-collateral (default: --at)\n"
    "  --json           print the result as JSON\n";

constexpr CommandHelp kHelp{"quote verify", kQuoteVerifyUsage};

int Usage(const std::string& message) { return UsageError(kHelp, message); }

void Print(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }

// Reads, parses and verifies the collateral file `path` at `at`.
Result<quote::PreparedCollateral> PrepareCollateralFile(const std::string& path,
                                                        const std::optional<std::string>& root_pem,
                                                        Time at) {
  CCV_ASSIGN_OR_RETURN(std::string text, ReadFileText(path, 16 << 20));
  auto collateral = quote::ParseCollateralJson(text);
  if (!collateral.ok()) return collateral.status().WithFile(path);
  auto anchor = root_pem ? quote::LoadTrustAnchor(*root_pem) : quote::LoadTrustAnchor();
  if (!anchor.ok()) return anchor.status();
  auto prepared = quote::PrepareCollateral(*collateral, std::move(*anchor), at);
  if (!prepared.ok()) return prepared.status().WithFile(path);
  return prepared;
}

}  // namespace

int RunQuoteVerify(const Args& args) {
  po::options_description opts;
  opts.add_options()("help,h", "")("quote", po::value<std::string>(), "")(
      "collateral", po::value<std::string>(), "")("collateral-cache", po::value<std::string>(), "")(
      "at", po::value<std::string>(), "")("root-ca", po::value<std::string>(), "")(
      "pck-chain", po::value<std::string>(), "")("accept-tcb", po::value<std::string>(), "")(
      "what-if-collateral", po::value<std::string>(), "")("what-if-at", po::value<std::string>(),
                                                          "")("json", po::bool_switch(), "");
  const auto pos = OnePositional("quote");
  po::variables_map vm;
  if (auto done = ParseCommandLine(args, kHelp, opts, &vm, &pos)) return *done;
  if (!vm.count("quote")) return Usage("missing QUOTE");
  if (!vm.count("collateral") && !vm.count("collateral-cache")) {
    return Usage("missing --collateral (or --collateral-cache)");
  }
  Time at = TimeNow();
  if (vm.count("at")) {
    auto t = ParseRfc3339Time(vm["at"].as<std::string>());
    if (!t.ok()) return Usage("--at: " + t.status().message());
    at = *t;
  }
  if (vm.count("what-if-at") && !vm.count("what-if-collateral")) {
    return Usage("--what-if-at needs --what-if-collateral");
  }
  Time what_if_at = at;
  if (vm.count("what-if-at")) {
    auto t = ParseRfc3339Time(vm["what-if-at"].as<std::string>());
    if (!t.ok()) return Usage("--what-if-at: " + t.status().message());
    what_if_at = *t;
  }
  quote::VerifyOptions options;
  if (vm.count("accept-tcb")) {
    options.accept_tcb.clear();
    std::string list = vm["accept-tcb"].as<std::string>();
    size_t start = 0;
    while (start <= list.size()) {
      size_t end = list.find(',', start);
      if (end == std::string::npos) end = list.size();
      std::string name = list.substr(start, end - start);
      auto s = quote::TcbStatusFromName(name);
      if (!s) return Usage("--accept-tcb: unknown TCB status '" + name + "'");
      options.accept_tcb.push_back(*s);
      start = end + 1;
    }
  }
  bool json = vm["json"].as<bool>();

  const std::string quote_path = vm["quote"].as<std::string>();
  auto quote_bytes = ReadFileBytes(quote_path, 1 << 20);
  if (!quote_bytes.ok()) return ReportError(quote_bytes.status());
  if (vm.count("pck-chain")) {
    auto chain = quote::ReadSuppliedPckChainFile(vm["pck-chain"].as<std::string>());
    if (!chain.ok()) return ReportError(chain.status());
    options.pck_chain = std::move(*chain);
  }
  std::string coll_path;
  if (vm.count("collateral")) {
    coll_path = vm["collateral"].as<std::string>();
  } else {
    auto cached =
        collateral::CachedCollateralPath(vm["collateral-cache"].as<std::string>(), *quote_bytes,
                                         options.pck_chain ? &*options.pck_chain : nullptr);
    if (!cached.ok()) return ReportError(cached.status());
    coll_path = std::move(*cached);
  }
  std::optional<std::string> root_pem;
  if (vm.count("root-ca")) {
    auto pem = ReadFileText(vm["root-ca"].as<std::string>(), 1 << 20);
    if (!pem.ok()) return ReportError(pem.status());
    root_pem = std::move(*pem);
  }
  auto prepared = PrepareCollateralFile(coll_path, root_pem, at);
  if (!prepared.ok()) return ReportError(prepared.status());
  auto v = quote::VerifyQuote(*quote_bytes, *prepared, options);
  if (!v.ok()) return ReportError(v.status().WithFile(quote_path));
  if (!vm.count("what-if-collateral")) {
    Print(json ? report::QuoteVerificationToJson(*v) : report::QuoteVerificationToText(*v));
    return v->pass ? kExitTrusted : kExitUntrusted;
  }
  // The same quote under the other collateral set: reported, never the
  // verdict.
  const std::string what_if_path = vm["what-if-collateral"].as<std::string>();
  auto what_if_prepared = PrepareCollateralFile(what_if_path, root_pem, what_if_at);
  if (!what_if_prepared.ok()) return ReportError(what_if_prepared.status());
  auto w = quote::VerifyQuote(*quote_bytes, *what_if_prepared, options);
  if (!w.ok()) return ReportError(w.status().WithFile(quote_path));
  const report::WhatIf what_if{what_if_path, &*w};
  Print(json ? report::QuoteVerificationToJson(*v, &what_if)
             : report::QuoteVerificationToText(*v, &what_if));
  return v->pass ? kExitTrusted : kExitUntrusted;
}

bool LooksLikeQuoteOrTdReport(Bytes data) {
  return parsers::LooksLikeQuote(data) || parsers::LooksLikeTdReport(data);
}

int DumpQuoteBytes(Bytes data, const std::string& name, bool json) {
  if (parsers::LooksLikeTdReport(data) && !parsers::LooksLikeQuote(data)) {
    auto t = parsers::ParseTdReport(data);
    if (!t.ok()) return ReportError(t.status().WithFile(name));
    Print(json ? report::TdReportDumpJson(*t) : report::TdReportDumpText(*t));
    return kExitTrusted;
  }
  auto anchor = quote::LoadTrustAnchor();
  if (!anchor.ok()) return ReportError(anchor.status());
  auto v = quote::VerifyQuoteWithoutCollateral(data, *anchor, int64_t(std::time(nullptr)));
  if (!v.ok()) return ReportError(v.status().WithFile(name));
  Print(json ? report::QuoteDumpJson(*v) : report::QuoteDumpText(*v));
  return kExitTrusted;
}

int DumpQuoteFile(const std::string& path, bool json) {
  auto data = ReadFileBytes(path, 1 << 20);
  if (!data.ok()) return ReportError(data.status());
  return DumpQuoteBytes(*data, path, json);
}

}  // namespace ccv::cli
