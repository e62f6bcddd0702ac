#include "tests/testing/quote_pki.h"

#include <cstring>
#include <filesystem>
#include <memory>

#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "verifier/crypto/digest.h"

namespace ccv::testing {

namespace {

using crypto::Certificate;
using crypto::PrivateKey;

PrivateKey SeededKey(uint8_t seed, uint8_t role) {
  std::array<uint8_t, 32> d{};
  d[0] = 0x11;
  d[30] = seed;
  d[31] = role;
  auto k = PrivateKey::FromP256Scalar(d);
  return std::move(*k);
}

X509_NAME* MakeName(const std::string& cn) {
  X509_NAME* n = X509_NAME_new();
  X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("ccverify test PKI"), -1, -1,
                             0);
  return n;
}

void AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext != nullptr) {
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
}

Certificate MakeCert(const std::string& cn, const PrivateKey& key, const std::string& issuer_cn,
                     X509* issuer, const PrivateKey& issuer_key, const Validity& v, long serial,
                     bool ca, const std::string* sgx_ext_der, const std::string& crl_url = "") {
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
  X509_NAME* subject = MakeName(cn);
  X509_NAME* iname = MakeName(issuer_cn);
  X509_set_subject_name(x, subject);
  X509_set_issuer_name(x, iname);
  X509_NAME_free(subject);
  X509_NAME_free(iname);
  ASN1_TIME_set(X509_getm_notBefore(x), time_t(v.not_before));
  ASN1_TIME_set(X509_getm_notAfter(x), time_t(v.not_after));
  X509_set_pubkey(x, key.get());
  X509* iss = issuer != nullptr ? issuer : x;
  AddExt(x, iss, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  AddExt(x, iss, NID_key_usage,
         ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation");
  AddExt(x, iss, NID_subject_key_identifier, "hash");
  if (!crl_url.empty()) {
    AddExt(x, iss, NID_crl_distribution_points, ("URI:" + crl_url).c_str());
  }
  if (sgx_ext_der != nullptr) {
    ASN1_OBJECT* obj = OBJ_txt2obj(crypto::kSgxExtensionsOid, 1);
    ASN1_OCTET_STRING* os = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(os, reinterpret_cast<const unsigned char*>(sgx_ext_der->data()),
                          int(sgx_ext_der->size()));
    X509_EXTENSION* ext = X509_EXTENSION_create_by_OBJ(nullptr, obj, 0, os);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(os);
    ASN1_OBJECT_free(obj);
  }
  X509_sign(x, issuer_key.get(), EVP_sha256());
  return Certificate(x);
}

std::vector<uint8_t> MakeCrl(const Certificate& issuer, const PrivateKey& key, int64_t this_update,
                             int64_t next_update, const std::vector<const Certificate*>& revoked) {
  X509_CRL* crl = X509_CRL_new();
  X509_CRL_set_version(crl, 1);
  X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer.get()));
  ASN1_TIME* t = ASN1_TIME_new();
  ASN1_TIME_set(t, time_t(this_update));
  X509_CRL_set1_lastUpdate(crl, t);
  ASN1_TIME_set(t, time_t(next_update));
  X509_CRL_set1_nextUpdate(crl, t);
  ASN1_TIME_set(t, time_t(this_update));
  for (const Certificate* c : revoked) {
    X509_REVOKED* r = X509_REVOKED_new();
    X509_REVOKED_set_serialNumber(r, const_cast<ASN1_INTEGER*>(X509_get0_serialNumber(c->get())));
    X509_REVOKED_set_revocationDate(r, t);
    X509_CRL_add0_revoked(crl, r);
  }
  ASN1_TIME_free(t);
  X509_CRL_sort(crl);
  X509_CRL_sign(crl, key.get(), EVP_sha256());
  crypto::Crl wrapped(crl);
  std::string der = wrapped.Der();
  return std::vector<uint8_t>(der.begin(), der.end());
}

