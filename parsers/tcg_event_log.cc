#include "parsers/tcg_event_log.h"

#include <cstring>
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
    uint64_t at = r.Offset();
    SpecIdAlgorithm a;
    CCV_ASSIGN_OR_RETURN(a.algorithm_id, r.ReadU16Le("spec_id.algorithm_id"));
    CCV_ASSIGN_OR_RETURN(a.digest_size, r.ReadU16Le("spec_id.digest_size"));
    if (a.digest_size == 0 || a.digest_size > fmt::kMaxDigestSize) {
      return ParseError(ErrorCode::kBadValue, at + 2, "spec_id.digest_size",
                        "digest size " + std::to_string(a.digest_size) +
                            " is not in 1.." + std::to_string(fmt::kMaxDigestSize));
    }
    if (auto known = HashAlgFromTpmAlgId(a.algorithm_id);
        known && DigestLen(*known) != a.digest_size) {
      return ParseError(ErrorCode::kBadValue, at + 2, "spec_id.digest_size",
                        std::string(HashAlgName(*known)) + " digests are " +
                            std::to_string(DigestLen(*known)) + " bytes, header says " +
                            std::to_string(a.digest_size));
    }
    for (const SpecIdAlgorithm& prev : s.algorithms) {
      if (prev.algorithm_id == a.algorithm_id) {
        return ParseError(ErrorCode::kBadValue, at, "spec_id.algorithm_id",
                          "algorithm listed twice");
      }
    }
    s.algorithms.push_back(a);
  }
  CCV_ASSIGN_OR_RETURN(s.vendor_info_size, r.ReadU8("spec_id.vendor_info_size"));
  size_t have = std::min<size_t>(s.vendor_info_size, r.Remaining());
  Bytes vi = r.Rest().first(have);
  s.vendor_info.assign(vi.begin(), vi.end());
  s.vendor_info_truncated = have < s.vendor_info_size;
  CCV_RETURN_IF_ERROR(r.Skip(have, "spec_id.vendor_info"));
  CCV_RETURN_IF_ERROR(r.ExpectEmpty("spec_id"));
  return s;
}

std::string_view TcgLogEndName(TcgLogEnd end) {
  switch (end) {
    case TcgLogEnd::kEndOfData: return "end_of_data";
    case TcgLogEnd::kPaddingFF: return "padding_ff";
    case TcgLogEnd::kPaddingZero: return "padding_zero";
    case TcgLogEnd::kTrailingBytes: return "trailing_bytes";
  }
  return "unknown";
}

TcgEventReader::TcgEventReader(ChunkedSource* source, TcgReadOptions options)
    : src_(source), options_(options) {}

Status TcgEventReader::TruncatedAt(uint64_t offset, std::string_view field, uint64_t need,
                                   uint64_t have) const {
  return ParseError(ErrorCode::kTruncated, offset, field,
                    "expected " + std::to_string(need) + " bytes, " + std::to_string(have) +
                        " left");
}

Status TcgEventReader::Start() {
  if (started_) return Status::Ok();
  started_ = true;
  return ReadRecord0();
}

