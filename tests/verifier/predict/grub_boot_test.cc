// shim + GRUB prediction (verifier/predict/grub_boot) on synthetic images; the
// boot lab's efi-shim-grub-sb variant checks it against a real Secure Boot boot with
// Debian's signed shim, GRUB and kernel (tests/lab/lab_test.py).
#include "verifier/predict/grub_boot.h"

#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "tests/parsers/pe_builder.h"
#include "tests/testing/cli.h"
#include "verifier/crypto/digest.h"
#include "verifier/predict/authenticode.h"
#include "verifier/predict/grub_image.h"

namespace ccv::predict {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> Image(uint8_t seed) {
  testing::PeBuilder b = testing::PeBuilder::Default();
  b.sections.push_back({".data", std::vector<uint8_t>(300, seed)});
  return b.Build();
}

std::string Hash256(std::string_view s) {
  return ToHex(
      crypto::Hash(HashAlg::kSha256, Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()))
          .span());
}

const BootEvent* Find(const BootPrediction& p, uint32_t pcr, std::string_view prefix) {
  for (const BootEvent& e : p.events) {
    if (e.pcr == pcr && e.description.starts_with(prefix)) return &e;
  }
  return nullptr;
}

class GrubBootTest : public ::testing::Test {
 protected:
  GrubBootInputs Inputs(std::string_view cfg) {
    GrubBootInputs in;
    in.shim = shim_;
    in.grub = grub_;
    in.kernel = kernel_;
    in.initrd = Bytes(initrd_);
    in.grub_cfg = cfg;
    in.banks = {HashAlg::kSha256};
    return in;
  }
  std::vector<uint8_t> shim_ = Image(1), grub_ = Image(2), kernel_ = Image(3);
  std::vector<uint8_t> initrd_ = std::vector<uint8_t>(777, 9);
};

// GRUB 2.06 (grub-core/commands/tpm.c) hashes the command text without its
// "grub_cmd: " / "kernel_cmdline: " prefix (the event data carries it), and the
// files it reads whole into PCR 9.
TEST_F(GrubBootTest, CommandsFilesAndImages) {
  const std::string cfg =
      "# lab\nset timeout=0\nlinux  /vmlinuz console=ttyS0 ro\ninitrd /initrd\nboot\n";
  auto p = PredictGrubBoot(Inputs(cfg));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const BootEvent* cmd = Find(*p, 8, "grub_cmd: linux");
  ASSERT_NE(cmd, nullptr);
  EXPECT_EQ(ToHex(cmd->digests[0].span()), Hash256("linux /vmlinuz console=ttyS0 ro"));
  const std::string data(cmd->data.begin(), cmd->data.end());
  EXPECT_EQ(data, std::string("grub_cmd: linux /vmlinuz console=ttyS0 ro") + '\0');
  const BootEvent* kc = Find(*p, 8, "kernel_cmdline: ");
  ASSERT_NE(kc, nullptr);
  EXPECT_EQ(ToHex(kc->digests[0].span()), Hash256("/vmlinuz console=ttyS0 ro"));
  ASSERT_NE(Find(*p, 8, "grub_cmd: set timeout=0"), nullptr);
  ASSERT_NE(Find(*p, 8, "grub_cmd: boot"), nullptr);
  EXPECT_EQ(Find(*p, 8, "grub_cmd: # lab"), nullptr);

  const BootEvent* cfg_event = Find(*p, 9, "grub.cfg");
  const BootEvent* kfile = Find(*p, 9, "kernel /vmlinuz");
  const BootEvent* rd = Find(*p, 9, "initrd /initrd");
  ASSERT_NE(cfg_event, nullptr);
  ASSERT_NE(kfile, nullptr);
  ASSERT_NE(rd, nullptr);
  EXPECT_EQ(ToHex(cfg_event->digests[0].span()), Hash256(cfg));
  EXPECT_EQ(ToHex(kfile->digests[0].span()), ToHex(crypto::Hash(HashAlg::kSha256, kernel_).span()));
  Digest pcr9 = Digest::Zero(HashAlg::kSha256);
  for (const BootEvent* e : {cfg_event, kfile, rd}) crypto::Extend(&pcr9, e->digests[0].span());
  EXPECT_EQ(ToHex(p->registers.at(9)[0].span()), ToHex(pcr9.span()));
  EXPECT_EQ(p->registers.count(8), 0u);  // the embedded configuration's commands

  auto img = parsers::ParsePeImage(shim_);
  ASSERT_TRUE(img.ok());
  const BootEvent* shim = Find(*p, 4, "shim");
  ASSERT_NE(shim, nullptr);
  EXPECT_EQ(ToHex(shim->digests[0].span()),
            ToHex(AuthenticodeDigest(shim_, *img, HashAlg::kSha256).span()));
  ASSERT_NE(Find(*p, 4, "GRUB"), nullptr);
  ASSERT_NE(Find(*p, 4, "kernel"), nullptr);
}

