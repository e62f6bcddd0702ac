#include "verifier/cli/cmd_collateral.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include <boost/program_options.hpp>

#include "parsers/core/file_io.h"
#include "parsers/core/time.h"
#include "verifier/cli/command_line.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/collateral/collateral_key.h"
#include "verifier/collateral/curl_http_client.h"
#include "verifier/collateral/obtain.h"
#include "verifier/collateral/pcs_url.h"
#include "verifier/crypto/x509.h"
#include "verifier/quote/collateral.h"
#include "verifier/quote/pck_chain_source.h"

namespace ccv::cli {

namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "usage: ccverify collateral fetch --quote Q [--pccs-url URL | --pcs-url URL] [--out F]\n"
    "                                 [--cache DIR] [--root-ca PEM] [--at T] [--pck-chain F]\n"
    "                                 [--connect-timeout S] [--timeout S]\n"
    "  --quote Q            DCAP quote whose TEE, FMSPC and PCK CA select the collateral\n"
    "  --pck-chain F        PEM PCK chain of a quote that carries none (certification data 1-4)\n"
    "  --pccs-url URL       a PCCS (API v4), e.g. https://localhost:8081\n"
    "  --pcs-url URL        Intel PCS (default https://api.trustedservices.intel.com)\n"
    "  --out F              write the collateral JSON to F (default: stdout, unless --cache)\n"
    "  --cache DIR          reuse DIR's entry until its nextUpdate; store what was fetched\n"
    "  --root-ca PEM        trust anchor replacing the embedded Intel SGX Root CA\n"
    "  --at T               verification time and cache clock, RFC 3339 (default: now)\n"
    "  --connect-timeout S  seconds to connect, per request (default 10)\n"
    "  --timeout S          seconds per request in all (default 60)\n";

constexpr CommandHelp kHelp{"collateral fetch", kUsage};

int Usage(const std::string& message) { return UsageError(kHelp, message); }

// Seconds in (0, 86400] as milliseconds, or nullopt.
std::optional<std::chrono::milliseconds> Seconds(double s) {
  if (!std::isfinite(s) || s <= 0 || s > 86400) return std::nullopt;
  return std::chrono::milliseconds(std::max<long long>(1, std::llround(s * 1000)));
}

}  // namespace

int RunCollateralFetch(const Args& args) {
  po::options_description opts;
  opts.add_options()("help,h", "")("quote", po::value<std::string>(), "")(
      "pccs-url", po::value<std::string>(), "")("pcs-url", po::value<std::string>(), "")(
      "out", po::value<std::string>(), "")("cache", po::value<std::string>(), "")(
      "root-ca", po::value<std::string>(), "")("at", po::value<std::string>(), "")(
      "pck-chain", po::value<std::string>(), "")("connect-timeout",
                                                 po::value<double>()->default_value(10), "")(
      "timeout", po::value<double>()->default_value(60), "");
  po::variables_map vm;
  if (auto done = ParseCommandLine(args, kHelp, opts, &vm)) return *done;
  if (!vm.count("quote")) return Usage("missing --quote");
  if (vm.count("pccs-url") && vm.count("pcs-url")) {
    return Usage("--pccs-url and --pcs-url exclude each other");
  }
  collateral::ObtainRequest req;
  auto service =
      vm.count("pccs-url")
          ? collateral::MakeService(collateral::ServiceKind::kPccs,
                                    vm["pccs-url"].as<std::string>())
          : collateral::MakeService(collateral::ServiceKind::kPcs,
                                    vm.count("pcs-url") ? vm["pcs-url"].as<std::string>()
                                                        : std::string(collateral::kIntelPcsUrl));
  if (!service.ok()) return Usage(service.status().message());
  req.service = std::move(*service);
  collateral::HttpOptions http;
  auto connect = Seconds(vm["connect-timeout"].as<double>());
  auto total = Seconds(vm["timeout"].as<double>());
  if (!connect) return Usage("--connect-timeout: expected seconds in (0, 86400]");
  if (!total) return Usage("--timeout: expected seconds in (0, 86400]");
  http.connect_timeout = *connect;
  http.total_timeout = *total;
  req.at = TimeNow();
  if (vm.count("at")) {
    auto t = ParseRfc3339Time(vm["at"].as<std::string>());
    if (!t.ok()) return Usage("--at: " + t.status().message());
    req.at = *t;
  }
  if (vm.count("cache")) req.cache_dir = vm["cache"].as<std::string>();
  if (vm.count("root-ca")) {
    auto pem = ReadFileText(vm["root-ca"].as<std::string>(), 1 << 20);
    if (!pem.ok()) return ReportError(pem.status());
    req.root_ca_pem = std::move(*pem);
  }
  const std::string quote_path = vm["quote"].as<std::string>();
  auto quote_bytes = ReadFileBytes(quote_path, 1 << 20);
  if (!quote_bytes.ok()) return ReportError(quote_bytes.status());
  std::optional<quote::SuppliedPckChain> pck_chain;
  if (vm.count("pck-chain")) {
    auto chain = quote::ReadSuppliedPckChainFile(vm["pck-chain"].as<std::string>());
    if (!chain.ok()) return ReportError(chain.status());
    pck_chain = std::move(*chain);
  }
  auto key = collateral::CollateralKeyFromQuote(*quote_bytes, pck_chain ? &*pck_chain : nullptr);
  if (!key.ok()) return ReportError(key.status().WithFile(quote_path));
  req.key = *key;

  collateral::CurlHttpClient client(http);
  auto got = collateral::ObtainCollateral(client, req);
  if (!got.ok()) return ReportError(got.status());

  std::string where;
  if (vm.count("out")) {
    const std::string out = vm["out"].as<std::string>();
    Status s = collateral::WriteCollateralFile(out, got->collateral);
    if (!s.ok()) return ReportError(s);
    where = "; written to " + out;
  } else if (!req.cache_dir) {
    std::string json = quote::CollateralToJson(got->collateral) + "\n";
    std::fwrite(json.data(), 1, json.size(), stdout);
    std::fflush(stdout);
  }
  std::string from;
  if (got->origin == collateral::Origin::kCache) {
    from = "taken from the cache (" + got->cache_path + ")";
  } else {
    from = "fetched from " + req.service.base_url + " (" + std::to_string(got->urls.size()) +
           " requests)";
    if (!got->cache_note.empty()) from += " (cache: " + got->cache_note + ")";
    if (!got->cache_path.empty()) from += ", cached in " + got->cache_path;
  }
  std::fprintf(stderr, "ccverify: collateral for %s %s, verified at %s, next update %s%s\n",
               collateral::DescribeKey(req.key).c_str(), from.c_str(),
               FormatRfc3339Time(req.at).c_str(), crypto::FormatRfc3339(got->next_update).c_str(),
               where.c_str());
  return kExitTrusted;
}

}  // namespace ccv::cli
