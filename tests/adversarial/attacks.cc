#include "tests/adversarial/attacks.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <sys/stat.h>

#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"

namespace ccv::adversarial {
namespace {

namespace fs = std::filesystem;

// A policy judging the kernel command line by its text.
constexpr char kCmdlinePolicy[] =
    "apiVersion: ccverify/v1\n"
    "events:\n"
    "  - id: cmdline\n"
    "    match: {register: rtmr2, type: EV_IPL, text_prefix: \"kernel_cmdline:\"}\n"
    "    expect: {text: {require: [\"module.sig_enforce=1\"], forbid: [\"init=/bin/sh\"]}}\n";

// The demo's binding values (corpus/demo/evidence.json).
constexpr char kDemoNonce[] = "ae9dcc3232353f66effc5081ea8c1cd202d119d0bf65d2314dea17df6f0e4c2c";
constexpr char kDemoUserData[] = "64656d6f2d6e6f64652d31";

void Run(const std::string& program, const std::string& args) {
  testing::CliRun r = testing::RunProgram(program, args);
  if (r.code != 0)
    throw std::runtime_error(program + " " + args + ": exit " + std::to_string(r.code) + ": " +
                             r.err);
}

// make_demo regenerates the bundle with another quote variant.
std::function<void(const testing::BundleCopy&)> Regenerate(const char* variant) {
  return [variant](const testing::BundleCopy& b) {
    Run("tests/make_demo", testing::Quote(b.dir()) + " 0 " + variant);
  };
}

// make_demo's MRSERVICETD (servicetd variant): bytes 0x51, 0x52, ...
std::string ServiceTdHex(uint8_t first) {
  static const char* kHex = "0123456789abcdef";
  std::string h;
  for (int i = 0; i < 48; ++i) {
    uint8_t b = uint8_t(first + i);
    h += kHex[b >> 4];
    h += kHex[b & 15];
  }
  return h;
}

void AddTpmLog(const testing::BundleCopy& b) {
  fs::copy_file(testing::SourceDir() / "corpus/tcg/synthetic-sha1-legacy.bin", b / "tpm.bin");
  b.Manifest("\"collateral\":", "\"tpm_eventlog\": \"tpm.bin\", \"collateral\":");
}

// The IMA list moved to pcr10: each line's PCR field 2 becomes 10.
void ImaOnPcr10(const testing::BundleCopy& b) {
  std::string ima = b.Read("ascii_runtime_measurements"), pcr10;
  size_t pos = 0;
  while (pos < ima.size()) {
    size_t end = ima.find('\n', pos);
    std::string line = ima.substr(pos, end - pos);
    if (line.rfind(" 2 ", 0) != 0) throw std::runtime_error("unexpected IMA line: " + line);
    pcr10 += "10 " + line.substr(3) + "\n";
    pos = end + 1;
  }
  b.Write("ascii_runtime_measurements", pcr10);
  b.Manifest("\"register\": \"rtmr2\"", "\"register\": \"pcr10\"");
}

// A CEL (TLV) converted from the CCEL by `ccverify dump`, forged after the
// conversion, standing in for the CCEL.
void ForgedCelInPlaceOfCcel(const testing::BundleCopy& b) {
  testing::CliRun cel =
      testing::RunCcverify("dump " + testing::Quote(b / "CCEL.data") + " --to cel-tlv");
  if (cel.code != 0) throw std::runtime_error("dump --to cel-tlv: " + cel.err);
  b.Write("log.cel", cel.out);
  b.Patch("log.cel", "Calling EFI", "Hacking EFI");
  b.Manifest("\"ccel\": {\"table\": \"CCEL\", \"data\": \"CCEL.data\"}", "\"cel\": \"log.cel\"");
}

// Record #3 (EV_EFI_ACTION, at byte 230) moved to MR index 5.
void CcelRecordAtMr5(const testing::BundleCopy& b) {
  std::string log = b.Read("CCEL.data");
  if (uint8_t(log.at(230)) != 2) throw std::runtime_error("CCEL.data: record #3 moved");
  log[230] = 5;
  b.Write("CCEL.data", log);
}

std::string Waiver(const std::string& rule) {
  return "apiVersion: ccverify/v1\nwaivers:\n  - {rule: " + rule +
         ", until: 2099-01-01, reason: rollout}\n";
}

std::string SafeName(std::string s) {
  for (char& c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return s;
}

std::vector<Attack> MakeAttacks() {
  std::ifstream in(testing::DemoDir() / "policy.yaml", std::ios::binary);
  const std::string demo_policy((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  const std::string service_td = ServiceTdHex(0x51), other_service_td = ServiceTdHex(0x52);
  std::vector<Attack> a;

  // --- The untouched demo: the baseline every attack departs from.
  a.push_back(
      Attack("demo_with_its_policy").Policy(demo_policy).Exits(0).Says("\"outcome\": \"trusted\""));
  a.push_back(Attack("demo_without_policy").Exits(0).Says("\"outcome\": \"verified\""));
  a.push_back(Attack("demo_cmdline_text_policy")
                  .Policy(kCmdlinePolicy)
                  .Exits(0)
                  .Expect("events.cmdline", "pass"));

  // --- A golden policy across rebuilds: generated event rules match by
  // content, rtmr2 (extended by IMA) is not pinned by value.
  a.push_back(Attack("rebuild_inserts_an_event_before_the_pinned_ones")
                  .Build(Regenerate("insert-event"))
                  .Policy(demo_policy)
                  .Exits(0)
                  .Expect("replay.must_match_quote.rtmr2", "pass")
                  .FailingRules({}));
  a.push_back(
      Attack("rebuild_changes_the_kernel_cmdline")
          .Build(Regenerate("new-cmdline"))
          .Policy(demo_policy)
          .Exits(1)
          .FailingRules({"events.ccel-rtmr2-ev-ipl-kernel-cmdline-vmlinuz-6-8-root-dev-vda1"})
          // The reason shows the event's verified text and position.
          .Says("ccel#7 (rtmr2, EV_IPL, text \\\"kernel_cmdline: /vmlinuz-6.8 root=/dev/vda1 ro "
                "ima_hash=sha384 module.sig_enforce=0\\\")"));

  // --- A decoded field of data no digest binds is not judged: an image
  // load event's digest is the image's hash, so its device path is
  // whatever the log says.
  a.push_back(Attack("device_path_of_an_image_load_event")
                  .Policy("apiVersion: ccverify/v1\nevents:\n  - id: shim\n"
                          "    match: {register: rtmr1, type: EV_EFI_BOOT_SERVICES_APPLICATION, "
                          "device_path_contains: \"shimx64\"}\n")
                  .Exits(1)
                  .Expect("events.shim", "fail")
                  .Says("data not verified by its digest"));

  // --- Text that no digest covers is not judged.
  a.push_back(Attack("forged_cmdline_text")
                  .Build([](const testing::BundleCopy& b) {
                    b.Patch("CCEL.data", "module.sig_enforce=1", "module.sig_enforce=0");
                  })
                  .Policy(kCmdlinePolicy)
                  .Exits(1)
                  .Expect("replay.rtmr2", "pass")  // the data is not part of the extend
                  .Expect("ccel.event_digests", "fail")
                  .Expect("events.cmdline", "fail"));
  a.push_back(
      Attack("forged_cel_in_place_of_ccel")
          .Build(ForgedCelInPlaceOfCcel)
          .Policy(
              "apiVersion: ccverify/v1\nevents:\n  - id: action\n"
              "    match: {register: rtmr1, text_prefix: \"Hacking\"}\n    expect: {count: 1}\n")
          .Exits(1)
          .Expect("replay.rtmr1", "pass")
          .Expect("cel.event_digests", "fail")
          .Expect("events.action", "fail"));

  // --- Every register is compared; logs no quote binds are not judged.
  a.push_back(
      Attack("logs_removed")
          .Build([](const testing::BundleCopy& b) {
            b.Manifest("\"ccel\": {\"table\": \"CCEL\", \"data\": \"CCEL.data\"},", "");
            b.Manifest(
                "\"ima\": {\"path\": \"ascii_runtime_measurements\", \"register\": \"rtmr2\"},",
                "");
          })
          .Exits(1)
          .Expect("replay.rtmr0", "fail")
          .Expect("replay.rtmr1", "fail")
          .Expect("replay.rtmr2", "fail"));
  a.push_back(Attack("unbound_tpm_log").Build(AddTpmLog).Exits(1).Expect("tpm.bound", "fail"));
  a.push_back(
      Attack("unbound_tpm_log_informational")
          .Build(AddTpmLog)
          .Policy(
              "apiVersion: ccverify/v1\nlogs: {informational: [tpm]}\n"
              "events:\n  - id: any-tpm\n    match: {log: tpm}\n    expect: {digest: {eq: zero}}\n"
              "    optional: true\n")
          .Exits(0)
          .Expect("tpm.bound", "skipped")
          .Expect("events.any-tpm", "skipped"));
  a.push_back(Attack("ima_on_pcr10_beside_a_tdx_quote")
                  .Build(ImaOnPcr10)
                  .Policy("apiVersion: ccverify/v1\nima: {allow: {digests: {}}, unknown: ignore}\n")
                  .Exits(1)
                  .Expect("ima.bound", "fail")
                  .Expect("ima.list", "fail"));

  // --- Waivers never cover authenticity; a rule may not rest on a type alone.
  for (const char* rule : {"quote.*", "quote.pck_chain", "replay.rtmr1", "ima.*",
                           "report_data.binding", "ccel.bound", "ima.template_hashes"}) {
    a.push_back(
        Attack("waiver_on_" + SafeName(rule)).Policy(Waiver(rule)).Exits(3).Says("authenticity"));
  }
  a.push_back(Attack("waiver_on_tcb_status").Policy(Waiver("quote.tcb_status")).Exits(0));
  a.push_back(Attack("event_rule_on_a_type_alone")
                  .Policy("apiVersion: ccverify/v1\nevents:\n  - {id: t, match: {type: EV_IPL}, "
                          "expect: {count: 2}}\n")
                  .Exits(3)
                  .Says("not authenticated"));

  // --- Hostile bundle files.
  a.push_back(Attack("collateral_links_to_etc_passwd")
                  .Build([](const testing::BundleCopy& b) {
                    fs::remove(b / "collateral.json");
                    fs::create_symlink("/etc/passwd", b / "collateral.json");
                  })
                  .Exits(3)
                  .NeverSays("root:"));  // no bytes of the target
  a.push_back(Attack("quote_is_a_fifo")
                  .Build([](const testing::BundleCopy& b) {
                    fs::remove(b / "quote.bin");
                    if (::mkfifo((b / "quote.bin").c_str(), 0600) != 0)
                      throw std::runtime_error("mkfifo");
                  })
                  .Exits(3));
  a.push_back(Attack("duplicate_manifest_key")
                  .Build([](const testing::BundleCopy& b) {
                    b.Manifest("\"quote\": \"quote.bin\",",
                               "\"quote\": \"quote.bin\", \"quote\": \"other.bin\",");
                  })
                  .Exits(3));
  // not_found is what the collector says it missed: it never excuses missing
  // evidence, and it cannot contradict the manifest.
  a.push_back(Attack("not_found_excuses_a_missing_ccel")
                  .Build([](const testing::BundleCopy& b) {
                    b.Manifest("\"ccel\": {\"table\": \"CCEL\", \"data\": \"CCEL.data\"},",
                               "\"not_found\": [\"ccel\"],");
                  })
                  .Policy(demo_policy)
                  .Exits(1)
                  .Expect("replay.rtmr0", "fail")
                  .Expect("replay.rtmr1", "fail")
                  .NeverSays("\"outcome\": \"trusted\""));
  a.push_back(Attack("not_found_contradicts_the_quote")
                  .Build([](const testing::BundleCopy& b) {
                    b.Manifest("\"quote\": \"quote.bin\",",
                               "\"quote\": \"quote.bin\", \"not_found\": [\"quote\"],");
                  })
                  .Exits(3)
                  .Says("not_found"));
  a.push_back(Attack("ima_register_not_implemented")
                  .Build([](const testing::BundleCopy& b) {
                    b.Manifest("\"register\": \"rtmr2\"", "\"register\": \"rtmr3\"");
                  })
                  .Exits(3));
  a.push_back(
      Attack("ccel_record_outside_the_rtmrs").Build(CcelRecordAtMr5).Exits(3).Says("MR index 5"));

  // --- The TD itself: debug, and a bound service TD (quote v5, TD report 1.5).
  a.push_back(Attack("debug_td")
                  .Build(Regenerate("debug"))
                  .Exits(1)
                  .Expect("td.debug", "fail")
                  .Expect("quote.quote_signature", "pass"));
  a.push_back(Attack("debug_td_silent_policy")
                  .Build(Regenerate("debug"))
                  .Policy("apiVersion: ccverify/v1\n")
                  .Exits(1)
                  .Expect("td.debug", "fail"));
  a.push_back(Attack("debug_td_allowed")
                  .Build(Regenerate("debug"))
                  .Policy("apiVersion: ccverify/v1\ntd: {attributes: {debug: true}}\n")
                  .Exits(0)
                  .Expect("td.debug", "pass"));
  a.push_back(Attack("service_td_unpinned")
                  .Build(Regenerate("servicetd"))
                  .Exits(1)
                  .Expect("td.mr_servicetd", "fail")
                  .Expect("quote.quote_signature", "pass")
                  .Expect("quote.tcb_status", "pass")
                  .Says(service_td));
  a.push_back(Attack("service_td_silent_policy")
                  .Build(Regenerate("servicetd"))
                  .Policy("apiVersion: ccverify/v1\n")
                  .Exits(1)
                  .Expect("td.mr_servicetd", "fail"));
  a.push_back(
      Attack("service_td_pinned")
          .Build(Regenerate("servicetd"))
          .Policy("apiVersion: ccverify/v1\ntd: {mr_servicetd: {eq: \"" + service_td + "\"}}\n")
          .Exits(0)
          .Expect("td.mr_servicetd", "pass"));
  a.push_back(Attack("service_td_pinned_to_another")
                  .Build(Regenerate("servicetd"))
                  .Policy("apiVersion: ccverify/v1\ntd: {mr_servicetd: {eq: \"" + other_service_td +
                          "\"}}\n")
                  .Exits(1)
                  .Expect("td.mr_servicetd", "fail"));

  // --- Freshness: the verifier's own nonce, and values that do not bind.
  a.push_back(Attack("verifier_nonce")
                  .Nonce(kDemoNonce)
                  .UserData(kDemoUserData)
                  .Exits(0)
                  .Expect("report_data.binding", "pass")
                  .Says("\"nonce_source\": \"verifier\""));
  // --nonce alone keeps the bundle's user data: fresh (the nonce is the
  // verifier's), and the report says whose user data it is.
  a.push_back(Attack("verifier_nonce_with_the_bundles_user_data")
                  .Nonce(kDemoNonce)
                  .Exits(0)
                  .Expect("report_data.binding", "pass")
                  .Says("\"user_data_source\": \"bundle\""));
  // The verifier's own (empty) user data replaces the bundle's.
  a.push_back(Attack("verifier_nonce_with_empty_user_data")
                  .Nonce(kDemoNonce)
                  .UserData("")
                  .Exits(1)
                  .Expect("report_data.binding", "fail"));
  // Another nonce with the bundle's user data does not bind.
  a.push_back(Attack("verifier_other_nonce_with_the_bundles_user_data")
                  .Nonce(std::string(64, 'a'))
                  .Exits(1)
                  .Expect("report_data.binding", "fail")
                  .Says("from the bundle (--user-data not given)"));
  a.push_back(Attack("verifier_report_data_differs")
                  .ReportData(std::string(128, '0'))
                  .Exits(1)
                  .Expect("report_data.binding", "fail"));
  return a;
}

}  // namespace

const std::vector<Attack>& Attacks() {
  static const std::vector<Attack> kAttacks = MakeAttacks();
  return kAttacks;
}

std::string PolicyPath(const Attack& attack, const testing::BundleCopy& bundle) {
  return attack.policy.empty() ? "" : (bundle / "attack-policy.yaml").string();
}

std::string VerifyArgs(const Attack& attack, const testing::BundleCopy& bundle) {
  std::string args = "verify " + testing::Quote(bundle.dir()) + " --root-ca " +
                     testing::Quote(bundle / "root_ca.pem") + " --at " + testing::kDemoAt +
                     " --format json";
  if (!attack.policy.empty()) {
    bundle.Write("attack-policy.yaml", attack.policy);
    args += " --policy " + testing::Quote(PolicyPath(attack, bundle));
  }
  if (attack.nonce) args += " --nonce " + *attack.nonce;
  if (attack.user_data) args += " --user-data " + testing::Quote(*attack.user_data);
  if (attack.report_data) args += " --report-data " + *attack.report_data;
  return args;
}

}  // namespace ccv::adversarial
