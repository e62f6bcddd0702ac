// ccv-gen-ima: writes a synthetic IMA list in both forms plus a sidecar JSON
// of the expected registers.
//   ccv-gen-ima --out PREFIX [--entries N] [--seed S] [--violation-every K]
//               [--ng-only] [--no-legacy] [--cc-api]
// writes PREFIX.ascii, PREFIX.bin and PREFIX.expected.json. --cc-api makes the
// cc-api TDX form (register index 2, SHA-384 template hashes, RTMR2).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "benchmarks/gen/ima_gen.h"

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: ccv-gen-ima --out PREFIX [--entries N] [--seed S] "
               "[--violation-every K] [--ng-only] [--no-legacy] [--cc-api]\n");
  return 2;
}

bool Flush(FILE* f, std::string* buf) {
  bool ok = std::fwrite(buf->data(), 1, buf->size(), f) == buf->size();
  buf->clear();
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  ccv::gen::ImaGenOptions opt;
  std::string out;
  uint64_t entries = 1000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--out") {
      const char* v = value();
      if (!v) return Usage();
      out = v;
    } else if (a == "--entries" || a == "--seed" || a == "--violation-every") {
      const char* v = value();
      if (!v) return Usage();
      uint64_t n = std::strtoull(v, nullptr, 10);
      if (a == "--entries")
        entries = n;
      else if (a == "--seed")
        opt.seed = n;
      else
        opt.violation_every = n;
    } else if (a == "--no-legacy") {
      opt.legacy_ima = false;
    } else if (a == "--ng-only") {
      opt.mixed_templates = false;
    } else if (a == "--cc-api") {
      opt.pcr = 2;
      opt.listed_alg = ccv::HashAlg::kSha384;
      opt.banks = {ccv::HashAlg::kSha384};
    } else {
      return Usage();
    }
  }
  if (out.empty()) return Usage();
  FILE* fa = std::fopen((out + ".ascii").c_str(), "wb");
  FILE* fb = std::fopen((out + ".bin").c_str(), "wb");
  FILE* fj = std::fopen((out + ".expected.json").c_str(), "wb");
  if (!fa || !fb || !fj) {
    std::fprintf(stderr, "ccv-gen-ima: cannot create %s.*: %s\n", out.c_str(),
                 std::strerror(errno));
    return 3;
  }
  ccv::gen::ImaGenerator gen(opt);
  std::string a, b;
  bool ok = true;
  for (uint64_t i = 0; i < entries; ++i) {
    gen.Next(&a, &b);
    if (a.size() > (1u << 20)) ok = Flush(fa, &a) && Flush(fb, &b) && ok;
  }
  ok = Flush(fa, &a) && Flush(fb, &b) && ok;
  std::string j = gen.ExpectedJson();
  ok = Flush(fj, &j) && ok;
  ok = std::fclose(fa) == 0 && ok;
  ok = std::fclose(fb) == 0 && ok;
  ok = std::fclose(fj) == 0 && ok;
  if (!ok) {
    std::fprintf(stderr, "ccv-gen-ima: write failed\n");
    return 3;
  }
  return 0;
}
