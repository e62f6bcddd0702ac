// REPORTDATA = SHA-512(container IMR3 || nonce || user_data) (CIMA agent.rs
// get_cc_report + VM SDK cvm.rs). Expected digests below were computed with
// Python's hashlib, not with this code.
#include "verifier/containers/binding.h"

#include <string>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"

namespace ccv::containers {
namespace {

// The corpus pod's published IMR3 (expected/ima/cima-container-pod...json).
constexpr char kImr3[] =
    "c2d7928f553a7681794a3074d1c8ab72fa44a0f66af47099a3f99655cb26d938f64e95b85db3cb63ed5887d46353a1"
    "c8";
// hashlib.sha512(imr3 + bytes(range(32)) + b"ccverify-user-data")
constexpr char kBound[] =
    "a6179b9067bc8f08e10ceb3ad9c6c25c0da7f22f9a12c921b102c6d74d1bb32fc48e38017a7b08461c2991c9ce9f93"
    "f0"
    "de461096da96f91e34b3a1da002c8c90";
// hashlib.sha512(bytes(range(32)) + b"ccverify-user-data")
constexpr char kNotIsolated[] =
    "894cde6168cef1e625bce46a7fd5a8739dabcd56b1324f880c2fa3777d60dd9346d8aea0cab49097d1028e0c93193e"
    "5b"
    "746be00817a9f7cfcbb82c3d118e5853";
// hashlib.sha512(b"ccverify-user-data")
constexpr char kUserDataOnly[] =
    "63f578d912a14ee3b9f07d70daf9ab2cd4b0ebb0777582d7e83750f567546807c7e7744a0b6947393194ca9bbe8636"
    "c3"
    "3444c97b8c58f1f7e9097f941eaf748a";
// hashlib.sha512(imr3 + bytes(range(32)))
constexpr char kNoUserData[] =
    "a58c189b152f24b707a36071e71123f73827b72fc38130edea45ab51f9e1185eb44d0a287ab8724062a32a660d5956"
    "8b"
    "34ded0b42a3ddc29c16b0941bd6eb9d8";

Digest Imr3() {
  Digest d = Digest::Zero(HashAlg::kSha384);
  EXPECT_TRUE(DecodeHexInto(kImr3, d.mutable_span()));
  return d;
}

std::vector<uint8_t> Nonce() {
  std::vector<uint8_t> n(32);
  for (size_t i = 0; i < n.size(); ++i) n[i] = uint8_t(i);
  return n;
}

std::vector<uint8_t> UserData() {
  std::string s = "ccverify-user-data";
  return {s.begin(), s.end()};
}

ReportData Rd(const char* hex) {
  ReportData r{};
  EXPECT_TRUE(DecodeHexInto(hex, r));
  return r;
}

TEST(ContainerBindingTest, ReportDataMatchesIndependentSha512) {
  EXPECT_EQ(ToHex(ContainerReportData(Imr3().span(), Nonce(), UserData())), kBound);
  EXPECT_EQ(ToHex(ContainerReportData(Imr3().span(), Nonce(), {})), kNoUserData);
}

TEST(ContainerBindingTest, BoundWhenReportDataCoversRegister) {
  BindingCheck c = CheckContainerBinding(Rd(kBound), Imr3(), Nonce(), UserData());
  EXPECT_EQ(c.status, BindingStatus::kBound);
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(c.expected, kBound);
}

TEST(ContainerBindingTest, AbsentUserDataContributesNothing) {
  BindingCheck c = CheckContainerBinding(Rd(kNoUserData), Imr3(), Nonce(), {});
  EXPECT_EQ(c.status, BindingStatus::kBound);
}

TEST(ContainerBindingTest, NonIsolatedAgentIsRecognisedAndFails) {
  BindingCheck c = CheckContainerBinding(Rd(kNotIsolated), Imr3(), Nonce(), UserData());
  EXPECT_EQ(c.status, BindingStatus::kNotIsolated);
  EXPECT_FALSE(c.ok());
}

TEST(ContainerBindingTest, NoNonceFailsClosedEvenWhenUserDataMatches) {
  BindingCheck c = CheckContainerBinding(Rd(kUserDataOnly), Imr3(), std::nullopt, UserData());
  EXPECT_EQ(c.status, BindingStatus::kNoNonce);
  EXPECT_FALSE(c.ok());
  EXPECT_TRUE(c.expected.empty());
}

TEST(ContainerBindingTest, OtherRegisterNonceOrUserDataMismatch) {
  Digest other = Imr3();
  other.bytes[47] ^= 1;
  EXPECT_EQ(CheckContainerBinding(Rd(kBound), other, Nonce(), UserData()).status,
            BindingStatus::kMismatch);
  std::vector<uint8_t> n = Nonce();
  n[0] ^= 1;
  EXPECT_EQ(CheckContainerBinding(Rd(kBound), Imr3(), n, UserData()).status,
            BindingStatus::kMismatch);
  EXPECT_EQ(CheckContainerBinding(Rd(kBound), Imr3(), Nonce(), {}).status,
            BindingStatus::kMismatch);
  ReportData rd = Rd(kBound);
  rd[63] ^= 0x80;
  EXPECT_EQ(CheckContainerBinding(rd, Imr3(), Nonce(), UserData()).status,
            BindingStatus::kMismatch);
  // Nonce and user data swapped: the concatenation differs.
  EXPECT_EQ(CheckContainerBinding(Rd(kBound), Imr3(), UserData(), Nonce()).status,
            BindingStatus::kMismatch);
}

TEST(ContainerBindingTest, FindBoundUnitsPicksTheRightUnit) {
  ContainerView v;
  for (int i = 0; i < 3; ++i) {
    ContainerUnit u;
    u.id = "unit" + std::to_string(i);
    u.virtual_imr3 = Digest::Filled(HashAlg::kSha384, uint8_t(i));
    v.units.push_back(u);
  }
  v.units[1].virtual_imr3 = Imr3();
  auto found = FindBoundUnits(v, Rd(kBound), Nonce(), UserData());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->id, "unit1");
  EXPECT_TRUE(FindBoundUnits(v, Rd(kNotIsolated), Nonce(), UserData()).empty());
}

}  // namespace
}  // namespace ccv::containers
