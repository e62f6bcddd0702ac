#include "parsers/cel.h"

#include <array>
#include <cctype>
#include <string>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parsers/cel_format.h"
#include "parsers/core/hex.h"

namespace ccv::cel {
namespace {

Result<uint64_t> ReadBeUint(ByteReader v, size_t max_len, std::string_view field) {
  if (v.Remaining() == 0 || v.Remaining() > max_len) {
    return v.Error(ErrorCode::kBadLength, field,
                   "integer of " + std::to_string(v.Remaining()) + " bytes, expected 1.." +
                       std::to_string(max_len));
  }
  uint64_t x = 0;
  for (uint8_t b : v.Rest()) x = (x << 8) | b;
  return x;
}

struct Tlv {
  uint64_t offset;
  uint8_t type;
  ByteReader value;
};

Result<Tlv> ReadTlv(ByteReader* r) {
  uint64_t at = r->Offset();
  CCV_ASSIGN_OR_RETURN(uint8_t type, r->ReadU8("tlv_type"));
  CCV_ASSIGN_OR_RETURN(uint32_t len, r->ReadU32Be("tlv_length"));
  if (len > kMaxValueLen) {
    return ParseError(ErrorCode::kBadLength, at + 1, "tlv_length",
                      "value of " + std::to_string(len) + " bytes exceeds our limit");
  }
  CCV_ASSIGN_OR_RETURN(ByteReader v, r->ReadSub(len, "tlv_value"));
  return Tlv{at, type, v};
}

Status ParseDigests(ByteReader v, Record* rec) {
  while (!v.Empty()) {
    CCV_ASSIGN_OR_RETURN(Tlv t, ReadTlv(&v));
    if (rec->digests.size() >= kMaxDigestsPerRecord) {
      return ParseError(ErrorCode::kLimitExceeded, t.offset, "digests", "too many digests");
    }
    std::optional<HashAlg> alg = HashAlgFromTpmAlgId(t.type);
    if (!alg) {
      return ParseError(ErrorCode::kBadValue, t.offset, "digests",
                        "unknown hash algorithm id " + std::to_string(t.type));
    }
    if (t.value.Remaining() != DigestLen(*alg)) {
      return ParseError(ErrorCode::kBadLength, t.offset + 1, "digests",
                        std::string(HashAlgName(*alg)) + " digest of " +
                            std::to_string(t.value.Remaining()) + " bytes");
    }
    Digest d = Digest::Zero(*alg);
    std::copy(t.value.Rest().begin(), t.value.Rest().end(), d.bytes.begin());
    rec->digests.push_back(d);
  }
  if (rec->digests.empty()) {
    return ParseError(ErrorCode::kBadValue, v.Offset(), "digests", "no digest");
  }
  return Status::Ok();
}

Status ParseContent(uint8_t type, ByteReader v, Record* rec) {
  rec->content_type = type;
  if (type != kContentPcClientStd && type != kContentImaTemplate) {
    rec->content.assign(v.Rest().begin(), v.Rest().end());
    return Status::Ok();
  }
  bool seen0 = false, seen1 = false;
  while (!v.Empty()) {
    CCV_ASSIGN_OR_RETURN(Tlv t, ReadTlv(&v));
    Bytes b = t.value.Rest();
    if (t.type == 0 && !seen0) {
      seen0 = true;
      if (type == kContentPcClientStd) {
        CCV_ASSIGN_OR_RETURN(uint64_t et, ReadBeUint(t.value, 4, "event_type"));
        rec->event_type = uint32_t(et);
      } else {
        rec->template_name.assign(AsChars(b));
      }
    } else if (t.type == 1 && !seen1) {
      seen1 = true;
      auto& dst = type == kContentPcClientStd ? rec->event_data : rec->template_data;
      dst.assign(b.begin(), b.end());
    } else {
      return ParseError(ErrorCode::kBadValue, t.offset, "content",
                        "unexpected or repeated field type " + std::to_string(t.type));
    }
  }
  if (!seen0 || !seen1) {
    return ParseError(ErrorCode::kBadValue, v.Offset(), "content",
                      type == kContentPcClientStd ? "event_type or event_data missing"
                                                  : "template_name or template_data missing");
  }
  return Status::Ok();
}

void AppendTlvHeader(uint8_t type, size_t len, std::vector<uint8_t>* out) {
  out->push_back(type);
  for (int i = 3; i >= 0; --i) out->push_back(uint8_t(len >> (8 * i)));
}
void AppendTlv(uint8_t type, Bytes value, std::vector<uint8_t>* out) {
  AppendTlvHeader(type, value.size(), out);
  out->insert(out->end(), value.begin(), value.end());
}
std::vector<uint8_t> BeBytes(uint64_t v, size_t n) {
  std::vector<uint8_t> b(n);
  for (size_t i = 0; i < n; ++i) b[n - 1 - i] = uint8_t(v >> (8 * i));
  return b;
}

Status JsonError(size_t i, const std::string& member, std::string msg) {
  return Status(ErrorCode::kBadValue, std::move(msg))
      .WithField("records[" + std::to_string(i) + "]" + (member.empty() ? "" : "." + member));
}

// Hex (as libcel writes it), else base64.
Result<std::vector<uint8_t>> JsonBytes(const rapidjson::Value& v, size_t i, const char* member) {
  if (!v.IsString()) return JsonError(i, member, "expected a hex string");
  std::string_view s(v.GetString(), v.GetStringLength());
  if (s.size() % 2 == 0) {
    std::vector<uint8_t> out(s.size() / 2);
    if (DecodeHexInto(s, out)) return out;
  }
  auto b = Base64Decode(s);
  if (!b) return JsonError(i, member, "neither hex nor base64");
  return *b;
}

}  // namespace

std::string_view ContentTypeName(uint8_t type) {
  switch (type) {
    case kContentCelMgt:
      return "cel_mgt";
    case kContentPcClientStd:
      return "pcclient_std";
    case kContentImaTemplate:
      return "ima_template";
    case kContentImaTlv:
      return "ima_tlv";
    default:
      return "";
  }
}

Result<std::vector<Record>> ParseTlv(Bytes data) {
  ByteReader r(data);
  std::vector<Record> out;
  bool have_index = false, have_digests = false, have_content = false;
  auto finish = [&]() -> Status {
    if (out.empty()) return Status::Ok();
    if (!have_index || !have_digests) {
      return ParseError(
          ErrorCode::kBadValue, out.back().offset, "record",
          !have_index ? "record without PCR, NV index or CCMR" : "record without DIGESTS");
    }
    return Status::Ok();
  };
  while (!r.Empty()) {
    CCV_ASSIGN_OR_RETURN(Tlv t, ReadTlv(&r));
    if (t.type == kTypeRecnum) {
      CCV_RETURN_IF_ERROR(finish());
      if (out.size() >= kMaxRecords) {
        return ParseError(ErrorCode::kLimitExceeded, t.offset, "recnum", "too many records");
      }
      Record rec;
      rec.offset = t.offset;
      CCV_ASSIGN_OR_RETURN(rec.recnum, ReadBeUint(t.value, 8, "recnum"));
      out.push_back(std::move(rec));
      have_index = have_digests = have_content = false;
      continue;
    }
    if (out.empty()) {
      return ParseError(ErrorCode::kBadValue, t.offset, "recnum",
                        "record does not start with RECNUM");
    }
    Record& rec = out.back();
    switch (t.type) {
      case kTypePcr:
      case kTypeNvIndex:
      case kTypeCcmr: {
        if (have_index) {
          return ParseError(ErrorCode::kBadValue, t.offset, "index", "second register index");
        }
        have_index = true;
        rec.index_type = static_cast<IndexType>(t.type);
        CCV_ASSIGN_OR_RETURN(uint64_t idx, ReadBeUint(t.value, 4, "index"));
        rec.index = uint32_t(idx);
        break;
      }
      case kTypeDigests:
        if (have_digests) {
          return ParseError(ErrorCode::kBadValue, t.offset, "digests", "second DIGESTS");
        }
        have_digests = true;
        CCV_RETURN_IF_ERROR(ParseDigests(t.value, &rec));
        break;
      default:
        if (have_content) {
          return ParseError(ErrorCode::kBadValue, t.offset, "content", "second content");
        }
        have_content = true;
        CCV_RETURN_IF_ERROR(ParseContent(t.type, t.value, &rec));
        break;
    }
  }
  CCV_RETURN_IF_ERROR(finish());
  return out;
}

Result<std::vector<Record>> ParseJson(std::string_view text, const JsonOptions& options) {
  rapidjson::Document doc;
  // Iterative: nesting depth costs heap, not stack (a deep "[[[[..." would
  // overflow the recursive parser).
  doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (doc.HasParseError()) {
    return ParseError(ErrorCode::kBadValue, doc.GetErrorOffset(), "json",
                      rapidjson::GetParseError_En(doc.GetParseError()));
  }
  const rapidjson::Value* arr = &doc;
  if (doc.IsObject()) {
    const rapidjson::Value& top = doc;  // const iterators: no C++20 reversed-== ambiguity
    auto it = top.FindMember("records");
    if (it == top.MemberEnd()) {
      return Status(ErrorCode::kBadValue, "JSON object without \"records\"").WithField("records");
    }
    arr = &it->value;
  }
  if (!arr->IsArray()) {
    return Status(ErrorCode::kBadValue, "expected an array of records").WithField("records");
  }
  if (arr->Size() > kMaxRecords) return Status(ErrorCode::kLimitExceeded, "too many records");
  std::vector<Record> out;
  for (rapidjson::SizeType i = 0; i < arr->Size(); ++i) {
    const rapidjson::Value& o = (*arr)[i];
    if (!o.IsObject()) return JsonError(i, "", "record is not an object");
    Record rec;
    rec.offset = i;
    rec.recnum = i;
    if (auto it = o.FindMember("recnum"); it != o.MemberEnd()) {
      if (!it->value.IsUint64()) return JsonError(i, "recnum", "expected an unsigned integer");
      rec.recnum = it->value.GetUint64();
    }
    int indexes = 0;
    for (auto [key, type] :
         {std::pair{"pcr", IndexType::kPcr}, std::pair{"nv_index", IndexType::kNvIndex},
          std::pair{"ccmr", IndexType::kCcmr}}) {
      auto it = o.FindMember(key);
      if (it == o.MemberEnd()) continue;
      if (!it->value.IsUint()) return JsonError(i, key, "expected an unsigned integer");
      rec.index_type = type;
      rec.index = it->value.GetUint();
      ++indexes;
    }
    if (indexes != 1) return JsonError(i, "pcr", "expected exactly one of pcr, nv_index, ccmr");
    auto dit = o.FindMember("digests");
    if (dit == o.MemberEnd() || !dit->value.IsArray() || dit->value.Empty()) {
      return JsonError(i, "digests", "expected a non-empty array");
    }
    if (dit->value.Size() > kMaxDigestsPerRecord) {
      return JsonError(i, "digests", "too many digests");
    }
    for (rapidjson::SizeType k = 0; k < dit->value.Size(); ++k) {
      const rapidjson::Value& d = dit->value[k];
      std::string m = "digests[" + std::to_string(k) + "]";
      if (!d.IsObject() || !d.HasMember("hashAlg") || !d.HasMember("digest") ||
          !(d["hashAlg"].IsString() || d["hashAlg"].IsUint()) || !d["digest"].IsString()) {
        return JsonError(i, m, "expected {\"hashAlg\", \"digest\"}");
      }
      std::optional<HashAlg> alg =
          d["hashAlg"].IsUint() ? (d["hashAlg"].GetUint() <= 0xFFFF
                                       ? HashAlgFromTpmAlgId(uint16_t(d["hashAlg"].GetUint()))
                                       : std::nullopt)
                                : HashAlgFromName(d["hashAlg"].GetString());
      if (!alg) return JsonError(i, m + ".hashAlg", "unknown hash algorithm");
      Digest dg = Digest::Zero(*alg);
      std::string_view hex(d["digest"].GetString(), d["digest"].GetStringLength());
      if (hex.size() != 2 * DigestLen(*alg)) {
        return Status(ErrorCode::kBadLength, "digest of " + std::to_string(hex.size()) +
                                                 " hex digits for " +
                                                 std::string(HashAlgName(*alg)))
            .WithField("records[" + std::to_string(i) + "]." + m + ".digest");
      }
      if (!DecodeHexInto(hex, dg.mutable_span())) {
        return JsonError(i, m + ".digest", "digest is not hex");
      }
      rec.digests.push_back(dg);
    }
    auto cit = o.FindMember("content_type");
    if (cit != o.MemberEnd()) {
      auto content = o.FindMember("content");
      if (cit->value.IsUint() && cit->value.GetUint() < 256) {
        rec.content_type = uint8_t(cit->value.GetUint());
      } else if (cit->value.IsString()) {
        std::string_view name(cit->value.GetString(), cit->value.GetStringLength());
        if (name == "pcclient_std")
          rec.content_type = kContentPcClientStd;
        else if (name == "ima_template")
          rec.content_type = kContentImaTemplate;
        else if (name == "cel_mgt")
          rec.content_type = kContentCelMgt;
        else if (name == "ima_tlv")
          rec.content_type = kContentImaTlv;
        else
          rec.content_type_name = std::string(name);
      } else {
        return JsonError(i, "content_type", "expected a name or a number below 256");
      }
      if (rec.content_type == kContentPcClientStd || rec.content_type == kContentImaTemplate) {
        if (content == o.MemberEnd() || !content->value.IsObject()) {
          return JsonError(i, "content", "expected an object");
        }
        const rapidjson::Value& c = content->value;
        if (rec.content_type == kContentPcClientStd) {
          if (!c.HasMember("event_type")) {
            return JsonError(i, "content.event_type", "missing");
          }
          const rapidjson::Value& et = c["event_type"];
          if (et.IsUint()) {
            rec.event_type = et.GetUint();
          } else if (et.IsString() && options.event_type_from_name) {
            std::string name(et.GetString(), et.GetStringLength());
            std::optional<uint32_t> t = options.event_type_from_name(name);
            if (!t) {
              for (char& ch : name) ch = char(std::toupper(static_cast<unsigned char>(ch)));
              t = options.event_type_from_name(name);
            }
            if (!t) return JsonError(i, "content.event_type", "unknown event type name");
            rec.event_type = *t;
          } else {
            return JsonError(i, "content.event_type", "expected an unsigned integer");
          }
          if (!c.HasMember("event_data")) return JsonError(i, "content.event_data", "missing");
          CCV_ASSIGN_OR_RETURN(rec.event_data, JsonBytes(c["event_data"], i, "content.event_data"));
        } else {
          if (!c.HasMember("template_name") || !c["template_name"].IsString()) {
            return JsonError(i, "content.template_name", "expected a string");
          }
          rec.template_name = c["template_name"].GetString();
          if (!c.HasMember("template_data")) {
            return JsonError(i, "content.template_data", "missing");
          }
          CCV_ASSIGN_OR_RETURN(rec.template_data,
                               JsonBytes(c["template_data"], i, "content.template_data"));
        }
      } else if (rec.content_type != 0 && content != o.MemberEnd() && content->value.IsString()) {
        CCV_ASSIGN_OR_RETURN(rec.content, JsonBytes(content->value, i, "content"));
      }
    }
    out.push_back(std::move(rec));
  }
  return out;
}

std::optional<Encoding> DetectEncoding(Bytes head) {
  size_t i = 0;
  while (i < head.size() &&
         (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) {
    ++i;
  }
  // JSON: an object whose first member is "records" (systemd-pcrlock), or an
  // array of records; any other JSON (a report, a manifest) is not a CEL.
  auto skip_ws = [&](size_t at) {
    while (at < head.size() &&
           (head[at] == ' ' || head[at] == '\n' || head[at] == '\r' || head[at] == '\t'))
      ++at;
    return at;
  };
  const std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
  if (i < head.size() && head[i] == '{') {
    if (text.substr(skip_ws(i + 1)).starts_with("\"records\"")) return Encoding::kJson;
    return std::nullopt;
  }
  if (i < head.size() && head[i] == '[') {
    size_t j = skip_ws(i + 1);
    if (j < head.size() && head[j] == ']') return Encoding::kJson;  // no records
    if (j < head.size() && head[j] == '{' &&
        text.find("\"digests\"", j) != std::string_view::npos) {
      return Encoding::kJson;
    }
    return std::nullopt;
  }
  // TLV: RECNUM (1..8 bytes), then an index (PCR, NV index or CCMR, 1..4
  // bytes), then DIGESTS. A TCG log starting with PCR 0 and an event type
  // below 9 looks like a RECNUM header, hence the second and third checks.
  auto header = [&](size_t at, uint8_t* type, uint32_t* len) {
    if (head.size() < at + kTlvHeaderLen) return false;
    *type = head[at];
    *len = (uint32_t(head[at + 1]) << 24) | (uint32_t(head[at + 2]) << 16) |
           (uint32_t(head[at + 3]) << 8) | head[at + 4];
    return true;
  };
  uint8_t t = 0;
  uint32_t len = 0;
  if (!header(0, &t, &len) || t != kTypeRecnum || len < 1 || len > 8) return std::nullopt;
  size_t at = kTlvHeaderLen + len;
  if (!header(at, &t, &len) || (t != kTypePcr && t != kTypeNvIndex && t != kTypeCcmr) || len < 1 ||
      len > 4) {
    return std::nullopt;
  }
  at += kTlvHeaderLen + len;
  if (!header(at, &t, &len) || t != kTypeDigests) return std::nullopt;
  return Encoding::kTlv;
}

std::vector<uint8_t> WriteTlv(const std::vector<Record>& records) {
  std::vector<uint8_t> out;
  for (const Record& r : records) {
    AppendTlv(kTypeRecnum, BeBytes(r.recnum, 8), &out);
    size_t n = r.index_type == IndexType::kNvIndex || r.index > 255 ? 4 : 1;
    AppendTlv(uint8_t(r.index_type), BeBytes(r.index, n), &out);
    std::vector<uint8_t> dig;
    for (const Digest& d : r.digests) AppendTlv(uint8_t(TpmAlgId(d.alg)), d.span(), &dig);
    AppendTlv(kTypeDigests, dig, &out);
    if (r.content_type == 0) continue;
    std::vector<uint8_t> c;
    if (r.content_type == kContentPcClientStd) {
      AppendTlv(kPcClientEventType, BeBytes(r.event_type, 4), &c);
      AppendTlv(kPcClientEventData, r.event_data, &c);
    } else if (r.content_type == kContentImaTemplate) {
      AppendTlv(kImaTemplateName, AsBytes(r.template_name), &c);
      AppendTlv(kImaTemplateData, r.template_data, &c);
    } else {
      c = r.content;
    }
    AppendTlv(r.content_type, c, &out);
  }
  return out;
}

std::string WriteJson(const std::vector<Record>& records) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartArray();
  for (const Record& r : records) {
    w.StartObject();
    w.Key("recnum");
    w.Uint64(r.recnum);
    w.Key(r.index_type == IndexType::kPcr       ? "pcr"
          : r.index_type == IndexType::kNvIndex ? "nv_index"
                                                : "ccmr");
    w.Uint(r.index);
    w.Key("digests");
    w.StartArray();
    for (const Digest& d : r.digests) {
      w.StartObject();
      w.Key("hashAlg");
      w.String(std::string(HashAlgName(d.alg)).c_str());
      w.Key("digest");
      w.String(ToHex(d.span()).c_str());
      w.EndObject();
    }
    w.EndArray();
    if (r.content_type != 0) {
      std::string_view name = ContentTypeName(r.content_type);
      w.Key("content_type");
      if (r.content_type == kContentPcClientStd || r.content_type == kContentImaTemplate) {
        w.String(name.data(), rapidjson::SizeType(name.size()));
      } else {
        w.Uint(r.content_type);
      }
      w.Key("content");
      if (r.content_type == kContentPcClientStd) {
        w.StartObject();
        w.Key("event_type");
        w.Uint(r.event_type);
        w.Key("event_data");
        w.String(ToHex(r.event_data).c_str());
        w.EndObject();
      } else if (r.content_type == kContentImaTemplate) {
        w.StartObject();
        w.Key("template_name");
        w.String(r.template_name.c_str(), rapidjson::SizeType(r.template_name.size()));
        w.Key("template_data");
        w.String(ToHex(r.template_data).c_str());
        w.EndObject();
      } else {
        w.String(ToHex(r.content).c_str());
      }
    }
    w.EndObject();
  }
  w.EndArray();
  return std::string(sb.GetString(), sb.GetSize()) + "\n";
}

}  // namespace ccv::cel
