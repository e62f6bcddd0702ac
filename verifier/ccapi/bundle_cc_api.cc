#include "verifier/ccapi/bundle_cc_api.h"

#include <algorithm>

#include <rapidjson/document.h>

#include "agent/cc_eventlog.h"
#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/td_report.h"
#include "parsers/tdx_quote.h"

namespace ccv::verifier {
namespace {

constexpr uint64_t kMaxEvidenceJsonLen = 1 << 20;
constexpr uint64_t kMaxMemberFileLen = uint64_t{2} << 30;

Digest FromMeasurement(const parsers::Measurement& m) {
  Digest d = Digest::Zero(HashAlg::kSha384);
  std::copy(m.begin(), m.end(), d.bytes.begin());
  return d;
}

// The string member `key` of `obj`, if present. Errors: kBadValue naming it.
Result<std::optional<std::string>> StringMember(const rapidjson::Value& obj, const char* key,
                                                const std::string& where) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return std::optional<std::string>();
  if (!it->value.IsString()) {
    return Status(ErrorCode::kBadValue, "expected a string").WithFile(where).WithField(key);
  }
  return std::optional<std::string>(it->value.GetString());
}

// Reads the bundle file `name` (relative, inside the bundle).
Result<std::vector<uint8_t>> ReadMember(const std::string& dir, const std::string& name,
                                        const char* member) {
  if (name.empty() || name.front() == '/' || name == ".." || name.rfind("../", 0) == 0 ||
      name.find("/../") != std::string::npos ||
      (name.size() >= 3 && name.compare(name.size() - 3, 3, "/..") == 0)) {
    return Status(ErrorCode::kInvalidArgument, "path '" + name + "' leaves the bundle")
        .WithFile(dir + "/evidence.json")
        .WithField(member);
  }
  return ReadFileBytes(dir + "/" + name, kMaxMemberFileLen);
}

}  // namespace

