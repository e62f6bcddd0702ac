// Fetching collateral over HTTP from a loopback PCCS / PCS made of the real
// Intel-signed collateral of the corpus (and of the test PKI where a case
// needs collateral the corpus does not have): success for every real TDX
// quote, HTTP and transport failures, wrong chains, encodings, header case,
// the PCS root CA CRL, and the cache.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "tests/testing/corpus.h"
#include "tests/testing/quote_pki.h"
#include "tests/verifier/collateral/fake_pcs.h"
#include "tests/verifier/collateral/loopback_server.h"
#include "verifier/collateral/cache.h"
#include "verifier/collateral/curl_http_client.h"
#include "verifier/collateral/obtain.h"
#include "verifier/crypto/x509.h"
#include "verifier/quote/quote_verifier.h"

namespace ccv::collateral {
namespace {

namespace fs = std::filesystem;

std::string Json(const quote::QuoteCollateral& c) { return quote::CollateralToJson(c); }

quote::QuoteCollateral LoadCollateral(const fs::path& p) {
  auto text = ReadFileText(p.string());
  EXPECT_TRUE(text.ok()) << p;
  auto c = quote::ParseCollateralJson(text.ok() ? *text : "");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? *c : quote::QuoteCollateral{};
}

struct CorpusCase {
  std::string name;
  fs::path quote, collateral;
  std::string now;
  std::string status;
};

// The TDX cases of quotes/cases.json.
std::vector<CorpusCase> TdxCases(const fs::path& corpus) {
  std::vector<CorpusCase> out;
  auto text = ReadFileText((corpus / "quotes/cases.json").string());
  EXPECT_TRUE(text.ok());
  rapidjson::Document d;
  d.Parse(text->c_str());
  for (const auto& c : d.GetArray()) {
    if (c["tee_tcb_svn"].IsNull()) continue;  // SGX
    out.push_back({c["name"].GetString(), corpus / c["quote"].GetString(),
                   corpus / c["collateral"].GetString(), c["now"].GetString(),
                   c["expected"]["status"].GetString()});
  }
  return out;
}

Time At(const std::string& rfc3339) {
  auto t = ParseRfc3339Time(rfc3339);
  EXPECT_TRUE(t.ok()) << rfc3339;
  return t.ok() ? *t : Time();
}

class FetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cache_dir_ = fs::temp_directory_path() /
                 ("ccv_fetch_test_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(cache_dir_);
  }
  void TearDown() override { fs::remove_all(cache_dir_); }

  void Start(testing::FakePcsOptions o = {}) {
    server_.reset();
    pcs_ = std::make_unique<testing::FakePcs>(o);
    server_ = std::make_unique<testing::LoopbackServer>(pcs_->Handler());
  }

  ObtainRequest Request(ServiceKind kind = ServiceKind::kPccs) {
    ObtainRequest r;
    auto s = MakeService(kind, server_->Url());
    EXPECT_TRUE(s.ok());
    r.service = *s;
    return r;
  }

  Result<Obtained> Obtain(const ObtainRequest& r, HttpOptions http = {}) {
    CurlHttpClient client(http);
    return ObtainCollateral(client, r);
  }

  // The synthetic TDX scenario: key, collateral and trust anchor PEM.
  void UseTestPki(const std::string& root_crl_url = "") {
    auto pki = testing::TestPki::CreateWithRootCrlUrl({}, root_crl_url);
    ASSERT_TRUE(pki.ok());
    pki_.emplace(std::move(*pki));
    root_pem_ = pki_->RootPem();
    key_ = CollateralKey{Tee::kTdx, testing::PkiOptions::DefaultPckExtensions().fmspc,
                         PckCa::kPlatform};
    Publish(0);
  }
  // Serves TCB info and QE identity signed anew, with this nextUpdate (0:
  // the defaults).
  void Publish(int64_t next_update) {
    quote::TcbInfo tcb = testing::DefaultTdxTcbInfo();
    quote::EnclaveIdentity qe = testing::DefaultQeIdentity();
    if (next_update != 0) tcb.next_update = qe.next_update = next_update;
    synthetic_ = testing::MakeCollateral(*pki_, tcb, qe);
    pcs_->Serve(synthetic_);
  }
  ObtainRequest SyntheticRequest(ServiceKind kind = ServiceKind::kPccs) {
    ObtainRequest r = Request(kind);
    r.key = key_;
    r.root_ca_pem = root_pem_;
    r.at = Time(testing::kPkiNow);
    return r;
  }