// Record 0 is always a TCG_PCR_EVENT. A crypto-agile log marks itself with an
// EV_NO_ACTION record whose data is a TCG_EfiSpecIdEvent (PFP 10.4.5.1).
Status TcgEventReader::ReadRecord0() {
  CCV_RETURN_IF_ERROR(ReadEvent1());
  const TcgEvent& e = event_;
  bool spec_id03 = e.untrusted_type == kEvNoAction &&
                   e.data.size() >= fmt::kSpecIdSignatureLen &&
                   AsChars(e.data.first(fmt::kSpecIdSignatureLen)) == fmt::kSpecIdSignature03;
  if (spec_id03) {
    CCV_ASSIGN_OR_RETURN(SpecIdEvent s, ParseSpecIdEvent(e.data, e.data_offset));
    if (options_.ccel && e.untrusted_pcr_index > 1) {
      return ParseError(ErrorCode::kBadValue, e.offset, "pcr_index",
                        "CCEL Spec ID header at MR index " +
                            std::to_string(e.untrusted_pcr_index) + " (expected 0 or 1)");
    }
    format_ = TcgLogFormat::kCryptoAgile;
    algs_ = s.algorithms;
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
  if (w.size() >= 8) {
    uint32_t pcr = LoadU32Le(w.data()), type = LoadU32Le(w.data() + 4);
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

// TCG_PCR_EVENT: pcrIndex, eventType, digest[20], eventSize, event.
Status TcgEventReader::ReadEvent1() {
  const uint64_t at = src_->Offset();
  CCV_ASSIGN_OR_RETURN(Bytes w, src_->Peek(fmt::kPcrEventHeaderLen));
  if (w.size() < fmt::kPcrEventHeaderLen) {
    return ParseError(ErrorCode::kTruncated, at, "tcg_pcr_event",
                      "expected a " + std::to_string(fmt::kPcrEventHeaderLen) +
                          "-byte TCG_PCR_EVENT header, " + std::to_string(w.size()) +
                          " bytes left");
  }
  uint32_t size = LoadU32Le(w.data() + 28);
  uint64_t total = fmt::kPcrEventHeaderLen + uint64_t(size);
  if (w.size() < total) {
    // With the input size known, a short input is reported as such before
    // the streaming limit applies, so memory and streamed reads agree.
    std::optional<uint64_t> all = src_->TotalSize();
    if (all && *all - at < total) {
      return ParseError(ErrorCode::kTruncated, at + 28, "event_size",
                        "event size " + std::to_string(size) + " exceeds the " +
                            std::to_string(*all - at - fmt::kPcrEventHeaderLen) +
                            " bytes left");
    }
    if (total > fmt::kMaxStreamedRecordLen) {
      return ParseError(ErrorCode::kLimitExceeded, at + 28, "event_size",
                        "event size " + std::to_string(size) + " exceeds the streaming limit");
    }
    CCV_ASSIGN_OR_RETURN(w, src_->Peek(total));
    if (w.size() < total) {
      return ParseError(ErrorCode::kTruncated, at + 28, "event_size",
                        "event size " + std::to_string(size) + " exceeds the " +
                            std::to_string(w.size() - fmt::kPcrEventHeaderLen) +
                            " bytes left");
    }
  }
  TcgEvent& e = event_;
  e.record = next_record_;
  e.offset = at;
  e.length = total;
  e.untrusted_pcr_index = LoadU32Le(w.data());
  e.untrusted_type = LoadU32Le(w.data() + 4);
  e.num_digests = 1;
  e.digests[0] = {kTpmAlgSha1, w.subspan(8, fmt::kSha1DigestLen)};
  e.data = w.subspan(fmt::kPcrEventHeaderLen, size);
  e.data_offset = at + fmt::kPcrEventHeaderLen;
  return Status::Ok();
}

// TCG_PCR_EVENT2: pcrIndex, eventType, TPML_DIGEST_VALUES, eventSize, event.
Status TcgEventReader::ReadEvent2() {
  const uint64_t at = src_->Offset();
  CCV_ASSIGN_OR_RETURN(Bytes w, src_->Peek(fmt::kPcrEvent2MinLen));
  // AtEnd() ensured at least kPcrEvent2MinLen bytes.
  uint32_t count = LoadU32Le(w.data() + fmt::kPcrEvent2CountOffset);
  if (count > fmt::kMaxAlgorithms) {
    return ParseError(ErrorCode::kLimitExceeded, at + fmt::kPcrEvent2CountOffset,
                      "digest_count",
                      "digest count " + std::to_string(count) + " (at most " +
                          std::to_string(fmt::kMaxAlgorithms) + ")");
  }
  // A record may carry fewer digests than the header lists (tpm2-tools
  // fixtures do); each must be of a declared algorithm, none twice.
  if (count > algs_.size()) {
    return ParseError(ErrorCode::kBadValue, at + fmt::kPcrEvent2CountOffset, "digest_count",
                      "digest count " + std::to_string(count) + ", the Spec ID header lists " +
                          std::to_string(algs_.size()) + " algorithms");
  }
  // Walk the digests, pulling more bytes as needed.
  size_t pos = 12;
  TcgEvent& e = event_;
  for (uint32_t i = 0; i < count; ++i) {
    if (w.size() < pos + 2) {
      CCV_ASSIGN_OR_RETURN(w, src_->Peek(pos + 2));
      if (w.size() < pos + 2) return TruncatedAt(at + pos, "digests.hash_alg", 2, w.size() - pos);
    }
    uint16_t alg = LoadU16Le(w.data() + pos);
    size_t dlen = 0;
    for (const SpecIdAlgorithm& a : algs_) {
      if (a.algorithm_id == alg) dlen = a.digest_size;
    }
    if (dlen == 0) {
      return ParseError(ErrorCode::kBadValue, at + pos, "digests.hash_alg",
                        "algorithm 0x" + ToHex(std::array<uint8_t, 2>{uint8_t(alg >> 8),
                                                                      uint8_t(alg)}) +
                            " is not declared in the Spec ID header");
    }
    for (uint32_t j = 0; j < i; ++j) {
      if (e.digests[j].algorithm_id == alg) {
        return ParseError(ErrorCode::kBadValue, at + pos, "digests.hash_alg",
                          "algorithm listed twice in one record");
      }
    }
    e.digests[i].algorithm_id = alg;
    pos += 2;
    if (w.size() < pos + dlen) {
      CCV_ASSIGN_OR_RETURN(w, src_->Peek(pos + dlen));
      if (w.size() < pos + dlen) {
        return TruncatedAt(at + pos, "digests.digest", dlen, w.size() - pos);
      }
    }
    pos += dlen;
  }
  if (w.size() < pos + 4) {
    CCV_ASSIGN_OR_RETURN(w, src_->Peek(pos + 4));
    if (w.size() < pos + 4) return TruncatedAt(at + pos, "event_size", 4, w.size() - pos);
  }
  uint32_t size = LoadU32Le(w.data() + pos);
  const size_t size_pos = pos;
  pos += 4;
  uint64_t total = pos + uint64_t(size);
  if (w.size() < total) {
    std::optional<uint64_t> all = src_->TotalSize();
    if (all && *all - at < total) {
      return ParseError(ErrorCode::kTruncated, at + size_pos, "event_size",
                        "event size " + std::to_string(size) + " exceeds the " +
                            std::to_string(*all - at - pos) + " bytes left");
    }
    if (total > fmt::kMaxStreamedRecordLen) {
      return ParseError(ErrorCode::kLimitExceeded, at + size_pos, "event_size",
                        "event size " + std::to_string(size) + " exceeds the streaming limit");
    }
    CCV_ASSIGN_OR_RETURN(w, src_->Peek(total));
    if (w.size() < total) {
      return ParseError(ErrorCode::kTruncated, at + size_pos, "event_size",
                        "event size " + std::to_string(size) + " exceeds the " +
                            std::to_string(w.size() - pos) + " bytes left");
    }
  }
  // Re-take the digest views from the final window (Peek may have moved it).
  size_t dpos = 12;
  for (uint32_t i = 0; i < count; ++i) {
    dpos += 2;
    size_t dlen = 0;
    for (const SpecIdAlgorithm& a : algs_) {
      if (a.algorithm_id == e.digests[i].algorithm_id) dlen = a.digest_size;
    }
    e.digests[i].digest = w.subspan(dpos, dlen);
    dpos += dlen;
  }
  e.record = next_record_;
  e.offset = at;
  e.length = total;
  e.untrusted_pcr_index = LoadU32Le(w.data());
  e.untrusted_type = LoadU32Le(w.data() + 4);
  e.num_digests = count;
  e.data = w.subspan(pos, size);
  e.data_offset = at + pos;
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
    if (format_ == TcgLogFormat::kCryptoAgile) {
      CCV_RETURN_IF_ERROR(ReadEvent2());
    } else {
      CCV_RETURN_IF_ERROR(ReadEvent1());
    }
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
