#include "verifier/collateral/curl_http_client.h"

#include <dlfcn.h>
#include <memory>

#include <curl/curl.h>

#ifndef CCV_LIBCURL_SONAME
#define CCV_LIBCURL_SONAME "libcurl.so.4"
#endif

namespace ccv::collateral {

namespace {

// libcurl is loaded when the first request is made, not linked: only
// `collateral fetch` needs it, and loading it with the ~30 libraries it
// brings (TLS, Kerberos, LDAP, ...) cost every other command a few
// milliseconds of start-up.
struct CurlApi {
  decltype(&::curl_global_init) global_init = nullptr;
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_setopt) easy_setopt = nullptr;
  decltype(&::curl_easy_perform) easy_perform = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
};

template <typename F>
bool Resolve(void* lib, const char* name, F* out) {
  *out = reinterpret_cast<F>(dlsym(lib, name));
  return *out != nullptr;
}

// The loaded and initialised library, or why it could not be loaded.
const Result<const CurlApi*>& Curl() {
  static const Result<const CurlApi*> api = []() -> Result<const CurlApi*> {
    void* lib = dlopen(CCV_LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      const char* why = dlerror();
      return Status(ErrorCode::kUnsupported, std::string("HTTP needs libcurl (" CCV_LIBCURL_SONAME
                                                         "), which could not be loaded: ") +
                                                 (why != nullptr ? why : "unknown error"));
    }
    static CurlApi c;  // the library stays loaded for the process
    if (!Resolve(lib, "curl_global_init", &c.global_init) ||
        !Resolve(lib, "curl_easy_init", &c.easy_init) ||
        !Resolve(lib, "curl_easy_cleanup", &c.easy_cleanup) ||
        !Resolve(lib, "curl_easy_setopt", &c.easy_setopt) ||
        !Resolve(lib, "curl_easy_perform", &c.easy_perform) ||
        !Resolve(lib, "curl_easy_strerror", &c.easy_strerror) ||
        !Resolve(lib, "curl_easy_getinfo", &c.easy_getinfo)) {
      return Status(ErrorCode::kUnsupported,
                    "HTTP needs libcurl (" CCV_LIBCURL_SONAME "): a function is missing from it");
    }
    if (c.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      return Status(ErrorCode::kInternal, "curl_global_init failed");
    }
    return &c;
  }();
  return api;
}

struct EasyDeleter {
  const CurlApi* api;
  void operator()(CURL* c) const { api->easy_cleanup(c); }
};

struct Transfer {
  HttpResponse response;
  size_t max_body_len = 0;
  bool body_too_large = false;
  Status header_error;
};

size_t OnBody(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nmemb;
  if (n > t->max_body_len - t->response.body.size()) {
    t->body_too_large = true;
    return 0;  // curl aborts with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nmemb;
  Status s = t->response.headers.AddLine(std::string_view(data, n));
  if (!s.ok() && t->header_error.ok()) t->header_error = s;
  return n;
}

}  // namespace

CurlHttpClient::CurlHttpClient(HttpOptions options) : options_(options) {}

Result<HttpResponse> CurlHttpClient::Get(const std::string& url) {
  const Result<const CurlApi*>& loaded = Curl();
  if (!loaded.ok()) return loaded.status().WithContext("GET " + url);
  const CurlApi& api = **loaded;
  std::unique_ptr<CURL, EasyDeleter> curl(api.easy_init(), EasyDeleter{&api});
  if (!curl) return Status(ErrorCode::kInternal, "curl_easy_init failed");
  CURL* c = curl.get();
  Transfer t;
  t.max_body_len = options_.max_body_len;
  char error[CURL_ERROR_SIZE] = {0};
  api.easy_setopt(c, CURLOPT_URL, url.c_str());
  api.easy_setopt(c, CURLOPT_HTTPGET, 1L);
  api.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  api.easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  api.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  api.easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
  api.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, long(options_.connect_timeout.count()));
  api.easy_setopt(c, CURLOPT_TIMEOUT_MS, long(options_.total_timeout.count()));
  api.easy_setopt(c, CURLOPT_USERAGENT, "ccverify");
  api.easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  api.easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  api.easy_setopt(c, CURLOPT_WRITEDATA, &t);
  api.easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  api.easy_setopt(c, CURLOPT_HEADERDATA, &t);
  CURLcode rc = api.easy_perform(c);
  if (t.body_too_large) {
    return Status(ErrorCode::kLimitExceeded, "GET " + url + ": response body exceeds " +
                                                 std::to_string(options_.max_body_len) + " bytes");
  }
  if (rc != CURLE_OK) {
    std::string why = error[0] != '\0' ? error : api.easy_strerror(rc);
    return Status(ErrorCode::kIo,
                  "GET " + url + ": curl error " + std::to_string(int(rc)) + ": " + why);
  }
  if (!t.header_error.ok()) return t.header_error.WithContext("GET " + url);
  api.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &t.response.status);
  return std::move(t.response);
}

}  // namespace ccv::collateral
