// ccverify predict [--firmware-vars F] [--shim F] [--grub F] [--grub-root D] [--kernel F]
//                  [--initrd F] [--cmdline S] [--uki F] --boot direct|grub|uki
//                  [--out DIR] [--ovmf-initrd-option suffix|prefix]
// (docs/cli.md): the events a boot of these artifacts measures, per PCR, as
// CEL-JSON, a prediction report and a policy fragment. Exit codes: 0
// predicted, 2 usage (including a boot path not supported yet), 3 input
// error naming the file.
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "parsers/core/file_io.h"
#include "parsers/uefi_varstore.h"
#include "verifier/cli/command_line.h"
#include "verifier/cli/commands.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/predict/direct_boot.h"
#include "verifier/predict/grub_boot.h"
#include "verifier/predict/uki.h"
#include "verifier/report/predict_report.h"

namespace ccv::cli {

namespace po = boost::program_options;

namespace {

constexpr const char* kPredictUsage =
    "usage: ccverify predict [--firmware-vars F] [--shim F] [--grub F] [--grub-cfg F]\n"
    "                        [--grub-root D] [--kernel F]\n"
    "                        [--initrd F] [--cmdline S] [--uki F] --boot direct|grub|uki\n"
    "                        [--out DIR] [--ovmf-initrd-option suffix|prefix]\n"
    "  --boot B        the boot path: direct (QEMU -kernel/-initrd/-append through OVMF),\n"
    "                  grub (shim, GRUB and a kernel from an EFI system partition),\n"
    "                  uki (a unified kernel image started by UEFI or systemd-boot)\n"
    "  --kernel F      the kernel (a PE/COFF image with the EFI stub; direct, grub)\n"
    "  --initrd F      the initrd (QEMU -initrd, or the one grub.cfg loads)\n"
    "  --cmdline S     the kernel command line (QEMU -append)\n"
    "  --ovmf-initrd-option O  where OVMF adds \"initrd=initrd\" to the load options:\n"
    "                  suffix (edk2 before stable202508, default) or prefix\n"
    "  --firmware-vars F  the firmware's variable store (OVMF_VARS.fd): PCR 7's Secure Boot\n"
    "                  policy events\n"
    "  --shim F        shim (--boot grub)\n"
    "  --grub F        GRUB (--boot grub)\n"
    "  --grub-cfg F    the grub.cfg GRUB runs (--boot grub): its commands and files\n"
    "  --grub-root D   the device GRUB finds the EFI system partition as, (hd0) or\n"
    "                  (hd0,gpt1) (--boot grub): the commands of its embedded configuration\n"
    "  --uki F         the unified kernel image (--boot uki)\n"
    "  --out DIR       write prediction.json, events.cel.json and policy.yaml there\n";

constexpr uint64_t kMaxArtifactLen = uint64_t{2} << 30;

constexpr CommandHelp kHelp{"predict", kPredictUsage};

int Usage(const std::string& message) { return UsageError(kHelp, message); }

// Writes the text summary and, with --out, the three files.
int Emit(const po::variables_map& vm, const predict::BootPrediction& p,
         const std::vector<std::string>& sources) {
  std::fputs(report::PredictionToText(p).c_str(), stdout);
  if (!vm.count("out")) return kExitTrusted;
  const std::filesystem::path dir = vm["out"].as<std::string>();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return ReportError(
        Status(ErrorCode::kIo, "cannot create directory: " + ec.message()).WithFile(dir.string()));
  }
  const std::pair<const char*, std::string> files[] = {
      {"prediction.json", report::PredictionToJson(p, sources)},
      {"events.cel.json", report::PredictionToCelJson(p)},
      {"policy.yaml", report::PredictionToPolicy(p, sources)}};
  for (const auto& [name, text] : files) {
    Status s = WriteFileAtomically((dir / name).string(), text);
    if (!s.ok()) return ReportError(s);
  }
  return kExitTrusted;
}

// Reads and parses an EDK2 variable store volume; `fd` keeps its bytes.
// The --firmware-vars file and the variable store parsed from it (which
// points into the file's bytes), or neither when the flag is absent.
struct FirmwareVars {
  std::vector<uint8_t> fd;
  std::optional<parsers::VariableStore> store;
  const parsers::VariableStore* get() const { return store ? &*store : nullptr; }
};

Status ReadFirmwareVars(const po::variables_map& vm, FirmwareVars* out,
                        std::vector<std::string>* sources) {
  if (!vm.count("firmware-vars")) return Status::Ok();
  const std::string path = vm["firmware-vars"].as<std::string>();
  CCV_ASSIGN_OR_RETURN(InputFile f, InputFile::Open(path));
  auto bytes = f.ReadAll(kMaxArtifactLen);
  if (!bytes.ok()) return bytes.status().WithFile(path);
  out->fd = std::move(*bytes);
  sources->push_back("firmware-vars: " + path + " (" + std::to_string(out->fd.size()) + " bytes)");
  auto store = parsers::ParseVariableStoreFv(out->fd);
  if (!store.ok()) return store.status().WithFile(path);
  out->store = std::move(*store);
  return Status::Ok();
}

int RunPredictUki(const po::variables_map& vm) {
  for (const char* flag : {"kernel", "initrd", "cmdline", "shim", "grub", "grub-cfg", "grub-root",
                           "ovmf-initrd-option"}) {
    if (vm.count(flag)) {
      return Usage(std::string("--") + flag + " does not apply to --boot uki (the UKI holds it)");
    }
  }
  if (!vm.count("uki")) return Usage("--boot uki needs --uki");
  const std::string path = vm["uki"].as<std::string>();
  auto file = InputFile::Open(path);
  if (!file.ok()) return ReportError(file.status());
  auto bytes = file->ReadAll(kMaxArtifactLen);
  if (!bytes.ok()) return ReportError(bytes.status().WithFile(path));
  std::vector<std::string> sources = {"uki: " + path + " (" + std::to_string(bytes->size()) +
                                      " bytes)"};
  FirmwareVars vars;
  if (Status s = ReadFirmwareVars(vm, &vars, &sources); !s.ok()) return ReportError(s);
  const HashAlg banks[] = {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384};
  auto p = predict::PredictUkiBoot(*bytes, banks, vars.get());
  if (!p.ok()) return ReportError(p.status().WithFile(path));
  return Emit(vm, *p, sources);
}

Result<std::vector<uint8_t>> ReadArtifact(const std::string& flag, const po::variables_map& vm,
                                          std::vector<std::string>* sources) {
  const std::string path = vm[flag].as<std::string>();
  CCV_ASSIGN_OR_RETURN(InputFile f, InputFile::Open(path));
  auto bytes = f.ReadAll(kMaxArtifactLen);
  if (!bytes.ok()) return bytes.status().WithFile(path);
  sources->push_back(flag + ": " + path + " (" + std::to_string(bytes->size()) + " bytes)");
  return bytes;
}

int RunPredictGrub(const po::variables_map& vm) {
  for (const char* flag : {"uki", "cmdline", "ovmf-initrd-option"}) {
    if (vm.count(flag)) {
      return Usage(std::string("--") + flag +
                   " does not apply to --boot grub (grub.cfg holds the command line)");
    }
  }
  for (const char* flag : {"shim", "grub", "kernel", "grub-cfg"}) {
    if (!vm.count(flag)) return Usage(std::string("--boot grub needs --") + flag);
  }
  std::vector<std::string> sources;
  std::vector<uint8_t> files[5];
  const char* names[] = {"shim", "grub", "kernel", "grub-cfg", "initrd"};
  for (size_t i = 0; i < 5; ++i) {
    if (!vm.count(names[i])) continue;
    auto r = ReadArtifact(names[i], vm, &sources);
    if (!r.ok()) return ReportError(r.status());
    files[i] = std::move(*r);
  }
  predict::GrubBootInputs in;
  in.shim = files[0];
  in.grub = files[1];
  in.kernel = files[2];
  in.grub_cfg = std::string_view(reinterpret_cast<const char*>(files[3].data()), files[3].size());
  if (vm.count("initrd")) in.initrd = Bytes(files[4]);
  if (vm.count("grub-root")) in.grub_root = vm["grub-root"].as<std::string>();
  FirmwareVars vars;
  if (Status s = ReadFirmwareVars(vm, &vars, &sources); !s.ok()) return ReportError(s);
  in.firmware_vars = vars.get();
  auto p = predict::PredictGrubBoot(in);
  if (!p.ok()) {
    const Status& s = p.status();
    if (s.code() == ErrorCode::kInvalidArgument) {
      return ReportError(s.WithFile(vm["grub-cfg"].as<std::string>()));
    }
    return ReportError(s);
  }
  return Emit(vm, *p, sources);
}

}  // namespace

