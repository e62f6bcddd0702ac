// Generated lists (benchmarks/gen/ima_gen): 10^5 entries with mixed templates
// and violations replay to the registers the generator computed with its own
// loop; and, where Debian's evmctl is installed, evmctl's ima_measurement
// agrees with our PCR10 on a generated binary list.
#include <cstdio>
#include <filesystem>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "benchmarks/gen/ima_gen.h"
#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "tests/verifier/replay/ima_test_util.h"
#include "verifier/replay/ima_replay.h"

namespace ccv::replay {
namespace {

struct Generated {
  std::string ascii, binary;
  gen::ImaGenerator gen;
  explicit Generated(gen::ImaGenOptions o, uint64_t n) : gen(std::move(o)) {
    for (uint64_t i = 0; i < n; ++i) gen.Next(&ascii, &binary);
  }
};

void ExpectMatchesGenerator(const ImaReplayResult& r, const gen::ImaGenerator& g, RegisterId reg) {
  EXPECT_EQ(r.entries, g.entries());
  EXPECT_EQ(r.violations, g.violations());
  EXPECT_EQ(r.hashes_verified, g.entries() - g.violations());
  EXPECT_EQ(r.hashes_mismatched, 0u);
  EXPECT_EQ(r.templates, g.templates());
  for (const auto& [bank, d] : g.expected()) {
    EXPECT_EQ(testing::HexOf(r.registers, reg, bank), ToHex(d.span())) << HashAlgName(bank);
  }
}

TEST(ImaGeneratedTest, HundredThousandMixedEntriesWithViolationsBothForms) {
  gen::ImaGenOptions o;
  o.seed = 42;
  o.violation_every = 97;
  Generated g(o, 100000);
  EXPECT_GE(g.gen.templates().size(), 9u);  // every template appears
  EXPECT_EQ(g.gen.violations(), 100000u / 97);
  auto a = ReplayImaBytes(AsBytes(g.ascii), {}, {});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ExpectMatchesGenerator(*a, g.gen, RegisterId::Pcr(10));
  ima::ReadOptions ro;
  ro.format = ima::LogFormat::kBinary;
  auto b = ReplayImaBytes(AsBytes(g.binary), ro, {});
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ExpectMatchesGenerator(*b, g.gen, RegisterId::Pcr(10));
}

TEST(ImaGeneratedTest, CcApiFormReplaysRtmr2) {
  gen::ImaGenOptions o;
  o.seed = 7;
  o.pcr = 2;
  o.listed_alg = HashAlg::kSha384;
  o.banks = {HashAlg::kSha384};
  o.violation_every = 50;
  Generated g(o, 20000);
  ImaReplayOptions opt;
  opt.register_kind = RegisterId::Kind::kRtmr;
  for (int form = 0; form < 2; ++form) {
    ima::ReadOptions ro;
    if (form == 1) ro.format = ima::LogFormat::kBinary;
    auto r = ReplayImaBytes(AsBytes(form == 0 ? g.ascii : g.binary), ro, opt);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ExpectMatchesGenerator(*r, g.gen, RegisterId::Rtmr(2));
    EXPECT_EQ(r->listed_alg, HashAlg::kSha384);
  }
}

TEST(ImaGeneratedTest, SidecarJsonNamesTheRegisters) {
  gen::ImaGenOptions o;
  Generated g(o, 10);
  rapidjson::Document d;
  std::string j = g.gen.ExpectedJson();
  d.Parse(j.c_str());
  ASSERT_FALSE(d.HasParseError()) << j;
  EXPECT_EQ(d["entries"].GetInt(), 10);
  EXPECT_STREQ(d["registers"]["pcr10"]["sha256"].GetString(),
               ToHex(g.gen.expected().at(HashAlg::kSha256).span()).c_str());
}

std::string FindEvmctl() {
  for (const char* p : {"/usr/bin/evmctl", "/usr/local/bin/evmctl", "/bin/evmctl"}) {
    if (access(p, X_OK) == 0) return p;
  }
  return "";
}

// Runs evmctl ima_measurement with per-bank PCR files; returns its exit code.
int RunEvmctl(const std::string& evmctl, const std::filesystem::path& dir, const std::string& list,
              const std::string& sha1_pcr10, const std::string& sha256_pcr10) {
  for (auto [bank, value, len] :
       {std::tuple{"sha1", sha1_pcr10, 40}, std::tuple{"sha256", sha256_pcr10, 64}}) {
    std::string text;
    for (int i = 0; i < 24; ++i) {
      char head[24];  // room for any int, as -Wformat-truncation assumes
      std::snprintf(head, sizeof head, "PCR-%02d: ", i);
      text += head + (i == 10 ? value : std::string(size_t(len), '0')) + "\n";
    }
    if (!WriteFileBytes((dir / (std::string("pcrs-") + bank)).string(), text.data(), text.size())
             .ok()) {
      return -1;
    }
  }
  std::string cmd = evmctl + " ima_measurement --ignore-violations --pcrs sha1," +
                    (dir / "pcrs-sha1").string() + " --pcrs sha256," +
                    (dir / "pcrs-sha256").string() + " " + list + " >/dev/null 2>&1";
  int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(ImaGeneratedTest, EvmctlAgreesWithOurPcr10OnAGeneratedBinaryList) {
  std::string evmctl = FindEvmctl();
  if (evmctl.empty()) GTEST_SKIP() << "evmctl (ima-evm-utils) not installed; skipping cross-check";
  gen::ImaGenOptions o;
  o.seed = 3;
  o.violation_every = 41;
  o.legacy_ima = false;  // evmctl refuses lists mixing "ima" with other templates
  // --ignore-violations makes evmctl extend violations as 0xFF (as the kernel does).
  Generated g(o, 3000);
  auto dir = std::filesystem::temp_directory_path() / ("ccv-evmctl-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string list = (dir / "binary_runtime_measurements").string();
  ASSERT_TRUE(WriteFileBytes(list, g.binary.data(), g.binary.size()).ok());
  ima::ReadOptions ro;
  ro.format = ima::LogFormat::kBinary;
  auto r = ReplayImaBytes(AsBytes(g.binary), ro, {});
  ASSERT_TRUE(r.ok());
  std::string s1 = testing::HexOf(r->registers, RegisterId::Pcr(10), HashAlg::kSha1);
  std::string s256 = testing::HexOf(r->registers, RegisterId::Pcr(10), HashAlg::kSha256);
  EXPECT_EQ(RunEvmctl(evmctl, dir, list, s1, s256), 0) << "evmctl disagrees with " << s1;
  // A wrong value must be rejected, or the comparison above proves nothing.
  std::string wrong = s256;
  wrong[0] = wrong[0] == '0' ? '1' : '0';
  std::string wrong1 = s1;
  wrong1[0] = wrong1[0] == '0' ? '1' : '0';
  EXPECT_NE(RunEvmctl(evmctl, dir, list, wrong1, wrong), 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ccv::replay
