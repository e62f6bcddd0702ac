// Parser tests for DCAP quotes v3/v4/v5, TD report bodies and TDREPORT:
// every real corpus quote against quotes/fields/*.json, then synthetic quotes
// corrupted field by field (ErrorCode and offset asserted).
#include "parsers/tdx_quote.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/td_report.h"
#include "tests/testing/corpus.h"
#include "tests/testing/quote_builder.h"

namespace ccv::parsers {
namespace {

rapidjson::Document LoadJson(const std::filesystem::path& p) {
  auto text = ReadFileText(p.string());
  EXPECT_TRUE(text.ok()) << p;
  rapidjson::Document d;
  d.Parse(text.ok() ? text->c_str() : "{}");
  EXPECT_FALSE(d.HasParseError()) << p;
  return d;
}

std::string Hex(const auto& a) { return ToHex(std::span<const uint8_t>(a.data(), a.size())); }

// Checks every parser-level field of one fields/*.json file.
void CheckFields(const std::filesystem::path& corpus, const rapidjson::Document& f) {
  std::string file = f["file"].GetString();
  SCOPED_TRACE(file);
  auto bytes = ReadFileBytes((corpus / file).string());
  ASSERT_TRUE(bytes.ok());
  auto q = ParseQuote(*bytes);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->quote_size, f["quote_size"].GetUint64());
  EXPECT_EQ(q->header.version, f["version"].GetUint());
  EXPECT_EQ(q->header.att_key_type, f["att_key_type"].GetUint());
  EXPECT_EQ(q->header.tee_type, f["tee_type_raw"].GetUint());
  EXPECT_EQ(TeeTypeName(q->header.tee_type), f["tee_type"].GetString());
  EXPECT_EQ(Hex(q->header.qe_vendor_id), f["qe_vendor_id"].GetString());
  EXPECT_EQ(Hex(q->header.user_data), f["user_data"].GetString());
  if (f.HasMember("qe_svn")) {
    EXPECT_EQ(q->header.qe_svn, f["qe_svn"].GetUint());
  }
  if (f.HasMember("pce_svn")) {
    EXPECT_EQ(q->header.pce_svn, f["pce_svn"].GetUint());
  }
  EXPECT_EQ(q->body_type, f["body_type_raw"].GetUint());
  EXPECT_EQ(BodyTypeName(q->body_type), f["body_type"].GetString());
  EXPECT_EQ(q->body_offset, f["body_offset"].GetUint());
  EXPECT_EQ(q->body_size, f["body_size"].GetUint());
  const QuoteSignatureData& s = q->signature_data;
  EXPECT_EQ(s.cert_data_type, f["cert_data_type"].GetUint());
  if (f.HasMember("outer_cert_data_type")) {
    ASSERT_TRUE(s.outer_cert_data_type.has_value());
    EXPECT_EQ(*s.outer_cert_data_type, f["outer_cert_data_type"].GetUint());
  } else {
    EXPECT_FALSE(s.outer_cert_data_type.has_value());
  }
  EXPECT_EQ(q->trailing_len, f["trailing_bytes_after_auth"].GetUint64());
  EXPECT_EQ(s.qe_report.isv_svn, f["qe_isvsvn"].GetUint());
  if (q->sgx_body) {
    const SgxReportBody& b = *q->sgx_body;
    EXPECT_EQ(Hex(b.cpu_svn), f["cpu_svn"].GetString());
    EXPECT_EQ(Hex(b.misc_select), f["misc_select"].GetString());
    EXPECT_EQ(Hex(b.attributes), f["attributes"].GetString());
    EXPECT_EQ(Hex(b.mr_enclave), f["mr_enclave"].GetString());
    EXPECT_EQ(Hex(b.mr_signer), f["mr_signer"].GetString());
    EXPECT_EQ(b.isv_prod_id, f["isv_prod_id"].GetUint());
    EXPECT_EQ(b.isv_svn, f["isv_svn"].GetUint());
    EXPECT_EQ(Hex(b.report_data), f["report_data"].GetString());
    EXPECT_EQ((b.attributes[0] & 0x02) != 0, f["sgx_debug_enclave"].GetBool());
    return;
  }
  ASSERT_TRUE(q->td_body.has_value());
  const TdReportBody& b = *q->td_body;
  EXPECT_EQ(Hex(b.tee_tcb_svn), f["tee_tcb_svn"].GetString());
  EXPECT_EQ(Hex(b.mr_seam), f["mr_seam"].GetString());
  EXPECT_EQ(Hex(b.mr_signer_seam), f["mr_signer_seam"].GetString());
  EXPECT_EQ(Hex(b.seam_attributes), f["seam_attributes"].GetString());
  EXPECT_EQ(Hex(b.td_attributes), f["td_attributes"].GetString());
  EXPECT_EQ(Hex(b.xfam), f["xfam"].GetString());
  EXPECT_EQ(Hex(b.mr_td), f["mrtd"].GetString());
  EXPECT_EQ(Hex(b.mr_config_id), f["mr_config_id"].GetString());
  EXPECT_EQ(Hex(b.mr_owner), f["mr_owner"].GetString());
  EXPECT_EQ(Hex(b.mr_owner_config), f["mr_owner_config"].GetString());
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(Hex(b.rtmr[i]), f[("rtmr" + std::to_string(i)).c_str()].GetString());
  }
  EXPECT_EQ(Hex(b.report_data), f["report_data"].GetString());
  EXPECT_EQ(b.is_v15, f.HasMember("tee_tcb_svn2"));
  if (b.is_v15) {
    EXPECT_EQ(Hex(b.tee_tcb_svn2), f["tee_tcb_svn2"].GetString());
    EXPECT_EQ(Hex(b.mr_servicetd), f["mr_servicetd"].GetString());
    EXPECT_EQ(!AllBytesEqual(b.mr_servicetd, 0), f["mr_servicetd_nonzero"].GetBool());
  }
  const auto& flags = f["td_attributes_flags"];
  uint64_t attr = b.TdAttributesU64();
  namespace qf = quote_format;
  EXPECT_EQ((attr & qf::kTdAttrDebug) != 0, flags["debug"].GetBool());
  EXPECT_EQ((attr & qf::kTdAttrSeptVeDisable) != 0, flags["sept_ve_disable"].GetBool());
  EXPECT_EQ((attr & qf::kTdAttrPks) != 0, flags["pks"].GetBool());
  EXPECT_EQ((attr & qf::kTdAttrKl) != 0, flags["kl"].GetBool());
  EXPECT_EQ((attr & qf::kTdAttrPerfmon) != 0, flags["perfmon"].GetBool());
}

