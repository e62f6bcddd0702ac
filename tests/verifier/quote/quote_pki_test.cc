// Every failure path of quote verification, produced with our own test PKI:
// certificate, CRL, TCB info and QE identity validity windows, revocation,
// wrong root, FMSPC/PCEID mismatch, documents signed over other bytes, each
// TCB status and its convergence with the TDX module and QE statuses,
// unknown module identities, QE identity mismatches under each mask, TD
// relaunch advice, and tampered quotes.
#include "tests/testing/quote_pki.h"

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "verifier/quote/quote_verifier.h"

namespace ccv::quote {
namespace {

struct Scenario {
  testing::PkiOptions pki;
  bool sgx = false;
  TcbInfo tcb_info = testing::DefaultTdxTcbInfo();
  EnclaveIdentity qe_identity = testing::DefaultQeIdentity(true);
  std::function<void(testing::QuoteBuilder*)> edit_quote;    // before signing
  std::function<void(testing::QuoteBuilder*)> tamper_quote;  // after signing
  std::function<void(QuoteCollateral*)> edit_collateral;     // after signing
  int64_t at = testing::kPkiNow;
  VerifyOptions options;
  std::optional<testing::PkiOptions> anchor_pki;  // trust anchor from another PKI
};

QuoteVerification RunScenario(const Scenario& s) {
  auto pki = testing::TestPki::Create(s.pki);
  EXPECT_TRUE(pki.ok());
  testing::QuoteBuilder b = s.sgx ? testing::DefaultSgxQuote(*pki) : testing::DefaultTdxQuote(*pki);
  if (s.edit_quote) s.edit_quote(&b);
  EXPECT_TRUE(testing::SignQuote(*pki, testing::TestAttestationKey(), &b).ok());
  if (s.tamper_quote) s.tamper_quote(&b);
  QuoteCollateral c = testing::MakeCollateral(*pki, s.tcb_info, s.qe_identity);
  if (s.edit_collateral) s.edit_collateral(&c);
  crypto::Certificate anchor = pki->root().Clone();
  if (s.anchor_pki) {
    auto other = testing::TestPki::Create(*s.anchor_pki);
    anchor = other->root().Clone();
  }
  auto prepared = PrepareCollateral(c, std::move(anchor), s.at);
  EXPECT_TRUE(prepared.ok()) << prepared.status().ToString();
  std::vector<uint8_t> raw = b.Build();
  auto v = VerifyQuote(raw, *prepared, s.options);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return std::move(*v);
}

std::string Describe(const QuoteVerification& v) {
  std::string s;
  for (const Check& c : v.checks) {
    s += c.id + "=" + std::string(result::ShortVerdictName(c.status)) + " (" + c.detail + ")\n";
  }
  return s;
}

// Asserts that exactly the checks in `failing` fail.
void ExpectFailing(const QuoteVerification& v, std::vector<std::string> failing) {
  std::vector<std::string> got;
  for (const Check& c : v.checks) {
    if (c.status == CheckStatus::kFail) got.push_back(c.id);
  }
  std::sort(got.begin(), got.end());
  std::sort(failing.begin(), failing.end());
  EXPECT_EQ(got, failing) << Describe(v);
  EXPECT_FALSE(v.pass);
}

std::string StatusOf(const QuoteVerification& v) {
  return v.tcb_status ? std::string(TcbStatusName(*v.tcb_status)) : "none";
}

TEST(QuotePkiTest, DefaultTdxQuotePasses) {
  QuoteVerification v = RunScenario({});
  EXPECT_TRUE(v.pass) << Describe(v);
  EXPECT_TRUE(v.authentic);
  EXPECT_EQ(StatusOf(v), "UpToDate");
  EXPECT_TRUE(v.tcb.advisory_ids.empty());
  EXPECT_EQ(v.tcb.tcb_date, "2025-06-01T00:00:00Z");
  EXPECT_EQ(v.tcb.module_identity_id, "TDX_01");
  for (const Check& c : v.checks) {
    EXPECT_NE(c.status, CheckStatus::kFail) << c.id << ": " << c.detail;
  }
  EXPECT_EQ(v.checks.size(), 20u);
}

TEST(QuotePkiTest, V5TdReport10And15Pass) {
  for (uint16_t body_type : {2, 3}) {
    Scenario s;
    s.edit_quote = [&](testing::QuoteBuilder* b) {
      b->version = 5;
      b->body_type = body_type;
      b->body.resize(body_type == 3 ? 648 : 584, 0);
      if (body_type == 3) {
        b->body[584] = 3;
        b->body[585] = 1;
        b->body[586] = 2;
      }
    };
    QuoteVerification v = RunScenario(s);
    EXPECT_TRUE(v.pass) << body_type << Describe(v);
    EXPECT_EQ(v.quote.body_offset, 54u);
  }
}

TEST(QuotePkiTest, SgxV3QuotePasses) {
  Scenario s;
  s.sgx = true;
  s.tcb_info = testing::DefaultSgxTcbInfo();
  s.qe_identity = testing::DefaultQeIdentity(false);
  QuoteVerification v = RunScenario(s);
  EXPECT_TRUE(v.pass) << Describe(v);
  EXPECT_EQ(v.FindCheck("tdx_module")->status, CheckStatus::kSkipped);
}

TEST(QuotePkiTest, ProcessorCaChainPasses) {
  Scenario s;
  s.pki.processor_ca = true;
  QuoteVerification v = RunScenario(s);
  EXPECT_TRUE(v.pass) << Describe(v);
  EXPECT_NE(v.pck->pck_issuer.find("Processor CA"), std::string::npos);
}

// --- validity windows ---

// Each document, certificate or CRL outside its validity window at kPkiNow
// fails the checks that rely on it.
TEST(QuotePkiTest, OutsideValidityWindowsFail) {
  struct Case {
    const char* name;
    std::function<void(Scenario*)> edit;
    std::vector<std::string> failing;
  };
  const Case cases[] = {
      {"ExpiredPckLeafFailsChain",
       [](Scenario* s) { s->pki.pck_leaf.not_after = testing::kPkiNow - 1; },
       {"pck_chain"}},
      {"NotYetValidPckLeafFailsChain",
       [](Scenario* s) { s->pki.pck_leaf.not_before = testing::kPkiNow + 1; },
       {"pck_chain"}},
      {"ExpiredPckCaFailsChainAndPckCrl",
       [](Scenario* s) { s->pki.pck_ca.not_after = testing::kPkiNow - testing::kDay; },
       {"pck_chain", "pck_crl"}},
      {"ExpiredRootFailsEveryChain",
       [](Scenario* s) { s->pki.root.not_after = testing::kPkiNow - testing::kDay; },
       {"pck_chain", "pck_crl", "tcb_info_chain", "qe_identity_chain"}},
      {"NotYetValidTcbSignerFailsBothDocumentChains",
       [](Scenario* s) { s->pki.tcb_signer.not_before = testing::kPkiNow + testing::kDay; },
       {"tcb_info_chain", "qe_identity_chain"}},
      {"ExpiredCrlsFail",
       [](Scenario* s) { s->pki.crl_next_update = testing::kPkiNow - 1; },
       {"root_ca_crl", "pck_crl"}},
      {"NotYetValidCrlsFail",
       [](Scenario* s) { s->pki.crl_this_update = testing::kPkiNow + 1; },
       {"root_ca_crl", "pck_crl"}},
      {"ExpiredTcbInfoFails",
       [](Scenario* s) { s->tcb_info.next_update = testing::kPkiNow - 1; },
       {"tcb_info_validity"}},
      {"NotYetValidTcbInfoFails",
       [](Scenario* s) { s->tcb_info.issue_date = testing::kPkiNow + 1; },
       {"tcb_info_validity"}},
      {"ExpiredQeIdentityFails",
       [](Scenario* s) { s->qe_identity.next_update = testing::kPkiNow - 1; },
       {"qe_identity_validity"}},
      {"NotYetValidQeIdentityFails",
       [](Scenario* s) { s->qe_identity.issue_date = testing::kPkiNow + 1; },
       {"qe_identity_validity"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Scenario s;
    c.edit(&s);
    ExpectFailing(RunScenario(s), c.failing);
  }
}

TEST(QuotePkiTest, AtBoundariesAreInclusive) {
  Scenario s;
  s.tcb_info.next_update = testing::kPkiNow;
  s.qe_identity.issue_date = testing::kPkiNow;
  EXPECT_TRUE(RunScenario(s).pass);
}

// --- revocation and trust anchor ---

TEST(QuotePkiTest, RevokedPckFails) {
  Scenario s;
  s.pki.revoke_pck_leaf = true;
  QuoteVerification v = RunScenario(s);
  ExpectFailing(v, {"pck_revocation"});
  EXPECT_NE(v.FindCheck("pck_revocation")->detail.find("revoked by the PCK CRL"),
            std::string::npos);
}

TEST(QuotePkiTest, RevokedPckCaFails) {
  Scenario s;
  s.pki.revoke_pck_ca = true;
  ExpectFailing(RunScenario(s), {"pck_revocation", "pck_crl"});
}

TEST(QuotePkiTest, RevokedTcbSignerFails) {
  Scenario s;
  s.pki.revoke_tcb_signer = true;
  ExpectFailing(RunScenario(s), {"tcb_info_chain", "qe_identity_chain"});
}

TEST(QuotePkiTest, WrongRootFailsEverythingAnchored) {
  Scenario s;
  testing::PkiOptions other;
  other.key_seed = 2;
  s.anchor_pki = other;
  QuoteVerification v = RunScenario(s);
  ExpectFailing(v, {"pck_chain", "pck_crl", "root_ca_crl", "tcb_info_chain", "qe_identity_chain"});
  EXPECT_NE(v.FindCheck("pck_chain")->detail.find("not the trust anchor"), std::string::npos);
}

TEST(QuotePkiTest, CutChainFails) {
  Scenario s;
  s.edit_quote = [](testing::QuoteBuilder* b) {
    size_t end = b->pck_chain_pem.find("-----END CERTIFICATE-----");
    b->pck_chain_pem = b->pck_chain_pem.substr(0, end + 26);
  };
  // Without the intermediate its revocation cannot be established either.
  ExpectFailing(RunScenario(s), {"pck_chain", "pck_revocation"});
  // Leaf and intermediate without the root.
  s.edit_quote = [](testing::QuoteBuilder* b) {
    size_t end = b->pck_chain_pem.rfind("-----BEGIN CERTIFICATE-----");
    b->pck_chain_pem = b->pck_chain_pem.substr(0, end);
  };
  ExpectFailing(RunScenario(s), {"pck_chain"});
}

TEST(QuotePkiTest, MissingChainFailsEveryPckCheck) {
  Scenario s;
  s.edit_quote = [](testing::QuoteBuilder* b) { b->pck_chain_pem = "no certificates here"; };
  QuoteVerification v = RunScenario(s);
  ExpectFailing(v, {"pck_chain", "qe_report_signature", "pck_revocation", "fmspc_match",
                    "pceid_match", "tcb_status"});
  EXPECT_FALSE(v.tcb_status.has_value());
}

// --- FMSPC, PCEID, signed bytes, versions ---

TEST(QuotePkiTest, WrongFmspcFails) {
  Scenario s;
  s.tcb_info.fmspc[5] = 0x01;
  ExpectFailing(RunScenario(s), {"fmspc_match"});
}

TEST(QuotePkiTest, WrongPceIdFails) {
  Scenario s;
  s.tcb_info.pce_id[1] = 0x01;
  ExpectFailing(RunScenario(s), {"pceid_match"});
}

TEST(QuotePkiTest, TcbInfoSignedOverDifferentBytesFails) {
  Scenario s;
  s.edit_collateral = [](QuoteCollateral* c) { c->tcb_info += " "; };
  ExpectFailing(RunScenario(s), {"tcb_info_signature"});
}

TEST(QuotePkiTest, TcbInfoReformattedFails) {
  Scenario s;
  // Same JSON value, different bytes: the signature covers bytes, not values.
  s.edit_collateral = [](QuoteCollateral* c) {
    size_t p = c->tcb_info.find(",\"version\"");
    c->tcb_info.insert(p + 1, " ");
  };
  ExpectFailing(RunScenario(s), {"tcb_info_signature"});
}

TEST(QuotePkiTest, QeIdentitySignedOverDifferentBytesFails) {
  Scenario s;
  s.edit_collateral = [](QuoteCollateral* c) { c->qe_identity_signature[5] ^= 1; };
  ExpectFailing(RunScenario(s), {"qe_identity_signature"});
}

TEST(QuotePkiTest, SgxTcbInfoForTdxQuoteFails) {
  Scenario s;
  s.tcb_info = testing::DefaultSgxTcbInfo();
  QuoteVerification v = RunScenario(s);
  EXPECT_EQ(v.FindCheck("tcb_info_version")->status, CheckStatus::kFail);
  EXPECT_FALSE(v.pass);
}

TEST(QuotePkiTest, SgxQeIdentityForTdxQuoteFails) {
  Scenario s;
  s.qe_identity.id = "QE";
  ExpectFailing(RunScenario(s), {"qe_identity_version"});
}

// --- TCB status: every platform status ---

TEST(QuotePkiTest, EveryPlatformStatusIsReported) {
  for (const char* st :
       {"UpToDate", "SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded",
        "OutOfDate", "OutOfDateConfigurationNeeded", "Revoked"}) {
    SCOPED_TRACE(st);
    Scenario s;
    s.tcb_info.tcb_levels[0].tcb_status = st;
    s.tcb_info.tcb_levels[0].advisory_ids = {"INTEL-SA-00001"};
    QuoteVerification v = RunScenario(s);
    EXPECT_EQ(StatusOf(v), st) << Describe(v);
    EXPECT_EQ(v.tcb.advisory_ids, std::vector<std::string>{"INTEL-SA-00001"});
    EXPECT_TRUE(v.authentic);
    EXPECT_EQ(v.pass, std::string(st) == "UpToDate");
  }
}

TEST(QuotePkiTest, UnknownStatusStringIsUnrecognized) {
  Scenario s;
  s.tcb_info.tcb_levels[0].tcb_status = "Fine";
  EXPECT_EQ(StatusOf(RunScenario(s)), "UnrecognizedStatus");
}

TEST(QuotePkiTest, AcceptListPassesOtherStatuses) {
  Scenario s;
  s.tcb_info.tcb_levels[0].tcb_status = "SWHardeningNeeded";
  s.options.accept_tcb = {TcbStatus::kUpToDate, TcbStatus::kSWHardeningNeeded};
  QuoteVerification v = RunScenario(s);
  EXPECT_TRUE(v.pass) << Describe(v);
}

TEST(QuotePkiTest, LowerPceSvnMatchesOlderLevelWithItsAdvisories) {
  Scenario s;
  s.pki.pck_ext.pce_svn = 7;
  QuoteVerification v = RunScenario(s);
  EXPECT_EQ(StatusOf(v), "OutOfDate");
  EXPECT_EQ(v.tcb.advisory_ids, (std::vector<std::string>{"INTEL-SA-00837", "INTEL-SA-00960"}));
  EXPECT_EQ(v.tcb.tcb_date, "2024-01-01T00:00:00Z");
}

TEST(QuotePkiTest, LevelsAreOrderedLikeIntelNotByDocumentOrder) {
  Scenario s;
  std::swap(s.tcb_info.tcb_levels[0], s.tcb_info.tcb_levels[1]);  // OutOfDate first
  EXPECT_EQ(StatusOf(RunScenario(s)), "UpToDate");
}

// NotSupported names what had no match, in the result and the check.
void ExpectReason(const QuoteVerification& v, const std::string& text) {
  EXPECT_NE(v.tcb.reason.find(text), std::string::npos) << v.tcb.reason;
  const Check* c = v.FindCheck("tcb_status");
  ASSERT_NE(c, nullptr);
  EXPECT_NE(c->detail.find(text), std::string::npos) << c->detail;
}

// A component below every level's: NotSupported, with the reason.
TEST(QuotePkiTest, BelowEveryLevelIsNotSupported) {
  struct Case {
    const char* name;
    std::function<void(Scenario*)> edit;
    std::vector<std::string> reason;
  };
  const Case cases[] = {
      // Both levels need 5 in component 8; the lowest is the 2024 one.
      {"SGX component",
       [](Scenario* s) { s->pki.pck_ext.cpu_svn_components[7] = 4; },
       {"no TCB level matches the PCK certificate's SGX TCB: SGX component 8 is 4, "
        "the lowest level (tcbDate 2024-01-01T00:00:00Z) needs 5"}},
      {"PCESVN",
       [](Scenario* s) { s->pki.pck_ext.pce_svn = 4; },
       {"PCESVN is 4, the lowest level (tcbDate 2024-01-01T00:00:00Z) needs 5"}},
      {"TDX component",
       [](Scenario* s) { s->edit_quote = [](testing::QuoteBuilder* b) { b->body[2] = 1; }; },
       {"TDX component 3 (TEE_TCB_SVN[2]) is 1", "needs 2"}},
      {"module ISVSVN",
       [](Scenario* s) { s->edit_quote = [](testing::QuoteBuilder* b) { b->body[0] = 0; }; },
       {"TDX module TDX_01 has no TCB level for its ISVSVN TEE_TCB_SVN[0] = 0, the "
        "lowest needs 1"}},
      {"QE ISVSVN, with the QE named",
       [](Scenario* s) { s->edit_quote = [](testing::QuoteBuilder* b) { b->qe_report[258] = 0; }; },
       {"has no TCB level for the QE's ISVSVN 0"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Scenario s;
    c.edit(&s);
    QuoteVerification v = RunScenario(s);
    EXPECT_EQ(StatusOf(v), "NotSupported");
    for (const std::string& text : c.reason) ExpectReason(v, text);
  }
}

TEST(QuotePkiTest, TeeTcbSvnBytes0And1SkippedWhenModuleVersionSet) {
  Scenario s;
  // Byte 0 (module ISVSVN 3) is below no level's component 0 check: levels
  // say 3 but byte 1 > 0 skips bytes 0-1. Lower the level's byte 0 above.
  s.tcb_info.tcb_levels[0].tdx_components[0] = 9;
  s.tcb_info.tcb_levels[1].tdx_components[0] = 9;
  EXPECT_EQ(StatusOf(RunScenario(s)), "UpToDate");
}

TEST(QuotePkiTest, AllSixteenBytesComparedWhenModuleVersionZero) {
  Scenario s;
  s.edit_quote = [](testing::QuoteBuilder* b) {
    b->body[0] = 3;
    b->body[1] = 0;
  };
  QuoteVerification v = RunScenario(s);
  EXPECT_EQ(StatusOf(v), "UpToDate") << Describe(v);
  EXPECT_FALSE(v.tcb.module_identity_id.has_value());
  s.tcb_info.tcb_levels[0].tdx_components[0] = 9;
  s.tcb_info.tcb_levels[1].tdx_components[0] = 9;
  EXPECT_EQ(StatusOf(RunScenario(s)), "NotSupported");
}

// --- convergence with the TDX module and the QE ---

TEST(QuotePkiTest, ModuleOutOfDateDowngrades) {
  const std::pair<const char*, const char*> table[] = {
      {"UpToDate", "OutOfDate"},
      {"SWHardeningNeeded", "OutOfDate"},
      {"ConfigurationNeeded", "OutOfDateConfigurationNeeded"},
      {"ConfigurationAndSWHardeningNeeded", "OutOfDateConfigurationNeeded"},
      {"OutOfDate", "OutOfDate"},
      {"Revoked", "Revoked"},
  };
  for (const auto& [platform, want] : table) {
    SCOPED_TRACE(platform);
    Scenario s;
    s.tcb_info.tcb_levels[0].tcb_status = platform;
    s.edit_quote = [](testing::QuoteBuilder* b) { b->body[0] = 2; };  // TDX_01 level isvsvn 1
    QuoteVerification v = RunScenario(s);
    EXPECT_EQ(StatusOf(v), want) << Describe(v);
    ASSERT_TRUE(v.tcb.module_level.has_value());
    EXPECT_EQ(v.tcb.module_level->tcb_status, "OutOfDate");
  }
}

TEST(QuotePkiTest, ModuleRevokedRevokes) {
  Scenario s;
  s.tcb_info.tdx_module_identities[1].tcb_levels[1].tcb_status = "Revoked";
  s.edit_quote = [](testing::QuoteBuilder* b) { b->body[0] = 1; };
  EXPECT_EQ(StatusOf(RunScenario(s)), "Revoked");
}

TEST(QuotePkiTest, UpToDateHasNoReason) {
  QuoteVerification v = RunScenario(Scenario{});
  EXPECT_EQ(StatusOf(v), "UpToDate");
  EXPECT_TRUE(v.tcb.reason.empty()) << v.tcb.reason;
}

TEST(QuotePkiTest, UnknownModuleIdentityFails) {
  Scenario s;
  s.edit_quote = [](testing::QuoteBuilder* b) { b->body[1] = 5; };
  QuoteVerification v = RunScenario(s);
  ExpectFailing(v, {"tdx_module", "tcb_status"});
  ExpectReason(v, "no TDX module identity TDX_05 for TEE_TCB_SVN[1] = 5");
  EXPECT_EQ(StatusOf(v), "TdxModuleMismatch");
  EXPECT_NE(v.FindCheck("tdx_module")->detail.find("TDX_05"), std::string::npos);
}

TEST(QuotePkiTest, ModuleVersion3SelectsTdx03) {
  Scenario s;
  s.edit_quote = [](testing::QuoteBuilder* b) { b->body[1] = 3; };
  QuoteVerification v = RunScenario(s);
  EXPECT_TRUE(v.pass) << Describe(v);
  EXPECT_EQ(v.tcb.module_identity_id, "TDX_03");
}

TEST(QuotePkiTest, MrSignerSeamMismatchFails) {
  Scenario s;
  s.edit_quote = [](testing::QuoteBuilder* b) { b->body[64] = 1; };
  ExpectFailing(RunScenario(s), {"tdx_module"});
}

TEST(QuotePkiTest, NonZeroSeamAttributesFail) {
  Scenario s;
  s.edit_quote = [](testing::QuoteBuilder* b) { b->body[112] = 1; };
  s.tcb_info.tdx_module_identities[1].attributes[0] = 1;  // even when they match
  ExpectFailing(RunScenario(s), {"tdx_module"});
}

TEST(QuotePkiTest, QeStatusConverges) {
  const std::tuple<int, const char*, const char*> table[] = {
      {3, "UpToDate", "OutOfDate"},
      {3, "SWHardeningNeeded", "OutOfDate"},
      {3, "ConfigurationNeeded", "OutOfDateConfigurationNeeded"},
      {3, "ConfigurationAndSWHardeningNeeded", "OutOfDateConfigurationNeeded"},
      {3, "OutOfDate", "OutOfDate"},
      {1, "UpToDate", "Revoked"},
      {1, "ConfigurationNeeded", "Revoked"},
      {0, "UpToDate", "NotSupported"},
      {9, "SWHardeningNeeded", "SWHardeningNeeded"},
  };
  for (const auto& [qe_svn, platform, want] : table) {
    SCOPED_TRACE(std::to_string(qe_svn) + " " + platform);
    Scenario s;
    s.tcb_info.tcb_levels[0].tcb_status = platform;
    int svn = qe_svn;
    s.edit_quote = [svn](testing::QuoteBuilder* b) { b->qe_report[258] = uint8_t(svn); };
    QuoteVerification v = RunScenario(s);
    EXPECT_EQ(StatusOf(v), want) << Describe(v);
  }
}

TEST(QuotePkiTest, TdRelaunchAdvisedForTdReport15) {
  Scenario s;
  s.edit_quote = [](testing::QuoteBuilder* b) {
    b->version = 5;
    b->body_type = 3;
    b->body.resize(648, 0);
    b->body[0] = 2;    // running module: TDX_01 ISVSVN 2 (OutOfDate)
    b->body[584] = 3;  // TEE_TCB_SVN2: the module the TD would get after relaunch
    b->body[585] = 1;
    b->body[586] = 2;
  };
  EXPECT_EQ(StatusOf(RunScenario(s)), "TDRelaunchAdvised");
  s.tcb_info.tcb_levels[0].tcb_status = "ConfigurationNeeded";
  EXPECT_EQ(StatusOf(RunScenario(s)), "TDRelaunchAdvisedConfigurationNeeded");
}

TEST(QuotePkiTest, NoRelaunchWhenSvn2IsOld) {
  Scenario s;
  s.edit_quote = [](testing::QuoteBuilder* b) {
    b->version = 5;
    b->body_type = 3;
    b->body.resize(648, 0);
    b->body[0] = 2;
    b->body[584] = 2;
    b->body[585] = 1;
    b->body[586] = 2;
  };
  EXPECT_EQ(StatusOf(RunScenario(s)), "OutOfDate");
}

// --- QE identity under each mask ---

TEST(QuotePkiTest, QeMiscSelectMismatchFailsUnderMask) {
  Scenario s;
  s.edit_quote = [](testing::QuoteBuilder* b) { b->qe_report[16] = 1; };
  ExpectFailing(RunScenario(s), {"qe_identity"});
  s.qe_identity.miscselect_mask = {0xfe, 0xff, 0xff, 0xff};
  EXPECT_TRUE(RunScenario(s).pass);
}

TEST(QuotePkiTest, QeAttributesMismatchFailsUnderMask) {
  Scenario s;
  s.edit_quote = [](testing::QuoteBuilder* b) { b->qe_report[48] = 0x13; };  // bit 1 (DEBUG) set
  QuoteVerification v = RunScenario(s);
  ExpectFailing(v, {"qe_identity"});
  EXPECT_NE(v.FindCheck("qe_identity")->detail.find("ATTRIBUTES"), std::string::npos);
  // Bit 2 is outside the mask FB: ignored.
  s.edit_quote = [](testing::QuoteBuilder* b) { b->qe_report[48] = 0x15; };
  EXPECT_TRUE(RunScenario(s).pass);
  // XFRM bytes 8..15 are outside the mask.
  s.edit_quote = [](testing::QuoteBuilder* b) { b->qe_report[48 + 8] = 0xe7; };
  EXPECT_TRUE(RunScenario(s).pass);
}

TEST(QuotePkiTest, QeMrSignerMismatchFails) {
  Scenario s;
  s.qe_identity.mr_signer[0] ^= 1;
  ExpectFailing(RunScenario(s), {"qe_identity"});
}

TEST(QuotePkiTest, QeIsvProdIdMismatchFails) {
  Scenario s;
  s.qe_identity.isv_prod_id = 1;
  ExpectFailing(RunScenario(s), {"qe_identity"});
}

// --- tampering ---

// A byte changed after signing fails the signature over it; another or a
// broken attestation key fails the quote signature and the key's binding to
// the QE report.
TEST(QuotePkiTest, TamperedQuoteFailsTheChecksOverIt) {
  struct Case {
    const char* name;
    std::function<void(testing::QuoteBuilder*)> tamper;
    std::vector<std::string> failing;
  };
  const Case cases[] = {
      {"header", [](testing::QuoteBuilder* b) { b->user_data[0] ^= 1; }, {"quote_signature"}},
      {"body", [](testing::QuoteBuilder* b) { b->body[300] ^= 0x80; }, {"quote_signature"}},
      {"qe report",
       [](testing::QuoteBuilder* b) { b->qe_report[100] ^= 1; },
       {"qe_report_signature"}},
      {"auth data", [](testing::QuoteBuilder* b) { b->qe_auth_data[0] ^= 1; }, {"qe_report_data"}},
      {"other attestation key",
       [](testing::QuoteBuilder* b) {
         auto other = crypto::PrivateKey::GenerateP256();
         b->attestation_key = *other->PublicRaw();
       },
       {"quote_signature", "qe_report_data"}},
      {"attestation key off the curve",
       [](testing::QuoteBuilder* b) { b->attestation_key[63] ^= 1; },
       {"quote_signature", "qe_report_data"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Scenario s;
    s.tamper_quote = c.tamper;
    ExpectFailing(RunScenario(s), c.failing);
  }
}

TEST(QuotePkiTest, NonZeroUpperQeReportDataFails) {
  Scenario s;
  auto pki = testing::TestPki::Create();
  s.tamper_quote = [&pki](testing::QuoteBuilder* b) {
    b->qe_report[383] = 1;  // and re-sign so only the report data is wrong
    b->qe_report_signature = *pki->pck_leaf_key().SignP256Sha256(b->qe_report);
  };
  QuoteVerification v = RunScenario(s);
  ExpectFailing(v, {"qe_report_data"});
  EXPECT_NE(v.FindCheck("qe_report_data")->detail.find("[32..64]"), std::string::npos);
}

TEST(QuotePkiTest, UnreadableCollateralIsAnError) {
  auto pki = testing::TestPki::Create();
  QuoteCollateral c =
      testing::MakeCollateral(*pki, testing::DefaultTdxTcbInfo(), testing::DefaultQeIdentity());
  c.tcb_info = "{\"version\": 3";
  auto p = PrepareCollateral(c, pki->root().Clone(), testing::kPkiNow);
  EXPECT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), ErrorCode::kBadValue);
  c = testing::MakeCollateral(*pki, testing::DefaultTdxTcbInfo(), testing::DefaultQeIdentity());
  c.pck_crl = {1, 2, 3};
  p = PrepareCollateral(c, pki->root().Clone(), testing::kPkiNow);
  EXPECT_FALSE(p.ok());
  EXPECT_EQ(p.status().field(), "pck_crl");
  TcbInfo t = testing::DefaultTdxTcbInfo();
  t.version = 4;
  c = testing::MakeCollateral(*pki, t, testing::DefaultQeIdentity());
  p = PrepareCollateral(c, pki->root().Clone(), testing::kPkiNow);
  EXPECT_EQ(p.status().code(), ErrorCode::kUnsupportedVersion);
}

TEST(QuotePkiTest, CollateralJsonRoundTrips) {
  auto pki = testing::TestPki::Create();
  QuoteCollateral c =
      testing::MakeCollateral(*pki, testing::DefaultTdxTcbInfo(), testing::DefaultQeIdentity());
  auto back = ParseCollateralJson(CollateralToJson(c));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->tcb_info, c.tcb_info);
  EXPECT_EQ(back->pck_crl, c.pck_crl);
  EXPECT_EQ(back->qe_identity_signature, c.qe_identity_signature);
  auto bad = ParseCollateralJson("{\"pck_crl_issuer_chain\": 5}");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "pck_crl_issuer_chain");
  auto syntax = ParseCollateralJson("{\n\"a\": }");
  EXPECT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.status().line(), 2u);
}

}  // namespace
}  // namespace ccv::quote

namespace ccv::quote {
namespace {

struct Prepared {
  std::vector<uint8_t> quote;
  PreparedCollateral collateral;
};

Prepared PrepareDefault(const std::function<void(testing::QuoteBuilder*)>& tamper = nullptr) {
  auto pki = testing::TestPki::Create();
  testing::QuoteBuilder b = testing::DefaultTdxQuote(*pki);
  EXPECT_TRUE(testing::SignQuote(*pki, testing::TestAttestationKey(), &b).ok());
  if (tamper) tamper(&b);
  QuoteCollateral c =
      testing::MakeCollateral(*pki, testing::DefaultTdxTcbInfo(), testing::DefaultQeIdentity());
  auto p = PrepareCollateral(c, pki->root().Clone(), testing::kPkiNow);
  return {b.Build(), std::move(*p)};
}

TEST(QuoteLeafCacheTest, RepeatedVerificationGivesTheSameChecks) {
  Prepared p = PrepareDefault();
  auto first = VerifyQuote(p.quote, p.collateral);
  auto second = VerifyQuote(p.quote, p.collateral);
  VerifyOptions no_cache;
  no_cache.use_leaf_cache = false;
  auto third = VerifyQuote(p.quote, p.collateral, no_cache);
  ASSERT_TRUE(first.ok() && second.ok() && third.ok());
  ASSERT_EQ(first->checks.size(), second->checks.size());
  for (size_t i = 0; i < first->checks.size(); ++i) {
    EXPECT_EQ(first->checks[i].status, second->checks[i].status) << first->checks[i].id;
    EXPECT_EQ(first->checks[i].detail, second->checks[i].detail) << first->checks[i].id;
    EXPECT_EQ(first->checks[i].status, third->checks[i].status) << first->checks[i].id;
  }
  EXPECT_TRUE(second->pass);
  EXPECT_EQ(second->pck->fmspc, first->pck->fmspc);
}

TEST(QuoteLeafCacheTest, CachedLeafUnderAnotherIssuerIsVerifiedAgain) {
  Prepared p = PrepareDefault();
  ASSERT_TRUE(VerifyQuote(p.quote, p.collateral)->pass);  // leaf now cached
  // Same leaf, but the root stands in for the PCK CA: the leaf signature
  // must be checked against it (and fail), not taken from the cache.
  auto pki = testing::TestPki::Create();
  Prepared q = PrepareDefault([&](testing::QuoteBuilder* b) {
    b->pck_chain_pem = pki->pck_leaf().Pem() + pki->root().Pem() + pki->root().Pem();
  });
  // Reuse the first collateral (and its cache) for the second quote.
  auto v = VerifyQuote(q.quote, p.collateral);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->FindCheck("pck_chain")->status, CheckStatus::kFail);
  EXPECT_FALSE(v->pass);
}

TEST(QuoteLeafCacheTest, ConcurrentVerificationOnSharedCollateral) {
  Prepared p = PrepareDefault();
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::atomic<int> passes{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        auto v = VerifyQuote(p.quote, p.collateral);
        if (v.ok() && v->pass) ++passes;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(passes.load(), 80);
}

}  // namespace
}  // namespace ccv::quote
