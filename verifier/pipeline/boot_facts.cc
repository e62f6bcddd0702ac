#include "verifier/pipeline/boot_facts.h"

#include <string>
#include <string_view>

#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "parsers/uefi_event.h"
#include "verifier/report/signature_list.h"

namespace ccv::pipeline {
namespace {

using result::BootFacts;
using result::BootVariableFact;
using result::DataStatus;
using result::EventFact;

// EFI_GLOBAL_VARIABLE (UEFI 2.10 §3.3) and EFI_IMAGE_SECURITY_DATABASE_GUID
// (§32.6.1), as GUID text.
constexpr std::string_view kGlobalVariableGuid = "8be4df61-93ca-11d2-aa0d-00e098032b8c";
constexpr std::string_view kImageSecurityDatabaseGuid = "d719b2cb-3d3a-4596-a3bc-dad00e67656f";

// The convention that hashes the whole UEFI_VARIABLE_DATA: only then are the
// variable's GUID and name covered by the digest.
constexpr std::string_view kWholeVariableConvention = "pfp";

// GRUB's kernel command line events (grub-core/commands/tpm.c, and the
// older Fedora/RHEL spelling).
constexpr std::string_view kGrubCmdlinePrefixes[] = {"kernel_cmdline: ", "grub_kernel_cmdline "};

bool IsSystemdText(const std::string& convention) {
  return convention == "systemd_utf16" || convention == "systemd_utf16_no_nul" ||
         convention == "systemd_utf16_short_nul";
}

// A note naming why `what`, measured at `e`, is not taken as a fact; "" when
// it may be taken.
std::string WhyNotUsable(const EventFact& e, std::string_view what, bool needs_whole_variable) {
  if (!e.bound) return std::string(what) + ": " + e.Pointer() + " is not bound to a quote";
  if (e.data != DataStatus::kVerified) {
    return std::string(what) + ": the data of " + e.Pointer() + " is not verified by its digest";
  }
  if (needs_whole_variable && e.convention != kWholeVariableConvention) {
    return std::string(what) + ": the digest of " + e.Pointer() +
           " covers the variable's data only (convention " + e.convention +
           "), not its name and GUID";
  }
  return "";
}

void SetVariable(const EventFact& e, const parsers::UefiVariableData& v, BootVariableFact* out,
                 std::vector<std::string>* notes) {
  BootVariableFact fact;
  fact.present = true;
  fact.evidence = e.Pointer();
  report::SignatureListDecode decoded = report::DecodeSignatureLists(v.variable_data, 0);
  fact.entries = decoded.entries.size();
  for (const report::SignatureEntry& entry : decoded.entries) {
    if (!entry.error.empty() && fact.error.empty()) fact.error = entry.error;
    if (entry.type != "x509" || entry.sha256_fingerprint.empty()) continue;
    fact.x509_sha256.push_back(entry.sha256_fingerprint);
    fact.x509_subjects.push_back(entry.subject);
  }
  if (!decoded.error.empty()) fact.error = decoded.error;
  if (out->present) {
    // Measured twice (two logs, or a repeated event): the facts must agree.
    if (out->x509_sha256 != fact.x509_sha256 || out->entries != fact.entries) {
      notes->push_back(v.unicode_name + ": " + out->evidence + " and " + fact.evidence +
                       " measured different values");
      out->error = "measured with different values at " + out->evidence + " and " + fact.evidence;
    }
    return;
  }
  *out = std::move(fact);
}

void TakeVariable(const EventFact& e, BootFacts* out) {
  if (e.config_data.empty()) return;
  Result<parsers::UefiVariableData> v = parsers::ParseUefiVariableData(e.config_data, 0);
  if (!v.ok()) return;
  const std::string guid = v->variable_name.ToString();
  BootVariableFact* slot = nullptr;
  if (guid == kGlobalVariableGuid && v->unicode_name == "PK") slot = &out->pk;
  if (guid == kGlobalVariableGuid && v->unicode_name == "KEK") slot = &out->kek;
  if (guid == kImageSecurityDatabaseGuid && v->unicode_name == "db") slot = &out->db;
  if (guid == kImageSecurityDatabaseGuid && v->unicode_name == "dbx") slot = &out->dbx;
  const bool is_secure_boot = guid == kGlobalVariableGuid && v->unicode_name == "SecureBoot";
  if (slot == nullptr && !is_secure_boot) return;
  if (std::string why = WhyNotUsable(e, v->unicode_name, true); !why.empty()) {
    out->notes.push_back(std::move(why));
    return;
  }
  if (slot != nullptr) {
    SetVariable(e, *v, slot, &out->notes);
    return;
  }
  if (v->variable_data.size() != 1 || v->variable_data[0] > 1) {
    out->notes.push_back("SecureBoot: " + e.Pointer() + " holds " +
                         std::to_string(v->variable_data.size()) +
                         " byte(s), not the one byte 0 or 1 UEFI defines");
    return;
  }
  const bool on = v->variable_data[0] == 1;
  if (out->secure_boot && *out->secure_boot != on) {
    out->notes.push_back("SecureBoot: " + out->secure_boot_evidence + " and " + e.Pointer() +
                         " measured different values");
    out->secure_boot.reset();
    out->secure_boot_evidence += ", " + e.Pointer() + " (conflicting)";
    return;
  }
  if (!out->secure_boot_evidence.empty()) return;
  out->secure_boot = on;
  out->secure_boot_evidence = e.Pointer();
}

// The command line an event carries, or nullopt.
std::optional<std::string> CmdlineOf(const EventFact& e) {
  if (e.type != parsers::kEvIpl || e.data != DataStatus::kVerified) return std::nullopt;
  if (e.convention == "grub_string" || e.convention == "grub_string_nul") {
    for (std::string_view prefix : kGrubCmdlinePrefixes) {
      if (e.text.rfind(prefix, 0) == 0) return e.text.substr(prefix.size());
    }
    return std::nullopt;
  }
  // systemd-stub measures the command line it passes to the kernel into
  // PCR 12 (a TD's RTMR2 holds PCR 8-15).
  if (IsSystemdText(e.convention) && (e.reg == "pcr12" || e.reg == "rtmr2")) return e.text;
  return std::nullopt;
}

}  // namespace

BootFacts DeriveBootFacts(const std::vector<EventFact>& events) {
  BootFacts out;
  bool cmdline_seen = false;
  for (const EventFact& e : events) {
    if (e.type == parsers::kEvEfiVariableDriverConfig) {
      TakeVariable(e, &out);
    } else if (e.type == parsers::kEvEfiBootServicesApplication && e.bound) {
      result::BootImageFact image;
      image.evidence = e.Pointer();
      image.reg = e.reg;
      const Digest* pick = nullptr;
      for (const Digest& d : e.digests) {
        if (d.alg == HashAlg::kSha256 || pick == nullptr) pick = &d;
      }
      if (pick != nullptr) {
        image.sha256 = std::string(HashAlgName(pick->alg)) + ":" + ToHex(pick->span());
      }
      image.device_path = e.device_path;
      out.images.push_back(std::move(image));
    } else if (std::optional<std::string> cmdline = CmdlineOf(e)) {
      cmdline_seen = true;
      if (!e.bound) {
        out.notes.push_back("kernel command line: " + e.Pointer() + " is not bound to a quote");
        continue;
      }
      out.cmdline = std::move(cmdline);
      out.cmdline_evidence = e.Pointer();
    }
  }
  if (!out.secure_boot && out.secure_boot_evidence.empty()) {
    bool noted = false;
    for (const std::string& n : out.notes) noted |= n.rfind("SecureBoot", 0) == 0;
    if (!noted) out.notes.push_back("SecureBoot: no event measured the SecureBoot variable");
  }
  if (!cmdline_seen) {
    out.notes.push_back(
        "kernel command line: no verified boot-loader event carries it (GRUB's "
        "kernel_cmdline or systemd-stub's); a kernel's EFI stub measures only the digest of "
        "its load options, which an event rule on that digest can pin");
  }
  return out;
}

}  // namespace ccv::pipeline
