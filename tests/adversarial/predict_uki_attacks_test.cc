// Hostile unified kernel images against `ccverify predict --boot uki`: a prediction
// must never claim values that a different image would also produce. Every byte the
// firmware hashes is covered by some predicted digest (a flipped byte changes the
// prediction, so a policy made from it fails on the original boot), and an image whose
// measured sections are ambiguous is refused instead of guessed at.
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "tests/parsers/pe_builder.h"
#include "tests/testing/cli.h"
#include "verifier/predict/uki.h"

namespace ccv {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> Text(std::string_view s) { return {s.begin(), s.end()}; }

std::vector<uint8_t> Uki(std::vector<testing::PeBuilderSection> extra = {}) {
  testing::PeBuilder b = testing::PeBuilder::Default();
  b.sections.push_back({".sdmagic", Text("#### LoaderInfo: systemd-stub 252.39 ####")});
  b.sections.push_back({".osrel", Text("ID=test\n")});
  b.sections.push_back({".cmdline", Text("console=ttyS0 ro")});
  b.sections.push_back({".linux", testing::PeBuilder::Default().Build()});
  std::vector<uint8_t> initrd(2048);
  for (size_t i = 0; i < initrd.size(); ++i) initrd[i] = uint8_t(i * 13 + 1);
  b.sections.push_back({".initrd", initrd});
  for (auto& s : extra) b.sections.push_back(std::move(s));
  return b.Build();
}

// Every predicted digest of a prediction, as one set.
std::set<std::string> Digests(const predict::BootPrediction& p) {
  std::set<std::string> out;
  for (const predict::BootEvent& e : p.events) {
    for (const Digest& d : e.digests) out.insert(ToHex(d.span()));
  }
  return out;
}

// A byte flipped anywhere the Authenticode hash covers (all but the optional
// header's CheckSum and the certificate table entry) changes at least one predicted
// digest; in a measured section's data it changes PCR 11 as well.
TEST(PredictUkiAttackTest, EveryFlippedByteChangesThePrediction) {
  const std::vector<uint8_t> uki = Uki();
  const HashAlg banks[] = {HashAlg::kSha256};
  auto base = predict::PredictUkiBoot(uki, banks);
  ASSERT_TRUE(base.ok()) << base.status().ToString();
  const std::set<std::string> want = Digests(*base);
  auto img = parsers::ParsePeImage(uki);
  ASSERT_TRUE(img.ok());
  const parsers::PeSection* cmdline = parsers::FindSection(*img, ".cmdline");
  ASSERT_NE(cmdline, nullptr);
  uint64_t covered = 0;
  for (const parsers::FileRange& r : img->authenticode_ranges) covered += r.len;
  size_t tried = 0;
  for (const parsers::FileRange& r : img->authenticode_ranges) {
    for (uint64_t off = r.offset; off < r.offset + r.len; off += 61) {
      std::vector<uint8_t> bad = uki;
      bad[off] ^= 0x01;
      auto p = predict::PredictUkiBoot(bad, banks);
      ++tried;
      if (!p.ok()) continue;  // no longer a UKI we read: refused, nothing claimed
      EXPECT_NE(Digests(*p), want) << "byte " << off << " flipped, same prediction";
      if (off >= cmdline->pointer_to_raw_data &&
          off < cmdline->pointer_to_raw_data + cmdline->virtual_size) {
        EXPECT_NE(ToHex(p->registers.at(11)[0].span()), ToHex(base->registers.at(11)[0].span()));
        EXPECT_NE(ToHex(p->registers.at(9)[0].span()), ToHex(base->registers.at(9)[0].span()));
      }
    }
  }
  EXPECT_GT(tried, covered / 61);
}

// Two .cmdline sections: stubs differ in which one they use, so the prediction is
// refused (exit 3 naming the file, offset and the section) rather than a guess.
TEST(PredictUkiAttackTest, DuplicateMeasuredSectionIsRefused) {
  const fs::path dir = fs::temp_directory_path() / ("ccv_uki_attack_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const char* name : {".cmdline", ".initrd", ".sdmagic"}) {
    SCOPED_TRACE(name);
    const std::vector<uint8_t> uki = Uki({{name, Text("console=ttyS0 init=/bin/sh")}});
    const HashAlg banks[] = {HashAlg::kSha256};
    auto p = predict::PredictUkiBoot(uki, banks);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().code(), ErrorCode::kBadValue);
    const fs::path f = dir / "dup.efi";
    ASSERT_TRUE(WriteFileBytes(f.string(), uki.data(), uki.size()).ok());
    testing::CliRun r = testing::RunCcverify("predict --boot uki --uki " + testing::Quote(f));
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_NE(r.err.find(std::string("two sections named ") + name), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("dup.efi"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("offset"), std::string::npos) << r.err;
  }
  // Sections the stub does not read may repeat.
  auto ok = predict::PredictUkiBoot(Uki({{".note", Text("a")}, {".note", Text("b")}}),
                                    std::vector<HashAlg>{HashAlg::kSha256});
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
  std::error_code ec;
  fs::remove_all(dir, ec);
}

// A measured section whose VirtualSize claims gigabytes of zero fill (or reaches past
// SizeOfImage) is refused with the section's header offset, never allocated.
TEST(PredictUkiAttackTest, HugeVirtualSizeIsRefused) {
  const std::vector<uint8_t> uki = Uki();
  auto img = parsers::ParsePeImage(uki);
  ASSERT_TRUE(img.ok());
  const parsers::PeSection* initrd = parsers::FindSection(*img, ".initrd");
  ASSERT_NE(initrd, nullptr);
  const HashAlg banks[] = {HashAlg::kSha256};
  for (uint32_t vsize : {0x7fffffffu, initrd->size_of_raw_data + (uint32_t{17} << 20)}) {
    std::vector<uint8_t> bad = uki;
    for (int i = 0; i < 4; ++i) bad[initrd->header_offset + 8 + i] = uint8_t(vsize >> (8 * i));
    // SizeOfImage (optional header offset 56) grown to match, for the zero-fill case.
    const uint32_t pe = uint32_t(bad[0x3c]) | uint32_t(bad[0x3d]) << 8;
    const uint64_t end = uint64_t{initrd->virtual_address} + vsize;
    if (end <= 0xffffffffu) {
      for (int i = 0; i < 4; ++i) bad[pe + 24 + 56 + i] = uint8_t(end >> (8 * i));
    }
    auto p = predict::PredictUkiBoot(bad, banks);
    ASSERT_FALSE(p.ok()) << vsize;
    EXPECT_TRUE(p.status().code() == ErrorCode::kLimitExceeded ||
                p.status().code() == ErrorCode::kBadValue)
        << p.status().ToString();
    EXPECT_NE(p.status().ToString().find(".initrd"), std::string::npos) << p.status().ToString();
  }
}

}  // namespace
}  // namespace ccv
