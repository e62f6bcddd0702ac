// The catch-all test of policy lint (lint.h) for the policy's own regexes:
// it runs the engine evaluation runs, so lint and verdicts agree.
#include "policies/lint.h"

namespace ccv::policy {

bool IsCatchAllRegex(const Regex& re) {
  static const char* kSamples[] = {"/usr/bin/bash", "boot_aggregate", "/etc/ld.so.cache",
                                   "x", "/var/lib/containerd/a/b", "C:\\Windows"};
  for (const char* s : kSamples) {
    if (!re.Search(s)) return false;
  }
  return true;
}

}  // namespace ccv::policy
