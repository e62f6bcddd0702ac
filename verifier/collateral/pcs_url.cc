#include "verifier/collateral/pcs_url.h"

namespace ccv::collateral {

namespace {

Status Bad(std::string_view url, const std::string& why) {
  return Status(ErrorCode::kInvalidArgument, "service URL '" + std::string(url) + "': " + why);
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string ApiRoot(const Service& s, std::string_view tee) {
  return s.base_url + "/" + std::string(tee) + "/certification/v4";
}

}  // namespace

Result<Service> MakeService(ServiceKind kind, std::string_view url) {
  for (char c : url) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return Bad(url, "holds whitespace or a control character");
  }
  size_t scheme_len = 0;
  if (url.substr(0, 7) == "http://") {
    scheme_len = 7;
  } else if (url.substr(0, 8) == "https://") {
    scheme_len = 8;
  } else {
    return Bad(url, "expected http:// or https://");
  }
  if (url.find_first_of("?#") != std::string_view::npos) {
    return Bad(url, "expected no query or fragment");
  }
  std::string_view rest = url;
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  for (std::string_view root : {"/sgx/certification/v4", "/tdx/certification/v4"}) {
    if (EndsWith(rest, root)) {
      rest.remove_suffix(root.size());
      break;
    }
  }
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find("/certification/") != std::string_view::npos) {
    return Bad(url, "names an API version other than v4 (give the service root)");
  }
  if (rest.size() <= scheme_len) return Bad(url, "names no host");
  return Service{kind, std::string(rest)};
}

std::string TcbInfoUrl(const Service& service, const CollateralKey& key) {
  return ApiRoot(service, TeeName(key.tee)) + "/tcb?fmspc=" + FmspcHex(key.fmspc);
}

std::string QeIdentityUrl(const Service& service, Tee tee) {
  return ApiRoot(service, TeeName(tee)) + "/qe/identity";
}

std::string PckCrlUrl(const Service& service, PckCa ca) {
  return ApiRoot(service, "sgx") + "/pckcrl?ca=" + std::string(PckCaName(ca)) + "&encoding=der";
}

std::string RootCaCrlUrl(const Service& service) { return ApiRoot(service, "sgx") + "/rootcacrl"; }

}  // namespace ccv::collateral
