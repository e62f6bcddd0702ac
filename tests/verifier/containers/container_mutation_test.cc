// Mutated ima-cgpath lists: every mutation of the sample list (bytes flipped,
// lines cut, cgroup paths rewritten) gives either a view or an error naming a
// line, never a crash; a record whose bytes changed fails its template hash
// or its line.
#include <cstdint>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "tests/testing/corpus.h"
#include "verifier/containers/cgroup_identity.h"
#include "verifier/containers/container_view.h"

namespace ccv::containers {
namespace {

constexpr char kList[] = "ima/cima-container-pod.ima-cgpath.derived.ascii";

TEST(ContainerMutationTest, ByteMutationsGiveViewOrLineError) {
  CCV_REQUIRE_CORPUS(corpus);
  Result<std::string> text = ReadFileText((corpus / kList).string());
  ASSERT_TRUE(text.ok());
  std::mt19937_64 rng(20261128);
  const char kAlphabet[] = " \n\t:_-/.0aF\xff\x00zkubepods.slice";
  size_t views = 0, errors = 0;
  for (int iter = 0; iter < 1500; ++iter) {
    std::string t = *text;
    int edits = 1 + int(rng() % 4);
    for (int k = 0; k < edits; ++k) {
      size_t at = rng() % t.size();
      switch (rng() % 3) {
        case 0:
          t[at] = kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
          break;
        case 1:
          t.erase(at, 1 + rng() % 40);
          break;
        default: {
          std::string ins(1 + rng() % 3, kAlphabet[rng() % (sizeof(kAlphabet) - 1)]);
          t = t.substr(0, at) + ins + t.substr(at);
        }
      }
      if (t.empty()) t.assign(1, ' ');
    }
    ContainerViewOptions opt;
    opt.max_findings = 5;
    auto v = BuildContainerViewBytes(AsBytes(t), {}, opt);
    if (v.ok()) {
      ++views;
      uint64_t in_units = 0;
      for (const ContainerUnit& u : v->units) in_units += u.records;
      EXPECT_EQ(in_units + v->host_records + v->unattributed_records, v->entries);
      EXPECT_EQ(v->hashes_verified + v->hashes_mismatched + v->violations, v->entries);
      EXPECT_LE(v->findings.size(), 5u);
    } else {
      ++errors;
      EXPECT_TRUE(v.status().line().has_value() || v.status().offset().has_value())
          << v.status().ToString();
    }
  }
  EXPECT_GT(views, 0u);
  EXPECT_GT(errors, 0u);
}

TEST(ContainerMutationTest, RandomCgroupPathsNeverCrashIdentity) {
  std::mt19937_64 rng(7);
  const std::string parts[] = {"/",
                               "kubepods.slice",
                               "system.slice",
                               "docker-",
                               "-pod",
                               ".slice",
                               ".scope",
                               "_",
                               "-",
                               "cri-containerd-",
                               "f52130f4",
                               "0123456789abcdef",
                               "c5be",
                               "x",
                               "\xc3\xa9",
                               "\n"};
  for (int iter = 0; iter < 20000; ++iter) {
    std::string p;
    int n = int(rng() % 12);
    for (int k = 0; k < n; ++k) p += parts[rng() % std::size(parts)];
    if (rng() % 4 == 0) p += std::string(32 + rng() % 40, "0123456789abcdef_"[rng() % 17]);
    CgroupIdentity id = IdentifyCgroupPath(p);
    if (!id.container) {
      EXPECT_TRUE(id.cima_id.empty()) << p;
    }
    if (!id.cima_id.empty()) {
      EXPECT_TRUE(id.kind == "pod" || id.kind == "container") << p;
    }
    EXPECT_LE(id.cima_id.size(), p.size());
  }
}

}  // namespace
}  // namespace ccv::containers
