#include "agent/cc_eventlog.h"

#include <string>
#include <string_view>

#include "parsers/ccel.h"
#include "parsers/core/hex.h"
#include "parsers/core/register_id.h"
#include "parsers/ima_log.h"

namespace ccv::agent {
namespace {

Status AppendCcel(Bytes ccel_data, std::vector<CcEvent>* out) {
  CCV_ASSIGN_OR_RETURN(parsers::TcgLog log, parsers::ParseCcelLog(ccel_data));
  for (const parsers::TcgEventRecord& r : log.events) {
    CcEvent e;
    e.source = CcEventSource::kCcel;
    e.rec_num = static_cast<uint32_t>(r.record);
    e.event_type = r.untrusted_type;
    std::optional<RegisterId> reg = RegisterId::FromCcMrIndex(r.untrusted_pcr_index);
    if (!reg) {
      return ParseError(ErrorCode::kBadValue, r.offset, "MrIndex",
                        "CC MR index " + std::to_string(r.untrusted_pcr_index) + ", expected 0..4");
    }
    e.imr_index = reg->kind == RegisterId::Kind::kMrtd ? kImrMrtd : reg->index;
    for (const parsers::TcgDigestValue& d : r.digests) {
      std::optional<HashAlg> alg = HashAlgFromTpmAlgId(d.algorithm_id);
      if (!alg || d.digest.size() != DigestLen(*alg)) {
        // The Spec ID header (TCG_PCR_EVENT) has no bank; its 20 zero bytes
        // are not a digest of anything.
        if (r.record == 0 && r.untrusted_type == kEvNoAction) continue;
        return ParseError(ErrorCode::kUnsupported, r.offset, "digests",
                          "algorithm 0x" +
                              ToHex(std::array<uint8_t, 2>{uint8_t(d.algorithm_id >> 8),
                                                           uint8_t(d.algorithm_id)}) +
                              " is not a measurement bank");
      }
      Digest dg = Digest::Zero(*alg);
      std::copy(d.digest.begin(), d.digest.end(), dg.bytes.begin());
      e.digests.push_back(dg);
    }
    e.event = r.data;
    out->push_back(std::move(e));
  }
  return Status::Ok();
}

// The fields after the template name on the ascii line at `offset`.
std::vector<uint8_t> AsciiEventText(Bytes list, uint64_t offset) {
  std::string_view text = AsChars(list.subspan(offset));
  text = text.substr(0, text.find('\n'));
  size_t pos = text.find_first_not_of(' ');
  for (int field = 0; field < 3 && pos != std::string_view::npos; ++field) {
    pos = text.find(' ', pos);
    if (pos != std::string_view::npos) ++pos;
  }
  if (pos == std::string_view::npos) return {};
  std::string_view rest = text.substr(pos);
  return std::vector<uint8_t>(rest.begin(), rest.end());
}

Status AppendIma(Bytes list, std::vector<CcEvent>* out) {
  ima::ReadOptions opts;
  opts.format = ima::DetectLogFormat(list.first(std::min<size_t>(list.size(), 64)));
  ima::LogReader reader(ima::SpanSource(list), opts);
  std::vector<ima::Entry> batch;
  for (;;) {
    CCV_RETURN_IF_ERROR(reader.NextBatch(&batch));
    if (batch.empty()) break;
    if (out->size() + batch.size() > kMaxCcEvents) {
      return Status(ErrorCode::kLimitExceeded,
                    "more than " + std::to_string(kMaxCcEvents) + " events");
    }
    for (const ima::Entry& en : batch) {
      if (en.pcr >= kTdxImrCount) {
        Status s = Status(ErrorCode::kBadValue, "IMA register index " + std::to_string(en.pcr) +
                                                    " is not an RTMR (expected 0..3)")
                       .WithField("pcr")
                       .WithOffset(en.offset);
        return en.line != 0 ? s.WithLine(en.line) : s;
      }
      CcEvent e;
      e.source = CcEventSource::kIma;
      e.rec_num = static_cast<uint32_t>(en.index);
      e.imr_index = en.pcr;
      e.event_type = kImaMeasurementEvent;
      e.digests.push_back(en.listed_hash);
      e.ima_template = std::string(en.template_name);
      if (opts.format == ima::LogFormat::kAscii) {
        e.event = AsciiEventText(list, en.offset);
      } else {
        e.event.assign(en.template_data.begin(), en.template_data.end());
      }
      out->push_back(std::move(e));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<CcEvent>> BuildCcEventlog(Bytes ccel_data, std::optional<Bytes> ima_list) {
  std::vector<CcEvent> events;
  if (Status s = AppendCcel(ccel_data, &events); !s.ok()) return s.WithContext("CCEL log");
  if (ima_list && !ima_list->empty()) {
    if (Status s = AppendIma(*ima_list, &events); !s.ok()) return s.WithContext("IMA list");
  }
  return events;
}

}  // namespace ccv::agent
