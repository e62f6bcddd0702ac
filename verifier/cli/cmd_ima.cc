// Conversion of IMA lists, CEL files and TCG/CCEL logs to CEL
// (`ccverify dump FILE --to cel-json|cel-tlv`). Dumping them is verifier/report/log_dump.
#include "verifier/cli/cmd_ima.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "parsers/cel.h"
#include "parsers/cel_format.h"
#include "parsers/chunked_source.h"
#include "parsers/core/hex.h"
#include "parsers/ima_log.h"
#include "parsers/ima_register.h"
#include "parsers/ima_template.h"
#include "parsers/tcg_event_log.h"
#include "verifier/bundle/evidence_file.h"
#include "verifier/cli/commands.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/crypto/digest.h"
#include "verifier/replay/cel_replay.h"
#include "verifier/replay/ima_replay.h"
#include "verifier/replay/ima_replay_file.h"
#include "verifier/replay/tcg_to_cel.h"

namespace ccv::cli {
namespace {

// Writes CEL records to stdout in the `to` encoding.
int WriteCel(const std::vector<cel::Record>& records, std::string_view to) {
  if (to == "cel-tlv") {
    std::vector<uint8_t> b = cel::WriteTlv(records);
    std::fwrite(b.data(), 1, b.size(), stdout);
  } else {
    std::string j = cel::WriteJson(records);
    std::fwrite(j.data(), 1, j.size(), stdout);
  }
  return std::fflush(stdout) == 0 ? kExitTrusted
                                  : ReportError(Status(ErrorCode::kIo, "cannot write stdout"));
}

}  // namespace

bool ValidCelTarget(std::string_view to) { return to == "cel-json" || to == "cel-tlv"; }

int ConvertImaFile(const std::string& path, bool ascii, std::string_view to) {
  ima::ReadOptions ro;
  ro.format = ascii ? ima::LogFormat::kAscii : ima::LogFormat::kBinary;
  ro.listed_hash_alg = ima::ListedHashAlgOfFileName(path);
  Result<ima::ChunkSource> src = replay::FileChunkSource(path);
  if (!src.ok()) return ReportError(src.status());
  ima::LogReader reader(std::move(src).value(), ro);
  // The register kind follows the list (the cc-api TDX form becomes CCMR
  // records); a first entry that does not parse fails the conversion below.
  Result<std::optional<ima::ImaListHead>> head =
      ima::ReadImaListHead(replay::FileChunkSource(path).value(), ro);
  const RegisterId::Kind kind =
      ima::ImaRegisterOf(std::nullopt, /*tdx=*/false, head.ok() ? *head : std::nullopt).kind;
  Result<std::vector<cel::Record>> recs = replay::ImaToCel(&reader, kind);
  if (!recs.ok()) return ReportError(recs.status().WithFile(path));
  return WriteCel(*recs, to);
}

int ConvertCelFile(const std::string& path, std::string_view to) {
  Result<std::vector<cel::Record>> recs = replay::ReadCelFile(path);
  if (!recs.ok()) return ReportError(recs.status());
  return WriteCel(*recs, to);
}

int DumpTcgAsCel(const std::string& path, bool ccel, std::string_view to) {
  Result<std::unique_ptr<bundle::FileSource>> file = bundle::OpenFileSource(path);
  if (!file.ok()) return ReportError(file.status());
  parsers::ChunkedSource src(file->get());
  parsers::TcgEventReader reader(&src, parsers::TcgReadOptions{.ccel = ccel});
  Result<replay::TcgCelConversion> cel = replay::ConvertTcgToCel(&reader, ccel);
  if (!cel.ok()) return ReportError(cel.status().WithFile(path));
  if (cel->num_mismatched != 0) {
    std::fprintf(stderr,
                 "ccverify dump: %s: %zu record(s) whose digest is not the hash of their data "
                 "(%s): not converted, a CEL must not hide them\n",
                 path.c_str(), cel->num_mismatched, cel->mismatched.c_str());
    return kExitUntrusted;
  }
  return WriteCel(cel->records, to);
}

}  // namespace ccv::cli