  // The corpus case dcap-qvl-tdx-v4 (FMSPC B0C06F000000, platform CA).
  bool UseCorpusCase(ObtainRequest* r) {
    auto corpus = testing::CorpusDir();
    if (!corpus) return false;
    for (const CorpusCase& c : TdxCases(*corpus)) {
      if (c.name != "dcap-qvl-tdx-v4") continue;
      real_ = LoadCollateral(c.collateral);
      pcs_->Serve(real_);
      auto q = ReadFileBytes(c.quote.string());
      EXPECT_TRUE(q.ok());
      auto key = CollateralKeyFromQuote(*q);
      EXPECT_TRUE(key.ok());
      *r = Request();
      r->key = *key;
      r->at = At(c.now);
      return true;
    }
    return false;
  }

  // Starts a service with `o` and expects the corpus case's collateral from it.
  void ExpectCorpusCollateral(const testing::FakePcsOptions& o) {
    Start(o);
    ObtainRequest r;
    if (!UseCorpusCase(&r)) {
      GTEST_SKIP() << "shared corpus not found (set CCV_CORPUS or -DCCV_CORPUS_DIR)";
    }
    auto got = Obtain(r);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(Json(got->collateral), Json(real_));
  }

  fs::path cache_dir_;
  std::unique_ptr<testing::FakePcs> pcs_;
  std::unique_ptr<testing::LoopbackServer> server_;
  std::optional<testing::TestPki> pki_;
  quote::QuoteCollateral synthetic_, real_;
  std::string root_pem_;
  CollateralKey key_;
};

#define CCV_REQUIRE_CORPUS_CASE(req)                                                \
  ObtainRequest req;                                                                \
  if (!UseCorpusCase(&(req))) {                                                     \
    GTEST_SKIP() << "shared corpus not found (set CCV_CORPUS or -DCCV_CORPUS_DIR)"; \
  }

TEST_F(FetchTest, EveryRealTdxQuoteGetsCollateralThatGivesItsTcbStatus) {
  CCV_REQUIRE_CORPUS(corpus);
  Start();
  std::vector<CorpusCase> cases = TdxCases(corpus);
  ASSERT_GE(cases.size(), 10u);
  for (const CorpusCase& c : cases) {
    SCOPED_TRACE(c.name);
    quote::QuoteCollateral want = LoadCollateral(c.collateral);
    pcs_->Serve(want);
    auto quote_bytes = ReadFileBytes(c.quote.string());
    ASSERT_TRUE(quote_bytes.ok());
    auto key = CollateralKeyFromQuote(*quote_bytes);
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    ObtainRequest r = Request();
    r.key = *key;
    r.at = At(c.now);
    auto got = Obtain(r);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->origin, Origin::kFetched);
    EXPECT_EQ(got->urls.size(), 4u);
    // Byte for byte what Intel signed and published.
    EXPECT_EQ(Json(got->collateral), Json(want));
    auto anchor = quote::LoadTrustAnchor();
    ASSERT_TRUE(anchor.ok());
    auto prepared = quote::PrepareCollateral(got->collateral, std::move(*anchor), r.at);
    ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
    auto v = quote::VerifyQuote(*quote_bytes, *prepared);
    ASSERT_TRUE(v.ok());
    ASSERT_TRUE(v->tcb_status.has_value());
    EXPECT_EQ(quote::TcbStatusName(*v->tcb_status),
              quote::TcbStatusName(*quote::TcbStatusFromName(c.status)));
    EXPECT_TRUE(v->authentic);
  }
}

