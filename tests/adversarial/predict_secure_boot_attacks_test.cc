// Secure Boot authority events against `ccverify predict`: a prediction names the db
// entry that verifies the image, so an image signed by another key, or a db whose
// certificate differs by one byte, predicts another PCR 7 authority event (a policy made
// from it fails on the original boot); an image no db certificate verifies is refused
// (Secure Boot would not start it), never predicted with a guessed authority.
// Images are signed with throw-away keys by osslsigncode (skipped when absent).
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "tests/parsers/pe_builder.h"
#include "tests/testing/cli.h"
#include "verifier/crypto/x509.h"
#include "verifier/predict/secure_boot_authority.h"
#include "verifier/predict/uefi_variables.h"
#include "verifier/predict/uki.h"

namespace ccv {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> Text(std::string_view s) { return {s.begin(), s.end()}; }

std::vector<uint8_t> Uki() {
  testing::PeBuilder b = testing::PeBuilder::Default();
  b.sections.push_back({".sdmagic", Text("#### LoaderInfo: systemd-stub 252.39 ####")});
  b.sections.push_back({".osrel", Text("ID=test\n")});
  b.sections.push_back({".cmdline", Text("console=ttyS0 ro")});
  b.sections.push_back({".linux", testing::PeBuilder::Default().Build()});
  return b.Build();
}

// EFI_SIGNATURE_LIST of X.509 entries, each with its own list (as EDK2 enrolls them).
std::vector<uint8_t> Db(const std::vector<std::pair<parsers::Guid, std::vector<uint8_t>>>& certs) {
  const parsers::Guid x509 = *predict::ParseGuid("a5c059a1-94e4-4aa7-87b5-ab155c2bf072");
  std::vector<uint8_t> out;
  auto u32 = [&out](uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(uint8_t(v >> (8 * i)));
  };
  for (const auto& [owner, der] : certs) {
    out.insert(out.end(), x509.bytes.begin(), x509.bytes.end());
    u32(uint32_t(28 + 16 + der.size()));
    u32(0);
    u32(uint32_t(16 + der.size()));
    out.insert(out.end(), owner.bytes.begin(), owner.bytes.end());
    out.insert(out.end(), der.begin(), der.end());
  }
  return out;
}

class PredictSecureBootAttackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v osslsigncode >/dev/null 2>&1 && command -v openssl >/dev/null "
                    "2>&1") != 0) {
      GTEST_SKIP() << "osslsigncode or openssl not installed; skipping";
    }
    dir_ = fs::temp_directory_path() / ("ccv_sb_attack_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    const std::vector<uint8_t> uki = Uki();
    ASSERT_TRUE(WriteFileBytes((dir_ / "uki.efi").string(), uki.data(), uki.size()).ok());
    for (const char* k : {"a", "b", "c"}) {
      const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=ccv-sb-" +
                              std::string(k) + " -days 2 -keyout " +
                              testing::Quote(dir_ / (k + key_)) + " -out " +
                              testing::Quote(dir_ / (k + pem_)) + " >/dev/null 2>&1 && " +
                              "openssl x509 -in " + testing::Quote(dir_ / (k + pem_)) +
                              " -outform der -out " + testing::Quote(dir_ / (k + der_));
      ASSERT_EQ(std::system(cmd.c_str()), 0);
    }
    // "leaf", issued by "a" (a CA): a signer whose db entry is its issuer.
    const std::string leaf =
        "openssl req -new -newkey rsa:2048 -nodes -subj /CN=ccv-sb-leaf -keyout " +
        testing::Quote(dir_ / ("leaf" + key_)) + " -out " + testing::Quote(dir_ / "leaf.csr") +
        " >/dev/null 2>&1 && openssl x509 -req -in " + testing::Quote(dir_ / "leaf.csr") + " -CA " +
        testing::Quote(dir_ / ("a" + pem_)) + " -CAkey " + testing::Quote(dir_ / ("a" + key_)) +
        " -CAcreateserial -days 2 -out " + testing::Quote(dir_ / ("leaf" + pem_)) +
        " >/dev/null 2>&1";
    ASSERT_EQ(std::system(leaf.c_str()), 0);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  // The UKI signed by key `k`.
  std::vector<uint8_t> Signed(const std::string& k) {
    const fs::path out = dir_ / ("uki." + k + ".efi");
    fs::remove(out);
    const std::string cmd =
        "osslsigncode sign -h sha256 -certs " + testing::Quote(dir_ / (k + pem_)) + " -key " +
        testing::Quote(dir_ / (k + key_)) + " -in " + testing::Quote(dir_ / "uki.efi") + " -out " +
        testing::Quote(out) + " >/dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    auto b = ReadFileBytes(out.string());
    return b.ok() ? *b : std::vector<uint8_t>{};
  }
  std::vector<uint8_t> Der(const std::string& k) {
    return *ReadFileBytes((dir_ / (k + der_)).string());
  }

  // A store with Secure Boot on and `db`.
  parsers::VariableStore Store(const std::vector<uint8_t>& db) {
    db_ = db;
    parsers::VariableStore s;
    s.authenticated = true;
    s.variables.push_back({predict::EfiGlobalVariableGuid(), "PK", 0, Bytes(pk_)});
    s.variables.push_back({*predict::ParseGuid("f0a30bc7-af08-4556-99c4-001009c93a44"),
                           "SecureBootEnable", 0, Bytes(enable_)});
    s.variables.push_back({predict::ImageSecurityDatabaseGuid(), "db", 0, Bytes(db_)});
    return s;
  }

  // The predicted PCR 7 authority event of the UKI.
  Result<std::vector<predict::BootEvent>> Authority(const std::vector<uint8_t>& uki,
                                                    const parsers::VariableStore& store) {
    const HashAlg banks[] = {HashAlg::kSha256};
    auto p = predict::PredictUkiBoot(uki, banks, &store);
    if (!p.ok()) return p.status();
    std::vector<predict::BootEvent> out;
    for (const predict::BootEvent& e : p->events) {
      if (e.type == parsers::kEvEfiVariableAuthority) out.push_back(e);
    }
    return out;
  }

  fs::path dir_;
  const std::string key_ = ".key", pem_ = ".pem", der_ = ".der";
  std::vector<uint8_t> pk_ = {1, 2, 3}, enable_ = {1}, db_;
  const parsers::Guid owner_a_ = *predict::ParseGuid("11111111-2222-3333-4444-555555555555");
  const parsers::Guid owner_b_ = *predict::ParseGuid("66666666-7777-8888-9999-000000000000");
};

