// ccverify result verify F (--key K | --cert C) [--payload]: checks a signed
// result written by `verify --report jws=F` or `--report ear=F`.
#include <cstdio>
#include <string>

#include <boost/program_options.hpp>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "verifier/cli/command_line.h"
#include "verifier/cli/commands.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/sign/jose.h"

namespace ccv::cli {

namespace po = boost::program_options;

namespace {

constexpr const char* kResultVerifyUsage =
    "usage: ccverify result verify FILE (--key PEM | --cert PEM) [--payload]\n"
    "  --key PEM     the public key the result must be signed with\n"
    "  --cert PEM    a certificate whose key the result must be signed with\n"
    "  --payload     print the verified payload (the JSON report or EAR claims) only\n";

constexpr CommandHelp kHelp{"result verify", kResultVerifyUsage};

// "ear_status: affirming" for an EAR, "verdict: pass" for a JSON report.
std::string Summary(const std::vector<uint8_t>& payload) {
  rapidjson::Document d;
  d.Parse(reinterpret_cast<const char*>(payload.data()), payload.size());
  if (d.HasParseError() || !d.IsObject()) return "";
  std::string out;
  if (d.HasMember("submods") && d["submods"].IsObject()) {
    for (const auto& m : d["submods"].GetObject()) {
      if (m.value.IsObject() && m.value.HasMember("ear_status") &&
          m.value["ear_status"].IsString()) {
        out += "ear_status: " + std::string(m.name.GetString()) + " " +
               m.value["ear_status"].GetString() + "\n";
      }
    }
  }
  if (d.HasMember("verdict") && d["verdict"].IsString()) {
    out += "verdict: " + std::string(d["verdict"].GetString()) + "\n";
  }
  if (d.HasMember("outcome") && d["outcome"].IsString()) {
    out += "outcome: " + std::string(d["outcome"].GetString()) + "\n";
  }
  return out;
}

}  // namespace

int RunResultVerify(const Args& args) {
  po::options_description opts;
  opts.add_options()("help,h", "")("file", po::value<std::string>(), "")(
      "key", po::value<std::string>(), "")("cert", po::value<std::string>(), "")(
      "payload", po::bool_switch(), "");
  const auto pos = OnePositional("file");
  po::variables_map vm;
  if (auto done = ParseCommandLine(args, kHelp, opts, &vm, &pos)) return *done;
  if (!vm.count("file")) return UsageError(kHelp, "missing FILE");
  if (vm.count("key") == vm.count("cert")) return UsageError(kHelp, "give --key or --cert");
  const std::string key_path =
      vm.count("key") ? vm["key"].as<std::string>() : vm["cert"].as<std::string>();
  auto key_pem = ReadFileText(key_path, 1 << 20);
  if (!key_pem.ok()) return ReportError(key_pem.status());
  auto key = sign::ReadVerificationKey(*key_pem);
  if (!key.ok()) return ReportError(key.status().WithFile(key_path));
  const std::string path = vm["file"].as<std::string>();
  auto token = ReadFileText(path, sign::kMaxTokenLen);
  if (!token.ok()) return ReportError(token.status());
  auto v = sign::VerifyCompactJws(*token, key->key);
  if (!v.ok()) {
    ReportError(v.status().WithFile(path));
    return v.status().code() == ErrorCode::kBadSignature ? kExitUntrusted : kExitInput;
  }
  std::string out;
  if (vm["payload"].as<bool>()) {
    out.assign(v->payload.begin(), v->payload.end());
  } else {
    out =
        "valid: " + std::string(crypto::JwsAlgName(v->alg)) + " signature by " + key->signer + "\n";
    if (!v->typ.empty()) out += "typ: " + v->typ + "\n";
    out += Summary(v->payload);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitTrusted;
}

}  // namespace ccv::cli
