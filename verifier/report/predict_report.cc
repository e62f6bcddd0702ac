#include "verifier/report/predict_report.h"

#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <optional>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parsers/cel.h"
#include "parsers/core/hex.h"
#include "parsers/core/time.h"
#include "parsers/event_types.h"
#include "verifier/report/internal/json_writer.h"
#include "verifier/report/schema_version.h"

namespace ccv::report {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

using internal::KeyString;
using internal::KeyUint;

std::string Hex16(uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "0x%04x", v);
  return buf;
}

std::string FormatName(const parsers::PeImage& img) { return img.pe32_plus ? "pe32+" : "pe32"; }

void WriteCertificate(Writer& w, const crypto::AuthenticodeCertificate& c) {
  w.StartObject();
  KeyString(w, "subject", c.subject);
  KeyString(w, "issuer", c.issuer);
  KeyString(w, "serial", c.serial_hex);
  KeyString(w, "sha256_fingerprint", ToHex(c.sha256_fingerprint));
  KeyString(w, "not_before", FormatRfc3339Time(Time(c.not_before)));
  KeyString(w, "not_after", FormatRfc3339Time(Time(c.not_after)));
  w.Key("signer");
  w.Bool(c.signer);
  w.EndObject();
}

}  // namespace

std::string AuthenticodeToJson(const std::string& file, const predict::AuthenticodeMeasurement& m) {
  return SchemaJson([&](Writer& w) {
    KeyString(w, "file", file);
    KeyString(w, "format", FormatName(m.image));
    KeyString(w, "machine", Hex16(m.image.machine));
    KeyUint(w, "subsystem", m.image.subsystem);
    w.Key("digests");
    w.StartObject();
    for (const Digest& d : m.digests)
      KeyString(w, std::string(HashAlgName(d.alg)).c_str(), ToHex(d.span()));
    w.EndObject();
    internal::KeyObjects(w, "sections", m.image.sections,
                         [&](Writer& w, const parsers::PeSection& s) {
                           KeyString(w, "name", s.name);
                           KeyUint(w, "virtual_address", s.virtual_address);
                           KeyUint(w, "virtual_size", s.virtual_size);
                           KeyUint(w, "pointer_to_raw_data", s.pointer_to_raw_data);
                           KeyUint(w, "size_of_raw_data", s.size_of_raw_data);
                         });
    internal::KeyObjects(w, "signatures", m.signatures,
                         [&](Writer& w, const predict::EmbeddedSignature& s) {
                           KeyUint(w, "offset", s.offset);
                           KeyString(w, "revision", Hex16(s.revision));
                           KeyString(w, "certificate_type", Hex16(s.certificate_type));
                           if (s.signature) {
                             KeyString(w, "digest_alg", s.signature->digest_alg_name);
                             KeyString(w, "digest", ToHex(s.signature->image_digest));
                             w.Key("digest_matches_image");
                             w.Bool(s.digest_matches_image);
                             w.Key("signature_valid");
                             w.Bool(s.signature->signature_valid);
                             if (!s.signature->signature_valid)
                               KeyString(w, "detail", s.signature->signature_detail);
                             w.Key("certificates");
                             w.StartArray();
                             for (const auto& c : s.signature->certificates) WriteCertificate(w, c);
                             w.EndArray();
                           } else {
                             KeyString(w, "error", s.error);
                           }
                         });
  });
}

std::string AuthenticodeToText(const std::string& file, const predict::AuthenticodeMeasurement& m) {
  std::string out = file + ": " + FormatName(m.image) + ", machine " + Hex16(m.image.machine) +
                    ", subsystem " + std::to_string(m.image.subsystem) + ", " +
                    std::to_string(m.image.sections.size()) + " sections\n";
  for (const Digest& d : m.digests) {
    out += "  authenticode " + std::string(HashAlgName(d.alg)) + ": " + ToHex(d.span()) + "\n";
  }
  if (m.signatures.empty()) out += "  unsigned\n";
  for (size_t i = 0; i < m.signatures.size(); ++i) {
    const predict::EmbeddedSignature& s = m.signatures[i];
    out += "  signature " + std::to_string(i) + " at offset " + std::to_string(s.offset) + ": ";
    if (!s.signature) {
      out += "not decoded: " + s.error + "\n";
      continue;
    }
    out += s.signature->digest_alg_name + " " + ToHex(s.signature->image_digest) +
           (s.digest_matches_image ? " (matches the image)" : " (DIFFERS from the image)") + "\n";
    out += "    signature over attributes: " +
           (s.signature->signature_valid ? std::string("valid")
                                         : "invalid: " + s.signature->signature_detail) +
           "\n";
    for (const auto& c : s.signature->certificates) {
      out += std::string(c.signer ? "    signer: " : "    certificate: ") + c.subject +
             " (issuer " + c.issuer + ", sha256 " + ToHex(c.sha256_fingerprint) + ")\n";
    }
  }
  return out;
}

