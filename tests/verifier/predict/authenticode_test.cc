// Authenticode digests against independent values: the digests published
// with the corpus's PE images (and carried inside their signatures), and
// osslsigncode's "Calculated message digest" for images we build and sign
// with a throw-away key.
#include "verifier/predict/authenticode.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "tests/parsers/pe_builder.h"
#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"

namespace ccv::predict {
namespace {

namespace fs = std::filesystem;

constexpr HashAlg kBanks[] = {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384, HashAlg::kSha512};

std::string DigestHex(const AuthenticodeMeasurement& m, HashAlg alg) {
  for (const Digest& d : m.digests) {
    if (d.alg == alg) return ToHex(d.span());
  }
  return "";
}

TEST(AuthenticodeCorpusTest, DigestsEqualPublishedValuesAndTheSignedDigest) {
  CCV_REQUIRE_CORPUS(corpus);
  const fs::path dir = corpus / "pe/authenticode-rs";
  auto text = ReadFileText((dir / "expected.json").string());
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  rapidjson::Document doc;
  doc.Parse(text->c_str());
  ASSERT_TRUE(doc.IsObject());
  const auto& files = doc["authenticode"];
  int checked = 0;
  for (auto it = files.MemberBegin(); it != files.MemberEnd(); ++it) {
    const std::string name = it->name.GetString();
    SCOPED_TRACE(name);
    auto bytes = ReadFileBytes((dir / name).string());
    ASSERT_TRUE(bytes.ok());
    auto m = MeasureAuthenticode(*bytes, kBanks);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(DigestHex(*m, HashAlg::kSha256), it->value["sha256"].GetString());
    EXPECT_EQ(DigestHex(*m, HashAlg::kSha1).substr(0, 8), it->value["sha1_prefix"].GetString());
    const bool is_signed = name.find(".signed.") != std::string::npos;
    ASSERT_EQ(m->signatures.size(), is_signed ? 1u : 0u);
    if (is_signed) {
      const EmbeddedSignature& s = m->signatures[0];
      ASSERT_TRUE(s.signature.has_value()) << s.error;
      EXPECT_EQ(s.signature->digest_alg, HashAlg::kSha256);
      EXPECT_EQ(ToHex(s.signature->image_digest), it->value["sha256"].GetString());
      EXPECT_TRUE(s.digest_matches_image);
      EXPECT_TRUE(s.signature->signature_valid) << s.signature->signature_detail;
      ASSERT_FALSE(s.signature->certificates.empty());
      EXPECT_TRUE(s.signature->certificates[0].signer);
      EXPECT_EQ(s.signature->certificates[0].subject, "CN=TestKey");
      EXPECT_EQ(s.signature->certificates[0].serial_hex.size(), 40u);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

TEST(AuthenticodeCorpusTest, TamperedSignedImageNoLongerMatchesItsSignature) {
  CCV_REQUIRE_CORPUS(corpus);
  auto bytes = ReadFileBytes((corpus / "pe/authenticode-rs/tiny64.signed.efi").string());
  ASSERT_TRUE(bytes.ok());
  auto img = parsers::ParsePeImage(*bytes);
  ASSERT_TRUE(img.ok());
  ASSERT_FALSE(img->sections.empty());
  std::vector<uint8_t> tampered = *bytes;
  tampered[img->sections[0].pointer_to_raw_data] ^= 1;
  auto m = MeasureAuthenticode(tampered, kBanks);
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(m->signatures.at(0).signature.has_value());
  EXPECT_FALSE(m->signatures[0].digest_matches_image);
  // The signature itself still verifies: it signs the (old) digest.
  EXPECT_TRUE(m->signatures[0].signature->signature_valid);
  // CheckSum is not covered: changing it changes nothing.
  std::vector<uint8_t> sum = *bytes;
  sum[img->checksum_offset] ^= 0xff;
  auto m2 = MeasureAuthenticode(sum, kBanks);
  ASSERT_TRUE(m2.ok());
  EXPECT_TRUE(m2->signatures[0].digest_matches_image);
}

TEST(AuthenticodeCorpusTest, ForgedSignedDigestFailsTheSignatureCheck) {
  CCV_REQUIRE_CORPUS(corpus);
  auto bytes = ReadFileBytes((corpus / "pe/authenticode-rs/tiny64.signed.efi").string());
  ASSERT_TRUE(bytes.ok());
  // Find the SHA-256 digest inside the signature and change one byte: the
  // messageDigest attribute no longer covers the content.
  auto digest = FromHex("a82d7e4f091c44ec75d97746b3461c8ea9151e2313f8e9a4330432ee5f25b2ae");
  ASSERT_TRUE(digest.ok());
  auto pos = std::search(bytes->begin(), bytes->end(), digest->begin(), digest->end());
  ASSERT_NE(pos, bytes->end());
  *pos ^= 1;
  auto m = MeasureAuthenticode(*bytes, kBanks);
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(m->signatures.at(0).signature.has_value()) << m->signatures[0].error;
  EXPECT_FALSE(m->signatures[0].digest_matches_image);
  EXPECT_FALSE(m->signatures[0].signature->signature_valid);
}

// --- osslsigncode agreement on images we build ---

bool HaveTools() {
  return std::system(
             "command -v osslsigncode >/dev/null 2>&1 && command -v openssl >/dev/null "
             "2>&1") == 0;
}

// "Calculated message digest : HEX" from `osslsigncode verify`.
std::string OsslsigncodeDigest(const fs::path& file, const fs::path& out_dir) {
  const fs::path out = out_dir / (file.filename().string() + ".verify");
  std::string cmd =
      "osslsigncode verify -in " + testing::Quote(file) + " > " + testing::Quote(out) + " 2>&1";
  (void)std::system(cmd.c_str());
  std::ifstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    const std::string key = "Calculated message digest";
    auto p = line.find(key);
    if (p == std::string::npos) continue;
    auto colon = line.find(':', p);
    std::string hex;
    for (char c : line.substr(colon + 1)) {
      if (std::isxdigit(static_cast<unsigned char>(c))) hex += char(std::tolower(c));
    }
    return hex;
  }
  return "";
}

class OsslsigncodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveTools()) GTEST_SKIP() << "osslsigncode or openssl not installed; skipping";
    dir_ = fs::temp_directory_path() / ("ccv_authenticode_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    const std::string cmd =
        "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=ccv-test -days 2 "
        "-keyout " +
        testing::Quote(dir_ / "key.pem") + " -out " + testing::Quote(dir_ / "cert.pem") +
        " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  // Signs `image` with osslsigncode (hash `alg`); returns the signed file.
  fs::path Sign(const std::vector<uint8_t>& image, const std::string& name, const char* alg) {
    const fs::path in = dir_ / (name + ".efi"), out = dir_ / (name + ".signed.efi");
    EXPECT_TRUE(WriteFileBytes(in.string(), image.data(), image.size()).ok());
    const std::string cmd = std::string("osslsigncode sign -h ") + alg + " -certs " +
                            testing::Quote(dir_ / "cert.pem") + " -key " +
                            testing::Quote(dir_ / "key.pem") + " -in " + testing::Quote(in) +
                            " -out " + testing::Quote(out) + " >/dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    return out;
  }
  fs::path dir_;
};

TEST_F(OsslsigncodeTest, AgreesOnBuiltImagesInEveryShape) {
  struct Shape {
    const char* name;
    bool pe32_plus;
    std::vector<uint8_t> trailing;
    bool swap_sections;
  };
  const Shape shapes[] = {{"pe32plus", true, {}, false},
                          {"pe32", false, {}, false},
                          {"trailing", true, std::vector<uint8_t>(37, 0xab), false},
                          {"unordered", true, {}, true}};
  for (const Shape& shape : shapes) {
    for (const char* alg : {"sha256", "sha1", "sha384", "sha512"}) {
      SCOPED_TRACE(std::string(shape.name) + " " + alg);
      testing::PeBuilder b = testing::PeBuilder::Default();
      b.pe32_plus = shape.pe32_plus;
      b.trailing = shape.trailing;
      std::vector<uint8_t> f = b.Build();
      if (shape.swap_sections) {
        for (size_t i = 0; i < 40; ++i) {
          std::swap(f[b.section_table_offset + i], f[b.section_table_offset + 40 + i]);
        }
      }
      auto unsigned_m = MeasureAuthenticode(f, kBanks);
      ASSERT_TRUE(unsigned_m.ok()) << unsigned_m.status().ToString();
      const fs::path signed_path = Sign(f, std::string(shape.name) + "_" + alg, alg);
      const std::string theirs = OsslsigncodeDigest(signed_path, dir_);
      ASSERT_FALSE(theirs.empty()) << "osslsigncode printed no digest";
      auto bytes = ReadFileBytes(signed_path.string());
      ASSERT_TRUE(bytes.ok());
      auto signed_m = MeasureAuthenticode(*bytes, kBanks);
      ASSERT_TRUE(signed_m.ok()) << signed_m.status().ToString();
      const HashAlg h = *HashAlgFromName(alg);
      EXPECT_EQ(DigestHex(*signed_m, h), theirs);
      // osslsigncode pads the image to 8 bytes before the certificate table;
      // the padding is hashed, so compare the unsigned digest only where
      // there was nothing to pad.
      if (f.size() % 8 == 0) {
        EXPECT_EQ(DigestHex(*unsigned_m, h), theirs);
      }
      ASSERT_EQ(signed_m->signatures.size(), 1u);
      ASSERT_TRUE(signed_m->signatures[0].signature.has_value());
      EXPECT_TRUE(signed_m->signatures[0].digest_matches_image);
      EXPECT_TRUE(signed_m->signatures[0].signature->signature_valid);
      EXPECT_EQ(signed_m->signatures[0].signature->certificates.at(0).subject, "CN=ccv-test");
    }
  }
}

TEST_F(OsslsigncodeTest, AgreesOnCorpusImages) {
  CCV_REQUIRE_CORPUS(corpus);
  for (const char* name : {"tiny32.signed.efi", "tiny64.signed.efi"}) {
    SCOPED_TRACE(name);
    const fs::path p = corpus / "pe/authenticode-rs" / name;
    auto bytes = ReadFileBytes(p.string());
    ASSERT_TRUE(bytes.ok());
    auto m = MeasureAuthenticode(*bytes, kBanks);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(DigestHex(*m, HashAlg::kSha256), OsslsigncodeDigest(p, dir_));
  }
}

}  // namespace
}  // namespace ccv::predict
