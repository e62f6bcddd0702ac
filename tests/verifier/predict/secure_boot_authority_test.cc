// shim's own measurements (verifier/predict/secure_boot_authority) on a synthetic
// shim whose .vendor_cert and .sbatlevel sections have long names (the COFF string
// table, as shim's linker writes them); the boot lab's efi-shim-grub-sb variant checks
// the same against Debian's signed shim 16.1 on a real boot.
#include "verifier/predict/secure_boot_authority.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "tests/parsers/pe_builder.h"
#include "tests/testing/quote_pki.h"
#include "verifier/crypto/digest.h"
#include "verifier/crypto/x509.h"
#include "verifier/predict/uefi_variables.h"

namespace ccv::predict {
namespace {

void PutLe(std::vector<uint8_t>* out, uint64_t v, size_t n) {
  const size_t at = out->size();
  out->resize(at + n);
  for (size_t i = 0; i < n; ++i) (*out)[at + i] = uint8_t(v >> (8 * i));
}

std::string Hex256(Bytes b) { return ToHex(crypto::Hash(HashAlg::kSha256, b).span()); }

class ShimEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pki = testing::TestPki::Create();
    ASSERT_TRUE(pki.ok()) << pki.status().ToString();
    auto der = crypto::Certificate::PemChainToDer(pki->RootPem());
    ASSERT_TRUE(der.ok() && der->size() == 1);
    cert_.assign((*der)[0].begin(), (*der)[0].end());
    // .vendor_cert: sizes and offsets of the certificate and the vendor dbx.
    std::vector<uint8_t> vendor;
    PutLe(&vendor, cert_.size(), 4);
    PutLe(&vendor, dbx_.size(), 4);
    PutLe(&vendor, 16, 4);
    PutLe(&vendor, 16 + cert_.size(), 4);
    vendor.insert(vendor.end(), cert_.begin(), cert_.end());
    vendor.insert(vendor.end(), dbx_.begin(), dbx_.end());
    // .sbatlevel: version 0, offsets of "previous" and "latest" after the version.
    std::vector<uint8_t> sbat;
    PutLe(&sbat, 0, 4);
    PutLe(&sbat, 8, 4);
    PutLe(&sbat, 8 + kPrevious.size() + 1, 4);
    sbat.insert(sbat.end(), kPrevious.begin(), kPrevious.end());
    sbat.push_back(0);
    sbat.insert(sbat.end(), kLatest.begin(), kLatest.end());
    sbat.push_back(0);
    // The string table: its size, then ".vendor_cert" at 4 and ".sbatlevel" at 17.
    const std::string names = std::string(".vendor_cert") + '\0' + ".sbatlevel" + '\0';
    std::vector<uint8_t> strings(4 + names.size());
    testing::PeBuilder::PutU32(&strings, 0, uint32_t(strings.size()));
    std::copy(names.begin(), names.end(), strings.begin() + 4);
    testing::PeBuilder b = testing::PeBuilder::Default();
    b.sections.push_back({"/4", vendor});
    b.sections.push_back({"/17", sbat});
    b.trailing = strings;
    shim_ = b.Build();
    const size_t at = shim_.size() - strings.size();  // unsigned: the trailing data ends it
    testing::PeBuilder::PutU32(&shim_, b.coff_offset + 8, uint32_t(at));  // PointerToSymbolTable
    testing::PeBuilder::PutU32(&shim_, b.coff_offset + 12, 0);            // NumberOfSymbols
    store_.variables.push_back({EfiGlobalVariableGuid(), "PK", 0, Bytes(pk_)});
    store_.variables.push_back(
        {*ParseGuid("f0a30bc7-af08-4556-99c4-001009c93a44"), "SecureBootEnable", 0, Bytes(on_)});
  }

  const std::string kPrevious = "sbat,1,2025021800\nshim,4\ngrub,5\n";
  const std::string kLatest = "sbat,1,2025051000\nshim,4\ngrub,5\ngrub.proxmox,2\n";
  std::vector<uint8_t> cert_, shim_, dbx_ = std::vector<uint8_t>(76, 0x5a);
  std::vector<uint8_t> pk_ = {1}, on_ = {1};
  parsers::VariableStore store_;
  const HashAlg banks_[1] = {HashAlg::kSha256};
};

