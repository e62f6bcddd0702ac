#include "verifier/bundle/discover.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <string_view>

#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/dstack_log.h"
#include "parsers/log_detect.h"

namespace ccv::bundle {
namespace {

constexpr uint64_t kMaxCollateralLen = 4 << 20;
constexpr uint64_t kMaxNonceFileLen = 2 * kMaxNonceLen + 2;  // hex text and a newline

enum class Role {
  kQuote,
  kTdReport,
  kCcelTable,
  kCcelData,
  kTpmLog,
  kImaAscii,
  kImaBinary,
  kCel,
  kDstackLog,
  kCollateral,
  kPckChain,
  kNonce
};

const char* RoleName(Role r) {
  switch (r) {
    case Role::kQuote:
      return "quote";
    case Role::kTdReport:
      return "td_report";
    case Role::kCcelTable:
      return "ccel.table";
    case Role::kCcelData:
      return "ccel.data";
    case Role::kTpmLog:
      return "tpm_eventlog";
    case Role::kImaAscii:
      return "ima";
    case Role::kImaBinary:
      return "ima (binary)";
    case Role::kCel:
      return "cel";
    case Role::kDstackLog:
      return "dstack_event_log";
    case Role::kCollateral:
      return "collateral";
    case Role::kPckChain:
      return "pck_chain";
    case Role::kNonce:
      return "nonce";
  }
  return "?";
}

std::optional<Role> RoleOfFormat(parsers::LogFormat f) {
  using parsers::LogFormat;
  switch (f) {
    case LogFormat::kTdxQuote:
      return Role::kQuote;
    case LogFormat::kTdReport:
      return Role::kTdReport;
    case LogFormat::kCcelAcpiTable:
      return Role::kCcelTable;
    case LogFormat::kCcel:
      return Role::kCcelData;
    case LogFormat::kTcg2:
    case LogFormat::kTcgSha1Legacy:
      return Role::kTpmLog;
    case LogFormat::kImaAscii:
      return Role::kImaAscii;
    case LogFormat::kImaBinary:
      return Role::kImaBinary;
    case LogFormat::kCelTlv:
    case LogFormat::kCelJson:
      return Role::kCel;
    case LogFormat::kUnknown:
      return std::nullopt;
  }
  return std::nullopt;
}

bool IsNonceName(const std::string& name) {
  return name == "nonce" || name == "nonce.bin" || name == "nonce.hex" || name == "nonce.txt";
}

// Our collateral layout: a JSON object with the TCB info and QE identity
// members `--collateral` reads.
bool IsCollateralJson(InputFile* f) {
  if (f->size() > kMaxCollateralLen) return false;
  auto text = f->ReadAllText(kMaxCollateralLen);
  if (!text.ok()) return false;
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(text->data(), text->size());
  return !d.HasParseError() && d.IsObject() && d.HasMember("tcb_info") &&
         d.HasMember("qe_identity") && d.HasMember("pck_crl");
}

// PEM certificates: a PCK chain for a quote whose certification data holds
// none (verifier/quote/pck_chain_source.h checks it like the embedded chain;
// nothing in it is trusted by itself). A folder may hold other PEM files (a
// root CA for --root-ca), so only a name with "pck" in it is taken.
bool IsPckChainName(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("pck") != std::string::npos;
}

bool IsPemCertificate(const std::vector<uint8_t>& head) {
  static constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  size_t i = 0;
  while (i < head.size() &&
         (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
    ++i;
  return head.size() - i >= kBegin.size() &&
         std::equal(kBegin.begin(), kBegin.end(), head.begin() + static_cast<std::ptrdiff_t>(i));
}

Result<std::vector<uint8_t>> ReadNonce(InputFile* f, const std::string& name) {
  if (f->size() > kMaxNonceFileLen) {
    return Status(ErrorCode::kBadLength, "a nonce file of " + std::to_string(f->size()) +
                                             " bytes (at most " + std::to_string(kMaxNonceLen) +
                                             ")")
        .WithFile(f->path());
  }
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, f->ReadAll(kMaxNonceFileLen));
  if (name == "nonce.hex" || name == "nonce.txt") {
    std::string text(bytes.begin(), bytes.end());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
      text.pop_back();
    auto b = FromHex(text);
    if (!b.ok()) return b.status().WithFile(f->path());
    bytes = std::move(*b);
  }
  if (bytes.size() > kMaxNonceLen) {
    return Status(ErrorCode::kBadLength, "a nonce of " + std::to_string(bytes.size()) +
                                             " bytes (at most " + std::to_string(kMaxNonceLen) +
                                             ")")
        .WithFile(f->path());
  }
  return bytes;
}

}  // namespace

Result<Discovered> DiscoverEvidenceDir(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  if (ec) return Status(ErrorCode::kIo, "cannot list the folder: " + ec.message()).WithFile(dir);
  std::sort(names.begin(), names.end());

  Discovered out;
  std::map<Role, std::string> taken;  // role -> file name
  std::optional<std::vector<uint8_t>> nonce;
  for (const std::string& name : names) {
    std::error_code sec;
    const auto status = std::filesystem::symlink_status(std::filesystem::path(dir) / name, sec);
    if (!sec && std::filesystem::is_directory(status)) {
      out.taken.push_back(name + ": passed over (a folder)");
      continue;
    }
    // Refuses links out of the folder, FIFOs and devices before reading.
    CCV_ASSIGN_OR_RETURN(InputFile f, InputFile::OpenBeneath(dir, name));
    std::optional<Role> role;
    std::string what;
    if (IsNonceName(name)) {
      CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> n, ReadNonce(&f, name));
      nonce = std::move(n);
      role = Role::kNonce;
      what = "nonce, " + std::to_string(nonce->size()) + " bytes";
    } else {
      std::vector<uint8_t> head(std::min<uint64_t>(f.size(), parsers::kDetectPrefixLen));
      size_t got = 0;
      while (got < head.size()) {
        CCV_ASSIGN_OR_RETURN(size_t n, f.Read(head.data() + got, head.size() - got));
        if (n == 0) break;
        got += n;
      }
      head.resize(got);
      parsers::LogFormat format = parsers::DetectFormat(head, f.size());
      role = RoleOfFormat(format);
      if (dstack::LooksLikeLog(head)) {
        // A JSON array, as CEL-JSON is: the first member names it.
        role = Role::kDstackLog;
        what = "dstack-json";
      } else if (role) {
        what = std::string(parsers::LogFormatName(format));
      } else if (IsPemCertificate(head) && IsPckChainName(name)) {
        role = Role::kPckChain;
        what = "PEM certificates";
      } else if (!head.empty() && head[0] == '{') {
        CCV_ASSIGN_OR_RETURN(InputFile again, InputFile::OpenBeneath(dir, name));
        if (IsCollateralJson(&again)) {
          role = Role::kCollateral;
          what = "collateral JSON";
        }
      }
    }
    if (!role) {
      out.taken.push_back(name + ": passed over (no known evidence format)");
      continue;
    }
    auto [at, fresh] = taken.emplace(*role, name);
    if (!fresh) {
      return Status(ErrorCode::kBadValue, "two files for " + std::string(RoleName(*role)) + ": '" +
                                              at->second + "' and '" + name +
                                              "'; write an evidence.json naming the one to use")
          .WithFile(dir);
    }
    out.taken.push_back(name + ": " + what + " (" + RoleName(*role) + ")");
  }

