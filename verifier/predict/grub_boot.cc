#include "verifier/predict/grub_boot.h"

#include <algorithm>
#include <string>

#include "parsers/event_types.h"
#include "parsers/pe/pe_image.h"
#include "verifier/crypto/digest.h"
#include "verifier/predict/authenticode.h"
#include "verifier/predict/grub_image.h"
#include "verifier/predict/secure_boot_authority.h"

namespace ccv::predict {

namespace {

namespace ev = parsers;

// GRUB's string measurements (grub-core/commands/tpm.c): the digest covers
// the text, the event data is the prefix, the text and a NUL.
BootEvent GrubString(std::span<const HashAlg> banks, std::string_view prefix,
                     const std::string& text) {
  std::vector<uint8_t> data(prefix.begin(), prefix.end());
  data.insert(data.end(), text.begin(), text.end());
  data.push_back(0);
  return HashedEvent(banks, 8, ev::kEvIpl, std::move(data),
                     Bytes(reinterpret_cast<const uint8_t*>(text.data()), text.size()),
                     std::string(prefix) + text);
}

// GRUB's file measurements (grub-core/commands/tpm.c, PCR 9): the digest
// covers the file, the event data is the path GRUB opened with its NUL. The
// path as GRUB resolves it (with its device) is not predicted.
BootEvent GrubFile(std::span<const HashAlg> banks, Bytes file, const std::string& what) {
  return HashedEvent(banks, 9, ev::kEvIpl, {}, file, what);
}

BootEvent Image(std::span<const HashAlg> banks, Bytes file, const parsers::PeImage& img,
                std::string description) {
  BootEvent e;
  e.pcr = 4;
  e.type = ev::kEvEfiBootServicesApplication;
  e.description = std::move(description);
  for (HashAlg alg : banks) e.digests.push_back(AuthenticodeDigest(file, img, alg));
  return e;
}

std::vector<std::string> Words(std::string_view line) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) words.emplace_back(line.substr(i, j - i));
    i = j;
  }
  return words;
}

// A line GRUB runs as its words: no variables, quoting, escapes, blocks or
// several commands.
bool Verbatim(std::string_view line) {
  return line.find_first_of("$\"'\\{};|&<>") == std::string_view::npos;
}

// A GRUB device name as GRUB prints it: "(hd0)", "(hd0,gpt1)", "(cd0)".
bool DeviceName(std::string_view d) {
  if (d.size() < 3 || d.front() != '(' || d.back() != ')') return false;
  return std::ranges::all_of(d.substr(1, d.size() - 2), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ',';
  });
}

// The commands of GRUB's embedded configuration (PCR 8), as GRUB runs
// Debian's memdisk grub.cfg when $prefix exists, holds grub.cfg and no
// x86_64-efi/grub.cfg: each `[` test and the `source`, words after
// expansion.
std::vector<BootEvent> EmbeddedConfigEvents(std::span<const HashAlg> banks, Bytes file,
                                            const parsers::PeImage& img,
                                            const std::optional<std::string>& root) {
  const std::string what = "commands of GRUB's embedded configuration";
  const GrubEmbedded e = ReadGrubEmbedded(file, img);
  std::string why;
  if (e.config != "normal (memdisk)/grub.cfg\n" || e.memdisk_grub_cfg != DebianMemdiskGrubCfg()) {
    why =
        "not the embedded configuration of Debian's signed GRUB (normal (memdisk)/grub.cfg "
        "with Debian's memdisk grub.cfg): not modelled";
  } else if (!e.prefix || !e.prefix->starts_with('/') || !Verbatim(*e.prefix) ||
             e.prefix->find_first_of(" \t") != std::string::npos) {
    why = "GRUB's embedded prefix is absent or not a plain path";
  } else if (!root) {
    why = "they name the device GRUB finds the EFI system partition as (--grub-root)";
  } else if (!DeviceName(*root)) {
    why = "--grub-root '" + *root + "' is not a GRUB device name such as (hd0) or (hd0,gpt1)";
  }
  if (!why.empty()) return {UnpredictedEvent(8, ev::kEvIpl, what, why)};
  const std::string prefix = *root + *e.prefix;
  return {GrubString(banks, "grub_cmd: ", "[ -z " + prefix + " -o ! -e " + prefix + " ]"),
          GrubString(banks, "grub_cmd: ", "[ -e " + prefix + "/x86_64-efi/grub.cfg ]"),
          GrubString(banks, "grub_cmd: ", "[ -e " + prefix + "/grub.cfg ]"),
          GrubString(banks, "grub_cmd: ", "source " + prefix + "/grub.cfg")};
}

}  // namespace