TEST(TdxQuoteCorpusTest, EveryFieldsFileMatches) {
  CCV_REQUIRE_CORPUS(corpus);
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(corpus / "quotes" / "fields")) {
    if (e.path().extension() != ".json") continue;
    rapidjson::Document f = LoadJson(e.path());
    CheckFields(corpus, f);
    ++n;
  }
  EXPECT_EQ(n, 12);
}

TEST(TdxQuoteCorpusTest, PemChainHoldsThreeCertificates) {
  CCV_REQUIRE_CORPUS(corpus);
  auto bytes = ReadFileBytes((corpus / "quotes/dcap-qvl-tdx-v4.bin").string());
  ASSERT_TRUE(bytes.ok());
  auto q = ParseQuote(*bytes);
  ASSERT_TRUE(q.ok());
  std::string pem(q->signature_data.cert_data.begin(), q->signature_data.cert_data.end());
  size_t count = 0;
  for (size_t p = pem.find("BEGIN CERTIFICATE"); p != std::string::npos;
       p = pem.find("BEGIN CERTIFICATE", p + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 3u);
  EXPECT_EQ(q->signed_len, 48u + 584u);
  EXPECT_TRUE(LooksLikeQuote(*bytes));
}

// --- synthetic quotes ---

TEST(TdxQuoteTest, ParsesBuilderV4) {
  testing::QuoteBuilder b;
  auto raw = b.Build();
  auto q = ParseQuote(raw);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->body_type, 2);
  EXPECT_EQ(q->signed_len, 632u);
  EXPECT_EQ(q->trailing_len, 0u);
}

TEST(TdxQuoteTest, ParsesBuilderV5Td15) {
  testing::QuoteBuilder b;
  b.version = 5;
  b.body_type = 3;
  std::vector<uint8_t> body(648, 0);
  body[584] = 0x0d;  // tee_tcb_svn2[0]
  body[600] = 0xab;  // mr_servicetd[0]
  b.body = body;
  auto q = ParseQuote(b.Build());
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->body_offset, 54u);
  EXPECT_EQ(q->signed_len, 54u + 648u);
  ASSERT_TRUE(q->td_body && q->td_body->is_v15);
  EXPECT_EQ(q->td_body->tee_tcb_svn2[0], 0x0d);
  EXPECT_EQ(q->td_body->mr_servicetd[0], 0xab);
}

