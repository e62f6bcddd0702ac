#include "tests/tamper/tamper.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

#include "parsers/chunked_source.h"
#include "parsers/event_types.h"
#include "parsers/tcg_event_log.h"
#include "parsers/tdx_quote.h"
#include "verifier/crypto/digest.h"
#include "verifier/quote/collateral.h"
#include "verifier/replay/digest_check.h"

namespace ccv::tamper {
namespace {

constexpr size_t kMaxMissed = 10;

void Miss(Counts* c, std::string what) {
  if (c->missed.size() < kMaxMissed) c->missed.push_back(std::move(what));
}

// One mutation tried. A byte no check covers need not be detected (it must
// only be parsed without harm); a covered one missed is named by `what()`.
template <typename Name>
void Tally(Counts* c, bool covered, bool detected, bool rejected, Name what) {
  if (!covered) {
    ++c->uncovered_tried;
    if (detected) ++c->uncovered_detected;
    return;
  }
  ++c->tried;
  if (detected) {
    ++c->detected;
    if (rejected) ++c->rejected;
  } else {
    Miss(c, what());
  }
}

// A half-open byte range of the input.
struct Range {
  size_t begin = 0, end = 0;
};

// Offset of `view` inside `base` (views returned by the parsers alias it).
size_t OffsetIn(Bytes base, Bytes view) { return size_t(view.data() - base.data()); }

// ---- quotes ---------------------------------------------------------------

struct QuoteOutcome {
  bool rejected = false;
  bool authentic = false;
};

QuoteOutcome CheckQuote(Bytes q, const quote::PreparedCollateral& c) {
  auto v = quote::VerifyQuote(q, c);
  if (!v.ok()) return {true, false};
  return {false, v->authentic};
}

}  // namespace

void Counts::Add(const Counts& o) {
  tried += o.tried;
  detected += o.detected;
  rejected += o.rejected;
  uncovered_tried += o.uncovered_tried;
  uncovered_detected += o.uncovered_detected;
  for (const auto& m : o.missed) {
    if (missed.size() < kMaxMissed) missed.push_back(m);
  }
}

Result<Counts> TamperQuote(Bytes quote_bytes, const quote::PreparedCollateral& collateral,
                           size_t stride, Shard shard) {
  if (stride == 0) stride = 1;
  CCV_ASSIGN_OR_RETURN(parsers::Quote q, parsers::ParseQuote(quote_bytes));
  if (!CheckQuote(quote_bytes, collateral).authentic) {
    return Status(ErrorCode::kInvalidArgument, "the unmodified quote is not authentic");
  }
  // Regions, from the layout of the signature data (Intel DCAP quote format:
  // u32 length, signature, attestation key, [type, size] QE report, QE
  // report signature, u16 auth length, auth data, u16 type, u32 size, PEM).
  const auto& sd = q.signature_data;
  size_t sig = size_t(q.signature_data_offset) + 4;
  size_t ak = sig + 64;
  size_t qe = ak + 64 + (sd.outer_cert_data_type ? 6 : 0);
  size_t qe_sig = qe + 384;
  size_t auth = qe_sig + 64 + 2;
  size_t cert = auth + sd.qe_auth_data.size() + 6;
  if (cert + sd.cert_data.size() > quote_bytes.size() ||
      std::memcmp(quote_bytes.data() + sig, sd.signature.data(), 64) != 0 ||
      std::memcmp(quote_bytes.data() + ak, sd.attestation_key.data(), 64) != 0 ||
      std::memcmp(quote_bytes.data() + qe_sig, sd.qe_report_signature.data(), 64) != 0 ||
      (!sd.cert_data.empty() &&
       std::memcmp(quote_bytes.data() + cert, sd.cert_data.data(), sd.cert_data.size()) != 0)) {
    return Status(ErrorCode::kInternal, "quote layout not as expected");
  }
  const std::vector<std::pair<Range, const char*>> covered = {
      {{0, q.signed_len}, "header+body"},
      {{sig, ak + 64}, "signature+attestation_key"},
      {{qe, qe_sig + 64}, "qe_report+signature"},
      {{auth, auth + sd.qe_auth_data.size()}, "qe_auth_data"},
  };
  Counts c;
  std::vector<uint8_t> m(quote_bytes.begin(), quote_bytes.end());
  size_t n = 0;  // mutations selected by the stride, for the shard
  for (const auto& [r, name] : covered) {
    for (size_t i = r.begin; i < r.end; i += stride) {
      if (!shard.Mine(n++)) continue;
      m[i] ^= 0xFF;
      QuoteOutcome o = CheckQuote(m, collateral);
      m[i] ^= 0xFF;
      Tally(&c, true, o.rejected || !o.authentic, o.rejected,
            [&] { return std::string(name) + " byte " + std::to_string(i); });
    }
  }
  for (size_t i = cert; i < cert + sd.cert_data.size(); i += stride) {
    if (!shard.Mine(n++)) continue;
    m[i] ^= 0xFF;
    QuoteOutcome o = CheckQuote(m, collateral);
    m[i] ^= 0xFF;
    Tally(&c, false, o.rejected || !o.authentic, o.rejected, [] { return std::string(); });
  }
  return c;
}

// ---- collateral -------------------------------------------------------------

namespace {

// Byte ranges of every value token (not object keys) of a JSON text: string
// contents, numbers and the literals true / false / null.
std::vector<Range> JsonValueTokens(std::string_view j) {
  std::vector<Range> out;
  size_t i = 0;
  while (i < j.size()) {
    char ch = j[i];
    if (ch == '"') {
      size_t b = i + 1, e = b;
      while (e < j.size() && j[e] != '"') e += (j[e] == '\\') ? 2 : 1;
      size_t k = e + 1;
      while (k < j.size() && (j[k] == ' ' || j[k] == '\n' || j[k] == '\t' || j[k] == '\r')) ++k;
      bool is_key = k < j.size() && j[k] == ':';
      if (!is_key) out.push_back({b, e});
      i = e + 1;
    } else if (ch == '-' || (ch >= '0' && ch <= '9')) {
      size_t e = i;
      while (e < j.size() && std::strchr("+-.eE0123456789", j[e]) != nullptr) ++e;
      out.push_back({i, e});
      i = e;
    } else if (j.substr(i, 4) == "true" || j.substr(i, 4) == "null") {
      out.push_back({i, i + 4});
      i += 4;
    } else if (j.substr(i, 5) == "false") {
      out.push_back({i, i + 5});
      i += 5;
    } else {
      ++i;
    }
  }
  return out;
}

// `j` with `len` bytes at `at` replaced by `with`.
std::string Splice(std::string_view j, size_t at, size_t len, std::string_view with) {
  std::string out(j.substr(0, at));
  out += with;
  out += j.substr(at + len);
  return out;
}

// One edit of the value at `r`: the first character of a string replaced by
// another of the same class (an empty string gets one), the last digit of a
// number changed, true <-> false, null -> 0.
std::string EditValue(std::string_view j, Range r) {
  std::string s(j);
  std::string_view v = j.substr(r.begin, r.end - r.begin);
  if (v == "true") return Splice(j, r.begin, 4, "false");
  if (v == "false") return Splice(j, r.begin, 5, "true");
  if (v == "null") return Splice(j, r.begin, 4, "0");
  bool quoted = r.begin > 0 && j[r.begin - 1] == '"';
  if (quoted) {
    if (v.empty()) return Splice(j, r.begin, 0, "x");
    char& c = s[r.begin];
    if (c >= '0' && c <= '9')
      c = c == '9' ? '0' : char(c + 1);
    else if ((c >= 'a' && c <= 'y') || (c >= 'A' && c <= 'Y'))
      c = char(c + 1);
    else if (c == 'z' || c == 'Z')
      c = char(c - 1);
    else
      c = c == 'x' ? 'y' : 'x';
    return s;
  }
  // A number: change its last digit.
  size_t last = r.end;
  while (last > r.begin && !(s[last - 1] >= '0' && s[last - 1] <= '9')) --last;
  if (last == r.begin) return Splice(j, r.begin, 0, "1");
  char& d = s[last - 1];
  d = d == '9' ? '0' : char(d + 1);
  return s;
}

struct CollateralOutcome {
  bool rejected = false;
  bool detected = false;
};

CollateralOutcome CheckCollateral(Bytes quote_bytes, const quote::QuoteCollateral& c,
                                  const std::string& root_pem, int64_t at) {
  auto anchor = quote::LoadTrustAnchor(root_pem);
  if (!anchor.ok()) return {true, true};
  auto p = quote::PrepareCollateral(c, std::move(*anchor), at);
  if (!p.ok()) return {true, true};
  for (const auto& ch : p->checks) {
    if (ch.status == quote::CheckStatus::kFail) return {false, true};
  }
  auto v = quote::VerifyQuote(quote_bytes, *p);
  if (!v.ok()) return {true, true};
  return {false, !v->authentic};
}

}  // namespace

Result<Counts> TamperCollateral(Bytes quote_bytes, const quote::QuoteCollateral& collateral,
                                const std::string& root_pem, int64_t at, size_t stride,
                                Shard shard) {
  if (stride == 0) stride = 1;
  if (CheckCollateral(quote_bytes, collateral, root_pem, at).detected) {
    return Status(ErrorCode::kInvalidArgument,
                  "the unmodified collateral does not verify the quote");
  }
  Counts c;
  size_t n = 0;  // mutations selected by the stride, for the shard
  for (int doc = 0; doc < 2; ++doc) {
    const std::string& text = doc == 0 ? collateral.tcb_info : collateral.qe_identity;
    std::vector<Range> values = JsonValueTokens(text);
    for (size_t k = 0; k < values.size(); k += stride) {
      if (!shard.Mine(n++)) continue;
      quote::QuoteCollateral m = collateral;
      (doc == 0 ? m.tcb_info : m.qe_identity) = EditValue(text, values[k]);
      CollateralOutcome o = CheckCollateral(quote_bytes, m, root_pem, at);
      Tally(&c, true, o.detected, o.rejected, [&] {
        return std::string(doc == 0 ? "tcb_info" : "qe_identity") + " value at byte " +
               std::to_string(values[k].begin);
      });
    }
  }
  return c;
}

// ---- TCG / CCEL logs --------------------------------------------------------

namespace {

struct TcgOutcome {
  bool ok = false;
  replay::RegisterSet registers;
  std::vector<replay::DigestCheck> checks;  // per record
};

TcgOutcome ReplayTcg(Bytes log, replay::RegisterSpace space) {
  TcgOutcome out;
  parsers::ChunkedSource src(log);
  parsers::TcgEventReader reader(
      &src, parsers::TcgReadOptions{.ccel = space == replay::RegisterSpace::kCcMr});
  if (!reader.Start().ok()) return out;
  replay::TcgReplay r(space);
  while (true) {
    auto e = reader.Next();
    if (!e.ok()) return out;
    if (*e == nullptr) break;
    auto check = r.Feed(**e);
    if (!check.ok()) return out;
    out.checks.push_back(*check);
  }
  out.ok = true;
  out.registers = r.Registers();
  return out;
}

}  // namespace

Result<Counts> TamperTcgLog(Bytes log, replay::RegisterSpace space, size_t stride, Shard shard) {
  if (stride == 0) stride = 1;
  TcgOutcome base = ReplayTcg(log, space);
  if (!base.ok) return Status(ErrorCode::kInvalidArgument, "the unmodified log does not replay");

  // Classify every byte: 0 uncovered, 1 covered digest, 2 covered data.
  std::vector<uint8_t> cls(log.size(), 0);
  std::vector<size_t> record_of(log.size(), SIZE_MAX);
  {
    parsers::ChunkedSource src(log);
    parsers::TcgEventReader reader(
        &src, parsers::TcgReadOptions{.ccel = space == replay::RegisterSpace::kCcMr});
    replay::TcgReplay r(space);
    size_t rec = 0;
    while (true) {
      auto e = reader.Next();
      if (!e.ok() || *e == nullptr) break;
      const parsers::TcgEvent& ev = **e;
      uint64_t extended_before = r.counts().extended;
      auto chk = r.FeedAndCheck(ev);
      bool extended = r.counts().extended > extended_before;
      for (uint32_t d = 0; d < ev.num_digests; ++d) {
        Bytes dg = ev.digests[d].digest;
        size_t off = OffsetIn(log, dg);
        for (size_t i = 0; i < dg.size(); ++i) {
          cls[off + i] = extended ? 1 : 0;
          record_of[off + i] = rec;
        }
      }
      size_t data_off = OffsetIn(log, ev.data);
      for (size_t i = 0; i < ev.data.size(); ++i) record_of[data_off + i] = rec;
      if (base.checks[rec] == replay::DigestCheck::kVerified && chk.ok() && chk->covered_len != 0) {
        // The bytes the verifying convention hashed.
        for (size_t i = 0; i < chk->covered_len; ++i) cls[data_off + chk->covered_offset + i] = 2;
      }
      ++rec;
    }
  }

  Counts c;
  std::vector<uint8_t> m(log.begin(), log.end());
  size_t n = 0;  // mutations selected by the stride, for the shard
  for (size_t i = 0; i < m.size(); i += stride) {
    if (record_of[i] == SIZE_MAX) continue;  // headers, padding: not tried
    if (!shard.Mine(n++)) continue;
    m[i] ^= 0xFF;
    TcgOutcome o = ReplayTcg(m, space);
    m[i] ^= 0xFF;
    size_t rec = record_of[i];
    bool detected = !o.ok || o.registers.registers() != base.registers.registers() ||
                    (rec < o.checks.size() && o.checks[rec] != base.checks[rec]);
    Tally(&c, cls[i] != 0, detected, !o.ok, [&] {
      return std::string(cls[i] == 1 ? "digest" : "data") + " byte " + std::to_string(i) +
             " of record " + std::to_string(rec);
    });
  }
  return c;
}

// ---- IMA ------------------------------------------------------------------

namespace {

struct ImaOutcome {
  bool ok = false;
  replay::RegisterSet registers;
  uint64_t mismatched = 0;
  uint64_t violations = 0;
};

// One full replay per mutation, as the verifier replays a list file, except
// for costs that do not change the outcome (the replay's result depends on
// neither the thread count nor how the reader batches and buffers the list):
// the extends run on the calling thread (a second thread per replay cost
// more than a short list's extends), and the read buffer (at most 64 KiB, not
// 1 MiB) and the batches (256 entries, not 4096) stay below the size that
// ASan's allocator serves with a fresh mmap, which is zero-filled and
// unmapped again on every replay.
ImaOutcome ReplayImaList(Bytes list, ima::LogFormat format, RegisterId::Kind kind) {
  replay::ImaReplayOptions options;
  options.register_kind = kind;
  options.max_findings = 0;
  options.num_threads = 1;
  ima::ReadOptions read;
  read.format = format;
  read.initial_buffer = std::min<size_t>(size_t{64} << 10, list.size() + 1);
  read.max_batch = 256;
  auto r = replay::ReplayImaBytes(list, read, options);
  if (!r.ok()) return {};
  return {true, r->registers, r->hashes_mismatched, r->violations};
}

}  // namespace

Result<Counts> TamperImaLog(Bytes list, ima::LogFormat format, size_t stride, Shard shard) {
  if (stride == 0) stride = 1;
  // The register convention follows the listed hash (SHA-384: cc-api RTMR).
  ima::ReadOptions read;
  read.format = format;
  ima::LogReader reader(ima::SpanSource(list), read);
  std::vector<ima::Entry> entries;
  std::vector<uint8_t> cls(list.size(), 0);  // 0 uncovered, 1 hash, 2 data
  while (true) {
    std::vector<ima::Entry> batch;
    CCV_RETURN_IF_ERROR(reader.NextBatch(&batch));
    if (batch.empty()) break;
    for (const ima::Entry& e : batch) {
      if (format == ima::LogFormat::kBinary) {
        for (size_t i = 0; i < e.listed_hash.len; ++i) cls[e.offset + 4 + i] = 1;
        if (e.desc != nullptr && !e.desc->legacy_ima()) {
          for (size_t i = 0; i < e.template_data.size(); ++i) cls[e.template_data_offset + i] = 2;
        }
      } else {
        // "pcr hash name fields...\n": the hash column and the columns after
        // the template name.
        size_t end = e.offset;
        while (end < list.size() && list[end] != '\n') ++end;
        size_t col = 0;
        for (size_t i = e.offset; i < end; ++i) {
          if (list[i] == ' ') {
            ++col;
            continue;
          }
          if (col == 1) cls[i] = 1;
          if (col >= 3 && e.desc != nullptr && !e.desc->legacy_ima()) cls[i] = 2;
        }
      }
    }
  }
  auto alg = reader.listed_hash_alg();
  RegisterId::Kind kind =
      alg && *alg == HashAlg::kSha384 ? RegisterId::Kind::kRtmr : RegisterId::Kind::kPcr;
  ImaOutcome base = ReplayImaList(list, format, kind);
  if (!base.ok) return Status(ErrorCode::kInvalidArgument, "the unmodified list does not replay");

  Counts c;
  std::vector<uint8_t> m(list.begin(), list.end());
  size_t n = 0;  // mutations selected by the stride, for the shard
  for (size_t i = 0; i < m.size(); i += stride) {
    uint8_t orig = m[i];
    // Ascii line ends: the line structure, not a value (not tried).
    if (format == ima::LogFormat::kAscii && cls[i] != 1 && orig == '\n') continue;
    if (!shard.Mine(n++)) continue;
    if (format == ima::LogFormat::kAscii && cls[i] == 1) {
      m[i] = orig == '0' ? '1' : '0';  // another hex digit
    } else if (format == ima::LogFormat::kAscii) {
      m[i] = orig ^ 0x01;
    } else {
      m[i] = orig ^ 0xFF;
    }
    ImaOutcome o = ReplayImaList(m, format, kind);
    m[i] = orig;
    bool detected = !o.ok || o.mismatched != base.mismatched || o.violations != base.violations ||
                    o.registers.registers() != base.registers.registers();
    Tally(&c, cls[i] != 0, detected, !o.ok, [&] {
      return std::string(cls[i] == 1 ? "template hash" : "template data") + " byte " +
             std::to_string(i);
    });
  }
  return c;
}

}  // namespace ccv::tamper
