// ccverify-agent's TPM quote against a swtpm of the test's own (reached
// through the agent's unix-socket transport at ROOT/dev/tpmrm0): the bundle
// holds a quote of every bank with the given nonce, the AK and the PCR
// values; tpm2_checkquote (tpm2-tools) accepts every quote with PCR values
// read independently by tpm2_pcrread; and `verify` binds the TPM log in
// the bundle with the AK pinned by the policy.
#include "agent/tpm_quote.h"

#include <string>
#include <vector>

#include "tests/agent/swtpm_guest.h"
#include "tests/verifier/tpm/tpm_bind_fixture.h"

namespace ccv::agent::swtpm_guest {
namespace {

namespace tb = ccv::pipeline::tpm_bind;

class AgentTpmQuoteTest : public SwtpmGuestTest {
 protected:
  // tpm2_checkquote on the bundle's quote of `bank`, with the PCR values
  // tpm2_pcrread reads from the TPM itself (serialized: tpm2_checkquote 5.4
  // cannot hash more than 8 PCRs given as bare values with -l).
  tt::Sh CheckQuote(const fs::path& bundle, const std::string& bank, const std::string& nonce) {
    tt::Sh read = tt::Shell(tpm_->ToolsEnv() + "tpm2_pcrread " + bank + ":all -F serialized -o " +
                            tt::Quote(work_ / (bank + ".pcrs")));
    EXPECT_EQ(read.code, 0) << read.out;
    return tt::Shell("tpm2_checkquote -u " + tt::Quote(bundle / "tpm_ak.pub") + " -m " +
                     tt::Quote(bundle / ("tpm_quote." + bank + ".attest")) + " -s " +
                     tt::Quote(bundle / ("tpm_quote." + bank + ".sig")) + " -f " +
                     tt::Quote(work_ / (bank + ".pcrs")) + " -g sha256 -q " + nonce);
  }
};

TEST_F(AgentTpmQuoteTest, BundlesAQuoteOfEveryBankWithTheNonce) {
  fs::path out = work_ / "bundle";
  tt::RunResult r = Collect(out, {"--tpm-nonce", kNonceHex});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  rapidjson::Document d = Manifest(out);
  ASSERT_TRUE(d.HasMember("tpm"));
  const rapidjson::Value& t = d["tpm"];
  EXPECT_EQ(std::string(t["nonce"].GetString()), kNonceHex);
  EXPECT_EQ(std::string(t["ak"].GetString()), "tpm_ak.pub");
  EXPECT_EQ(std::string(t["pcrs"].GetString()), "tpm_pcrs.json");
  // swtpm allocates all four banks.
  ASSERT_EQ(t["quotes"].Size(), 4u);
  std::vector<std::string> names;
  for (const auto& q : t["quotes"].GetArray()) names.emplace_back(q["attest"].GetString());
  EXPECT_EQ(names,
            (std::vector<std::string>{"tpm_quote.sha1.attest", "tpm_quote.sha256.attest",
                                      "tpm_quote.sha384.attest", "tpm_quote.sha512.attest"}));
  // No TDX and no IMA on this guest; the TPM quote is not among the missing.
  std::vector<std::string> missing;
  for (const auto& m : d["not_found"].GetArray()) missing.emplace_back(m.GetString());
  EXPECT_EQ(missing, (std::vector<std::string>{"ccel", "quote", "ima"}));
}

TEST_F(AgentTpmQuoteTest, TpmCheckquoteAcceptsEveryBankEccAndRsa) {
  if (!tt::Have("tpm2_checkquote") || !tt::Have("tpm2_pcrread")) {
    GTEST_SKIP() << "tpm2-tools not installed (scripts/install-deps.sh); skipping";
  }
  for (const char* ak : {"ecc", "rsa"}) {
    fs::path out = work_ / (std::string("bundle-") + ak);
    tt::RunResult r = Collect(out, {"--tpm-nonce", kNonceHex, "--tpm-ak", ak});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* bank : {"sha1", "sha256", "sha384", "sha512"}) {
      tt::Sh ok = CheckQuote(out, bank, kNonceHex);
      EXPECT_EQ(ok.code, 0) << ak << " " << bank << ": " << ok.out;
      // The reference can fail: another nonce.
      tt::Sh stale = CheckQuote(out, bank, "5eed0f1a2b3c4d5f");
      EXPECT_NE(stale.code, 0) << ak << " " << bank << ": " << stale.out;
    }
  }
  // And a PCR extended after the quote: the quoted digest is not today's.
  Extend(Device(), 16, 0x000b, std::vector<uint8_t>(32, 0x16));
  tt::Sh moved = CheckQuote(work_ / "bundle-ecc", "sha256", kNonceHex);
  EXPECT_NE(moved.code, 0) << moved.out;
}

TEST_F(AgentTpmQuoteTest, TheAkIsTheSameOnEveryCollection) {
  // A primary key from a fixed template under the endorsement hierarchy:
  // pinned once, it verifies every later bundle of this TPM.
  fs::path a = work_ / "a", b = work_ / "b";
  ASSERT_EQ(Collect(a, {"--tpm-nonce", "01"}).exit_code, 0);
  ASSERT_EQ(Collect(b, {"--tpm-nonce", "02"}).exit_code, 0);
  EXPECT_EQ(tt::ReadAll(a / "tpm_ak.pub"), tt::ReadAll(b / "tpm_ak.pub"));
  EXPECT_NE(tt::ReadAll(a / "tpm_quote.sha256.attest"), tt::ReadAll(b / "tpm_quote.sha256.attest"));
}

TEST_F(AgentTpmQuoteTest, VerifyBindsTheTpmLogWithThePinnedAk) {
  fs::path out = work_ / "bundle";
  tt::RunResult r = Collect(out, {"--tpm-nonce", kNonceHex});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto e = bundle::LoadEvidenceDir(out.string());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  policy::Policy pol = tb::PolicyPinning(tb::Fingerprint(tt::ReadAll(out / "tpm_ak.pub")));
  pipeline::VerifyOptions o;
  o.at = Time(1735689600);
  o.tpm_nonce = *FromHex(kNonceHex);
  auto v = pipeline::Verify(*e, o, &pol);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  const result::Facts& f = v->facts;
  for (const char* id :
       {"tpm.ak_attributes", "tpm.ak_trust", "tpm.quote0_signature", "tpm.quote0_nonce",
        "tpm.quote0_pcr_digest", "tpm.quote3_pcr_digest", "tpm.bound"}) {
    const result::Check* c = tb::FindCheck(f, id);
    ASSERT_NE(c, nullptr) << id;
    EXPECT_STREQ(result::VerdictName(c->status), "pass") << id << ": " << c->detail;
  }
  const result::LogFact* l = tb::FindLog(f, "tpm");
  ASSERT_NE(l, nullptr);
  EXPECT_TRUE(l->bound) << l->why;
  EXPECT_GT(tb::BoundEvents(f, "tpm"), 10u);
  EXPECT_EQ(f.tpm.pcrs.size(), 4u);
  EXPECT_EQ(v->outcome, result::Outcome::kTrusted);
}

TEST_F(AgentTpmQuoteTest, WithoutATpmNonceTheAgentUsesTheNonceOrRandomBytes) {
  fs::path out = work_ / "bundle";
  ASSERT_EQ(Collect(out).exit_code, 0);
  rapidjson::Document d = Manifest(out);
  std::string nonce = d["tpm"]["nonce"].GetString();
  EXPECT_EQ(nonce.size(), 64u);
  // --nonce doubles as the TPM nonce when it fits.
  fs::path with = work_ / "with-nonce";
  ASSERT_EQ(Collect(with, {"--nonce", "abcdef"}).exit_code, 0);
  EXPECT_EQ(std::string(Manifest(with)["tpm"]["nonce"].GetString()), "abcdef");
}

TEST_F(AgentTpmQuoteTest, DeviceOptions) {
  // --tpm-device none: no quote, and not reported missing (not looked for).
  fs::path none = work_ / "none";
  ASSERT_EQ(Collect(none, {"--tpm-device", "none"}).exit_code, 0);
  EXPECT_FALSE(Manifest(none).HasMember("tpm"));
  // A device named that is absent is an error, not a missing item.
  tt::RunResult r = Collect(work_ / "absent", {"--tpm-device", (work_ / "nope").string()});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("--tpm-device"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(work_ / "absent"));
  // A regular file where the device should be is refused.
  tt::WriteText(work_ / "file", "x");
  r = Collect(work_ / "file-out", {"--tpm-device", (work_ / "file").string()});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  // Bad options.
  EXPECT_EQ(Collect(work_ / "u1", {"--tpm-ak", "dsa"}).exit_code, 2);
  EXPECT_EQ(Collect(work_ / "u2", {"--tpm-nonce", std::string(130, 'a')}).exit_code, 2);
  EXPECT_EQ(Collect(work_ / "u3", {"--tpm-nonce", "zz"}).exit_code, 2);
}

TEST_F(AgentTpmQuoteTest, NoDeviceIsNamedMissing) {
  tpm_.reset();
  fs::remove(Device());
  fs::path out = work_ / "bundle";
  ASSERT_EQ(Collect(out).exit_code, 0);
  rapidjson::Document d = Manifest(out);
  EXPECT_FALSE(d.HasMember("tpm"));
  std::vector<std::string> missing;
  for (const auto& m : d["not_found"].GetArray()) missing.emplace_back(m.GetString());
  EXPECT_EQ(missing, (std::vector<std::string>{"ccel", "quote", "tpm_quote", "ima"}));
  // The verifier reads the item.
  auto e = bundle::LoadEvidenceDir(out.string());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
}

TEST_F(AgentTpmQuoteTest, LibraryQuotesMatchTheirPcrValues) {
  auto t = OpenTpmPath(Device().string());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  TpmQuoteOptions opts;
  opts.nonce = {1, 2, 3};
  auto q = QuoteAllBanks(t->get(), opts);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_EQ(q->quotes.size(), 4u);
  for (const TpmBankQuote& b : q->quotes) EXPECT_EQ(b.pcrs.size(), 24u);
  EXPECT_TRUE(q->skipped_banks.empty());
  // Nonce sizes.
  opts.nonce.clear();
  EXPECT_EQ(QuoteAllBanks(t->get(), opts).status().code(), ErrorCode::kInvalidArgument);
  opts.nonce.assign(65, 0);
  EXPECT_EQ(QuoteAllBanks(t->get(), opts).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ccv::agent::swtpm_guest
