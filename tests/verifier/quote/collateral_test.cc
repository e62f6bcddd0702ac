// Collateral JSON, TCB info and QE identity parsing (malformed documents
// name the member), and the pieces of Intel's TCB evaluation in isolation.
#include "verifier/quote/collateral.h"

#include <string>

#include <gtest/gtest.h>

#include "tests/testing/quote_pki.h"
#include "verifier/quote/tcb_eval.h"

namespace ccv::quote {
namespace {

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  size_t p = s.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  if (p != std::string::npos) s.replace(p, from.size(), to);
  return s;
}

TEST(TcbInfoTest, DefaultDocumentRoundTrips) {
  TcbInfo t = testing::DefaultTdxTcbInfo();
  auto back = ParseTcbInfo(testing::TcbInfoToJson(t));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->id, "TDX");
  EXPECT_EQ(back->version, 3);
  EXPECT_EQ(back->fmspc, t.fmspc);
  EXPECT_EQ(back->tcb_levels.size(), 2u);
  EXPECT_EQ(back->tcb_levels[1].advisory_ids, t.tcb_levels[1].advisory_ids);
  EXPECT_EQ(back->tdx_module_identities.size(), 2u);
  EXPECT_EQ(back->tdx_module_identities[1].tcb_levels[1].tcb_status, "OutOfDate");
  EXPECT_EQ(back->issue_date, t.issue_date);
}

TEST(TcbInfoTest, Version2SgxLevelsParse) {
  TcbInfo t = testing::DefaultSgxTcbInfo();
  t.version = 2;
  auto back = ParseTcbInfo(testing::TcbInfoToJson(t));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->id, "SGX");
  EXPECT_EQ(back->tcb_levels[0].sgx_components, t.tcb_levels[0].sgx_components);
}

struct BadDoc {
  const char* from;
  const char* to;
  ErrorCode code;
  const char* field;
};

TEST(TcbInfoTest, MalformedDocumentsNameTheMember) {
  const std::string good = testing::TcbInfoToJson(testing::DefaultTdxTcbInfo());
  const BadDoc cases[] = {
      {"\"version\":3", "\"version\":4", ErrorCode::kUnsupportedVersion, "tcbInfo.version"},
      {"\"version\":3", "\"version\":\"3\"", ErrorCode::kBadValue, "tcbInfo.version"},
      {"\"id\":\"TDX\"", "\"id\":\"SEV\"", ErrorCode::kBadValue, "tcbInfo.id"},
      {"\"fmspc\":\"00906ED50000\"", "\"fmspc\":\"00906ED500\"", ErrorCode::kBadValue,
       "tcbInfo.fmspc"},
      {"\"fmspc\":\"00906ED50000\"", "\"fmspc\":\"00906ED5000G\"", ErrorCode::kBadValue,
       "tcbInfo.fmspc"},
      {"\"pceId\":\"0000\"", "\"pceid\":\"0000\"", ErrorCode::kBadValue, "tcbInfo.pceId"},
      {"\"issueDate\":\"", "\"issueDate\":\"x", ErrorCode::kBadValue, "tcbInfo.issueDate"},
      {"\"tdxModule\":", "\"tdxModuleX\":", ErrorCode::kBadValue, "tcbInfo.tdxModule"},
      {"{\"svn\":3}", "{\"svn\":300}", ErrorCode::kBadValue,
       "tcbInfo.tcbLevels[0].tcb.sgxtcbcomponents[4].svn"},
      {"\"pcesvn\":11", "\"pcesvn\":-1", ErrorCode::kBadValue, "tcbInfo.tcbLevels[0].tcb.pcesvn"},
      {"\"tcbStatus\":\"UpToDate\"}]}", "\"tcbStatus\":1}]}", ErrorCode::kBadValue,
       "tcbInfo.tdxModuleIdentities[0].tcbLevels[0].tcbStatus"},
  };
  for (const BadDoc& c : cases) {
    SCOPED_TRACE(c.to);
    auto t = ParseTcbInfo(Replace(good, c.from, c.to));
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), c.code) << t.status().ToString();
    EXPECT_EQ(t.status().field(), c.field) << t.status().ToString();
  }
}

TEST(TcbInfoTest, EmptyLevelsAndSyntaxErrorsFail) {
  TcbInfo t = testing::DefaultTdxTcbInfo();
  t.tcb_levels.clear();
  auto r = ParseTcbInfo(testing::TcbInfoToJson(t));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "tcbInfo.tcbLevels");
  r = ParseTcbInfo("[1]");
  EXPECT_EQ(r.status().code(), ErrorCode::kBadValue);
  r = ParseTcbInfo("{\"version\":\n3,,}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().line(), 2u);
}