Result<std::unique_ptr<BundleCcApi>> BundleCcApi::Open(const std::string& dir) {
  const std::string json_path = dir + "/evidence.json";
  CCV_ASSIGN_OR_RETURN(std::string text, ReadFileText(json_path, kMaxEvidenceJsonLen));
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Status(ErrorCode::kBadValue, "not a JSON object")
        .WithFile(json_path)
        .WithOffset(doc.HasParseError() ? doc.GetErrorOffset() : 0);
  }
  auto version = doc.FindMember("version");
  if (version == doc.MemberEnd() || !version->value.IsInt()) {
    return Status(ErrorCode::kBadValue, "expected an integer").WithFile(json_path).WithField(
        "version");
  }
  if (version->value.GetInt() != 1) {
    return Status(ErrorCode::kUnsupportedVersion,
                  "bundle version " + std::to_string(version->value.GetInt()) + ", expected 1")
        .WithFile(json_path)
        .WithField("version");
  }

  std::unique_ptr<BundleCcApi> api(new BundleCcApi());
  // The report: a quote, else a TDREPORT.
  CCV_ASSIGN_OR_RETURN(std::optional<std::string> quote_name,
                       StringMember(doc, "quote", json_path));
  CCV_ASSIGN_OR_RETURN(std::optional<std::string> td_name,
                       StringMember(doc, "td_report", json_path));
  if (quote_name) {
    CCV_ASSIGN_OR_RETURN(api->report_.bytes, ReadMember(dir, *quote_name, "quote"));
    Result<parsers::Quote> q = parsers::ParseQuote(api->report_.bytes);
    if (!q.ok()) return q.status().WithFile(dir + "/" + *quote_name);
    if (!q->td_body) {
      return Status(ErrorCode::kBadValue, "not a TDX quote").WithFile(dir + "/" + *quote_name);
    }
    api->report_.kind = agent::CcReport::Kind::kQuote;
    api->report_.report_data = q->td_body->report_data;
    for (uint32_t i = 0; i < agent::kTdxImrCount; ++i) {
      api->rtmr_[i] = FromMeasurement(q->td_body->rtmr[i]);
    }
  } else if (td_name) {
    CCV_ASSIGN_OR_RETURN(api->report_.bytes, ReadMember(dir, *td_name, "td_report"));
    Result<parsers::TdReport> td = parsers::ParseTdReport(api->report_.bytes);
    if (!td.ok()) return td.status().WithFile(dir + "/" + *td_name);
    api->report_.kind = agent::CcReport::Kind::kTdReport;
    api->report_.report_data = td->report_data;
    for (uint32_t i = 0; i < agent::kTdxImrCount; ++i) {
      api->rtmr_[i] = FromMeasurement(td->rtmr[i]);
    }
  } else {
    return Status(ErrorCode::kNotFound, "the bundle has neither a quote nor a td_report")
        .WithFile(json_path);
  }

  // The event log: CCEL log area, then the IMA list. Each member is a file
  // name or an object naming it ({"data": ...} / {"path": ...}), as the
  // verifier's bundle loader accepts (verifier/bundle/evidence.h).
  auto file_of = [&](const char* key, const char* sub,
                     const std::string& field) -> Result<std::optional<std::string>> {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd()) return std::optional<std::string>();
    if (it->value.IsString()) return std::optional<std::string>(it->value.GetString());
    if (!it->value.IsObject()) {
      return Status(ErrorCode::kBadValue, "expected a file name or an object")
          .WithFile(json_path)
          .WithField(key);
    }
    CCV_ASSIGN_OR_RETURN(std::optional<std::string> name,
                         StringMember(it->value, sub, json_path));
    if (!name) {
      return Status(ErrorCode::kNotFound, "missing member").WithFile(json_path).WithField(field);
    }
    return name;
  };
  CCV_ASSIGN_OR_RETURN(std::optional<std::string> ccel_name, file_of("ccel", "data", "ccel.data"));
  if (!ccel_name) {
    return Status(ErrorCode::kNotFound, "the bundle has no CCEL log")
        .WithFile(json_path)
        .WithField("ccel");
  }
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> ccel_data, ReadMember(dir, *ccel_name, "ccel.data"));
  CCV_ASSIGN_OR_RETURN(std::optional<std::string> ima_name, file_of("ima", "path", "ima.path"));
  std::vector<uint8_t> ima;
  std::string ima_file;
  if (ima_name) {
    CCV_ASSIGN_OR_RETURN(ima, ReadMember(dir, *ima_name, "ima.path"));
    ima_file = dir + "/" + *ima_name;
  }
  std::optional<Bytes> ima_bytes;
  if (!ima_file.empty()) ima_bytes = Bytes(ima);
  Result<std::vector<agent::CcEvent>> events = agent::BuildCcEventlog(ccel_data, ima_bytes);
  if (!events.ok()) return events.status();
  api->events_ = std::move(events).value();
  return api;
}

Result<Digest> BundleCcApi::GetCcMeasurement(uint32_t index, HashAlg alg) {
  if (index >= agent::kTdxImrCount) {
    return Status(ErrorCode::kInvalidArgument,
                  "IMR index " + std::to_string(index) + ", TDX has 0..3 (RTMR0..3)");
  }
  if (alg != HashAlg::kSha384) {
    return Status(ErrorCode::kUnsupported, std::string("TDX RTMRs have no ") +
                                               std::string(HashAlgName(alg)) + " bank");
  }
  return rtmr_[index];
}

Result<agent::CcReport> BundleCcApi::GetCcReport(std::span<const uint8_t> nonce,
                                                 std::span<const uint8_t> data) {
  std::array<uint8_t, 64> want = agent::ReportDataFor(nonce, data);
  if (want != report_.report_data) {
    return Status(ErrorCode::kUnsupported,
                  "an offline bundle holds one report, whose REPORTDATA " +
                      ToHex(report_.report_data) + " is not SHA-512(nonce || data)");
  }
  return report_;
}

Result<std::vector<agent::CcEvent>> BundleCcApi::GetCcEventlog(size_t start,
                                                               std::optional<size_t> count) {
  return agent::SliceCcEvents(events_, start, count);
}

}  // namespace ccv::verifier