Result<BootPrediction> PredictGrubBoot(const GrubBootInputs& in) {
  const std::span<const HashAlg> banks = in.banks;
  auto parse = [](Bytes file, std::string_view what) -> Result<parsers::PeImage> {
    auto img = parsers::ParsePeImage(file);
    if (!img.ok()) return img.status().WithContext(what);
    return img;
  };
  CCV_ASSIGN_OR_RETURN(parsers::PeImage shim, parse(in.shim, "shim"));
  CCV_ASSIGN_OR_RETURN(parsers::PeImage grub, parse(in.grub, "GRUB"));
  CCV_ASSIGN_OR_RETURN(parsers::PeImage kernel, parse(in.kernel, "kernel"));
  BootPrediction p;
  p.boot = "grub";
  CCV_ASSIGN_OR_RETURN(p.events, FirmwareConfigEvents(in.firmware_vars, banks));
  auto add = [&p](BootEvent e) { p.events.push_back(std::move(e)); };
  for (BootEvent& e : ReadyToBootEvents(banks)) add(std::move(e));
  CCV_ASSIGN_OR_RETURN(std::vector<BootEvent> shim_authority,
                       FirmwareAuthorityEvents(in.firmware_vars, in.shim, "shim", banks));
  for (BootEvent& e : shim_authority) add(std::move(e));
  add(Image(banks, in.shim, shim, "shim (Authenticode)"));
  CCV_ASSIGN_OR_RETURN(ShimEvents shim_events,
                       PredictShimEvents(in.firmware_vars, in.shim, in.grub, in.kernel, banks));
  for (BootEvent& e : shim_events.startup) add(std::move(e));
  for (BootEvent& e : shim_events.grub) add(std::move(e));
  add(Image(banks, in.grub, grub, "GRUB (Authenticode; shim loads it)"));
  for (BootEvent& e : EmbeddedConfigEvents(banks, in.grub, grub, in.grub_root)) add(std::move(e));
  add(GrubFile(banks,
               Bytes(reinterpret_cast<const uint8_t*>(in.grub_cfg.data()), in.grub_cfg.size()),
               "grub.cfg (GRUB reads it)"));

  bool linux_seen = false;
  bool pcr9_known = true;
  size_t line_no = 0;
  size_t start = 0;
  while (start <= in.grub_cfg.size()) {
    size_t end = in.grub_cfg.find('\n', start);
    if (end == std::string_view::npos) end = in.grub_cfg.size();
    std::string_view line = in.grub_cfg.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::vector<std::string> words = Words(line);
    if (words.empty() || words[0].starts_with("#")) continue;
    const std::string where = "grub.cfg line " + std::to_string(line_no);
    if (!Verbatim(line)) {
      add(UnpredictedEvent(8, ev::kEvIpl, where,
                           "uses variables, quoting, escapes or blocks GRUB expands first"));
      add(UnpredictedEvent(9, ev::kEvIpl, where, "may read files"));
      pcr9_known = false;
      continue;
    }
    std::string text = words[0];
    for (size_t i = 1; i < words.size(); ++i) text += " " + words[i];
    add(GrubString(banks, "grub_cmd: ", text));
    const std::string& cmd = words[0];
    if (cmd == "linux" && words.size() >= 2) {
      linux_seen = true;
      add(GrubFile(banks, in.kernel, "kernel " + words[1] + " (GRUB reads it)"));
      for (BootEvent& e : shim_events.kernel) add(std::move(e));
      shim_events.kernel.clear();
      BootEvent k = Image(banks, in.kernel, kernel,
                          "kernel (Authenticode; GRUB starts it through shim, logged twice)");
      add(k);
      add(std::move(k));
      add(GrubString(banks, "kernel_cmdline: ", text.substr(6)));
    } else if (cmd == "initrd" && words.size() == 2) {
      if (!in.initrd) {
        return Status(ErrorCode::kInvalidArgument,
                      where + " loads an initrd (" + words[1] + ") but none was given (--initrd)");
      }
      add(GrubFile(banks, *in.initrd, "initrd " + words[1] + " (GRUB reads it)"));
    } else if (cmd != "set" && cmd != "boot" && cmd != "echo") {
      add(UnpredictedEvent(9, ev::kEvIpl, where + ": " + cmd, "may read files"));
      pcr9_known = false;
    }
  }
  if (!linux_seen) {
    return Status(ErrorCode::kInvalidArgument, "grub.cfg has no `linux PATH` line");
  }
  for (BootEvent& e : ExitBootServicesEvents(banks)) add(std::move(e));
  if (pcr9_known) PredictRegister(&p, 9, banks);
  PredictRegister(&p, 8, banks);
  PredictRegister(&p, 7, banks);
  PredictRegister(&p, 14, banks);
  return p;
}

}  // namespace ccv::predict
