// verify_bundle BUNDLE_DIR [POLICY] [ROOT_CA]: verifies an evidence bundle
// through the ccverify library (docs/api.md) and prints the verdict, every
// failed check and rule, and the exit code `ccverify verify` would give.
// With --json as the first argument, prints the report instead (the same
// document as `ccverify verify --format json`).
#include <cstdio>
#include <cstring>

#include <ccverify/ccverify.h>

int main(int argc, char** argv) {
  bool json = argc > 1 && std::strcmp(argv[1], "--json") == 0;
  if (json) {
    --argc;
    ++argv;
  }
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: verify_bundle [--json] BUNDLE_DIR [POLICY] [ROOT_CA]\n");
    return 2;
  }
  ccverify::VerifyOptions options;
  options.bundle_dir = argv[1];
  if (argc > 2) options.policy = argv[2];
  if (argc > 3) options.root_ca = argv[3];
  ccverify::VerifyResult r = ccverify::Verify(options);
  if (!r.ok()) {
    std::fprintf(stderr, "verify_bundle: %s\n", r.error.c_str());
    return static_cast<int>(r.status);
  }
  if (json) {
    std::fputs(r.json.c_str(), stdout);
    return static_cast<int>(r.status);
  }
  std::printf("ccverify %s: %s (%zu checks, %zu rules)\n", ccverify::Version(), r.outcome.c_str(),
              r.checks.size(), r.rules.size());
  for (const ccverify::Finding& f : r.checks) {
    if (f.status == "fail") std::printf("  check %s: %s\n", f.id.c_str(), f.detail.c_str());
  }
  for (const ccverify::Finding& f : r.rules) {
    if (f.status == "fail") std::printf("  rule %s: %s\n", f.id.c_str(), f.detail.c_str());
  }
  return static_cast<int>(r.status);
}
