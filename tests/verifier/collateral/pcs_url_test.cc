// URLs of the PCS / PCCS API v4 and the service URLs the CLI accepts.
#include "verifier/collateral/pcs_url.h"

#include <gtest/gtest.h>

namespace ccv::collateral {
namespace {

const CollateralKey kTdxPlatform{Tee::kTdx, {0xb0, 0xc0, 0x6f, 0x00, 0x00, 0x00}, PckCa::kPlatform};
const CollateralKey kSgxProcessor{
    Tee::kSgx, {0x00, 0xa0, 0x67, 0x11, 0x00, 0x00}, PckCa::kProcessor};

Service Pccs(const std::string& url) {
  auto s = MakeService(ServiceKind::kPccs, url);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : Service{};
}

TEST(PcsUrlTest, TdxTcbInfoUrlNamesTheFmspcInUppercase) {
  EXPECT_EQ(TcbInfoUrl(Pccs("https://pccs.example:8081"), kTdxPlatform),
            "https://pccs.example:8081/tdx/certification/v4/tcb?fmspc=B0C06F000000");
}

TEST(PcsUrlTest, SgxTcbInfoUrlUsesTheSgxPath) {
  EXPECT_EQ(TcbInfoUrl(Pccs("http://127.0.0.1:9"), kSgxProcessor),
            "http://127.0.0.1:9/sgx/certification/v4/tcb?fmspc=00A067110000");
}

TEST(PcsUrlTest, QeIdentityUrlFollowsTheTee) {
  Service s = Pccs("https://h");
  EXPECT_EQ(QeIdentityUrl(s, Tee::kTdx), "https://h/tdx/certification/v4/qe/identity");
  EXPECT_EQ(QeIdentityUrl(s, Tee::kSgx), "https://h/sgx/certification/v4/qe/identity");
}

TEST(PcsUrlTest, PckCrlUrlIsAlwaysSgxAndAsksForDer) {
  Service s = Pccs("https://h");
  EXPECT_EQ(PckCrlUrl(s, PckCa::kPlatform),
            "https://h/sgx/certification/v4/pckcrl?ca=platform&encoding=der");
  EXPECT_EQ(PckCrlUrl(s, PckCa::kProcessor),
            "https://h/sgx/certification/v4/pckcrl?ca=processor&encoding=der");
}

TEST(PcsUrlTest, RootCaCrlUrlOfAPccs) {
  EXPECT_EQ(RootCaCrlUrl(Pccs("https://h:8081/")), "https://h:8081/sgx/certification/v4/rootcacrl");
}

TEST(PcsUrlTest, TrailingSlashesAndTheApiRootAreRemoved) {
  EXPECT_EQ(Pccs("https://h:8081/").base_url, "https://h:8081");
  EXPECT_EQ(Pccs("https://h:8081/sgx/certification/v4/").base_url, "https://h:8081");
  EXPECT_EQ(Pccs("https://h:8081/tdx/certification/v4").base_url, "https://h:8081");
}

TEST(PcsUrlTest, APathPrefixIsKept) {
  Service s = Pccs("https://proxy.example/pccs/");
  EXPECT_EQ(s.base_url, "https://proxy.example/pccs");
  EXPECT_EQ(RootCaCrlUrl(s), "https://proxy.example/pccs/sgx/certification/v4/rootcacrl");
}

TEST(PcsUrlTest, ServiceKindIsKept) {
  auto s = MakeService(ServiceKind::kPcs, kIntelPcsUrl);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->kind, ServiceKind::kPcs);
  EXPECT_EQ(s->base_url, "https://api.trustedservices.intel.com");
}

TEST(PcsUrlTest, RejectsUnusableServiceUrls) {
  for (const char* url : {"ftp://h", "h:8081", "", "https://", "http:///", "https://h/?x=1",
                          "https://h/#f", "https://h/sgx/certification/v3",
                          "https://h/sgx/certification/v4/tcb", "https://h /x", "https://h\n"}) {
    SCOPED_TRACE(url);
    auto s = MakeService(ServiceKind::kPccs, url);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(CollateralKeyTest, NamesForMessagesAndPaths) {
  EXPECT_EQ(TeeName(Tee::kTdx), "tdx");
  EXPECT_EQ(TeeName(Tee::kSgx), "sgx");
  EXPECT_EQ(PckCaName(PckCa::kPlatform), "platform");
  EXPECT_EQ(PckCaName(PckCa::kProcessor), "processor");
  EXPECT_EQ(FmspcHex(kTdxPlatform.fmspc), "B0C06F000000");
  EXPECT_EQ(DescribeKey(kSgxProcessor), "sgx FMSPC 00A067110000, PCK processor CA");
}

}  // namespace
}  // namespace ccv::collateral
