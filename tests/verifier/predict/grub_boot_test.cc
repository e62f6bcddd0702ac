// shim + GRUB prediction (verifier/predict/grub_boot) on synthetic images; the
// boot lab's efi-shim-grub-sb variant checks it against a real Secure Boot boot with
// Debian's signed shim, GRUB and kernel (tests/lab/lab_test.py).
#include "verifier/predict/grub_boot.h"

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
using testing::PeBuilder;
using testing::Quote;
using testing::RunCcverify;

std::vector<uint8_t> Image(uint8_t seed) {
  PeBuilder b = PeBuilder::Default();
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
    return Quote(dir / name);
  };
  const std::string cfg = "linux /vmlinuz ro\ninitrd /initrd\n";
  const std::string base = "predict --boot grub --shim " + write("shim", shim_) + " --grub " +
                           write("grub", grub_) + " --kernel " + write("k", kernel_) +
                           " --grub-cfg " + write("cfg", {cfg.begin(), cfg.end()});
  testing::CliRun ok = RunCcverify(base + " --initrd " + write("rd", initrd_));
  EXPECT_EQ(ok.code, 0) << ok.err;
  testing::CliRun no_rd = RunCcverify(base);
  EXPECT_EQ(no_rd.code, 2) << no_rd.err;  // a flag missing for this grub.cfg
  EXPECT_NE(no_rd.err.find("--initrd"), std::string::npos) << no_rd.err;
  EXPECT_EQ(RunCcverify(base + " --cmdline ro").code, 2);
  EXPECT_EQ(RunCcverify("predict --boot grub --kernel " + write("k2", kernel_)).code, 2);
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace ccv::predict
