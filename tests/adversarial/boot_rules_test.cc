// Boot facts and the policy's `boot:` rules rest only on events that are
// bound and whose digest covers what a fact reads (DESIGN §8). Each test is
// an attacker's way to make a boot rule pass: a variable relabelled where the
// digest covers its data only, another GUID, an unbound or conflicting
// measurement, a command line the digest does not cover.
#include "policies/boot_rules.h"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "policies/evaluator.h"
#include "policies/policy_parser.h"
#include "tests/parsers/uefi_event_builder.h"
#include "tests/policies/facts_builder.h"
#include "verifier/pipeline/boot_facts.h"
#include "verifier/predict/uefi_variables.h"
#include "verifier/result/facts.h"

namespace ccv::policy {
namespace {

using result::BootFacts;
using result::DataStatus;
using result::EventFact;
using result::Verdict;

const parsers::Guid kGlobalGuid = predict::EfiGlobalVariableGuid();
const parsers::Guid kSecurityDbGuid = predict::ImageSecurityDatabaseGuid();
const parsers::Guid kOtherGuid = {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};

// UEFI_VARIABLE_DATA (TCG PFP 10.4.2) of `name` under `guid`.
std::vector<uint8_t> VariableData(const parsers::Guid& guid, const std::string& name,
                                  const std::vector<uint8_t>& value) {
  Result<std::vector<uint8_t>> data = predict::EncodeUefiVariableData(guid, name, value);
  EXPECT_TRUE(data.ok()) << data.status().ToString();
  return data.ok() ? *data : std::vector<uint8_t>{};
}

EventFact VariableEvent(uint64_t index, const std::vector<uint8_t>& data,
                        const std::string& convention = "pfp", bool bound = true) {
  EventFact e = testing::CcelEvent(index, "rtmr0", 0x80000001, "EV_EFI_VARIABLE_DRIVER_CONFIG");
  e.data = DataStatus::kVerified;
  e.convention = convention;
  e.config_data = data;
  e.bound = bound;
  return e;
}

EventFact CmdlineEvent(uint64_t index, const std::string& text, DataStatus data,
                       const std::string& convention, bool bound = true) {
  EventFact e = testing::CcelEvent(index, "rtmr2", 0x0D, "EV_IPL");
  e.text = text;
  e.data = data;
  e.convention = data == DataStatus::kVerified ? convention : "";
  e.bound = bound;
  return e;
}

const std::vector<uint8_t> kOn = {1};
const std::vector<uint8_t> kOff = {0};

std::vector<RuleResult> Eval(const std::string& boot_yaml, const BootFacts& facts) {
  auto p = ParsePolicy("apiVersion: ccverify/v1\nboot:\n" + boot_yaml);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  std::vector<RuleResult> out;
  if (p.ok() && p->boot) EvaluateBootRules(*p->boot, facts, &out);
  return out;
}

RuleResult One(const std::string& boot_yaml, const BootFacts& facts) {
  std::vector<RuleResult> r = Eval(boot_yaml, facts);
  EXPECT_EQ(r.size(), 1u);
  return r.empty() ? RuleResult{} : r[0];
}

TEST(BootRulesTest, SecureBootOnBoundWholeVariablePasses) {
  BootFacts f =
      pipeline::DeriveBootFacts({VariableEvent(3, VariableData(kGlobalGuid, "SecureBoot", kOn))});
  ASSERT_TRUE(f.secure_boot);
  EXPECT_TRUE(*f.secure_boot);
  RuleResult r = One("  secure_boot: required\n", f);
  EXPECT_EQ(r.id, "boot.secure_boot");
  EXPECT_EQ(r.status, Verdict::kPass) << r.why;
  EXPECT_EQ(r.evidence, "ccel#3");
}

TEST(BootRulesTest, SecureBootOffFails) {
  BootFacts f =
      pipeline::DeriveBootFacts({VariableEvent(3, VariableData(kGlobalGuid, "SecureBoot", kOff))});
  RuleResult r = One("  secure_boot: required\n", f);
  EXPECT_EQ(r.status, Verdict::kFail);
  EXPECT_NE(r.why.find("disabled"), std::string::npos) << r.why;
}

// The digest covers the VariableData only: another variable whose value is 01
// relabelled "SecureBoot" keeps its digest, so its name proves nothing.
TEST(BootRulesTest, RelabelledVariableWhoseNameNoDigestCoversIsNotSecureBoot) {
  BootFacts f = pipeline::DeriveBootFacts(
      {VariableEvent(3, VariableData(kGlobalGuid, "SecureBoot", kOn), "variable_data_only")});
  EXPECT_FALSE(f.secure_boot);
  RuleResult r = One("  secure_boot: required\n", f);
  EXPECT_EQ(r.status, Verdict::kFail);
  EXPECT_NE(r.why.find("covers the variable's data only"), std::string::npos) << r.why;
}

TEST(BootRulesTest, SecureBootUnderAnotherGuidIsIgnored) {
  BootFacts f =
      pipeline::DeriveBootFacts({VariableEvent(3, VariableData(kOtherGuid, "SecureBoot", kOn))});
  EXPECT_FALSE(f.secure_boot);
  EXPECT_EQ(One("  secure_boot: required\n", f).status, Verdict::kFail);
}

TEST(BootRulesTest, UnboundSecureBootFailsSayingSo) {
  BootFacts f = pipeline::DeriveBootFacts(
      {VariableEvent(3, VariableData(kGlobalGuid, "SecureBoot", kOn), "pfp", /*bound=*/false)});
  EXPECT_FALSE(f.secure_boot);
  RuleResult r = One("  secure_boot: required\n", f);
  EXPECT_EQ(r.status, Verdict::kFail);
  EXPECT_NE(r.why.find("not bound"), std::string::npos) << r.why;
}

TEST(BootRulesTest, UnverifiedSecureBootDataFails) {
  EventFact e = VariableEvent(3, VariableData(kGlobalGuid, "SecureBoot", kOn));
  e.data = DataStatus::kMismatched;
  e.convention.clear();
  BootFacts f = pipeline::DeriveBootFacts({e});
  EXPECT_FALSE(f.secure_boot);
  EXPECT_EQ(One("  secure_boot: required\n", f).status, Verdict::kFail);
}

// Two logs (CCEL and TPM) or a repeated event that disagree: no value wins.
TEST(BootRulesTest, ConflictingSecureBootMeasurementsFail) {
  BootFacts f =
      pipeline::DeriveBootFacts({VariableEvent(3, VariableData(kGlobalGuid, "SecureBoot", kOff)),
                                 VariableEvent(9, VariableData(kGlobalGuid, "SecureBoot", kOn))});
  EXPECT_FALSE(f.secure_boot);
  RuleResult r = One("  secure_boot: required\n", f);
  EXPECT_EQ(r.status, Verdict::kFail);
  EXPECT_NE(r.why.find("different values"), std::string::npos) << r.why;
}

TEST(BootRulesTest, MissingSecureBootFails) {
  BootFacts f = pipeline::DeriveBootFacts({});
  RuleResult r = One("  secure_boot: required\n", f);
  EXPECT_EQ(r.status, Verdict::kFail);
  EXPECT_NE(r.why.find("no event measured"), std::string::npos) << r.why;
}

TEST(BootRulesTest, SecureBootOfWrongSizeFails) {
  BootFacts f = pipeline::DeriveBootFacts(
      {VariableEvent(3, VariableData(kGlobalGuid, "SecureBoot", std::vector<uint8_t>{}))});
  EXPECT_FALSE(f.secure_boot);
  EXPECT_EQ(One("  secure_boot: required\n", f).status, Verdict::kFail);
}

TEST(BootRulesTest, DbxEntryCount) {
  BootFacts f = pipeline::DeriveBootFacts(
      {VariableEvent(5, VariableData(kSecurityDbGuid, "dbx", ::ccv::testing::Sha256List(7)))});
  ASSERT_TRUE(f.dbx.present);
  EXPECT_EQ(f.dbx.entries, 7u);
  EXPECT_EQ(One("  dbx_min_entries: 7\n", f).status, Verdict::kPass);
  RuleResult r = One("  dbx_min_entries: 8\n", f);
  EXPECT_EQ(r.status, Verdict::kFail);
  EXPECT_EQ(r.actual, "7 entries");
  // A dbx under the global variable GUID is not the revocation list.
  BootFacts g = pipeline::DeriveBootFacts(
      {VariableEvent(5, VariableData(kGlobalGuid, "dbx", ::ccv::testing::Sha256List(9)))});
  EXPECT_FALSE(g.dbx.present);
  EXPECT_EQ(One("  dbx_min_entries: 1\n", g).status, Verdict::kFail);
}

TEST(BootRulesTest, DbxThatDoesNotDecodeFails) {
  const std::vector<uint8_t> full = ::ccv::testing::Sha256List(3);
  const std::vector<uint8_t> cut(full.begin(), full.end() - 5);  // the last entry cut short
  BootFacts f =
      pipeline::DeriveBootFacts({VariableEvent(5, VariableData(kSecurityDbGuid, "dbx", cut))});
  ASSERT_TRUE(f.dbx.present);
  EXPECT_FALSE(f.dbx.error.empty());
  RuleResult r = One("  dbx_min_entries: 1\n", f);
  EXPECT_EQ(r.status, Verdict::kFail);
  EXPECT_NE(r.why.find("does not decode"), std::string::npos) << r.why;
}

TEST(BootRulesTest, DbWithoutTheCertificateFails) {
  BootFacts f = pipeline::DeriveBootFacts(
      {VariableEvent(4, VariableData(kSecurityDbGuid, "db", ::ccv::testing::Sha256List(1)))});
  ASSERT_TRUE(f.db.present);
  RuleResult r = One("  db_contains: [" + std::string(64, 'a') + "]\n", f);
  EXPECT_EQ(r.status, Verdict::kFail);
  EXPECT_NE(r.why.find("lacks " + std::string(64, 'a')), std::string::npos) << r.why;
}

TEST(BootRulesTest, GrubCommandLineIsJudgedWhenVerifiedAndBound) {
  BootFacts f = pipeline::DeriveBootFacts(
      {CmdlineEvent(20, "kernel_cmdline: /vmlinuz root=/dev/vda1 ro", DataStatus::kVerified,
                    "grub_string"),
       CmdlineEvent(30, "kernel_cmdline: /vmlinuz root=/dev/vda1 ro module.sig_enforce=1",
                    DataStatus::kVerified, "grub_string")});
  ASSERT_TRUE(f.cmdline);
  // The last one logged is the kernel GRUB booted.
  EXPECT_EQ(*f.cmdline, "/vmlinuz root=/dev/vda1 ro module.sig_enforce=1");
  EXPECT_EQ(f.cmdline_evidence, "ccel#30");
  EXPECT_EQ(One("  cmdline: {require: [module.sig_enforce=1], forbid: [init=/bin/sh]}\n", f).status,
            Verdict::kPass);
  RuleResult r = One("  cmdline: {forbid: [\"ro\"]}\n", f);
  EXPECT_EQ(r.status, Verdict::kFail);
  EXPECT_NE(r.why.find("contains forbidden \"ro\""), std::string::npos) << r.why;
}

// Text whose digest is not its hash is whatever the log's writer chose.
TEST(BootRulesTest, UnverifiedCommandLineIsNotAFact) {
  BootFacts f = pipeline::DeriveBootFacts({CmdlineEvent(
      20, "kernel_cmdline: /vmlinuz module.sig_enforce=1", DataStatus::kMismatched, "")});
  EXPECT_FALSE(f.cmdline);
  RuleResult r = One("  cmdline: {require: [module.sig_enforce=1]}\n", f);
  EXPECT_EQ(r.status, Verdict::kFail);
}

// An unbound later command line does not replace the bound one.
TEST(BootRulesTest, UnboundCommandLineDoesNotOverrideTheBoundOne) {
  BootFacts f = pipeline::DeriveBootFacts(
      {CmdlineEvent(20, "kernel_cmdline: /vmlinuz ro", DataStatus::kVerified, "grub_string"),
       CmdlineEvent(99, "kernel_cmdline: /vmlinuz ro module.sig_enforce=1", DataStatus::kVerified,
                    "grub_string", /*bound=*/false)});
  ASSERT_TRUE(f.cmdline);
  EXPECT_EQ(*f.cmdline, "/vmlinuz ro");
  EXPECT_EQ(One("  cmdline: {require: [module.sig_enforce=1]}\n", f).status, Verdict::kFail);
}

TEST(BootRulesTest, PolicyErrorsNameTheKey) {
  for (const char* bad : {"  secure_boot: yes\n", "  db_contains: [abcd]\n", "  db_contains: []\n",
                          "  dbx_min_entries: -1\n", "  cmdline: {}\n",
                          "  cmdline: {require: []}\n", "  frobnicate: 1\n"}) {
    SCOPED_TRACE(bad);
    auto p = ParsePolicy(std::string("apiVersion: ccverify/v1\nboot:\n") + bad);
    ASSERT_FALSE(p.ok());
    EXPECT_NE(p.status().field().find("boot"), std::string::npos) << p.status().ToString();
    EXPECT_EQ(p.status().line(), 3u) << p.status().ToString();
  }
}

// Waivers may cover boot rules (they are policy, not authenticity).
TEST(BootRulesTest, EvaluateRunsBootRulesAndWaiversApply) {
  auto p = ParsePolicy(
      "apiVersion: ccverify/v1\nboot:\n  secure_boot: required\nwaivers:\n"
      "  - {rule: boot.secure_boot, until: 2030-01-01T00:00:00Z, reason: rollout}\n");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  result::Facts facts;
  Evaluation ev = Evaluate(&*p, facts, {1798761600});
  bool found = false;
  for (const RuleResult& r : ev.rules) {
    if (r.id != "boot.secure_boot") continue;
    found = true;
    EXPECT_EQ(r.status, Verdict::kWaived);
    EXPECT_EQ(r.area, "boot");
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace ccv::policy
