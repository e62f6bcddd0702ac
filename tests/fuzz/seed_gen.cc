// fuzz_seed_gen OUT_DIR: writes synthetic seeds made by our own generators
// (test PKI quotes and collateral, TD reports, small TCG, CCEL and CEL logs)
// into OUT_DIR/<harness>/. tests/fuzz/run.sh adds the shared corpus files.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "parsers/cel.h"
#include "parsers/core/file_io.h"
#include "parsers/core/hash_alg.h"
#include "tests/parsers/tcg_log_builder.h"
#include "tests/testing/quote_pki.h"
#include "verifier/quote/collateral.h"

namespace {

bool Write(const std::filesystem::path& dir, const std::string& name, const void* data,
           size_t len) {
  std::filesystem::create_directories(dir);
  ccv::Status s = ccv::WriteFileBytes((dir / name).string(), data, len);
  if (!s.ok()) std::fprintf(stderr, "%s\n", s.ToString().c_str());
  return s.ok();
}
bool Write(const std::filesystem::path& dir, const std::string& name,
           const std::vector<uint8_t>& b) {
  return Write(dir, name, b.data(), b.size());
}
bool Write(const std::filesystem::path& dir, const std::string& name, const std::string& s) {
  return Write(dir, name, s.data(), s.size());
}

std::vector<uint8_t> Str(std::string_view s) { return {s.begin(), s.end()}; }

bool Quotes(const std::filesystem::path& out) {
  auto pki = ccv::testing::TestPki::Create();
  if (!pki.ok()) return false;
  bool ok = true;
  auto emit = [&](ccv::testing::QuoteBuilder b, const std::string& name) {
    ok &= ccv::testing::SignQuote(*pki, ccv::testing::TestAttestationKey(), &b).ok();
    ok &= Write(out / "tdx_quote", name, b.Build());
  };
  emit(ccv::testing::DefaultTdxQuote(*pki), "synthetic-tdx-v4.bin");
  ccv::testing::QuoteBuilder v5 = ccv::testing::DefaultTdxQuote(*pki);
  v5.version = 5;
  v5.body_type = 3;
  emit(v5, "synthetic-tdx-v5-tdx15.bin");
  emit(ccv::testing::DefaultSgxQuote(*pki), "synthetic-sgx-v3.bin");

  ccv::quote::QuoteCollateral c = ccv::testing::MakeCollateral(
      *pki, ccv::testing::DefaultTdxTcbInfo(), ccv::testing::DefaultQeIdentity());
  ok &= Write(out / "collateral", "synthetic-tdx.json", ccv::quote::CollateralToJson(c));
  ok &= Write(out / "collateral", "synthetic-tcb-info.json", c.tcb_info);
  ok &= Write(out / "collateral", "synthetic-qe-identity.json", c.qe_identity);
  ccv::quote::QuoteCollateral s = ccv::testing::MakeCollateral(
      *pki, ccv::testing::DefaultSgxTcbInfo(), ccv::testing::DefaultQeIdentity(false));
  ok &= Write(out / "collateral", "synthetic-sgx.json", ccv::quote::CollateralToJson(s));
  return ok;
}

bool TdReports(const std::filesystem::path& out) {
  bool ok = true;
  for (uint8_t version : {0, 1}) {
    std::vector<uint8_t> r(1024, 0);
    r[0] = 0x81;     // REPORTTYPE.TYPE: TDX
    r[2] = version;  // REPORTTYPE.VERSION: 0 TDX 1.0, 1 TDX 1.5
    for (size_t i = 256; i < 1024; ++i) r[i] = uint8_t(i * 7);
    ok &= Write(out / "td_report", "synthetic-v" + std::to_string(version) + ".bin", r);
  }
  return ok;
}

bool TcgLogs(const std::filesystem::path& out) {
  bool ok = true;
  std::vector<uint8_t> sep(4, 0);
  // SHA1-legacy log: a POST code, a separator, an EV_IPL string.
  ccv::testing::TcgLogBuilder sha1;
  sha1.Event1(0, 1, std::vector<uint8_t>(20, 0x11), Str("POST CODE"))
      .Event1(7, 4, std::vector<uint8_t>(20, 0x22), sep)
      .Event1(8, 13, std::vector<uint8_t>(20, 0x33), Str("grub_cmd: linux /vmlinuz"));
  ok &= Write(out / "tcg_sha1_log", "synthetic-sha1.bin", sha1.bytes());

  // Crypto-agile log, SHA-1 + SHA-256 banks, StartupLocality, trailing FF.
  ccv::testing::TcgLogBuilder agile;
  agile.SpecIdHeader({{0x0004, 20}, {0x000b, 32}});
  std::vector<uint8_t> loc = Str(std::string_view("StartupLocality\0\3", 17));
  agile.Event2(0, 3, {{0x0004, std::vector<uint8_t>(20)}, {0x000b, std::vector<uint8_t>(32)}}, loc)
      .Event2(0, 0x80000008,
              {{0x0004, std::vector<uint8_t>(20, 1)}, {0x000b, std::vector<uint8_t>(32, 2)}},
              Str("fv"))
      .Event2(7, 4, {{0x0004, std::vector<uint8_t>(20, 3)}, {0x000b, std::vector<uint8_t>(32, 4)}},
              sep)
      .Fill(16, 0xff);
  ok &= Write(out / "tcg2_log", "synthetic-agile.bin", agile.bytes());

  // CCEL log area: Spec ID at MR index 1 (some firmware), SHA-384, zero pad.
  ccv::testing::TcgLogBuilder ccel;
  ccel.SpecIdHeader({{0x000c, 48}}, 1);
  ccel.Event2(1, 0x80000001, {{0x000c, std::vector<uint8_t>(48, 5)}}, Str("var"))
      .Event2(2, 4, {{0x000c, std::vector<uint8_t>(48, 6)}}, sep)
      .Event2(3, 13, {{0x000c, std::vector<uint8_t>(48, 7)}}, Str("kernel_cmdline: ro"))
      .Fill(64, 0);
  ok &= Write(out / "ccel_log", "synthetic-ccel.bin", ccel.bytes());

  // ACPI CCEL table (56 bytes, checksum fixed up).
  std::vector<uint8_t> table = ccv::testing::CcelTableBytes(56, 0x10000, 0x7f000000);
  ccv::testing::SetAcpiChecksum(&table);
  ok &= Write(out / "ccel_table", "synthetic-table.bin", table);
  return ok;
}

// A CEL record with one digest; content type 5 is pcclient_std, 7 ima_template.
ccv::cel::Record CelRecord(uint64_t recnum, ccv::cel::IndexType index_type, uint32_t index,
                           const ccv::Digest& digest, uint8_t content_type) {
  ccv::cel::Record r;
  r.recnum = recnum;
  r.index_type = index_type;
  r.index = index;
  r.digests = {digest};
  r.content_type = content_type;
  return r;
}

bool CelLogs(const std::filesystem::path& out) {
  ccv::cel::Record pc = CelRecord(0, ccv::cel::IndexType::kPcr, 4,
                                  ccv::Digest::Filled(ccv::HashAlg::kSha256, 0xab), 5);
  pc.event_type = 13;
  pc.event_data = Str("kernel");
  ccv::cel::Record ima = CelRecord(1, ccv::cel::IndexType::kCcmr, 3,
                                   ccv::Digest::Filled(ccv::HashAlg::kSha384, 0xcd), 7);
  ima.template_name = "ima-ng";
  ima.template_data = {4, 0, 0, 0, 's', 'h', 'a', '1', 5, 0, 0, 0, '/', 'b', 'i', 'n', 0};
  const std::vector<ccv::cel::Record> records = {pc, ima};
  bool ok = Write(out / "cel_tlv", "synthetic.cel", ccv::cel::WriteTlv(records));
  ok &= Write(out / "cel_json", "synthetic.json", ccv::cel::WriteJson(records));
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_seed_gen OUT_DIR\n");
    return 2;
  }
  std::filesystem::path out = argv[1];
  bool ok = Quotes(out) && TdReports(out) && TcgLogs(out) && CelLogs(out);
  return ok ? 0 : 1;
}
