// TCG PC Client event logs: the crypto-agile format (TCG_PCR_EVENT2 records
// after a "Spec ID Event03" header, TCG PC Client PFP rev 1.05 section 10.2)
// and the SHA1 format (TCG_PCR_EVENT records, TCG EFI Protocol 1.22 / the
// TCG 1.2 layout). The TDX CCEL log area is the crypto-agile format with
// CC measurement-register indices (see ccel.h).
//
// Parsing does not mean trusting: the PCR index and event type are named
// untrusted_* because nothing has checked them against a register yet. Every
// length and count is checked against the bytes present before use.
//
// TcgEventReader yields one record at a time from a ChunkedSource; the views
// in a TcgEvent stay valid until the next call to Next(). ParseTcgLog() is the
// convenience form that copies every record of a small log. Not thread-safe.
#ifndef CCV_PARSERS_TCG_EVENT_LOG_H_
#define CCV_PARSERS_TCG_EVENT_LOG_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parsers/chunked_source.h"
#include "parsers/core/byte_reader.h"
#include "parsers/core/result.h"
#include "parsers/tcg_event_log_format.h"

namespace ccv::parsers {

struct SpecIdAlgorithm {
  uint16_t algorithm_id = 0;  // TPM_ALG_ID; may be one we cannot hash
  uint16_t digest_size = 0;
};

// TCG_EfiSpecIdEvent (PFP 10.4.5.1).
struct SpecIdEvent {
  uint32_t platform_class = 0;
  uint8_t spec_version_minor = 0;
  uint8_t spec_version_major = 0;
  uint8_t spec_errata = 0;
  uint8_t uintn_size = 0;
  std::vector<SpecIdAlgorithm> algorithms;
  uint8_t vendor_info_size = 0;  // as declared
  std::vector<uint8_t> vendor_info;
  // vendorInfoSize declared more bytes than the event holds (seen in a
  // tpm2-tools fixture); vendor_info then holds only the bytes present.
  bool vendor_info_truncated = false;
};

// Parses the event data of a Spec ID header; `offset` is its absolute offset.
// Errors: kBadMagic (signature), kTruncated, kBadLength / kLimitExceeded
// (algorithm count), kBadValue (digest size 0, a known algorithm with a
// wrong size, a duplicate algorithm).
Result<SpecIdEvent> ParseSpecIdEvent(Bytes data, uint64_t offset);

enum class TcgLogFormat { kCryptoAgile, kSha1 };

struct TcgDigestView {
  uint16_t algorithm_id = 0;
  Bytes digest;  // aliases the input
};

// One record. Views alias the reader's window (valid until the next Next()).
struct TcgEvent {
  uint64_t record = 0;               // 0 = first record in the file (the Spec ID header)
  uint64_t offset = 0;               // absolute byte offset of the record
  uint64_t length = 0;               // record length in bytes, header included
  uint32_t untrusted_pcr_index = 0;  // PCR or CC MR index as written
  uint32_t untrusted_type = 0;
  uint32_t num_digests = 0;
  std::array<TcgDigestView, tcg_format::kMaxAlgorithms> digests;
  Bytes data;
  uint64_t data_offset = 0;
};

// How the log ended.
enum class TcgLogEnd {
  kEndOfData,      // the input ended at a record boundary
  kPaddingFF,      // a record header of all 0xFF (PCR and type 0xFFFFFFFF)
  kPaddingZero,    // an all-zero record header
  kTrailingBytes,  // fewer bytes than a record header, not padding
};
std::string_view TcgLogEndName(TcgLogEnd end);

struct TcgReadOptions {
  // CCEL log area: requires the crypto-agile format and accepts the Spec ID
  // header at MR index 0 or 1 (TPM logs: any PCR index is read as written).
  bool ccel = false;
};

class TcgEventReader {
 public:
  // `source` is not owned and must outlive the reader.
  explicit TcgEventReader(ChunkedSource* source, TcgReadOptions options = {});
  TcgEventReader(const TcgEventReader&) = delete;
  TcgEventReader& operator=(const TcgEventReader&) = delete;

