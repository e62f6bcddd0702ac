// Shared body of the TCG2, SHA1-legacy and CCEL log harnesses: the in-memory
// parse, the streamed replay (pieces of a few bytes) and the event-data
// decoders must agree and never crash.
#ifndef CCV_TESTS_FUZZ_TCG_LOG_FUZZ_H_
#define CCV_TESTS_FUZZ_TCG_LOG_FUZZ_H_

#include "parsers/ccel.h"
#include "parsers/tcg_event_log.h"
#include "parsers/uefi_event.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/testing/sliced_source.h"
#include "verifier/replay/tcg_replay.h"
#include "verifier/report/event_detail.h"

namespace ccv::fuzz {

inline void FuzzTcgLog(const uint8_t* data, size_t size, bool ccel) {
  Bytes in = AsInput(data, size);
  auto log = parsers::ParseTcgLog(in, parsers::TcgReadOptions{.ccel = ccel});
  if (!log.ok()) {
    CheckParseStatus(log.status());
  } else {
    for (const auto& e : log->events) {
      CCV_FUZZ_CHECK(e.offset < size);
      CCV_FUZZ_CHECK(e.data_offset + e.data.size() <= size);
      auto detail = report::DescribeEventData(e.untrusted_type, e.data, e.data_offset);
      (void)detail;
      (void)parsers::EventText(e.data);
    }
  }

  // The streamed replay over a source that hands out 7 bytes per read sees
  // the same records as the in-memory parse. It may stop earlier than the
  // parse, for a value only the replay judges (e.g. a StartupLocality above
  // 4), never later.
  testing::SlicedSource sliced(in, 7);
  parsers::ChunkedSource source(&sliced, 64);
  auto replay = replay::ReplayTcgLog(
      &source, ccel ? replay::RegisterSpace::kCcMr : replay::RegisterSpace::kTpmPcr);
  if (!log.ok()) CCV_FUZZ_CHECK(!replay.ok());
  if (replay.ok()) {
    CCV_FUZZ_CHECK(replay->counts.records == log->events.size());
    CCV_FUZZ_CHECK(replay->end == log->end);
    CCV_FUZZ_CHECK(replay->end_offset == log->end_offset);
    return;
  }
  CheckParseStatus(replay.status());
  if (!log.ok() && replay.status().offset() && log.status().offset()) {
    CCV_FUZZ_CHECK(*replay.status().offset() <= *log.status().offset());
    if (*replay.status().offset() == *log.status().offset()) {
      CCV_FUZZ_CHECK(replay.status().code() == log.status().code());
    }
  }
}

}  // namespace ccv::fuzz

#endif  // CCV_TESTS_FUZZ_TCG_LOG_FUZZ_H_
