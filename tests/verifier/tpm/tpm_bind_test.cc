// TPM quotes in `verify`: a quote that verifies with a trusted AK, carries
// the expected nonce and whose PCR digest matches makes the TPM log's events
// on its PCRs bound (every bank), an IMA list on PCR10 bound up to the quoted
// value, and its PCR values available to `pcrs:` rules. Synthetic evidence:
// the repository's own TCG log and IMA list, quotes signed by keys made here;
// the GCE COS vTPM evidence of the shared corpus end to end (skipped where
// absent).
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "policies/generate.h"
#include "tests/verifier/tpm/tpm_bind_fixture.h"
#include "verifier/replay/ima_replay.h"
#include "verifier/replay/ima_state.h"

namespace ccv::pipeline {
namespace {

using namespace tpm_bind;  // NOLINT: the fixture's helpers

TEST(TpmBindTest, VerifiedQuoteBindsTheTpmLogInEveryBank) {
  Bundle b;
  tpm::PcrValues pcrs = b.WriteQuotedLog();
  ASSERT_EQ(pcrs.banks().size(), 3u);
  policy::Policy pol = PolicyPinning(Fingerprint(b.ak));
  auto v = VerifyBundle(b, &pol);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  const Facts& f = v->facts;
  for (const char* id :
       {"tpm.ak_attributes", "tpm.ak_trust", "tpm.quote0_signature", "tpm.quote0_nonce",
        "tpm.quote0_pcr_digest", "tpm.quote2_pcr_digest", "tpm.bound"}) {
    EXPECT_EQ(StatusOf(f, id), "pass") << id << ": " << FindCheck(f, id)->detail;
  }
  EXPECT_TRUE(f.tpm.verified);
  EXPECT_EQ(f.tpm.ak_trust, "pinned");
  EXPECT_EQ(f.tpm.nonce_source, result::NonceSource::kVerifier);
  const result::LogFact* l = FindLog(f, "tpm");
  ASSERT_NE(l, nullptr);
  EXPECT_TRUE(l->bound) << l->why;
  EXPECT_GT(l->bound_events, 0u);
  // The quoted values are the replayed ones, bank by bank.
  for (const auto& [bank, values] : pcrs.banks()) {
    for (const auto& [i, d] : values) {
      EXPECT_TRUE(f.tpm.pcrs.at(bank).at(i) == d) << i;
    }
  }
  EXPECT_EQ(v->outcome, result::Outcome::kTrusted);
}

TEST(TpmBindTest, WithoutATrustAnchorTheLogStaysUnbound) {
  Bundle b;
  tpm::PcrValues pcrs = b.WriteQuotedLog();
  auto v = VerifyBundle(b, nullptr);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(StatusOf(v->facts, "tpm.ak_trust"), "fail");
  EXPECT_NE(FindCheck(v->facts, "tpm.ak_trust")->detail.find("--tpm-root-ca"), std::string::npos);
  EXPECT_EQ(StatusOf(v->facts, "tpm.bound"), "fail");
  EXPECT_EQ(BoundEvents(v->facts, "tpm"), 0u);
  EXPECT_TRUE(v->facts.tpm.pcrs.empty());
  EXPECT_EQ(v->outcome, result::Outcome::kUntrusted);
}

TEST(TpmBindTest, NoNonceFailsNamingTheMissingInput) {
  Bundle b;
  tpm::PcrValues pcrs = b.WriteQuotedLog();
  policy::Policy pol = PolicyPinning(Fingerprint(b.ak));
  auto v = VerifyBundle(b, &pol, std::nullopt);
  ASSERT_TRUE(v.ok());
  const result::Check* c = FindCheck(v->facts, "tpm.quote0_nonce");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->status, Verdict::kFail);
  EXPECT_EQ(c->missing, "nonce");
  EXPECT_EQ(v->outcome, result::Outcome::kUntrusted);
  // The bundle's own nonce: consistency only, said so.
  b.Write(MakeQuotes(b.key.get(), pcrs, Extended(pcrs), kNonce), false, ",\"nonce\":\"c0ffee01\"");
  v = VerifyBundle(b, &pol, std::nullopt);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(StatusOf(v->facts, "tpm.quote0_nonce"), "pass");
  EXPECT_EQ(v->facts.tpm.nonce_source, result::NonceSource::kBundle);
  EXPECT_NE(FindCheck(v->facts, "tpm.quote0_nonce")->detail.find("not the verifier's"),
            std::string::npos);
}

TEST(TpmBindTest, ImaListOnPcr10IsBoundByTheQuotedPcr10) {
  Bundle b;
  b.ak = tb::TpmtPublicOf(b.key.get());
  tpm::PcrValues pcrs = ReplayPcrs(kLog);
  // PCR10 after the 200 entries of the list (its expected.json, computed by
  // the list's generator), in the two banks IMA extends.
  tpm::PcrValues quoted = pcrs;
  Digest sha1 = Digest::Zero(HashAlg::kSha1), sha256 = Digest::Zero(HashAlg::kSha256);
  ASSERT_TRUE(DecodeHexInto("3942b70a6273e069e0eeb878a0a35f58effdeabf", sha1.mutable_span()));
  ASSERT_TRUE(DecodeHexInto("0fabb65a069ad051262cec35533c4d1659ada33ce5e9cdfa8a3fa5438fdcca9d",
                            sha256.mutable_span()));
  quoted.Set(10, sha1);
  quoted.Set(10, sha256);
  std::vector<uint32_t> sel = Extended(pcrs);
  sel.push_back(10);
  std::sort(sel.begin(), sel.end());
  // PCR10 is in no TPM log: the bundle lists what the quotes select.
  for (const auto& [bank, values] : pcrs.banks()) {
    for (uint32_t i : sel) {
      if (!quoted.Get(bank, i)) quoted.Set(i, tpm::InitialPcrValue(bank, i));
    }
  }
  b.Write(MakeQuotes(b.key.get(), quoted, sel, kNonce), true, "", &quoted);
  policy::Policy pol = PolicyPinning(Fingerprint(b.ak));
  auto v = VerifyBundle(b, &pol);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  const result::LogFact* ima = FindLog(v->facts, "ima");
  ASSERT_NE(ima, nullptr);
  EXPECT_TRUE(ima->bound) << ima->why;
  EXPECT_EQ(ima->bound_events, 200u);
  EXPECT_EQ(StatusOf(v->facts, "ima.bound"), "pass");
  // boot_aggregate is checked against the quoted PCR0-9 (this list's was
  // not made over this log, so it is found to differ: checked, not skipped).
  EXPECT_EQ(StatusOf(v->facts, "ima.boot_aggregate"), "fail");

  // A quote of another PCR10 binds no entry.
  quoted.Set(10, Digest::Filled(HashAlg::kSha256, 0x42));
  b.Write(MakeQuotes(b.key.get(), quoted, sel, kNonce), true, "", &quoted);
  v = VerifyBundle(b, &pol);
  ASSERT_TRUE(v.ok());
  ima = FindLog(v->facts, "ima");
  EXPECT_FALSE(ima->bound);
  EXPECT_EQ(StatusOf(v->facts, "ima.bound"), "fail");
  for (const result::ImaEntryFact& e : v->facts.ima) EXPECT_FALSE(e.bound);
}

TEST(TpmBindTest, PcrsRulesJudgeQuotedValuesOnly) {
  Bundle b;
  tpm::PcrValues pcrs = b.WriteQuotedLog();
  const std::string pcr0 = ToHex(pcrs.Get(HashAlg::kSha256, 0)->span());
  const std::string fp = Fingerprint(b.ak);
  policy::Policy good = PolicyPinning(
      fp, "pcrs:\n  pcr0:\n    sha256: {eq: \"" + pcr0 + "\"}\n  must_match_quote: [pcr0, pcr7]\n");
  auto v = VerifyBundle(b, &good);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->outcome, result::Outcome::kTrusted);
  std::map<std::string, Verdict> rules;
  for (const policy::RuleResult& r : v->evaluation.rules) rules[r.id] = r.status;
  EXPECT_EQ(rules["pcrs.pcr0.sha256"], Verdict::kPass);
  EXPECT_EQ(rules["pcrs.must_match_quote.pcr0"], Verdict::kPass);
  EXPECT_EQ(rules["pcrs.must_match_quote.pcr7"], Verdict::kPass);

