// Streaming readers for the two forms of the Linux IMA runtime measurement
// list: ascii_runtime_measurements and binary_runtime_measurements
// (security/integrity/ima/ima_fs.c). Entries come out in batches that alias
// the reader's buffers, so a list of millions of entries is read in bounded
// memory with no allocation per entry.
//
// Fields are "untrusted": listed_hash is what the list claims; the replay in
// verifier/replay/ima_replay.h recomputes it.
//
// Thread safety: an ImaLogReader is not thread-safe; the entries of a batch
// may be read from several threads until the next NextBatch() call.
#ifndef CCV_PARSERS_IMA_LOG_H_
#define CCV_PARSERS_IMA_LOG_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/hash_alg.h"
#include "parsers/core/hex.h"
#include "parsers/core/result.h"
#include "parsers/ima_template.h"

namespace ccv::ima {

enum class LogFormat : uint8_t { kAscii, kBinary };

// Fills `out` with up to out.size() bytes and returns how many were written;
// 0 means end of input. Parsers do no I/O: the caller supplies the bytes.
using ChunkSource = std::function<Result<size_t>(std::span<uint8_t> out)>;

// A source over bytes in memory. `data` must outlive the source.
ChunkSource SpanSource(Bytes data);

struct ReadOptions {
  LogFormat format = LogFormat::kAscii;
  // Algorithm of the listed template hash. Binary lists do not say it: unset,
  // the reader tries 20, 32, 48 and 64 bytes on the first entry and keeps the
  // one that gives a plausible template name. Ascii lists: unset, taken from
  // the hex length (40 sha1, 64 sha256, 96 sha384, 128 sha512).
  std::optional<HashAlg> listed_hash_alg;
  // Byte order of the u32 fields (binary lists and template data) of the
  // kernel that wrote the list: little-endian on x86 or with ima_canonical_fmt.
  Endian endian = Endian::kLittle;
  // Most entries per batch.
  size_t max_batch = 4096;
  // Bytes of the first read buffer (it doubles, up to the entry limit, when
  // an entry does not fit). Small values suit short lists held in memory.
  size_t initial_buffer = size_t{1} << 20;
  // Where the source starts within the list, for a reader resuming after
  // entries read before (an incremental replay): the byte offset, index and
  // ascii line of its first entry, which entries and errors then report.
  uint64_t start_offset = 0;
  uint64_t start_index = 0;
  uint64_t start_line = 1;
};

// One list entry. Views alias the reader's buffers until the next batch.
struct Entry {
  uint64_t index = 0;   // from 0, in list order
  uint64_t offset = 0;  // byte offset of the entry (ascii: of its line)
  uint64_t line = 0;    // 1-based line of an ascii list, 0 for binary
  uint32_t pcr = 0;     // register index field (PCR, or RTMR index on cc-api TDX)
  Digest listed_hash;   // template hash as listed (untrusted)
  std::string_view template_name;
  // The bytes whose hash is the template hash: per field u32 len || bytes, or
  // for the legacy "ima" template the 20-byte digest || name padded to 256.
  Bytes template_data;
  uint64_t template_data_offset = 0;   // binary: offset of the data in the file
  const TemplateDesc* desc = nullptr;  // nullptr: a template we do not know
  // An all-zero listed template hash marks a violation (DESIGN §2).
  bool violation() const { return AllBytesEqual(listed_hash.span(), 0); }
};

class LogReader {
 public:
  LogReader(ChunkSource source, ReadOptions options);
  LogReader(const LogReader&) = delete;
  LogReader& operator=(const LogReader&) = delete;

  // Replaces *out with the next entries (at most max_batch). An empty batch
  // with OK status means the end of the list. Errors: binary lists give the
  // byte offset and field (kTruncated, kBadLength, kBadValue); ascii lists
  // give line and column. After an error the reader stays failed.
  Status NextBatch(std::vector<Entry>* out);

  // After a successful NextBatch, hands the caller the memory that holds
  // every entry's template data, swapping it with *storage (whose memory the
  // reader then reuses), so the data, now the caller's, stays valid after
  // the next NextBatch: for an ascii list the arena of rebuilt data (the
  // template names still point into the read buffer); for a binary list the
  // read buffer itself, names included (what the reader has not parsed yet
  // is copied to the start of *storage first). Returns false, swapping
  // nothing, after an error, when a binary batch also has data in the arena
  // (legacy "ima" entries) or when the read buffer grew beyond its first
  // size for a large entry (the caller then copies the batch).
  bool TakeTemplateStorage(std::vector<uint8_t>* storage);

