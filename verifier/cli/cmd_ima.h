// IMA and CEL parts of the ccverify CLI: conversion of any log to CEL (`dump FILE --to cel-json|cel-tlv`),
// and the --ima / --cel steps of `ccverify replay`.
#ifndef CCV_VERIFIER_CLI_CMD_IMA_H_
#define CCV_VERIFIER_CLI_CMD_IMA_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/result.h"
#include "verifier/replay/cel_replay.h"
#include "verifier/replay/ima_replay.h"
#include "verifier/replay/register_set.h"
#include "verifier/report/ima_json.h"

namespace ccv::cli {

// "cel-json" or "cel-tlv".
bool ValidCelTarget(std::string_view to);

// Write the IMA list (read as ascii or binary) or the CEL file as CEL to
// stdout in the `to` encoding. Return an exit code (0 written, 3 input
// error). Dumping them is report::DumpImaLog / DumpCelLog.
int ConvertImaFile(const std::string& path, bool ascii, std::string_view to);
int ConvertCelFile(const std::string& path, std::string_view to);
// A TCG2, SHA1-legacy or CCEL log as CEL (PCCLIENT_STD content; CCEL MR
// indices as CCMR records). EV_NO_ACTION records and records on PCR indices
// above 23 are left out: they are never extended.
int DumpTcgAsCel(const std::string& path, bool ccel, std::string_view to);

struct ImaStep {
  std::string file;
  std::string format;  // "ima-ascii" or "ima-binary"
  RegisterId::Kind kind = RegisterId::Kind::kPcr;
  replay::ImaReplayResult result;
};

// Replays the IMA list at `path` on the register ima::ImaRegisterOf names.
// With `given`, every entry must extend it; without, each entry is replayed
// on the register of that kind its PCR field names. `before`: registers
// replayed from the boot logs (initial values and boot_aggregate inputs);
// `quoted`: registers from a quote (MRTD, RTMR0..3), may be empty.
struct ImaStepOptions {
  std::optional<RegisterId> given;  // --ima-register
  bool tdx = false;                 // a CCEL or TD quote is replayed beside the list
  bool big_endian = false;          // list from a big-endian kernel without ima_canonical_fmt
  std::vector<HashAlg> banks;       // --banks; empty: sha1+sha256 (pcr) or sha384 (rtmr)
};
Result<ImaStep> ReplayImaStep(const std::string& path, const ImaStepOptions& options,
                              const replay::RegisterSet& before,
                              const replay::RegisterSet& quoted);

// "sha1,sha256" -> banks. Errors: kInvalidArgument naming the bad name.
Result<std::vector<HashAlg>> ParseBanks(std::string_view list);

struct CelStep {
  std::string file;
  std::string format;  // "cel-tlv" or "cel-json"
  replay::CelReplayResult result;
};
Result<CelStep> ReplayCelStep(const std::string& path);

// MRTD and RTMR0-3 (sha384) of a TDX quote file. Errors: the quote parser's,
// kBadValue for a quote that is not TDX.
Result<replay::RegisterSet> QuoteRegisters(const std::string& path);

void PrintImaStepText(const ImaStep& step);
void PrintCelStepText(const CelStep& step);

template <typename W>
void WriteImaStepJson(const ImaStep& s, W& w) {
  w.StartObject();
  w.Key("option");
  w.String("ima");
  w.Key("file");
  w.String(s.file.c_str(), rapidjson::SizeType(s.file.size()));
  w.Key("format");
  w.String(s.format.c_str());
  w.Key("register_kind");
  w.String(s.kind == RegisterId::Kind::kRtmr ? "rtmr" : "pcr");
  report::WriteImaReplayJson(s.result, w);
  w.EndObject();
}

template <typename W>
void WriteCelStepJson(const CelStep& s, W& w) {
  w.StartObject();
  w.Key("option");
  w.String("cel");
  w.Key("file");
  w.String(s.file.c_str(), rapidjson::SizeType(s.file.size()));
  w.Key("format");
  w.String(s.format.c_str());
  w.Key("records");
  w.Uint64(s.result.records);
  w.Key("not_extended");
  w.Uint64(s.result.not_extended);
  w.Key("template_hashes");
  w.StartObject();
  w.Key("verified");
  w.Uint64(s.result.template_hashes_verified);
  w.Key("mismatched");
  w.Uint64(s.result.template_hashes_mismatched);
  w.EndObject();
  w.EndObject();
}

}  // namespace ccv::cli

#endif  // CCV_VERIFIER_CLI_CMD_IMA_H_
