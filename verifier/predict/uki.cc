#include "verifier/predict/uki.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "parsers/event_types.h"
#include "verifier/crypto/digest.h"
#include "verifier/predict/authenticode.h"
#include "verifier/predict/secure_boot_authority.h"
#include "verifier/predict/uefi_variables.h"

namespace ccv::predict {

namespace {

// systemd src/boot/efi (uki.h, unified_sections): the measured sections in
// enum order, .pcrsig left out (never measured).
constexpr std::array<std::string_view, 7> kSectionsUpTo252 = {
    ".linux", ".osrel", ".cmdline", ".initrd", ".splash", ".dtb", ".pcrpkey"};
constexpr std::array<std::string_view, 9> kSectionsFrom253 = {
    ".linux", ".osrel", ".cmdline", ".initrd", ".splash", ".dtb", ".uname", ".sbat", ".pcrpkey"};

constexpr std::string_view kStubMagic = "systemd-stub ";

// Zero fill past a measured section's file data that we materialise at most:
// measured sections are file data (objcopy and ukify set VirtualSize to the
// data's size), so more is refused rather than allocated.
constexpr uint64_t kMaxZeroFill = uint64_t{16} << 20;

// A section as the loaded image holds it: VirtualSize bytes, the file data
// zero-filled past SizeOfRawData. Errors: kBadValue for a section that does
// not fit SizeOfImage, kLimitExceeded for more zero fill than kMaxZeroFill.
Result<std::vector<uint8_t>> LoadedSection(Bytes file, const parsers::PeImage& img,
                                           const parsers::PeSection& s) {
  if (uint64_t{s.virtual_address} + s.virtual_size > img.size_of_image) {
    return Status(ErrorCode::kBadValue, "section " + s.name + " ends past SizeOfImage")
        .WithOffset(s.header_offset)
        .WithField("section VirtualSize");
  }
  Bytes raw = parsers::SectionData(file, s);
  if (s.virtual_size > raw.size() && s.virtual_size - raw.size() > kMaxZeroFill) {
    return Status(ErrorCode::kLimitExceeded,
                  "section " + s.name + " is zero-filled by more than 16 MiB past its file data")
        .WithOffset(s.header_offset)
        .WithField("section VirtualSize");
  }
  std::vector<uint8_t> out(raw.begin(),
                           raw.begin() + long(std::min<size_t>(raw.size(), s.virtual_size)));
  out.resize(s.virtual_size, 0);
  return out;
}

// What systemd-stub hands the kernel as load options: the .cmdline bytes
// widened to UTF-16, NUL-terminated (stub.c: xstrn8_to_16).
std::vector<uint8_t> StubLoadOptions(Bytes cmdline) {
  std::vector<uint8_t> out;
  for (uint8_t c : cmdline) {
    if (c == 0) break;
    out.push_back(c);
    out.push_back(0);
  }
  out.push_back(0);
  out.push_back(0);
  return out;
}

}  // namespace

uint32_t SystemdStubVersion(Bytes uki, const parsers::PeImage& image) {
  const parsers::PeSection* s = parsers::FindSection(image, ".sdmagic");
  if (s == nullptr) return 0;
  Bytes raw = parsers::SectionData(uki, *s);
  const std::string_view text(reinterpret_cast<const char*>(raw.data()), raw.size());
  const size_t at = text.find(kStubMagic);
  if (at == std::string_view::npos) return 0;
  const char* first = text.data() + at + kStubMagic.size();
  uint32_t version = 0;
  auto [end, ec] = std::from_chars(first, text.data() + text.size(), version);
  if (ec != std::errc() || end == first) return 0;
  return version;
}

std::span<const std::string_view> UkiMeasuredSections(uint32_t version) {
  if (version != 0 && version <= 252) return kSectionsUpTo252;
  return kSectionsFrom253;
}

Result<BootPrediction> PredictUkiBoot(Bytes uki, std::span<const HashAlg> banks,
                                      const parsers::VariableStore* firmware_vars) {
  CCV_ASSIGN_OR_RETURN(parsers::PeImage img, parsers::ParsePeImage(uki));
  const parsers::PeSection* linux_section = parsers::FindSection(img, ".linux");
  if (linux_section == nullptr) {
    return Status(ErrorCode::kNotFound, "no .linux section: not a unified kernel image");
  }
  // Which of two same-named sections a stub uses differs between versions:
  // refuse to guess for the sections it reads.
  auto read_by_stub = [](std::string_view name) {
    const auto all = UkiMeasuredSections(0);
    return name == ".sdmagic" || std::find(all.begin(), all.end(), name) != all.end();
  };
  for (size_t i = 0; i < img.sections.size(); ++i) {
    for (size_t j = i + 1; j < img.sections.size(); ++j) {
      if (img.sections[i].name == img.sections[j].name && read_by_stub(img.sections[i].name)) {
        return Status(ErrorCode::kBadValue,
                      "two sections named " + img.sections[i].name +
                          ": which one systemd-stub uses depends on its version")
            .WithOffset(img.sections[j].header_offset);
      }
    }
  }
  const uint32_t version = SystemdStubVersion(uki, img);
  const std::string stub = version == 0 ? std::string("systemd-stub of unknown version")
                                        : "systemd-stub " + std::to_string(version);
  BootPrediction p;
  p.boot = "uki";
  CCV_ASSIGN_OR_RETURN(p.events, FirmwareConfigEvents(firmware_vars, banks));
  for (BootEvent& e : ReadyToBootEvents(banks)) p.events.push_back(std::move(e));

  // The firmware (or systemd-boot through it) loads the UKI with LoadImage:
  // with Secure Boot on, PCR 7 gets the db entry that verified it; PCR 4 its
  // Authenticode digest.
  AuthorityLog firmware_log(banks);
  CCV_ASSIGN_OR_RETURN(
      std::vector<BootEvent> authority,
      FirmwareAuthorityEvents(firmware_vars, uki, "the UKI", banks, &firmware_log));
  for (BootEvent& e : authority) p.events.push_back(std::move(e));
  BootEvent image;
  image.pcr = 4;
  image.type = parsers::kEvEfiBootServicesApplication;
  image.description = "UKI image (Authenticode; event data not predicted)";
  for (HashAlg alg : banks) image.digests.push_back(AuthenticodeDigest(uki, img, alg));
  p.events.push_back(std::move(image));

  std::vector<uint8_t> cmdline;
  std::optional<std::vector<uint8_t>> initrd;
  for (std::string_view name : UkiMeasuredSections(version)) {
    const parsers::PeSection* s = parsers::FindSection(img, name);
    if (s == nullptr) continue;
    CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> contents, LoadedSection(uki, img, *s));
    if (name == ".cmdline") cmdline = contents;
    if (name == ".initrd") initrd = contents;
    std::string name_nul(name);
    name_nul.push_back('\0');
    const std::pair<Bytes, std::string> measured[] = {
        {Bytes(reinterpret_cast<const uint8_t*>(name_nul.data()), name_nul.size()),
         "UKI section name " + std::string(name)},
        {Bytes(contents), "UKI section " + std::string(name) + " (" +
                              std::to_string(contents.size()) + " bytes, " + stub + ")"}};
    for (const auto& [bytes, description] : measured) {
      BootEvent e;
      e.pcr = 11;
      e.type = parsers::kEvIpl;
      // The name as the stub logs it: UTF-16LE with the NUL (section names
      // are ASCII: UkiMeasuredSections).
      CCV_ASSIGN_OR_RETURN(e.data, Utf8ToUtf16Le(name));
      e.data.insert(e.data.end(), {0, 0});
      e.description = description;
      for (HashAlg alg : banks) e.digests.push_back(crypto::Hash(alg, bytes));
      p.events.push_back(std::move(e));
    }
  }

