// Test-only builder of DCAP quotes (v3, v4, v5) whose every field and length
// can be set or corrupted (in the manner of Intel QVL's QuoteV4Generator).
// Std-only: signing is done by the test PKI (quote_pki.h), which fills the
// signature fields. Not thread-safe.
#ifndef CCV_TESTS_TESTING_QUOTE_BUILDER_H_
#define CCV_TESTS_TESTING_QUOTE_BUILDER_H_

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace ccv::testing {

struct QuoteBuilder {
  uint16_t version = 4;
  uint16_t att_key_type = 2;
  uint32_t tee_type = 0x81;
  uint16_t qe_svn = 0;
  uint16_t pce_svn = 0;
  std::array<uint8_t, 16> qe_vendor_id{0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
                                       0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07};
  std::array<uint8_t, 20> user_data{};
  uint16_t body_type = 2;     // v5 descriptor; v3/v4 derive it from tee_type
  std::vector<uint8_t> body;  // empty: zero body of the right size
  std::array<uint8_t, 64> signature{};
  std::array<uint8_t, 64> attestation_key{};
  uint16_t outer_cert_type = 6;
  std::array<uint8_t, 384> qe_report{};
  std::array<uint8_t, 64> qe_report_signature{};
  std::vector<uint8_t> qe_auth_data = std::vector<uint8_t>(32, 0);
  uint16_t cert_type = 5;
  std::string pck_chain_pem = "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n";
  size_t trailing = 0;
  // Corruptions: declared lengths that differ from the real ones.
  std::optional<uint32_t> body_size_override;
  std::optional<uint32_t> signature_len_override;
  std::optional<uint32_t> outer_cert_len_override;
  std::optional<uint32_t> cert_len_override;
  std::optional<uint16_t> qe_auth_len_override;

  size_t BodyLen() const {
    if (!body.empty()) return body.size();
    if (tee_type == 0) return 384;
    return (version == 5 && body_type == 3) ? 648 : 584;
  }
  std::vector<uint8_t> Body() const {
    return body.empty() ? std::vector<uint8_t>(BodyLen(), 0) : body;
  }
  // Header (and v5 body descriptor) and body: the bytes the attestation key signs.
  std::vector<uint8_t> SignedPart() const {
    std::vector<uint8_t> out;
    Put16(&out, version);
    Put16(&out, att_key_type);
    Put32(&out, tee_type);
    Put16(&out, qe_svn);
    Put16(&out, pce_svn);
    out.insert(out.end(), qe_vendor_id.begin(), qe_vendor_id.end());
    out.insert(out.end(), user_data.begin(), user_data.end());
    std::vector<uint8_t> b = Body();
    if (version == 5) {
      Put16(&out, body_type);
      Put32(&out, body_size_override.value_or(uint32_t(b.size())));
    }
    out.insert(out.end(), b.begin(), b.end());
    return out;
  }
  // QE report || signature || auth data || inner certification data.
  std::vector<uint8_t> QeReportPart() const {
    std::vector<uint8_t> out(qe_report.begin(), qe_report.end());
    out.insert(out.end(), qe_report_signature.begin(), qe_report_signature.end());
    Put16(&out, qe_auth_len_override.value_or(uint16_t(qe_auth_data.size())));
    out.insert(out.end(), qe_auth_data.begin(), qe_auth_data.end());
    Put16(&out, cert_type);
    Put32(&out, cert_len_override.value_or(uint32_t(pck_chain_pem.size())));
    out.insert(out.end(), pck_chain_pem.begin(), pck_chain_pem.end());
    return out;
  }
  std::vector<uint8_t> SignatureData() const {
    std::vector<uint8_t> out(signature.begin(), signature.end());
    out.insert(out.end(), attestation_key.begin(), attestation_key.end());
    std::vector<uint8_t> part = QeReportPart();
    if (version != 3) {
      Put16(&out, outer_cert_type);
      Put32(&out, outer_cert_len_override.value_or(uint32_t(part.size())));
    }
    out.insert(out.end(), part.begin(), part.end());
    return out;
  }
  std::vector<uint8_t> Build() const {
    std::vector<uint8_t> out = SignedPart();
    std::vector<uint8_t> sig = SignatureData();
    Put32(&out, signature_len_override.value_or(uint32_t(sig.size())));
    out.insert(out.end(), sig.begin(), sig.end());
    out.resize(out.size() + trailing, 0);
    return out;
  }

  static void Put16(std::vector<uint8_t>* out, uint16_t v) {
    out->push_back(uint8_t(v));
    out->push_back(uint8_t(v >> 8));
  }
  static void Put32(std::vector<uint8_t>* out, uint32_t v) {
    for (int i = 0; i < 4; ++i) out->push_back(uint8_t(v >> (8 * i)));
  }
};

}  // namespace ccv::testing

#endif  // CCV_TESTS_TESTING_QUOTE_BUILDER_H_
