#include "verifier/replay/quote_registers.h"

#include <algorithm>

#include "parsers/core/register_id.h"

namespace ccv::replay {

Digest MeasurementDigest(const parsers::Measurement& m) {
  Digest d = Digest::Zero(HashAlg::kSha384);
  std::copy(m.begin(), m.end(), d.bytes.begin());
  return d;
}

Result<RegisterSet> QuoteRegisters(const parsers::Quote& quote) {
  if (!quote.IsTdx()) return Status(ErrorCode::kBadValue, "not a TDX quote");
  RegisterSet rs;
  rs.Set(RegisterId::Mrtd(), MeasurementDigest(quote.td_body->mr_td));
  for (uint32_t i = 0; i < kNumRtmrs; ++i) {
    rs.Set(RegisterId::Rtmr(i), MeasurementDigest(quote.td_body->rtmr[i]));
  }
  return rs;
}

}  // namespace ccv::replay
