#include "parsers/ima_log.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "parsers/core/hex.h"
#include "parsers/ima_format.h"

namespace ccv::ima {
namespace {

// Largest entry (binary) or line (ascii) the reader buffers.
constexpr size_t kMaxBufferLen = 2 * kMaxTemplateDataLen + (size_t{1} << 16);
constexpr size_t kNoArena = std::numeric_limits<size_t>::max();
// The read buffer keeps every byte at an address congruent to its offset in
// the source modulo this. A read(2) whose destination address lies 1 to 31
// bytes past its file offset modulo 4096 copied 3-4x slower than others on
// AMD Zen 3 (the kernel's rep movsb): a large buffer from malloc starts 16
// bytes into a page, so the first read of a list from offset 0 did, and
// later reads by chance.
constexpr size_t kReadAlign = 64;

// Where in a buffer at `base` the byte at source offset `offset` goes so that
// both agree modulo kReadAlign.
size_t AlignedStart(const uint8_t* base, uint64_t offset) {
  return size_t((offset - uint64_t(reinterpret_cast<uintptr_t>(base))) % kReadAlign);
}

// Longest digest algorithm name the ascii fast path looks for a ':' in (the
// kernel's names have at most 11 characters); longer ones take the checked
// path.
constexpr size_t kMaxKernelAlgNameLen = 16;

// a == b for the short strings of a list (template names), without a
// library call per entry.
inline bool SameShortString(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Whether `desc` is ima-ng's field list, which RebuildNgFast and
// ParseAsciiNgLine rebuild.
bool IsNg(const TemplateDesc* desc) {
  return desc != nullptr && desc->fields.size() == 2 && desc->fields[0] == FieldId::kDNg &&
         desc->fields[1] == FieldId::kNNg;
}

// *e = Entry{}, field by field (see NextBatch).
void ResetEntry(Entry* e) {
  static_assert(sizeof(void*) != 8 || sizeof(Entry) == 144,
                "a field was added to Entry: reset it here too");
  e->index = 0;
  e->offset = 0;
  e->line = 0;
  e->pcr = 0;
  e->listed_hash.alg = Digest{}.alg;
  e->listed_hash.len = 0;
  std::memset(e->listed_hash.bytes.data(), 0, e->listed_hash.bytes.size());
  e->template_name = {};
  e->template_data = {};
  e->template_data_offset = 0;
  e->desc = nullptr;
}

// The index of the first ' ', NUL or newline in s[i, n), or n: 16 bytes per
// step on x86-64, reading nothing past s[n - 1].
size_t FindSpaceNulOrNewline(const char* s, size_t i, size_t n) {
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(' '), nul = _mm_setzero_si128(), nl = _mm_set1_epi8('\n');
  for (; i + 16 <= n; i += 16) {
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    const int hits = _mm_movemask_epi8(_mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(c, space), _mm_cmpeq_epi8(c, nul)), _mm_cmpeq_epi8(c, nl)));
    if (hits != 0) return i + size_t(__builtin_ctz(unsigned(hits)));
  }
#endif
  while (i < n && s[i] != ' ' && s[i] != '\0' && s[i] != '\n') ++i;
  return i;
}

bool Printable(std::string_view s) {
  for (char c : s) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

}  // namespace

ChunkSource SpanSource(Bytes data) {
  size_t pos = 0;
  return [data, pos](std::span<uint8_t> out) mutable -> Result<size_t> {
    size_t n = std::min(out.size(), data.size() - pos);
    if (n > 0) std::memcpy(out.data(), data.data() + pos, n);
    pos += n;
    return n;
  };
}

std::optional<HashAlg> HashAlgFromHexLen(size_t hex_len) {
  switch (hex_len) {
    case 40:
      return HashAlg::kSha1;
    case 64:
      return HashAlg::kSha256;
    case 96:
      return HashAlg::kSha384;
    case 128:
      return HashAlg::kSha512;
    default:
      return std::nullopt;
  }
}

std::optional<HashAlg> ListedHashAlgOfFileName(std::string_view path) {
  std::string_view name = path.substr(
      path.find_last_of('/') == std::string_view::npos ? 0 : path.find_last_of('/') + 1);
  for (std::string_view stem : {"ascii_runtime_measurements_", "binary_runtime_measurements_"}) {
    if (name.starts_with(stem)) return HashAlgFromName(name.substr(stem.size()));
  }
  return std::nullopt;
}

LogFormat DetectLogFormat(Bytes head) {
  size_t i = 0;
  while (i < head.size() && head[i] == ' ') ++i;
  size_t digits = 0;
  while (i < head.size() && head[i] >= '0' && head[i] <= '9') ++i, ++digits;
  if (digits > 0 && digits <= 10 && i < head.size() && head[i] == ' ') return LogFormat::kAscii;
  return LogFormat::kBinary;
}

bool LooksLikeAsciiList(Bytes head) {
  std::string_view s = AsChars(head);
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  size_t d = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == d || i - d > 10 || i >= s.size() || s[i] != ' ') return false;
  size_t h = ++i;
  while (i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (!HashAlgFromHexLen(i - h) || i >= s.size() || s[i] != ' ') return false;
  size_t n = ++i;
  while (i < s.size() && s[i] > ' ' && s[i] < 0x7f) ++i;
  return i > n && (i == s.size() || s[i] == ' ' || s[i] == '\n');
}

bool LooksLikeBinaryList(Bytes head) {
  if (head.size() < 8) return false;
  ByteReader r(head);
  Result<uint32_t> pcr = r.ReadU32Le("pcr");
  if (!pcr.ok() || *pcr > 1023) return false;
  // The template name follows the template hash, whose length is unknown.
  for (size_t hash_len : {20u, 32u, 48u, 64u}) {
    if (r.Remaining() < hash_len + 4) continue;
    ByteReader entry = r;
    if (!entry.Skip(hash_len, "template_hash").ok()) continue;
    Result<ByteReader> name = entry.ReadU32LengthPrefixed("template_name");
    if (!name.ok() || name->Empty() || name->Size() > kMaxTemplateNameLen) continue;
    if (FindTemplate(AsChars(name->Rest())) != nullptr) return true;
  }
  return false;
}

LogReader::LogReader(ChunkSource source, ReadOptions options)
    : source_(std::move(source)), options_(options) {
  if (options_.max_batch == 0) options_.max_batch = 1;
  listed_alg_ = options_.listed_hash_alg;
  buf_file_offset_ = options_.start_offset;
  next_index_ = options_.start_index;
  next_line_ = options_.start_line;
}

size_t LogReader::InitialBufferLen() const {
  return std::clamp<size_t>(options_.initial_buffer, 64, kMaxBufferLen);
}

Status LogReader::Fill() {
  while (!eof_ && end_ < buf_.size()) {
    CCV_ASSIGN_OR_RETURN(size_t n,
                         source_(std::span<uint8_t>(buf_.data() + end_, buf_.size() - end_)));
    if (n == 0) {
      eof_ = true;
      break;
    }
    if (n > buf_.size() - end_) return Status(ErrorCode::kInternal, "source overran its buffer");
    end_ += n;
  }
  return Status::Ok();
}

Status LogReader::NextBatch(std::vector<Entry>* out) {
  // Entries are parsed in place into the vector's first `count` slots; slots
  // the vector already holds are reset field by field, which costs less than
  // a fresh Entry{} (a string instruction) for every entry of a long list.
  size_t count = 0;
  auto next_slot = [out, &count]() -> Entry& {
    if (count < out->size()) {
      ResetEntry(&(*out)[count]);
    } else {
      out->emplace_back();
    }
    return (*out)[count++];
  };
  arena_.clear();
  arena_pos_.clear();
  if (!failed_.ok()) {
    out->clear();
    return failed_;
  }
  if (buf_.empty()) buf_.resize(InitialBufferLen());
  Place(AlignedStart(buf_.data(), buf_file_offset_ + begin_));
  const bool binary = options_.format == LogFormat::kBinary;
  // Rebuilt ascii data is shorter than its line but for rare templates: room
  // for a first buffer's worth saves growing (and moving) the arena in a
  // batch. Not the grown buffer's: every storage handed over would keep it.
  if (!binary) arena_.reserve(InitialBufferLen());
  const size_t arena_capacity = arena_.capacity();
  for (;;) {
    Status s = Fill();
    if (!s.ok()) {
      out->clear();
      return failed_ = s;
    }
    while (count < options_.max_batch && begin_ < end_) {
      Entry& e = next_slot();
      if (binary && listed_alg_) {
        e.offset = buf_file_offset_ + begin_;
        if (ParseBinaryFast(&e)) {
          arena_pos_.push_back(kNoArena);
          e.index = next_index_++;
          continue;
        }
      } else if (!binary && listed_alg_ && IsNg(last_desc_)) {
        const size_t arena_before = arena_.size();
        if (ParseAsciiNgLine(&e)) {
          arena_pos_.push_back(arena_before);
          e.index = next_index_++;
          continue;
        }
      }
      bool need_more = false;
      size_t arena_before = arena_.size();
      s = binary ? ParseBinary(&e, &need_more) : ParseAscii(&e, &need_more);
      if (!s.ok()) {
        out->clear();
        return failed_ = s;
      }
      if (need_more) {
        --count;
        break;
      }
      arena_pos_.push_back(arena_.size() != arena_before || e.template_data.data() == nullptr
                               ? arena_before
                               : kNoArena);
      e.index = next_index_++;
    }
    if (count > 0 || (begin_ == end_ && eof_)) break;
    // No complete entry in the buffer: it starts at begin_. Before the
    // buffer's last growth, the alignment's few bytes at its start count.
    if (buf_.size() >= kMaxBufferLen && begin_ > 0) {
      Place(0);
      continue;
    }
    if (buf_.size() >= kMaxBufferLen) {
      Status st = options_.format == LogFormat::kBinary
                      ? ParseError(ErrorCode::kLimitExceeded, buf_file_offset_ + begin_, "entry",
                                   "entry larger than " + std::to_string(kMaxBufferLen) + " bytes")
                      : Status(ErrorCode::kLimitExceeded,
                               "line longer than " + std::to_string(kMaxBufferLen) + " bytes")
                            .WithLine(next_line_);
      out->clear();
      return failed_ = st;
    }
    buf_.resize(std::min(buf_.size() * 2, kMaxBufferLen));
  }
  out->resize(count);  // shrinks: no entry is constructed
  // Rebuilt template data lives in arena_, which moved if it grew.
  if (arena_.capacity() == arena_capacity) return Status::Ok();
  for (size_t i = 0; i < out->size(); ++i) {
    if (arena_pos_[i] == kNoArena) continue;
    size_t len = (*out)[i].template_data.size();
    (*out)[i].template_data = Bytes(arena_.data() + arena_pos_[i], len);
  }
  return Status::Ok();
}

bool LogReader::TakeTemplateStorage(std::vector<uint8_t>* storage) {
  if (!failed_.ok()) return false;
  if (options_.format == LogFormat::kAscii) {
    arena_.swap(*storage);
    arena_.clear();
    return true;
  }
  // Binary: the batch lives in the read buffer, unless legacy entries put
  // their data in the arena. The unread rest moves to the start of the
  // caller's buffer, which becomes the read buffer.
  // Nor a buffer grown for a large entry: it would go round the caller's
  // recycled storages, each then as large (up to kMaxBufferLen), instead of
  // staying the reader's one.
  if (!arena_.empty() || buf_.size() > InitialBufferLen()) return false;
  const size_t rest = end_ - begin_;
  const uint64_t rest_offset = buf_file_offset_ + begin_;
  if (storage->size() < buf_.size()) storage->resize(buf_.size());
  size_t at = AlignedStart(storage->data(), rest_offset);
  if (at + rest > storage->size()) at = 0;  // a nearly full buffer: unaligned
  if (rest > 0) std::memcpy(storage->data() + at, buf_.data() + begin_, rest);
  buf_.swap(*storage);
  buf_file_offset_ = rest_offset - at;
  begin_ = at;
  end_ = at + rest;
  return true;
}

void LogReader::Place(size_t at) {
  const size_t rest = end_ - begin_;
  if (at + rest > buf_.size()) at = 0;  // a nearly full buffer: unaligned
  if (at == begin_) return;
  if (rest > 0) std::memmove(buf_.data() + at, buf_.data() + begin_, rest);
  buf_file_offset_ += begin_;
  buf_file_offset_ -= at;
  begin_ = at;
  end_ = at + rest;
}

Status LogReader::DetectBinaryHashLen() {
  const ByteReader buffered(Bytes(buf_.data() + begin_, end_ - begin_));
  int best_score = 0;
  HashAlg best = HashAlg::kSha1;
  for (HashAlg alg : {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384, HashAlg::kSha512}) {
    const size_t l = DigestLen(alg);
    if (buffered.Remaining() < 4 + l + 4) continue;
    ByteReader r = buffered;
    if (!r.Skip(4 + l, "template_hash").ok()) continue;
    Result<uint32_t> name_len = ReadU32(&r, options_.endian, "template_name_len");
    if (!name_len.ok() || *name_len == 0 || *name_len > kMaxTemplateNameLen ||
        r.Remaining() < *name_len) {
      continue;
    }
    Result<Bytes> name_bytes = r.ReadBytes(*name_len, "template_name");
    if (!name_bytes.ok()) continue;
    std::string_view name = AsChars(*name_bytes);
    if (!Printable(name)) continue;
    int score = FindTemplate(name) != nullptr ? 2 : 1;
    if (score > best_score) {
      best_score = score;
      best = alg;
    }
  }
  if (best_score == 0) {
    return ParseError(ErrorCode::kBadValue, buf_file_offset_ + begin_ + 4, "template_hash",
                      "no template hash length (20, 32, 48 or 64 bytes) gives a template name");
  }
  listed_alg_ = best;
  return Status::Ok();
}

bool LogReader::ParseBinaryFast(Entry* e) {
  // Loads without a check each: the bounds are checked once per field group.
  const Endian en = options_.endian;
  const uint8_t* p = buf_.data() + begin_;
  const size_t avail = end_ - begin_;
  const size_t hash_len = DigestLen(*listed_alg_);
  size_t at = 4 + hash_len + 4;
  if (avail < at) return false;
  const uint32_t name_len = LoadU32(p + 4 + hash_len, en);
  if (name_len == 0 || name_len > kMaxTemplateNameLen || avail - at < size_t{name_len} + 4) {
    return false;
  }
  const std::string_view name(reinterpret_cast<const char*>(p + at), name_len);
  // A known name is printable.
  const TemplateDesc* desc = last_desc_ != nullptr && SameShortString(last_desc_->name, name)
                                 ? last_desc_
                                 : FindTemplate(name);
  if (desc == nullptr || desc->legacy_ima()) return false;
  at += name_len;
  const uint32_t data_len = LoadU32(p + at, en);
  at += 4;
  if (data_len > kMaxTemplateDataLen || avail - at < data_len) return false;
  const Bytes data(p + at, data_len);
  if (!(IsNg(desc) ? ng_check_.Decodes(data, en) : TemplateDataDecodes(*desc, data, en))) {
    return false;
  }
  last_desc_ = desc;
  e->pcr = LoadU32(p, en);
  e->listed_hash.alg = *listed_alg_;  // bytes beyond the length stay zero (a fresh entry)
  e->listed_hash.len = uint8_t(hash_len);
  std::memcpy(e->listed_hash.bytes.data(), p + 4, hash_len);
  e->template_name = name;
  e->desc = desc;
  e->template_data = data;
  e->template_data_offset = e->offset + at;
  begin_ += at + data_len;
  return true;
}

Status LogReader::ParseBinary(Entry* e, bool* need_more) {
  const Endian en = options_.endian;
  // All bytes buffered from the entry on. A field beyond them is an error
  // only at the end of the input; before it, the caller reads more and parses
  // the entry again.
  ByteReader r(Bytes(buf_.data() + begin_, end_ - begin_), buf_file_offset_ + begin_);
  auto short_read = [&](size_t n, std::string_view field) -> Status {
    if (!eof_) {
      *need_more = true;
      return Status::Ok();
    }
    return r.Truncated(n, field);
  };
#define CCV_IMA_WANT(n, field)                                \
  do {                                                        \
    if (r.Remaining() < (n)) return short_read((n), (field)); \
  } while (0)

  e->offset = r.Offset();
  CCV_IMA_WANT(4, "pcr");
  if (!listed_alg_) {
    // The guess reads as far as the longest hash and name: it waits for them
    // (or the end), whatever the buffer held first.
    if (r.Remaining() < 4 + kMaxDigestLen + 4 + kMaxTemplateNameLen && !eof_) {
      *need_more = true;
      return Status::Ok();
    }
    CCV_RETURN_IF_ERROR(DetectBinaryHashLen());
  }
  const size_t hash_len = DigestLen(*listed_alg_);
  CCV_ASSIGN_OR_RETURN(e->pcr, ReadU32(&r, en, "pcr"));
  CCV_IMA_WANT(hash_len, "template_hash");
  e->listed_hash = Digest::Zero(*listed_alg_);
  CCV_RETURN_IF_ERROR(r.ReadInto(e->listed_hash.mutable_span(), "template_hash"));
  CCV_IMA_WANT(4, "template_name_len");
  const uint64_t name_len_at = r.Offset();
  CCV_ASSIGN_OR_RETURN(uint32_t name_len, ReadU32(&r, en, "template_name_len"));
  if (name_len == 0 || name_len > kMaxTemplateNameLen) {
    return ParseError(ErrorCode::kBadLength, name_len_at, "template_name_len",
                      "template name length " + std::to_string(name_len) + ", expected 1.." +
                          std::to_string(kMaxTemplateNameLen));
  }
  CCV_IMA_WANT(name_len, "template_name");
  const uint64_t name_at = r.Offset();
  CCV_ASSIGN_OR_RETURN(Bytes template_name, r.ReadBytes(name_len, "template_name"));
  e->template_name = AsChars(template_name);
  if (!Printable(e->template_name)) {
    return ParseError(ErrorCode::kBadValue, name_at, "template_name",
                      "template name is not printable ASCII");
  }
  e->desc = FindTemplate(e->template_name);

  if (e->desc != nullptr && e->desc->legacy_ima()) {
    // "ima": 20-byte digest, u32 name length, name without NUL (ima_fs.c
    // IMA_SHOW_BINARY_NO_FIELD_LEN / IMA_SHOW_BINARY_OLD_STRING_FMT).
    CCV_IMA_WANT(kLegacyDigestLen + 4, "template_data");
    e->template_data_offset = r.Offset();
    CCV_ASSIGN_OR_RETURN(Bytes digest, r.ReadBytes(kLegacyDigestLen, "d"));
    const uint64_t len_at = r.Offset();
    CCV_ASSIGN_OR_RETURN(uint32_t len, ReadU32(&r, en, "n"));
    if (len > kLegacyNameMaxLen) {
      return ParseError(ErrorCode::kBadLength, len_at, "n",
                        "legacy name length " + std::to_string(len) + ", at most 255");
    }
    CCV_IMA_WANT(len, "n");
    const uint64_t legacy_name_at = r.Offset();
    CCV_ASSIGN_OR_RETURN(Bytes name, r.ReadBytes(len, "n"));
    if (std::memchr(name.data(), 0, name.size()) != nullptr) {
      return ParseError(ErrorCode::kBadValue, legacy_name_at, "n", "NUL inside legacy name");
    }
    size_t at = arena_.size();
    arena_.resize(at + kLegacyHashInputLen, 0);
    std::memcpy(arena_.data() + at, digest.data(), digest.size());
    if (len > 0) std::memcpy(arena_.data() + at + kLegacyDigestLen, name.data(), len);
    e->template_data = Bytes(arena_.data() + at, kLegacyHashInputLen);
  } else {
    CCV_IMA_WANT(4, "template_data_len");
    const uint64_t len_at = r.Offset();
    CCV_ASSIGN_OR_RETURN(uint32_t len, ReadU32(&r, en, "template_data_len"));
    if (len > kMaxTemplateDataLen) {
      return ParseError(ErrorCode::kBadLength, len_at, "template_data_len",
                        "template data length " + std::to_string(len) + " exceeds " +
                            std::to_string(kMaxTemplateDataLen));
    }
    CCV_IMA_WANT(len, "template_data");
    e->template_data_offset = r.Offset();
    CCV_ASSIGN_OR_RETURN(e->template_data, r.ReadBytes(len, "template_data"));
    CCV_RETURN_IF_ERROR(
        DecodeTemplateDataInto(e->desc, e->template_data, e->template_data_offset, en, &fields_));
  }
#undef CCV_IMA_WANT
  begin_ += r.Position();
  return Status::Ok();
}

bool LogReader::RebuildNgFast(std::string_view fields, Entry* e) {
  if (!IsNg(e->desc)) return false;
  // "<alg>:<hex>" and the path: exactly two tokens. The algorithm name is
  // short and says how long the hex is, so where the first token must end
  // is checked instead of searched for (the hex decode below rejects a
  // space inside it).
  size_t colon = 0;
  while (colon < fields.size() && colon <= kMaxKernelAlgNameLen && fields[colon] != ':' &&
         fields[colon] != ' ') {
    ++colon;
  }
  if (colon >= fields.size() || fields[colon] != ':') return false;
  const size_t want = KernelHashAlgDigestLen(fields.substr(0, colon));
  const size_t sp = colon + 1 + 2 * want;
  if (want == 0 || sp >= fields.size() || fields[sp] != ' ') return false;
  const std::string_view digest = fields.substr(0, sp), path = fields.substr(sp + 1);
  if (path.empty() || ContainsEither(path, ' ', '\0')) return false;
  return AppendNgData(digest.substr(0, colon + 1), want, digest.substr(colon + 1), path, e);
}

bool LogReader::AppendNgData(std::string_view alg, size_t digest_len, std::string_view hex,
                             std::string_view path, Entry* e) {
  // As RebuildTemplateData lays them out: u32 len || "<alg>:" NUL digest,
  // u32 len || path NUL.
  const size_t d_len = alg.size() + 1 + digest_len, n_len = path.size() + 1;
  const size_t at = arena_.size();
  arena_.resize(at + 4 + d_len + 4 + n_len);
  uint8_t* o = arena_.data() + at;
  StoreU32(o, uint32_t(d_len), options_.endian);
  std::memcpy(o + 4, alg.data(), alg.size());
  o[4 + alg.size()] = 0;
  if (!DecodeHexInto(hex, std::span<uint8_t>(o + 4 + alg.size() + 1, digest_len))) {
    arena_.resize(at);
    return false;
  }
  o += 4 + d_len;
  StoreU32(o, uint32_t(n_len), options_.endian);
  std::memcpy(o + 4, path.data(), path.size());
  o[4 + path.size()] = 0;
  e->template_data = Bytes(arena_.data() + at, arena_.size() - at);
  return true;
}

bool LogReader::ParseAsciiNgLine(Entry* e) {
  const char* s = reinterpret_cast<const char*>(buf_.data() + begin_);
  const size_t avail = end_ - begin_;
  // "<pcr> <template hash> <name> <alg>:<digest> <path>\n", where each
  // field must end is known but for the register index and the path. A
  // byte that breaks the form sends the line to ParseAscii, which also
  // reports what is wrong.
  size_t i = 0;
  while (i < avail && i < 8 && s[i] == ' ') ++i;  // the kernel pads the index to two places
  const size_t digits_at = i;
  uint32_t pcr = 0;
  while (i < avail && i - digits_at < 9 && s[i] >= '0' && s[i] <= '9') {
    pcr = pcr * 10 + uint32_t(s[i++] - '0');
  }
  if (i == digits_at || i >= avail || s[i] != ' ') return false;
  ++i;
  const size_t hash_len = DigestLen(*listed_alg_);
  if (avail - i <= 2 * hash_len + 1 || s[i + 2 * hash_len] != ' ') return false;
  const std::string_view listed_hex(s + i, 2 * hash_len);
  i += 2 * hash_len + 1;
  if (ng_name_for_ != last_desc_) {
    ng_name_.Set(std::string(last_desc_->name) + ' ');
    ng_name_for_ = last_desc_;
  }
  if (!ng_name_.At(s + i, avail - i)) return false;
  const size_t name_at = i;
  i += ng_name_.size();
  // The algorithm name, up to its colon: most lines repeat the last one's,
  // which holds no space or colon before its own.
  const size_t alg_at = i;
  if (ng_alg_.size() > 0 && ng_alg_.At(s + i, avail - i)) {
    i += ng_alg_.size();
  } else {
    while (i < avail && i - alg_at <= kMaxKernelAlgNameLen && s[i] != ':' && s[i] != ' ') ++i;
    if (i >= avail || s[i] != ':') return false;
    ++i;
    const size_t want = KernelHashAlgDigestLen(std::string_view(s + alg_at, i - 1 - alg_at));
    if (want == 0) return false;
    ng_alg_.Set(std::string_view(s + alg_at, i - alg_at));
    ng_digest_len_ = want;
  }
  const std::string_view alg(s + alg_at, i - alg_at);  // with the colon
  if (avail - i <= 2 * ng_digest_len_ + 1 || s[i + 2 * ng_digest_len_] != ' ') return false;
  const std::string_view digest_hex(s + i, 2 * ng_digest_len_);
  i += 2 * ng_digest_len_ + 1;
  // The path runs to the newline, without a space or NUL.
  const size_t path_at = i;
  i = FindSpaceNulOrNewline(s, i, avail);
  if (i >= avail || s[i] != '\n' || i == path_at) return false;
  if (!DecodeHexInto(listed_hex, std::span<uint8_t>(e->listed_hash.bytes.data(), hash_len))) {
    return false;
  }
  if (!AppendNgData(alg, ng_digest_len_, digest_hex, std::string_view(s + path_at, i - path_at),
                    e)) {
    return false;
  }
  e->line = next_line_;
  e->offset = buf_file_offset_ + begin_;
  e->pcr = pcr;
  e->listed_hash.alg = *listed_alg_;  // bytes beyond the length stay zero (a fresh entry)
  e->listed_hash.len = uint8_t(hash_len);
  e->template_name = std::string_view(s + name_at, ng_name_.size() - 1);
  e->desc = last_desc_;
  begin_ += i + 1;
  ++next_line_;
  return true;
}

Status LogReader::ParseAscii(Entry* e, bool* need_more) {
  const char* s = reinterpret_cast<const char*>(buf_.data() + begin_);
  size_t avail = end_ - begin_;
  const char* nl = static_cast<const char*>(std::memchr(s, '\n', avail));
  size_t n;
  size_t consumed;
  if (nl == nullptr) {
    if (!eof_) {
      *need_more = true;
      return Status::Ok();
    }
    n = avail;  // last line without a newline
    consumed = avail;
  } else {
    n = size_t(nl - s);
    consumed = n + 1;
  }
  std::string_view line(s, n);
  const uint64_t line_no = next_line_;
  auto err = [&](ErrorCode code, size_t col, std::string_view field, std::string msg) {
    return Status(code, std::move(msg)).WithLine(line_no, col + 1).WithField(std::string(field));
  };
  e->line = line_no;
  e->offset = buf_file_offset_ + begin_;

  size_t i = 0;
  while (i < n && line[i] == ' ') ++i;
  size_t digits_at = i;
  uint64_t pcr = 0;
  while (i < n && line[i] >= '0' && line[i] <= '9') {
    pcr = pcr * 10 + uint64_t(line[i] - '0');
    if (pcr > std::numeric_limits<uint32_t>::max()) {
      return err(ErrorCode::kBadValue, digits_at, "pcr", "register index exceeds 32 bits");
    }
    ++i;
  }
  if (i == digits_at) {
    return err(ErrorCode::kBadValue, i, "pcr", "expected a decimal register index");
  }
  if (i >= n || line[i] != ' ') {
    return err(i >= n ? ErrorCode::kTruncated : ErrorCode::kBadValue, i, "pcr",
               "expected a space after the register index");
  }
  e->pcr = uint32_t(pcr);
  ++i;
  // After the first line the hash length is known: where the hash must end
  // is checked instead of searched for, the hex decode rejecting a space
  // inside. Anything else takes the search and its errors.
  size_t j = std::string_view::npos;
  if (listed_alg_) {
    const size_t len = DigestLen(*listed_alg_);
    if (i + 2 * len < n && line[i + 2 * len] == ' ' &&
        DecodeHexInto(line.substr(i, 2 * len),
                      std::span<uint8_t>(e->listed_hash.bytes.data(), len))) {
      e->listed_hash.alg = *listed_alg_;
      e->listed_hash.len = uint8_t(len);
      j = i + 2 * len;
    }
  }
  if (j == std::string_view::npos) {
    j = line.find(' ', i);
    if (j == std::string_view::npos) {
      return err(ErrorCode::kTruncated, n, "template_hash", "line ends before the template name");
    }
    std::string_view hex = line.substr(i, j - i);
    std::optional<HashAlg> alg = options_.listed_hash_alg;
    if (!alg) alg = HashAlgFromHexLen(hex.size());
    if (!alg || hex.size() != 2 * DigestLen(*alg)) {
      return err(ErrorCode::kBadLength, i, "template_hash",
                 "template hash of " + std::to_string(hex.size()) + " hex digits");
    }
    if (listed_alg_ && *listed_alg_ != *alg) {
      return err(ErrorCode::kBadValue, i, "template_hash",
                 "template hash length differs from the earlier entries");
    }
    listed_alg_ = alg;
    e->listed_hash.alg = *alg;  // bytes beyond the length stay zero (a fresh entry)
    e->listed_hash.len = uint8_t(DigestLen(*alg));
    if (!DecodeHexInto(hex, e->listed_hash.mutable_span())) {
      return err(ErrorCode::kBadValue, i, "template_hash", "template hash is not hex");
    }
  }
  i = j + 1;
  // Lines of one template usually follow each other: the last one's name
  // and a space are checked before searching for the space.
  const size_t last_len = last_desc_ != nullptr ? last_desc_->name.size() : 0;
  const size_t k = last_desc_ != nullptr && i + last_len < n && line[i + last_len] == ' ' &&
                           SameShortString(line.substr(i, last_len), last_desc_->name)
                       ? i + last_len
                       : line.find(' ', i);
  e->template_name = line.substr(i, k == std::string_view::npos ? n - i : k - i);
  if (e->template_name.empty() || e->template_name.size() > kMaxTemplateNameLen) {
    return err(ErrorCode::kBadLength, i, "template_name",
               "template name length " + std::to_string(e->template_name.size()));
  }
  // Lines of one template usually follow each other: compare with the last
  // one before searching the table.
  e->desc = last_desc_ != nullptr && SameShortString(last_desc_->name, e->template_name)
                ? last_desc_
                : FindTemplate(e->template_name);
  if (e->desc != nullptr) last_desc_ = e->desc;
  if (e->desc == nullptr) {
    return err(ErrorCode::kUnsupported, i, "template_name",
               "template '" + std::string(e->template_name) +
                   "' is unknown: its data cannot be rebuilt from the ascii list");
  }
  if (k != std::string_view::npos && RebuildNgFast(line.substr(k + 1), e)) {
    begin_ += consumed;
    ++next_line_;
    return Status::Ok();
  }
  tokens_.clear();
  for (size_t p = k; p != std::string_view::npos && p < n;) {
    size_t q = line.find(' ', p + 1);
    size_t end = q == std::string_view::npos ? n : q;
    if (tokens_.size() > kMaxTemplateFields) break;
    tokens_.push_back(line.substr(p + 1, end - p - 1));
    p = q;
  }
  size_t at = arena_.size();
  size_t bad = 0;
  Status st = RebuildTemplateData(*e->desc, tokens_, options_.endian, &arena_, &bad);
  if (!st.ok()) {
    size_t col = bad < tokens_.size() ? size_t(tokens_[bad].data() - s) : n;
    std::string_view field = bad < e->desc->fields.size() ? GetFieldInfo(e->desc->fields[bad]).name
                                                          : std::string_view("template_data");
    return err(st.code(), col, field, st.message());
  }
  e->template_data = Bytes(arena_.data() + at, arena_.size() - at);
  if (!RebuiltDataDecodes(*e->desc, tokens_)) {
    st = DecodeTemplateDataInto(e->desc, e->template_data, 0, options_.endian, &fields_);
  }
  if (!st.ok()) {
    // Point at the token of the field that failed.
    size_t col = tokens_.empty() ? n : size_t(tokens_[0].data() - s);
    for (size_t f = 0; f < fields_.size() && f < tokens_.size(); ++f) {
      if (st.offset() && fields_[f].offset <= *st.offset()) col = size_t(tokens_[f].data() - s);
    }
    return err(st.code(), col, st.field(), st.message());
  }
  begin_ += consumed;
  ++next_line_;
  return Status::Ok();
}

}  // namespace ccv::ima
