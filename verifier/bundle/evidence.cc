#include "verifier/bundle/evidence.h"

#include <filesystem>
#include <initializer_list>
#include <unordered_set>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/ima_register.h"

namespace ccv::bundle {
namespace {

constexpr char kModeSha512[] = "sha512(nonce||user_data)";
constexpr char kModeNonce[] = "nonce";
constexpr size_t kMaxEchoedName = 64;

Status Bad(ErrorCode code, const std::string& source, const std::string& field,
           const std::string& msg) {
  return Status(code, msg).WithFile(source).WithField(field);
}

// A member name as messages show it: printable ASCII (others as \xNN), cut
// at kMaxEchoedName characters.
std::string Printable(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == kMaxEchoedName) {
      out += "...";
      break;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Refuses a member name given twice and any name outside `known`. `prefix`
// ("" or "ccel.") makes the field path.
Status CheckMembers(const rapidjson::Value& obj, std::initializer_list<std::string_view> known,
                    const std::string& source, const std::string& prefix) {
  std::unordered_set<std::string_view> seen;
  seen.reserve(obj.MemberCount());
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (!seen.insert(name).second) {
      return Bad(ErrorCode::kBadValue, source, prefix + Printable(name),
                 "member '" + prefix + Printable(name) +
                     "' appears more than once (JSON readers disagree on which one counts)");
    }
  }
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    bool found = false;
    for (std::string_view k : known) found |= k == name;
    if (found) continue;
    std::string list;
    for (std::string_view k : known) {
      if (!list.empty()) list += ", ";
      list += k;
    }
    return Bad(ErrorCode::kBadValue, source, prefix + Printable(name),
               "unknown member '" + prefix + Printable(name) + "' (known: " + list + ")");
  }
  return Status::Ok();
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
               "file '" + Printable(name) + "' must be relative to the bundle directory");
  }
  for (const auto& part : p) {
    if (part == "..") {
      return Bad(ErrorCode::kBadValue, source, field,
                 "file '" + Printable(name) + "' leaves the bundle directory");
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

Result<std::vector<uint8_t>> ReportData64(const rapidjson::Value& v, const std::string& source,
                                          const std::string& field) {
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> b, HexMember(v, source, field, 64));
  if (b.size() != 64) {
    return Bad(ErrorCode::kBadLength, source, field,
               "expected 64 bytes (128 hex digits), got " + std::to_string(b.size()));
  }
  return b;
}

// "report_data": a mode name, {"exact": HEX}, or (older form) 64 hex bytes.
Status ReportDataMember(const rapidjson::Value& v, const std::string& source, Evidence* e) {
  const char* kExpected =
      "expected \"sha512(nonce||user_data)\", \"nonce\" or {\"exact\": \"<128 hex digits>\"}";
  if (v.IsObject()) {
    CCV_RETURN_IF_ERROR(CheckMembers(v, {"exact"}, source, "report_data."));
    if (!v.HasMember("exact")) {
      return Bad(ErrorCode::kNotFound, source, "report_data.exact", "missing member 'exact'");
    }
    CCV_ASSIGN_OR_RETURN(auto b, ReportData64(v["exact"], source, "report_data.exact"));
    e->report_data_mode = ReportDataMode::kExact;
    e->claimed_report_data = std::move(b);
    return Status::Ok();
  }
  if (!v.IsString()) return Bad(ErrorCode::kBadValue, source, "report_data", kExpected);
  std::string_view s(v.GetString(), v.GetStringLength());
  if (s == kModeSha512) {
    e->report_data_mode = ReportDataMode::kSha512NonceUserData;
    return Status::Ok();
  }
  if (s == kModeNonce) {
    e->report_data_mode = ReportDataMode::kNonce;
    return Status::Ok();
  }
  if (!s.empty() && s.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos) {
    // The older form: the collector's REPORTDATA, kept as its claim.
    CCV_ASSIGN_OR_RETURN(auto b, ReportData64(v, source, "report_data"));
    e->claimed_report_data = std::move(b);
    return Status::Ok();
  }
  return Bad(ErrorCode::kBadValue, source, "report_data", kExpected);
}

// "not_found": the items the collector looked for and did not find; each known,
// once, and not also present in the manifest (a bundle cannot both have and lack
// something).
Status NotFoundMember(const rapidjson::Value& v, const std::string& source, Evidence* e) {
  if (!v.IsArray())
    return Bad(ErrorCode::kBadValue, source, "not_found", "expected an array of strings");
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    std::string field = "not_found[" + std::to_string(i) + "]";
    if (!v[i].IsString()) return Bad(ErrorCode::kBadValue, source, field, "expected a string");
    std::string item(v[i].GetString(), v[i].GetStringLength());
    bool present;
    if (item == "ccel") {
      present = e->ccel_data.has_value();
    } else if (item == "quote") {
      present = e->quote.has_value() || e->td_report.has_value();
    } else if (item == "ima") {
      present = e->ima.has_value();
    } else if (item == "tpm_eventlog") {
      present = e->tpm_eventlog.has_value();
    } else if (item == "tpm_quote") {
      present = e->tpm.has_value();
    } else {
      return Bad(ErrorCode::kBadValue, source, field,
                 "unknown item '" + Printable(item) +
                     "' (known: ccel, quote, ima, tpm_eventlog, tpm_quote)");
    }
    for (const std::string& seen : e->not_found) {
      if (seen == item) {
        return Bad(ErrorCode::kBadValue, source, field, "'" + item + "' is listed twice");
      }
    }
    if (present) {
      return Bad(ErrorCode::kBadValue, source, field,
                 "'" + item + "' is listed as not found but the manifest names it");
    }
    e->not_found.push_back(std::move(item));
  }
  return Status::Ok();
}

