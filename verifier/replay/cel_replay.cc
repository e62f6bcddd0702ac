#include "verifier/replay/cel_replay.h"

#include "parsers/cel_format.h"
#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "verifier/crypto/digest.h"

namespace ccv::replay {

std::optional<RegisterId> CelRegister(const cel::Record& r) {
  if (r.index_type == cel::IndexType::kPcr) return RegisterId::Pcr(r.index);
  if (r.index_type == cel::IndexType::kCcmr) return RegisterId::FromCcMrIndex(r.index);
  return std::nullopt;
}

Result<CelReplayResult> ReplayCel(const std::vector<cel::Record>& records) {
  CelReplayResult res;
  crypto::Hasher h;
  for (const cel::Record& r : records) {
    ++res.records;
    std::optional<RegisterId> name = CelRegister(r);
    if (!name || name->kind == RegisterId::Kind::kMrtd) {
      ++res.not_extended;
      continue;
    }
    bool mismatch = false;
    for (const Digest& d : r.digests) {
      if (!crypto::HashAlgAvailable(d.alg)) {
        return Status(ErrorCode::kUnsupported,
                      "hash algorithm " + std::string(HashAlgName(d.alg)) + " is not available");
      }
      std::optional<Digest> cur = res.registers.Get(*name, d.alg);
      Digest v = cur ? *cur : Digest::Zero(d.alg);
      h.Extend(&v, d.span());
      res.registers.Set(*name, v);
      if (r.content_type == cel::kContentImaTemplate && !AllBytesEqual(d.span(), 0xFF)) {
        if (!(h.Hash(d.alg, r.template_data) == d)) mismatch = true;
      }
    }
    if (r.content_type == cel::kContentImaTemplate) {
      if (mismatch) {
        ++res.template_hashes_mismatched;
        if (res.mismatched_recnums.size() < 100) res.mismatched_recnums.push_back(r.recnum);
      } else {
        ++res.template_hashes_verified;
      }
    }
  }
  return res;
}

Result<std::vector<cel::Record>> ReadCelFile(const std::string& path) {
  CCV_ASSIGN_OR_RETURN(InputFile f, InputFile::Open(path));
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> data, f.ReadAll(uint64_t{1} << 30));
  return ParseCel(data, path);
}

Result<std::vector<cel::Record>> ParseCel(Bytes data, const std::string& path) {
  std::optional<cel::Encoding> enc = cel::DetectEncoding(data);
  if (!enc) {
    return Status(ErrorCode::kBadValue, "neither CEL-TLV nor CEL-JSON")
        .WithFile(path)
        .WithOffset(0);
  }
  Result<std::vector<cel::Record>> r =
      *enc == cel::Encoding::kTlv
          ? cel::ParseTlv(data)
          : cel::ParseJson(AsChars(data), cel::JsonOptions{parsers::EventTypeFromName});
  if (!r.ok()) return r.status().WithFile(path);
  return r;
}

Result<std::vector<cel::Record>> ImaToCel(ima::LogReader* reader, RegisterId::Kind kind,
                                          std::vector<HashAlg> banks) {
  if (banks.empty()) banks = DefaultImaBanks(kind);
  crypto::Hasher h;
  std::vector<cel::Record> out;
  std::vector<ima::Entry> batch;
  for (;;) {
    CCV_RETURN_IF_ERROR(reader->NextBatch(&batch));
    if (batch.empty()) break;
    for (const ima::Entry& e : batch) {
      cel::Record r;
      r.recnum = e.index;
      r.offset = e.offset;
      if (kind == RegisterId::Kind::kRtmr) {
        std::optional<uint32_t> mr_index = RegisterId::Rtmr(e.pcr).CcMrIndex();
        if (!mr_index) {
          return ParseError(
              ErrorCode::kBadValue, e.offset, "pcr",
              "entry extends rtmr" + std::to_string(e.pcr) + ", which has no CC MR index");
        }
        r.index_type = cel::IndexType::kCcmr;
        r.index = *mr_index;
      } else {
        r.index = e.pcr;
      }
      for (HashAlg b : banks) {
        if (e.violation()) {
          r.digests.push_back(Digest::Filled(b, 0xFF));
        } else if (b == e.listed_hash.alg) {
          r.digests.push_back(e.listed_hash);
        } else {
          r.digests.push_back(h.Hash(b, e.template_data));
        }
      }
      r.content_type = cel::kContentImaTemplate;
      r.template_name = std::string(e.template_name);
      r.template_data.assign(e.template_data.begin(), e.template_data.end());
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace ccv::replay
