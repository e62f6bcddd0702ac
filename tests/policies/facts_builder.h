// Test-only builder of policy Facts: a consistent, known-good TD (values of
// the gcp-cos113 evidence) whose fields tests then corrupt one at a time.
#ifndef CCV_TESTS_POLICIES_FACTS_BUILDER_H_
#define CCV_TESTS_POLICIES_FACTS_BUILDER_H_

#include <string>

#include "parsers/core/hex.h"
#include "verifier/result/facts.h"

namespace ccv::policy::testing {
using result::EventFact;
using result::Facts;
using result::ImaEntryFact;
using result::QuoteFacts;
using result::RegisterComparison;
using result::Verdict;

template <size_t N>
std::array<uint8_t, N> HexArray(const std::string& hex) {
  std::array<uint8_t, N> out{};
  if (!DecodeHexInto(hex, out)) std::abort();
  return out;
}

inline Digest Sha384(const std::string& hex) {
  Digest d = Digest::Zero(HashAlg::kSha384);
  if (!DecodeHexInto(hex, d.mutable_span())) std::abort();
  return d;
}

// An event of the CCEL: record `index`, on `reg`, of `type` named `type_name`.
inline EventFact CcelEvent(uint64_t index, const std::string& reg, uint32_t type,
                           const std::string& type_name) {
  EventFact e;
  e.log = "ccel";
  e.index = index;
  e.reg = reg;
  e.type = type;
  e.type_name = type_name;
  return e;
}

inline Facts GoodFacts() {
  Facts f;
  QuoteFacts& q = f.quote;
  q.present = true;
  q.version = 4;
  q.tee_tcb_svn = HexArray<16>("04010700000000000000000000000000");
  q.mr_seam = HexArray<48>(
      "ffc97a88587660fb04e1f7c851300c96ae0b5a463ac46d035d16c2d9f36d0ed1d23775bcbd27deb219e3a3cc2802"
      "3895");
  q.td_attributes = HexArray<8>("0000001000000000");
  q.xfam = HexArray<8>("e700060000000000");
  q.mr_td = HexArray<48>(
      "dae67181d3d65e073ad8f95b7907d5e927bfe9761c9ff3e9b89734a45d8954dba41394c7717cb2735396c1d04231"
      "f94a");
  q.rtmr[0] = HexArray<48>(
      "3fa2f61f395b7f5feefb4ec2df61297f109ad8abcd6410c1b7df60f21f37b19297fc35e544039c7e1edece752afd"
      "17f6");
  q.rtmr[1] = HexArray<48>(
      "f62dbc072bd5d3f3438b7b35c39a727f5aea2ffc2473f43723953f530daf62504f0a7944aa62c41a86e8a878c2b1"
      "22c1");
  q.rtmr[2] = HexArray<48>(
      "4969684dc87381fc3b3134176c8d8806eaf0a901859f5f70cfae8d17714b46c10a8de219048c9fc09f11f381a6fb"
      "e7c1");
  q.fmspc = "00806f050000";
  f.collateral.present = true;
  f.collateral.tcb_status = "UpToDate";
  for (uint32_t i = 0; i < kNumRtmrs; ++i) {
    RegisterComparison c;
    c.reg = RegisterId::Rtmr(i).Name();
    c.matches = true;
    c.replayed = c.quoted = ToHex(q.rtmr[i]);
    f.comparisons.push_back(c);
    f.replayed.Set(RegisterId::Rtmr(i), Sha384(c.replayed));
  }
  f.event_log_present = true;
  auto ev = [&](uint64_t index, const char* reg, uint32_t type, const char* name, char fill,
                const std::string& text) {
    EventFact e = CcelEvent(index, reg, type, name);
    e.digests.push_back(Sha384(std::string(96, fill)));
    e.text = text;
    // Bound to the quote (its register replays to it); data verified where
    // the event carries text, as a GRUB or EFI action string would be.
    e.bound = !e.reg.empty();
    e.data = text.empty() ? result::DataStatus::kUnverified : result::DataStatus::kVerified;
    f.events.push_back(e);
  };
  ev(0, "", 3, "EV_NO_ACTION", '0', "Spec ID Event03");
  ev(1, "rtmr0", 0x8000000A, "EV_EFI_PLATFORM_FIRMWARE_BLOB2", '1', "");
  ev(2, "rtmr1", 0x80000007, "EV_EFI_ACTION", '2', "Calling EFI Application from Boot Option");
  ev(3, "rtmr1", 0x80000003, "EV_EFI_BOOT_SERVICES_APPLICATION", '3', "");
  ev(4, "rtmr1", 0x80000003, "EV_EFI_BOOT_SERVICES_APPLICATION", '4', "");
  ev(5, "rtmr2", 0xD, "EV_IPL", '5',
     "kernel_cmdline: /vmlinuz root=/dev/sda1 module.sig_enforce=1");
  ev(6, "rtmr2", 0xD, "EV_IPL", '6', "grub_cmd: linux /vmlinuz");
  f.ima_present = true;
  auto ima = [&](uint64_t index, const char* path, char fill) {
    ImaEntryFact e;
    e.index = index;
    e.template_name = "ima-ng";
    e.path = path;
    e.file_alg = "sha384";
    e.file_digest.assign(48, uint8_t(fill));
    e.bound = true;
    f.ima.push_back(e);
  };
  ima(0, "boot_aggregate", 1);
  ima(1, "/usr/bin/bash", 2);
  ima(2, "/tmp/x", 3);
  ima(3, "/usr/lib/libc.so.6", 4);
  f.logs.push_back({"ccel", "CCEL.data", true, "bound", {"rtmr0", "rtmr1", "rtmr2"}, 7, 6});
  f.logs.push_back({"ima", "ima", true, "bound", {"rtmr2"}, 4, 4});
  f.checks.push_back({"quote.signature", Verdict::kPass, "ok", ""});
  f.checks.push_back({"quote.collateral", Verdict::kPass, "ok", ""});
  return f;
}

}  // namespace ccv::policy::testing

#endif  // CCV_TESTS_POLICIES_FACTS_BUILDER_H_
