// `ccverify dump` decodes what a log's writer chose (DESIGN §8): a forged
// signature list or SbatLevel must never read like evidence. A record whose
// digest is not the hash of its data is marked in --brief and in JSON
// (digest_check "mismatched") although its certificates are still named;
// entries that do not decode say so instead of vanishing; a conversion to
// CEL cannot be filtered into a log that hides records.
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "tests/parsers/tcg_log_builder.h"
#include "tests/parsers/uefi_event_builder.h"
#include "tests/testing/cli.h"
#include "tests/testing/quote_pki.h"
#include "verifier/crypto/digest.h"
#include "verifier/report/log_dump.h"

namespace ccv::report {
namespace {

namespace tb = ccv::testing;
namespace p = parsers;

constexpr uint16_t kSha256Id = 0x000b;

std::string Dump(const std::vector<uint8_t>& log, const DumpOptions& o, Status* status) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  p::ChunkedSource src{Bytes(log)};
  *status = DumpTcgLog("forged.bin", p::LogFormat::kTcg2, &src, o, f);
  std::fclose(f);
  std::string out(buf, len);
  std::free(buf);
  return out;
}

// EFI_SIGNATURE_LIST of one X.509 entry holding `der`.
std::vector<uint8_t> X509List(const std::string& der) {
  static const uint8_t kX509[16] = {0xa1, 0x59, 0xc0, 0xa5, 0xe4, 0x94, 0xa7, 0x4a,
                                    0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72};
  tb::TcgLogBuilder b;
  b.Raw(kX509).U32(uint32_t(28 + 16 + der.size())).U32(0).U32(uint32_t(16 + der.size()));
  b.Raw(tb::kGlobalGuid).Str(der);
  return b.bytes();
}

// A crypto-agile SHA-256 log: the Spec ID header and one db event with
// `value`; its digest is the hash of the data unless `forge`.
std::vector<uint8_t> DbLog(const std::vector<uint8_t>& value, bool forge) {
  tb::TcgLogBuilder log;
  log.SpecIdHeader({{kSha256Id, 32}});
  std::vector<uint8_t> data = tb::Variable("db", value).bytes();
  crypto::Hasher h;
  Digest d = h.Hash(HashAlg::kSha256, data);
  std::vector<uint8_t> digest(d.span().begin(), d.span().end());
  if (forge) digest[0] ^= 1;
  log.Event2(7, p::kEvEfiVariableDriverConfig, {{kSha256Id, digest}}, data);
  return log.bytes();
}

TEST(DumpDecodeAttackTest, ASubstitutedSignatureListIsMarkedNotTrusted) {
  Result<tb::TestPki> pki = tb::TestPki::Create();
  ASSERT_TRUE(pki.ok()) << pki.status().ToString();
  std::vector<uint8_t> value = X509List(pki->root().Der());
  std::string subject = pki->root().SubjectRfc2253();
  ASSERT_FALSE(subject.empty());
  DumpOptions brief;
  brief.brief = true;
  DumpOptions json;
  json.json = true;
  for (bool forge : {false, true}) {
    Status s;
    std::string line = Dump(DbLog(value, forge), brief, &s);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_NE(line.find(subject), std::string::npos) << line;
    EXPECT_EQ(line.find("[digest mismatch]") != std::string::npos, forge) << line;
    rapidjson::Document d;
    d.Parse(Dump(DbLog(value, forge), json, &s).c_str());
    ASSERT_FALSE(d.HasParseError());
    const auto& e = d["events"][1];
    EXPECT_STREQ(e["digest_check"].GetString(), forge ? "mismatched" : "verified");
    EXPECT_STREQ(e["detail"]["signatures"][0]["subject"].GetString(), subject.c_str());
  }
}

TEST(DumpDecodeAttackTest, EntriesThatDoNotDecodeSaySo) {
  // Not a certificate in an X.509 list; a hash of the wrong size.
  std::vector<uint8_t> value = X509List("not a certificate");
  std::vector<uint8_t> hashes = tb::Sha256List(1);
  hashes[16] = 28 + 40;  // list size
  hashes[24] = 40;       // entry size: owner + 24-byte "hash"
  hashes.resize(28 + 40);
  value.insert(value.end(), hashes.begin(), hashes.end());
  DumpOptions json;
  json.json = true;
  Status s;
  rapidjson::Document d;
  d.Parse(Dump(DbLog(value, false), json, &s).c_str());
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_FALSE(d.HasParseError());
  const auto& sigs = d["events"][1]["detail"]["signatures"];
  ASSERT_EQ(sigs.Size(), 2u);
  EXPECT_STREQ(sigs[0]["type"].GetString(), "x509");
  EXPECT_TRUE(sigs[0].HasMember("error"));
  EXPECT_FALSE(sigs[0].HasMember("subject"));
  EXPECT_STREQ(sigs[1]["type"].GetString(), "sha256");
  EXPECT_STREQ(sigs[1]["error"].GetString(), "hash of 24 bytes");
}

// Text that claims to be SbatLevel in a record whose digest does not cover it.
TEST(DumpDecodeAttackTest, ForgedTextVariableIsMarked) {
  tb::TcgLogBuilder log;
  log.SpecIdHeader({{kSha256Id, 32}});
  std::string sbat = "sbat,1,2099010100\n";
  std::vector<uint8_t> data = tb::Variable("SbatLevel", {sbat.begin(), sbat.end()}).bytes();
  log.Event2(7, p::kEvEfiVariableAuthority, {{kSha256Id, std::vector<uint8_t>(32, 0xab)}}, data);
  DumpOptions brief;
  brief.brief = true;
  Status s;
  std::string out = Dump(log.bytes(), brief, &s);
  ASSERT_TRUE(s.ok());
  EXPECT_NE(out.find("[digest mismatch] SbatLevel = sbat,1,2099010100\\n"), std::string::npos)
      << out;
}

// A filtered conversion would be a CEL without the records left out.
TEST(DumpDecodeAttackTest, ConversionCannotBeFiltered) {
  CCV_REQUIRE_CORPUS(corpus);
  std::string log = tb::Quote((corpus / "ccel/ovmf-grub-secureboot.bin").string());
  EXPECT_EQ(tb::RunCcverify("dump " + log + " --to cel-tlv").code, 0);
  for (const char* f : {" --register rtmr1", " --index 0-3", " --type EV_IPL", " --brief"}) {
    tb::CliRun r = tb::RunCcverify("dump " + log + " --to cel-tlv" + f);
    EXPECT_EQ(r.code, 2) << f;
    EXPECT_TRUE(r.out.empty()) << f;
  }
}

}  // namespace
}  // namespace ccv::report