TEST(TdxQuoteTest, ParsesBuilderV5SgxBody) {
  testing::QuoteBuilder b;
  b.version = 5;
  b.tee_type = 0;
  b.body_type = 1;
  auto q = ParseQuote(b.Build());
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_TRUE(q->sgx_body.has_value());
}

TEST(TdxQuoteTest, ParsesBuilderV3) {
  testing::QuoteBuilder b;
  b.version = 3;
  b.tee_type = 0;
  b.qe_svn = 10;
  b.pce_svn = 15;
  auto q = ParseQuote(b.Build());
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_FALSE(q->signature_data.outer_cert_data_type.has_value());
  EXPECT_EQ(q->header.qe_svn, 10);
  EXPECT_EQ(q->header.pce_svn, 15);
}

// Certification data types 1-3 (Intel SGX ECDSA Quote Library API,
// sgx_ql_ppid_*_cert_info_t): PPID (16 clear, 256 or 384 encrypted), CPUSVN
// (16), PCE ISVSVN (u16), PCEID (u16).
std::string PckIdentifierBytes(size_t ppid_len) {
  std::string s;
  for (size_t i = 0; i < ppid_len; ++i) s.push_back(char(0xa0 + i % 16));
  for (int i = 0; i < 16; ++i) s.push_back(char(i + 1));  // CPUSVN 01..10
  s += std::string("\x0d\x00", 2);                        // PCE SVN 13
  s += std::string("\x00\x00", 2);                        // PCEID 0000
  return s;
}

TEST(TdxQuoteTest, ParsesPckIdentifierCertificationData) {
  struct Case {
    uint16_t type;
    size_t ppid_len;
  };
  for (Case c : {Case{1, 16}, Case{2, 256}, Case{3, 384}}) {
    for (uint16_t version : {uint16_t(3), uint16_t(4)}) {
      SCOPED_TRACE("type " + std::to_string(c.type) + " v" + std::to_string(version));
      testing::QuoteBuilder b;
      b.version = version;
      if (version == 3) b.tee_type = 0;
      b.cert_type = c.type;
      b.pck_chain_pem = PckIdentifierBytes(c.ppid_len);
      auto q = ParseQuote(b.Build());
      ASSERT_TRUE(q.ok()) << q.status().ToString();
      EXPECT_EQ(q->signature_data.cert_data_type, c.type);
      EXPECT_EQ(q->signature_data.cert_data.size(), c.ppid_len + 20);
      auto id = ReadPckIdentifier(q->signature_data);
      ASSERT_TRUE(id.has_value());
      EXPECT_EQ(id->ppid.size(), c.ppid_len);
      EXPECT_EQ(id->ppid[1], 0xa1);
      EXPECT_EQ(id->cpu_svn[0], 1);
      EXPECT_EQ(id->cpu_svn[15], 16);
      EXPECT_EQ(id->pce_svn, 13);
      EXPECT_EQ(id->pce_id, 0);
      // One byte more or less is a length error at the size field.
      b.pck_chain_pem.push_back('\0');
      auto longer = ParseQuote(b.Build());
      ASSERT_FALSE(longer.ok());
      EXPECT_EQ(longer.status().code(), ErrorCode::kBadLength);
      EXPECT_NE(longer.status().message().find("is " + std::to_string(c.ppid_len + 20) + " bytes"),
                std::string::npos)
          << longer.status().message();
    }
  }
}

TEST(TdxQuoteTest, ParsesPckLeafCertificationData) {
  testing::QuoteBuilder b;
  b.cert_type = 4;
  b.pck_chain_pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  auto q = ParseQuote(b.Build());
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->signature_data.cert_data_type, 4);
  EXPECT_EQ(q->signature_data.cert_data_offset, 1258u);
  EXPECT_FALSE(ReadPckIdentifier(q->signature_data).has_value());
  EXPECT_EQ(CertDataTypeName(4), "PCK leaf certificate");
}

TEST(TdxQuoteTest, TrailingBytesAreCountedNotFatal) {
  testing::QuoteBuilder b;
  b.trailing = 3065;
  auto q = ParseQuote(b.Build());
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->trailing_len, 3065u);
}