std::string Hex(std::span<const uint8_t> b) {
  std::string s = ToHex(b);
  for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, const char* k, const std::string& v) {
  w.Key(k);
  w.String(v.c_str());
}
void Date(Writer& w, const char* k, int64_t t) { Str(w, k, crypto::FormatRfc3339(t)); }
void Advisories(Writer& w, const std::vector<std::string>& ids) {
  if (ids.empty()) return;
  w.Key("advisoryIDs");
  w.StartArray();
  for (const std::string& a : ids) w.String(a.c_str());
  w.EndArray();
}
// "tcbLevels": [{"tcb": {the members `tcb(level)` writes}, "tcbDate",
// "tcbStatus", "advisoryIDs"}, ...]
template <typename Level, typename Tcb>
void TcbLevels(Writer& w, const std::vector<Level>& levels, Tcb&& tcb) {
  w.Key("tcbLevels");
  w.StartArray();
  for (const Level& l : levels) {
    w.StartObject();
    w.Key("tcb");
    w.StartObject();
    tcb(l);
    w.EndObject();
    Str(w, "tcbDate", l.tcb_date);
    Str(w, "tcbStatus", l.tcb_status);
    Advisories(w, l.advisory_ids);
    w.EndObject();
  }
  w.EndArray();
}
void IsvLevels(Writer& w, const std::vector<quote::ModuleTcbLevel>& levels) {
  TcbLevels(w, levels, [&w](const quote::ModuleTcbLevel& l) {
    w.Key("isvsvn");
    w.Uint(l.isv_svn);
  });
}
void Module(Writer& w, const quote::TdxModuleIdentity& m, bool with_levels) {
  w.StartObject();
  if (with_levels) Str(w, "id", m.id);
  Str(w, "mrsigner", Hex(m.mr_signer));
  Str(w, "attributes", Hex(m.attributes));
  Str(w, "attributesMask", Hex(m.attributes_mask));
  if (with_levels) IsvLevels(w, m.tcb_levels);
  w.EndObject();
}
void Components(Writer& w, const char* k, const std::array<uint8_t, 16>& c) {
  w.Key(k);
  w.StartArray();
  for (uint8_t v : c) {
    w.StartObject();
    w.Key("svn");
    w.Uint(v);
    w.EndObject();
  }
  w.EndArray();
}

std::array<uint8_t, 16> Comps(std::initializer_list<uint8_t> v) {
  std::array<uint8_t, 16> a{};
  std::copy(v.begin(), v.end(), a.begin());
  return a;
}

const std::array<uint8_t, 32> kQeMrSigner = {
    0xdc, 0x9e, 0x2a, 0x7c, 0x6f, 0x94, 0x8f, 0x17, 0x47, 0x4e, 0x34, 0xa7, 0xfc, 0x43, 0xed, 0x03,
    0x0f, 0x7c, 0x15, 0x63, 0xf1, 0xba, 0xbd, 0xdf, 0x63, 0x40, 0xc8, 0x2e, 0x0e, 0x54, 0xa8, 0xc5};

}  // namespace

crypto::SgxExtensions PkiOptions::DefaultPckExtensions() {
  crypto::SgxExtensions e;
  e.ppid.fill(0x5a);
  e.cpu_svn_components = Comps({2, 2, 2, 2, 3, 1, 0, 5});
  e.cpu_svn = e.cpu_svn_components;
  e.pce_svn = 11;
  e.pce_id = {0, 0};
  e.fmspc = {0x00, 0x90, 0x6e, 0xd5, 0x00, 0x00};
  e.sgx_type = 1;
  return e;
}

Result<TestPki> TestPki::Create(const PkiOptions& o) { return CreateWithRootCrlUrl(o, ""); }

