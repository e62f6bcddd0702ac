#include "parsers/log_detect.h"

#include <array>
#include <utility>

#include "parsers/ccel_format.h"
#include "parsers/cel.h"
#include "parsers/core/hash_alg.h"
#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "parsers/ima_log.h"
#include "parsers/tcg_event_log.h"
#include "parsers/tcg_event_log_format.h"
#include "parsers/td_report.h"
#include "parsers/tdx_quote.h"
#include "parsers/tdx_quote_format.h"

namespace ccv::parsers {
namespace {

constexpr std::pair<LogFormat, std::string_view> kFormatNames[] = {
    {LogFormat::kUnknown, "unknown"},
    {LogFormat::kTcg2, "tcg2"},
    {LogFormat::kTcgSha1Legacy, "tcg-sha1-legacy"},
    {LogFormat::kCcel, "ccel"},
    {LogFormat::kCcelAcpiTable, "ccel-acpi-table"},
    {LogFormat::kImaAscii, "ima-ascii"},
    {LogFormat::kImaBinary, "ima-binary"},
    {LogFormat::kCelTlv, "cel-tlv"},
    {LogFormat::kCelJson, "cel-json"},
    {LogFormat::kTdxQuote, "tdx-quote"},
    {LogFormat::kTdReport, "td-report"},
};

}  // namespace

std::string_view LogFormatName(LogFormat format) {
  for (const auto& [f, name] : kFormatNames) {
    if (f == format) return name;
  }
  return "unknown";
}

std::optional<LogFormat> LogFormatFromName(std::string_view name) {
  for (const auto& [f, n] : kFormatNames) {
    if (n == name) return f;
  }
  return std::nullopt;
}

LogFormat DetectTcgFormat(Bytes head, uint64_t total_len) {
  namespace tf = tcg_format;
  if (total_len == ccel_format::kTableLen && head.size() >= 4 &&
      AsChars(head.first(4)) == ccel_format::kSignature) {
    return LogFormat::kCcelAcpiTable;
  }
  // The first record of either format is a TCG_PCR_EVENT.
  ByteReader r(head);
  Result<uint32_t> pcr_index = r.ReadU32Le("pcr_index");
  Result<uint32_t> event_type = r.ReadU32Le("event_type");
  Status digest = r.Skip(tf::kSha1DigestLen, "digest");
  Result<uint32_t> event_size = r.ReadU32Le("event_size");
  if (!pcr_index.ok() || !event_type.ok() || !digest.ok() || !event_size.ok()) {
    return LogFormat::kUnknown;
  }
  const uint32_t pcr = *pcr_index, type = *event_type, size = *event_size;
  if (uint64_t(size) + tf::kPcrEventHeaderLen > total_len) return LogFormat::kUnknown;
  Bytes data = r.Rest();
  if (data.size() > size) data = data.first(size);
  if (type == kEvNoAction && data.size() >= tf::kSpecIdSignatureLen &&
      AsChars(data.first(tf::kSpecIdSignatureLen)) == tf::kSpecIdSignature03) {
    if (pcr == 1) return LogFormat::kCcel;
    Result<SpecIdEvent> s = ParseSpecIdEvent(data, tf::kPcrEventHeaderLen);
    if (s.ok() && s->algorithms.size() == 1 && s->algorithms[0].algorithm_id == kTpmAlgSha384) {
      return LogFormat::kCcel;
    }
    return LogFormat::kTcg2;
  }
  // A SHA1-format first record: a plausible PCR index and a known event
  // type other than EV_PREBOOT_CERT (0), which no firmware logs first: zero
  // bytes (a nonce, padding) are not a log.
  bool known_type = type != 0 && !EventTypeName(type).empty();
  if ((pcr <= tf::kMaxPcrIndex || pcr == tf::kVirtualPcrIndex) && known_type) {
    return LogFormat::kTcgSha1Legacy;
  }
  return LogFormat::kUnknown;
}

LogFormat DetectFormat(Bytes head, uint64_t total_len) {
  // Every other format is recognised before the TCG one, where a format
  // could be mistaken for it.
  if (total_len == head.size() && LooksLikeTdReport(head)) return LogFormat::kTdReport;
  if (LooksLikeQuote(head)) return LogFormat::kTdxQuote;
  if (ima::LooksLikeAsciiList(head)) return LogFormat::kImaAscii;
  if (ima::LooksLikeBinaryList(head)) return LogFormat::kImaBinary;
  if (auto cel_enc = cel::DetectEncoding(head)) {
    return *cel_enc == cel::Encoding::kTlv ? LogFormat::kCelTlv : LogFormat::kCelJson;
  }
  return DetectTcgFormat(head, total_len);
}

}  // namespace ccv::parsers