  // systemd-stub 252 and later start the embedded kernel with LoadImage:
  // the firmware measures the .linux section as an image of its own.
  CCV_ASSIGN_OR_RETURN(const std::vector<uint8_t> kernel, LoadedSection(uki, img, *linux_section));
  if (version >= 252) {
    auto kimg = parsers::ParsePeImage(kernel);
    if (!kimg.ok()) {
      return kimg.status().WithContext("the .linux section at file offset " +
                                       std::to_string(linux_section->pointer_to_raw_data));
    }
    const std::string what = "the kernel of the .linux section";
    bool loads = true;
    if (firmware_vars != nullptr && SecureBootEnabled(*firmware_vars) == true) {
      // With Secure Boot on, LoadImage verifies the kernel against db. When
      // db does not allow it, the stub starts it through the EFI handover
      // protocol instead: no image event, no authority (a real boot of 252).
      auto kernel_authority =
          FirmwareAuthorityEvents(firmware_vars, kernel, what, banks, &firmware_log);
      if (kernel_authority.ok()) {
        for (BootEvent& e : *kernel_authority) p.events.push_back(std::move(e));
      } else if (kernel_authority.status().code() == ErrorCode::kChainInvalid) {
        loads = false;
      } else {
        return kernel_authority.status();
      }
    }
    if (loads) {
      BootEvent k;
      k.pcr = 4;
      k.type = parsers::kEvEfiBootServicesApplication;
      k.description = "kernel of the .linux section (Authenticode; " + stub + " loads it)";
      for (HashAlg alg : banks) k.digests.push_back(AuthenticodeDigest(kernel, *kimg, alg));
      p.events.push_back(std::move(k));
    }
  } else {
    p.events.push_back(UnpredictedEvent(
        4, parsers::kEvEfiBootServicesApplication, "kernel of the .linux section",
        stub + " may start the kernel through the EFI handover protocol (no image event)"));
  }
  std::vector<uint8_t> load_options;
  if (!cmdline.empty()) {
    load_options = StubLoadOptions(cmdline);
  } else {
    p.events.push_back(UnpredictedEvent(
        9, parsers::kEvEventTag, "kernel load options (EFI stub)",
        "the UKI has no .cmdline: the stub hands the kernel the firmware's load options"));
  }
  std::optional<Bytes> initrd_bytes;
  if (initrd) initrd_bytes = Bytes(*initrd);
  for (BootEvent& e : LinuxStubEvents(banks, load_options, initrd_bytes)) {
    p.events.push_back(std::move(e));
  }
  for (BootEvent& e : ExitBootServicesEvents(banks)) p.events.push_back(std::move(e));
  PredictRegister(&p, 9, banks);
  PredictRegister(&p, 11, banks);
  PredictRegister(&p, 7, banks);
  return p;
}

}  // namespace ccv::predict
