// Attacks through a PCK chain supplied beside the quote (--pck-chain, the
// manifest's pck_chain): a chain is only believed when it verifies to the
// trust anchor AND its leaf key signed the quote's QE report, and it never
// replaces what the quote itself carries. Each case is built with our test
// PKI and must not pass.
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/testing/quote_pki.h"
#include "verifier/quote/pck_chain_source.h"
#include "verifier/quote/quote_verifier.h"

namespace ccv::adversarial {
namespace {

using quote::CheckStatus;
using quote::QuoteVerification;

// Type 3 payload: 384-byte encrypted PPID, CPUSVN, PCE SVN, PCEID.
std::string EncryptedPpid() { return std::string(384, '\x33') + std::string(20, '\x01'); }

testing::TestPki Pki(testing::PkiOptions o = {}) {
  auto p = testing::TestPki::Create(o);
  EXPECT_TRUE(p.ok());
  return std::move(*p);
}

// A platform of the same root and CA with another PCK key (and serial).
testing::TestPki OtherPlatform(uint8_t key_seed = 1) {
  testing::PkiOptions o;
  o.key_seed = key_seed;
  o.pck_leaf_key_seed = 42;
  return Pki(o);
}

// The quote of `signer` (its PCK key signs the QE report) with this
// certification data, verified against `anchor`'s root and collateral.
Result<QuoteVerification> Verify(const testing::TestPki& signer, const testing::TestPki& anchor,
                                 uint16_t type, const std::string& payload,
                                 const std::string& supplied_pem) {
  testing::QuoteBuilder b = testing::DefaultTdxQuote(signer);
  b.cert_type = type;
  b.pck_chain_pem = payload;
  EXPECT_TRUE(testing::SignQuote(signer, testing::TestAttestationKey(), &b).ok());
  quote::QuoteCollateral c = testing::MakeCollateral(anchor, testing::DefaultTdxTcbInfo(),
                                                     testing::DefaultQeIdentity(true));
  auto prepared = quote::PrepareCollateral(c, anchor.root().Clone(), testing::kPkiNow);
  EXPECT_TRUE(prepared.ok());
  quote::VerifyOptions o;
  auto chain = quote::ParseSuppliedPckChain(supplied_pem, "pck.pem");
  EXPECT_TRUE(chain.ok()) << chain.status().ToString();
  o.pck_chain = std::move(*chain);
  std::vector<uint8_t> raw = b.Build();
  return quote::VerifyQuote(raw, *prepared, o);
}

CheckStatus StatusOf(const QuoteVerification& v, const char* id) {
  const quote::Check* c = v.FindCheck(id);
  EXPECT_NE(c, nullptr) << id;
  return c == nullptr ? CheckStatus::kSkipped : c->status;
}

TEST(PckChainAttackTest, AnotherPlatformsValidChainDoesNotBindTheQuote) {
  // The chain verifies to the anchor (same root and CA), but its key did not
  // sign the QE report: a PPID-only quote cannot borrow another platform's PCK.
  testing::TestPki signer = Pki();
  testing::TestPki other = OtherPlatform();
  std::string other_chain = other.pck_leaf().Pem() + other.pck_ca().Pem();
  auto v = Verify(signer, signer, 3, EncryptedPpid(), other_chain);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(StatusOf(*v, "pck_chain"), CheckStatus::kPass);  // the chain itself is fine
  EXPECT_EQ(StatusOf(*v, "qe_report_signature"), CheckStatus::kFail);
  EXPECT_FALSE(v->authentic);
  EXPECT_FALSE(v->pass);
}

TEST(PckChainAttackTest, TheRightKeyUnderAnotherRootIsNotTrusted) {
  // Same PCK key as the signer, certified by a root that is not the anchor.
  testing::PkiOptions signer_opts, forger_opts;
  signer_opts.pck_leaf_key_seed = forger_opts.pck_leaf_key_seed = 42;
  forger_opts.key_seed = 2;
  testing::TestPki signer = Pki(signer_opts);
  testing::TestPki forger = Pki(forger_opts);
  auto v = Verify(signer, signer, 1, std::string(16, '\x11') + std::string(20, '\x01'),
                  forger.PckChainPem());
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(StatusOf(*v, "qe_report_signature"), CheckStatus::kPass);
  EXPECT_EQ(StatusOf(*v, "pck_chain"), CheckStatus::kFail);
  EXPECT_FALSE(v->pass);
}

TEST(PckChainAttackTest, ALeafOnlyQuoteRefusesASuppliedChainWithAnotherLeaf) {
  testing::TestPki signer = Pki();
  testing::TestPki other = OtherPlatform();
  auto v = Verify(signer, signer, 4, signer.pck_leaf().Pem(),
                  other.pck_leaf().Pem() + other.pck_ca().Pem());
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), ErrorCode::kBadValue);
  // Names both leaves.
  EXPECT_NE(v.status().message().find("pck.pem"), std::string::npos) << v.status().message();
  EXPECT_NE(v.status().message().find(signer.pck_leaf().SerialHex()), std::string::npos);
  EXPECT_NE(v.status().message().find(other.pck_leaf().SerialHex()), std::string::npos);
}

TEST(PckChainAttackTest, AChainQuoteFailsWhenTheSuppliedChainDiffers) {
  testing::TestPki signer = Pki();
  testing::TestPki other = OtherPlatform();
  testing::TestPki other_root = Pki([] {
    testing::PkiOptions o;
    o.key_seed = 3;
    return o;
  }());
  for (const std::string& pem :
       {other.pck_leaf().Pem() + other.pck_ca().Pem(),
        // The quote's own leaf and CA, but another root.
        signer.pck_leaf().Pem() + signer.pck_ca().Pem() + other_root.root().Pem(),
        // The quote's CA alone, without its leaf.
        signer.PckCrlChainPem()}) {
    auto v = Verify(signer, signer, 5, signer.PckChainPem(), pem);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(StatusOf(*v, "pck_chain"), CheckStatus::kFail);
    EXPECT_NE(v->FindCheck("pck_chain")->detail.find("differs"), std::string::npos)
        << v->FindCheck("pck_chain")->detail;
    EXPECT_FALSE(v->pass);
  }
}

TEST(PckChainAttackTest, ASuppliedChainIsCheckedForRevocationAndValidity) {
  testing::PkiOptions revoked;
  revoked.revoke_pck_leaf = true;
  testing::TestPki r = Pki(revoked);
  auto v = Verify(r, r, 3, EncryptedPpid(), r.pck_leaf().Pem() + r.pck_ca().Pem());
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(StatusOf(*v, "pck_revocation"), CheckStatus::kFail);
  EXPECT_FALSE(v->pass);

  testing::PkiOptions expired;
  expired.pck_leaf.not_after = testing::kPkiNow - testing::kDay;
  testing::TestPki e = Pki(expired);
  auto w = Verify(e, e, 2, std::string(256, '\x22') + std::string(20, '\x01'),
                  e.pck_leaf().Pem() + e.pck_ca().Pem());
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(StatusOf(*w, "pck_chain"), CheckStatus::kFail);
  EXPECT_FALSE(w->pass);
}

TEST(PckChainAttackTest, ASuppliedChainWithoutItsLeafOrCaFails) {
  testing::TestPki signer = Pki();
  for (const std::string& pem : {signer.pck_leaf().Pem(), signer.PckCrlChainPem()}) {
    auto v = Verify(signer, signer, 3, EncryptedPpid(), pem);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_FALSE(v->pass);
    EXPECT_EQ(StatusOf(*v, "pck_chain"), CheckStatus::kFail);
  }
}

}  // namespace
}  // namespace ccv::adversarial