// `tpm`: {"quotes": [{"attest", "signature"}], "ak", "ak_chain", "pcrs", "nonce",
// "hcl_report"}.
Result<TpmEvidence> TpmMember(const rapidjson::Value& v, const std::string& dir,
                              const std::string& source) {
  if (!v.IsObject()) {
    return Bad(ErrorCode::kBadValue, source, "tpm",
               "expected {\"quotes\": [{\"attest\", \"signature\"}], \"ak\", ...}");
  }
  CCV_RETURN_IF_ERROR(
      CheckMembers(v, {"quotes", "ak", "ak_chain", "pcrs", "nonce", "hcl_report"}, source, "tpm."));
  TpmEvidence t;
  if (!v.HasMember("quotes")) {
    return Bad(ErrorCode::kNotFound, source, "tpm.quotes", "missing member 'quotes'");
  }
  const auto& qs = v["quotes"];
  if (!qs.IsArray() || qs.Empty()) {
    return Bad(ErrorCode::kBadValue, source, "tpm.quotes",
               "expected a non-empty array of {\"attest\", \"signature\"}");
  }
  if (qs.Size() > kMaxTpmQuotes) {
    return Bad(ErrorCode::kLimitExceeded, source, "tpm.quotes",
               std::to_string(qs.Size()) + " quotes; at most " + std::to_string(kMaxTpmQuotes));
  }
  for (rapidjson::SizeType i = 0; i < qs.Size(); ++i) {
    const std::string f = "tpm.quotes[" + std::to_string(i) + "]";
    const auto& q = qs[i];
    if (!q.IsObject()) {
      return Bad(ErrorCode::kBadValue, source, f, "expected {\"attest\", \"signature\"}");
    }
    CCV_RETURN_IF_ERROR(CheckMembers(q, {"attest", "signature"}, source, f + "."));
    TpmQuoteFiles files;
    for (const char* key : {"attest", "signature"}) {
      if (!q.HasMember(key)) {
        return Bad(ErrorCode::kNotFound, source, f + "." + key,
                   std::string("missing member '") + key + "'");
      }
    }
    CCV_ASSIGN_OR_RETURN(files.attest, FileMember(q["attest"], dir, source, f + ".attest"));
    CCV_ASSIGN_OR_RETURN(files.signature,
                         FileMember(q["signature"], dir, source, f + ".signature"));
    t.quotes.push_back(std::move(files));
  }
  if (v.HasMember("ak")) {
    CCV_ASSIGN_OR_RETURN(std::string p, FileMember(v["ak"], dir, source, "tpm.ak"));
    t.ak = std::move(p);
  }
  if (v.HasMember("pcrs")) {
    CCV_ASSIGN_OR_RETURN(std::string p, FileMember(v["pcrs"], dir, source, "tpm.pcrs"));
    t.pcrs = std::move(p);
  }
  if (v.HasMember("hcl_report")) {
    CCV_ASSIGN_OR_RETURN(std::string p, FileMember(v["hcl_report"], dir, source, "tpm.hcl_report"));
    t.hcl_report = std::move(p);
  }
  if (v.HasMember("ak_chain")) {
    const auto& c = v["ak_chain"];
    if (!c.IsArray()) {
      return Bad(ErrorCode::kBadValue, source, "tpm.ak_chain", "expected an array of file names");
    }
    if (c.Size() > kMaxTpmAkChain) {
      return Bad(ErrorCode::kLimitExceeded, source, "tpm.ak_chain",
                 "more than " + std::to_string(kMaxTpmAkChain) + " files");
    }
    for (rapidjson::SizeType i = 0; i < c.Size(); ++i) {
      CCV_ASSIGN_OR_RETURN(
          std::string p, FileMember(c[i], dir, source, "tpm.ak_chain[" + std::to_string(i) + "]"));
      t.ak_chain.push_back(std::move(p));
    }
  }
  if (v.HasMember("nonce")) {
    CCV_ASSIGN_OR_RETURN(auto b, HexMember(v["nonce"], source, "tpm.nonce", kMaxNonceLen));
    t.nonce = std::move(b);
  }
  return t;
}

}  // namespace

