// Attacks on the Azure TDX vTPM chain in `verify` (tpm.hcl_report): the
// vTPM quote's PCRs are authenticated only when the HCL report's runtime
// data hashes to the TD quote's REPORTDATA, the report's TD is the quote's,
// and the quotes are signed by that runtime data's HCLAkPub. Shared corpus
// azure/tdx-vtpm (skipped where absent); each case checks the untouched
// bundle first.
#include <string>

#include <gtest/gtest.h>

#include "parsers/hcl_report.h"
#include "tests/verifier/tpm/azure_evidence.h"
#include "tests/verifier/tpm/tpm_bind_fixture.h"

namespace ccv::pipeline {
namespace {

using namespace tpm_bind;  // NOLINT: the fixture's helpers

class HclBindAttackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = tpm::testing::LoadAzure();
    if (!a_) GTEST_SKIP() << "shared corpus azure/tdx-vtpm absent (CCV_CORPUS)";
    Result<Verification> v = Run(*a_);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    ASSERT_TRUE(v->facts.tpm.verified);
  }

  Result<Verification> Run(const tpm::testing::Azure& a, const std::string& tpm_members = "",
                           const policy::Policy* pol = nullptr) {
    tpm::testing::WriteAzureBundle(a, dir_.path(), tpm_members);
    CCV_ASSIGN_OR_RETURN(bundle::Evidence e, bundle::LoadEvidenceDir(dir_.path().string()));
    VerifyOptions o;
    o.at = Time(1735689600);
    o.tpm_nonce = tpm::testing::kAzureNonce;
    return Verify(e, o, pol);
  }

  // The vTPM's PCRs are not authenticated, for the reason `check` gives.
  static void ExpectCaught(const Result<Verification>& v, const std::string& check) {
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(StatusOf(v->facts, check), "fail") << check;
    EXPECT_EQ(StatusOf(v->facts, "tpm.ak_trust"), "fail");
    EXPECT_FALSE(v->facts.tpm.verified);
    EXPECT_TRUE(v->facts.tpm.pcrs.empty());
    EXPECT_NE(v->outcome, result::Outcome::kTrusted);
  }

  // Offset of `text` in the HCL report's runtime data.
  size_t RuntimeOffset(const std::string& text) {
    auto h = parsers::ParseHclReport(a_->hcl);
    EXPECT_TRUE(h.ok());
    std::string rt(h->runtime_data.begin(), h->runtime_data.end());
    size_t at = rt.find(text);
    EXPECT_NE(at, std::string::npos) << text;
    return h->runtime_data_offset + at;
  }

  std::optional<tpm::testing::Azure> a_;
  tb::TempDir dir_{"hclattack"};
};

TEST_F(HclBindAttackTest, RuntimeDataThatDoesNotMatchReportData) {
  // Another VM id in the runtime data: its hash is no longer REPORTDATA.
  a_->hcl[RuntimeOffset("6332533D")] = '7';
  auto v = Run(*a_);
  ExpectCaught(v, "hcl.runtime_data");
  EXPECT_EQ(StatusOf(v->facts, "report_data.binding"), "fail");
}

TEST_F(HclBindAttackTest, AkSwappedInTheRuntimeData) {
  // One character of HCLAkPub's modulus: the hash breaks, and the quote's
  // signature no longer verifies with the key either.
  size_t n = RuntimeOffset("\"n\":\"") + 5;
  a_->hcl[n + 10] = a_->hcl[n + 10] == 'A' ? 'B' : 'A';
  auto v = Run(*a_);
  ExpectCaught(v, "hcl.runtime_data");
  EXPECT_EQ(StatusOf(v->facts, "tpm.quote0_signature"), "fail");
}

TEST_F(HclBindAttackTest, AkSwappedInTheBundle) {
  // The bundle names another AK beside the HCL report.
  tb::TestKey key = tb::GenerateRsaKey();
  tpm::testing::WriteFileBytes(dir_.path() / "ak.pub", tb::TpmtPublicOf(key.get()));
  auto v = Run(*a_, ",\"ak\":\"ak.pub\"");
  ExpectCaught(v, "tpm.ak_trust");
  EXPECT_NE(FindCheck(v->facts, "tpm.ak_trust")->detail.find("HCLAkPub"), std::string::npos);
}

TEST_F(HclBindAttackTest, AnotherTdQuote) {
  CCV_REQUIRE_CORPUS(corpus);
  a_->td_quote = testing::ReadAll(corpus / "quotes/dcap-qvl-tdx-v4.bin");
  ASSERT_FALSE(a_->td_quote.empty());
  ExpectCaught(Run(*a_), "hcl.td_quote");
}

TEST_F(HclBindAttackTest, NoTdQuote) {
  // The HCL report alone anchors nothing.
  tpm::testing::WriteAzureBundle(*a_, dir_.path());
  std::string json =
      "{\"version\":1,\"tpm\":{\"quotes\":[{\"attest\":\"vtpm.attest\","
      "\"signature\":\"vtpm.sig\"}],\"pcrs\":\"pcrs.json\","
      "\"hcl_report\":\"hcl-report.bin\"}}";
  std::ofstream(dir_.path() / "evidence.json") << json;
  auto e = bundle::LoadEvidenceDir(dir_.path().string());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  VerifyOptions o;
  o.at = Time(1735689600);
  o.tpm_nonce = tpm::testing::kAzureNonce;
  ExpectCaught(Verify(*e, o, nullptr), "hcl.td_quote");
}

TEST_F(HclBindAttackTest, PolicyPinningAnotherAk) {
  tb::TestKey key = tb::GenerateRsaKey();
  policy::Policy pol = PolicyPinning(Fingerprint(tb::TpmtPublicOf(key.get())));
  ExpectCaught(Run(*a_, "", &pol), "tpm.ak_trust");
}

}  // namespace
}  // namespace ccv::pipeline
