// HTTP response header fields (RFC 9110 section 5) as an HTTP client hands
// them over line by line, and the percent-decoding (RFC 3986 section 2.1)
// Intel PCS and the PCCS apply to the PEM issuer chains they put in
// headers. Field names compare without regard to case. Not thread-safe for
// writes; const methods may be called concurrently.
#ifndef CCV_VERIFIER_COLLATERAL_HTTP_HEADERS_H_
#define CCV_VERIFIER_COLLATERAL_HTTP_HEADERS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parsers/core/result.h"

namespace ccv::collateral {

class HttpHeaders {
 public:
  HttpHeaders() = default;
  HttpHeaders(const HttpHeaders&) = default;
  HttpHeaders& operator=(const HttpHeaders&) = default;
  HttpHeaders(HttpHeaders&&) = default;
  HttpHeaders& operator=(HttpHeaders&&) = default;

  void Add(std::string name, std::string value);
  void Clear() { fields_.clear(); }
  // The value of the first field called `name` (any case), or nullptr.
  const std::string* Find(std::string_view name) const;
  size_t size() const { return fields_.size(); }

  // Adds one raw header line ("Name: value", CRLF or LF optional). A status
  // line ("HTTP/1.1 200 OK") starts a new response: the fields of an earlier
  // one (a redirect, a 100 Continue) are dropped. A line that starts with a
  // space or tab continues the previous field (obsolete folding). An empty
  // line ends the header block and is ignored. Leading and trailing blanks
  // of a value are removed. Errors: kBadValue for a line without ':' or with
  // a name that is empty or holds characters a token may not.
  Status AddLine(std::string_view line);

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// Decodes every "%XX" (hex, either case) to its byte; every other character
// stays as it is, '+' included (base64 PEM uses it; this is not form
// decoding). Errors: kBadValue at the offset of a '%' not followed by two
// hex digits.
Result<std::string> PercentDecode(std::string_view text);

}  // namespace ccv::collateral

#endif  // CCV_VERIFIER_COLLATERAL_HTTP_HEADERS_H_