TEST_F(FetchTest, RequestsTheDocumentedPaths) {
  Start();
  CCV_REQUIRE_CORPUS_CASE(r);
  ASSERT_TRUE(Obtain(r).ok());
  EXPECT_EQ(server_->targets(),
            (std::vector<std::string>{"/tdx/certification/v4/tcb?fmspc=B0C06F000000",
                                      "/tdx/certification/v4/qe/identity",
                                      "/sgx/certification/v4/pckcrl?ca=platform&encoding=der",
                                      "/sgx/certification/v4/rootcacrl"}));
}

TEST_F(FetchTest, NotFoundNamesTheUrlAndStatus) {
  Start();
  CCV_REQUIRE_CORPUS_CASE(r);
  pcs_->Override("/tdx/certification/v4/tcb", testing::CannedResponse{404, {}, "", {}, {}});
  auto got = Obtain(r);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kIo);
  EXPECT_NE(got.status().message().find(server_->Url() +
                                        "/tdx/certification/v4/tcb?fmspc=B0C06F000000: HTTP 404"),
            std::string::npos)
      << got.status().message();
}

TEST_F(FetchTest, UnknownFmspcIs404FromTheService) {
  Start();
  CCV_REQUIRE_CORPUS_CASE(r);
  r.key.fmspc[0] ^= 1;
  auto got = Obtain(r);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("HTTP 404"), std::string::npos);
}

TEST_F(FetchTest, ServerErrorShowsThePcsErrorHeaders) {
  Start();
  CCV_REQUIRE_CORPUS_CASE(r);
  r.cache_dir = cache_dir_.string();
  pcs_->Override(
      "/sgx/certification/v4/pckcrl",
      testing::CannedResponse{
          500, {{"Error-Code", "InternalError"}, {"Error-Message", "db\tdown"}}, "", {}, {}});
  auto got = Obtain(r);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kIo);
  EXPECT_NE(got.status().message().find("pckcrl?ca=platform&encoding=der: HTTP 500"),
            std::string::npos)
      << got.status().message();
  EXPECT_NE(got.status().message().find("Error-Message: db?down"), std::string::npos);
  EXPECT_FALSE(fs::exists(cache_dir_));  // nothing cached
}

TEST_F(FetchTest, TruncatedTransferIsCurlsError) {
  Start();
  CCV_REQUIRE_CORPUS_CASE(r);
  testing::CannedResponse cut = pcs_->Handle("/tdx/certification/v4/qe/identity");
  cut.announced_length = cut.body.size() + 100;
  pcs_->Override("/tdx/certification/v4/qe/identity", cut);
  auto got = Obtain(r);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kIo);
  EXPECT_NE(got.status().message().find("qe/identity: curl error 18"), std::string::npos)
      << got.status().message();
}

TEST_F(FetchTest, BodyCutShortWithAMatchingLengthDoesNotDecode) {
  Start();
  CCV_REQUIRE_CORPUS_CASE(r);
  testing::CannedResponse cut = pcs_->Handle("/tdx/certification/v4/tcb?fmspc=B0C06F000000");
  cut.body.resize(cut.body.size() / 2);
  pcs_->Override("/tdx/certification/v4/tcb", cut);
  auto got = Obtain(r);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kBadValue);
  EXPECT_NE(got.status().message().find("GET " + server_->Url()), std::string::npos);
}

TEST_F(FetchTest, CrlCutShortDoesNotDecode) {
  Start();
  CCV_REQUIRE_CORPUS_CASE(r);
  testing::CannedResponse cut = pcs_->Handle("/sgx/certification/v4/rootcacrl");
  cut.body.resize(cut.body.size() - 10);
  pcs_->Override("/sgx/certification/v4/rootcacrl", cut);
  auto got = Obtain(r);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kBadValue);
}