// A line GRUB expands before it measures (variables, quotes, blocks) or a command
// that may read files leaves its events and PCR 9 unclaimed.
TEST_F(GrubBootTest, WhatGrubExpandsIsNotClaimed) {
  for (const char* extra : {"linux /vmlinuz $cmdline", "echo \"hi\"", "menuentry x {",
                            "source /other.cfg", "loadfont unicode"}) {
    SCOPED_TRACE(extra);
    const std::string cfg = std::string("linux /vmlinuz ro\n") + extra + "\n";
    auto p = PredictGrubBoot(Inputs(cfg));
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(p->registers.count(9), 0u);
  }
}

TEST_F(GrubBootTest, InputErrors) {
  EXPECT_EQ(PredictGrubBoot(Inputs("set timeout=0\n")).status().code(),
            ErrorCode::kInvalidArgument);
  GrubBootInputs in = Inputs("linux /v\ninitrd /i\n");
  in.initrd.reset();
  EXPECT_EQ(PredictGrubBoot(in).status().code(), ErrorCode::kInvalidArgument);
  std::vector<uint8_t> junk(64, 0);
  in = Inputs("linux /v\n");
  in.grub = junk;
  auto bad = PredictGrubBoot(in);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().ToString().find("GRUB"), std::string::npos) << bad.status().ToString();

  const fs::path dir = fs::temp_directory_path() / ("ccv_grub_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto write = [&](const char* name, const std::vector<uint8_t>& b) {
    EXPECT_TRUE(WriteFileBytes((dir / name).string(), b.data(), b.size()).ok());
    return testing::Quote(dir / name);
  };
  const std::string cfg = "linux /vmlinuz ro\ninitrd /initrd\n";
  const std::string base = "predict --boot grub --shim " + write("shim", shim_) + " --grub " +
                           write("grub", grub_) + " --kernel " + write("k", kernel_) +
                           " --grub-cfg " + write("cfg", {cfg.begin(), cfg.end()});
  testing::CliRun ok = testing::RunCcverify(base + " --initrd " + write("rd", initrd_));
  EXPECT_EQ(ok.code, 0) << ok.err;
  testing::CliRun no_rd = testing::RunCcverify(base);
  EXPECT_EQ(no_rd.code, 2) << no_rd.err;  // a flag missing for this grub.cfg
  EXPECT_NE(no_rd.err.find("--initrd"), std::string::npos) << no_rd.err;
  EXPECT_EQ(testing::RunCcverify(base + " --cmdline ro").code, 2);
  EXPECT_EQ(testing::RunCcverify("predict --boot grub --kernel " + write("k2", kernel_)).code, 2);
  std::error_code ec;
  fs::remove_all(dir, ec);
}

// --- GRUB's embedded configuration (verifier/predict/grub_image) ---

void PutLe(std::vector<uint8_t>* out, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) out->push_back(uint8_t(v >> (8 * i)));
}

// A FAT12 image (512-byte sectors and clusters, one FAT, 16 root entries)
// whose root holds GRUB.CFG = `text` in clusters 2, 3, ... chained in order,
// or, with `loop`, a chain that returns to cluster 2 and a directory entry
// that claims more bytes than the chain holds.
std::vector<uint8_t> Fat12(std::string_view text, bool loop = false) {
  std::vector<uint8_t> img(64 * 512, 0);
  auto put = [&img](size_t at, uint64_t v, size_t n) {
    for (size_t i = 0; i < n; ++i) img[at + i] = uint8_t(v >> (8 * i));
  };
  put(11, 512, 2);  // bytes per sector
  put(13, 1, 1);    // sectors per cluster
  put(14, 1, 2);    // reserved sectors
  put(16, 1, 1);    // FATs
  put(17, 16, 2);   // root entries (one sector)
  put(19, 64, 2);   // total sectors
  put(22, 1, 2);    // sectors per FAT
  const size_t fat = 512, root = 1024, data = 1536;
  const size_t clusters = (text.size() + 511) / 512;
  for (size_t c = 2; c < 2 + clusters; ++c) {
    const uint64_t next = c + 1 < 2 + clusters ? c + 1 : (loop ? 2 : 0xfff);
    const size_t at = fat + c * 3 / 2;
    const uint64_t raw = img[at] | uint64_t(img[at + 1]) << 8;
    put(at, (c & 1) != 0 ? (raw & 0x000f) | next << 4 : (raw & 0xf000) | next, 2);
  }
  std::memcpy(&img[root], "GRUB    CFG", 11);
  img[root + 11] = 0x20;
  put(root + 26, 2, 2);
  put(root + 28, loop ? 20000 : text.size(), 4);
  std::memcpy(&img[data], text.data(), text.size());
  return img;
}

