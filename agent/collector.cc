#include "agent/collector.h"

#include <ctime>
#include <memory>
#include <sys/random.h>
#include <utility>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "agent/bundle_writer.h"
#include "agent/configfs_tsm.h"
#include "agent/internal/fs_util.h"
#include "agent/tdx_guest.h"
#include "agent/tpm_transport.h"
#include "parsers/ccel.h"
#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/ima_log.h"
#include "parsers/ima_register.h"
#include "parsers/tcg_event_log.h"
#include "parsers/td_report.h"
#include "parsers/tdx_quote.h"

namespace ccv::agent {
namespace {

// Caps on what we read: a CCEL log area is at most a few MiB, IMA lists can
// grow large on long-running hosts.
constexpr uint64_t kMaxTableLen = 4096;
constexpr uint64_t kMaxCcelLen = uint64_t{64} << 20;
constexpr uint64_t kMaxImaLen = uint64_t{2} << 30;
constexpr uint64_t kMaxTpmLogLen = uint64_t{64} << 20;

// Bundle file names (docs/json.md, evidence.json).
constexpr char kQuoteFile[] = "quote.bin";
constexpr char kTdReportFile[] = "tdreport.bin";
constexpr char kCcelTableFile[] = "CCEL";
constexpr char kCcelDataFile[] = "CCEL.data";
constexpr char kImaAsciiFile[] = "ascii_runtime_measurements";
constexpr char kImaBinaryFile[] = "binary_runtime_measurements";
constexpr char kTpmLogFile[] = "binary_bios_measurements";
constexpr char kEvidenceFile[] = "evidence.json";
constexpr char kTpmAkFile[] = "tpm_ak.pub";
constexpr char kTpmPcrsFile[] = "tpm_pcrs.json";
// tpm_quote.<bank>.attest and .sig.
std::string TpmQuoteFile(HashAlg bank, const char* suffix) {
  return "tpm_quote." + std::string(HashAlgName(bank)) + "." + suffix;
}
// Random bytes for a TPM nonce when the caller gave none.
constexpr size_t kRandomTpmNonceLen = 32;

// Reads `relative` under `root` if it exists (links are not followed).
// Absent: nullopt; present but unreadable, a link or not a regular file: error.
Result<std::optional<ByteVec>> ReadOptional(const std::string& root, std::string_view relative,
                                            uint64_t max_len) {
  if (!internal::ExistsBeneath(root, relative)) return std::optional<ByteVec>();
  CCV_ASSIGN_OR_RETURN(ByteVec bytes, internal::ReadBeneath(root, relative, max_len));
  return std::optional<ByteVec>(std::move(bytes));
}

// The register the IMA list extends (ima::ImaRegisterOf, from its first
// entry; a TDX guest has a CCEL table), or nullopt when the list has no entry
// or its first entry does not parse (checking the list reports that).
std::optional<RegisterId> ImaRegister(const Evidence& e) {
  const std::optional<ByteVec>& list = e.ima_ascii ? e.ima_ascii : e.ima_binary;
  if (!list) return std::nullopt;
  ima::ReadOptions options;
  options.format = e.ima_ascii ? ima::LogFormat::kAscii : ima::LogFormat::kBinary;
  Result<std::optional<ima::ImaListHead>> head =
      ima::ReadImaListHead(ima::SpanSource(*list), options);
  if (!head.ok() || !*head) return std::nullopt;
  return ima::ImaRegisterOf(std::nullopt, /*tdx=*/e.tdx(), *head);
}

// What the guest path of each not_found item is, for the error when nothing at all is found.
std::string Looked(const GuestPaths& paths) {
  return paths.Resolve(kCcelTablePath) + ", " + paths.Resolve(kTsmReportDir) + ", " +
         paths.Resolve(kTdxGuestDevice) + ", " + paths.Resolve(kImaDir) + ", " +
         paths.Resolve(kTpmLogPath) + ", " + paths.Resolve(kTpmDevice);
}

}  // namespace

Status CollectCcel(const GuestPaths& paths, Evidence* out) {
  std::string table = paths.Resolve(kCcelTablePath);
  std::string data = paths.Resolve(kCcelDataPath);
  bool has_table = internal::ExistsBeneath(paths.root(), kCcelTablePath),
       has_data = internal::ExistsBeneath(paths.root(), kCcelDataPath);
  if (!has_table || !has_data) {
    std::string what = !has_table && !has_data ? "the CCEL ACPI table and its log"
                       : !has_table            ? "the CCEL ACPI table"
                                               : "the CCEL log area";
    return Status(ErrorCode::kNotFound,
                  "missing " + what + " (not a TDX guest, or a kernel without ACPI CCEL)")
        .WithFile(!has_table ? table : data);
  }
  out->ccel_table_path = table;
  out->ccel_data_path = data;
  CCV_ASSIGN_OR_RETURN(out->ccel_table,
                       internal::ReadBeneath(paths.root(), kCcelTablePath, kMaxTableLen));
  CCV_ASSIGN_OR_RETURN(out->ccel_data,
                       internal::ReadBeneath(paths.root(), kCcelDataPath, kMaxCcelLen));
  if (out->ccel_data.empty()) {
    return Status(ErrorCode::kBadLength, "the CCEL log area is empty").WithFile(data);
  }
  return Status::Ok();
}

Status CollectIma(const GuestPaths& paths, Evidence* out) {
  std::string rel(kImaDir);
  if (!internal::ExistsBeneath(paths.root(), rel)) rel = std::string(kImaLegacyDir);
  std::string ascii = rel + "/" + std::string(kImaAsciiName);
  std::string binary = rel + "/" + std::string(kImaBinaryName);
  out->ima_ascii_path = paths.Resolve(ascii);
  out->ima_binary_path = paths.Resolve(binary);
  CCV_ASSIGN_OR_RETURN(out->ima_ascii, ReadOptional(paths.root(), ascii, kMaxImaLen));
  CCV_ASSIGN_OR_RETURN(out->ima_binary, ReadOptional(paths.root(), binary, kMaxImaLen));
  out->ima_register = ImaRegister(*out);
  return Status::Ok();
}

Status CollectTpmLog(const GuestPaths& paths, Evidence* out) {
  out->tpm_log_path = paths.Resolve(kTpmLogPath);
  CCV_ASSIGN_OR_RETURN(out->tpm_log, ReadOptional(paths.root(), kTpmLogPath, kMaxTpmLogLen));
  return Status::Ok();
}

Status CollectReport(const GuestPaths& paths, Evidence* out) {
  out->fake_tree = paths.is_fake();
  const std::string report_dir = paths.Resolve(kTsmReportDir);
  Result<TsmReport> tsm = Status(ErrorCode::kInternal, "unset");
  if (Result<int> dir = internal::OpenDirBeneath(paths.root(), kTsmReportDir); dir.ok()) {
    internal::ScopedFd fd(*dir);
    tsm = GetTsmReportAt(fd.get(), report_dir, out->report_data);
  } else if (dir.status().code() == ErrorCode::kNotFound) {
    tsm = Status(ErrorCode::kNotFound,
                 "no configfs-tsm report directory (kernel without "
                 "CONFIG_TSM_REPORTS, or configfs not mounted)")
              .WithFile(report_dir);
  } else {
    tsm = dir.status();
  }
  if (tsm.ok()) {
    out->report_path = report_dir + " (outblob)";
    out->quote = std::move(tsm->outblob);
    out->quote_provider = std::move(tsm->provider);
    return Status::Ok();
  }
  // A changed generation means someone else wrote our entry, and a link or
  // wrong file type means a tree we will not use: report them, a TDREPORT
  // would hide the problem.
  if (tsm.status().code() == ErrorCode::kBadValue ||
      tsm.status().field() == internal::kFileTypeField) {
    return tsm.status();
  }
  Result<ByteVec> td =
      GetTdReport(paths.root(), kTdxGuestDevice, out->report_data, paths.is_fake());
  if (td.ok()) {
    out->report_path = paths.Resolve(kTdxGuestDevice);
    out->td_report = std::move(td).value();
    out->quote_unavailable = tsm.status().ToString();
    return Status::Ok();
  }
  if (td.status().code() != ErrorCode::kNotFound) return td.status();
  return Status(ErrorCode::kNotFound, "no quote and no TDREPORT: " + tsm.status().ToString() +
                                          "; " + td.status().ToString());
}

Status CollectTpmQuote(const GuestPaths& paths, const CollectOptions& options, Evidence* out) {
  Result<std::unique_ptr<TpmTransport>> tpm = options.tpm_device.empty()
                                                  ? OpenTpmBeneath(paths.root(), kTpmDevice)
                                                  : OpenTpmPath(options.tpm_device);
  out->tpm_device_path =
      options.tpm_device.empty() ? paths.Resolve(kTpmDevice) : options.tpm_device;
  if (!tpm.ok()) {
    if (tpm.status().code() == ErrorCode::kNotFound && !options.tpm_device.empty()) {
      return Status(ErrorCode::kIo, tpm.status().message() + " (named by --tpm-device)")
          .WithFile(out->tpm_device_path);
    }
    return tpm.status();
  }
  TpmQuoteOptions q;
  q.ak_kind = options.tpm_ak;
  if (options.tpm_nonce) {
    q.nonce = *options.tpm_nonce;
  } else if (options.nonce && !options.nonce->empty() && options.nonce->size() <= kMaxTpmNonceLen) {
    q.nonce = *options.nonce;
  } else {
    q.nonce.resize(kRandomTpmNonceLen);
    if (::getrandom(q.nonce.data(), q.nonce.size(), 0) != ssize_t(q.nonce.size())) {
      return internal::ErrnoStatus(ErrorCode::kIo, "getrandom", "a TPM nonce");
    }
  }
  CCV_ASSIGN_OR_RETURN(TpmQuoteEvidence ev, QuoteAllBanks(tpm->get(), q));
  out->tpm_quote = std::move(ev);
  return Status::Ok();
}

Result<Evidence> CollectEvidence(const CollectOptions& options) {
  GuestPaths paths(options.root);
  Evidence e;
  e.nonce = options.nonce;
  e.user_data = options.user_data;
  e.collected_at = options.collected_at.empty() ? NowRfc3339() : options.collected_at;
  e.report_data = ReportDataFor(options.nonce ? *options.nonce : ByteVec(),
                                options.user_data ? *options.user_data : ByteVec());
  // Either CCEL file makes a TDX guest (a missing other one is an error); with
  // neither, TDX evidence is optional unless required.
  bool tdx = options.require_tdx || internal::ExistsBeneath(paths.root(), kCcelTablePath) ||
             internal::ExistsBeneath(paths.root(), kCcelDataPath);
  if (tdx) {
    CCV_RETURN_IF_ERROR(CollectCcel(paths, &e));
    CCV_RETURN_IF_ERROR(CollectReport(paths, &e));
  } else {
    e.not_found.push_back(kNotFoundCcel);
    if (Status s = CollectReport(paths, &e); !s.ok()) {
      if (s.code() != ErrorCode::kNotFound) return s;
      e.not_found.push_back(kNotFoundQuote);
    }
  }
  if (options.tpm_device != kNoTpm) {
    if (Status s = CollectTpmQuote(paths, options, &e); !s.ok()) {
      if (s.code() != ErrorCode::kNotFound || !options.tpm_device.empty()) return s;
      e.not_found.push_back(kNotFoundTpmQuote);
    }
  }
  CCV_RETURN_IF_ERROR(CollectIma(paths, &e));
  if (!e.ima_ascii && !e.ima_binary) e.not_found.push_back(kNotFoundIma);
  CCV_RETURN_IF_ERROR(CollectTpmLog(paths, &e));
  if (!e.tpm_log) e.not_found.push_back(kNotFoundTpmLog);
  if (!e.tdx() && !e.quote && !e.td_report && !e.ima_ascii && !e.ima_binary && !e.tpm_log &&
      !e.tpm_quote) {
    return Status(ErrorCode::kNotFound,
                  "no evidence on this guest: no CCEL table, quote, TDREPORT, IMA list, "
                  "TPM event log or TPM (looked at " +
                      Looked(paths) + ")");
  }
  return e;
}

namespace {

// The CCEL table is a TDX table whose LAML is the log area's size, and the log parses.
Status CheckCcel(const Evidence& e, std::vector<std::string>* warnings) {
  auto in = [](const std::string& path) {
    return [path](const Status& s) { return s.WithFileIfUnset(path); };
  };
  Result<parsers::CcelAcpiTable> table = parsers::ParseCcelAcpiTable(e.ccel_table);
  if (!table.ok()) return in(e.ccel_table_path)(table.status());
  if (table->cc_type != 2) {
    return in(e.ccel_table_path)(ParseError(ErrorCode::kBadValue, 36, "cc_type",
                                            "CC type " + std::to_string(table->cc_type) + " (" +
                                                std::string(parsers::CcTypeName(table->cc_type)) +
                                                "), expected 2 (TDX)"));
  }
  if (table->laml != e.ccel_data.size()) {
    return in(e.ccel_data_path)(
        Status(ErrorCode::kBadLength, "the log area is " + std::to_string(e.ccel_data.size()) +
                                          " bytes, the CCEL table's LAML says " +
                                          std::to_string(table->laml)));
  }
  Result<parsers::TcgLog> ccel = parsers::ParseCcelLog(e.ccel_data);
  if (!ccel.ok()) return in(e.ccel_data_path)(ccel.status());
  if (ccel->end == parsers::TcgLogEnd::kTrailingBytes) {
    warnings->push_back(e.ccel_data_path + ": " + std::to_string(ccel->trailing_len) +
                        " bytes after the last record are neither a record nor padding");
  }
  return Status::Ok();
}

}  // namespace

Status CheckEvidence(const Evidence& e, std::vector<std::string>* warnings) {
  auto in = [](const std::string& path) {
    return [path](const Status& s) { return s.WithFileIfUnset(path); };
  };
  if (e.tdx()) CCV_RETURN_IF_ERROR(CheckCcel(e, warnings));
  // IMA lists: every entry must parse.
  auto check_ima = [&](const ByteVec& list, const std::string& path) -> Status {
    ima::ReadOptions opts;
    opts.format = ima::DetectLogFormat(Bytes(list).first(std::min<size_t>(list.size(), 64)));
    ima::LogReader reader(ima::SpanSource(list), opts);
    std::vector<ima::Entry> batch;
    do {
      if (Status s = reader.NextBatch(&batch); !s.ok()) return in(path)(s);
    } while (!batch.empty());
    return Status::Ok();
  };
  if (e.ima_ascii) CCV_RETURN_IF_ERROR(check_ima(*e.ima_ascii, e.ima_ascii_path));
  if (e.ima_binary) CCV_RETURN_IF_ERROR(check_ima(*e.ima_binary, e.ima_binary_path));
  if (e.tpm_log) {
    Result<parsers::TcgLog> tpm = parsers::ParseTcgLog(*e.tpm_log);
    if (!tpm.ok()) return in(e.tpm_log_path)(tpm.status());
  }
  // The report and its REPORTDATA.
  std::array<uint8_t, 64> got{};
  if (e.quote) {
    Result<parsers::Quote> q = parsers::ParseQuote(*e.quote);
    if (!q.ok()) return in(e.report_path)(q.status());
    if (!q->td_body) {
      return in(e.report_path)(Status(ErrorCode::kBadValue, "not a TDX quote (no TD report body)"));
    }
    got = q->td_body->report_data;
  } else if (e.td_report) {
    Result<parsers::TdReport> td = parsers::ParseTdReport(*e.td_report);
    if (!td.ok()) return in(e.report_path)(td.status());
    got = td->report_data;
  } else if (e.tdx()) {
    return Status(ErrorCode::kNotFound, "no quote or TDREPORT collected");
  } else {
    return Status::Ok();  // not a TDX guest: no report to check
  }
  if (got != e.report_data) {
    std::string what = "REPORTDATA " + ToHex(got) +
                       " is not SHA-512(nonce || user_data) = " + ToHex(e.report_data) +
                       ": the report does not answer this request";
    if (!e.fake_tree) return in(e.report_path)(Status(ErrorCode::kBadValue, what));
    warnings->push_back(e.report_path + ": " + what + " (fake guest tree)");
  }
  return Status::Ok();
}

std::string EvidenceJson(const Evidence& e) {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("version");
  w.Int(1);
  if (e.tdx() || e.quote || e.td_report) {
    w.Key("tee");
    w.String("tdx");
  }
  if (e.quote) {
    w.Key("quote");
    w.String(kQuoteFile);
    if (!e.quote_provider.empty()) {
      w.Key("quote_provider");
      w.String(e.quote_provider.c_str());
    }
  }
  if (e.td_report) {
    w.Key("td_report");
    w.String(kTdReportFile);
    w.Key("quote_unavailable");
    w.String(e.quote_unavailable.c_str());
  }
  if (e.tdx()) {
    w.Key("ccel");
    w.StartObject();
    w.Key("table");
    w.String(kCcelTableFile);
    w.Key("data");
    w.String(kCcelDataFile);
    w.EndObject();
  }
  if (e.ima_ascii || e.ima_binary) {
    w.Key("ima");
    w.StartObject();
    w.Key("path");
    w.String(e.ima_ascii ? kImaAsciiFile : kImaBinaryFile);
    if (e.ima_ascii && e.ima_binary) {
      w.Key("binary");
      w.String(kImaBinaryFile);
    }
    if (e.ima_register) {
      w.Key("register");
      w.String(e.ima_register->Name().c_str());
    }
    w.EndObject();
  }
  if (e.tpm_log) {
    w.Key("tpm_eventlog");
    w.String(kTpmLogFile);
  }
  if (e.tpm_quote) {
    w.Key("tpm");
    w.StartObject();
    w.Key("quotes");
    w.StartArray();
    for (const TpmBankQuote& q : e.tpm_quote->quotes) {
      w.StartObject();
      w.Key("attest");
      w.String(TpmQuoteFile(q.bank, "attest").c_str());
      w.Key("signature");
      w.String(TpmQuoteFile(q.bank, "sig").c_str());
      w.EndObject();
    }
    w.EndArray();
    w.Key("ak");
    w.String(kTpmAkFile);
    w.Key("pcrs");
    w.String(kTpmPcrsFile);
    w.Key("nonce");
    w.String(ToHex(e.tpm_quote->nonce).c_str());
    w.EndObject();
  }
  if (e.nonce) {
    w.Key("nonce");
    w.String(ToHex(*e.nonce).c_str());
  }
  if (e.user_data) {
    w.Key("user_data");
    w.String(ToHex(*e.user_data).c_str());
  }
  if (!e.not_found.empty()) {
    w.Key("not_found");
    w.StartArray();
    for (const std::string& item : e.not_found) w.String(item.c_str());
    w.EndArray();
  }
  w.Key("collected_at");
  w.String(e.collected_at.c_str());
  w.EndObject();
  std::string json(buf.GetString(), buf.GetSize());
  json += '\n';
  return json;
}

Status WriteEvidenceBundle(const Evidence& e, const std::string& out_dir) {
  std::string json = EvidenceJson(e);
  std::vector<BundleFile> files;
  files.push_back({kEvidenceFile, AsBytes(json)});
  if (e.quote) files.push_back({kQuoteFile, *e.quote});
  if (e.td_report) files.push_back({kTdReportFile, *e.td_report});
  if (e.tdx()) {
    files.push_back({kCcelTableFile, e.ccel_table});
    files.push_back({kCcelDataFile, e.ccel_data});
  }
  if (e.ima_ascii) files.push_back({kImaAsciiFile, *e.ima_ascii});
  if (e.ima_binary) files.push_back({kImaBinaryFile, *e.ima_binary});
  if (e.tpm_log) files.push_back({kTpmLogFile, *e.tpm_log});
  std::string pcrs_json;
  if (e.tpm_quote) {
    pcrs_json = QuotedPcrsJson(*e.tpm_quote);
    files.push_back({kTpmAkFile, e.tpm_quote->ak_public});
    files.push_back({kTpmPcrsFile, AsBytes(pcrs_json)});
    for (const TpmBankQuote& q : e.tpm_quote->quotes) {
      files.push_back({TpmQuoteFile(q.bank, "attest"), q.attest});
      files.push_back({TpmQuoteFile(q.bank, "sig"), q.signature});
    }
  }
  return WriteBundleAtomically(out_dir, files);
}

std::string NowRfc3339() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace ccv::agent
