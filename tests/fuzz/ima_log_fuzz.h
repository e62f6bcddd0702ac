// Shared body of the IMA ascii and binary list harnesses: the reader (in
// batches of a few entries), the template decoders and the replay.
#ifndef CCV_TESTS_FUZZ_IMA_LOG_FUZZ_H_
#define CCV_TESTS_FUZZ_IMA_LOG_FUZZ_H_

#include <vector>

#include "parsers/ima_log.h"
#include "parsers/ima_template.h"
#include "tests/fuzz/fuzz_util.h"
#include "verifier/replay/ima_replay.h"

namespace ccv::fuzz {

inline void FuzzImaLog(const uint8_t* data, size_t size, ima::LogFormat format) {
  Bytes in = AsInput(data, size);
  ima::ReadOptions read;
  read.format = format;
  read.max_batch = 3;
  ima::LogReader reader(ima::SpanSource(in), read);
  std::vector<ima::Entry> batch;
  uint64_t entries = 0;
  Status status;
  while (true) {
    batch.clear();
    status = reader.NextBatch(&batch);
    if (!status.ok() || batch.empty()) break;
    for (const ima::Entry& e : batch) {
      CCV_FUZZ_CHECK(e.index == entries);
      ++entries;
      // Decoding a template we know must not crash on any data.
      auto fields = ima::DecodeTemplateData(e.template_name, e.template_data, 0, read.endian);
      if (!fields.ok()) CheckParseStatus(fields.status());
    }
  }
  if (!status.ok()) CheckParseStatus(status);

  // Replay, on one register convention or the other (each reader costs a
  // 1 MiB buffer: one replay per input keeps the harness fast).
  {
    replay::ImaReplayOptions options;
    options.register_kind =
        size % 2 ? replay::ImaRegisterKind::kRtmr : replay::ImaRegisterKind::kPcr;
    ima::ReadOptions plain;
    plain.format = format;
    auto r = replay::ReplayImaBytes(in, plain, options);
    if (!r.ok()) {
      CheckParseStatus(r.status());
    } else {
      // Whatever the batch size, the reader sees the same list.
      CCV_FUZZ_CHECK(status.ok());
      CCV_FUZZ_CHECK(r->entries == entries);
    }
  }
}

}  // namespace ccv::fuzz

#endif  // CCV_TESTS_FUZZ_IMA_LOG_FUZZ_H_
