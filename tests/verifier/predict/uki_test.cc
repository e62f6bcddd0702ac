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
#include "verifier/predict/authenticode.h"

namespace ccv::predict {
namespace {

namespace fs = std::filesystem;

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
  const std::vector<uint8_t> linux_image = testing::PeBuilder::Default().Build();
  const std::vector<uint8_t> initrd = Pattern(3001, 17);
  testing::PeBuilder b = testing::PeBuilder::Default();
  // Out of systemd-stub's order on purpose, with a section it ignores.
  b.sections.push_back({".initrd", initrd});
  b.sections.push_back({".osrel", std::vector<uint8_t>(osrel.begin(), osrel.end())});
  b.sections.push_back({".sdmagic", Pattern(40, 5)});
  b.sections.push_back({".cmdline", std::vector<uint8_t>(cmdline.begin(), cmdline.end())});
  b.sections.push_back({".linux", linux_image});
  const std::vector<uint8_t> uki = b.Build();
  auto write = [&](const char* name, const void* data, size_t len) {
    EXPECT_TRUE(WriteFileBytes((dir / name).string(), data, len).ok());
    return testing::Quote(dir / name);
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
    // Four sections, two events each.
    std::vector<const BootEvent*> pcr11_events;
    for (const BootEvent& e : p->events) {
      if (e.pcr == 11) pcr11_events.push_back(&e);
    }
    ASSERT_EQ(pcr11_events.size(), 8u);
    EXPECT_EQ(pcr11_events[0]->description, "UKI section name .linux");
    EXPECT_EQ(pcr11_events[7]->description,
              "UKI section .initrd (3001 bytes, systemd-stub of unknown version)");
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}

std::vector<uint8_t> Text(std::string_view s) { return {s.begin(), s.end()}; }

// A UKI with every section kind a stub version decides about.
std::vector<uint8_t> UkiWith(std::string_view sdmagic, std::string_view cmdline,
                             const std::vector<uint8_t>& linux_image,
                             const std::vector<uint8_t>& initrd) {
  testing::PeBuilder b = testing::PeBuilder::Default();
  b.sections.push_back({".sbat", Text("sbat,1,SBAT Version,sbat,1,https://x\n")});
  if (!sdmagic.empty()) b.sections.push_back({".sdmagic", Text(sdmagic)});
  b.sections.push_back({".osrel", Text("ID=test\n")});
  if (!cmdline.empty()) b.sections.push_back({".cmdline", Text(cmdline)});
  b.sections.push_back({".uname", Text("6.1.0-test")});
  b.sections.push_back({".linux", linux_image});
  b.sections.push_back({".initrd", initrd});
  return b.Build();
}

std::vector<std::string> Pcr11Names(const BootPrediction& p) {
  std::vector<std::string> names;
  for (const BootEvent& e : p.events) {
    if (e.pcr == 11 && e.description.starts_with("UKI section name ")) {
      names.push_back(e.description.substr(17));
    }
  }
  return names;
}

const BootEvent* Find(const BootPrediction& p, uint32_t pcr, std::string_view prefix) {
  for (const BootEvent& e : p.events) {
    if (e.pcr == pcr && e.description.starts_with(prefix)) return &e;
  }
  return nullptr;
}

constexpr std::string_view kStub252 = "#### LoaderInfo: systemd-stub 252.39-1~deb12u2 ####";
constexpr std::string_view kStub255 = "#### LoaderInfo: systemd-stub 255.4 ####";

TEST(UkiTest, StubVersionFromSdmagic) {
  const std::vector<uint8_t> linux_image = testing::PeBuilder::Default().Build();
  for (const auto& [magic, want] : std::vector<std::pair<std::string_view, uint32_t>>{
           {kStub252, 252},
           {kStub255, 255},
           {"systemd-stub x", 0},
           {"#### LoaderInfo: systemd-boot 252 ####", 0},
           {"", 0}}) {
    SCOPED_TRACE(std::string(magic));
    const std::vector<uint8_t> uki = UkiWith(magic, "a", linux_image, {1, 2, 3});
    auto img = parsers::ParsePeImage(uki);
    ASSERT_TRUE(img.ok());
    EXPECT_EQ(SystemdStubVersion(uki, *img), want);
  }
}

// systemd-stub 252 (Debian 12) measures neither .uname nor .sbat; 253 and later do
// (the lab's real boot checks 252: tests/lab).
TEST(UkiTest, MeasuredSectionsFollowTheStubVersion) {
  const std::vector<uint8_t> linux_image = testing::PeBuilder::Default().Build();
  const HashAlg banks[] = {HashAlg::kSha256};
  auto p252 = PredictUkiBoot(UkiWith(kStub252, "a b", linux_image, {1, 2, 3}), banks);
  ASSERT_TRUE(p252.ok()) << p252.status().ToString();
  EXPECT_EQ(Pcr11Names(*p252),
            (std::vector<std::string>{".linux", ".osrel", ".cmdline", ".initrd"}));
  auto p255 = PredictUkiBoot(UkiWith(kStub255, "a b", linux_image, {1, 2, 3}), banks);
  ASSERT_TRUE(p255.ok());
  EXPECT_EQ(Pcr11Names(*p255), (std::vector<std::string>{".linux", ".osrel", ".cmdline", ".initrd",
                                                         ".uname", ".sbat"}));
  EXPECT_NE(ToHex(p252->registers.at(11)[0].span()), ToHex(p255->registers.at(11)[0].span()));
  // PCR 11 is the extension of exactly the listed events.
  Digest pcr11 = Digest::Zero(HashAlg::kSha256);
  for (const BootEvent& e : p252->events) {
    if (e.pcr == 11) crypto::Extend(&pcr11, e.digests[0].span());
  }
  EXPECT_EQ(ToHex(pcr11.span()), ToHex(p252->registers.at(11)[0].span()));
}

// After the UKI, systemd-stub 252 starts the .linux section with LoadImage (PCR 4 gets
// its Authenticode digest) and the kernel's EFI stub measures the load options (the
// .cmdline as UTF-16 with the NUL) and the initrd (the .initrd section) into PCR 9.
TEST(UkiTest, KernelImageAndEfiStubEvents) {
  const std::vector<uint8_t> linux_image = testing::PeBuilder::Default().Build();
  const std::vector<uint8_t> initrd = Pattern(5000, 7);
  const std::string cmdline = "console=ttyS0 quiet";
  const std::vector<uint8_t> uki = UkiWith(kStub252, cmdline, linux_image, initrd);
  const HashAlg banks[] = {HashAlg::kSha1, HashAlg::kSha256};
  auto p = PredictUkiBoot(uki, banks);
  ASSERT_TRUE(p.ok()) << p.status().ToString();

  auto img = parsers::ParsePeImage(uki);
  ASSERT_TRUE(img.ok());
  const BootEvent* image = Find(*p, 4, "UKI image");
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(ToHex(image->digests[1].span()),
            ToHex(AuthenticodeDigest(uki, *img, HashAlg::kSha256).span()));
  auto kimg = parsers::ParsePeImage(linux_image);
  ASSERT_TRUE(kimg.ok());
  const BootEvent* kernel = Find(*p, 4, "kernel of the .linux section");
  ASSERT_NE(kernel, nullptr);
  ASSERT_TRUE(kernel->predicted);
  EXPECT_EQ(ToHex(kernel->digests[1].span()),
            ToHex(AuthenticodeDigest(linux_image, *kimg, HashAlg::kSha256).span()));

  std::vector<uint8_t> utf16;
  for (char c : cmdline) {
    utf16.push_back(uint8_t(c));
    utf16.push_back(0);
  }
  utf16.insert(utf16.end(), {0, 0});
  const BootEvent* options = Find(*p, 9, "kernel load options");
  const BootEvent* rd = Find(*p, 9, "initrd");
  ASSERT_NE(options, nullptr);
  ASSERT_NE(rd, nullptr);
  EXPECT_EQ(ToHex(options->digests[1].span()), ToHex(crypto::Hash(HashAlg::kSha256, utf16).span()));
  EXPECT_EQ(ToHex(rd->digests[0].span()), ToHex(crypto::Hash(HashAlg::kSha1, initrd).span()));
  Digest pcr9 = Digest::Zero(HashAlg::kSha256);
  crypto::Extend(&pcr9, options->digests[1].span());
  crypto::Extend(&pcr9, rd->digests[1].span());
  EXPECT_EQ(ToHex(p->registers.at(9)[1].span()), ToHex(pcr9.span()));

  // One changed byte of the command line changes PCR 9, PCR 11 and the UKI's digest.
  auto q = PredictUkiBoot(UkiWith(kStub252, "console=ttyS1 quiet", linux_image, initrd), banks);
  ASSERT_TRUE(q.ok());
  EXPECT_NE(ToHex(q->registers.at(9)[1].span()), ToHex(p->registers.at(9)[1].span()));
  EXPECT_NE(ToHex(q->registers.at(11)[1].span()), ToHex(p->registers.at(11)[1].span()));
  EXPECT_NE(ToHex(Find(*q, 4, "UKI image")->digests[1].span()), ToHex(image->digests[1].span()));
}

// Without .cmdline the kernel gets the firmware's load options: PCR 9 is not claimed.
// An unknown stub version leaves the kernel's image event unpredicted (older stubs
// may use the handover protocol).
TEST(UkiTest, WhatIsNotKnownIsNotClaimed) {
  const std::vector<uint8_t> linux_image = testing::PeBuilder::Default().Build();
  const HashAlg banks[] = {HashAlg::kSha256};
  auto p = PredictUkiBoot(UkiWith(kStub252, "", linux_image, {1, 2, 3}), banks);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->registers.count(9), 0u);
  EXPECT_EQ(p->registers.count(11), 1u);
  const BootEvent* options = Find(*p, 9, "kernel load options");
  ASSERT_NE(options, nullptr);
  EXPECT_FALSE(options->predicted);
  auto q = PredictUkiBoot(UkiWith("", "a", linux_image, {1, 2, 3}), banks);
  ASSERT_TRUE(q.ok());
  const BootEvent* kernel = Find(*q, 4, "kernel of the .linux section");
  ASSERT_NE(kernel, nullptr);
  EXPECT_FALSE(kernel->predicted);
  EXPECT_EQ(q->registers.count(9), 1u);
}

// A .linux section that is not a PE image fails with the section's offset.
TEST(UkiTest, BadKernelSectionIsAnError) {
  auto p = PredictUkiBoot(UkiWith(kStub252, "a", Pattern(600, 3), {1}),
                          std::vector<HashAlg>{HashAlg::kSha256});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().ToString().find(".linux section at file offset"), std::string::npos)
      << p.status().ToString();
}

TEST(UkiTest, NotAUkiIsAnError) {
  const HashAlg banks[] = {HashAlg::kSha256};
  auto p = PredictUkiBoot(testing::PeBuilder::Default().Build(), banks);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), ErrorCode::kNotFound);
  std::vector<uint8_t> junk(100, 0);
  EXPECT_EQ(PredictUkiBoot(junk, banks).status().code(), ErrorCode::kBadMagic);
}

}  // namespace
}  // namespace ccv::predict
