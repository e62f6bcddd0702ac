// Boot facts from real logs, checked against what others decoded from the
// same logs: trustee's parsed CCEL (upstream output in the corpus, decoded
// here by an independent walk of its base64 variable data) and the corpus
// manifest's description of each log (Secure Boot on or off, empty dbx).
//
// The corpus logs come without a quote, so the pipeline leaves them unbound
// and gives no boot fact; the tests check that first, then mark the events
// bound as a verified quote would and derive the facts.
#include "verifier/pipeline/boot_facts.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "tests/testing/corpus.h"
#include "tests/verifier/pipeline/bundle_fixture.h"
#include "verifier/bundle/evidence.h"
#include "verifier/pipeline/verify.h"

namespace ccv::pipeline {
namespace {

result::Facts Collect(const bundle::Evidence& e) {
  auto f = CollectFacts(e, {0, std::nullopt});
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? *f : result::Facts{};
}

// The facts as they would be if a verified quote bound every event.
result::BootFacts BoundBootFacts(result::Facts f) {
  for (result::EventFact& e : f.events) e.bound = true;
  return DeriveBootFacts(f.events);
}

result::Facts TpmLog(const std::filesystem::path& p) {
  bundle::Evidence e;
  e.tpm_eventlog = p.string();
  return Collect(e);
}

std::vector<uint8_t> Base64(const std::string& s) {
  std::vector<uint8_t> out(3 * (s.size() / 4) + 3);
  int n =
      EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(s.data()), int(s.size()));
  EXPECT_GE(n, 0);
  size_t len = size_t(n < 0 ? 0 : n);
  for (size_t i = s.size(); i > 0 && s[i - 1] == '='; --i) --len;  // DecodeBlock counts padding
  out.resize(len);
  return out;
}

std::string Sha256Hex(const uint8_t* p, size_t n) {
  unsigned char md[32];
  unsigned int md_len = 0;
  EVP_Digest(p, n, md, &md_len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < md_len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

uint32_t U32(const std::vector<uint8_t>& b, size_t at) {
  return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 |
         uint32_t(b[at + 3]) << 24;
}

// Entry count and X.509 fingerprints of signature lists, walked by the
// header fields (UEFI 2.10 §32.4.1) without our decoder.
struct Walked {
  uint64_t entries = 0;
  std::vector<std::string> certs;
};
Walked Walk(const std::vector<uint8_t>& v) {
  static const uint8_t kX509[16] = {0xa1, 0x59, 0xc0, 0xa5, 0xe4, 0x94, 0xa7, 0x4a,
                                    0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72};
  Walked w;
  size_t off = 0;
  while (off + 28 <= v.size()) {
    const uint32_t list = U32(v, off + 16), header = U32(v, off + 20), size = U32(v, off + 24);
    const bool x509 = std::equal(kX509, kX509 + 16, v.begin() + long(off));
    for (size_t p = off + 28 + header; size >= 16 && p + size <= off + list; p += size) {
      ++w.entries;
      if (x509) w.certs.push_back(Sha256Hex(v.data() + p + 16, size - 16));
    }
    off += list;
  }
  return w;
}

TEST(BootFactsCorpusTest, OvmfGrubSecureBootCcelAgreesWithTrustee) {
  CCV_REQUIRE_CORPUS(corpus);
  bundle::Evidence e;
  e.ccel_data = (corpus / "ccel/ovmf-grub-secureboot.bin").string();
  result::Facts f = Collect(e);
  // Unbound (no quote): no fact, and the notes say why.
  EXPECT_FALSE(f.boot.secure_boot);
  EXPECT_FALSE(f.boot.db.present);
  ASSERT_FALSE(f.boot.notes.empty());
  EXPECT_NE(f.boot.notes[0].find("not bound"), std::string::npos) << f.boot.notes[0];

  result::BootFacts b = BoundBootFacts(f);
  rapidjson::Document trustee =
      testing::ReadJson(corpus / "upstream/trustee/ovmf-grub-secureboot.bin.out.json");
  std::set<std::string> seen;
  for (const auto& ev : trustee["uefi_event_logs"].GetArray()) {
    if (std::string(ev["type_name"].GetString()) != "EV_EFI_VARIABLE_DRIVER_CONFIG") continue;
    const std::string name = ev["details"]["unicode_name"].GetString();
    const std::vector<uint8_t> value = Base64(ev["details"]["variable_data"].GetString());
    ASSERT_TRUE(ev["digest_matches_event"].GetBool()) << name;
    seen.insert(name);
    SCOPED_TRACE(name);
    if (name == "SecureBoot") {
      ASSERT_EQ(value.size(), 1u);
      ASSERT_TRUE(b.secure_boot);
      EXPECT_EQ(*b.secure_boot, value[0] == 1);
      continue;
    }
    const result::BootVariableFact* fact = name == "PK"    ? &b.pk
                                           : name == "KEK" ? &b.kek
                                           : name == "db"  ? &b.db
                                           : name == "dbx" ? &b.dbx
                                                           : nullptr;
    ASSERT_NE(fact, nullptr);
    ASSERT_TRUE(fact->present);
    EXPECT_TRUE(fact->error.empty()) << fact->error;
    Walked w = Walk(value);
    EXPECT_EQ(fact->entries, w.entries);
    EXPECT_EQ(fact->x509_sha256, w.certs);
  }
  EXPECT_EQ(seen, (std::set<std::string>{"SecureBoot", "PK", "KEK", "db", "dbx"}));
  EXPECT_TRUE(*b.secure_boot);  // the manifest: "Secure Boot on"
  EXPECT_EQ(b.db.x509_sha256.size(), 2u);
  // Boot applications: shim, then GRUB, each with a bound digest.
  EXPECT_GE(b.images.size(), 2u);
  for (const result::BootImageFact& im : b.images) EXPECT_EQ(im.sha256.rfind("sha384:", 0), 0u);
}

TEST(BootFactsCorpusTest, SecureBootStateOfTpmLogsIsTheManifests) {
  CCV_REQUIRE_CORPUS(corpus);
  // From the corpus manifest's description of each log.
  const std::pair<const char*, bool> cases[] = {
      {"tcg/gce-coreos-36-no-secure-boot.bin", false},
      {"tcg/gce-ubuntu-2104-no-secure-boot.bin", false},
      {"tcg/gce-ubuntu-2104-no-dbx.bin", false},
      {"tcg/ubuntu-secureboot-tcglog-parser.bin", true},
  };
  for (const auto& [file, on] : cases) {
    SCOPED_TRACE(file);
    result::BootFacts b = BoundBootFacts(TpmLog(corpus / file));
    ASSERT_TRUE(b.secure_boot) << (b.notes.empty() ? "" : b.notes[0]);
    EXPECT_EQ(*b.secure_boot, on);
    EXPECT_TRUE(b.db.present);
    EXPECT_FALSE(b.images.empty());
  }
}

// tpm2-tools prints the dbx of this log as an empty list.
TEST(BootFactsCorpusTest, EmptyDbxHasNoEntries) {
  CCV_REQUIRE_CORPUS(corpus);
  result::BootFacts b = BoundBootFacts(TpmLog(corpus / "tcg/gce-ubuntu-2104-no-dbx.bin"));
  ASSERT_TRUE(b.dbx.present);
  EXPECT_EQ(b.dbx.entries, 0u);
  EXPECT_TRUE(b.dbx.error.empty()) << b.dbx.error;
}

// The manifest: "zero-length SecureBoot variable".
TEST(BootFactsCorpusTest, ZeroLengthSecureBootIsNoFact) {
  CCV_REQUIRE_CORPUS(corpus);
  result::BootFacts b = BoundBootFacts(TpmLog(corpus / "tcg/arch-linux-workstation.bin"));
  EXPECT_FALSE(b.secure_boot);
  bool noted = false;
  for (const std::string& n : b.notes) noted |= n.find("holds 0 byte(s)") != std::string::npos;
  EXPECT_TRUE(noted);
}

// A forged SecureBoot byte: its digest no longer matches, so the data is not
// verified and there is no fact (and the replay no longer matches either).
TEST(BootFactsCorpusTest, ForgedSecureBootByteGivesNoFact) {
  CCV_REQUIRE_CORPUS(corpus);
  testing::TempDir dir("boot_facts");
  const std::filesystem::path forged = dir.path() / "forged.bin";
  std::filesystem::copy_file(corpus / "tcg/gce-coreos-36-no-secure-boot.bin", forged);
  bool changed = false;
  testing::AlterFile(forged, [&](auto* bytes) {
    // "S\0e\0c\0u\0r\0e\0B\0o\0o\0t\0" followed by the one data byte 0.
    const uint8_t name[] = {'S', 0, 'e', 0, 'c', 0, 'u', 0, 'r', 0,
                            'e', 0, 'B', 0, 'o', 0, 'o', 0, 't', 0};
    auto at = std::search(bytes->begin(), bytes->end(), name, name + sizeof(name));
    if (at == bytes->end() || at + sizeof(name) == bytes->end()) return;
    auto value = at + sizeof(name);
    if (*value != 0) return;
    *value = 1;
    changed = true;
  });
  ASSERT_TRUE(changed);
  result::BootFacts b = BoundBootFacts(TpmLog(forged));
  EXPECT_FALSE(b.secure_boot);
}

}  // namespace
}  // namespace ccv::pipeline
