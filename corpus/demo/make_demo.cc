// Generates the synthetic demo bundle in corpus/demo: a TDX CCEL, a cc-api
// style IMA list extending RTMR2, a TDX quote v4 whose RTMRs and REPORTDATA
// match them, signed by the ccverify test PKI, its collateral and the test
// root. Every value is ours (no real platform's).
// Usage: make_demo DIR [EXTRA_IMA_ENTRIES [VARIANT]]  (extra entries: for
// scale tests; variants: for tests, see Variant)
//
// The collateral and CRLs are valid from 2025-12-22 to 2034-03-20 so that
// `ccverify verify` works at the current time without --at.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "parsers/core/file_io.h"
#include "parsers/core/hash_alg.h"
#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "tests/parsers/tcg_log_builder.h"
#include "tests/testing/quote_pki.h"
#include "verifier/crypto/digest.h"
#include "verifier/quote/collateral.h"

namespace ccv::demo {
namespace {

using Bytes8 = std::vector<uint8_t>;

Bytes8 Text(std::string_view s, bool nul = false) {
  Bytes8 b(s.begin(), s.end());
  if (nul) b.push_back(0);
  return b;
}

Bytes8 Sha384(std::span<const uint8_t> d) {
  Digest x = crypto::Hash(HashAlg::kSha384, d);
  return Bytes8(x.bytes.begin(), x.bytes.begin() + x.len);
}

struct Rtmrs {
  std::array<Digest, 4> r = {Digest::Zero(HashAlg::kSha384), Digest::Zero(HashAlg::kSha384),
                             Digest::Zero(HashAlg::kSha384), Digest::Zero(HashAlg::kSha384)};
};

void AppendU32(Bytes8* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(uint8_t(v >> (8 * i)));
}

// Variants for tests; the published demo is kPlain. kDebug and kServiceTd
// change the quote (attack tests); kInsertEvent and kNewCmdline are the
// rebuilds a golden policy meets: one more GRUB command measured before the
// pinned ones, and a changed kernel command line. kDiffPeer differs from
// kPlain by exactly one event (an EV_IPL in RTMR3), one IMA file
// (/usr/bin/bash) and one TD field (MRCONFIGID), for `ccverify diff`.
enum class TdVariant { kPlain, kDebug, kServiceTd, kInsertEvent, kNewCmdline, kDiffPeer };

int Run(const std::string& dir, uint64_t extra_ima, TdVariant variant) {
  // --- CCEL: Spec ID header, then firmware, boot loader and kernel events.
  testing::TcgLogBuilder log;
  log.Event1(1, parsers::kEvNoAction, {},
             testing::TcgLogBuilder::SpecIdData({{kTpmAlgSha384, 48}}));
  Rtmrs rt;
  auto event = [&](uint32_t mr, uint32_t type, const Bytes8& data, const Bytes8* digest = nullptr) {
    Bytes8 d = digest ? *digest : Sha384(data);
    log.Event2(mr, type, {{kTpmAlgSha384, d}}, data);
    crypto::Extend(&rt.r[mr - 1], d);
  };
  Bytes8 fw = Text("ccverify demo firmware volume");
  Bytes8 fw_digest = Sha384(Text("demo TDVF image"));
  event(1, parsers::kEvEfiPlatformFirmwareBlob2, fw, &fw_digest);
  event(1, parsers::kEvSeparator, Bytes8(4, 0));
  event(2, parsers::kEvEfiAction, Text("Calling EFI Application from Boot Option"));
  Bytes8 shim_digest = Sha384(Text("demo shimx64.efi"));
  event(2, parsers::kEvEfiBootServicesApplication, Text("demo image load event"), &shim_digest);
  event(2, parsers::kEvSeparator, Bytes8(4, 0));
  // GRUB logs "<prefix><command>" with its NUL and measures the command
  // alone (grub-core/commands/tpm.c).
  auto grub = [&](const std::string& prefix, const std::string& command) {
    Bytes8 digest = Sha384(Text(command));
    event(3, parsers::kEvIpl, Text(prefix + command, true), &digest);
  };
  if (variant == TdVariant::kInsertEvent) grub("grub_cmd: ", "set timeout=5");
  grub("grub_cmd: ", "linux /vmlinuz-6.8 root=/dev/vda1");
  grub("kernel_cmdline: ",
       variant == TdVariant::kNewCmdline
           ? "/vmlinuz-6.8 root=/dev/vda1 ro ima_hash=sha384 module.sig_enforce=0"
           : "/vmlinuz-6.8 root=/dev/vda1 ro ima_hash=sha384 module.sig_enforce=1");
  if (variant == TdVariant::kDiffPeer) event(4, parsers::kEvIpl, Text("demo workload: app-v2"));
  Bytes8 ccel = log.bytes();
  ccel.resize(ccel.size() + 4096, 0xff);  // log area padding

  // ACPI CCEL table (ACPI 6.5 section 5.2.34) locating that log area.
  Bytes8 table;
  for (char c : std::string("CCEL")) table.push_back(uint8_t(c));
  AppendU32(&table, 56);
  table.push_back(1);                                                  // revision
  table.push_back(0);                                                  // checksum, set below
  for (char c : std::string("CCVDEM")) table.push_back(uint8_t(c));    // OEM ID
  for (char c : std::string("CCVDEMO ")) table.push_back(uint8_t(c));  // OEM table ID
  AppendU32(&table, 1);                                                // OEM revision
  for (char c : std::string("CCVD")) table.push_back(uint8_t(c));      // creator ID
  AppendU32(&table, 1);                                                // creator revision
  table.push_back(2);                                                  // CC type: TDX
  table.push_back(0);                                                  // CC subtype
  table.push_back(0);
  table.push_back(0);
  for (int i = 0; i < 8; ++i) table.push_back(uint8_t(uint64_t(ccel.size()) >> (8 * i)));  // LAML
  for (int i = 0; i < 8; ++i) table.push_back(uint8_t(uint64_t(0x7f000000) >> (8 * i)));   // LASA
  uint8_t sum = 0;
  for (uint8_t b : table) sum = uint8_t(sum + b);
  table[9] = uint8_t(0x100 - sum);

  // --- IMA list (cc-api TDX kernel: RTMR2, SHA-384 template hashes).
  std::array<uint8_t, 48> mr_td{};
  for (size_t i = 0; i < 48; ++i) mr_td[i] = uint8_t(0xa0 + i % 16);  // DefaultTdxQuote's MRTD
  Bytes8 agg_in(mr_td.begin(), mr_td.end());
  for (int i = 0; i < 3; ++i)
    agg_in.insert(agg_in.end(), rt.r[i].bytes.begin(), rt.r[i].bytes.begin() + 48);
  std::string ima;
  auto ima_entry = [&](const std::string& path, const Bytes8& file_digest) {
    Bytes8 td;
    Bytes8 dng = Text("sha384:", true);
    dng.insert(dng.end(), file_digest.begin(), file_digest.end());
    AppendU32(&td, uint32_t(dng.size()));
    td.insert(td.end(), dng.begin(), dng.end());
    Bytes8 n = Text(path, true);
    AppendU32(&td, uint32_t(n.size()));
    td.insert(td.end(), n.begin(), n.end());
    Bytes8 th = Sha384(td);
    crypto::Extend(&rt.r[2], th);
    ima += " 2 " + ToHex(th) + " ima-ng sha384:" + ToHex(file_digest) + " " + path + "\n";
  };
  ima_entry("boot_aggregate", Sha384(agg_in));
  for (const char* p : {"/usr/lib/systemd/systemd", "/usr/lib/x86_64-linux-gnu/libc.so.6",
                        "/usr/bin/bash", "/etc/ld.so.cache", "/usr/bin/containerd"}) {
    std::string content = std::string("demo content of ") + p;
    if (variant == TdVariant::kDiffPeer && std::string(p) == "/usr/bin/bash")
      content += " (patched)";
    ima_entry(p, Sha384(Text(content)));
  }
  for (uint64_t i = 0; i < extra_ima; ++i) {
    std::string p =
        "/opt/demo/lib" + std::to_string(i % 5000) + "/file" + std::to_string(i) + ".so";
    ima_entry(p, Sha384(Text(p)));
  }

  // --- Quote: test PKI, long validity windows, RTMRs and REPORTDATA bound.
  testing::PkiOptions po;
  po.crl_this_update = testing::kPkiNow - 10 * testing::kDay;
  po.crl_next_update = testing::kPkiNow + 3000 * testing::kDay;
  auto pki = testing::TestPki::Create(po);
  if (!pki.ok()) {
    std::fprintf(stderr, "make_demo: %s\n", pki.status().ToString().c_str());
    return 1;
  }
  testing::QuoteBuilder q = testing::DefaultTdxQuote(*pki);
  for (int i = 0; i < 4; ++i)
    std::copy(rt.r[i].bytes.begin(), rt.r[i].bytes.begin() + 48, q.body.begin() + 328 + 48 * i);
  // TD_ATTRIBUTES (TD report body offset 120), bit 0: DEBUG (for attack tests).
  if (variant == TdVariant::kDebug) q.body[120] |= 1;
  // MRCONFIGID (TD report body offset 184).
  if (variant == TdVariant::kDiffPeer) q.body[184] = 0xc1;
  if (variant == TdVariant::kServiceTd) {
    // Quote v5 with a TD report 1.5 body (body type 3): TEE_TCB_SVN2 at 584
    // (the module's SVNs again) and a non-zero MRSERVICETD at 600.
    q.version = 5;
    q.body_type = 3;
    q.body.resize(648, 0);
    std::copy(q.body.begin(), q.body.begin() + 16, q.body.begin() + 584);
    for (size_t i = 0; i < 48; ++i) q.body[600 + i] = uint8_t(0x51 + i);
  }
  Bytes8 nonce = Sha384(Text("ccverify demo nonce"));
  nonce.resize(32);
  Bytes8 user_data = Text("demo-node-1");
  Bytes8 nud = nonce;
  nud.insert(nud.end(), user_data.begin(), user_data.end());
  Digest rd = crypto::Hash(HashAlg::kSha512, nud);
  std::copy(rd.bytes.begin(), rd.bytes.begin() + 64, q.body.begin() + 520);
  if (Status s = testing::SignQuote(*pki, testing::TestAttestationKey(), &q); !s.ok()) {
    std::fprintf(stderr, "make_demo: %s\n", s.ToString().c_str());
    return 1;
  }
  Bytes8 quote = q.Build();
  quote::TcbInfo tcb = testing::DefaultTdxTcbInfo();
  tcb.issue_date = testing::kPkiNow - 10 * testing::kDay;
  tcb.next_update = testing::kPkiNow + 3000 * testing::kDay;
  quote::EnclaveIdentity qe = testing::DefaultQeIdentity();
  qe.issue_date = tcb.issue_date;
  qe.next_update = tcb.next_update;
  std::string coll = quote::CollateralToJson(testing::MakeCollateral(*pki, tcb, qe));
  std::string root = pki->RootPem();

  std::string evidence =
      "{\n"
      "  \"version\": 1,\n"
      "  \"tee\": \"tdx\",\n"
      "  \"quote\": \"quote.bin\",\n"
      "  \"ccel\": {\"table\": \"CCEL\", \"data\": \"CCEL.data\"},\n"
      "  \"ima\": {\"path\": \"ascii_runtime_measurements\", \"register\": \"rtmr2\"},\n"
      "  \"collateral\": \"collateral.json\",\n"
      "  \"nonce\": \"" +
      ToHex(nonce) +
      "\",\n"
      "  \"user_data\": \"" +
      ToHex(user_data) +
      "\",\n"
      "  \"collected_at\": \"2026-01-01T00:00:00Z\"\n"
      "}\n";
  struct Out {
    const char* name;
    const void* data;
    size_t len;
  } outs[] = {{"CCEL", table.data(), table.size()},
              {"CCEL.data", ccel.data(), ccel.size()},
              {"ascii_runtime_measurements", ima.data(), ima.size()},
              {"quote.bin", quote.data(), quote.size()},
              {"collateral.json", coll.data(), coll.size()},
              {"root_ca.pem", root.data(), root.size()},
              {"evidence.json", evidence.data(), evidence.size()}};
  for (const Out& o : outs) {
    if (Status s = WriteFileBytes(dir + "/" + o.name, o.data, o.len); !s.ok()) {
      std::fprintf(stderr, "make_demo: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace
}  // namespace ccv::demo

int main(int argc, char** argv) {
  using ccv::demo::TdVariant;
  TdVariant variant = TdVariant::kPlain;
  if (argc == 4 && std::string(argv[3]) == "debug") variant = TdVariant::kDebug;
  if (argc == 4 && std::string(argv[3]) == "servicetd") variant = TdVariant::kServiceTd;
  if (argc == 4 && std::string(argv[3]) == "insert-event") variant = TdVariant::kInsertEvent;
  if (argc == 4 && std::string(argv[3]) == "new-cmdline") variant = TdVariant::kNewCmdline;
  if (argc == 4 && std::string(argv[3]) == "diff-peer") variant = TdVariant::kDiffPeer;
  if (argc < 2 || argc > 4 || (argc == 4 && variant == TdVariant::kPlain)) {
    std::fprintf(stderr,
                 "usage: make_demo DIR [EXTRA_IMA_ENTRIES "
                 "[debug|servicetd|insert-event|new-cmdline|diff-peer]]\n");
    return 2;
  }
  uint64_t extra = argc >= 3 ? std::strtoull(argv[2], nullptr, 10) : 0;
  return ccv::demo::Run(argv[1], extra, variant);
}