// A GRUB image with grub-mkimage's module area: embedded config, prefix, memdisk.
std::vector<uint8_t> GrubImage(std::string_view config, std::string_view prefix,
                               const std::vector<uint8_t>& memdisk) {
  std::vector<uint8_t> modules;
  auto module = [&modules](uint32_t type, std::vector<uint8_t> data) {
    while (data.size() % 8 != 0) data.push_back(0);
    PutLe(&modules, type, 4);
    PutLe(&modules, data.size() + 8, 4);
    modules.insert(modules.end(), data.begin(), data.end());
  };
  module(1, memdisk);
  module(2, std::vector<uint8_t>(config.begin(), config.end()));
  module(3, std::vector<uint8_t>(prefix.begin(), prefix.end()));
  std::vector<uint8_t> mods;
  PutLe(&mods, 0x676d696d, 4);  // "mimg"
  PutLe(&mods, 0, 4);
  PutLe(&mods, 24, 8);
  PutLe(&mods, 24 + modules.size(), 8);
  mods.insert(mods.end(), modules.begin(), modules.end());
  testing::PeBuilder b = testing::PeBuilder::Default();
  b.sections.push_back({"mods", mods});
  return b.Build();
}

constexpr std::string_view kNormalMemdisk = "normal (memdisk)/grub.cfg\n";

TEST(GrubImageTest, ReadsTheModuleArea) {
  // Three clusters: the chain is followed, not the bytes after the first.
  std::string long_cfg(1200, 'x');
  const std::vector<uint8_t> grub = GrubImage(kNormalMemdisk, "/EFI/debian", Fat12(long_cfg));
  auto img = parsers::ParsePeImage(grub);
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  const GrubEmbedded e = ReadGrubEmbedded(grub, *img);
  EXPECT_EQ(e.config, std::string(kNormalMemdisk));
  EXPECT_EQ(e.prefix, std::string("/EFI/debian"));
  EXPECT_EQ(e.memdisk_grub_cfg, long_cfg);
  // A looping chain reads nothing (and ends).
  const std::vector<uint8_t> loop = GrubImage(kNormalMemdisk, "/p", Fat12(long_cfg, true));
  auto limg = parsers::ParsePeImage(loop);
  ASSERT_TRUE(limg.ok());
  EXPECT_FALSE(ReadGrubEmbedded(loop, *limg).memdisk_grub_cfg.has_value());
}

TEST_F(GrubBootTest, DebianEmbeddedConfigurationWithTheDevice) {
  const std::string cfg = "set timeout=0\nlinux /vmlinuz ro\nboot\n";
  std::vector<uint8_t> grub =
      GrubImage(kNormalMemdisk, "/EFI/debian", Fat12(DebianMemdiskGrubCfg()));
  grub_ = grub;
  GrubBootInputs in = Inputs(cfg);
  in.initrd.reset();
  in.grub_root = "(hd0,gpt1)";
  auto p = PredictGrubBoot(in);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  std::vector<std::string> cmds;
  for (const BootEvent& e : p->events) {
    if (e.pcr == 8) {
      ASSERT_TRUE(e.predicted) << e.description << ": " << e.reason;
      cmds.push_back(e.description);
    }
  }
  const std::string P = "(hd0,gpt1)/EFI/debian";
  ASSERT_GE(cmds.size(), 4u);
  EXPECT_EQ(cmds[0], "grub_cmd: [ -z " + P + " -o ! -e " + P + " ]");
  EXPECT_EQ(cmds[1], "grub_cmd: [ -e " + P + "/x86_64-efi/grub.cfg ]");
  EXPECT_EQ(cmds[2], "grub_cmd: [ -e " + P + "/grub.cfg ]");
  EXPECT_EQ(cmds[3], "grub_cmd: source " + P + "/grub.cfg");
  const BootEvent* src = Find(*p, 8, "grub_cmd: source");
  ASSERT_NE(src, nullptr);
  EXPECT_EQ(ToHex(src->digests[0].span()), Hash256("source " + P + "/grub.cfg"));
  EXPECT_EQ(p->registers.count(8), 1u);  // every PCR 8 event known

  // Without the device, with another memdisk grub.cfg or another embedded
  // configuration, or with a device name GRUB would not print: not predicted.
  std::string other_memdisk(DebianMemdiskGrubCfg());
  other_memdisk[5] ^= 0x01;
  const std::vector<std::pair<std::vector<uint8_t>, std::optional<std::string>>> cases = {
      {grub, std::nullopt},
      {grub, std::string("(hd0) ; x")},
      {GrubImage(kNormalMemdisk, "/EFI/debian", Fat12(other_memdisk)), "(hd0)"},
      {GrubImage("normal (memdisk)/grub.cfg\nls\n", "/EFI/debian", Fat12(DebianMemdiskGrubCfg())),
       "(hd0)"},
      {Image(2), "(hd0)"}};
  for (const auto& [image, root] : cases) {
    grub_ = image;
    GrubBootInputs c = Inputs(cfg);
    c.initrd.reset();
    c.grub_root = root;
    auto q = PredictGrubBoot(c);
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    const BootEvent* e = Find(*q, 8, "commands of GRUB's embedded configuration");
    ASSERT_NE(e, nullptr) << root.value_or("no root");
    EXPECT_FALSE(e->predicted);
    EXPECT_EQ(q->registers.count(8), 0u);
  }
}
}  // namespace
}  // namespace ccv::predict