TEST_F(ShimEventsTest, AnUnsignedGrubIsRefused) {
  const std::vector<uint8_t> unsigned_image = testing::PeBuilder::Default().Build();
  // GRUB and the kernel unsigned: shim would refuse them; the startup events stand.
  auto e = PredictShimEvents(&store_, shim_, unsigned_image, unsigned_image, banks_);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), ErrorCode::kChainInvalid);
  EXPECT_NE(e.status().message().find("GRUB"), std::string::npos) << e.status().ToString();
}

TEST_F(ShimEventsTest, MokListsAndSbatLevelFromShimsSections) {
  // A signed GRUB is not needed to check what shim logs before it: with db holding a
  // hash entry, the GRUB authority is "cannot predict" instead of refused.
  std::vector<uint8_t> db;
  const parsers::Guid sha256 = *ParseGuid("c1c41626-504c-4092-aca9-41f936934328");
  db.insert(db.end(), sha256.bytes.begin(), sha256.bytes.end());
  PutLe(&db, 28 + 48, 4);
  PutLe(&db, 0, 4);
  PutLe(&db, 48, 4);
  db.resize(db.size() + 48, 0x11);
  store_.variables.push_back({ImageSecurityDatabaseGuid(), "db", 0, Bytes(db)});
  const std::vector<uint8_t> image = testing::PeBuilder::Default().Build();
  auto e = PredictShimEvents(&store_, shim_, image, image, banks_);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ASSERT_EQ(e->startup.size(), 4u);
  for (const BootEvent& ev : e->startup) ASSERT_TRUE(ev.predicted) << ev.reason;
  // MokList: the vendor certificate as one EFI_SIGNATURE_LIST owned by SHIM_LOCK_GUID.
  const parsers::Guid x509 = *ParseGuid("a5c059a1-94e4-4aa7-87b5-ab155c2bf072");
  const parsers::Guid shim_lock = ShimLockGuid();
  std::vector<uint8_t> esl(x509.bytes.begin(), x509.bytes.end());
  PutLe(&esl, 28 + 16 + cert_.size(), 4);
  PutLe(&esl, 0, 4);
  PutLe(&esl, 16 + cert_.size(), 4);
  esl.insert(esl.end(), shim_lock.bytes.begin(), shim_lock.bytes.end());
  esl.insert(esl.end(), cert_.begin(), cert_.end());
  EXPECT_EQ(e->startup[0].pcr, 14u);
  EXPECT_EQ(ToHex(e->startup[0].digests[0].span()), Hex256(esl));
  EXPECT_EQ(std::string(e->startup[0].data.begin(), e->startup[0].data.end()),
            std::string("MokList") + '\0');
  EXPECT_EQ(ToHex(e->startup[1].digests[0].span()), Hex256(dbx_));
  // SbatLevel: the "previous" string, without its NUL, as UEFI_VARIABLE_DATA.
  EXPECT_EQ(e->startup[2].pcr, 7u);
  EXPECT_EQ(e->startup[2].type, parsers::kEvEfiVariableAuthority);
  auto sbat = EncodeUefiVariableData(
      shim_lock, "SbatLevel",
      Bytes(reinterpret_cast<const uint8_t*>(kPrevious.data()), kPrevious.size()));
  ASSERT_TRUE(sbat.ok());
  EXPECT_EQ(ToHex(e->startup[2].data), ToHex(*sbat));
  EXPECT_EQ(ToHex(e->startup[2].digests[0].span()), Hex256(*sbat));
  const uint8_t one = 1;
  EXPECT_EQ(ToHex(e->startup[3].digests[0].span()), Hex256(Bytes(&one, 1)));
  ASSERT_EQ(e->grub.size(), 1u);
  EXPECT_FALSE(e->grub[0].predicted);

  // Any shim variable in the store, or Secure Boot off: nothing of shim's is claimed.
  const uint8_t mok[] = {0};
  parsers::VariableStore with_mok = store_;
  with_mok.variables.push_back({shim_lock, "MokList", 0, Bytes(mok)});
  parsers::VariableStore off = store_;
  const uint8_t zero = 0;
  off.variables[1].data = Bytes(&zero, 1);
  for (const parsers::VariableStore* s : {&with_mok, &off}) {
    auto u = PredictShimEvents(s, shim_, image, image, banks_);
    ASSERT_TRUE(u.ok()) << u.status().ToString();
    for (const BootEvent& ev : u->startup) EXPECT_FALSE(ev.predicted) << ev.description;
  }
}

}  // namespace
}  // namespace ccv::predict