struct BadCase {
  const char* name;
  void (*mutate)(testing::QuoteBuilder*, std::vector<uint8_t>*);
  ErrorCode code;
  uint64_t offset;
};

// Offsets in a default v4 TDX quote: header 0..48, body 48..632, signature
// data length 632, signature 636, key 700, outer type 764, outer size 766,
// QE report 770, QE signature 1154, auth size 1218, auth 1220, cert type 1252,
// cert size 1254, PEM 1258.
const BadCase kBadCases[] = {
    {"Empty", [](testing::QuoteBuilder*, std::vector<uint8_t>* r) { r->clear(); },
     ErrorCode::kTruncated, 0},
    {"HeaderCut", [](testing::QuoteBuilder*, std::vector<uint8_t>* r) { r->resize(47); },
     ErrorCode::kTruncated, 28},
    {"Version2", [](testing::QuoteBuilder* b, std::vector<uint8_t>*) { b->version = 2; },
     ErrorCode::kUnsupportedVersion, 0},
    {"Version6", [](testing::QuoteBuilder* b, std::vector<uint8_t>*) { b->version = 6; },
     ErrorCode::kUnsupportedVersion, 0},
    {"KeyType3", [](testing::QuoteBuilder* b, std::vector<uint8_t>*) { b->att_key_type = 3; },
     ErrorCode::kUnsupported, 2},
    {"TeeType5", [](testing::QuoteBuilder* b, std::vector<uint8_t>*) { b->tee_type = 5; },
     ErrorCode::kUnsupported, 4},
    {"V3Tdx", [](testing::QuoteBuilder* b, std::vector<uint8_t>*) { b->version = 3; },
     ErrorCode::kBadValue, 4},
    {"BodyCut", [](testing::QuoteBuilder*, std::vector<uint8_t>* r) { r->resize(600); },
     ErrorCode::kTruncated, 48},
    {"SigLenMissing", [](testing::QuoteBuilder*, std::vector<uint8_t>* r) { r->resize(633); },
     ErrorCode::kTruncated, 632},
    {"SigLenTooLarge",
     [](testing::QuoteBuilder* b, std::vector<uint8_t>*) { b->signature_len_override = 100000; },
     ErrorCode::kBadLength, 632},
    {"SigLenTooSmall",
     [](testing::QuoteBuilder* b, std::vector<uint8_t>*) { b->signature_len_override = 100; },
     ErrorCode::kTruncated, 700},
    {"SigLenShortByOne",
     [](testing::QuoteBuilder* b, std::vector<uint8_t>*) {
       b->signature_len_override = uint32_t(b->SignatureData().size() - 1);
     },
     ErrorCode::kBadLength, 766},
    {"SigLenLongByOne",
     [](testing::QuoteBuilder* b, std::vector<uint8_t>*) {
       b->signature_len_override = uint32_t(b->SignatureData().size() + 1);
       b->trailing = 1;
     },
     ErrorCode::kBadLength, 636 + 1 + 0},  // offset replaced below
    {"OuterType5", [](testing::QuoteBuilder* b, std::vector<uint8_t>*) { b->outer_cert_type = 5; },
     ErrorCode::kUnsupported, 764},
    {"OuterLenTooLarge",
     [](testing::QuoteBuilder* b, std::vector<uint8_t>*) { b->outer_cert_len_override = 0x10000; },
     ErrorCode::kBadLength, 766},
    {"OuterLenShort",
     [](testing::QuoteBuilder* b, std::vector<uint8_t>*) { b->outer_cert_len_override = 300; },
     ErrorCode::kTruncated, 770},
    {"InnerType7", [](testing::QuoteBuilder* b, std::vector<uint8_t>*) { b->cert_type = 7; },
     ErrorCode::kUnsupported, 1252},
    {"InnerType0", [](testing::QuoteBuilder* b, std::vector<uint8_t>*) { b->cert_type = 0; },
     ErrorCode::kUnsupported, 1252},
    // A PCK identifier (type 3: 384-byte encrypted PPID, CPUSVN, PCE SVN,
    // PCEID = 404 bytes) of any other size.
    {"InnerType3WrongSize",
     [](testing::QuoteBuilder* b, std::vector<uint8_t>*) { b->cert_type = 3; },
     ErrorCode::kBadLength, 1254},
    {"InnerLenTooLarge",
     [](testing::QuoteBuilder* b, std::vector<uint8_t>*) { b->cert_len_override = 5000; },
     ErrorCode::kBadLength, 1254},
    {"AuthLenPastEnd",
     [](testing::QuoteBuilder* b, std::vector<uint8_t>*) { b->qe_auth_len_override = 4000; },
     ErrorCode::kTruncated, 1220},
    {"AuthLenOverCap",
     [](testing::QuoteBuilder* b, std::vector<uint8_t>*) { b->qe_auth_len_override = 0xffff; },
     ErrorCode::kLimitExceeded, 1218},
    {"V5BodyType4",
     [](testing::QuoteBuilder* b, std::vector<uint8_t>*) {
       b->version = 5;
       b->body_type = 4;
     },
     ErrorCode::kUnsupported, 48},
    {"V5BodyTypeSgxForTdx",
     [](testing::QuoteBuilder* b, std::vector<uint8_t>*) {
       b->version = 5;
       b->body_type = 1;
       b->body = std::vector<uint8_t>(584, 0);
     },
     ErrorCode::kBadValue, 48},
    {"V5BodySizeWrong",
     [](testing::QuoteBuilder* b, std::vector<uint8_t>*) {
       b->version = 5;
       b->body_type = 3;
       b->body = std::vector<uint8_t>(648, 0);
       b->body_size_override = 584;
     },
     ErrorCode::kBadLength, 50},
};

