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

// First read buffer of the batch reader: small, so that inputs of more than
// a few entries take the buffer-growth and refill paths (and an input does
// not cost a 1 MiB allocation).
inline constexpr size_t kFuzzImaBuffer = 4096;

// Replay threads for an input: 1 (extends on the calling thread) for most
// inputs; 2 (a second thread extends while the caller parses the next batch)
// for one input in 16, chosen by the last byte so that a reproducer replays
// the same way. Starting a thread per input would cost more than the replay
// of a short input; 1 in 16 keeps the threaded hand-off fuzzed at a small
// fraction of that cost.
inline int FuzzImaThreads(const uint8_t* data, size_t size) {
  return size > 0 && data[size - 1] % 16 == 0 ? 2 : 1;
}

inline void FuzzImaLog(const uint8_t* data, size_t size, ima::LogFormat format) {
  Bytes in = AsInput(data, size);
  ima::ReadOptions read;
  read.format = format;
  read.max_batch = 3;
  read.initial_buffer = kFuzzImaBuffer;
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
      // Decoding a template we know must not crash on any data; and the
      // reader returns an entry of a known template only if its data
      // decodes, whether the entry took the checked path or a shortcut.
      auto fields = ima::DecodeTemplateData(e.template_name, e.template_data, 0, read.endian);
      if (!fields.ok()) CheckParseStatus(fields.status());
      CCV_FUZZ_CHECK(e.desc == nullptr || fields.ok());
    }
  }
  if (!status.ok()) CheckParseStatus(status);

  // Replay, on one register convention or the other, with the default batch
  // size and a first buffer of 64 B .. 4 KiB (by the input size), so that
  // entries straddle buffer ends at varied places.
  {
    replay::ImaReplayOptions options;
    options.register_kind = size % 2 ? RegisterId::Kind::kRtmr : RegisterId::Kind::kPcr;
    options.num_threads = FuzzImaThreads(data, size);
    ima::ReadOptions plain;
    plain.format = format;
    plain.initial_buffer = size_t{64} << ((size / 2) % 7);
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