// The entry that verifies the image is the one logged (not the first of db), as the
// EFI_SIGNATURE_DATA of its owner and certificate.
TEST_F(PredictSecureBootAttackTest, TheVerifyingEntryIsPredicted) {
  const parsers::VariableStore store = Store(Db({{owner_b_, Der("b")}, {owner_a_, Der("a")}}));
  auto a = Authority(Signed("a"), store);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(a->size(), 1u);
  const predict::BootEvent& e = (*a)[0];
  ASSERT_TRUE(e.predicted) << e.reason;
  EXPECT_EQ(e.pcr, 7u);
  std::vector<uint8_t> want(owner_a_.bytes.begin(), owner_a_.bytes.end());
  const std::vector<uint8_t> der = Der("a");
  want.insert(want.end(), der.begin(), der.end());
  auto encoded = predict::EncodeUefiVariableData(predict::ImageSecurityDatabaseGuid(), "db", want);
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(ToHex(e.data), ToHex(*encoded));
  EXPECT_NE(e.description.find("CN=ccv-sb-a"), std::string::npos) << e.description;
}

// Another signer (also in db) predicts another authority event: a policy made from one
// does not pass the other's boot.
TEST_F(PredictSecureBootAttackTest, ADifferentSignerPredictsADifferentAuthority) {
  const parsers::VariableStore store = Store(Db({{owner_a_, Der("a")}, {owner_b_, Der("b")}}));
  auto a = Authority(Signed("a"), store);
  auto b = Authority(Signed("b"), store);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), 1u);
  ASSERT_EQ(b->size(), 1u);
  EXPECT_NE(ToHex((*a)[0].digests[0].span()), ToHex((*b)[0].digests[0].span()));
}

// One flipped byte in the db certificate (the signer's issuer): either the certificate
// still verifies (a byte of its own signature) and the predicted event carries the
// flipped bytes, or it no longer verifies and the image is refused; never the original
// event. (A self-signed signer whose db copy differs is refused outright, as OpenSSL in
// EDK2 refuses it.)
TEST_F(PredictSecureBootAttackTest, AFlippedDbCertificateByteNeverPredictsTheOriginal) {
  const std::vector<uint8_t> uki = Signed("leaf");
  auto base = Authority(uki, Store(Db({{owner_a_, Der("a")}})));
  ASSERT_TRUE(base.ok() && base->size() == 1);
  const std::string want = ToHex((*base)[0].digests[0].span());
  const std::vector<uint8_t> der = Der("a");
  size_t refused = 0, changed = 0;
  for (size_t at = 0; at < der.size(); at += 37) {
    std::vector<uint8_t> bad = der;
    bad[at] ^= 0x01;
    auto p = Authority(uki, Store(Db({{owner_a_, bad}})));
    if (!p.ok()) {
      EXPECT_EQ(p.status().code(), ErrorCode::kChainInvalid) << p.status().ToString();
      ++refused;
      continue;
    }
    ASSERT_EQ(p->size(), 1u);
    EXPECT_NE(ToHex((*p)[0].digests[0].span()), want) << "byte " << at;
    ++changed;
  }
  EXPECT_GT(refused, 0u);
  EXPECT_GT(changed, 0u);
}

// Signed by a key db does not hold, unsigned, or changed after signing: Secure Boot
// refuses the image, and so does the prediction (exit 3 from the command, naming why).
TEST_F(PredictSecureBootAttackTest, AnImageDbDoesNotAllowIsRefused) {
  const parsers::VariableStore store = Store(Db({{owner_a_, Der("a")}}));
  std::vector<uint8_t> tampered = Signed("a");
  auto img = parsers::ParsePeImage(tampered);
  ASSERT_TRUE(img.ok());
  const parsers::PeSection* cmdline = parsers::FindSection(*img, ".cmdline");
  ASSERT_NE(cmdline, nullptr);
  tampered[cmdline->pointer_to_raw_data] ^= 0x01;
  const std::pair<const char*, std::vector<uint8_t>> cases[] = {
      {"verifies its Authenticode signature", Signed("c")},
      {"no Authenticode signature", Uki()},
      {"verifies its Authenticode signature", tampered}};
  for (const auto& [why, uki] : cases) {
    auto p = Authority(uki, store);
    ASSERT_FALSE(p.ok()) << why;
    EXPECT_EQ(p.status().code(), ErrorCode::kChainInvalid);
    EXPECT_NE(p.status().message().find(why), std::string::npos) << p.status().ToString();
    EXPECT_NE(p.status().message().find("refuse"), std::string::npos) << p.status().ToString();
  }
  // Secure Boot off: nothing is verified, no authority event.
  parsers::VariableStore off = Store(Db({{owner_a_, Der("a")}}));
  enable_ = {0};
  off.variables[1].data = Bytes(enable_);
  auto p = Authority(Signed("c"), off);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->empty());
}

}  // namespace
}  // namespace ccv
