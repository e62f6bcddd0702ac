#include "verifier/result/facts.h"

#include <algorithm>

namespace ccv::result {
namespace {

// Checks that establish authenticity or consistency, beyond the quote.*
// and replay.* families (see IsAuthenticityCheck).
constexpr std::string_view kAuthenticityChecks[] = {
    "report_data.binding",
    "containers.binding",
    "ccel.table",
    "ccel.event_digests",
    "tpm.event_digests",
    "cel.event_digests",
    "cel.template_hashes",
    "ima.template_hashes",
    "ima.boot_aggregate",
    "ccel.bound",
    "tpm.bound",
    "cel.bound",
    "ima.bound",
    "dstack.bound",
    "dstack.event_digests",
    "dstack.runtime_digests",
};

}  // namespace

const char* DataStatusName(DataStatus s) {
  switch (s) {
    case DataStatus::kVerified:
      return "verified";
    case DataStatus::kUnverified:
      return "unverified";
    case DataStatus::kMismatched:
      return "mismatched";
  }
  return "unverified";
}

const char* NonceSourceName(NonceSource s) {
  switch (s) {
    case NonceSource::kNone:
      return "none";
    case NonceSource::kBundle:
      return "bundle";
    case NonceSource::kVerifier:
      return "verifier";
  }
  return "none";
}

bool IsAuthenticityCheck(std::string_view id) {
  if (id.starts_with("quote.")) return id != "quote.tcb_status";
  if (id.starts_with("replay.")) return true;
  if (id.starts_with("tpm.")) return true;  // TPM quote, AK and log binding
  return std::find(std::begin(kAuthenticityChecks), std::end(kAuthenticityChecks), id) !=
         std::end(kAuthenticityChecks);
}

bool PrefixCoversAuthenticity(std::string_view prefix) {
  if (std::string_view("quote.").starts_with(prefix) || prefix.starts_with("quote.")) {
    return prefix != "quote.tcb_status.";
  }
  if (std::string_view("replay.").starts_with(prefix) || prefix.starts_with("replay.")) return true;
  if (std::string_view("tpm.").starts_with(prefix) || prefix.starts_with("tpm.")) return true;
  return std::any_of(std::begin(kAuthenticityChecks), std::end(kAuthenticityChecks),
                     [&](std::string_view id) { return id.starts_with(prefix); });
}

}  // namespace ccv::result
