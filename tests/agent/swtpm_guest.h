// Test fixture: a fake guest tree (tests/agent/fake_guest.h) whose TPM is a
// swtpm of the test's own, its data socket at ROOT/dev/tpmrm0 where the agent
// looks for the TPM device (a unix socket there is the agent's socket
// transport), and a TCG log from ccv-gen-tcg at the guest's log path whose
// digests are extended into the TPM: the agent's bundle then holds a log
// that replays to the quoted PCRs. Skips with a message where swtpm or
// ccv-gen-tcg is absent.
#ifndef CCV_TESTS_AGENT_SWTPM_GUEST_H_
#define CCV_TESTS_AGENT_SWTPM_GUEST_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "agent/tpm_client.h"
#include "agent/tpm_transport.h"
#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "parsers/tcg_event_log.h"
#include "tests/agent/fake_guest.h"
#include "tests/testing/swtpm.h"

namespace ccv::agent::swtpm_guest {

namespace fs = std::filesystem;
namespace tt = ccv::testing;

class SwtpmGuestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!tt::Have("swtpm")) {
      GTEST_SKIP() << "swtpm not installed (scripts/install-deps.sh); skipping";
    }
    gen_ = tt::BinaryDir() / "ccv-gen-tcg";
    if (!fs::exists(gen_)) GTEST_SKIP() << "ccv-gen-tcg not built; skipping";
    work_ = tt::MakeTempDir("agenttpm");
    root_ = work_ / "guest";
    tpm_ = StartTpm(work_ / "tpm", Device());
    ASSERT_NE(tpm_, nullptr);
    fs::create_directories((root_ / tt::kFakeTpmLog).parent_path());
    tt::Sh g = tt::Shell(tt::Quote(gen_) +
                         " --format tcg2 --events 40 --seed 19 --banks sha1,sha256,sha384 --out " +
                         tt::Quote(root_ / tt::kFakeTpmLog));
    ASSERT_EQ(g.code, 0) << g.out;
    ExtendLog(Device(), tt::ReadAll(root_ / tt::kFakeTpmLog));
  }
  void TearDown() override {
    tpm_.reset();
    other_tpm_.reset();
    std::error_code ec;  // a leftover file is no reason to fail the test
    if (!work_.empty()) fs::remove_all(work_, ec);
  }

  fs::path Device() const { return root_ / "dev" / "tpmrm0"; }

  // Starts a swtpm with its data socket at `socket` and sends TPM2_Startup.
  static std::unique_ptr<tt::SwtpmSocket> StartTpm(const fs::path& dir, const fs::path& socket) {
    auto tpm = std::make_unique<tt::SwtpmSocket>(dir, socket);
    EXPECT_EQ(tpm->error(), "");
    if (!tpm->error().empty()) return nullptr;
    auto t = OpenTpmPath(socket.string());
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    if (!t.ok()) return nullptr;
    TpmClient c(t->get());
    Status s = c.Startup();
    EXPECT_TRUE(s.ok()) << s.ToString();
    return s.ok() ? std::move(tpm) : nullptr;
  }

  // Extends PCR `pcr` of bank `alg` (TPM_ALG_ID) of the TPM at `socket`.
  static void Extend(const fs::path& socket, uint32_t pcr, uint16_t alg,
                     const std::vector<uint8_t>& digest) {
    auto t = OpenTpmPath(socket.string());
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    TpmClient c(t->get());
    Status s = c.PcrExtend(pcr, alg, digest);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // Extends every measured record of `log` (PCRs 0-15) into the TPM.
  static void ExtendLog(const fs::path& socket, const std::vector<uint8_t>& log_bytes) {
    auto log = parsers::ParseTcgLog(log_bytes);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    auto t = OpenTpmPath(socket.string());
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    TpmClient c(t->get());
    int extends = 0;
    for (const parsers::TcgEventRecord& r : log->events) {
      if (r.untrusted_type == parsers::kEvNoAction || r.untrusted_pcr_index > 15) continue;
      for (const parsers::TcgDigestValue& d : r.digests) {
        Status s = c.PcrExtend(r.untrusted_pcr_index, d.algorithm_id, d.digest);
        ASSERT_TRUE(s.ok()) << s.ToString();
      }
      ++extends;
    }
    ASSERT_GT(extends, 10);
  }

  // ccverify-agent collect --root ROOT --out OUT EXTRA...
  tt::RunResult Collect(const fs::path& out, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {(tt::BinaryDir() / "ccverify-agent").string(),
                                     "collect",
                                     "--root",
                                     root_.string(),
                                     "--out",
                                     out.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return tt::RunCommand(argv);
  }

  static rapidjson::Document Manifest(const fs::path& bundle) {
    auto bytes = tt::ReadAll(bundle / "evidence.json");
    rapidjson::Document d;
    d.Parse(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    EXPECT_FALSE(d.HasParseError());
    return d;
  }

  fs::path work_, root_, gen_;
  std::unique_ptr<tt::SwtpmSocket> tpm_, other_tpm_;
};

// The verifier's nonce the tests send.
inline const char kNonceHex[] = "5eed0f1a2b3c4d5e";

}  // namespace ccv::agent::swtpm_guest

#endif  // CCV_TESTS_AGENT_SWTPM_GUEST_H_
