#include "verifier/bundle/evidence.h"

#include <filesystem>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"

namespace ccv::bundle {
namespace {

Status Bad(ErrorCode code, const std::string& source, const std::string& field, const std::string& msg) {
  return Status(code, msg).WithFile(source).WithField(field);
}

// A bundle-relative file name that stays inside the bundle.
Result<std::string> FileMember(const rapidjson::Value& v, const std::string& dir,
                               const std::string& source, const std::string& field) {
  if (!v.IsString()) return Bad(ErrorCode::kBadValue, source, field, "expected a file name string");
  std::string name(v.GetString(), v.GetStringLength());
  if (name.empty() || name.find('\0') != std::string::npos) {
    return Bad(ErrorCode::kBadValue, source, field, "expected a non-empty file name");
  }
  std::filesystem::path p(name);
  if (p.is_absolute()) {
    return Bad(ErrorCode::kBadValue, source, field,
               "file '" + name + "' must be relative to the bundle directory");
  }
  for (const auto& part : p) {
    if (part == "..") {
      return Bad(ErrorCode::kBadValue, source, field, "file '" + name + "' leaves the bundle directory");
    }
  }
  return dir.empty() ? name : (std::filesystem::path(dir) / p).string();
}

Result<std::vector<uint8_t>> HexMember(const rapidjson::Value& v, const std::string& source,
                                       const std::string& field, size_t max_len) {
  if (!v.IsString()) return Bad(ErrorCode::kBadValue, source, field, "expected a hex string");
  std::string_view s(v.GetString(), v.GetStringLength());
  if (s.size() > 2 * max_len) {
    return Bad(ErrorCode::kBadLength, source, field,
               "longer than " + std::to_string(max_len) + " bytes");
  }
  auto b = FromHex(s);
  if (!b.ok()) return Bad(b.status().code(), source, field, "bad hex: " + b.status().message());
  return std::move(b).value();
}

}  // namespace

bool IsImaRegister(const std::string& r) {
  auto num = [&](size_t prefix, unsigned max) {
    if (r.size() <= prefix || r.size() > prefix + 2 || (r.size() == prefix + 2 && r[prefix] == '0')) {
      return false;
    }
    unsigned v = 0;
    for (size_t i = prefix; i < r.size(); ++i) {
      if (r[i] < '0' || r[i] > '9') return false;
      v = v * 10 + unsigned(r[i] - '0');
    }
    return v <= max;
  };
  return (r.rfind("rtmr", 0) == 0 && num(4, 3)) || (r.rfind("pcr", 0) == 0 && num(3, 23));
}

Result<Evidence> ParseEvidenceJson(std::string_view json, const std::string& dir,
                                   const std::string& source) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError()) {
    return Status(ErrorCode::kBadValue,
                  std::string("JSON: ") + rapidjson::GetParseError_En(d.GetParseError()))
        .WithFile(source)
        .WithOffset(d.GetErrorOffset());
  }
  if (!d.IsObject()) return Bad(ErrorCode::kBadValue, source, "", "expected a JSON object");
  Evidence e;
  e.dir = dir;
  if (!d.HasMember("version")) {
    return Bad(ErrorCode::kNotFound, source, "version", "missing required member 'version'");
  }
  if (!d["version"].IsInt()) return Bad(ErrorCode::kBadValue, source, "version", "expected an integer");
  e.version = d["version"].GetInt();
  if (e.version != 1) {
    return Bad(ErrorCode::kUnsupportedVersion, source, "version",
               "unsupported evidence version " + std::to_string(e.version) + " (expected 1)");
  }
  auto str = [&](const char* key, std::string* out) -> Status {
    if (!d.HasMember(key)) return Status::Ok();
    if (!d[key].IsString()) return Bad(ErrorCode::kBadValue, source, key, "expected a string");
    *out = std::string(d[key].GetString(), d[key].GetStringLength());
    return Status::Ok();
  };
  CCV_RETURN_IF_ERROR(str("tee", &e.tee));
  if (!e.tee.empty() && e.tee != "tdx") {
    return Bad(ErrorCode::kUnsupported, source, "tee", "unsupported TEE '" + e.tee + "' (expected tdx)");
  }
  CCV_RETURN_IF_ERROR(str("collected_at", &e.collected_at));
  auto file = [&](const char* key, std::optional<std::string>* out) -> Status {
    if (!d.HasMember(key)) return Status::Ok();
    CCV_ASSIGN_OR_RETURN(std::string p, FileMember(d[key], dir, source, key));
    *out = std::move(p);
    return Status::Ok();
  };
  CCV_RETURN_IF_ERROR(file("quote", &e.quote));
  CCV_RETURN_IF_ERROR(file("tpm_eventlog", &e.tpm_eventlog));
  CCV_RETURN_IF_ERROR(file("cel", &e.cel));
  CCV_RETURN_IF_ERROR(file("collateral", &e.collateral));
  if (d.HasMember("ccel")) {
    const auto& c = d["ccel"];
    if (c.IsString()) {
      CCV_ASSIGN_OR_RETURN(std::string p, FileMember(c, dir, source, "ccel"));
      e.ccel_data = std::move(p);
    } else if (c.IsObject()) {
      if (!c.HasMember("data")) return Bad(ErrorCode::kNotFound, source, "ccel.data", "missing member 'data'");
      CCV_ASSIGN_OR_RETURN(std::string p, FileMember(c["data"], dir, source, "ccel.data"));
      e.ccel_data = std::move(p);
      if (c.HasMember("table")) {
        CCV_ASSIGN_OR_RETURN(std::string t, FileMember(c["table"], dir, source, "ccel.table"));
        e.ccel_table = std::move(t);
      }
    } else {
      return Bad(ErrorCode::kBadValue, source, "ccel", "expected a file name or {\"table\", \"data\"}");
    }
  }
  if (d.HasMember("ima")) {
    const auto& m = d["ima"];
    if (m.IsString()) {
      CCV_ASSIGN_OR_RETURN(std::string p, FileMember(m, dir, source, "ima"));
      e.ima = std::move(p);
    } else if (m.IsObject()) {
      if (!m.HasMember("path")) return Bad(ErrorCode::kNotFound, source, "ima.path", "missing member 'path'");
      CCV_ASSIGN_OR_RETURN(std::string p, FileMember(m["path"], dir, source, "ima.path"));
      e.ima = std::move(p);
      if (m.HasMember("register")) {
        if (!m["register"].IsString()) return Bad(ErrorCode::kBadValue, source, "ima.register", "expected a string");
        e.ima_register = m["register"].GetString();
        if (!IsImaRegister(e.ima_register)) {
          return Bad(ErrorCode::kBadValue, source, "ima.register",
                     "expected rtmr0..rtmr3 or pcr0..pcr23 (usually rtmr2 or pcr10)");
        }
      }
    } else {
      return Bad(ErrorCode::kBadValue, source, "ima", "expected a file name or {\"path\", \"register\"}");
    }
  }
  if (d.HasMember("nonce")) {
    CCV_ASSIGN_OR_RETURN(auto b, HexMember(d["nonce"], source, "nonce", kMaxNonceLen));
    e.nonce = std::move(b);
  }
  if (d.HasMember("user_data")) {
    CCV_ASSIGN_OR_RETURN(auto b, HexMember(d["user_data"], source, "user_data", kMaxNonceLen));
    e.user_data = std::move(b);
  }
  if (d.HasMember("report_data")) {
    CCV_ASSIGN_OR_RETURN(auto b, HexMember(d["report_data"], source, "report_data", 64));
    if (b.size() != 64) return Bad(ErrorCode::kBadLength, source, "report_data", "expected 64 bytes");
    e.claimed_report_data = std::move(b);
  }
  return e;
}

Result<Evidence> LoadEvidenceDir(const std::string& dir) {
  std::string path = (std::filesystem::path(dir) / kEvidenceFileName).string();
  auto text = ReadFileText(path, uint64_t{1} << 20);
  if (!text.ok()) return text.status();
  return ParseEvidenceJson(*text, dir, path);
}

}  // namespace ccv::bundle