  policy::Policy bad =
      PolicyPinning(fp, "pcrs:\n  pcr0:\n    sha256: {eq: \"" + std::string(64, 'a') + "\"}\n");
  v = VerifyBundle(b, &bad);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->outcome, result::Outcome::kUntrusted);
  for (const policy::RuleResult& r : v->evaluation.rules) {
    if (r.id == "pcrs.pcr0.sha256") {
      EXPECT_EQ(r.status, Verdict::kFail);
    }
  }

  // The right value, but the quote is not trusted: the rule fails.
  policy::Policy other =
      PolicyPinning(std::string(64, '0'), "pcrs:\n  pcr0:\n    sha256: {eq: \"" + pcr0 + "\"}\n");
  v = VerifyBundle(b, &other);
  ASSERT_TRUE(v.ok());
  for (const policy::RuleResult& r : v->evaluation.rules) {
    if (r.id == "pcrs.pcr0.sha256") {
      EXPECT_EQ(r.status, Verdict::kFail);
      EXPECT_EQ(r.actual, "(not authenticated)");
    }
  }
}

TEST(TpmBindTest, GeneratedPolicyPinsTheQuotedPcrsAndPassesItsOwnEvidence) {
  Bundle b;
  tpm::PcrValues pcrs = b.WriteQuotedLog();
  policy::Policy pin = PolicyPinning(Fingerprint(b.ak));
  auto v = VerifyBundle(b, &pin);
  ASSERT_TRUE(v.ok());
  std::string yaml = policy::GeneratePolicy(v->facts, {});
  EXPECT_NE(yaml.find("pcrs:\n  pcr0:\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("must_match_quote: [pcr0"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("sha256:" + Fingerprint(b.ak)), std::string::npos) << yaml;
  // The generated policy plus the AK pin passes; with pcr0 changed it fails.
  yaml += "tpm:\n  ak: \"sha256:" + Fingerprint(b.ak) + "\"\n";
  auto gen = policy::ParsePolicy(yaml);
  ASSERT_TRUE(gen.ok()) << gen.status().ToString() << "\n" << yaml;
  v = VerifyBundle(b, &*gen);
  ASSERT_TRUE(v.ok());
  for (const policy::RuleResult& r : v->evaluation.rules) {
    if (r.id.starts_with("pcrs.")) {
      EXPECT_EQ(r.status, Verdict::kPass) << r.id << ": " << r.why;
    }
  }
}

// The GCE COS vTPM: three quotes (sha1, sha256, sha384), AK certificate
// chained to the corpus's GCE root through the intermediate the bundle
// carries; the log replays to the quoted PCRs.
TEST(TpmBindTest, GceCosVtpmBindsItsLog) {
  auto corpus = tb::CorpusDir();
  if (!corpus) GTEST_SKIP() << "shared corpus absent (CCV_CORPUS)";
  fs::path d = *corpus / "tpm/gce-cos-85";
  tb::TempDir dir("tpmbind_gce");
  std::map<std::string, fs::path> files = {
      {"event_log.bin", d / "event_log.bin"},
      {"ak_cert.der", d / "ak_cert.der"},
      {"intermediate.crt", *corpus / "tpm/ca/tpm_ek_intermediate_2.crt"}};
  std::string quotes;
  for (int i = 0; i < 3; ++i) {
    std::string n = "quote" + std::to_string(i);
    files[n + ".attest"] = d / (n + ".tpms_attest.bin");
    files[n + ".sig"] = d / (n + ".tpmt_signature.bin");
    quotes += std::string(i ? "," : "") + "{\"attest\":\"" + n + ".attest\",\"signature\":\"" + n +
              ".sig\"}";
  }
  // The quotes select PCR0-23, and PCR10 (IMA) is in no log here: the
  // bundle lists the quoted values (checked against the digest).
  tpm::PcrValues listed;
  const HashAlg banks[] = {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384};
  for (int i = 0; i < 3; ++i) {
    tpm::testing::AddPcrListing(d / ("quote" + std::to_string(i) + ".pcrs.txt"), banks[i], &listed);
  }
  std::ofstream(dir.path() / "pcrs.json") << tpm::testing::PcrValuesJson(listed);
  tb::MakeBundle(dir.path(), files,
                 "{\"version\":1,\"tpm_eventlog\":\"event_log.bin\",\"tpm\":{\"quotes\":[" +
                     quotes +
                     "],\"ak\":\"ak_cert.der\",\"ak_chain\":[\"intermediate.crt\"],"
                     "\"pcrs\":\"pcrs.json\"}}");
  auto e = bundle::LoadEvidenceDir(dir.path().string());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  VerifyOptions o;
  o.at = Time(1735689600);  // 2025-01-01
  o.tpm_nonce = std::vector<uint8_t>{0x90, 0x09};
  auto root = ReadFileText((*corpus / "tpm/ca/tpm_ek_root_1.cer").string());
  ASSERT_TRUE(root.ok());
  o.tpm_root_ca.push_back(*root);
  auto f = CollectFacts(*e, o, nullptr);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_TRUE(f->tpm.verified);
  EXPECT_EQ(f->tpm.ak_trust, "chain");
  EXPECT_EQ(StatusOf(*f, "tpm.bound"), "pass") << FindCheck(*f, "tpm.bound")->detail;
  EXPECT_EQ(f->tpm.pcrs.size(), 3u);
  // pcr0 sha1 as the corpus listing gives it.
  EXPECT_EQ(ToHex(f->tpm.pcrs.at(HashAlg::kSha1).at(0).span()),
            "c032c3b51dbb6f96b047421512fd4b4dfde496f3");

  // The root only in the bundle (as a "chain" certificate): not an anchor.
  o.tpm_root_ca.clear();
  tb::MakeBundle(dir.path(), {{"intermediate.crt", *corpus / "tpm/ca/tpm_ek_root_1.cer"}},
                 "{\"version\":1,\"tpm_eventlog\":\"event_log.bin\",\"tpm\":{\"quotes\":[" +
                     quotes +
                     "],\"ak\":\"ak_cert.der\",\"ak_chain\":[\"intermediate.crt\"],"
                     "\"pcrs\":\"pcrs.json\"}}");
  e = bundle::LoadEvidenceDir(dir.path().string());
  ASSERT_TRUE(e.ok());
  f = CollectFacts(*e, o, nullptr);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(StatusOf(*f, "tpm.ak_trust"), "fail");
  EXPECT_EQ(StatusOf(*f, "tpm.bound"), "fail");
}

}  // namespace
}  // namespace ccv::pipeline

namespace ccv::pipeline::tpm_bind {
namespace {

// verify --ima-state on PCR10: a list bound by TPM quotes in both banks is
// saved in both, and the next verification resumed from it replays only the
// entries appended since, to the same registers, binding and checks as a
// full replay; a quote of a PCR10 the state does not lead to is refused.
TEST(TpmBindTest, ImaStateResumesAPcr10ListInBothBanks) {
  // The generated list without its boot_aggregate (made over another log):
  // the first 120 entries, then all 199.
  std::vector<std::string> lines;
  {
    std::ifstream in(kIma);
    for (std::string l; std::getline(in, l);) lines.push_back(l + "\n");
  }
  ASSERT_EQ(lines.size(), 200u);
  auto list_of = [&](size_t n) {
    std::string s;
    for (size_t i = 1; i <= n; ++i) s += lines[i];
    return s;
  };
  const tpm::PcrValues boot = ReplayPcrs(kLog);
  std::vector<uint32_t> sel = Extended(boot);
  sel.push_back(10);
  std::sort(sel.begin(), sel.end());
  Bundle b;
  b.ak = tb::TpmtPublicOf(b.key.get());
  policy::Policy pol = PolicyPinning(Fingerprint(b.ak));
  // Writes the bundle with `list` and quotes of its PCR10 (or of `pcr10`).
  auto write = [&](const std::string& list, std::optional<Digest> pcr10 = std::nullopt) {
    replay::ImaReplayOptions ro;
    ro.register_kind = RegisterId::Kind::kPcr;
    ro.register_index = 10;
    auto r = replay::ReplayImaBytes(AsBytes(list), ima::ReadOptions{}, ro);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    tpm::PcrValues quoted = boot;
    for (HashAlg bank : {HashAlg::kSha1, HashAlg::kSha256}) {
      quoted.Set(10, *r->registers.Get(RegisterId::Pcr(10), bank));
    }
    if (pcr10) quoted.Set(10, *pcr10);
    for (const auto& [bank, values] : boot.banks()) {
      for (uint32_t i : sel) {
        if (!quoted.Get(bank, i)) quoted.Set(i, tpm::InitialPcrValue(bank, i));
      }
    }
    b.Write(MakeQuotes(b.key.get(), quoted, sel, kNonce), false, "", &quoted);
    std::ofstream(b.dir.path() / "ima.ascii", std::ios::binary | std::ios::trunc) << list;
    std::string json = *ReadFileText((b.dir.path() / "evidence.json").string());
    json.replace(json.find("{\"version\":1,"), 13,
                 "{\"version\":1,\"ima\":{\"path\":\"ima.ascii\",\"register\":\"pcr10\"},");
    std::ofstream(b.dir.path() / "evidence.json", std::ios::trunc) << json;
  };
  auto verify = [&](std::shared_ptr<const replay::ImaState> from, bool with_state) {
    auto e = bundle::LoadEvidenceDir(b.dir.path().string());
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    VerifyOptions o;
    o.at = Time(1735689600);
    o.tpm_nonce = kNonce;
    o.ima_state = with_state;
    o.ima_resume = std::move(from);
    return Verify(*e, o, &pol);
  };
  write(list_of(120));
  auto first = verify(nullptr, true);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_NE(first->facts.ima_state_out, nullptr) << FindLog(first->facts, "ima")->why;
  const replay::ImaState state = *first->facts.ima_state_out;
  EXPECT_EQ(state.reg, RegisterId::Pcr(10));
  EXPECT_EQ(state.entries, 120u);
  ASSERT_EQ(state.values.size(), 2u);  // sha1 and sha256, both quoted

  write(list_of(199));
  auto resumed = verify(first->facts.ima_state_out, true);
  auto full = verify(nullptr, false);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  ASSERT_TRUE(resumed->facts.ima_resume && resumed->facts.ima_resume->incremental);
  EXPECT_EQ(resumed->facts.ima_resume->from_entry, 120u);
  EXPECT_EQ(resumed->facts.ima.size(), 79u);
  EXPECT_EQ(resumed->outcome, full->outcome);
  for (HashAlg bank : {HashAlg::kSha1, HashAlg::kSha256}) {
    auto a = resumed->facts.replayed.Get(RegisterId::Pcr(10), bank);
    auto c = full->facts.replayed.Get(RegisterId::Pcr(10), bank);
    ASSERT_TRUE(a && c);
    EXPECT_EQ(*a, *c);
  }
  const result::LogFact* ri = FindLog(resumed->facts, "ima");
  const result::LogFact* fi = FindLog(full->facts, "ima");
  EXPECT_TRUE(ri->bound) << ri->why;
  EXPECT_EQ(ri->events, fi->events);
  EXPECT_EQ(ri->bound_events, fi->bound_events);
  for (const char* id : {"ima.bound", "ima.template_hashes", "tpm.bound"}) {
    EXPECT_EQ(StatusOf(resumed->facts, id), StatusOf(full->facts, id)) << id;
  }
  ASSERT_NE(resumed->facts.ima_state_out, nullptr);
  EXPECT_EQ(resumed->facts.ima_state_out->entries, 199u);

  // A TPM quote of a PCR10 (sha256) the saved values do not lead to.
  write(list_of(199), Digest::Filled(HashAlg::kSha256, 0x42));
  auto refused = verify(first->facts.ima_state_out, true);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("IMA state refused"), std::string::npos)
      << refused.status().ToString();
}

}  // namespace
}  // namespace ccv::pipeline::tpm_bind