  Evidence& e = out.evidence;
  e.dir = dir;
  auto path_of = [&](Role r) -> std::optional<std::string> {
    auto it = taken.find(r);
    if (it == taken.end()) return std::nullopt;
    return (std::filesystem::path(dir) / it->second).string();
  };
  e.quote = path_of(Role::kQuote);
  e.td_report = path_of(Role::kTdReport);
  e.ccel_table = path_of(Role::kCcelTable);
  e.ccel_data = path_of(Role::kCcelData);
  e.tpm_eventlog = path_of(Role::kTpmLog);
  e.cel = path_of(Role::kCel);
  e.dstack_event_log = path_of(Role::kDstackLog);
  e.collateral = path_of(Role::kCollateral);
  e.pck_chain = path_of(Role::kPckChain);
  e.ima = path_of(Role::kImaAscii);
  if (e.ima) {
    e.ima_binary = path_of(Role::kImaBinary);
  } else {
    e.ima = path_of(Role::kImaBinary);
  }
  if (e.ccel_table && !e.ccel_data) {
    return Status(ErrorCode::kNotFound, "a CCEL table without its log area")
        .WithFile(*e.ccel_table);
  }
  if (e.quote || e.td_report || e.ccel_data) e.tee = "tdx";
  if (nonce) {
    // 64 bytes: REPORTDATA itself (GCE); else SHA-512(nonce || user_data).
    if (nonce->size() == 64) e.report_data_mode = ReportDataMode::kNonce;
    e.nonce = std::move(nonce);
  }
  if (!e.quote && !e.td_report && !e.ccel_data && !e.tpm_eventlog && !e.cel && !e.ima &&
      !e.dstack_event_log) {
    return Status(ErrorCode::kNotFound,
                  "no evidence: no evidence.json and no file of a known evidence format (TD quote, "
                  "CCEL, "
                  "TPM log, IMA list, CEL, dstack event log)")
        .WithFile(dir);
  }
  return out;
}

Result<Discovered> LoadOrDiscoverEvidenceDir(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::symlink_status(std::filesystem::path(dir) / kEvidenceFileName, ec).type() ==
      std::filesystem::file_type::not_found) {
    return DiscoverEvidenceDir(dir);
  }
  CCV_ASSIGN_OR_RETURN(Evidence e, LoadEvidenceDir(dir));
  Discovered out;
  out.evidence = std::move(e);
  out.from_manifest = true;
  return out;
}

}  // namespace ccv::bundle