Result<TestPki> TestPki::CreateWithRootCrlUrl(const PkiOptions& o,
                                              const std::string& root_crl_url) {
  TestPki p;
  p.root_key_ = SeededKey(o.key_seed, 1);
  p.pck_ca_key_ = SeededKey(o.key_seed, 2);
  p.pck_leaf_key_ =
      o.pck_leaf_key_seed != 0 ? SeededKey(o.pck_leaf_key_seed, 5) : SeededKey(o.key_seed, 3);
  p.tcb_signer_key_ = SeededKey(o.key_seed, 4);
  const std::string root_cn = "ccverify Test SGX Root CA";
  const std::string ca_cn =
      o.processor_ca ? "ccverify Test SGX PCK Processor CA" : "ccverify Test SGX PCK Platform CA";
  p.root_ = MakeCert(root_cn, p.root_key_, root_cn, nullptr, p.root_key_, o.root, 1, true, nullptr,
                     root_crl_url);
  p.pck_ca_ = MakeCert(ca_cn, p.pck_ca_key_, root_cn, p.root_.get(), p.root_key_, o.pck_ca, 2, true,
                       nullptr);
  std::string ext = crypto::EncodeSgxExtensions(o.pck_ext);
  p.pck_leaf_ =
      MakeCert("ccverify Test SGX PCK Certificate", p.pck_leaf_key_, ca_cn, p.pck_ca_.get(),
               p.pck_ca_key_, o.pck_leaf, 0x1234 + o.pck_leaf_key_seed, false, &ext);
  p.tcb_signer_ = MakeCert("ccverify Test SGX TCB Signing", p.tcb_signer_key_, root_cn,
                           p.root_.get(), p.root_key_, o.tcb_signer, 3, false, nullptr);
  std::vector<const Certificate*> root_revoked, pck_revoked;
  if (o.revoke_pck_ca) root_revoked.push_back(&p.pck_ca_);
  if (o.revoke_tcb_signer) root_revoked.push_back(&p.tcb_signer_);
  if (o.revoke_pck_leaf) pck_revoked.push_back(&p.pck_leaf_);
  p.root_crl_ = MakeCrl(p.root_, p.root_key_, o.crl_this_update, o.crl_next_update, root_revoked);
  p.pck_crl_ = MakeCrl(p.pck_ca_, p.pck_ca_key_, o.crl_this_update, o.crl_next_update, pck_revoked);
  return p;
}

std::vector<uint8_t> TestPki::SignTcb(const std::string& body) const {
  auto sig = tcb_signer_key_.SignP256Sha256(AsBytes(body));
  return std::vector<uint8_t>(sig->begin(), sig->end());
}

quote::TcbInfo DefaultTdxTcbInfo() {
  quote::TcbInfo t;
  t.id = "TDX";
  t.version = 3;
  t.issue_date = kPkiNow - 5 * kDay;
  t.next_update = kPkiNow + 25 * kDay;
  t.fmspc = PkiOptions::DefaultPckExtensions().fmspc;
  t.pce_id = {0, 0};
  t.tcb_type = 0;
  t.tcb_evaluation_data_number = 17;
  t.has_tdx_module = true;
  t.tdx_module.attributes_mask.fill(0xff);
  quote::TdxModuleIdentity m1;
  m1.id = "TDX_01";
  m1.attributes_mask.fill(0xff);
  m1.tcb_levels = {{3, "UpToDate", "2025-06-01T00:00:00Z", {}},
                   {1, "OutOfDate", "2024-01-01T00:00:00Z", {"INTEL-SA-00900"}}};
  quote::TdxModuleIdentity m3 = m1;
  m3.id = "TDX_03";
  m3.tcb_levels = {{3, "UpToDate", "2025-06-01T00:00:00Z", {}}};
  t.tdx_module_identities = {m3, m1};
  quote::TcbLevel up;
  up.sgx_components = Comps({2, 2, 2, 2, 3, 1, 0, 5});
  up.pce_svn = 11;
  up.has_tdx_components = true;
  up.tdx_components = Comps({3, 0, 2});
  up.tcb_status = "UpToDate";
  up.tcb_date = "2025-06-01T00:00:00Z";
  quote::TcbLevel old = up;
  old.pce_svn = 5;
  old.tcb_status = "OutOfDate";
  old.tcb_date = "2024-01-01T00:00:00Z";
  old.advisory_ids = {"INTEL-SA-00837", "INTEL-SA-00960"};
  t.tcb_levels = {up, old};
  return t;
}

quote::TcbInfo DefaultSgxTcbInfo() {
  quote::TcbInfo t = DefaultTdxTcbInfo();
  t.id = "SGX";
  t.has_tdx_module = false;
  t.tdx_module_identities.clear();
  for (auto& l : t.tcb_levels) l.has_tdx_components = false;
  return t;
}

