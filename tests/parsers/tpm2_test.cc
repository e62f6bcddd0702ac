// TPMS_ATTEST / TPMT_SIGNATURE / TPMT_PUBLIC parsing: the real corpus quotes
// decode to their expected fields, and malformed input fails with the right
// code at the right offset.
#include "parsers/tpm2.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"
#include "tests/testing/corpus.h"
#include "tests/testing/files.h"
#include "tests/testing/parse_error.h"
#include "tests/testing/tpm_builder.h"

namespace ccv::parsers {
namespace {

std::vector<uint8_t> SimpleAttest() {
  return testing::QuoteAttest({0x90, 0x09}, {{HashAlg::kSha256, {0, 1, 7}}},
                              std::vector<uint8_t>(32, 0xaa));
}

// One byte of valid input set to another value, and the error it must give.
struct ByteEdit {
  const char* what;
  size_t at;
  uint8_t value;
  ErrorCode code;
  uint64_t offset;
};

// Each edit of `valid` makes `parse` fail with its code at its offset, and a
// byte past the end fails with kBadLength at the end of the input.
template <typename T>
void ExpectEditsFail(const std::vector<uint8_t>& valid, Result<T> (*parse)(Bytes),
                     std::initializer_list<ByteEdit> edits) {
  for (const ByteEdit& e : edits) {
    SCOPED_TRACE(e.what);
    std::vector<uint8_t> bad = valid;
    bad[e.at] = e.value;
    testing::ExpectParseError(parse(bad), e.code, e.offset);
  }
  std::vector<uint8_t> trailing = valid;
  trailing.push_back(0);
  testing::ExpectParseError(parse(trailing), ErrorCode::kBadLength, valid.size());
}

TEST(Tpm2ParserTest, GceQuoteFields) {
  CCV_REQUIRE_CORPUS(corpus);
  auto a = ParseTpmAttest(testing::ReadAll(corpus / "tpm/gce-cos-85/quote1.tpms_attest.bin"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->magic, 0xff544347u);
  EXPECT_EQ(a->type, 0x8018);
  EXPECT_EQ(ToHex(a->extra_data), "9009");
  EXPECT_EQ(a->qualified_signer.size(), 34u);
  ASSERT_EQ(a->pcr_select.size(), 1u);
  EXPECT_EQ(a->pcr_select[0].hash, HashAlg::kSha256);
  EXPECT_EQ(a->pcr_select[0].Pcrs().size(), 24u);
  EXPECT_EQ(a->pcr_digest.size(), 32u);

  auto s = ParseTpmSignature(testing::ReadAll(corpus / "tpm/gce-cos-85/quote1.tpmt_signature.bin"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->scheme, TpmSigScheme::kRsaSsa);
  EXPECT_EQ(s->hash, HashAlg::kSha256);
  EXPECT_EQ(s->rsa_sig.size(), 256u);

  auto p = ParseTpmPublic(testing::ReadAll(corpus / "tpm/gce-cos-85/ak_pub.tpmt_public.bin"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->type, TpmKeyType::kRsa);
  EXPECT_TRUE(p->restricted());
  EXPECT_TRUE(p->sign());
  EXPECT_FALSE(p->decrypt());
  EXPECT_EQ(p->rsa_modulus.size(), 256u);
}

TEST(Tpm2ParserTest, WindowsQuoteHasEmptyNonceAndSha1Signature) {
  CCV_REQUIRE_CORPUS(corpus);
  auto a = ParseTpmAttest(
      testing::ReadAll(corpus / "tpm/windows-gce-shielded-vm/quote.tpms_attest.bin"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(a->extra_data.empty());
  EXPECT_EQ(ToHex(a->pcr_digest), "a610f27bc687ce906243287d832706036e79f6e1");
  auto s = ParseTpmSignature(
      testing::ReadAll(corpus / "tpm/windows-gce-shielded-vm/quote.tpmt_signature.bin"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->hash, HashAlg::kSha1);
}

TEST(Tpm2ParserTest, AttestErrorsNameTheOffset) {
  std::vector<uint8_t> a = SimpleAttest();
  ASSERT_TRUE(ParseTpmAttest(a).ok());

  // extraData at 42, clockInfo 46..63, firmwareVersion 63..71, count at 71.
  ExpectEditsFail(a, &ParseTpmAttest,
                  {{"magic", 0, 0xfe, ErrorCode::kBadMagic, 0},
                   {"type TPM_ST_ATTEST_CERTIFY", 5, 0x17, ErrorCode::kBadValue, 4},
                   {"qualifiedSigner size 0x0122", 6, 0x01, ErrorCode::kLimitExceeded, 6},
                   {"PCR selection count", 71, 0x01, ErrorCode::kLimitExceeded, 71},
                   {"sizeofSelect", 77, 5, ErrorCode::kLimitExceeded, 77},
                   {"safe", 62, 2, ErrorCode::kBadValue, 62}});

  for (size_t n = 0; n < a.size(); ++n) {
    auto r = ParseTpmAttest(Bytes(a.data(), n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.status().code(), ErrorCode::kTruncated) << n;
  }
}

TEST(Tpm2ParserTest, SignatureErrors) {
  auto key = testing::GenerateEcKey("P-256");
  std::vector<uint8_t> s =
      testing::SignQuote(key.get(), testing::tpmf::kAlgEcdsa, HashAlg::kSha256, {1, 2, 3});
  auto ok = ParseTpmSignature(s);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->scheme, TpmSigScheme::kEcdsa);
  EXPECT_EQ(ok->ecc_r.size(), 32u);

  ExpectEditsFail(s, &ParseTpmSignature,
                  {{"TPM_ALG_HMAC", 1, 0x05, ErrorCode::kUnsupported, 0},
                   {"r size", 4, 0x01, ErrorCode::kLimitExceeded, 4}});
  for (size_t n = 0; n < s.size(); ++n) EXPECT_FALSE(ParseTpmSignature(Bytes(s.data(), n)).ok());
}

TEST(Tpm2ParserTest, PublicErrors) {
  auto key = testing::GenerateRsaKey();
  std::vector<uint8_t> p = testing::TpmtPublicOf(key.get());
  ASSERT_TRUE(ParseTpmPublic(p).ok());

  ExpectEditsFail(p, &ParseTpmPublic,
                  {{"TPM_ALG_KEYEDHASH", 1, 0x08, ErrorCode::kUnsupported, 0},
                   {"objectAttributes bit 0", 7, uint8_t(p[7] | 0x01), ErrorCode::kBadValue, 4},
                   {"keyBits 0x0801", 15, 0x01, ErrorCode::kBadValue, 20}});

  // TPM2B_PUBLIC: errors shifted past the size field.
  std::vector<uint8_t> b = {uint8_t(p.size() >> 8), uint8_t(p.size())};
  b.insert(b.end(), p.begin(), p.end());
  b[2 + 7] |= 0x01;  // objectAttributes bit 0
  ASSERT_TRUE(LooksLikeTpm2bPublic(b));
  testing::ExpectParseError(ParseTpm2bPublic(b), ErrorCode::kBadValue, 6);
}

}  // namespace
}  // namespace ccv::parsers