  // Reads record 0 and decides the format. Called by the first Next() if not
  // called before. Errors: kTruncated (empty input or short record 0), the
  // errors of ParseSpecIdEvent, kBadValue for a CCEL log in SHA1 format.
  Status Start();

  // The next record, or nullptr at the end of the log (see end()). Errors
  // name the absolute offset and field: kTruncated (a header, digest or event
  // data beyond the input), kLimitExceeded / kBadValue (digest count), kBadValue
  // (an algorithm the Spec ID header does not declare).
  Result<const TcgEvent*> Next();

  TcgLogFormat format() const { return format_; }
  // Present for crypto-agile logs.
  const std::optional<SpecIdEvent>& spec_id() const { return spec_id_; }
  uint64_t num_records() const { return next_record_; }
  // Valid once Next() returned nullptr.
  TcgLogEnd end() const { return end_; }
  uint64_t end_offset() const { return end_offset_; }
  uint64_t trailing_len() const { return trailing_len_; }

 private:
  Status ReadRecord0();
  Result<bool> AtEnd();  // checks for the end of the log at a record boundary
  // Reads the record at the current offset into event_: a TCG_PCR_EVENT2 if
  // `agile`, else a TCG_PCR_EVENT.
  Status ReadEvent(bool agile);
  // The fields before the event data, from `r` (positioned at the record);
  // sets event_'s index, type and digests and returns eventSize.
  Result<uint32_t> ReadEvent1Header(ByteReader* r);
  Result<uint32_t> ReadEvent2Header(ByteReader* r);
  // A window holding the whole record at `at` whose event data of `size`
  // bytes starts `data_pos` bytes into it. `w` is the current window.
  Result<Bytes> PeekRecord(Bytes w, uint64_t at, size_t data_pos, uint32_t size);
  // Digest size the Spec ID header declares for `alg`, 0 if not declared.
  size_t DeclaredDigestLen(uint16_t alg) const;

  ChunkedSource* src_;
  TcgReadOptions options_;
  bool started_ = false;
  bool done_ = false;
  bool record0_pending_ = false;  // record 0 is a regular SHA1 event to return
  TcgLogFormat format_ = TcgLogFormat::kSha1;
  std::optional<SpecIdEvent> spec_id_;
  // Digest size per algorithm id of the Spec ID header (linear scan: few).
  std::vector<SpecIdAlgorithm> algs_;
  // Longest TCG_PCR_EVENT2 header (up to eventSize) the algorithms allow.
  size_t max_event2_header_len_ = 0;
  TcgEvent event_;
  uint64_t next_record_ = 0;
  TcgLogEnd end_ = TcgLogEnd::kEndOfData;
  uint64_t end_offset_ = 0;
  uint64_t trailing_len_ = 0;
};

// Owned copy of a record, for small logs and tests.
struct TcgDigestValue {
  uint16_t algorithm_id = 0;
  std::vector<uint8_t> digest;
};
struct TcgEventRecord {
  uint64_t record = 0;
  uint64_t offset = 0;
  uint32_t untrusted_pcr_index = 0;
  uint32_t untrusted_type = 0;
  std::vector<TcgDigestValue> digests;
  std::vector<uint8_t> data;
  uint64_t data_offset = 0;
};
TcgEventRecord ToRecord(const TcgEvent& event);

struct TcgLog {
  TcgLogFormat format = TcgLogFormat::kSha1;
  std::optional<SpecIdEvent> spec_id;
  std::vector<TcgEventRecord> events;  // every record, the Spec ID header included
  TcgLogEnd end = TcgLogEnd::kEndOfData;
  uint64_t end_offset = 0;
  uint64_t trailing_len = 0;
};

// Parses a whole log held in memory.
Result<TcgLog> ParseTcgLog(Bytes data, TcgReadOptions options = {});

}  // namespace ccv::parsers

#endif  // CCV_PARSERS_TCG_EVENT_LOG_H_
