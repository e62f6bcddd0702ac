#include "parsers/tdx_quote.h"

#include <string>

namespace ccv::parsers {

namespace qf = quote_format;

std::string_view BodyTypeName(uint16_t body_type) {
  switch (body_type) {
    case qf::kBodyTypeSgxReport:
      return "SGX enclave report";
    case qf::kBodyTypeTdReport10:
      return "TD report 1.0";
    case qf::kBodyTypeTdReport15:
      return "TD report 1.5";
    default:
      return "unknown";
  }
}

std::string_view CertDataTypeName(uint16_t type) {
  switch (type) {
    case qf::kCertDataPpidCleartext:
      return "PPID in clear";
    case qf::kCertDataPpidRsa2048:
      return "PPID encrypted with RSA-2048";
    case qf::kCertDataPpidRsa3072:
      return "PPID encrypted with RSA-3072";
    case qf::kCertDataPckLeaf:
      return "PCK leaf certificate";
    case qf::kCertDataPckCertChain:
      return "PEM PCK certificate chain";
    case qf::kCertDataQeReport:
      return "QE report certification data";
    default:
      return "unknown";
  }
}

std::string_view TeeTypeName(uint32_t tee_type) {
  switch (tee_type) {
    case qf::kTeeTypeSgx:
      return "SGX";
    case qf::kTeeTypeTdx:
      return "TDX";
    default:
      return "unknown";
  }
}

Result<SgxReportBody> ReadSgxReportBody(ByteReader* r) {
  SgxReportBody b;
  // The signed bytes as a whole (a copy of the reader does not advance it),
  // then field by field.
  ByteReader whole = *r;
  CCV_RETURN_IF_ERROR(whole.ReadInto(b.raw, "sgx_report"));
  CCV_RETURN_IF_ERROR(r->ReadInto(b.cpu_svn, "cpu_svn"));
  CCV_RETURN_IF_ERROR(r->ReadInto(b.misc_select, "misc_select"));
  CCV_RETURN_IF_ERROR(r->Skip(qf::kSgxReserved1Len, "reserved1"));
  CCV_RETURN_IF_ERROR(r->ReadInto(b.attributes, "attributes"));
  CCV_RETURN_IF_ERROR(r->ReadInto(b.mr_enclave, "mr_enclave"));
  CCV_RETURN_IF_ERROR(r->Skip(qf::kSgxReserved2Len, "reserved2"));
  CCV_RETURN_IF_ERROR(r->ReadInto(b.mr_signer, "mr_signer"));
  CCV_RETURN_IF_ERROR(r->Skip(qf::kSgxReserved3Len, "reserved3"));
  CCV_ASSIGN_OR_RETURN(b.isv_prod_id, r->ReadU16Le("isv_prod_id"));
  CCV_ASSIGN_OR_RETURN(b.isv_svn, r->ReadU16Le("isv_svn"));
  CCV_RETURN_IF_ERROR(r->Skip(qf::kSgxReserved4Len, "reserved4"));
  CCV_RETURN_IF_ERROR(r->ReadInto(b.report_data, "report_data"));
  return b;
}

namespace {

Status ReadHeader(ByteReader* r, QuoteHeader* h) {
  CCV_ASSIGN_OR_RETURN(h->version, r->ReadU16Le("version"));
  if (h->version < qf::kQuoteVersion3 || h->version > qf::kQuoteVersion5) {
    return ParseError(ErrorCode::kUnsupportedVersion, 0, "version",
                      "quote version " + std::to_string(h->version) + " (expected 3, 4 or 5)");
  }
  CCV_ASSIGN_OR_RETURN(h->att_key_type, r->ReadU16Le("att_key_type"));
  if (h->att_key_type != qf::kAttKeyTypeEcdsaP256) {
    return ParseError(ErrorCode::kUnsupported, 2, "att_key_type",
                      "attestation key type " + std::to_string(h->att_key_type) +
                          " (only 2 = ECDSA-256-with-P-256 is supported)");
  }
  CCV_ASSIGN_OR_RETURN(h->tee_type, r->ReadU32Le("tee_type"));
  if (h->tee_type != qf::kTeeTypeSgx && h->tee_type != qf::kTeeTypeTdx) {
    return ParseError(ErrorCode::kUnsupported, 4, "tee_type",
                      "TEE type " + std::to_string(h->tee_type) + " (expected 0 SGX or 0x81 TDX)");
  }
  if (h->version == qf::kQuoteVersion3 && h->tee_type != qf::kTeeTypeSgx) {
    return ParseError(ErrorCode::kBadValue, 4, "tee_type", "quote v3 is SGX only");
  }
  CCV_ASSIGN_OR_RETURN(h->qe_svn, r->ReadU16Le("qe_svn"));
  CCV_ASSIGN_OR_RETURN(h->pce_svn, r->ReadU16Le("pce_svn"));
  CCV_RETURN_IF_ERROR(r->ReadInto(h->qe_vendor_id, "qe_vendor_id"));
  CCV_RETURN_IF_ERROR(r->ReadInto(h->user_data, "user_data"));
  return Status::Ok();
}

// Size of a type 1-3 payload (PPID, CPUSVN, PCE SVN, PCEID); 0 for others.
size_t PckIdentifierLen(uint16_t type) {
  switch (type) {
    case qf::kCertDataPpidCleartext:
      return qf::kPpidLen + qf::kPckIdTailLen;
    case qf::kCertDataPpidRsa2048:
      return qf::kPpidRsa2048Len + qf::kPckIdTailLen;
    case qf::kCertDataPpidRsa3072:
      return qf::kPpidRsa3072Len + qf::kPckIdTailLen;
    default:
      return 0;
  }
}

// QE report, its signature, QE authentication data and the inner
// certification data (types 1-5). Used for the type 6 payload (v4/v5) and for the
// v3 signature data directly.
Status ReadQeReportPart(ByteReader* r, QuoteSignatureData* s) {
  CCV_ASSIGN_OR_RETURN(s->qe_report, ReadSgxReportBody(r));
  CCV_RETURN_IF_ERROR(r->ReadInto(s->qe_report_signature, "qe_report_signature"));
  uint64_t auth_size_offset = r->Offset();
  CCV_ASSIGN_OR_RETURN(uint16_t auth_len, r->ReadU16Le("qe_auth_data.size"));
  if (auth_len > qf::kMaxQeAuthDataLen) {
    return ParseError(ErrorCode::kLimitExceeded, auth_size_offset, "qe_auth_data.size",
                      "QE authentication data of " + std::to_string(auth_len) + " bytes");
  }
  CCV_ASSIGN_OR_RETURN(Bytes auth, r->ReadBytes(auth_len, "qe_auth_data"));
  s->qe_auth_data.assign(auth.begin(), auth.end());
  uint64_t type_offset = r->Offset();
  CCV_ASSIGN_OR_RETURN(s->cert_data_type, r->ReadU16Le("certification_data.type"));
  uint64_t size_offset = r->Offset();
  CCV_ASSIGN_OR_RETURN(uint32_t cert_len, r->ReadU32Le("certification_data.size"));
  if (s->cert_data_type < qf::kCertDataPpidCleartext ||
      s->cert_data_type > qf::kCertDataPckCertChain) {
    return ParseError(ErrorCode::kUnsupported, type_offset, "certification_data.type",
                      "certification data type " + std::to_string(s->cert_data_type) +
                          " (expected 1-3 PCK identifier, 4 PCK leaf certificate or 5 PEM PCK "
                          "certificate chain)");
  }
  if (cert_len > r->Remaining() || cert_len > qf::kMaxCertDataLen) {
    return ParseError(ErrorCode::kBadLength, size_offset, "certification_data.size",
                      "declares " + std::to_string(cert_len) + " bytes, " +
                          std::to_string(r->Remaining()) + " remain");
  }
  size_t want = PckIdentifierLen(s->cert_data_type);
  if (want != 0 && cert_len != want) {
    return ParseError(ErrorCode::kBadLength, size_offset, "certification_data.size",
                      "type " + std::to_string(s->cert_data_type) + " (" +
                          std::string(CertDataTypeName(s->cert_data_type)) + ") is " +
                          std::to_string(want) + " bytes, declares " + std::to_string(cert_len));
  }
  s->cert_data_offset = uint32_t(r->Offset());
  CCV_ASSIGN_OR_RETURN(Bytes cert, r->ReadBytes(cert_len, "certification_data"));
  s->cert_data.assign(cert.begin(), cert.end());
  return Status::Ok();
}

Status ReadSignatureData(ByteReader* r, uint16_t version, QuoteSignatureData* s) {
  CCV_RETURN_IF_ERROR(r->ReadInto(s->signature, "quote_signature"));
  CCV_RETURN_IF_ERROR(r->ReadInto(s->attestation_key, "attestation_key"));
  if (version == qf::kQuoteVersion3) {
    s->outer_cert_data_type.reset();
    return ReadQeReportPart(r, s);
  }
  uint64_t type_offset = r->Offset();
  CCV_ASSIGN_OR_RETURN(uint16_t outer_type, r->ReadU16Le("certification_data.type"));
  s->outer_cert_data_type = outer_type;
  uint64_t size_offset = r->Offset();
  CCV_ASSIGN_OR_RETURN(s->outer_cert_data_len, r->ReadU32Le("certification_data.size"));
  if (outer_type != qf::kCertDataQeReport) {
    return ParseError(ErrorCode::kUnsupported, type_offset, "certification_data.type",
                      "certification data type " + std::to_string(outer_type) +
                          " (quote v4/v5 need 6 = QE report certification data)");
  }
  if (s->outer_cert_data_len > r->Remaining()) {
    return ParseError(ErrorCode::kBadLength, size_offset, "certification_data.size",
                      "declares " + std::to_string(s->outer_cert_data_len) + " bytes, " +
                          std::to_string(r->Remaining()) + " remain");
  }
  CCV_ASSIGN_OR_RETURN(ByteReader inner,
                       r->ReadSub(s->outer_cert_data_len, "qe_report_certification_data"));
  CCV_RETURN_IF_ERROR(ReadQeReportPart(&inner, s));
  return inner.ExpectEmpty("qe_report_certification_data");
}

}  // namespace

bool LooksLikeQuote(Bytes data) {
  if (data.size() < qf::kHeaderLen) return false;
  ByteReader r(data);
  Result<uint16_t> version = r.ReadU16Le("version");
  Result<uint16_t> key_type = r.ReadU16Le("att_key_type");
  Result<uint32_t> tee = r.ReadU32Le("tee_type");
  return version.ok() && key_type.ok() && tee.ok() && *version >= qf::kQuoteVersion3 &&
         *version <= qf::kQuoteVersion5 && *key_type == qf::kAttKeyTypeEcdsaP256 &&
         (*tee == qf::kTeeTypeSgx || *tee == qf::kTeeTypeTdx);
}

Result<Quote> ParseQuote(Bytes data) {
  ByteReader r(data);
  Quote q;
  q.quote_size = data.size();
  CCV_RETURN_IF_ERROR(ReadHeader(&r, &q.header));
  bool tdx = q.header.tee_type == qf::kTeeTypeTdx;
  if (q.header.version == qf::kQuoteVersion5) {
    uint64_t type_offset = r.Offset();
    CCV_ASSIGN_OR_RETURN(q.body_type, r.ReadU16Le("body_type"));
    uint64_t size_offset = r.Offset();
    CCV_ASSIGN_OR_RETURN(q.body_size, r.ReadU32Le("body_size"));
    uint32_t want = 0;
    switch (q.body_type) {
      case qf::kBodyTypeSgxReport:
        want = qf::kSgxReportLen;
        break;
      case qf::kBodyTypeTdReport10:
        want = qf::kTdReport10Len;
        break;
      case qf::kBodyTypeTdReport15:
        want = qf::kTdReport15Len;
        break;
      default:
        return ParseError(ErrorCode::kUnsupported, type_offset, "body_type",
                          "body type " + std::to_string(q.body_type) + " (expected 1, 2 or 3)");
    }
    if ((q.body_type == qf::kBodyTypeSgxReport) == tdx) {
      return ParseError(ErrorCode::kBadValue, type_offset, "body_type",
                        "body type " + std::to_string(q.body_type) + " does not match TEE type " +
                            std::string(TeeTypeName(q.header.tee_type)));
    }
    if (q.body_size != want) {
      return ParseError(ErrorCode::kBadLength, size_offset, "body_size",
                        "body type " + std::to_string(q.body_type) + " is " + std::to_string(want) +
                            " bytes, body_size says " + std::to_string(q.body_size));
    }
  } else {
    q.body_type = tdx ? qf::kBodyTypeTdReport10 : qf::kBodyTypeSgxReport;
    q.body_size = tdx ? qf::kTdReport10Len : qf::kSgxReportLen;
  }
  q.body_offset = static_cast<uint32_t>(r.Offset());
  CCV_ASSIGN_OR_RETURN(ByteReader body, r.ReadSub(q.body_size, "body"));
  if (tdx) {
    CCV_ASSIGN_OR_RETURN(q.td_body,
                         ReadTdReportBody(&body, q.body_type == qf::kBodyTypeTdReport15));
  } else {
    CCV_ASSIGN_OR_RETURN(q.sgx_body, ReadSgxReportBody(&body));
  }
  q.signed_len = static_cast<uint32_t>(r.Offset());
  q.signature_data_offset = q.signed_len;
  CCV_ASSIGN_OR_RETURN(q.signature_data_len, r.ReadU32Le("signature_data_len"));
  if (q.signature_data_len > r.Remaining()) {
    return ParseError(ErrorCode::kBadLength, q.signature_data_offset, "signature_data_len",
                      "declares " + std::to_string(q.signature_data_len) + " bytes, " +
                          std::to_string(r.Remaining()) + " remain");
  }
  CCV_ASSIGN_OR_RETURN(ByteReader sig, r.ReadSub(q.signature_data_len, "signature_data"));
  CCV_RETURN_IF_ERROR(ReadSignatureData(&sig, q.header.version, &q.signature_data));
  CCV_RETURN_IF_ERROR(sig.ExpectEmpty("signature_data"));
  q.trailing_len = r.Remaining();
  return q;
}

std::optional<PckIdentifier> ReadPckIdentifier(const QuoteSignatureData& s) {
  size_t len = PckIdentifierLen(s.cert_data_type);
  if (len == 0 || s.cert_data.size() != len) return std::nullopt;
  ByteReader r(Bytes(s.cert_data), s.cert_data_offset);
  PckIdentifier id;
  auto ppid = r.ReadBytes(len - qf::kPckIdTailLen, "ppid");
  if (!ppid.ok() || !r.ReadInto(id.cpu_svn, "cpu_svn").ok()) return std::nullopt;
  auto pce_svn = r.ReadU16Le("pce_svn");
  auto pce_id = r.ReadU16Le("pce_id");
  if (!pce_svn.ok() || !pce_id.ok()) return std::nullopt;
  id.ppid.assign(ppid->begin(), ppid->end());
  id.pce_svn = *pce_svn;
  id.pce_id = *pce_id;
  return id;
}

}  // namespace ccv::parsers
