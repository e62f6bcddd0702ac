#include "verifier/quote/shared_collateral.h"

#include <span>

#include "parsers/core/hash_alg.h"
#include "verifier/crypto/digest.h"
#include "verifier/quote/collateral.h"

namespace ccv::quote {

struct SharedCollateral::Entry {
  std::once_flag once;
  Result<std::shared_ptr<const PreparedCollateral>> result =
      Status(ErrorCode::kInternal, "collateral not prepared");
  Result<std::shared_ptr<const crypto::Certificate>> anchor =
      Status(ErrorCode::kInternal, "trust anchor not parsed");
};

namespace {

Result<std::shared_ptr<const PreparedCollateral>> PrepareNow(std::string_view text,
                                                             const crypto::Certificate& anchor,
                                                             Time at) {
  CCV_ASSIGN_OR_RETURN(QuoteCollateral coll, ParseCollateralJson(text));
  CCV_ASSIGN_OR_RETURN(PreparedCollateral prepared, PrepareCollateral(coll, anchor.Clone(), at));
  return std::shared_ptr<const PreparedCollateral>(
      std::make_shared<PreparedCollateral>(std::move(prepared)));
}

std::string KeyOf(std::string_view text, const crypto::Certificate& anchor, Time at) {
  const Digest d = crypto::Hash(
      HashAlg::kSha256,
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  const std::array<uint8_t, 32> fp = anchor.Sha256Fingerprint();
  std::string key(reinterpret_cast<const char*>(d.bytes.data()), d.len);
  key.append(reinterpret_cast<const char*>(fp.data()), fp.size());
  key += std::to_string(at.seconds) + "." + std::to_string(at.nanos);
  return key;
}

}  // namespace

Result<std::shared_ptr<const PreparedCollateral>> SharedCollateral::Prepare(
    std::string_view text, const crypto::Certificate& anchor, Time at) {
  const std::string key = KeyOf(text, anchor, at);
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      entry = it->second;
    } else if (entries_.size() < kMaxEntries) {
      entry = std::make_shared<Entry>();
      entries_.emplace(key, entry);
    }
  }
  if (!entry) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++preparations_;
    }
    return PrepareNow(text, anchor, at);
  }
  std::call_once(entry->once, [&] {
    entry->result = PrepareNow(text, anchor, at);
    std::lock_guard<std::mutex> lock(mu_);
    ++preparations_;
  });
  return entry->result;
}

Result<std::shared_ptr<const crypto::Certificate>> SharedCollateral::Anchor(
    std::optional<std::string_view> pem) {
  // "P" and the text, or "E" for the embedded anchor: never the same key.
  std::string key = pem ? "P" + std::string(*pem) : std::string("E");
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = anchors_.find(key);
    if (it != anchors_.end()) {
      entry = it->second;
    } else if (anchors_.size() < kMaxEntries) {
      entry = std::make_shared<Entry>();
      anchors_.emplace(std::move(key), entry);
    }
  }
  auto parse = [&]() -> Result<std::shared_ptr<const crypto::Certificate>> {
    CCV_ASSIGN_OR_RETURN(crypto::Certificate anchor, LoadTrustAnchor(pem));
    return std::shared_ptr<const crypto::Certificate>(
        std::make_shared<crypto::Certificate>(std::move(anchor)));
  };
  if (!entry) return parse();
  std::call_once(entry->once, [&] { entry->anchor = parse(); });
  return entry->anchor;
}

size_t SharedCollateral::preparations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return preparations_;
}

}  // namespace ccv::quote
