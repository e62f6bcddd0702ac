#include "verifier/replay/tcg_to_cel.h"

#include <optional>
#include <utility>

#include "parsers/cel_format.h"
#include "parsers/core/hash_alg.h"
#include "parsers/event_types.h"
#include "parsers/tcg_event_log_format.h"
#include "verifier/replay/digest_check.h"

namespace ccv::replay {

namespace {

constexpr size_t kMaxListedMismatches = 10;

}  // namespace

Result<TcgCelConversion> ConvertTcgToCel(parsers::TcgEventReader* reader, bool ccel) {
  TcgCelConversion out;
  BankHashers hashers;
  for (;;) {
    CCV_ASSIGN_OR_RETURN(const parsers::TcgEvent* e, reader->Next());
    if (e == nullptr) break;
    if (CheckEventDigest(hashers, *e) == DigestCheck::kMismatched &&
        ++out.num_mismatched <= kMaxListedMismatches) {
      out.mismatched += (out.mismatched.empty() ? "#" : ", #") + std::to_string(e->record);
    }
    if (e->untrusted_type == parsers::kEvNoAction) continue;
    if (!ccel && e->untrusted_pcr_index > parsers::tcg_format::kMaxPcrIndex) continue;
    cel::Record r;
    r.recnum = out.records.size();
    r.index_type = ccel ? cel::IndexType::kCcmr : cel::IndexType::kPcr;
    r.index = e->untrusted_pcr_index;
    for (uint32_t i = 0; i < e->num_digests; ++i) {
      std::optional<HashAlg> alg = HashAlgFromTpmAlgId(e->digests[i].algorithm_id);
      if (!alg) continue;
      if (std::optional<Digest> d = Digest::FromBytes(*alg, e->digests[i].digest)) {
        r.digests.push_back(*d);
      }
    }
    if (r.digests.empty()) continue;
    r.content_type = cel::kContentPcClientStd;
    r.event_type = e->untrusted_type;
    r.event_data.assign(e->data.begin(), e->data.end());
    out.records.push_back(std::move(r));
  }
  return out;
}

}  // namespace ccv::replay
