#include "tests/testing/demo_maker.h"

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "parsers/core/file_io.h"
#include "parsers/core/hash_alg.h"
#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "tests/parsers/tcg_log_builder.h"
#include "verifier/crypto/digest.h"
#include "verifier/quote/collateral.h"

namespace ccv::testing {
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

}  // namespace

Result<TestPki> DemoPki() {
  PkiOptions po;
  po.crl_this_update = kPkiNow - 10 * kDay;
  po.crl_next_update = kPkiNow + 3000 * kDay;
  return TestPki::Create(po);
}

Status MakeDemoBundle(const std::string& dir, const DemoOptions& options) {
  const uint64_t extra_ima = options.extra_ima;
  const DemoVariant variant = options.variant;
  // --- CCEL: Spec ID header, then firmware, boot loader and kernel events.
  TcgLogBuilder log;
  log.Event1(1, parsers::kEvNoAction, {}, TcgLogBuilder::SpecIdData({{kTpmAlgSha384, 48}}));
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
  if (variant == DemoVariant::kInsertEvent) grub("grub_cmd: ", "set timeout=5");
  grub("grub_cmd: ", "linux /vmlinuz-6.8 root=/dev/vda1");
  grub("kernel_cmdline: ",
       variant == DemoVariant::kNewCmdline
           ? "/vmlinuz-6.8 root=/dev/vda1 ro ima_hash=sha384 module.sig_enforce=0"
           : "/vmlinuz-6.8 root=/dev/vda1 ro ima_hash=sha384 module.sig_enforce=1");
  if (variant == DemoVariant::kDiffPeer) event(4, parsers::kEvIpl, Text("demo workload: app-v2"));
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
  uint64_t ima_entries = 0;
  Digest quoted_rtmr2 = rt.r[2];  // after options.quoted_ima_entries entries
  auto ima_entry = [&](const std::string& path, Bytes8 file_digest) {
    if (options.changed_entry && *options.changed_entry == ima_entries) file_digest[0] ^= 0x5a;
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
    ++ima_entries;
    if (!options.quoted_ima_entries || ima_entries <= *options.quoted_ima_entries) {
      quoted_rtmr2 = rt.r[2];
    }
    ima += " 2 " + ToHex(th) + " ima-ng sha384:" + ToHex(file_digest) + " " + path + "\n";
  };
  ima_entry("boot_aggregate", Sha384(agg_in));
  for (const char* p : {"/usr/lib/systemd/systemd", "/usr/lib/x86_64-linux-gnu/libc.so.6",
                        "/usr/bin/bash", "/etc/ld.so.cache", "/usr/bin/containerd"}) {
    std::string content = std::string("demo content of ") + p;
    if (variant == DemoVariant::kDiffPeer && std::string(p) == "/usr/bin/bash")
      content += " (patched)";
    ima_entry(p, Sha384(Text(content)));
  }
  for (uint64_t i = 0; i < extra_ima; ++i) {
    std::string p =
        "/opt/demo/lib" + std::to_string(i % 5000) + "/file" + std::to_string(i) + ".so";
    ima_entry(p, Sha384(Text(options.salt + p)));
  }

  // --- Quote: test PKI, long validity windows, RTMRs and REPORTDATA bound.
  std::optional<TestPki> own_pki;
  if (options.pki == nullptr) {
    CCV_ASSIGN_OR_RETURN(own_pki, DemoPki());
  }
  const TestPki* pki = options.pki ? options.pki : &*own_pki;
  QuoteBuilder q = DefaultTdxQuote(*pki);
  rt.r[2] = quoted_rtmr2;
  for (int i = 0; i < 4; ++i)
    std::copy(rt.r[i].bytes.begin(), rt.r[i].bytes.begin() + 48, q.body.begin() + 328 + 48 * i);
  // TD_ATTRIBUTES (TD report body offset 120), bit 0: DEBUG (for attack tests).
  if (variant == DemoVariant::kDebug) q.body[120] |= 1;
  // MRCONFIGID (TD report body offset 184).
  if (variant == DemoVariant::kDiffPeer) q.body[184] = 0xc1;
  if (variant == DemoVariant::kServiceTd) {
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
  CCV_RETURN_IF_ERROR(SignQuote(*pki, TestAttestationKey(), &q));
  Bytes8 quote = q.Build();
  quote::TcbInfo tcb = DefaultTdxTcbInfo();
  tcb.issue_date = kPkiNow - 10 * kDay;
  tcb.next_update = kPkiNow + 3000 * kDay;
  quote::EnclaveIdentity qe = DefaultQeIdentity();
  qe.issue_date = tcb.issue_date;
  qe.next_update = tcb.next_update;
  std::string coll = quote::CollateralToJson(MakeCollateral(*pki, tcb, qe));
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
    CCV_RETURN_IF_ERROR(WriteFileBytes(dir + "/" + o.name, o.data, o.len));
  }
  return Status::Ok();
}

}  // namespace ccv::testing
