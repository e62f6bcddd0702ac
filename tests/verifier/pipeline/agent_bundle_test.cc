// A bundle written by ccverify-agent's bundle writer verifies: the agent's
// evidence.json and file names are what `ccverify verify` reads.
#include <cstdlib>
#include <string>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include "agent/collector.h"
#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"
#include "tests/verifier/pipeline/bundle_fixture.h"

namespace ccv {
namespace {

std::vector<uint8_t> Demo(const std::string& name) {
  return ReadFileBytes((testing::SourceDir() / "corpus/demo" / name).string()).value();
}

int Verify(const std::string& args) {
  return testing::RunCcverify("verify " + args, testing::Stderr::kDiscard).code;
}

TEST(AgentBundleTest, AgentWrittenBundleVerifies) {
  testing::TempDir tmp("agentbundle");
  agent::Evidence e;
  e.ccel_table = Demo("CCEL");
  e.ccel_data = Demo("CCEL.data");
  e.ima_ascii = Demo("ascii_runtime_measurements");
  e.ima_register = RegisterId::Rtmr(2);
  e.quote = Demo("quote.bin");
  e.quote_provider = "tdx_guest";
  auto ev = testing::ReadJson(testing::SourceDir() / "corpus/demo/evidence.json");
  ASSERT_TRUE(ev.IsObject());
  e.nonce = *FromHex(ev["nonce"].GetString());
  e.user_data = *FromHex(ev["user_data"].GetString());
  e.report_data = agent::ReportDataFor(*e.nonce, *e.user_data);
  e.collected_at = "2026-01-01T00:00:00Z";
  std::vector<std::string> warnings;
  ASSERT_TRUE(agent::CheckEvidence(e, &warnings).ok());
  EXPECT_TRUE(warnings.empty());
  std::string out = (tmp.path() / "bundle").string();
  ASSERT_TRUE(agent::WriteEvidenceBundle(e, out).ok());
  std::string demo = (testing::SourceDir() / "corpus/demo").string();
  std::string common =
      "'" + out + "' --policy '" + demo + "/policy.yaml' --root-ca '" + demo + "/root_ca.pem'";
  // The agent collects no collateral: without it the verdict fails closed.
  EXPECT_EQ(Verify(common), 1);
  common += " --collateral '" + demo + "/collateral.json'";
  EXPECT_EQ(Verify(common), 0);
  // The verifier's own nonce: binds too; another nonce fails.
  EXPECT_EQ(Verify(common + " --nonce " + ToHex(*e.nonce) + " --user-data " + ToHex(*e.user_data)),
            0);
  EXPECT_EQ(Verify(common + " --nonce " + ToHex(*e.user_data)), 1);
}

}  // namespace
}  // namespace ccv