TEST_F(FetchTest, IssuerChainOfAnotherKeyIsRejectedAndNothingCached) {
  Start();
  CCV_REQUIRE_CORPUS_CASE(r);
  r.cache_dir = cache_dir_.string();
  auto pki = testing::TestPki::Create();
  ASSERT_TRUE(pki.ok());
  quote::QuoteCollateral forged = real_;
  forged.tcb_info_issuer_chain = pki->TcbChainPem();  // test PKI, not Intel
  pcs_->Serve(forged);
  auto got = Obtain(r);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kChainInvalid);
  EXPECT_NE(got.status().message().find("tcb_info_chain"), std::string::npos)
      << got.status().message();
  EXPECT_FALSE(fs::exists(cache_dir_));
}

TEST_F(FetchTest, DocumentSignedByAnotherKeyIsRejected) {
  Start();
  UseTestPki();
  testing::PkiOptions other;
  other.key_seed = 7;
  auto pki2 = testing::TestPki::Create(other);
  ASSERT_TRUE(pki2.ok());
  quote::QuoteCollateral forged = synthetic_;
  forged.qe_identity_signature = pki2->SignTcb(forged.qe_identity);
  pcs_->Serve(forged);
  auto got = Obtain(SyntheticRequest());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kBadSignature);
  EXPECT_NE(got.status().message().find("qe_identity_signature"), std::string::npos);
}

TEST_F(FetchTest, WholeCollateralOfAnotherPkiFailsAgainstTheAnchor) {
  Start();
  UseTestPki();
  ObtainRequest r = SyntheticRequest();
  r.root_ca_pem.reset();  // the Intel SGX Root CA
  auto got = Obtain(r);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kChainInvalid);
}

TEST_F(FetchTest, ExpiredCollateralIsRejected) {
  Start();
  CCV_REQUIRE_CORPUS_CASE(r);
  r.at = At("2025-08-01T00:00:00Z");  // after every nextUpdate of that collateral
  auto got = Obtain(r);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("not valid at"), std::string::npos)
      << got.status().message();
}

TEST_F(FetchTest, SlowServerTimesOutQuickly) {
  Start();
  CCV_REQUIRE_CORPUS_CASE(r);
  testing::CannedResponse slow = pcs_->Handle("/tdx/certification/v4/tcb?fmspc=B0C06F000000");
  slow.delay = std::chrono::seconds(30);
  pcs_->Override("/tdx/certification/v4/tcb", slow);
  HttpOptions http;
  http.total_timeout = std::chrono::milliseconds(300);
  auto start = std::chrono::steady_clock::now();
  auto got = Obtain(r, http);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kIo);
  EXPECT_NE(got.status().message().find("curl error 28"), std::string::npos)
      << got.status().message();
  EXPECT_LT(took, std::chrono::seconds(5));
  server_->Stop();  // abandons the delayed answer at once
}

TEST_F(FetchTest, RefusedConnectionIsCurlsError) {
  Start();
  CCV_REQUIRE_CORPUS_CASE(r);
  server_->Stop();
  auto got = Obtain(r);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kIo);
  EXPECT_NE(got.status().message().find("curl error 7"), std::string::npos);
}

TEST_F(FetchTest, OversizedBodyIsALimit) {
  Start();
  CCV_REQUIRE_CORPUS_CASE(r);
  pcs_->Override("/tdx/certification/v4/tcb",
                 testing::CannedResponse{200, {}, std::string(4096, ' '), {}, {}});
  HttpOptions http;
  http.max_body_len = 1000;
  auto got = Obtain(r, http);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kLimitExceeded);
}

TEST_F(FetchTest, MissingIssuerChainHeaderIsNotFound) {
  testing::FakePcsOptions o;
  o.tcb_v4_header = false;
  o.tcb_v3_header = false;
  Start(o);
  CCV_REQUIRE_CORPUS_CASE(r);
  auto got = Obtain(r);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(got.status().message().find("TCB-Info-Issuer-Chain"), std::string::npos);
}