TEST(TdxQuoteTest, RejectsCorruptQuotes) {
  for (const BadCase& c : kBadCases) {
    SCOPED_TRACE(c.name);
    testing::QuoteBuilder b;
    std::vector<uint8_t> raw;
    c.mutate(&b, &raw);
    if (std::string(c.name) != "Empty" && std::string(c.name) != "HeaderCut" &&
        std::string(c.name) != "BodyCut" && std::string(c.name) != "SigLenMissing") {
      raw = b.Build();
    } else {
      std::vector<uint8_t> full = b.Build();
      size_t keep = raw.size();
      raw = full;
      raw.resize(keep);
    }
    auto q = ParseQuote(raw);
    ASSERT_FALSE(q.ok());
    EXPECT_EQ(q.status().code(), c.code) << q.status().ToString();
    uint64_t want = c.offset;
    if (std::string(c.name) == "SigLenLongByOne") want = 636 + b.SignatureData().size();
    ASSERT_TRUE(q.status().offset().has_value()) << q.status().ToString();
    EXPECT_EQ(*q.status().offset(), want) << q.status().ToString();
  }
}

TEST(TdxQuoteTest, LooksLikeQuoteRejectsOtherData) {
  std::vector<uint8_t> zeros(100, 0);
  EXPECT_FALSE(LooksLikeQuote(zeros));
  EXPECT_FALSE(LooksLikeQuote(std::vector<uint8_t>(10, 0)));
  testing::QuoteBuilder b;
  EXPECT_TRUE(LooksLikeQuote(b.Build()));
}

// --- TDREPORT ---

std::vector<uint8_t> SyntheticTdReport() {
  std::vector<uint8_t> r(1024, 0);
  r[0] = 0x81;
  r[2] = 1;                                              // version: TDX 1.5
  for (int i = 0; i < 64; ++i) r[128 + i] = uint8_t(i);  // report_data
  r[256 + 8] = 0x05;                                     // tee_tcb_svn[0]
  r[256 + 8 + 16] = 0xaa;                                // mr_seam[0]
  r[256 + 128] = 0x0d;                                   // tee_tcb_svn2[0]
  r[512 + 0] = 0x01;                                     // td_attributes: debug
  r[512 + 16] = 0xbb;                                    // mr_td[0]
  r[512 + 208] = 0xcc;                                   // rtmr0[0]
  r[512 + 400] = 0xdd;                                   // servtd_hash[0]
  return r;
}

TEST(TdReportTest, ParsesFields) {
  auto t = ParseTdReport(SyntheticTdReport());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->report_version, 1);
  EXPECT_EQ(t->report_data[63], 63);
  EXPECT_EQ(t->tee_tcb_svn[0], 0x05);
  EXPECT_EQ(t->mr_seam[0], 0xaa);
  EXPECT_EQ(t->tee_tcb_svn2[0], 0x0d);
  EXPECT_EQ(t->td_attributes[0], 0x01);
  EXPECT_EQ(t->mr_td[0], 0xbb);
  EXPECT_EQ(t->rtmr[0][0], 0xcc);
  EXPECT_EQ(t->servtd_hash[0], 0xdd);
  EXPECT_TRUE(LooksLikeTdReport(SyntheticTdReport()));
}