std::string_view ReportDataModeName(ReportDataMode mode) {
  switch (mode) {
    case ReportDataMode::kSha512NonceUserData:
      return kModeSha512;
    case ReportDataMode::kNonce:
      return kModeNonce;
    case ReportDataMode::kExact:
      return "exact";
  }
  return "?";
}

Result<RegisterId> ParseImaRegisterOption(std::string_view value) {
  Result<RegisterId> reg = ima::ParseImaRegister(value);
  if (reg.ok()) return reg;
  return Status(ErrorCode::kInvalidArgument, "--ima-register: '" + Printable(value) +
                                                 "' is not supported: " + reg.status().message());
}

Result<Evidence> ParseEvidenceJson(std::string_view json, const std::string& dir,
                                   const std::string& source) {
  rapidjson::Document d;
  // Iterative parsing: nesting depth cannot exhaust the stack.
  d.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (d.HasParseError()) {
    return Status(ErrorCode::kBadValue,
                  std::string("JSON: ") + rapidjson::GetParseError_En(d.GetParseError()))
        .WithFile(source)
        .WithOffset(d.GetErrorOffset());
  }
  if (!d.IsObject()) return Bad(ErrorCode::kBadValue, source, "", "expected a JSON object");
  // Each member's value is a string, a number or one of the objects checked
  // below, so these checks cover every level the manifest may have.
  CCV_RETURN_IF_ERROR(CheckMembers(
      d,
      {"version", "tee", "quote", "quote_provider", "td_report", "quote_unavailable", "ccel", "ima",
       "tpm_eventlog", "cel", "dstack_event_log", "collateral", "pck_chain", "nonce", "user_data",
       "report_data", "collected_at", "not_found", "tpm"},
      source, ""));
  Evidence e;
  e.dir = dir;
  if (!d.HasMember("version")) {
    return Bad(ErrorCode::kNotFound, source, "version", "missing required member 'version'");
  }
  if (!d["version"].IsInt())
    return Bad(ErrorCode::kBadValue, source, "version", "expected an integer");
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
    return Bad(ErrorCode::kUnsupported, source, "tee",
               "unsupported TEE '" + Printable(e.tee) + "' (expected tdx)");
  }
  CCV_RETURN_IF_ERROR(str("collected_at", &e.collected_at));
  CCV_RETURN_IF_ERROR(str("quote_provider", &e.quote_provider));
  CCV_RETURN_IF_ERROR(str("quote_unavailable", &e.quote_unavailable));
  auto file = [&](const char* key, std::optional<std::string>* out) -> Status {
    if (!d.HasMember(key)) return Status::Ok();
    CCV_ASSIGN_OR_RETURN(std::string p, FileMember(d[key], dir, source, key));
    *out = std::move(p);
    return Status::Ok();
  };
  CCV_RETURN_IF_ERROR(file("quote", &e.quote));
  CCV_RETURN_IF_ERROR(file("td_report", &e.td_report));
  CCV_RETURN_IF_ERROR(file("tpm_eventlog", &e.tpm_eventlog));
  CCV_RETURN_IF_ERROR(file("cel", &e.cel));
  CCV_RETURN_IF_ERROR(file("dstack_event_log", &e.dstack_event_log));
  CCV_RETURN_IF_ERROR(file("collateral", &e.collateral));
  CCV_RETURN_IF_ERROR(file("pck_chain", &e.pck_chain));
  if (d.HasMember("ccel")) {
    const auto& c = d["ccel"];
    if (c.IsString()) {
      CCV_ASSIGN_OR_RETURN(std::string p, FileMember(c, dir, source, "ccel"));
      e.ccel_data = std::move(p);
    } else if (c.IsObject()) {
      CCV_RETURN_IF_ERROR(CheckMembers(c, {"table", "data"}, source, "ccel."));
      if (!c.HasMember("data"))
        return Bad(ErrorCode::kNotFound, source, "ccel.data", "missing member 'data'");
      CCV_ASSIGN_OR_RETURN(std::string p, FileMember(c["data"], dir, source, "ccel.data"));
      e.ccel_data = std::move(p);
      if (c.HasMember("table")) {
        CCV_ASSIGN_OR_RETURN(std::string t, FileMember(c["table"], dir, source, "ccel.table"));
        e.ccel_table = std::move(t);
      }
    } else {
      return Bad(ErrorCode::kBadValue, source, "ccel",
                 "expected a file name or {\"table\", \"data\"}");
    }
  }
  if (d.HasMember("ima")) {
    const auto& m = d["ima"];
    if (m.IsString()) {
      CCV_ASSIGN_OR_RETURN(std::string p, FileMember(m, dir, source, "ima"));
      e.ima = std::move(p);
    } else if (m.IsObject()) {
      CCV_RETURN_IF_ERROR(CheckMembers(m, {"path", "binary", "register"}, source, "ima."));
      if (!m.HasMember("path"))
        return Bad(ErrorCode::kNotFound, source, "ima.path", "missing member 'path'");
      CCV_ASSIGN_OR_RETURN(std::string p, FileMember(m["path"], dir, source, "ima.path"));
      e.ima = std::move(p);
      if (m.HasMember("binary")) {
        CCV_ASSIGN_OR_RETURN(std::string b, FileMember(m["binary"], dir, source, "ima.binary"));
        e.ima_binary = std::move(b);
      }
      if (m.HasMember("register")) {
        const auto& r = m["register"];
        if (!r.IsString())
          return Bad(ErrorCode::kBadValue, source, "ima.register", "expected a string");
        std::string_view name(r.GetString(), r.GetStringLength());
        Result<RegisterId> reg = ima::ParseImaRegister(name);
        if (!reg.ok()) {
          return Bad(
              ErrorCode::kBadValue, source, "ima.register",
              "register '" + Printable(name) + "' is not supported: " + reg.status().message());
        }
        e.ima_register = *reg;
      }
    } else {
      return Bad(ErrorCode::kBadValue, source, "ima",
                 "expected a file name or {\"path\", \"register\"}");
    }
  }
  if (d.HasMember("tpm")) {
    CCV_ASSIGN_OR_RETURN(TpmEvidence t, TpmMember(d["tpm"], dir, source));
    e.tpm = std::move(t);
  }
  if (d.HasMember("nonce")) {
    CCV_ASSIGN_OR_RETURN(auto b, HexMember(d["nonce"], source, "nonce", kMaxNonceLen));
    e.nonce = std::move(b);
  }
  if (d.HasMember("user_data")) {
    CCV_ASSIGN_OR_RETURN(auto b, HexMember(d["user_data"], source, "user_data", kMaxNonceLen));
    e.user_data = std::move(b);
  }
  if (d.HasMember("report_data"))
    CCV_RETURN_IF_ERROR(ReportDataMember(d["report_data"], source, &e));
  if (d.HasMember("not_found")) CCV_RETURN_IF_ERROR(NotFoundMember(d["not_found"], source, &e));
  if (e.report_data_mode == ReportDataMode::kNonce) {
    if (e.nonce && e.nonce->size() > 64) {
      return Bad(ErrorCode::kBadLength, source, "nonce",
                 "a nonce of " + std::to_string(e.nonce->size()) +
                     " bytes cannot be REPORTDATA (64 bytes) as report_data \"nonce\" says");
    }
    if (e.user_data) {
      return Bad(ErrorCode::kBadValue, source, "user_data",
                 "report_data \"nonce\" puts only the nonce in REPORTDATA: user_data has no place");
    }
  }
  return e;
}

Result<Evidence> LoadEvidenceDir(const std::string& dir) {
  CCV_ASSIGN_OR_RETURN(InputFile f, InputFile::OpenBeneath(dir, kEvidenceFileName));
  CCV_ASSIGN_OR_RETURN(std::string text, f.ReadAllText(kMaxManifestLen));
  return ParseEvidenceJson(text, dir, f.path());
}

}  // namespace ccv::bundle
