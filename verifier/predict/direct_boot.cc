#include "verifier/predict/direct_boot.h"

#include <string_view>

#include "parsers/event_types.h"
#include "parsers/pe/pe_image.h"
#include "verifier/crypto/digest.h"
#include "verifier/predict/authenticode.h"
#include "verifier/predict/uefi_variables.h"

namespace ccv::predict {

namespace {

namespace ev = parsers;

// Linux drivers/firmware/efi/libstub: the tagged events of the EFI stub.
constexpr uint32_t kInitrdEventTagId = 0x8f3b22ec;
constexpr uint32_t kLoadOptionsEventTagId = 0x8f3b22ed;
constexpr std::string_view kInitrdEventText = "Linux initrd";
constexpr std::string_view kLoadOptionsEventText = "LOADED_IMAGE::LoadOptions";

// EDK2 Tcg2Dxe / TCG PC Client PFP 10.4.4 EV_EFI_ACTION strings.
constexpr std::string_view kCallingEfiApplication = "Calling EFI Application from Boot Option";
constexpr std::string_view kExitBootServicesInvocation = "Exit Boot Services Invocation";
constexpr std::string_view kExitBootServicesSuccess = "Exit Boot Services Returned with Success";

void PutU32Le(uint32_t v, std::vector<uint8_t>* out) {
  for (int i = 0; i < 4; ++i) out->push_back(uint8_t(v >> (8 * i)));
}

std::vector<Digest> HashAll(std::span<const HashAlg> banks, Bytes data) {
  std::vector<Digest> out;
  for (HashAlg alg : banks) out.push_back(crypto::Hash(alg, data));
  return out;
}

BootEvent Known(uint32_t pcr, uint32_t type, std::vector<uint8_t> data, std::vector<Digest> digests,
                std::string description) {
  BootEvent e;
  e.pcr = pcr;
  e.type = type;
  e.data = std::move(data);
  e.digests = std::move(digests);
  e.description = std::move(description);
  return e;
}

BootEvent Unknown(uint32_t pcr, uint32_t type, std::string description, std::string reason) {
  BootEvent e;
  e.pcr = pcr;
  e.type = type;
  e.predicted = false;
  e.description = std::move(description);
  e.reason = std::move(reason);
  return e;
}

// Event data hashed as itself (EV_SEPARATOR, EV_EFI_ACTION).
BootEvent SelfHashed(std::span<const HashAlg> banks, uint32_t pcr, uint32_t type,
                     std::vector<uint8_t> data, std::string description) {
  std::vector<Digest> d = HashAll(banks, data);
  return Known(pcr, type, std::move(data), std::move(d), std::move(description));
}

BootEvent Action(std::span<const HashAlg> banks, uint32_t pcr, std::string_view text) {
  return SelfHashed(banks, pcr, ev::kEvEfiAction, std::vector<uint8_t>(text.begin(), text.end()),
                    std::string(text));
}

// TCG_PCClientTaggedEvent: taggedEventID, taggedEventDataSize, data (the
// description with its NUL, as the stub writes sizeof("...")).
BootEvent Tagged(std::span<const HashAlg> banks, uint32_t tag, std::string_view text,
                 Bytes measured, std::string description) {
  std::vector<uint8_t> data;
  PutU32Le(tag, &data);
  PutU32Le(uint32_t(text.size() + 1), &data);
  data.insert(data.end(), text.begin(), text.end());
  data.push_back(0);
  return Known(9, ev::kEvEventTag, std::move(data), HashAll(banks, measured),
               std::move(description));
}

}  // namespace

BootEvent HashedEvent(std::span<const HashAlg> banks, uint32_t pcr, uint32_t type,
                      std::vector<uint8_t> data, Bytes measured, std::string description) {
  return Known(pcr, type, std::move(data), HashAll(banks, measured), std::move(description));
}

BootEvent UnpredictedEvent(uint32_t pcr, uint32_t type, std::string description,
                           std::string reason) {
  return Unknown(pcr, type, std::move(description), std::move(reason));
}

Result<std::vector<uint8_t>> OvmfLoadOptions(const DirectBootInputs& in) {
  std::string text;
  const bool initrd = in.initrd.has_value();
  if (initrd && in.initrd_option == OvmfInitrdOption::kPrefix) text += "initrd=initrd ";
  if (in.cmdline) text += *in.cmdline;
  if (initrd && in.initrd_option == OvmfInitrdOption::kSuffix) text += " initrd=initrd";
  std::vector<uint8_t> out;
  if (text.empty() && !in.cmdline) return out;  // no load options at all
  for (size_t i = 0; i < text.size(); ++i) {
    const uint8_t c = uint8_t(text[i]);
    if (c == 0 || c >= 0x80) {
      return Status(ErrorCode::kInvalidArgument,
                    "--cmdline: byte " + std::to_string(i) +
                        " is not printable ASCII (QEMU passes the command line as ASCII)");
    }
    out.push_back(c);
    out.push_back(0);
  }
  out.push_back(0);
  out.push_back(0);
  return out;
}

std::optional<std::string> RtmrForPcr(uint32_t pcr) {
  if (pcr == 0 || pcr == 1 || pcr == 7) return "rtmr0";
  if (pcr >= 2 && pcr <= 6) return "rtmr1";
  if (pcr >= 8 && pcr <= 15) return "rtmr2";
  return std::nullopt;
}

Result<std::vector<BootEvent>> FirmwareConfigEvents(const parsers::VariableStore* firmware_vars,
                                                    std::span<const HashAlg> banks) {
  std::vector<BootEvent> e;
  e.push_back(Unknown(0, 0, "firmware (PCR 0: CRTM version, firmware blobs)",
                      "depends on the firmware build; not predicted from the artifacts"));
  e.push_back(Unknown(1, 0, "platform configuration (PCR 1: ACPI tables, HOB, boot variables)",
                      "depends on the machine type, memory size and devices"));
  if (firmware_vars != nullptr) {
    CCV_ASSIGN_OR_RETURN(std::vector<PredictedEvent> vars,
                         SecureBootPolicyEvents(*firmware_vars, banks));
    for (PredictedEvent& v : vars) {
      e.push_back(v.predicted
                      ? Known(v.pcr, v.type, std::move(v.data), std::move(v.digests),
                              std::move(v.description))
                      : Unknown(v.pcr, v.type, std::move(v.description), std::move(v.reason)));
    }
  } else {
    e.push_back(Unknown(7, ev::kEvEfiVariableDriverConfig,
                        "Secure Boot variables (SecureBoot, PK, KEK, db, dbx)",
                        "the firmware's variable store was not given (--firmware-vars)"));
  }
  return e;
}

std::vector<BootEvent> ReadyToBootEvents(std::span<const HashAlg> banks) {
  std::vector<BootEvent> e;
  e.push_back(Action(banks, 4, kCallingEfiApplication));
  for (uint32_t pcr = 0; pcr <= 7; ++pcr) {
    e.push_back(SelfHashed(banks, pcr, ev::kEvSeparator, {0, 0, 0, 0}, "separator"));
  }
  return e;
}

std::vector<BootEvent> LinuxStubEvents(std::span<const HashAlg> banks, Bytes load_options,
                                       std::optional<Bytes> initrd) {
  std::vector<BootEvent> e;
  if (!load_options.empty()) {
    e.push_back(Tagged(banks, kLoadOptionsEventTagId, kLoadOptionsEventText, load_options,
                       "kernel load options (EFI stub)"));
  }
  if (initrd) {
    e.push_back(Tagged(banks, kInitrdEventTagId, kInitrdEventText, *initrd,
                       "initrd (EFI stub, LoadFile2)"));
  }
  return e;
}

std::vector<BootEvent> ExitBootServicesEvents(std::span<const HashAlg> banks) {
  return {Action(banks, 5, kExitBootServicesInvocation),
          Action(banks, 5, kExitBootServicesSuccess)};
}

bool PredictRegister(BootPrediction* p, uint32_t pcr, std::span<const HashAlg> banks) {
  std::vector<Digest> value;
  for (HashAlg alg : banks) value.push_back(Digest::Zero(alg));
  bool any = false;
  for (const BootEvent& be : p->events) {
    if (be.pcr != pcr) continue;
    if (!be.predicted) return false;
    any = true;
    for (size_t i = 0; i < banks.size(); ++i) crypto::Extend(&value[i], be.digests[i].span());
  }
  if (any) p->registers[pcr] = std::move(value);
  return any;
}

Result<BootPrediction> PredictDirectBoot(const DirectBootInputs& in) {
  BootPrediction p;
  p.boot = "direct";
  const std::span<const HashAlg> banks = in.banks;
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> load_options, OvmfLoadOptions(in));
  CCV_ASSIGN_OR_RETURN(parsers::PeImage kernel, parsers::ParsePeImage(in.kernel));

  CCV_ASSIGN_OR_RETURN(p.events, FirmwareConfigEvents(in.firmware_vars, banks));
  auto& e = p.events;
  BootEvent image = Unknown(4, ev::kEvEfiBootServicesApplication, "kernel image (Authenticode)",
                            "QEMU patches the setup header of the kernel it passes to OVMF "
                            "(boot protocol fields the Authenticode hash covers)");
  for (HashAlg alg : banks)
    image.reference_digests.push_back(AuthenticodeDigest(in.kernel, kernel, alg));
  e.push_back(std::move(image));
  auto append = [&e](std::vector<BootEvent> more) {
    for (BootEvent& b : more) e.push_back(std::move(b));
  };
  append(ReadyToBootEvents(banks));
  append(LinuxStubEvents(banks, load_options, in.initrd));
  append(ExitBootServicesEvents(banks));
  // PCR 9: only the stub's events extend it on this path.
  PredictRegister(&p, 9, banks);
  return p;
}

}  // namespace ccv::predict
