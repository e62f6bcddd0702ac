// The one operation collateral fetching needs from HTTP: GET a URL. An
// interface, so that the fetching logic can be built without a network
// library (curl_http_client.h is the real one). Implementations document
// their own thread safety.
#ifndef CCV_VERIFIER_COLLATERAL_HTTP_CLIENT_H_
#define CCV_VERIFIER_COLLATERAL_HTTP_CLIENT_H_

#include <string>

#include "parsers/core/result.h"
#include "verifier/collateral/http_headers.h"

namespace ccv::collateral {

struct HttpResponse {
  long status = 0;      // HTTP status code of the final response
  HttpHeaders headers;  // of the final response
  std::string body;
};

class HttpClient {
 public:
  HttpClient() = default;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  virtual ~HttpClient() = default;

  // Any HTTP status is a response, not an error: the caller judges it.
  // Errors: kIo naming the URL and the transport failure (refused, timed
  // out, body shorter than announced ...); kLimitExceeded for a body larger
  // than the client accepts.
  virtual Result<HttpResponse> Get(const std::string& url) = 0;
};

}  // namespace ccv::collateral

#endif  // CCV_VERIFIER_COLLATERAL_HTTP_CLIENT_H_
