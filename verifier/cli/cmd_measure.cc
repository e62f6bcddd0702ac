// ccverify measure authenticode FILE [--alg sha1|sha256|sha384|sha512] [--json]
// (docs/cli.md): the Authenticode digest UEFI firmware logs for a PE/COFF
// image, and the signatures it carries. Exit codes: 0 measured, 2 usage,
// 3 input error naming the file, offset and field.
#include <cstdio>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "parsers/core/file_io.h"
#include "verifier/cli/command_line.h"
#include "verifier/cli/commands.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/predict/authenticode.h"
#include "verifier/report/predict_report.h"

namespace ccv::cli {

namespace po = boost::program_options;

namespace {

constexpr const char* kMeasureAuthenticodeUsage =
    "usage: ccverify measure authenticode FILE [--alg sha1|sha256|sha384|sha512] [--json]\n"
    "  FILE        a PE/COFF image (shim, GRUB, systemd-boot, a kernel with its EFI stub, a UKI)\n"
    "  --alg A     one bank only (default: sha1, sha256, sha384 and sha512)\n"
    "  --json      print one JSON document\n";

// Images larger than this are not boot components.
constexpr uint64_t kMaxImageLen = uint64_t{1} << 30;

constexpr CommandHelp kHelp{"measure authenticode", kMeasureAuthenticodeUsage};

int Usage(const std::string& message) { return UsageError(kHelp, message); }

}  // namespace

int RunMeasureAuthenticode(const Args& args) {
  po::options_description opts;
  opts.add_options()("help,h", "")("alg", po::value<std::string>(), "")(
      "json", po::bool_switch(), "")("file", po::value<std::string>(), "");
  const auto pos = OnePositional("file");
  po::variables_map vm;
  if (auto done = ParseCommandLine(args, kHelp, opts, &vm, &pos)) return *done;
  if (!vm.count("file")) return Usage("FILE is missing");
  std::vector<HashAlg> algs = {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384,
                               HashAlg::kSha512};
  if (vm.count("alg")) {
    const std::string name = vm["alg"].as<std::string>();
    auto alg = HashAlgFromName(name);
    if (!alg || *alg == HashAlg::kSm3_256) {
      return Usage("--alg: expected sha1, sha256, sha384 or sha512, got '" + name + "'");
    }
    algs = {*alg};
  }
  const std::string path = vm["file"].as<std::string>();
  auto file = InputFile::Open(path);
  if (!file.ok()) return ReportError(file.status());
  auto bytes = file->ReadAll(kMaxImageLen);
  if (!bytes.ok()) return ReportError(bytes.status().WithFile(path));
  auto m = predict::MeasureAuthenticode(*bytes, algs);
  if (!m.ok()) return ReportError(m.status().WithFile(path));
  const std::string out = vm["json"].as<bool>() ? report::AuthenticodeToJson(path, *m)
                                                : report::AuthenticodeToText(path, *m);
  std::fputs(out.c_str(), stdout);
  return kExitTrusted;
}

}  // namespace ccv::cli
