// `verify` runs the Azure TDX vTPM chain from a bundle (tpm.hcl_report):
// HCL report -> TD quote REPORTDATA -> the vTPM's AK (HCLAkPub) -> the vTPM
// quote, over the shared corpus's azure/tdx-vtpm evidence (skipped where
// absent). Attacks on the chain are in tests/adversarial/hcl_bind_attacks_test.cc.
#include <gtest/gtest.h>

#include "tests/verifier/tpm/azure_evidence.h"
#include "tests/verifier/tpm/tpm_bind_fixture.h"

namespace ccv::pipeline {
namespace {

using namespace tpm_bind;  // NOLINT: the fixture's helpers
using tpm::testing::kAzureNonce;

// The Azure evidence written as a bundle, loaded and verified at a time
// inside its certificates' validity; `nonce`: the verifier's, if it has one.
Result<Verification> VerifyAzureBundle(const tpm::testing::Azure& a,
                                       std::optional<std::vector<uint8_t>> nonce) {
  tb::TempDir dir("azure");
  tpm::testing::WriteAzureBundle(a, dir.path());
  auto e = bundle::LoadEvidenceDir(dir.path().string());
  if (!e.ok()) return e.status();
  if (!e->tpm || !e->tpm->hcl_report) {
    return Status(ErrorCode::kNotFound, "the bundle has no tpm.hcl_report");
  }
  VerifyOptions o;
  o.at = Time(1735689600);
  o.tpm_nonce = std::move(nonce);
  return Verify(*e, o, nullptr);
}

TEST(HclBundleTest, VerifyRunsTheAzureChainFromABundle) {
  auto a = tpm::testing::LoadAzure();
  if (!a) GTEST_SKIP() << "shared corpus azure/tdx-vtpm absent (CCV_CORPUS)";
  auto v = VerifyAzureBundle(*a, kAzureNonce);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  const Facts& f = v->facts;
  for (const char* id :
       {"quote.quote_signature", "quote.qe_report_signature", "quote.pck_chain", "hcl.runtime_data",
        "hcl.td_quote", "hcl.ak", "report_data.binding", "tpm.ak_trust", "tpm.quote0_signature",
        "tpm.quote0_nonce", "tpm.quote0_pcr_digest"}) {
    const result::Check* c = FindCheck(f, id);
    ASSERT_NE(c, nullptr) << id;
    EXPECT_STREQ(result::VerdictName(c->status), "pass") << id << ": " << c->detail;
  }
  EXPECT_TRUE(f.tpm.verified);
  EXPECT_EQ(f.tpm.ak_trust, "hcl");
  EXPECT_EQ(f.tpm.ak_form, "public_key");
  EXPECT_EQ(f.tpm.nonce_source, result::NonceSource::kVerifier);
  EXPECT_EQ(ToHex(f.tpm.pcrs.at(HashAlg::kSha256).at(0).span()),
            "782b20b10f55cc46e2142cc2145d548698073e5beb82752c8d7f9279f0d8a273");
  // No collateral in the corpus: the TD's TCB is not judged, so not trusted.
  EXPECT_EQ(StatusOf(f, "quote.collateral"), "fail");
}

TEST(HclBundleTest, TheVerifiersNonceDecidesFreshness) {
  auto a = tpm::testing::LoadAzure();
  if (!a) GTEST_SKIP() << "shared corpus azure/tdx-vtpm absent (CCV_CORPUS)";
  auto v = VerifyAzureBundle(*a, std::nullopt);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(StatusOf(v->facts, "tpm.quote0_nonce"), "fail");
  EXPECT_EQ(FindCheck(v->facts, "tpm.quote0_nonce")->missing, "nonce");
}

}  // namespace
}  // namespace ccv::pipeline
