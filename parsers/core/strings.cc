#include "parsers/core/strings.h"

#include <cstdarg>
#include <cstdio>

namespace ccv {

void StrAppendF(std::string* out, const char* format, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, format);
  int n = std::vsnprintf(buf, sizeof(buf), format, ap);
  va_end(ap);
  if (n < 0) return;
  if (size_t(n) < sizeof(buf)) {
    out->append(buf, size_t(n));
    return;
  }
  const size_t at = out->size();
  out->resize(at + size_t(n) + 1);
  va_start(ap, format);
  std::vsnprintf(out->data() + at, size_t(n) + 1, format, ap);
  va_end(ap);
  out->resize(at + size_t(n));
}

}  // namespace ccv