  uint64_t entries_read() const { return next_index_; }
  // Byte offset in the list just past the last entry returned (at the end of
  // the list: the end of its last entry).
  uint64_t offset() const { return buf_file_offset_ + begin_; }
  // The ascii line after the last entry returned.
  uint64_t next_line() const { return next_line_; }
  // Listed template hash algorithm (known after the first entry).
  std::optional<HashAlg> listed_hash_alg() const { return listed_alg_; }

 private:
  Status Fill();
  // Moves the unparsed bytes buf_[begin_, end_) to start at buf_[at] (at 0
  // if they would not fit there).
  void Place(size_t at);
  // Parses one entry from buf_[begin_, end_). Returns OK and sets *need_more
  // when the entry is incomplete and more input may follow.
  Status ParseBinary(Entry* e, bool* need_more);
  // ParseBinary for a whole, well-formed entry of a known template in the
  // buffer; false (nothing consumed) sends it through the checked path.
  bool ParseBinaryFast(Entry* e);
  // ParseAscii's rebuild of ima-ng data (the common template) from the
  // fields after the name; false (nothing appended) sends the line through
  // RebuildTemplateData, which reports what is wrong.
  bool RebuildNgFast(std::string_view fields, Entry* e);
  // Appends ima-ng template data: `alg` "<name>:" (with the colon), the
  // digest of `digest_len` bytes from `hex`, and `path`; false (nothing
  // appended) if `hex` is not hex.
  bool AppendNgData(std::string_view alg, size_t digest_len, std::string_view hex,
                    std::string_view path, Entry* e);
  // ParseAscii for a whole line of the previous line's template when that is
  // ima-ng, checked field by field where it must end instead of searching
  // for the newline first; false (nothing consumed) sends the line through
  // ParseAscii. Accepts exactly the lines ParseAscii accepts through
  // RebuildNgFast, with the same entry.
  bool ParseAsciiNgLine(Entry* e);
  Status ParseAscii(Entry* e, bool* need_more);
  Status DetectBinaryHashLen();
  // Bytes of the first read buffer (ReadOptions::initial_buffer, clamped).
  size_t InitialBufferLen() const;

  ChunkSource source_;
  ReadOptions options_;
  const TemplateDesc* last_desc_ = nullptr;  // the previous entry's template
  std::vector<uint8_t> buf_;
  size_t begin_ = 0;
  size_t end_ = 0;
  // File offset of buf_[0], modulo 2^64: the bytes before begin_ are only
  // alignment, and at the start of a source they lie before its offset 0.
  uint64_t buf_file_offset_ = 0;
  bool eof_ = false;
  Status failed_;
  uint64_t next_index_ = 0;
  uint64_t next_line_ = 1;
  std::optional<HashAlg> listed_alg_;
  // For ParseAsciiNgLine: the template name and its space (of ng_name_for_),
  // and the last line's digest algorithm with its colon and digest length.
  ShortText ng_name_;
  const TemplateDesc* ng_name_for_ = nullptr;
  ShortText ng_alg_;
  size_t ng_digest_len_ = 0;
  // ParseBinaryFast's check of ima-ng data.
  NgDataCheck ng_check_;
  // Rebuilt template data (ascii lists, legacy "ima" entries) of the batch.
  std::vector<uint8_t> arena_;
  std::vector<size_t> arena_pos_;  // per entry: offset in arena_, or SIZE_MAX
  std::vector<std::string_view> tokens_;
  std::vector<DecodedField> fields_;
};

// The bank of a per-bank list from its file name: the kernel writes
// ascii_runtime_measurements_<algo> (and binary_...) for each TPM bank, e.g.
// _sha256 or _sm3, where the template hash column is in that bank. Nullopt
// for any other name (the hash length then decides). A 32-byte column is
// SHA-256 unless the name says SM3.
std::optional<HashAlg> ListedHashAlgOfFileName(std::string_view path);

// Guesses the form from the first bytes: an ascii list starts with optional
// spaces, decimal digits and a space; anything else is read as binary.
LogFormat DetectLogFormat(Bytes head);

// Stricter checks for format auto-detection (parsers/log_detect.h): an ascii
// list's first line starts "<index> <40/64/96/128 hex digits> <name>"; a
// binary list's first entry has a known template name after a 20, 32, 48 or
// 64-byte template hash (little-endian).
bool LooksLikeAsciiList(Bytes head);
bool LooksLikeBinaryList(Bytes head);

// The listed-hash algorithm of a hex length (40, 64, 96, 128), if any.
std::optional<HashAlg> HashAlgFromHexLen(size_t hex_len);

}  // namespace ccv::ima

#endif  // CCV_PARSERS_IMA_LOG_H_
