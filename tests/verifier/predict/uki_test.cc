// systemd-stub's PCR 11 for a unified kernel image against systemd-measure
// (systemd's own calculator, from the section files; skipped where it is not
// installed): our value from the assembled UKI, extended with the
// "enter-initrd" phase string as systemd-pcrphase does, equals its first
// phase value in every bank.
#include "verifier/predict/uki.h"

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "tests/parsers/pe_builder.h"
#include "tests/testing/cli.h"
#include "verifier/crypto/digest.h"

namespace ccv::predict {
namespace {

namespace fs = std::filesystem;
using testing::PeBuilder;
using testing::Quote;

constexpr const char* kSystemdMeasure = "/usr/lib/systemd/systemd-measure";

std::string Shell(const std::string& cmd) {
  std::string out;
  FILE* f = ::popen(cmd.c_str(), "r");
  if (f == nullptr) return out;
  char buf[512];
  while (std::fgets(buf, sizeof(buf), f) != nullptr) out += buf;
  ::pclose(f);
  return out;
}

std::vector<uint8_t> Pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = uint8_t(i * seed + 3);
  return v;
}

TEST(UkiTest, Pcr11EqualsSystemdMeasure) {
  if (!fs::exists(kSystemdMeasure)) GTEST_SKIP() << kSystemdMeasure << " not installed";
  const fs::path dir = fs::temp_directory_path() / ("ccv_uki_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string osrel = "ID=test\nVERSION_ID=1\n";
  const std::string cmdline = "console=ttyS0 root=/dev/vda2 ro";
  const std::vector<uint8_t> linux_image = PeBuilder::Default().Build();
  const std::vector<uint8_t> initrd = Pattern(3001, 17);
  PeBuilder b = PeBuilder::Default();
  // Out of systemd-stub's order on purpose, with a section it ignores.
  b.sections.push_back({".initrd", initrd});
  b.sections.push_back({".osrel", std::vector<uint8_t>(osrel.begin(), osrel.end())});
  b.sections.push_back({".sdmagic", Pattern(40, 5)});
  b.sections.push_back({".cmdline", std::vector<uint8_t>(cmdline.begin(), cmdline.end())});
  b.sections.push_back({".linux", linux_image});
  const std::vector<uint8_t> uki = b.Build();
  auto write = [&](const char* name, const void* data, size_t len) {
    EXPECT_TRUE(WriteFileBytes((dir / name).string(), data, len).ok());
    return Quote(dir / name);
  };
  const std::string args = " --linux=" + write("linux", linux_image.data(), linux_image.size()) +
                           " --osrel=" + write("osrel", osrel.data(), osrel.size()) +
                           " --cmdline=" + write("cmdline", cmdline.data(), cmdline.size()) +
                           " --initrd=" + write("initrd", initrd.data(), initrd.size());
  for (HashAlg alg : {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384, HashAlg::kSha512}) {
    SCOPED_TRACE(std::string(HashAlgName(alg)));
    const std::string out = Shell(std::string(kSystemdMeasure) + " calculate --phase=enter-initrd" +
                                  args + " --bank=" + std::string(HashAlgName(alg)) + " 2>&1");
    const std::string key = "11:" + std::string(HashAlgName(alg)) + "=";
    const size_t at = out.find(key);
    ASSERT_NE(at, std::string::npos) << out;
    const std::string theirs = out.substr(at + key.size(), 2 * DigestLen(alg));
    const HashAlg banks[] = {alg};
    auto p = PredictUkiBoot(uki, banks);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    Digest pcr11 = p->registers.at(11)[0];
    const std::string phase = "enter-initrd";
    crypto::Extend(&pcr11, crypto::Hash(alg, AsBytes(phase)).span());
    EXPECT_EQ(ToHex(pcr11.span()), theirs) << out;
    // Four sections, two events each, after the image's own PCR 4 event.
    ASSERT_EQ(p->events.size(), 9u);
    EXPECT_EQ(p->events[1].description, "UKI section name .linux");
    EXPECT_EQ(p->events[8].description, "UKI section .initrd (3001 bytes)");
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}

TEST(UkiTest, NotAUkiIsAnError) {
  const HashAlg banks[] = {HashAlg::kSha256};
  auto p = PredictUkiBoot(PeBuilder::Default().Build(), banks);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), ErrorCode::kNotFound);
  std::vector<uint8_t> junk(100, 0);
  EXPECT_EQ(PredictUkiBoot(junk, banks).status().code(), ErrorCode::kBadMagic);
}

}  // namespace
}  // namespace ccv::predict
