// `ccverify predict --boot direct`: the EFI stub's PCR 9 events against
// values computed by other tools (iconv and sha256sum for the load options,
// sha256sum for the initrd), and the written CEL-JSON replayed by `ccverify
// replay --cel` to the predicted PCR 9 with every self-hashed event verified.
#include "verifier/predict/direct_boot.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/uefi_event.h"
#include "parsers/uefi_varstore.h"
#include "tests/parsers/pe_builder.h"
#include "tests/testing/cli.h"

namespace ccv::predict {
namespace {

namespace fs = std::filesystem;

// The first word printed by a shell pipeline, or "".
std::string Sh(const std::string& cmd) {
  std::string out;
  FILE* f = ::popen(cmd.c_str(), "r");
  if (f == nullptr) return out;
  char buf[256];
  while (std::fgets(buf, sizeof(buf), f) != nullptr) out += buf;
  ::pclose(f);
  return out.substr(0, out.find_first_of(" \n"));
}

class DirectBootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ccv_predict_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    kernel_ = testing::PeBuilder::Default().Build();
    initrd_.resize(4099);
    for (size_t i = 0; i < initrd_.size(); ++i) initrd_[i] = uint8_t(i * 31 + 7);
    ASSERT_TRUE(WriteFileBytes((dir_ / "vmlinuz").string(), kernel_.data(), kernel_.size()).ok());
    ASSERT_TRUE(WriteFileBytes((dir_ / "initrd").string(), initrd_.data(), initrd_.size()).ok());
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path dir_;
  std::vector<uint8_t> kernel_, initrd_;
};

// UTF-16LE of an ASCII string with the NUL, written out by hand.
std::optional<std::vector<uint8_t>> Utf8Bytes(const std::string& ascii) {
  std::vector<uint8_t> out;
  for (char c : ascii) {
    out.push_back(uint8_t(c));
    out.push_back(0);
  }
  out.push_back(0);
  out.push_back(0);
  return out;
}

const BootEvent* Find(const BootPrediction& p, uint32_t pcr, const std::string& description) {
  for (const BootEvent& e : p.events) {
    if (e.pcr == pcr && e.description.find(description) != std::string::npos) return &e;
  }
  return nullptr;
}

TEST_F(DirectBootTest, LoadOptionsFollowOvmf) {
  DirectBootInputs in;
  in.kernel = kernel_;
  in.cmdline = "console=ttyS0 ro";
  auto none = OvmfLoadOptions(in);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(ToHex(*none), ToHex(*Utf8Bytes("console=ttyS0 ro")));
  in.initrd = Bytes(initrd_);
  auto suffix = OvmfLoadOptions(in);
  ASSERT_TRUE(suffix.ok());
  EXPECT_EQ(ToHex(*suffix), ToHex(*Utf8Bytes("console=ttyS0 ro initrd=initrd")));
  in.initrd_option = OvmfInitrdOption::kPrefix;
  auto prefix = OvmfLoadOptions(in);
  ASSERT_TRUE(prefix.ok());
  EXPECT_EQ(ToHex(*prefix), ToHex(*Utf8Bytes("initrd=initrd console=ttyS0 ro")));
  in.cmdline = "caf\xc3\xa9";
  EXPECT_EQ(OvmfLoadOptions(in).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(DirectBootTest, Pcr9DigestsEqualOtherToolsAndReplay) {
  if (std::system("command -v iconv >/dev/null && command -v sha256sum >/dev/null && "
                  "command -v xxd >/dev/null") != 0) {
    GTEST_SKIP() << "iconv, sha256sum or xxd missing";
  }
  const std::string cmdline = "console=ttyS0 ima_policy=tcb rootfstype=ramfs";
  const fs::path out = dir_ / "out";
  testing::CliRun r =
      testing::RunCcverify("predict --boot direct --kernel " + testing::Quote(dir_ / "vmlinuz") +
                           " --initrd " + testing::Quote(dir_ / "initrd") + " --cmdline " +
                           testing::Quote(cmdline) + " --out " + testing::Quote(out));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("CANNOT PREDICT"), std::string::npos) << r.out;
  // What OVMF passes: the command line, " initrd=initrd", a UTF-16 NUL.
  const std::string want_options = Sh("printf '%s initrd=initrd\\0' " + testing::Quote(cmdline) +
                                      " | iconv -f ASCII -t UTF-16LE | "
                                      "sha256sum");
  const std::string want_initrd = Sh("sha256sum " + testing::Quote(dir_ / "initrd"));
  ASSERT_EQ(want_options.size(), 64u);
  auto text = ReadFileText((out / "prediction.json").string());
  ASSERT_TRUE(text.ok());
  rapidjson::Document doc;
  doc.Parse(text->c_str());
  ASSERT_TRUE(doc.IsObject());
  std::vector<std::string> pcr9;
  for (const auto& e : doc["events"].GetArray()) {
    if (std::string(e["register"].GetString()) != "pcr9") continue;
    EXPECT_EQ(std::string(e["cc_register"].GetString()), "rtmr2");
    EXPECT_EQ(std::string(e["type"].GetString()), "EV_EVENT_TAG");
    pcr9.push_back(e["digests"]["sha256"].GetString());
  }
  ASSERT_EQ(pcr9.size(), 2u);
  EXPECT_EQ(pcr9[0], want_options);
  EXPECT_EQ(pcr9[1], want_initrd);
  // PCR 9 = sha256(sha256(0^32 || options) || initrd), by xxd and sha256sum.
  const std::string step1 =
      Sh("printf '%s' " + std::string(64, '0') + want_options + " | xxd -r -p | sha256sum");
  const std::string want_pcr9 =
      Sh("printf '%s' " + step1 + want_initrd + " | xxd -r -p | sha256sum");
  ASSERT_EQ(want_pcr9.size(), 64u);
  EXPECT_EQ(std::string(doc["registers"]["pcr9"]["sha256"].GetString()), want_pcr9);
  // The CEL replays to it.
  testing::CliRun rep =
      testing::RunCcverify("replay --cel " + testing::Quote(out / "events.cel.json") + " --json");
  ASSERT_EQ(rep.code, 0) << rep.err << rep.out;
  EXPECT_NE(rep.out.find(want_pcr9), std::string::npos) << rep.out;
  rapidjson::Document rd;
  rd.Parse(rep.out.c_str());
  ASSERT_TRUE(rd.IsObject()) << rep.out;
  EXPECT_EQ(std::string(rd["registers"]["pcr9"]["sha256"].GetString()), want_pcr9);
  EXPECT_EQ(rd["digest_checks"]["mismatched"].GetUint(), 0u) << rep.out;
  // The policy fragment names both PCR 9 events by digest.
  auto policy = ReadFileText((out / "policy.yaml").string());
  ASSERT_TRUE(policy.ok());
  EXPECT_NE(policy->find(want_options), std::string::npos);
  EXPECT_NE(policy->find(want_initrd), std::string::npos);
  testing::CliRun lint = testing::RunCcverify("policy lint " + testing::Quote(out / "policy.yaml"));
  EXPECT_NE(lint.code, 3) << lint.err << lint.out;
}

TEST_F(DirectBootTest, KernelImageIsNotClaimed) {
  DirectBootInputs in;
  in.kernel = kernel_;
  auto p = PredictDirectBoot(in);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const BootEvent* image = Find(*p, 4, "kernel image");
  ASSERT_NE(image, nullptr);
  EXPECT_FALSE(image->predicted);
  EXPECT_TRUE(image->digests.empty());
  EXPECT_EQ(image->reference_digests.size(), in.banks.size());
  // No load options and no initrd: nothing extends PCR 9, no register claimed.
  EXPECT_EQ(Find(*p, 9, ""), nullptr);
  EXPECT_TRUE(p->registers.empty());
  // PCR 0-7 are never claimed.
  for (uint32_t pcr = 0; pcr < 8; ++pcr) EXPECT_EQ(p->registers.count(pcr), 0u);
}

// Debian's OVMF variable stores (package ovmf; skipped without it): with
// Microsoft's keys enrolled, SecureBoot is 1 and PK..dbx carry the stored
// lists; without keys, SecureBoot is 0 and PK..dbx are measured empty.
TEST_F(DirectBootTest, SecureBootPolicyEventsFromOvmfVariableStores) {
  const fs::path ms = "/usr/share/OVMF/OVMF_VARS_4M.ms.fd";
  const fs::path plain = "/usr/share/OVMF/OVMF_VARS_4M.fd";
  if (!fs::exists(ms) || !fs::exists(plain)) GTEST_SKIP() << "package ovmf not installed";
  for (const auto& [path, enrolled] : {std::pair{ms, true}, std::pair{plain, false}}) {
    SCOPED_TRACE(path.string());
    auto bytes = ReadFileBytes(path.string());
    ASSERT_TRUE(bytes.ok());
    auto store = parsers::ParseVariableStoreFv(*bytes);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    DirectBootInputs in;
    in.kernel = kernel_;
    in.firmware_vars = &*store;
    auto p = PredictDirectBoot(in);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    std::vector<const BootEvent*> vars;
    for (const BootEvent& e : p->events) {
      if (e.pcr == 7 && e.type == 0x80000001) vars.push_back(&e);
    }
    ASSERT_EQ(vars.size(), 5u);
    const char* names[] = {"SecureBoot", "PK", "KEK", "db", "dbx"};
    for (size_t i = 0; i < 5; ++i) {
      if (i == 0 && !enrolled) {
        // Neither PK nor SecureBootEnable: the firmware build decides.
        EXPECT_FALSE(vars[i]->predicted);
        EXPECT_TRUE(vars[i]->digests.empty());
        continue;
      }
      auto v = parsers::ParseUefiVariableData(vars[i]->data, 0);
      ASSERT_TRUE(v.ok());
      EXPECT_EQ(v->unicode_name, names[i]);
      EXPECT_TRUE(vars[i]->predicted);
      if (i == 0) {
        ASSERT_EQ(v->variable_data.size(), 1u);
        EXPECT_EQ(v->variable_data[0], enrolled ? 1 : 0);
      } else {
        EXPECT_EQ(v->variable_data.empty(), !enrolled) << names[i];
      }
    }
    // Microsoft's UEFI CA is in db (its name as DER bytes).
    const std::string db(vars[3]->data.begin(), vars[3]->data.end());
    EXPECT_EQ(db.find("Microsoft Corporation UEFI CA 2011") != std::string::npos, enrolled);
    EXPECT_EQ(p->registers.count(7), 0u);  // PCR 7 is never claimed
  }
  testing::CliRun r =
      testing::RunCcverify("predict --boot direct --kernel " + testing::Quote(dir_ / "vmlinuz") +
                           " --firmware-vars " + testing::Quote(ms));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("SecureBoot variable"), std::string::npos) << r.out;
  testing::CliRun bad =
      testing::RunCcverify("predict --boot direct --kernel " + testing::Quote(dir_ / "vmlinuz") +
                           " --firmware-vars " + testing::Quote(dir_ / "vmlinuz"));
  EXPECT_EQ(bad.code, 3) << bad.err;
  EXPECT_NE(bad.err.find("_FVH"), std::string::npos) << bad.err;
}

TEST_F(DirectBootTest, PolicyGenerateFromPrediction) {
  const fs::path out = dir_ / "pred";
  ASSERT_EQ(
      testing::RunCcverify("predict --boot direct --kernel " + testing::Quote(dir_ / "vmlinuz") +
                           " --initrd " + testing::Quote(dir_ / "initrd") + " --cmdline ro --out " +
                           testing::Quote(out))
          .code,
      0);
  auto p = PredictDirectBoot([&] {
    DirectBootInputs in;
    in.kernel = kernel_;
    in.initrd = Bytes(initrd_);
    in.cmdline = "ro";
    return in;
  }());
  ASSERT_TRUE(p.ok());
  const fs::path policy = dir_ / "predicted.yaml";
  testing::CliRun g =
      testing::RunCcverify("policy generate --from-prediction " + testing::Quote(out) +
                           " --name ci-gate --output " + testing::Quote(policy));
  ASSERT_EQ(g.code, 0) << g.err;
  auto text = ReadFileText(policy.string());
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("name: \"ci-gate\""), std::string::npos) << *text;
  size_t rules = 0;
  for (const BootEvent& e : p->events) {
    if (!e.predicted) continue;
    ++rules;
    for (const Digest& d : e.digests) {
      EXPECT_NE(text->find(ToHex(d.span())), std::string::npos) << e.description;
    }
  }
  size_t ids = 0;
  for (size_t pos = text->find("- id: "); pos != std::string::npos;
       pos = text->find("- id: ", pos + 1)) {
    ++ids;
  }
  EXPECT_EQ(ids, rules);
  testing::CliRun lint = testing::RunCcverify("policy lint " + testing::Quote(policy));
  EXPECT_NE(lint.code, 3) << lint.out << lint.err;
  // A prediction that is not one is an input error naming the file.
  ASSERT_TRUE(WriteFileAtomically((dir_ / "bad.json").string(), "{\"boot\": \"direct\"}").ok());
  testing::CliRun bad = testing::RunCcverify("policy generate --from-prediction " +
                                             testing::Quote(dir_ / "bad.json"));
  EXPECT_EQ(bad.code, 3) << bad.err;
  EXPECT_NE(bad.err.find("bad.json"), std::string::npos) << bad.err;
}

TEST_F(DirectBootTest, BadInputsAreErrors) {
  std::vector<uint8_t> not_pe(512, 0x11);
  ASSERT_TRUE(WriteFileBytes((dir_ / "bad").string(), not_pe.data(), not_pe.size()).ok());
  testing::CliRun r = testing::RunCcverify("predict --boot direct --kernel " +
                                           testing::Quote(dir_ / "bad") + " --cmdline x");
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find((dir_ / "bad").string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("MZ"), std::string::npos) << r.err;
  EXPECT_EQ(testing::RunCcverify("predict --boot direct").code, 2);
  EXPECT_EQ(
      testing::RunCcverify("predict --boot grub --kernel " + testing::Quote(dir_ / "vmlinuz")).code,
      2);
  EXPECT_EQ(
      testing::RunCcverify("predict --boot floppy --kernel " + testing::Quote(dir_ / "vmlinuz"))
          .code,
      2);
  EXPECT_EQ(
      testing::RunCcverify("predict --boot direct --kernel " + testing::Quote(dir_ / "missing"))
          .code,
      3);
}

}  // namespace
}  // namespace ccv::predict
