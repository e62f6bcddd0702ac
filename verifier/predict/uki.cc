#include "verifier/predict/uki.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "parsers/event_types.h"
#include "parsers/pe/pe_image.h"
#include "verifier/crypto/digest.h"
#include "verifier/predict/authenticode.h"

namespace ccv::predict {

namespace {

constexpr std::array<std::string_view, 9> kSections = {
    ".linux", ".osrel", ".cmdline", ".initrd", ".splash", ".dtb", ".uname", ".sbat", ".pcrpkey"};

// The name as the stub logs it: UTF-16LE with the NUL.
std::vector<uint8_t> Utf16Name(std::string_view name) {
  std::vector<uint8_t> out;
  for (char c : name) {
    out.push_back(uint8_t(c));
    out.push_back(0);
  }
  out.push_back(0);
  out.push_back(0);
  return out;
}

}  // namespace

std::span<const std::string_view> UkiMeasuredSections() { return kSections; }

Result<BootPrediction> PredictUkiBoot(Bytes uki, std::span<const HashAlg> banks) {
  CCV_ASSIGN_OR_RETURN(parsers::PeImage img, parsers::ParsePeImage(uki));
  if (parsers::FindSection(img, ".linux") == nullptr) {
    return Status(ErrorCode::kNotFound, "no .linux section: not a unified kernel image");
  }
  BootPrediction p;
  p.boot = "uki";
  // The firmware (or systemd-boot through it) loads the UKI with LoadImage:
  // PCR 4 gets its Authenticode digest. The event data (load address,
  // device path) depends on where it was loaded from and is not predicted.
  BootEvent image;
  image.pcr = 4;
  image.type = parsers::kEvEfiBootServicesApplication;
  image.description = "UKI image (Authenticode; event data not predicted)";
  for (HashAlg alg : banks) image.digests.push_back(AuthenticodeDigest(uki, img, alg));
  p.events.push_back(std::move(image));
  std::vector<Digest> pcr11;
  for (HashAlg alg : banks) pcr11.push_back(Digest::Zero(alg));
  for (std::string_view name : kSections) {
    const parsers::PeSection* s = parsers::FindSection(img, name);
    if (s == nullptr) continue;
    // The loaded image holds VirtualSize bytes: the file data, zero-filled
    // past SizeOfRawData.
    Bytes raw = parsers::SectionData(uki, *s);
    std::vector<uint8_t> contents(
        raw.begin(), raw.begin() + long(std::min<size_t>(raw.size(), s->virtual_size)));
    contents.resize(s->virtual_size, 0);
    std::string name_nul(name);
    name_nul.push_back('\0');
    const std::pair<Bytes, std::string> measured[] = {
        {Bytes(reinterpret_cast<const uint8_t*>(name_nul.data()), name_nul.size()),
         "UKI section name " + std::string(name)},
        {Bytes(contents),
         "UKI section " + std::string(name) + " (" + std::to_string(contents.size()) + " bytes)"}};
    for (const auto& [bytes, description] : measured) {
      BootEvent e;
      e.pcr = 11;
      e.type = parsers::kEvIpl;
      e.data = Utf16Name(name);
      e.description = description;
      for (size_t i = 0; i < banks.size(); ++i) {
        e.digests.push_back(crypto::Hash(banks[i], bytes));
        crypto::Extend(&pcr11[i], e.digests.back().span());
      }
      p.events.push_back(std::move(e));
    }
  }
  p.registers[11] = pcr11;
  return p;
}

}  // namespace ccv::predict
