// ECDSA, X.509, CRL, SGX extension and RFC 3339 wrappers: the OpenSSL-facing
// pieces of DCAP verification, with malformed inputs.
#include "verifier/crypto/x509.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"
#include "tests/testing/quote_pki.h"
#include "verifier/crypto/ecdsa.h"
#include "verifier/crypto/sgx_extensions.h"
#include "verifier/quote/intel_root_ca.h"
#include "verifier/quote/quote_verifier.h"

namespace ccv::crypto {
namespace {

TEST(EcdsaTest, SignVerifyRoundTrip) {
  auto key = PrivateKey::GenerateP256();
  ASSERT_TRUE(key.ok());
  std::vector<uint8_t> msg = {1, 2, 3};
  auto sig = key->SignP256Sha256(msg);
  ASSERT_TRUE(sig.ok());
  auto pub = PublicKey::FromRawP256(*key->PublicRaw());
  ASSERT_TRUE(pub.ok());
  EXPECT_TRUE(pub->VerifyP256Sha256(msg, *sig));
  msg[0] ^= 1;
  EXPECT_FALSE(pub->VerifyP256Sha256(msg, *sig));
}

TEST(EcdsaTest, FlippedSignatureFails) {
  auto key = PrivateKey::FromP256Scalar(std::vector<uint8_t>(32, 7));
  ASSERT_TRUE(key.ok());
  std::vector<uint8_t> msg(100, 0x5a);
  auto sig = *key->SignP256Sha256(msg);
  auto pub = PublicKey::FromRawP256(*key->PublicRaw());
  for (size_t i : {0u, 31u, 32u, 63u}) {
    auto bad = sig;
    bad[i] ^= 0x01;
    EXPECT_FALSE(pub->VerifyP256Sha256(msg, bad)) << i;
  }
}

TEST(EcdsaTest, ZeroAndShortSignaturesFail) {
  auto key = PrivateKey::GenerateP256();
  auto pub = PublicKey::FromRawP256(*key->PublicRaw());
  std::vector<uint8_t> msg = {1};
  EXPECT_FALSE(pub->VerifyP256Sha256(msg, std::vector<uint8_t>(64, 0)));
  EXPECT_FALSE(pub->VerifyP256Sha256(msg, std::vector<uint8_t>(63, 1)));
  EXPECT_FALSE(pub->VerifyP256Sha256(msg, std::vector<uint8_t>()));
}

TEST(EcdsaTest, KeyOffCurveIsRejected) {
  auto key = PrivateKey::GenerateP256();
  auto raw = *key->PublicRaw();
  raw[63] ^= 1;
  auto pub = PublicKey::FromRawP256(raw);
  EXPECT_FALSE(pub.ok());
  EXPECT_EQ(pub.status().code(), ErrorCode::kBadSignature);
}

TEST(EcdsaTest, WrongKeyLengthIsRejected) {
  EXPECT_EQ(PublicKey::FromRawP256(std::vector<uint8_t>(65, 4)).status().code(),
            ErrorCode::kBadLength);
  EXPECT_EQ(PublicKey::FromRawP256(std::vector<uint8_t>()).status().code(), ErrorCode::kBadLength);
  EXPECT_EQ(PrivateKey::FromP256Scalar(std::vector<uint8_t>(31, 1)).status().code(),
            ErrorCode::kBadLength);
  EXPECT_FALSE(PrivateKey::FromP256Scalar(std::vector<uint8_t>(32, 0)).ok());
}

TEST(EcdsaTest, DerRawConversionRoundTrips) {
  std::vector<uint8_t> raw(64);
  for (size_t i = 0; i < 64; ++i) raw[i] = uint8_t(i + 1);
  auto der = RawSignatureToDer(raw);
  ASSERT_TRUE(der.ok());
  auto back = DerSignatureToRaw(AsBytes(*der));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(std::vector<uint8_t>(back->begin(), back->end()), raw);
  EXPECT_FALSE(DerSignatureToRaw(std::vector<uint8_t>{0x30, 0x01}).ok());
}

TEST(X509Test, EmbeddedIntelRootHasPublishedFingerprint) {
  auto chain = Certificate::ParsePemChain(quote::kIntelSgxRootCaPem);
  ASSERT_TRUE(chain.ok());
  ASSERT_EQ(chain->size(), 1u);
  std::string fp = ToHex((*chain)[0].Sha256Fingerprint());
  for (char& c : fp) c = char(std::toupper(c));
  EXPECT_EQ(fp, quote::kIntelSgxRootCaSha256);
  EXPECT_EQ((*chain)[0].SubjectCommonName(), "Intel SGX Root CA");
  EXPECT_TRUE((*chain)[0].IsSelfIssued());
  EXPECT_TRUE((*chain)[0].SignatureVerifiesWith((*chain)[0]));
  EXPECT_EQ(FormatRfc3339((*chain)[0].NotBefore()), "2018-05-21T10:45:10Z");
  EXPECT_EQ(FormatRfc3339((*chain)[0].NotAfter()), "2049-12-31T23:59:59Z");
}

TEST(X509Test, PemChainErrors) {
  EXPECT_EQ(Certificate::ParsePemChain("").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(Certificate::ParsePemChain("-----BEGIN CERTIFICATE-----\nAAAA\n").status().code(),
            ErrorCode::kTruncated);
  EXPECT_EQ(Certificate::ParsePemChain("-----BEGIN CERTIFICATE-----\nAAAA\n-----END "
                                       "CERTIFICATE-----\n")
                .status()
                .code(),
            ErrorCode::kBadValue);
  EXPECT_EQ(Certificate::PemChainToDer("-----BEGIN CERTIFICATE-----\n!!!!\n-----END "
                                       "CERTIFICATE-----\n")
                .status()
                .code(),
            ErrorCode::kBadValue);
  EXPECT_FALSE(Certificate::FromDer(std::vector<uint8_t>{0x30, 0x03, 0x02, 0x01, 0x01}).ok());
}

TEST(X509Test, PemToDerMatchesParsedCertificates) {
  auto pki = testing::TestPki::Create();
  std::string pem = pki->PckChainPem() + std::string(3, '\0');
  auto ders = Certificate::PemChainToDer(pem);
  auto certs = Certificate::ParsePemChain(pem);
  ASSERT_TRUE(ders.ok() && certs.ok());
  ASSERT_EQ(ders->size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ((*ders)[i], (*certs)[i].Der());
  auto again = Certificate::FromDer(AsBytes((*ders)[0]));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->SerialHex(), "1234");
  std::string with_trailing = (*ders)[0] + "x";
  EXPECT_EQ(Certificate::FromDer(AsBytes(with_trailing)).status().code(), ErrorCode::kBadLength);
}

TEST(X509Test, ChainSignaturesAndNames) {
  auto pki = testing::TestPki::Create();
  EXPECT_TRUE(pki->pck_leaf().SignatureVerifiesWith(pki->pck_ca()));
  EXPECT_TRUE(pki->pck_ca().SignatureVerifiesWith(pki->root()));
  EXPECT_FALSE(pki->pck_leaf().SignatureVerifiesWith(pki->root()));
  EXPECT_EQ(pki->pck_leaf().IssuerDer(), pki->pck_ca().SubjectDer());
  EXPECT_TRUE(pki->pck_ca().IsCa());
  EXPECT_FALSE(pki->pck_leaf().IsCa());
  EXPECT_NE(pki->pck_leaf().SubjectCommonName().find("SGX PCK Certificate"), std::string::npos);
}

TEST(X509Test, CrlDistributionPointUris) {
  auto root = quote::LoadTrustAnchor();
  ASSERT_TRUE(root.ok());
  auto intel = root->CrlDistributionPointUris();
  ASSERT_TRUE(intel.ok());
  EXPECT_EQ(*intel, std::vector<std::string>{
                        "https://certificates.trustedservices.intel.com/IntelSGXRootCA.der"});
  auto pki = testing::TestPki::CreateWithRootCrlUrl({}, "http://127.0.0.1:1/root.crl");
  ASSERT_TRUE(pki.ok());
  auto named = pki->root().CrlDistributionPointUris();
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(*named, std::vector<std::string>{"http://127.0.0.1:1/root.crl"});
  auto none = pki->pck_leaf().CrlDistributionPointUris();
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(CrlTest, RevocationAndWindow) {
  testing::PkiOptions o;
  o.revoke_pck_leaf = true;
  auto pki = testing::TestPki::Create(o);
  auto crl = Crl::FromBytes(pki->pck_crl());
  ASSERT_TRUE(crl.ok());
  EXPECT_TRUE(crl->Revokes(pki->pck_leaf()));
  EXPECT_FALSE(crl->Revokes(pki->pck_ca()));
  EXPECT_EQ(crl->NumRevoked(), 1u);
  EXPECT_TRUE(crl->SignatureVerifiesWith(pki->pck_ca()));
  EXPECT_FALSE(crl->SignatureVerifiesWith(pki->root()));
  EXPECT_TRUE(crl->ValidAt(testing::kPkiNow));
  EXPECT_FALSE(crl->ValidAt(o.crl_next_update + 1));
  EXPECT_FALSE(crl->ValidAt(o.crl_this_update - 1));
  EXPECT_EQ(crl->IssuerDer(), pki->pck_ca().SubjectDer());
}

TEST(CrlTest, MalformedCrlsAreRejected) {
  EXPECT_EQ(Crl::FromBytes(std::vector<uint8_t>{1, 2, 3}).status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(Crl::FromBytes(std::vector<uint8_t>()).status().code(), ErrorCode::kBadValue);
  std::string pem = "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n";
  EXPECT_EQ(Crl::FromBytes(AsBytes(pem)).status().code(), ErrorCode::kBadValue);
}

TEST(SgxExtensionsTest, RoundTripsThroughACertificate) {
  testing::PkiOptions o;
  o.pck_ext.fmspc = {1, 2, 3, 4, 5, 6};
  o.pck_ext.pce_id = {0xab, 0xcd};
  o.pck_ext.pce_svn = 300;
  o.pck_ext.cpu_svn_components[15] = 200;
  o.pck_ext.sgx_type = 2;
  o.pck_ext.platform_instance_id = std::array<uint8_t, 16>{9};
  auto pki = testing::TestPki::Create(o);
  auto ext = ParseSgxExtensions(pki->pck_leaf());
  ASSERT_TRUE(ext.ok()) << ext.status().ToString();
  EXPECT_EQ(ext->fmspc, o.pck_ext.fmspc);
  EXPECT_EQ(ext->pce_id, o.pck_ext.pce_id);
  EXPECT_EQ(ext->pce_svn, 300);
  EXPECT_EQ(ext->cpu_svn_components, o.pck_ext.cpu_svn_components);
  EXPECT_EQ(ext->sgx_type, 2);
  ASSERT_TRUE(ext->platform_instance_id.has_value());
  EXPECT_EQ((*ext->platform_instance_id)[0], 9);
}

TEST(SgxExtensionsTest, MissingExtensionIsNotFound) {
  auto pki = testing::TestPki::Create();
  EXPECT_EQ(ParseSgxExtensions(pki->pck_ca()).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(ParseSgxExtensions(pki->root()).status().code(), ErrorCode::kNotFound);
}

TEST(Rfc3339Test, ParsesAndFormats) {
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseRfc3339("2025-07-19T10:01:17Z"), 1752919277);
  EXPECT_EQ(*ParseRfc3339("2025-07-19T10:01:17.123Z"), 1752919277);
  EXPECT_EQ(*ParseRfc3339("2025-07-19T12:01:17+02:00"), 1752919277);
  EXPECT_EQ(*ParseRfc3339("2025-07-19T09:01:17-01:00"), 1752919277);
  EXPECT_EQ(FormatRfc3339(1752919277), "2025-07-19T10:01:17Z");
}

TEST(Rfc3339Test, RejectsMalformedTimes) {
  for (const char* bad :
       {"", "2025-07-19", "2025-07-19T10:01:17", "2025-13-19T10:01:17Z", "2025-07-19T25:01:17Z",
        "2025/07/19T10:01:17Z", "2025-07-19T10:01:17ZZ", "2025-07-19T10:01:17.Z",
        "2025-07-19T10:01:17+0200", "now", "2025-07-19T10:01:1xZ", "2025-00-19T10:01:17Z"}) {
    auto t = ParseRfc3339(bad);
    EXPECT_FALSE(t.ok()) << bad;
    if (!t.ok()) {
      EXPECT_EQ(t.status().code(), ErrorCode::kBadValue) << bad;
    }
  }
}

}  // namespace
}  // namespace ccv::crypto
