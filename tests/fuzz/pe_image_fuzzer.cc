// libFuzzer harness: PE/COFF images (Authenticode digest, certificate table,
// PKCS#7 signatures), and the boot predictions that read them: a unified
// kernel image (systemd-stub version, measured sections, the embedded kernel)
// and shim + GRUB with the input as grub.cfg too, each also under Secure Boot
// (a store whose db is the input: signature lists, authority events, shim's
// .vendor_cert and .sbatlevel sections). Every range the parser
// returns must lie in the input; a prediction either fails with a parse
// status or claims only registers whose every event it predicted.
#include <cstddef>
#include <cstdint>

#include "parsers/pe/pe_image.h"
#include "tests/fuzz/fuzz_util.h"
#include "verifier/predict/authenticode.h"
#include "verifier/predict/grub_boot.h"
#include "verifier/predict/secure_boot_authority.h"
#include "verifier/predict/uefi_variables.h"
#include "verifier/predict/uki.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ccv::Bytes in = ccv::fuzz::AsInput(data, size);
  auto img = ccv::parsers::ParsePeImage(in);
  if (!img.ok()) {
    ccv::fuzz::CheckParseStatus(img.status());
    return 0;
  }
  for (const ccv::parsers::FileRange& r : img->authenticode_ranges) {
    CCV_FUZZ_CHECK(r.len > 0 && r.offset <= size && r.len <= size - r.offset);
  }
  for (const ccv::parsers::PeSection& s : img->sections) {
    CCV_FUZZ_CHECK(ccv::parsers::SectionData(in, s).size() == s.size_of_raw_data);
  }
  const ccv::HashAlg algs[] = {ccv::HashAlg::kSha256};
  auto m = ccv::predict::MeasureAuthenticode(in, algs);
  if (!m.ok()) ccv::fuzz::CheckParseStatus(m.status());
  auto claims_only_known = [](const ccv::predict::BootPrediction& p) {
    for (const auto& [pcr, values] : p.registers) {
      for (const ccv::predict::BootEvent& e : p.events) {
        if (e.pcr == pcr) CCV_FUZZ_CHECK(e.predicted);
      }
    }
  };
  // Secure Boot on, db = the input.
  const uint8_t pk[] = {1}, on[] = {1};
  ccv::parsers::VariableStore store_data;
  store_data.variables.push_back({ccv::predict::EfiGlobalVariableGuid(), "PK", 0, ccv::Bytes(pk)});
  store_data.variables.push_back({*ccv::predict::ParseGuid("f0a30bc7-af08-4556-99c4-001009c93a44"),
                                  "SecureBootEnable", 0, ccv::Bytes(on)});
  store_data.variables.push_back({ccv::predict::ImageSecurityDatabaseGuid(), "db", 0, in});
  const ccv::parsers::VariableStore* store = &store_data;
  auto entries = ccv::predict::X509SignatureEntries(in);
  if (entries.ok()) {
    for (const ccv::predict::SignatureDbEntry& e : *entries) {
      CCV_FUZZ_CHECK(e.signature_data.size() == 16 + e.certificate.size());
    }
  } else {
    ccv::fuzz::CheckParseStatus(entries.status());
  }
  for (const ccv::parsers::VariableStore* vars :
       {static_cast<const ccv::parsers::VariableStore*>(nullptr), store}) {
    auto uki = ccv::predict::PredictUkiBoot(in, algs, vars);
    if (uki.ok()) {
      claims_only_known(*uki);
    } else if (uki.status().code() != ccv::ErrorCode::kNotFound) {
      ccv::fuzz::CheckParseStatus(uki.status());
    }
  }
  auto shim = ccv::predict::PredictShimEvents(store, in, in, in, algs);
  if (!shim.ok()) ccv::fuzz::CheckParseStatus(shim.status());
  ccv::predict::GrubBootInputs g;
  g.shim = g.grub = g.kernel = in;
  g.initrd = in;
  g.grub_cfg = ccv::fuzz::AsText(data, size);
  g.grub_root = "(hd0)";  // GRUB's module area: embedded config, prefix, FAT memdisk
  g.banks = {ccv::HashAlg::kSha256};
  for (const ccv::parsers::VariableStore* vars :
       {static_cast<const ccv::parsers::VariableStore*>(nullptr), store}) {
    g.firmware_vars = vars;
    auto grub = ccv::predict::PredictGrubBoot(g);
    if (grub.ok()) {
      claims_only_known(*grub);
    } else {
      ccv::fuzz::CheckParseStatus(grub.status());
    }
  }
  return 0;
}
