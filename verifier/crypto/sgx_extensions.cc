#include "verifier/crypto/sgx_extensions.h"

#include <cstring>
#include <memory>
#include <string_view>

#include <openssl/asn1.h>
#include <openssl/objects.h>

#include "verifier/crypto/internal/openssl_ptr.h"

namespace ccv::crypto {

namespace {

internal::AsnSequencePtr DecodeSeq(const unsigned char* p, long len) {
  const unsigned char* q = p;
  internal::AsnSequencePtr seq(d2i_ASN1_SEQUENCE_ANY(nullptr, &q, len));
  if (seq && q != p + len) return nullptr;
  return seq;
}

internal::AsnSequencePtr DecodeSeq(const ASN1_TYPE* t) {
  if (t == nullptr || t->type != V_ASN1_SEQUENCE) return nullptr;
  return DecodeSeq(t->value.sequence->data, t->value.sequence->length);
}

std::string OidText(const ASN1_TYPE* t) {
  if (t == nullptr || t->type != V_ASN1_OBJECT) return "";
  char buf[128];
  int n = OBJ_obj2txt(buf, sizeof(buf), t->value.object, 1);
  return n > 0 && n < int(sizeof(buf)) ? std::string(buf, size_t(n)) : "";
}

bool ReadInteger(const ASN1_TYPE* t, int type, int64_t* out) {
  if (t == nullptr || t->type != type) return false;
  if (type == V_ASN1_ENUMERATED) return ASN1_ENUMERATED_get_int64(out, t->value.enumerated) == 1;
  return ASN1_INTEGER_get_int64(out, t->value.integer) == 1;
}

template <size_t N>
bool ReadOctets(const ASN1_TYPE* t, std::array<uint8_t, N>* out) {
  if (t == nullptr || t->type != V_ASN1_OCTET_STRING || t->value.octet_string->length != int(N)) {
    return false;
  }
  std::memcpy(out->data(), t->value.octet_string->data, N);
  return true;
}

Status Bad(const std::string& what) {
  return Status(ErrorCode::kBadValue, "PCK certificate SGX extension: " + what);
}

constexpr std::string_view kBase = "1.2.840.113741.1.13.1";

Status ParseTcb(const ASN1_TYPE* value, SgxExtensions* ext) {
  internal::AsnSequencePtr tcb = DecodeSeq(value);
  if (!tcb) return Bad("TCB (.2) is not a SEQUENCE");
  uint32_t seen = 0;
  for (int i = 0; i < sk_ASN1_TYPE_num(tcb.get()); ++i) {
    internal::AsnSequencePtr item = DecodeSeq(sk_ASN1_TYPE_value(tcb.get(), i));
    if (!item || sk_ASN1_TYPE_num(item.get()) != 2) return Bad("TCB entry is not {OID, value}");
    std::string oid = OidText(sk_ASN1_TYPE_value(item.get(), 0));
    std::string prefix = std::string(kBase) + ".2.";
    if (oid.compare(0, prefix.size(), prefix) != 0) return Bad("TCB entry OID " + oid);
    int n = std::atoi(oid.c_str() + prefix.size());
    const ASN1_TYPE* v = sk_ASN1_TYPE_value(item.get(), 1);
    if (n >= 1 && n <= 16) {
      int64_t svn = 0;
      if (!ReadInteger(v, V_ASN1_INTEGER, &svn) || svn < 0 || svn > 255) {
        return Bad("TCB component " + oid + " is not an INTEGER 0..255");
      }
      ext->cpu_svn_components[size_t(n - 1)] = uint8_t(svn);
    } else if (n == 17) {
      int64_t svn = 0;
      if (!ReadInteger(v, V_ASN1_INTEGER, &svn) || svn < 0 || svn > 65535) {
        return Bad("PCESVN (.2.17) is not an INTEGER 0..65535");
      }
      ext->pce_svn = uint16_t(svn);
    } else if (n == 18) {
      if (!ReadOctets(v, &ext->cpu_svn)) return Bad("CPUSVN (.2.18) is not 16 octets");
    } else {
      continue;
    }
    seen |= 1u << n;
  }
  if ((seen & 0x7fffeu) != 0x7fffeu) return Bad("TCB lacks some of .2.1 ... .2.18");
  return Status::Ok();
}

}  // namespace

Result<SgxExtensions> ParseSgxExtensions(const Certificate& cert) {
  CCV_ASSIGN_OR_RETURN(std::string der, cert.ExtensionValue(kSgxExtensionsOid));
  internal::AsnSequencePtr top =
      DecodeSeq(reinterpret_cast<const unsigned char*>(der.data()), long(der.size()));
  if (!top) return Bad("not a SEQUENCE");
  SgxExtensions ext;
  bool have_ppid = false, have_tcb = false, have_pceid = false, have_fmspc = false,
       have_type = false;
  for (int i = 0; i < sk_ASN1_TYPE_num(top.get()); ++i) {
    internal::AsnSequencePtr item = DecodeSeq(sk_ASN1_TYPE_value(top.get(), i));
    if (!item || sk_ASN1_TYPE_num(item.get()) != 2) return Bad("entry is not {OID, value}");
    std::string oid = OidText(sk_ASN1_TYPE_value(item.get(), 0));
    const ASN1_TYPE* v = sk_ASN1_TYPE_value(item.get(), 1);
    std::string prefix = std::string(kBase) + ".";
    if (oid.compare(0, prefix.size(), prefix) != 0) return Bad("entry OID " + oid);
    std::string sub = oid.substr(prefix.size());
    if (sub == "1") {
      if (!ReadOctets(v, &ext.ppid)) return Bad("PPID (.1) is not 16 octets");
      have_ppid = true;
    } else if (sub == "2") {
      CCV_RETURN_IF_ERROR(ParseTcb(v, &ext));
      have_tcb = true;
    } else if (sub == "3") {
      if (!ReadOctets(v, &ext.pce_id)) return Bad("PCE-ID (.3) is not 2 octets");
      have_pceid = true;
    } else if (sub == "4") {
      if (!ReadOctets(v, &ext.fmspc)) return Bad("FMSPC (.4) is not 6 octets");
      have_fmspc = true;
    } else if (sub == "5") {
      int64_t type = 0;
      if (!ReadInteger(v, V_ASN1_ENUMERATED, &type)) return Bad("SGX Type (.5) is not ENUMERATED");
      ext.sgx_type = int(type);
      have_type = true;
    } else if (sub == "6") {
      std::array<uint8_t, 16> id{};
      if (!ReadOctets(v, &id)) return Bad("PlatformInstanceID (.6) is not 16 octets");
      ext.platform_instance_id = id;
    }
  }
  if (!have_ppid) return Bad("no PPID (.1)");
  if (!have_tcb) return Bad("no TCB (.2)");
  if (!have_pceid) return Bad("no PCE-ID (.3)");
  if (!have_fmspc) return Bad("no FMSPC (.4)");
  if (!have_type) return Bad("no SGX Type (.5)");
  return ext;
}

namespace {

// Minimal DER writer for the test PKI's extension value.
void PutLen(std::string* out, size_t len) {
  if (len < 128) {
    out->push_back(char(len));
  } else if (len < 256) {
    out->push_back(char(0x81));
    out->push_back(char(len));
  } else {
    out->push_back(char(0x82));
    out->push_back(char(len >> 8));
    out->push_back(char(len & 0xff));
  }
}
std::string Tlv(uint8_t tag, const std::string& body) {
  std::string out(1, char(tag));
  PutLen(&out, body.size());
  return out + body;
}
std::string Oid(const std::string& dotted) {
  const internal::AsnObjectPtr obj(OBJ_txt2obj(dotted.c_str(), 1));
  const int len = i2d_ASN1_OBJECT(obj.get(), nullptr);
  std::string out(size_t(len), '\0');
  unsigned char* p = reinterpret_cast<unsigned char*>(out.data());
  i2d_ASN1_OBJECT(obj.get(), &p);
  return out;
}
std::string Int(uint8_t tag, int64_t v) {
  std::string body;
  do {
    body.insert(body.begin(), char(v & 0xff));
    v >>= 8;
  } while (v != 0);
  if (uint8_t(body[0]) & 0x80) body.insert(body.begin(), '\0');
  return Tlv(tag, body);
}
std::string Octets(const uint8_t* p, size_t n) {
  return Tlv(0x04, std::string(reinterpret_cast<const char*>(p), n));
}
std::string Pair(const std::string& oid, const std::string& value) {
  return Tlv(0x30, Oid(oid) + value);
}

}  // namespace

std::string EncodeSgxExtensions(const SgxExtensions& ext) {
  const std::string base(kBase);
  std::string tcb;
  for (int i = 0; i < 16; ++i) {
    tcb += Pair(base + ".2." + std::to_string(i + 1), Int(0x02, ext.cpu_svn_components[size_t(i)]));
  }
  tcb += Pair(base + ".2.17", Int(0x02, ext.pce_svn));
  tcb += Pair(base + ".2.18", Octets(ext.cpu_svn.data(), 16));
  std::string body = Pair(base + ".1", Octets(ext.ppid.data(), 16)) +
                     Pair(base + ".2", Tlv(0x30, tcb)) +
                     Pair(base + ".3", Octets(ext.pce_id.data(), 2)) +
                     Pair(base + ".4", Octets(ext.fmspc.data(), 6)) +
                     Pair(base + ".5", Int(0x0a, ext.sgx_type < 0 ? 0 : ext.sgx_type));
  if (ext.platform_instance_id) {
    body += Pair(base + ".6", Octets(ext.platform_instance_id->data(), 16));
  }
  return Tlv(0x30, body);
}

}  // namespace ccv::crypto
