#include "parsers/tcg_event_log.h"

#include <algorithm>
#include <string>

#include "parsers/core/hash_alg.h"
#include "parsers/core/hex.h"
#include "parsers/event_types.h"

namespace ccv::parsers {

namespace fmt = tcg_format;

Result<SpecIdEvent> ParseSpecIdEvent(Bytes data, uint64_t offset) {
  ByteReader r(data, offset);
  CCV_ASSIGN_OR_RETURN(Bytes sig, r.ReadBytes(fmt::kSpecIdSignatureLen, "spec_id.signature"));
  if (AsChars(sig) != fmt::kSpecIdSignature03) {
    return ParseError(ErrorCode::kBadMagic, offset, "spec_id.signature",
                      "expected \"Spec ID Event03\\0\"");
  }
  SpecIdEvent s;
  CCV_ASSIGN_OR_RETURN(s.platform_class, r.ReadU32Le("spec_id.platform_class"));
  CCV_ASSIGN_OR_RETURN(s.spec_version_minor, r.ReadU8("spec_id.spec_version_minor"));
  CCV_ASSIGN_OR_RETURN(s.spec_version_major, r.ReadU8("spec_id.spec_version_major"));
  CCV_ASSIGN_OR_RETURN(s.spec_errata, r.ReadU8("spec_id.spec_errata"));
  CCV_ASSIGN_OR_RETURN(s.uintn_size, r.ReadU8("spec_id.uintn_size"));
  uint64_t count_offset = r.Offset();
  CCV_ASSIGN_OR_RETURN(uint32_t num_algs, r.ReadU32Le("spec_id.number_of_algorithms"));
  if (num_algs == 0) {
    return ParseError(ErrorCode::kBadValue, count_offset, "spec_id.number_of_algorithms",
                      "a crypto-agile log needs at least one algorithm");
  }
  if (uint64_t(num_algs) * fmt::kSpecIdAlgorithmLen > r.Remaining()) {
    return ParseError(ErrorCode::kBadLength, count_offset, "spec_id.number_of_algorithms",
                      std::to_string(num_algs) + " algorithms need " +
                          std::to_string(uint64_t(num_algs) * fmt::kSpecIdAlgorithmLen) +
                          " bytes, " + std::to_string(r.Remaining()) + " left");
  }
  if (num_algs > fmt::kMaxAlgorithms) {
    return ParseError(ErrorCode::kLimitExceeded, count_offset, "spec_id.number_of_algorithms",
                      std::to_string(num_algs) + " algorithms (at most " +
                          std::to_string(fmt::kMaxAlgorithms) + " supported)");
  }
  for (uint32_t i = 0; i < num_algs; ++i) {
    const uint64_t id_at = r.Offset();
    SpecIdAlgorithm a;
    CCV_ASSIGN_OR_RETURN(a.algorithm_id, r.ReadU16Le("spec_id.algorithm_id"));
    const uint64_t size_at = r.Offset();
    CCV_ASSIGN_OR_RETURN(a.digest_size, r.ReadU16Le("spec_id.digest_size"));
    if (a.digest_size == 0 || a.digest_size > fmt::kMaxDigestSize) {
      return ParseError(ErrorCode::kBadValue, size_at, "spec_id.digest_size",
                        "digest size " + std::to_string(a.digest_size) + " is not in 1.." +
                            std::to_string(fmt::kMaxDigestSize));
    }
    if (auto known = HashAlgFromTpmAlgId(a.algorithm_id);
        known && DigestLen(*known) != a.digest_size) {
      return ParseError(ErrorCode::kBadValue, size_at, "spec_id.digest_size",
                        std::string(HashAlgName(*known)) + " digests are " +
                            std::to_string(DigestLen(*known)) + " bytes, header says " +
                            std::to_string(a.digest_size));
    }
    for (const SpecIdAlgorithm& prev : s.algorithms) {
      if (prev.algorithm_id == a.algorithm_id) {
        return ParseError(ErrorCode::kBadValue, id_at, "spec_id.algorithm_id",
                          "algorithm listed twice");
      }
    }
    s.algorithms.push_back(a);
  }
  CCV_ASSIGN_OR_RETURN(s.vendor_info_size, r.ReadU8("spec_id.vendor_info_size"));
  size_t have = std::min<size_t>(s.vendor_info_size, r.Remaining());
  CCV_ASSIGN_OR_RETURN(Bytes vi, r.ReadBytes(have, "spec_id.vendor_info"));
  s.vendor_info.assign(vi.begin(), vi.end());
  s.vendor_info_truncated = have < s.vendor_info_size;
  CCV_RETURN_IF_ERROR(r.ExpectEmpty("spec_id"));
  return s;
}

std::string_view TcgLogEndName(TcgLogEnd end) {
  switch (end) {
    case TcgLogEnd::kEndOfData:
      return "end_of_data";
    case TcgLogEnd::kPaddingFF:
      return "padding_ff";
    case TcgLogEnd::kPaddingZero:
      return "padding_zero";
    case TcgLogEnd::kTrailingBytes:
      return "trailing_bytes";
  }
  return "unknown";
}

TcgEventReader::TcgEventReader(ChunkedSource* source, TcgReadOptions options)
    : src_(source), options_(options) {}

Status TcgEventReader::Start() {
  if (started_) return Status::Ok();
  started_ = true;
  return ReadRecord0();
}

// Record 0 is always a TCG_PCR_EVENT. A crypto-agile log marks itself with an
// EV_NO_ACTION record whose data is a TCG_EfiSpecIdEvent (PFP 10.4.5.1).
Status TcgEventReader::ReadRecord0() {
  CCV_RETURN_IF_ERROR(ReadEvent(/*agile=*/false));
  const TcgEvent& e = event_;
  bool spec_id03 = e.untrusted_type == kEvNoAction && e.data.size() >= fmt::kSpecIdSignatureLen &&
                   AsChars(e.data.first(fmt::kSpecIdSignatureLen)) == fmt::kSpecIdSignature03;
  if (spec_id03) {
    CCV_ASSIGN_OR_RETURN(SpecIdEvent s, ParseSpecIdEvent(e.data, e.data_offset));
    if (options_.ccel && e.untrusted_pcr_index > 1) {
      return ParseError(ErrorCode::kBadValue, e.offset, "pcr_index",
                        "CCEL Spec ID header at MR index " + std::to_string(e.untrusted_pcr_index) +
                            " (expected 0 or 1)");
    }
    format_ = TcgLogFormat::kCryptoAgile;
    algs_ = s.algorithms;
    size_t max_digest_len = 0;
    for (const SpecIdAlgorithm& a : algs_) {
      max_digest_len = std::max<size_t>(max_digest_len, a.digest_size);
    }
    max_event2_header_len_ =
        fmt::kPcrEvent2MinLen + algs_.size() * (fmt::kHashAlgLen + max_digest_len);
    spec_id_ = std::move(s);
  } else {
    if (options_.ccel) {
      return ParseError(ErrorCode::kBadMagic, e.offset, "spec_id",
                        "a CCEL log starts with an EV_NO_ACTION \"Spec ID Event03\" record");
    }
    format_ = TcgLogFormat::kSha1;
  }
  record0_pending_ = true;
  return Status::Ok();
}

// At a record boundary: decides whether the log has ended (end of data,
// 0xFF or zero padding, or a tail shorter than any record header).
Result<bool> TcgEventReader::AtEnd() {
  size_t min_len =
      format_ == TcgLogFormat::kCryptoAgile ? fmt::kPcrEvent2MinLen : fmt::kPcrEventHeaderLen;
  CCV_ASSIGN_OR_RETURN(Bytes w, src_->Peek(min_len));
  end_offset_ = src_->Offset();
  if (w.empty()) {
    end_ = TcgLogEnd::kEndOfData;
    return true;
  }
  if (w.size() >= fmt::kPcrIndexLen + fmt::kEventTypeLen) {
    ByteReader r(w, end_offset_);
    CCV_ASSIGN_OR_RETURN(uint32_t pcr, r.ReadU32Le("pcr_index"));
    CCV_ASSIGN_OR_RETURN(uint32_t type, r.ReadU32Le("event_type"));
    if (pcr == 0xFFFFFFFF && type == 0xFFFFFFFF) {
      end_ = TcgLogEnd::kPaddingFF;
      return true;
    }
    if (pcr == 0 && type == 0 && AllBytesEqual(w.first(std::min(w.size(), min_len)), 0)) {
      end_ = TcgLogEnd::kPaddingZero;
      return true;
    }
  }
  if (w.size() < min_len) {
    if (AllBytesEqual(w, 0xFF)) {
      end_ = TcgLogEnd::kPaddingFF;
    } else if (AllBytesEqual(w, 0)) {
      end_ = TcgLogEnd::kPaddingZero;
    } else {
      end_ = TcgLogEnd::kTrailingBytes;
      trailing_len_ = w.size();
    }
    return true;
  }
  return false;
}

size_t TcgEventReader::DeclaredDigestLen(uint16_t alg) const {
  for (const SpecIdAlgorithm& a : algs_) {
    if (a.algorithm_id == alg) return a.digest_size;
  }
  return 0;
}

// TCG_PCR_EVENT (PFP 10.2.1): pcrIndex, eventType, digest[20], eventSize.
Result<uint32_t> TcgEventReader::ReadEvent1Header(ByteReader* r) {
  TcgEvent& e = event_;
  CCV_ASSIGN_OR_RETURN(e.untrusted_pcr_index, r->ReadU32Le("pcr_index"));
  CCV_ASSIGN_OR_RETURN(e.untrusted_type, r->ReadU32Le("event_type"));
  CCV_ASSIGN_OR_RETURN(Bytes digest, r->ReadBytes(fmt::kSha1DigestLen, "digest"));
  e.num_digests = 1;
  e.digests[0] = {kTpmAlgSha1, digest};
  return r->ReadU32Le("event_size");
}

// TCG_PCR_EVENT2 (PFP 10.2.2): pcrIndex, eventType, TPML_DIGEST_VALUES,
// eventSize.
Result<uint32_t> TcgEventReader::ReadEvent2Header(ByteReader* r) {
  TcgEvent& e = event_;
  CCV_ASSIGN_OR_RETURN(e.untrusted_pcr_index, r->ReadU32Le("pcr_index"));
  CCV_ASSIGN_OR_RETURN(e.untrusted_type, r->ReadU32Le("event_type"));
  const uint64_t count_at = r->Offset();
  CCV_ASSIGN_OR_RETURN(uint32_t count, r->ReadU32Le("digest_count"));
  if (count > fmt::kMaxAlgorithms) {
    return ParseError(ErrorCode::kLimitExceeded, count_at, "digest_count",
                      "digest count " + std::to_string(count) + " (at most " +
                          std::to_string(fmt::kMaxAlgorithms) + ")");
  }
  // A record may carry fewer digests than the header lists (tpm2-tools
  // fixtures do); each must be of a declared algorithm, none twice.
  if (count > algs_.size()) {
    return ParseError(ErrorCode::kBadValue, count_at, "digest_count",
                      "digest count " + std::to_string(count) + ", the Spec ID header lists " +
                          std::to_string(algs_.size()) + " algorithms");
  }
  for (uint32_t i = 0; i < count; ++i) {
    const uint64_t alg_at = r->Offset();
    CCV_ASSIGN_OR_RETURN(uint16_t alg, r->ReadU16Le("digests.hash_alg"));
    size_t digest_len = DeclaredDigestLen(alg);
    if (digest_len == 0) {
      return ParseError(ErrorCode::kBadValue, alg_at, "digests.hash_alg",
                        "algorithm 0x" +
                            ToHex(std::array<uint8_t, 2>{uint8_t(alg >> 8), uint8_t(alg)}) +
                            " is not declared in the Spec ID header");
    }
    for (uint32_t j = 0; j < i; ++j) {
      if (e.digests[j].algorithm_id == alg) {
        return ParseError(ErrorCode::kBadValue, alg_at, "digests.hash_alg",
                          "algorithm listed twice in one record");
      }
    }
    e.digests[i].algorithm_id = alg;
    CCV_ASSIGN_OR_RETURN(e.digests[i].digest, r->ReadBytes(digest_len, "digests.digest"));
  }
  e.num_digests = count;
  return r->ReadU32Le("event_size");
}

Result<Bytes> TcgEventReader::PeekRecord(Bytes w, uint64_t at, size_t data_pos, uint32_t size) {
  const uint64_t total = data_pos + uint64_t(size);
  if (w.size() >= total) return w;
  const uint64_t size_at = at + data_pos - fmt::kEventSizeLen;
  // With the input size known, a short input is reported as such before the
  // streaming limit applies, so memory and streamed reads agree.
  std::optional<uint64_t> all = src_->TotalSize();
  if (all && *all - at < total) {
    return ParseError(ErrorCode::kTruncated, size_at, "event_size",
                      "event size " + std::to_string(size) + " exceeds the " +
                          std::to_string(*all - at - data_pos) + " bytes left");
  }
  if (total > fmt::kMaxStreamedRecordLen) {
    return ParseError(ErrorCode::kLimitExceeded, size_at, "event_size",
                      "event size " + std::to_string(size) + " exceeds the streaming limit");
  }
  CCV_ASSIGN_OR_RETURN(w, src_->Peek(total));
  if (w.size() < total) {
    return ParseError(ErrorCode::kTruncated, size_at, "event_size",
                      "event size " + std::to_string(size) + " exceeds the " +
                          std::to_string(w.size() - data_pos) + " bytes left");
  }
  return w;
}

Status TcgEventReader::ReadEvent(bool agile) {
  const uint64_t at = src_->Offset();
  // Every TCG_PCR_EVENT header and the longest TCG_PCR_EVENT2 header fit in
  // the first window unless the input ends; the event data may not.
  CCV_ASSIGN_OR_RETURN(Bytes w,
                       src_->Peek(agile ? max_event2_header_len_ : fmt::kPcrEventHeaderLen));
  if (!agile && w.size() < fmt::kPcrEventHeaderLen) {
    return ParseError(ErrorCode::kTruncated, at, "tcg_pcr_event",
                      "expected a " + std::to_string(fmt::kPcrEventHeaderLen) +
                          "-byte TCG_PCR_EVENT header, " + std::to_string(w.size()) +
                          " bytes left");
  }
  auto read_header = [&](ByteReader* r) {
    return agile ? ReadEvent2Header(r) : ReadEvent1Header(r);
  };
  ByteReader r(w, at);
  CCV_ASSIGN_OR_RETURN(uint32_t size, read_header(&r));
  if (r.Remaining() < size) {
    // A larger window may move the bytes: read the header again from it, so
    // that the digest views point into the window that stays.
    CCV_ASSIGN_OR_RETURN(w, PeekRecord(w, at, r.Position(), size));
    r = ByteReader(w, at);
    CCV_ASSIGN_OR_RETURN(size, read_header(&r));
  }
  TcgEvent& e = event_;
  e.data_offset = r.Offset();
  CCV_ASSIGN_OR_RETURN(e.data, r.ReadBytes(size, "event"));
  e.record = next_record_;
  e.offset = at;
  e.length = r.Position();
  return Status::Ok();
}

Result<const TcgEvent*> TcgEventReader::Next() {
  if (!started_) CCV_RETURN_IF_ERROR(Start());
  if (done_) return static_cast<const TcgEvent*>(nullptr);
  if (record0_pending_) {
    record0_pending_ = false;
  } else {
    src_->Consume(event_.length);
    CCV_ASSIGN_OR_RETURN(bool end, AtEnd());
    if (end) {
      done_ = true;
      event_.length = 0;
      return static_cast<const TcgEvent*>(nullptr);
    }
    CCV_RETURN_IF_ERROR(ReadEvent(format_ == TcgLogFormat::kCryptoAgile));
  }
  ++next_record_;
  return static_cast<const TcgEvent*>(&event_);
}

TcgEventRecord ToRecord(const TcgEvent& e) {
  TcgEventRecord r;
  r.record = e.record;
  r.offset = e.offset;
  r.untrusted_pcr_index = e.untrusted_pcr_index;
  r.untrusted_type = e.untrusted_type;
  for (uint32_t i = 0; i < e.num_digests; ++i) {
    r.digests.push_back(
        {e.digests[i].algorithm_id,
         std::vector<uint8_t>(e.digests[i].digest.begin(), e.digests[i].digest.end())});
  }
  r.data.assign(e.data.begin(), e.data.end());
  r.data_offset = e.data_offset;
  return r;
}

Result<TcgLog> ParseTcgLog(Bytes data, TcgReadOptions options) {
  ChunkedSource src(data);
  TcgEventReader reader(&src, options);
  CCV_RETURN_IF_ERROR(reader.Start());
  TcgLog log;
  log.format = reader.format();
  log.spec_id = reader.spec_id();
  while (true) {
    CCV_ASSIGN_OR_RETURN(const TcgEvent* e, reader.Next());
    if (e == nullptr) break;
    log.events.push_back(ToRecord(*e));
  }
  log.end = reader.end();
  log.end_offset = reader.end_offset();
  log.trailing_len = reader.trailing_len();
  return log;
}

}  // namespace ccv::parsers