namespace {

std::string EventTypeLabel(uint32_t type) {
  if (type == 0) return "firmware events";
  std::string_view name = parsers::EventTypeName(type);
  if (!name.empty()) return std::string(name);
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%08x", type);
  return buf;
}

void WriteDigests(Writer& w, const std::vector<Digest>& digests) {
  w.StartObject();
  for (const Digest& d : digests)
    KeyString(w, std::string(HashAlgName(d.alg)).c_str(), ToHex(d.span()));
  w.EndObject();
}

const Digest* Bank(const std::vector<Digest>& ds, HashAlg alg) {
  for (const Digest& d : ds) {
    if (d.alg == alg) return &d;
  }
  return nullptr;
}

// A YAML double-quoted scalar (JSON escaping is valid YAML).
std::string YamlQuote(const std::string& s) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.String(s.c_str(), rapidjson::SizeType(s.size()));
  return std::string(buf.GetString(), buf.GetSize());
}

constexpr size_t kMaxSlugLen = 64;

std::string Slug(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += char(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

}  // namespace

std::string PredictionToJson(const predict::BootPrediction& p,
                             const std::vector<std::string>& sources) {
  return SchemaJson([&](Writer& w) {
    KeyString(w, "boot", p.boot);
    w.Key("sources");
    w.StartArray();
    for (const std::string& s : sources) w.String(s.c_str());
    w.EndArray();
    internal::KeyObjects(w, "events", p.events, [&](Writer& w, const predict::BootEvent& e) {
      KeyString(w, "register", "pcr" + std::to_string(e.pcr));
      if (auto rtmr = predict::RtmrForPcr(e.pcr)) KeyString(w, "cc_register", *rtmr);
      KeyString(w, "type", EventTypeLabel(e.type));
      KeyString(w, "description", e.description);
      w.Key("predicted");
      w.Bool(e.predicted);
      if (e.predicted) {
        KeyString(w, "event_data", ToHex(e.data));
        w.Key("digests");
        WriteDigests(w, e.digests);
      } else {
        KeyString(w, "reason", e.reason);
      }
      if (!e.reference_digests.empty()) {
        w.Key("reference_digests");
        WriteDigests(w, e.reference_digests);
      }
    });
    w.Key("registers");
    w.StartObject();
    for (const auto& [pcr, values] : p.registers) {
      w.Key(("pcr" + std::to_string(pcr)).c_str());
      WriteDigests(w, values);
    }
    w.EndObject();
  });
}

std::string PredictionToCelJson(const predict::BootPrediction& p) {
  std::vector<cel::Record> records;
  for (const predict::BootEvent& e : p.events) {
    if (!e.predicted) continue;
    cel::Record r;
    r.recnum = records.size();
    r.index_type = cel::IndexType::kPcr;
    r.index = e.pcr;
    r.digests = e.digests;
    r.content_type = 1;  // PCCLIENT_STD
    r.event_type = e.type;
    r.event_data = e.data;
    records.push_back(std::move(r));
  }
  std::string out = cel::WriteJson(records);
  if (out.empty() || out.back() != '\n') out += '\n';
  return out;
}

std::string PredictionToPolicy(const predict::BootPrediction& p,
                               const std::vector<std::string>& sources) {
  std::string out = "# Predicted by `ccverify predict --boot " + p.boot + "` from:\n";
  for (const std::string& s : sources) out += "#   " + s + "\n";
  out +=
      "# One content-matched rule per predicted event: its register and its digest (in any\n"
      "# bank). Events the prediction could not compute are listed as comments.\n"
      "apiVersion: ccverify/v1\n"
      "metadata: {name: " +
      YamlQuote("predicted-" + p.boot + "-boot") +
      ", version: \"1\"}\n"
      "events:\n";
  out += PredictionEventRules(p);
  return out;
}

std::string PredictionEventRules(const predict::BootPrediction& p) {
  std::string out;
  std::map<std::string, int> used;
  for (const predict::BootEvent& e : p.events) {
    if (!e.predicted) {
      out += "  # pcr" + std::to_string(e.pcr) + " " + e.description + ": cannot predict (" +
             e.reason + ")\n";
      continue;
    }
    // Policy rule ids are at most 128 characters: a long description (a GRUB
    // command line) is cut, and repeats are numbered.
    std::string slug = Slug(e.description).substr(0, kMaxSlugLen);
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
    std::string id = "predicted-pcr" + std::to_string(e.pcr) + "-" + slug;
    if (int n = used[id]++; n > 0) id += "-" + std::to_string(n + 1);
    out += "  - id: " + id + "\n";
    out += "    match:\n";
    out += "      register: pcr" + std::to_string(e.pcr) + "\n";
    out += "      digest:\n        any_of:\n";
    for (const Digest& d : e.digests) {
      out += "          - \"" + ToHex(d.span()) + "\"  # " + std::string(HashAlgName(d.alg)) + "\n";
    }
  }
  return out;
}

Result<predict::BootPrediction> PredictionFromJson(std::string_view text) {
  auto bad = [](std::string what) {
    return Status(ErrorCode::kBadValue, "prediction: " + std::move(what));
  };
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) return bad("not a JSON object");
  if (!doc.HasMember("boot") || !doc["boot"].IsString()) return bad("\"boot\" is missing");
  if (!doc.HasMember("events") || !doc["events"].IsArray()) return bad("\"events\" is missing");
  predict::BootPrediction p;
  p.boot = doc["boot"].GetString();
  size_t i = 0;
  for (const auto& e : doc["events"].GetArray()) {
    const std::string where = "events[" + std::to_string(i++) + "]";
    if (!e.IsObject() || !e.HasMember("register") || !e["register"].IsString() ||
        !e.HasMember("predicted") || !e["predicted"].IsBool() || !e.HasMember("description") ||
        !e["description"].IsString()) {
      return bad(where + ": expected register, predicted and description");
    }
    predict::BootEvent be;
    const std::string reg = e["register"].GetString();
    if (reg.rfind("pcr", 0) != 0 || reg.size() < 4 || reg.size() > 5 ||
        reg.find_first_not_of("0123456789", 3) != std::string::npos) {
      return bad(where + ": register \"" + reg + "\" is not pcrN");
    }
    be.pcr = uint32_t(std::stoul(reg.substr(3)));
    if (be.pcr > 23) return bad(where + ": register \"" + reg + "\" is not pcr0..pcr23");
    be.description = e["description"].GetString();
    be.predicted = e["predicted"].GetBool();
    if (!be.predicted) {
      be.reason = e.HasMember("reason") && e["reason"].IsString() ? e["reason"].GetString() : "";
    } else {
      if (!e.HasMember("digests") || !e["digests"].IsObject() || e["digests"].MemberCount() == 0) {
        return bad(where + ": a predicted event needs digests");
      }
      for (auto it = e["digests"].MemberBegin(); it != e["digests"].MemberEnd(); ++it) {
        auto alg = HashAlgFromName(it->name.GetString());
        auto bytes = it->value.IsString() ? FromHex(it->value.GetString())
                                          : Result<std::vector<uint8_t>>(bad("not hex"));
        std::optional<Digest> d;
        if (alg && bytes.ok()) d = Digest::FromBytes(*alg, *bytes);
        if (!d) return bad(where + ": digest \"" + it->name.GetString() + "\" is malformed");
        be.digests.push_back(*d);
      }
    }
    p.events.push_back(std::move(be));
  }
  return p;
}

std::string PredictionToText(const predict::BootPrediction& p) {
  std::string out = "predicted events (" + p.boot + " boot):\n";
  for (const predict::BootEvent& e : p.events) {
    char head[64];
    std::snprintf(head, sizeof(head), "  pcr%-2u ", e.pcr);
    out += head + EventTypeLabel(e.type) + "  " + e.description;
    if (!e.predicted) {
      out += "  CANNOT PREDICT: " + e.reason + "\n";
      continue;
    }
    const Digest* d = Bank(e.digests, HashAlg::kSha256);
    if (d == nullptr && !e.digests.empty()) d = &e.digests.front();
    out += d ? "  " + std::string(HashAlgName(d->alg)) + ":" + ToHex(d->span()) + "\n" : "\n";
  }
  out += "registers:\n";
  for (const auto& [pcr, values] : p.registers) {
    for (const Digest& d : values) {
      out += "  pcr" + std::to_string(pcr) + " " + std::string(HashAlgName(d.alg)) + " " +
             ToHex(d.span()) + "\n";
    }
  }
  return out;
}

}  // namespace ccv::report