int RunPredict(const Args& args) {
  po::options_description opts;
  opts.add_options()("help,h", "")("boot", po::value<std::string>(), "")(
      "kernel", po::value<std::string>(), "")("initrd", po::value<std::string>(), "")(
      "cmdline", po::value<std::string>(), "")("ovmf-initrd-option", po::value<std::string>(), "")(
      "firmware-vars", po::value<std::string>(), "")("shim", po::value<std::string>(), "")(
      "grub", po::value<std::string>(), "")("grub-cfg", po::value<std::string>(), "")(
      "grub-root", po::value<std::string>(), "")("uki", po::value<std::string>(), "")(
      "out", po::value<std::string>(), "");
  po::variables_map vm;
  if (auto done = ParseCommandLine(args, kHelp, opts, &vm)) return *done;
  if (!vm.count("boot")) return Usage("missing --boot");
  const std::string boot = vm["boot"].as<std::string>();
  if (boot != "direct" && boot != "grub" && boot != "uki") {
    return Usage("--boot: expected direct, grub or uki, got '" + boot + "'");
  }
  if (boot == "uki") return RunPredictUki(vm);
  if (boot == "grub") return RunPredictGrub(vm);
  for (const char* flag : {"shim", "grub", "grub-cfg", "grub-root", "uki"}) {  // --boot direct
    if (vm.count(flag)) return Usage(std::string("--") + flag + " does not apply to --boot direct");
  }
  if (!vm.count("kernel")) return Usage("--boot direct needs --kernel");

  std::vector<std::string> sources;
  auto read = [&](const char* flag) { return ReadArtifact(flag, vm, &sources); };
  auto kernel = read("kernel");
  if (!kernel.ok()) return ReportError(kernel.status());
  predict::DirectBootInputs in;
  in.kernel = *kernel;
  std::vector<uint8_t> initrd;
  if (vm.count("initrd")) {
    auto r = read("initrd");
    if (!r.ok()) return ReportError(r.status());
    initrd = std::move(*r);
    in.initrd = Bytes(initrd);
  }
  FirmwareVars vars;
  if (Status s = ReadFirmwareVars(vm, &vars, &sources); !s.ok()) return ReportError(s);
  in.firmware_vars = vars.get();
  if (vm.count("cmdline")) {
    in.cmdline = vm["cmdline"].as<std::string>();
    sources.push_back("cmdline: \"" + *in.cmdline + "\"");
  }
  if (vm.count("ovmf-initrd-option")) {
    const std::string o = vm["ovmf-initrd-option"].as<std::string>();
    if (o == "suffix") {
      in.initrd_option = predict::OvmfInitrdOption::kSuffix;
    } else if (o == "prefix") {
      in.initrd_option = predict::OvmfInitrdOption::kPrefix;
    } else {
      return Usage("--ovmf-initrd-option: expected suffix or prefix, got '" + o + "'");
    }
  }
  auto p = predict::PredictDirectBoot(in);
  if (!p.ok()) {
    const Status& s = p.status();
    if (s.code() == ErrorCode::kInvalidArgument) return Usage(s.message());
    return ReportError(s.WithFile(vm["kernel"].as<std::string>()));
  }
  return Emit(vm, *p, sources);
}

}  // namespace ccv::cli