quote::EnclaveIdentity DefaultQeIdentity(bool tdx) {
  quote::EnclaveIdentity e;
  e.id = tdx ? "TD_QE" : "QE";
  e.version = 2;
  e.issue_date = kPkiNow - 5 * kDay;
  e.next_update = kPkiNow + 25 * kDay;
  e.tcb_evaluation_data_number = 17;
  e.miscselect = {0, 0, 0, 0};
  e.miscselect_mask = {0xff, 0xff, 0xff, 0xff};
  e.attributes = {0x11};
  e.attributes_mask = {0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  e.mr_signer = kQeMrSigner;
  e.isv_prod_id = tdx ? 2 : 1;
  e.tcb_levels = {{4, "UpToDate", "2025-06-01T00:00:00Z", {}},
                  {2, "OutOfDate", "2024-01-01T00:00:00Z", {"INTEL-SA-00615"}},
                  {1, "Revoked", "2023-01-01T00:00:00Z", {}}};
  return e;
}

std::string TcbInfoToJson(const quote::TcbInfo& t) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  if (t.version >= 3) Str(w, "id", t.id);
  w.Key("version");
  w.Int(t.version);
  Date(w, "issueDate", t.issue_date);
  Date(w, "nextUpdate", t.next_update);
  Str(w, "fmspc", Hex(t.fmspc));
  Str(w, "pceId", Hex(t.pce_id));
  w.Key("tcbType");
  w.Int(t.tcb_type);
  w.Key("tcbEvaluationDataNumber");
  w.Int(t.tcb_evaluation_data_number);
  if (t.has_tdx_module) {
    w.Key("tdxModule");
    Module(w, t.tdx_module, false);
    w.Key("tdxModuleIdentities");
    w.StartArray();
    for (const auto& m : t.tdx_module_identities) Module(w, m, true);
    w.EndArray();
  }
  TcbLevels(w, t.tcb_levels, [&w, &t](const auto& l) {
    if (t.version >= 3) {
      Components(w, "sgxtcbcomponents", l.sgx_components);
      w.Key("pcesvn");
      w.Uint(l.pce_svn);
      if (l.has_tdx_components) Components(w, "tdxtcbcomponents", l.tdx_components);
    } else {
      for (int i = 0; i < 16; ++i) {
        char k[32];
        std::snprintf(k, sizeof(k), "sgxtcbcomp%02dsvn", i + 1);
        w.Key(k);
        w.Uint(l.sgx_components[size_t(i)]);
      }
      w.Key("pcesvn");
      w.Uint(l.pce_svn);
    }
  });
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string EnclaveIdentityToJson(const quote::EnclaveIdentity& e) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Str(w, "id", e.id);
  w.Key("version");
  w.Int(e.version);
  Date(w, "issueDate", e.issue_date);
  Date(w, "nextUpdate", e.next_update);
  w.Key("tcbEvaluationDataNumber");
  w.Int(e.tcb_evaluation_data_number);
  Str(w, "miscselect", Hex(e.miscselect));
  Str(w, "miscselectMask", Hex(e.miscselect_mask));
  Str(w, "attributes", Hex(e.attributes));
  Str(w, "attributesMask", Hex(e.attributes_mask));
  Str(w, "mrsigner", Hex(e.mr_signer));
  w.Key("isvprodid");
  w.Uint(e.isv_prod_id);
  IsvLevels(w, e.tcb_levels);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

quote::QuoteCollateral MakeCollateral(const TestPki& pki, const quote::TcbInfo& tcb_info,
                                      const quote::EnclaveIdentity& qe_identity) {
  quote::QuoteCollateral c;
  c.pck_crl_issuer_chain = pki.PckCrlChainPem();
  c.root_ca_crl = pki.root_crl();
  c.pck_crl = pki.pck_crl();
  c.tcb_info_issuer_chain = pki.TcbChainPem();
  c.tcb_info = TcbInfoToJson(tcb_info);
  c.tcb_info_signature = pki.SignTcb(c.tcb_info);
  c.qe_identity_issuer_chain = pki.TcbChainPem();
  c.qe_identity = EnclaveIdentityToJson(qe_identity);
  c.qe_identity_signature = pki.SignTcb(c.qe_identity);
  return c;
}

namespace {

void SetQeReport(QuoteBuilder* b, bool tdx) {
  quote::EnclaveIdentity e = DefaultQeIdentity(tdx);
  b->qe_report.fill(0);
  b->qe_report[48] = 0x11;  // attributes
  std::memcpy(b->qe_report.data() + 128, e.mr_signer.data(), 32);
  b->qe_report[256] = uint8_t(e.isv_prod_id);
  b->qe_report[258] = 4;  // isv_svn
  b->pck_chain_pem.clear();
}

}  // namespace

QuoteBuilder DefaultTdxQuote(const TestPki& pki) {
  QuoteBuilder b;
  b.version = 4;
  b.tee_type = 0x81;
  b.body = std::vector<uint8_t>(584, 0);
  b.body[0] = 3;  // TEE_TCB_SVN: module ISVSVN 3, module TDX_01, byte 2 = 2
  b.body[1] = 1;
  b.body[2] = 2;
  b.body[120 + 3] = 0x10;  // TD attributes: SEPT_VE_DISABLE
  b.body[128] = 0xe7;      // XFAM
  for (size_t i = 0; i < 48; ++i) b.body[136 + i] = uint8_t(0xa0 + i % 16);  // MRTD
  for (size_t i = 0; i < 64; ++i) b.body[520 + i] = uint8_t(i);              // REPORTDATA
  SetQeReport(&b, true);
  b.pck_chain_pem = pki.PckChainPem();
  b.pck_chain_pem.push_back('\0');
  return b;
}

QuoteBuilder DefaultSgxQuote(const TestPki& pki) {
  QuoteBuilder b;
  b.version = 3;
  b.tee_type = 0;
  b.qe_svn = 4;
  b.pce_svn = 11;
  b.body = std::vector<uint8_t>(384, 0);
  b.body[48] = 0x05;                                                   // attributes: INIT | MODE64
  for (size_t i = 0; i < 32; ++i) b.body[64 + i] = uint8_t(0x30 + i);  // MRENCLAVE
  SetQeReport(&b, false);
  b.pck_chain_pem = pki.PckChainPem();
  return b;
}

crypto::PrivateKey TestAttestationKey() { return SeededKey(0x77, 9); }

Status SignQuote(const TestPki& pki, const crypto::PrivateKey& ak, QuoteBuilder* b) {
  CCV_ASSIGN_OR_RETURN(crypto::RawP256Key pub, ak.PublicRaw());
  b->attestation_key = pub;
  crypto::Hasher h;
  h.Init(HashAlg::kSha256);
  h.Update(pub);
  h.Update(b->qe_auth_data);
  Digest d = h.Final();
  std::memcpy(b->qe_report.data() + 320, d.bytes.data(), 32);
  std::memset(b->qe_report.data() + 352, 0, 32);
  CCV_ASSIGN_OR_RETURN(b->qe_report_signature, pki.pck_leaf_key().SignP256Sha256(b->qe_report));
  std::vector<uint8_t> signed_part = b->SignedPart();
  CCV_ASSIGN_OR_RETURN(b->signature, ak.SignP256Sha256(signed_part));
  return Status::Ok();
}

Status WriteSyntheticQuoteSet(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  CCV_ASSIGN_OR_RETURN(TestPki pki, TestPki::Create());
  QuoteBuilder b = DefaultTdxQuote(pki);
  CCV_RETURN_IF_ERROR(SignQuote(pki, TestAttestationKey(), &b));
  std::vector<uint8_t> q = b.Build();
  quote::QuoteCollateral c = MakeCollateral(pki, DefaultTdxTcbInfo(), DefaultQeIdentity());
  std::string coll = quote::CollateralToJson(c);
  std::string root = pki.RootPem();
  std::string expected = "{\"at\": \"" + crypto::FormatRfc3339(kPkiNow) +
                         "\", \"tcb_status\": \"UpToDate\", \"advisory_ids\": [], "
                         "\"fmspc\": \"00906ED50000\", \"note\": \"synthetic quote signed by the "
                         "ccverify test PKI; verify with --root-ca root_ca.pem --at <at>\"}\n";
  CCV_RETURN_IF_ERROR(WriteFileBytes(dir + "/quote.bin", q.data(), q.size()));
  CCV_RETURN_IF_ERROR(WriteFileBytes(dir + "/collateral.json", coll.data(), coll.size()));
  CCV_RETURN_IF_ERROR(WriteFileBytes(dir + "/root_ca.pem", root.data(), root.size()));
  CCV_RETURN_IF_ERROR(WriteFileBytes(dir + "/expected.json", expected.data(), expected.size()));
  return Status::Ok();
}

}  // namespace ccv::testing
