#include "verifier/collateral/fetch.h"

#include "verifier/collateral/pcs_response.h"

namespace ccv::collateral {

namespace {

// GET `url`, which must answer 200.
Result<HttpResponse> GetOk(HttpClient& client, const std::string& url,
                           std::vector<std::string>* urls) {
  urls->push_back(url);
  CCV_ASSIGN_OR_RETURN(HttpResponse r, client.Get(url));
  if (r.status == 200) return r;
  std::string msg = "GET " + url + ": HTTP " + std::to_string(r.status);
  // Intel PCS explains refusals in the Error-Code and Error-Message headers:
  // printed (control characters masked), never interpreted.
  for (const char* h : {"Error-Code", "Error-Message"}) {
    if (const std::string* v = r.headers.Find(h)) {
      std::string shown = v->substr(0, 200);
      for (char& c : shown) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
      }
      msg += std::string(" (") + h + ": " + shown + ")";
    }
  }
  return Status(ErrorCode::kIo, msg);
}

Status InUrl(const Status& s, const std::string& url) { return s.WithContext("GET " + url); }

Result<std::string> RootCrlDistributionPoint(const crypto::Certificate& anchor) {
  CCV_ASSIGN_OR_RETURN(std::vector<std::string> uris, anchor.CrlDistributionPointUris());
  for (const std::string& u : uris) {
    if (u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0) return u;
  }
  return Status(ErrorCode::kNotFound,
                "the trust anchor '" + anchor.SubjectCommonName() +
                    "' names no http(s) CRL distribution point, so Intel PCS mode cannot fetch "
                    "the root CA CRL; use a PCCS (--pccs-url), which serves it");
}

}  // namespace

Result<FetchedCollateral> FetchCollateral(HttpClient& client, const Service& service,
                                          const CollateralKey& key,
                                          const crypto::Certificate& anchor) {
  FetchedCollateral out;
  quote::QuoteCollateral& c = out.collateral;

  // TCB info.
  std::string url = TcbInfoUrl(service, key);
  CCV_ASSIGN_OR_RETURN(HttpResponse tcb, GetOk(client, url, &out.urls));
  auto chain = IssuerChainFromHeaders(tcb.headers, {kTcbInfoChainHeader, kSgxTcbInfoChainHeader});
  if (!chain.ok()) return InUrl(chain.status(), url);
  c.tcb_info_issuer_chain = std::move(*chain);
  auto doc = ParseSignedDocument(tcb.body, "tcbInfo");
  if (!doc.ok()) return InUrl(doc.status(), url);
  c.tcb_info = std::move(doc->body);
  c.tcb_info_signature = std::move(doc->signature);

  // QE identity (QE for SGX, TD_QE for TDX).
  url = QeIdentityUrl(service, key.tee);
  CCV_ASSIGN_OR_RETURN(HttpResponse qe, GetOk(client, url, &out.urls));
  chain = IssuerChainFromHeaders(qe.headers, {kEnclaveIdentityChainHeader});
  if (!chain.ok()) return InUrl(chain.status(), url);
  c.qe_identity_issuer_chain = std::move(*chain);
  doc = ParseSignedDocument(qe.body, "enclaveIdentity");
  if (!doc.ok()) return InUrl(doc.status(), url);
  c.qe_identity = std::move(doc->body);
  c.qe_identity_signature = std::move(doc->signature);

  // PCK CRL of the CA that issued the quote's PCK certificate.
  url = PckCrlUrl(service, key.ca);
  CCV_ASSIGN_OR_RETURN(HttpResponse pck, GetOk(client, url, &out.urls));
  chain = IssuerChainFromHeaders(pck.headers, {kPckCrlChainHeader});
  if (!chain.ok()) return InUrl(chain.status(), url);
  c.pck_crl_issuer_chain = std::move(*chain);
  auto crl = DecodeCrlBody(pck.body);
  if (!crl.ok()) return InUrl(crl.status(), url);
  c.pck_crl = std::move(*crl);

  // Root CA CRL.
  if (service.kind == ServiceKind::kPccs) {
    url = RootCaCrlUrl(service);
  } else {
    CCV_ASSIGN_OR_RETURN(url, RootCrlDistributionPoint(anchor));
  }
  CCV_ASSIGN_OR_RETURN(HttpResponse root, GetOk(client, url, &out.urls));
  crl = DecodeCrlBody(root.body);
  if (!crl.ok()) return InUrl(crl.status(), url);
  c.root_ca_crl = std::move(*crl);
  return out;
}

}  // namespace ccv::collateral