TEST_F(FetchTest, TcbChainUnderTheV3HeaderNameIsRead) {
  testing::FakePcsOptions o;
  o.tcb_v4_header = false;
  o.tcb_v3_header = true;
  ExpectCorpusCollateral(o);
}

TEST_F(FetchTest, HeaderNamesMatchWhateverTheirCase) {
  for (testing::HeaderCase hc : {testing::HeaderCase::kLower, testing::HeaderCase::kUpper}) {
    testing::FakePcsOptions o;
    o.header_case = hc;
    o.tcb_v3_header = true;
    ExpectCorpusCollateral(o);
  }
}

TEST_F(FetchTest, PckCrlAsDerOrHexOrPem) {
  for (testing::CrlStyle style :
       {testing::CrlStyle::kPccs, testing::CrlStyle::kPccsHexOnly, testing::CrlStyle::kPem}) {
    SCOPED_TRACE(int(style));
    testing::FakePcsOptions o;
    o.crl_style = style;
    Start(o);
    CCV_REQUIRE_CORPUS_CASE(r);
    testing::CannedResponse served =
        pcs_->Handle("/sgx/certification/v4/pckcrl?ca=platform&encoding=der");
    EXPECT_EQ(static_cast<uint8_t>(served.body[0]) == 0x30, style == testing::CrlStyle::kPccs);
    auto got = Obtain(r);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->collateral.pck_crl, real_.pck_crl);
  }
}

TEST_F(FetchTest, PckCrlOfTheOtherCaIsRejected) {
  Start();
  CCV_REQUIRE_CORPUS_CASE(r);
  // The service answers the processor request with the platform CRL.
  testing::CannedResponse platform =
      pcs_->Handle("/sgx/certification/v4/pckcrl?ca=platform&encoding=der");
  pcs_->Override("/sgx/certification/v4/pckcrl", platform);
  r.key.ca = PckCa::kProcessor;
  auto got = Obtain(r);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kBadValue);
  EXPECT_NE(got.status().message().find("PCK Processor CA"), std::string::npos);
}

TEST_F(FetchTest, TcbInfoOfAnotherFmspcIsRejected) {
  Start();
  CCV_REQUIRE_CORPUS_CASE(r);
  testing::CannedResponse tcb = pcs_->Handle("/tdx/certification/v4/tcb?fmspc=B0C06F000000");
  pcs_->Override("/tdx/certification/v4/tcb", tcb);
  r.key.fmspc[5] = 1;
  auto got = Obtain(r);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kBadValue);
  EXPECT_NE(got.status().message().find("FMSPC B0C06F000000"), std::string::npos);
}

TEST_F(FetchTest, PcsTakesTheRootCrlFromTheAnchorsDistributionPoint) {
  Start();
  UseTestPki(server_->Url() + "/root.crl");
  auto got = Obtain(SyntheticRequest(ServiceKind::kPcs));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(Json(got->collateral), Json(synthetic_));
  EXPECT_EQ(server_->targets().back(), "/root.crl");
}

TEST_F(FetchTest, PcsWithoutADistributionPointSaysToUseAPccs) {
  Start();
  UseTestPki();
  auto got = Obtain(SyntheticRequest(ServiceKind::kPcs));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(got.status().message().find("--pccs-url"), std::string::npos);
}

TEST_F(FetchTest, IntelRootNamesItsCrlOnIntelsServer) {
  auto anchor = quote::LoadTrustAnchor();
  ASSERT_TRUE(anchor.ok());
  auto uris = anchor->CrlDistributionPointUris();
  ASSERT_TRUE(uris.ok());
  EXPECT_EQ(*uris, std::vector<std::string>{
                       "https://certificates.trustedservices.intel.com/IntelSGXRootCA.der"});
}

