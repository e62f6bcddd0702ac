// HttpClient over libcurl: plain GETs with connect and total timeouts, at
// most a few redirects, http and https only (TLS peers verified as curl does
// by default), and a cap on the body size. The only user of libcurl.
// Thread safety: one client per thread (each Get uses its own handle).
#ifndef CCV_VERIFIER_COLLATERAL_CURL_HTTP_CLIENT_H_
#define CCV_VERIFIER_COLLATERAL_CURL_HTTP_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <string>

#include "verifier/collateral/http_client.h"

namespace ccv::collateral {

struct HttpOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{60'000};  // per request
  size_t max_body_len = size_t{16} << 20;
};

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(HttpOptions options = {});

  // Errors: as HttpClient::Get; the message is "GET <url>: <curl's error>".
  Result<HttpResponse> Get(const std::string& url) override;

 private:
  HttpOptions options_;
};

}  // namespace ccv::collateral

#endif  // CCV_VERIFIER_COLLATERAL_CURL_HTTP_CLIENT_H_
