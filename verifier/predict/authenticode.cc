#include "verifier/predict/authenticode.h"

#include <algorithm>

#include "parsers/pe/pe_format.h"
#include "verifier/crypto/digest.h"

namespace ccv::predict {

Digest AuthenticodeDigest(Bytes file, const parsers::PeImage& image, HashAlg alg) {
  crypto::Hasher h;
  h.Init(alg);
  for (const parsers::FileRange& r : image.authenticode_ranges) {
    h.Update(file.subspan(size_t(r.offset), size_t(r.len)));
  }
  return h.Final();
}

Result<AuthenticodeMeasurement> MeasureAuthenticode(Bytes file, std::span<const HashAlg> algs) {
  AuthenticodeMeasurement m;
  CCV_ASSIGN_OR_RETURN(m.image, parsers::ParsePeImage(file));
  for (HashAlg alg : algs) m.digests.push_back(AuthenticodeDigest(file, m.image, alg));
  CCV_ASSIGN_OR_RETURN(std::vector<parsers::WinCertificate> entries,
                       parsers::ParseCertificateTable(file, m.image));
  for (const parsers::WinCertificate& e : entries) {
    EmbeddedSignature s;
    s.offset = e.offset;
    s.revision = e.revision;
    s.certificate_type = e.certificate_type;
    s.pkcs7 = e.certificate;
    if (e.certificate_type != parsers::pe_format::kWinCertTypePkcsSignedData) {
      s.error = "certificate type is not WIN_CERT_TYPE_PKCS_SIGNED_DATA (2)";
    } else {
      auto sig = crypto::ParseAuthenticodeSignature(e.certificate);
      if (!sig.ok()) {
        s.error = sig.status().message();
      } else {
        s.signature = std::move(*sig);
        if (s.signature->digest_alg) {
          Digest ours = AuthenticodeDigest(file, m.image, *s.signature->digest_alg);
          s.digest_matches_image = std::ranges::equal(ours.span(), s.signature->image_digest);
        }
      }
    }
    m.signatures.push_back(std::move(s));
  }
  return m;
}

}  // namespace ccv::predict