TEST(EnclaveIdentityTest, RoundTripsAndRejectsMalformed) {
  const std::string good = testing::EnclaveIdentityToJson(testing::DefaultQeIdentity());
  auto e = ParseEnclaveIdentity(good);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->id, "TD_QE");
  EXPECT_EQ(e->isv_prod_id, 2);
  EXPECT_EQ(e->tcb_levels.size(), 3u);
  const BadDoc cases[] = {
      {"\"version\":2", "\"version\":1", ErrorCode::kUnsupportedVersion, "enclaveIdentity.version"},
      {"\"miscselect\":\"00000000\"", "\"miscselect\":\"000000\"", ErrorCode::kBadValue,
       "enclaveIdentity.miscselect"},
      {"\"isvprodid\":2", "\"isvprodid\":70000", ErrorCode::kBadValue, "enclaveIdentity.isvprodid"},
      {"\"mrsigner\":\"DC", "\"mrsigner\":\"D", ErrorCode::kBadValue, "enclaveIdentity.mrsigner"},
      {"{\"isvsvn\":4}", "{\"isvsvn\":\"4\"}", ErrorCode::kBadValue,
       "enclaveIdentity.tcbLevels[0].tcb.isvsvn"},
  };
  for (const BadDoc& c : cases) {
    SCOPED_TRACE(c.to);
    auto r = ParseEnclaveIdentity(Replace(good, c.from, c.to));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), c.code) << r.status().ToString();
    EXPECT_EQ(r.status().field(), c.field) << r.status().ToString();
  }
}

TEST(CollateralTest, MissingOrNonHexMembersAreNamed) {
  auto pki = testing::TestPki::Create();
  QuoteCollateral c =
      testing::MakeCollateral(*pki, testing::DefaultTdxTcbInfo(), testing::DefaultQeIdentity());
  std::string json = CollateralToJson(c);
  for (const char* member :
       {"pck_crl_issuer_chain", "root_ca_crl", "pck_crl", "tcb_info_issuer_chain", "tcb_info",
        "tcb_info_signature", "qe_identity_issuer_chain", "qe_identity", "qe_identity_signature"}) {
    SCOPED_TRACE(member);
    std::string renamed = Replace(json, std::string("\"") + member + "\"", "\"x_renamed\"");
    auto r = ParseCollateralJson(renamed);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().field(), member);
  }
  auto r = ParseCollateralJson(Replace(json, "\"pck_crl\":\"30", "\"pck_crl\":\"3z"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "pck_crl");
  EXPECT_FALSE(ParseCollateralJson("").ok());
  EXPECT_FALSE(ParseCollateralJson("null").ok());
}

TEST(TcbEvalTest, StatusNamesRoundTrip) {
  for (int i = 0; i <= int(TcbStatus::kUnrecognized); ++i) {
    auto s = TcbStatus(i);
    EXPECT_EQ(TcbStatusFromName(TcbStatusName(s)), s);
  }
  EXPECT_EQ(TcbStatusFromName("TCB_NOT_SUPPORTED"), TcbStatus::kNotSupported);
  EXPECT_FALSE(TcbStatusFromName("uptodate").has_value());
}

TEST(TcbEvalTest, LevelsSortedAndDeduplicatedLikeIntel) {
  TcbInfo t = testing::DefaultTdxTcbInfo();
  TcbLevel dup = t.tcb_levels[0];
  dup.tcb_status = "Revoked";  // equal under the ordering: the first one wins
  TcbLevel higher_tdx = t.tcb_levels[0];
  higher_tdx.tdx_components[2] = 9;
  TcbLevel higher_sgx = t.tcb_levels[1];
  higher_sgx.sgx_components[0] = 3;
  t.tcb_levels = {t.tcb_levels[1], t.tcb_levels[0], dup, higher_tdx, higher_sgx};
  std::vector<TcbLevel> s = SortedTcbLevels(t);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].sgx_components[0], 3);
  EXPECT_EQ(s[1].tdx_components[2], 9);
  EXPECT_EQ(s[2].tcb_status, "UpToDate");
  EXPECT_EQ(s[3].pce_svn, 5);
}

TEST(TcbEvalTest, ModuleIdentityLookupIsCaseInsensitive) {
  TcbInfo t = testing::DefaultTdxTcbInfo();
  t.tdx_module_identities[0].id = "tdx_0a";
  EXPECT_NE(FindTdxModuleIdentity(t, 0x0a), nullptr);
  EXPECT_NE(FindTdxModuleIdentity(t, 1), nullptr);
  EXPECT_EQ(FindTdxModuleIdentity(t, 3), nullptr);
  EXPECT_EQ(FindTdxModuleIdentity(t, 0x10), nullptr);
}

TEST(TcbEvalTest, SgxEvaluationIgnoresTdxFields) {
  TcbInfo t = testing::DefaultSgxTcbInfo();
  TcbEvalInput in;
  in.tdx = false;
  in.pck_components = t.tcb_levels[0].sgx_components;
  in.pck_pce_svn = 11;
  in.tee_tcb_svn.fill(0);  // ignored for SGX
  EnclaveIdentity qe = testing::DefaultQeIdentity(false);
  in.qe_isv_svn = 4;
  TcbEvalResult r = EvaluateTcb(t, &qe, in);
  EXPECT_EQ(r.status, TcbStatus::kUpToDate);
  EXPECT_FALSE(r.module_level.has_value());
  in.qe_isv_svn = 2;
  EXPECT_EQ(EvaluateTcb(t, &qe, in).status, TcbStatus::kOutOfDate);
  in.qe_isv_svn.reset();
  EXPECT_EQ(EvaluateTcb(t, nullptr, in).status, TcbStatus::kUpToDate);
}

}  // namespace
}  // namespace ccv::quote