TEST_F(FetchTest, CacheHitNeedsNoNetwork) {
  Start();
  CCV_REQUIRE_CORPUS_CASE(r);
  r.cache_dir = cache_dir_.string();
  auto first = Obtain(r);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->origin, Origin::kFetched);
  EXPECT_EQ(first->cache_note, "no entry");
  EXPECT_TRUE(fs::exists(CollateralCache(cache_dir_.string()).PathFor(r.key)));
  server_->Stop();
  auto second = Obtain(r);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->origin, Origin::kCache);
  EXPECT_TRUE(second->urls.empty());
  EXPECT_EQ(Json(second->collateral), Json(real_));
}

TEST_F(FetchTest, CacheRefetchesOnlyAfterNextUpdate) {
  Start();
  // First generation: TCB info and QE identity valid until kPkiNow + 10
  // days, the CRLs until + 20 days.
  UseTestPki();
  Publish(testing::kPkiNow + 10 * testing::kDay);
  quote::QuoteCollateral first = synthetic_;
  ObtainRequest r = SyntheticRequest();
  r.cache_dir = cache_dir_.string();
  auto got = Obtain(r);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->next_update, testing::kPkiNow + 10 * testing::kDay);
  EXPECT_EQ(server_->requests(), 4);

  // Second generation published; the cache still answers until nextUpdate.
  Publish(testing::kPkiNow + 40 * testing::kDay);
  r.at = Time(testing::kPkiNow + 10 * testing::kDay);
  got = Obtain(r);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->origin, Origin::kCache);
  EXPECT_EQ(Json(got->collateral), Json(first));
  EXPECT_EQ(server_->requests(), 4);

  // One second past nextUpdate: fetched again, and the cache holds the new one.
  r.at = Time(testing::kPkiNow + 10 * testing::kDay + 1);
  got = Obtain(r);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->origin, Origin::kFetched);
  EXPECT_NE(got->cache_note.find("past its nextUpdate"), std::string::npos);
  EXPECT_EQ(server_->requests(), 8);
  auto cached = CollateralCache(cache_dir_.string()).Load(key_);
  ASSERT_TRUE(cached.ok() && cached->has_value());
  EXPECT_EQ(Json(**cached), Json(synthetic_));
}

TEST_F(FetchTest, CacheEntryThatDoesNotVerifyIsFetchedAgain) {
  Start();
  CCV_REQUIRE_CORPUS_CASE(r);
  r.cache_dir = cache_dir_.string();
  CollateralCache cache(cache_dir_.string());
  quote::QuoteCollateral tampered = real_;
  tampered.tcb_info_signature[3] ^= 0x40;
  ASSERT_TRUE(cache.Store(r.key, tampered).ok());
  auto got = Obtain(r);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->origin, Origin::kFetched);
  EXPECT_NE(got->cache_note.find("does not verify"), std::string::npos);
  auto cached = cache.Load(r.key);
  ASSERT_TRUE(cached.ok() && cached->has_value());
  EXPECT_EQ(Json(**cached), Json(real_));
}

TEST_F(FetchTest, UnreadableCacheEntryIsFetchedAgain) {
  Start();
  CCV_REQUIRE_CORPUS_CASE(r);
  r.cache_dir = cache_dir_.string();
  CollateralCache cache(cache_dir_.string());
  fs::create_directories(cache_dir_);
  std::ofstream(cache.PathFor(r.key)) << "{";
  auto got = Obtain(r);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_NE(got->cache_note.find("unreadable"), std::string::npos);
}

TEST_F(FetchTest, WriteCollateralFileReplacesWholly) {
  Start();
  CCV_REQUIRE_CORPUS_CASE(r);
  auto got = Obtain(r);
  ASSERT_TRUE(got.ok());
  fs::create_directories(cache_dir_);
  const std::string out = (cache_dir_ / "c.json").string();
  std::ofstream(out) << "old";
  ASSERT_TRUE(WriteCollateralFile(out, got->collateral).ok());
  auto text = ReadFileText(out);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, Json(real_));
  EXPECT_EQ(std::distance(fs::directory_iterator(cache_dir_), fs::directory_iterator()), 1);
}

}  // namespace
}  // namespace ccv::collateral