TEST(TdReportTest, RejectsWrongSize) {
  auto r = SyntheticTdReport();
  r.push_back(0);
  auto t = ParseTdReport(r);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), ErrorCode::kBadLength);
  EXPECT_EQ(t.status().offset(), 0u);
  r.resize(1000);
  EXPECT_EQ(ParseTdReport(r).status().code(), ErrorCode::kBadLength);
  EXPECT_FALSE(LooksLikeTdReport(r));
}

TEST(TdReportTest, RejectsNonTdxType) {
  auto r = SyntheticTdReport();
  r[0] = 0x00;
  auto t = ParseTdReport(r);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), ErrorCode::kBadMagic);
  EXPECT_EQ(t.status().offset(), 0u);
  EXPECT_FALSE(LooksLikeTdReport(r));
}

TEST(TdReportBodyTest, TruncatedBodyNamesField) {
  std::vector<uint8_t> body(100, 0);
  ByteReader r(body, 48);
  auto b = ReadTdReportBody(&r, false);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), ErrorCode::kTruncated);
  EXPECT_EQ(b.status().offset(), 48u + 16 + 48 + 48 - 48);  // mr_signer_seam at 112
}

}  // namespace
}  // namespace ccv::parsers

namespace ccv::parsers {
namespace {

// Every prefix of every real quote: shorter than the signature data it is
// rejected (truncated or inconsistent length) at an offset inside the
// prefix; from the end of the signature data on it parses, with the rest
// counted as trailing bytes.
TEST(TdxQuoteCorpusTest, EveryPrefixIsRejectedOrParsesWithTrailingCount) {
  CCV_REQUIRE_CORPUS(corpus);
  for (const char* file : {"quotes/dcap-qvl-sgx-v3.bin", "quotes/dcap-qvl-tdx-v4.bin",
                           "quotes/go-tdx-guest-v5.bin", "evidence/gcp-cos113/quote.bin"}) {
    SCOPED_TRACE(file);
    auto bytes = ReadFileBytes((corpus / file).string());
    ASSERT_TRUE(bytes.ok());
    auto full = ParseQuote(*bytes);
    ASSERT_TRUE(full.ok());
    size_t end = full->signature_data_offset + 4 + full->signature_data_len;
    for (size_t n = 0; n < bytes->size(); ++n) {
      auto q = ParseQuote(std::span<const uint8_t>(bytes->data(), n));
      if (n < end) {
        ASSERT_FALSE(q.ok()) << n;
        EXPECT_TRUE(q.status().code() == ErrorCode::kTruncated ||
                    q.status().code() == ErrorCode::kBadLength)
            << n << ": " << q.status().ToString();
        ASSERT_TRUE(q.status().offset().has_value()) << n;
        EXPECT_LE(*q.status().offset(), n) << n;
      } else {
        ASSERT_TRUE(q.ok()) << n;
        EXPECT_EQ(q->trailing_len, n - end);
      }
    }
  }
}

// Random corruptions of real quotes never crash and, when they parse, stay
// within bounds (sizes consistent with the input).
TEST(TdxQuoteCorpusTest, RandomCorruptionsAreHandled) {
  CCV_REQUIRE_CORPUS(corpus);
  auto bytes = ReadFileBytes((corpus / "quotes/go-tdx-guest-v5.bin").string());
  ASSERT_TRUE(bytes.ok());
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> t = *bytes;
    int flips = 1 + int(next() % 4);
    for (int f = 0; f < flips; ++f) t[next() % t.size()] = uint8_t(next());
    auto q = ParseQuote(t);
    if (q.ok()) {
      ++parsed;
      EXPECT_LE(q->signature_data_offset + 4 + q->signature_data_len + q->trailing_len, t.size());
      EXPECT_LE(q->signature_data.cert_data.size(), t.size());
    } else {
      EXPECT_NE(q.status().code(), ErrorCode::kInternal);
    }
  }
  EXPECT_GT(parsed, 0);
}

}  // namespace
}  // namespace ccv::parsers
