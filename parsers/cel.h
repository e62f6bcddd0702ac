// TCG Canonical Event Log: records in memory, the TLV and JSON encodings
// (read and write). JSON follows CEL-JSON (an array of records, or an object
// whose "records" member is one, as systemd-pcrlock writes it):
//   {"recnum": N, "pcr": N | "nv_index": N | "ccmr": N,
//    "digests": [{"hashAlg": "sha256", "digest": "<hex>"}],
//    "content_type": "pcclient_std" | "ima_template" | N,
//    "content": {"event_type": N, "event_data": "<hex>"} |
//               {"template_name": "...", "template_data": "<hex>"} | "<hex raw>"}
// as libcel (whooo/libcel) writes it: data in hex, hashAlg and event_type as
// names or numbers. Reading also takes base64 data where it is not hex.
// Records own their bytes. Thread safety: value types and pure functions.
#ifndef CCV_PARSERS_CEL_H_
#define CCV_PARSERS_CEL_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/base64.h"
#include "parsers/core/byte_reader.h"
#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"

namespace ccv::cel {

enum class IndexType : uint8_t { kPcr = 1, kNvIndex = 2, kCcmr = 108 };

struct Record {
  uint64_t recnum = 0;
  IndexType index_type = IndexType::kPcr;
  uint32_t index = 0;
  std::vector<Digest> digests;
  // 0: none (e.g. systemd-pcrlock records). Otherwise a CEL content type.
  uint8_t content_type = 0;
  std::string content_type_name;  // JSON: a name we do not know, kept as read
  // PCCLIENT_STD content.
  uint32_t event_type = 0;
  std::vector<uint8_t> event_data;
  // IMA_TEMPLATE content.
  std::string template_name;
  std::vector<uint8_t> template_data;
  // Any other content type: the raw TLV value.
  std::vector<uint8_t> content;
  uint64_t offset = 0;  // TLV: byte offset of the record; JSON: record index
};

// Parses CEL-TLV. Errors: kTruncated / kBadLength (offset of the TLV),
// kBadValue (a record without RECNUM first, without an index or digests, an
// unknown digest algorithm or a digest of the wrong size), kLimitExceeded.
Result<std::vector<Record>> ParseTlv(Bytes data);
struct JsonOptions {
  // Resolves an event_type given as a name ("EV_NO_ACTION", also lowercase);
  // unset: only numbers are accepted.
  std::function<std::optional<uint32_t>(std::string_view)> event_type_from_name;
};
// Parses CEL-JSON. Errors: kBadValue naming the record index and member.
Result<std::vector<Record>> ParseJson(std::string_view text, const JsonOptions& options = {});

enum class Encoding : uint8_t { kTlv, kJson };
// TLV if the input starts with a RECNUM TLV of 1..8 bytes, an index TLV and a
// DIGESTS header; JSON if it starts with '[' or '{' after white space;
// nullopt otherwise.
std::optional<Encoding> DetectEncoding(Bytes head);

// Encodes records. TLV: RECNUM as 8 bytes, PCR/CCMR index as 1 byte (4 if
// larger than 255), NV index as 4 bytes, integers big-endian.
std::vector<uint8_t> WriteTlv(const std::vector<Record>& records);
std::string WriteJson(const std::vector<Record>& records);

// The CEL-JSON content encodings (parsers/core/base64.h).
using ::ccv::Base64Decode;
using ::ccv::Base64Encode;

// "pcclient_std", "ima_template", "cel_mgt", "ima_tlv", or "" for others.
std::string_view ContentTypeName(uint8_t type);

}  // namespace ccv::cel

#endif  // CCV_PARSERS_CEL_H_
