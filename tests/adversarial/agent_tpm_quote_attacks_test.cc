// Attacks on the agent's TPM quote (ccverify-agent against a swtpm of the
// test's own): a bundle must not verify with a stale nonce, with a quote
// made by another TPM, or when a PCR changed after the quote without the
// log saying so. Each case verifies the untouched bundle first, so a
// failure below is the attack's doing.
#include <string>
#include <vector>

#include "tests/agent/swtpm_guest.h"
#include "tests/verifier/tpm/tpm_bind_fixture.h"

namespace ccv::agent::swtpm_guest {
namespace {

namespace tb = ccv::pipeline::tpm_bind;

class AgentTpmQuoteAttackTest : public SwtpmGuestTest {
 protected:
  // Collects from `device` (empty: the guest's own TPM) with kNonceHex.
  fs::path CollectBundle(const std::string& name, const std::string& device = "") {
    fs::path out = work_ / name;
    std::vector<std::string> extra = {"--tpm-nonce", kNonceHex};
    if (!device.empty()) extra.insert(extra.end(), {"--tpm-device", device});
    tt::RunResult r = Collect(out, extra);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
  }

  // `verify` of `bundle` with the AK of `pinned` (a bundle) pinned.
  Result<pipeline::Verification> VerifyPinned(const fs::path& bundle, const fs::path& pinned,
                                              const std::string& nonce = kNonceHex) {
    CCV_ASSIGN_OR_RETURN(bundle::Evidence e, bundle::LoadEvidenceDir(bundle.string()));
    pol_ = tb::PolicyPinning(tb::Fingerprint(tt::ReadAll(pinned / "tpm_ak.pub")));
    pipeline::VerifyOptions o;
    o.at = Time(1735689600);
    o.tpm_nonce = *FromHex(nonce);
    return pipeline::Verify(e, o, &pol_);
  }

  static void ExpectTrusted(const Result<pipeline::Verification>& v) {
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(v->outcome, result::Outcome::kTrusted);
    EXPECT_TRUE(tb::FindLog(v->facts, "tpm")->bound);
  }

  // Untrusted, the TPM log unbound, and `check` failed.
  static void ExpectCaught(const Result<pipeline::Verification>& v, const std::string& check) {
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_NE(v->outcome, result::Outcome::kTrusted);
    EXPECT_EQ(tb::StatusOf(v->facts, check), "fail") << check;
    EXPECT_EQ(tb::StatusOf(v->facts, "tpm.bound"), "fail");
    EXPECT_EQ(tb::BoundEvents(v->facts, "tpm"), 0u);
    EXPECT_FALSE(v->facts.tpm.verified);
  }

  policy::Policy pol_;
};

TEST_F(AgentTpmQuoteAttackTest, StaleNonceIsRejected) {
  fs::path b = CollectBundle("bundle");
  ExpectTrusted(VerifyPinned(b, b));
  // The verifier asked with another nonce: the bundle answers an older request.
  ExpectCaught(VerifyPinned(b, b, "5eed0f1a2b3c4d5f"), "tpm.quote0_nonce");
}

TEST_F(AgentTpmQuoteAttackTest, QuoteFromAnotherTpmIsRejected) {
  // A second TPM with the same log extended: equal PCRs, another AK.
  fs::path other = work_ / "other" / "tpmrm0";
  other_tpm_ = StartTpm(work_ / "other-state", other);
  ASSERT_NE(other_tpm_, nullptr);
  ExtendLog(other, tt::ReadAll(root_ / tt::kFakeTpmLog));
  fs::path mine = CollectBundle("mine");
  fs::path theirs = CollectBundle("theirs", other.string());
  ExpectTrusted(VerifyPinned(mine, mine));
  ExpectTrusted(VerifyPinned(theirs, theirs));
  EXPECT_NE(tt::ReadAll(mine / "tpm_ak.pub"), tt::ReadAll(theirs / "tpm_ak.pub"));
  // The other TPM's whole bundle, this TPM's AK pinned.
  ExpectCaught(VerifyPinned(theirs, mine), "tpm.ak_trust");
  // The other TPM's quotes under this TPM's AK.
  for (const char* bank : {"sha1", "sha256", "sha384", "sha512"}) {
    for (const char* ext : {".attest", ".sig"}) {
      std::string f = std::string("tpm_quote.") + bank + ext;
      fs::copy_file(theirs / f, mine / f, fs::copy_options::overwrite_existing);
    }
  }
  ExpectCaught(VerifyPinned(mine, mine), "tpm.quote0_signature");
}

TEST_F(AgentTpmQuoteAttackTest, PcrChangedAfterTheQuoteIsRejected) {
  fs::path before = CollectBundle("before");
  ExpectTrusted(VerifyPinned(before, before));
  // PCR 4 extended in every bank, and no record of it in the log.
  for (uint16_t alg : {uint16_t{0x0004}, uint16_t{0x000b}, uint16_t{0x000c}, uint16_t{0x000d}}) {
    size_t len = alg == 0x0004 ? 20 : alg == 0x000b ? 32 : alg == 0x000c ? 48 : 64;
    Extend(Device(), 4, alg, std::vector<uint8_t>(len, 0x66));
  }
  fs::path after = CollectBundle("after");
  auto v = VerifyPinned(after, after);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_NE(v->outcome, result::Outcome::kTrusted);
  EXPECT_EQ(tb::StatusOf(v->facts, "tpm.bound"), "fail");
  EXPECT_FALSE(tb::FindLog(v->facts, "tpm")->bound);
  // The earlier PCR values beside the later quote: the digest does not match.
  fs::copy_file(before / "tpm_pcrs.json", after / "tpm_pcrs.json",
                fs::copy_options::overwrite_existing);
  ExpectCaught(VerifyPinned(after, after), "tpm.quote0_pcr_digest");
}

}  // namespace
}  // namespace ccv::agent::swtpm_guest
