// IMA replay: template-hash checks, violations, banks, initial values,
// boot_aggregate forms and the quoted-prefix search. Expected registers are
// computed here by a plain loop over the builder's own template data.
#include "verifier/replay/ima_replay.h"

#include <cstdio>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "tests/verifier/replay/ima_test_util.h"
#include "verifier/replay/ima_replay_file.h"

namespace ccv::replay {
namespace {

using namespace ::ccv::testing;  // NOLINT: test helpers

std::vector<uint8_t> D(size_t n, uint8_t v) { return std::vector<uint8_t>(n, v); }

// Reference replay: R = H(R || (violation ? FF.. : H(template data))).
Digest RefReplay(const std::vector<TEntry>& es, HashAlg bank, uint32_t pcr,
                 std::optional<Digest> init = std::nullopt) {
  Digest r = init ? *init : Digest::Zero(bank);
  for (const TEntry& e : es) {
    if (e.pcr != pcr) continue;
    std::string v = e.violation ? std::string(DigestLen(bank), '\xff')
                                : Raw(crypto::Hash(bank, AsBytes(e.TemplateData())).span());
    r = crypto::Hash(bank, AsBytes(Raw(r.span()) + v));
  }
  return r;
}

std::string Ascii(const std::vector<TEntry>& es, HashAlg alg = HashAlg::kSha1) {
  std::string s;
  for (const TEntry& e : es) s += e.Ascii(alg);
  return s;
}
std::string Binary(const std::vector<TEntry>& es, HashAlg alg = HashAlg::kSha1) {
  std::string s;
  for (const TEntry& e : es) s += e.Binary(alg);
  return s;
}

ima::ReadOptions BinOpt() {
  ima::ReadOptions o;
  o.format = ima::LogFormat::kBinary;
  return o;
}

std::vector<TEntry> Mixed() {
  std::vector<TEntry> es;
  TEntry boot = NgEntry("boot_aggregate");
  es.push_back(boot);
  for (int i = 0; i < 20; ++i) {
    TEntry e = NgEntry("/usr/bin/p" + std::to_string(i), std::to_string(i));
    if (i % 7 == 3) e.violation = true;
    if (i % 5 == 1) {
      e.name = "ima-sig";
      e.fields.push_back(HexField(D(i, 0x33)));
    }
    if (i % 6 == 2) {
      e.name = "ima";
      e.fields = {HexField(D(20, uint8_t(i))), Str("/legacy" + std::to_string(i))};
    }
    es.push_back(e);
  }
  return es;
}

TEST(ImaReplayTest, AsciiAndBinaryReplayEqualsReferenceInBothBanks) {
  auto es = Mixed();
  for (int form = 0; form < 2; ++form) {
    std::string log = form == 0 ? Ascii(es) : Binary(es);
    auto r = ReplayImaBytes(AsBytes(log), form == 0 ? ima::ReadOptions{} : BinOpt(), {});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->entries, es.size());
    EXPECT_EQ(r->violations, 3u);
    EXPECT_EQ(r->hashes_verified, es.size() - 3);
    EXPECT_EQ(r->hashes_mismatched, 0u);
    for (HashAlg bank : {HashAlg::kSha1, HashAlg::kSha256}) {
      EXPECT_EQ(HexOf(r->registers, RegisterId::Pcr(10), bank),
                ToHex(RefReplay(es, bank, 10).span()))
          << form << " " << HashAlgName(bank);
    }
    EXPECT_EQ(r->templates.at("ima"), 3u);
  }
}

TEST(ImaReplayTest, ViolationExtendsAllFfInEveryBank) {
  TEntry v = NgEntry("/v");
  v.violation = true;
  auto r = ReplayImaBytes(AsBytes(v.Ascii()), {}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->violations, 1u);
  Digest want1 =
      crypto::Hash(HashAlg::kSha1, AsBytes(std::string(20, '\0') + std::string(20, '\xff')));
  Digest want256 =
      crypto::Hash(HashAlg::kSha256, AsBytes(std::string(32, '\0') + std::string(32, '\xff')));
  EXPECT_EQ(HexOf(r->registers, RegisterId::Pcr(10), HashAlg::kSha1), ToHex(want1.span()));
  EXPECT_EQ(HexOf(r->registers, RegisterId::Pcr(10), HashAlg::kSha256), ToHex(want256.span()));
}

TEST(ImaReplayTest, TemplateHashMismatchIsAFindingWithIndexAndLine) {
  std::vector<TEntry> es = {NgEntry("/a"), NgEntry("/b"), NgEntry("/c")};
  es[1].listed = std::string(20, '\x42');
  auto r = ReplayImaBytes(AsBytes(Ascii(es)), {}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->hashes_mismatched, 1u);
  EXPECT_EQ(r->hashes_verified, 2u);
  ASSERT_EQ(r->findings.size(), 1u);
  EXPECT_EQ(r->findings[0].kind, "template_hash_mismatch");
  EXPECT_EQ(r->findings[0].index, 1u);
  EXPECT_EQ(r->findings[0].line, 2u);
  // The listed SHA-1 is extended (as the kernel did), so the sha1 bank
  // differs from a replay of the data.
  EXPECT_NE(HexOf(r->registers, RegisterId::Pcr(10), HashAlg::kSha1),
            ToHex(RefReplay(es, HashAlg::kSha1, 10).span()));
}

TEST(ImaReplayTest, BinaryMismatchNamesTheEntryOffset) {
  std::vector<TEntry> es = {NgEntry("/a"), NgEntry("/b")};
  es[1].fields[1] = Str("/B");  // data changed, listed hash of "/b" kept
  es[1].listed = NgEntry("/b").Listed(HashAlg::kSha1);
  auto r = ReplayImaBytes(AsBytes(Binary(es)), BinOpt(), {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->findings.size(), 1u);
  EXPECT_EQ(r->findings[0].offset, es[0].Binary().size());
}

TEST(ImaReplayTest, UnknownTemplateHashIsStillChecked) {
  TEntry e;
  e.name = "vendor-x";
  e.fields = {Str("a"), HexField(D(3, 1))};
  TEntry bad = e;
  bad.listed = std::string(20, '\x01');
  auto r = ReplayImaBytes(AsBytes(e.Binary() + bad.Binary()), BinOpt(), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->hashes_verified, 1u);
  EXPECT_EQ(r->hashes_mismatched, 1u);
}

TEST(ImaReplayTest, EntriesOnOtherPcrsExtendThoseRegisters) {
  std::vector<TEntry> es = {NgEntry("/a"), NgEntry("/b"), NgEntry("/c")};
  es[1].pcr = 11;
  auto r = ReplayImaBytes(AsBytes(Ascii(es)), {}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(HexOf(r->registers, RegisterId::Pcr(10), HashAlg::kSha256),
            ToHex(RefReplay(es, HashAlg::kSha256, 10).span()));
  EXPECT_EQ(HexOf(r->registers, RegisterId::Pcr(11), HashAlg::kSha256),
            ToHex(RefReplay(es, HashAlg::kSha256, 11).span()));
}

TEST(ImaReplayTest, ExtraBanksAndInitialValues) {
  auto es = Mixed();
  ImaReplayOptions opt;
  opt.banks = {HashAlg::kSha384, HashAlg::kSha512};
  Digest init = Digest::Filled(HashAlg::kSha384, 0x5c);
  opt.initial.Set(RegisterId::Pcr(10), init);
  auto r = ReplayImaBytes(AsBytes(Binary(es)), BinOpt(), opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(HexOf(r->registers, RegisterId::Pcr(10), HashAlg::kSha384),
            ToHex(RefReplay(es, HashAlg::kSha384, 10, init).span()));
  EXPECT_EQ(HexOf(r->registers, RegisterId::Pcr(10), HashAlg::kSha512),
            ToHex(RefReplay(es, HashAlg::kSha512, 10).span()));
  EXPECT_FALSE(r->registers.Get(RegisterId::Pcr(10), HashAlg::kSha1).has_value());
  EXPECT_EQ(r->hashes_verified, es.size() - 3);  // the listed sha1 is still checked
}

TEST(ImaReplayTest, CcApiRtmrListReplaysSha384FromInitial) {
  std::vector<TEntry> es = {NgEntry("boot_aggregate"), NgEntry("/x")};
  for (auto& e : es) e.pcr = 2;
  ImaReplayOptions opt;
  opt.register_kind = RegisterId::Kind::kRtmr;
  Digest init = Digest::Filled(HashAlg::kSha384, 7);
  opt.initial.Set(RegisterId::Rtmr(2), init);
  auto r = ReplayImaBytes(AsBytes(Ascii(es, HashAlg::kSha384)), {}, opt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(HexOf(r->registers, RegisterId::Rtmr(2), HashAlg::kSha384),
            ToHex(RefReplay(es, HashAlg::kSha384, 2, init).span()));
  EXPECT_FALSE(r->registers.Has(RegisterId::Pcr(2)));
}

class CountingHasher final : public TemplateHasher {
 public:
  explicit CountingHasher(size_t* batches, size_t* messages) : b_(batches), m_(messages) {}
  void HashBatch(HashAlg alg, std::span<const Bytes> data, std::span<Digest> out) override {
    ++*b_;
    *m_ += data.size();
    ref_->HashBatch(alg, data, out);
  }

 private:
  size_t* b_;
  size_t* m_;
  std::unique_ptr<TemplateHasher> ref_ = MakeOpenSslTemplateHasher();
};

TEST(ImaReplayTest, TemplateHashesGoThroughTheBatchHasher) {
  auto es = Mixed();
  std::string log = Ascii(es);
  size_t batches = 0, messages = 0;
  ima::ReadOptions ro;
  ro.max_batch = 8;
  ima::LogReader reader(ima::SpanSource(AsBytes(log)), ro);
  ImaReplayer rep({}, std::make_unique<CountingHasher>(&batches, &messages));
  std::vector<ima::Entry> batch;
  for (;;) {
    ASSERT_TRUE(reader.NextBatch(&batch).ok());
    if (batch.empty()) break;
    ASSERT_TRUE(rep.AddBatch(batch).ok());
  }
  auto r = rep.Finish();
  EXPECT_EQ(batches, 3u * 2);  // 3 batches (8+8+5) x 2 banks
  EXPECT_EQ(messages, es.size() * 2);
  EXPECT_EQ(HexOf(r.registers, RegisterId::Pcr(10), HashAlg::kSha256),
            ToHex(RefReplay(es, HashAlg::kSha256, 10).span()));
}

TEST(ImaReplayTest, QuotedPrefixFoundInTheMiddle) {
  auto es = Mixed();
  std::vector<TEntry> first(es.begin(), es.begin() + 12);
  ImaReplayOptions opt;
  opt.quoted.Set(RegisterId::Pcr(10), RefReplay(first, HashAlg::kSha256, 10));
  opt.quoted.Set(RegisterId::Pcr(10), RefReplay(first, HashAlg::kSha1, 10));
  auto r = ReplayImaBytes(AsBytes(Ascii(es)), {}, opt);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->prefix.size(), 2u);
  for (const auto& p : r->prefix) {
    EXPECT_TRUE(p.found);
    EXPECT_EQ(p.matched_entries, 12u);
    EXPECT_EQ(p.added_after, es.size() - 12);
  }
  EXPECT_EQ(r->prefix[1].Describe(),
            "pcr10.sha256: first 12 entries match, 9 entries were added after the quote");
}

TEST(ImaReplayTest, QuotedValueBeforeAnyEntryMatchesZeroEntries) {
  ImaReplayOptions opt;
  opt.quoted.Set(RegisterId::Pcr(10), Digest::Zero(HashAlg::kSha256));
  auto r = ReplayImaBytes(AsBytes(Ascii(Mixed())), {}, opt);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->prefix.size(), 1u);
  EXPECT_TRUE(r->prefix[0].found);
  EXPECT_EQ(r->prefix[0].matched_entries, 0u);
}

TEST(ImaReplayTest, QuotedValueThatNoPrefixGivesIsReported) {
  ImaReplayOptions opt;
  opt.quoted.Set(RegisterId::Pcr(10), Digest::Filled(HashAlg::kSha256, 1));
  auto r = ReplayImaBytes(AsBytes(Ascii(Mixed())), {}, opt);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->prefix.size(), 1u);
  EXPECT_FALSE(r->prefix[0].found);
  EXPECT_EQ(r->prefix[0].Describe(),
            "pcr10.sha256: no prefix of the list replays to the quoted value");
}

// --- boot_aggregate ---

RegisterSet TpmBoot() {
  RegisterSet rs;
  for (uint32_t i = 0; i < 10; ++i) {
    rs.Set(RegisterId::Pcr(i), Digest::Filled(HashAlg::kSha256, uint8_t(i + 1)));
    rs.Set(RegisterId::Pcr(i), Digest::Filled(HashAlg::kSha1, uint8_t(i + 1)));
  }
  return rs;
}

Digest Aggregate(HashAlg alg, const RegisterSet& rs, uint32_t n) {
  std::string cat;
  for (uint32_t i = 0; i < n; ++i) cat += Raw(rs.Get(RegisterId::Pcr(i), alg)->span());
  return crypto::Hash(alg, AsBytes(cat));
}

TEST(ImaReplayTest, BootAggregatePcr0To9Form) {
  RegisterSet boot = TpmBoot();
  TEntry b;
  b.fields = {DNg("sha256", Aggregate(HashAlg::kSha256, boot, 10).span()), Str("boot_aggregate")};
  ImaReplayOptions opt;
  opt.boot_registers = boot;
  auto r = ReplayImaBytes(AsBytes(b.Ascii() + NgEntry("/x").Ascii()), {}, opt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->boot_aggregate.status, CheckStatus::kPass);
  EXPECT_EQ(r->boot_aggregate.form, "pcr0-9");
  EXPECT_EQ(r->boot_aggregate.index, 0u);
}

TEST(ImaReplayTest, BootAggregateLegacyImaSha1UsesPcr0To7) {
  RegisterSet boot = TpmBoot();
  TEntry b;
  b.name = "ima";
  b.fields = {HexField(Aggregate(HashAlg::kSha1, boot, 8).span()), Str("boot_aggregate")};
  ImaReplayOptions opt;
  opt.boot_registers = boot;
  auto r = ReplayImaBytes(AsBytes(b.Binary()), BinOpt(), opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->boot_aggregate.status, CheckStatus::kPass);
  EXPECT_EQ(r->boot_aggregate.form, "pcr0-7");
}

TEST(ImaReplayTest, BootAggregateMismatchIsAFinding) {
  RegisterSet boot = TpmBoot();
  TEntry b;
  b.fields = {DNg("sha256", D(32, 0x77)), Str("boot_aggregate")};
  ImaReplayOptions opt;
  opt.boot_registers = boot;
  auto r = ReplayImaBytes(AsBytes(b.Ascii()), {}, opt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->boot_aggregate.status, CheckStatus::kFail);
  EXPECT_EQ(r->boot_aggregate.expected, ToHex(Aggregate(HashAlg::kSha256, boot, 10).span()));
  ASSERT_EQ(r->findings.size(), 1u);
  EXPECT_EQ(r->findings[0].kind, "boot_aggregate_mismatch");
}

TEST(ImaReplayTest, BootAggregateNotCheckedWithoutBootRegisters) {
  auto r = ReplayImaBytes(AsBytes(NgEntry("boot_aggregate").Ascii()), {}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->boot_aggregate.present);
  EXPECT_EQ(r->boot_aggregate.status, CheckStatus::kSkipped);
  auto none = ReplayImaBytes(AsBytes(NgEntry("/bin/true").Ascii()), {}, {});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->boot_aggregate.present);
}

TEST(ImaReplayTest, TdxBootAggregateNeedsMrtdAndChecksIt) {
  const RegisterId regs[] = {RegisterId::Mrtd(), RegisterId::Rtmr(0), RegisterId::Rtmr(1),
                             RegisterId::Rtmr(2)};
  RegisterSet boot;
  for (size_t i = 0; i < std::size(regs); ++i)
    boot.Set(regs[i], Digest::Filled(HashAlg::kSha384, uint8_t(0x10 + i)));
  std::string cat;
  for (RegisterId r : regs) cat += Raw(boot.Get(r, HashAlg::kSha384)->span());
  TEntry b;
  b.pcr = 2;
  b.fields = {DNg("sha384", crypto::Hash(HashAlg::kSha384, AsBytes(cat)).span()),
              Str("boot_aggregate")};
  ImaReplayOptions opt;
  opt.register_kind = RegisterId::Kind::kRtmr;
  opt.boot_registers = boot;
  auto r = ReplayImaBytes(AsBytes(b.Ascii(HashAlg::kSha384)), {}, opt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->boot_aggregate.status, CheckStatus::kPass);
  RegisterSet no_mrtd;
  no_mrtd.Set(RegisterId::Rtmr(0), Digest::Zero(HashAlg::kSha384));
  opt.boot_registers = no_mrtd;
  auto n = ReplayImaBytes(AsBytes(b.Ascii(HashAlg::kSha384)), {}, opt);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->boot_aggregate.status, CheckStatus::kSkipped);
  EXPECT_EQ(n->boot_aggregate.why, "boot registers lack mrtd");
}

TEST(ImaReplayTest, BigEndianListReplays) {
  std::vector<TEntry> es = {NgEntry("/a"), NgEntry("/b")};
  for (auto& e : es) e.big_endian = true;
  ima::ReadOptions ro = BinOpt();
  ro.endian = ima::Endian::kBig;
  ImaReplayOptions opt;
  opt.endian = ima::Endian::kBig;
  auto r = ReplayImaBytes(AsBytes(Binary(es)), ro, opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->hashes_verified, 2u);
  EXPECT_EQ(HexOf(r->registers, RegisterId::Pcr(10), HashAlg::kSha1),
            ToHex(RefReplay(es, HashAlg::kSha1, 10).span()));
}

TEST(ImaReplayTest, ParseErrorsPropagateFromTheFile) {
  auto r = ReplayImaFile("/nonexistent/ima", {}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIo);
}

// The extend stage on a second thread gives the results of one thread, with
// small batches (many hand-offs), quoted targets and several PCRs.
TEST(ImaReplayThreadsTest, OneAndTwoThreadsAgree) {
  std::vector<TEntry> es;
  for (int i = 0; i < 500; ++i) {
    TEntry e = NgEntry("/p" + std::to_string(i), std::to_string(i));
    e.pcr = i % 50 == 7 ? 11 : 10;
    e.violation = i % 37 == 5;
    es.push_back(e);
  }
  std::vector<TEntry> first(es.begin(), es.begin() + 321);
  std::string log;
  for (const TEntry& e : es) log += e.Binary();
  for (bool with_targets : {false, true}) {
    std::vector<ImaReplayResult> results;
    for (int threads : {1, 2}) {
      ImaReplayOptions opt;
      opt.num_threads = threads;
      if (with_targets) opt.quoted.Set(RegisterId::Pcr(10), RefReplay(first, HashAlg::kSha256, 10));
      ima::ReadOptions ro;
      ro.format = ima::LogFormat::kBinary;
      ro.max_batch = 7;
      auto r = ReplayImaBytes(AsBytes(log), ro, opt);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      results.push_back(*r);
    }
    for (const ImaReplayResult& r : results) {
      EXPECT_EQ(HexOf(r.registers, RegisterId::Pcr(10), HashAlg::kSha256),
                ToHex(RefReplay(es, HashAlg::kSha256, 10).span()));
      EXPECT_EQ(HexOf(r.registers, RegisterId::Pcr(11), HashAlg::kSha1),
                ToHex(RefReplay(es, HashAlg::kSha1, 11).span()));
      EXPECT_EQ(r.violations, results[0].violations);
      if (with_targets) {
        ASSERT_EQ(r.prefix.size(), 1u);
        EXPECT_TRUE(r.prefix[0].found);
        EXPECT_EQ(r.prefix[0].matched_entries, 321u);
        EXPECT_EQ(r.prefix[0].added_after, 179u);
      }
    }
  }
}

// SM3 over `data` straight from OpenSSL: the expected values do not pass
// through the replay's own hashing code.
std::string OpenSslSm3(const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), out, &len, EVP_sm3(), nullptr), 1);
  return std::string(reinterpret_cast<const char*>(out), len);
}

// A per-bank list (ascii_runtime_measurements_sm3: the template hash column
// in SM3) whose entries name every digest algorithm kernels print, and one
// no table lists: every template hash checks in the SM3 bank without a
// --banks choice, and the unknown name's entry is replayed like the rest.
TEST(ImaReplayTest, PerBankSm3ListWithEveryKernelAlgorithmName) {
  std::vector<TEntry> es;
  const std::vector<std::pair<const char*, size_t>> algs = {
      {"sha1", 20},    {"sha256", 32},  {"sha384", 48},      {"sha512", 64},      {"sm3", 32},
      {"sm3-256", 32}, {"sm3_256", 32}, {"md5", 16},         {"rmd160", 20},      {"sha224", 28},
      {"wp512", 64},   {"tgr192", 24},  {"streebog256", 32}, {"streebog512", 64}, {"whirl-9", 40}};
  for (size_t i = 0; i < algs.size(); ++i) {
    TEntry e;
    e.fields = {DNg(algs[i].first, D(algs[i].second, uint8_t(i + 1))),
                Str("/f" + std::to_string(i))};
    es.push_back(e);
  }
  const std::string path = "/var/tmp/ascii_runtime_measurements_sm3";
  ASSERT_EQ(ima::ListedHashAlgOfFileName(path), HashAlg::kSm3_256);
  EXPECT_EQ(ima::ListedHashAlgOfFileName("/x/ascii_runtime_measurements_sha256"), HashAlg::kSha256);
  EXPECT_EQ(ima::ListedHashAlgOfFileName("/x/ascii_runtime_measurements"), std::nullopt);
  EXPECT_EQ(ima::ListedHashAlgOfFileName("/x/binary_runtime_measurements_sha384"),
            HashAlg::kSha384);

  std::string log;
  std::string expected(32, '\0');
  for (const TEntry& e : es) {
    std::string th = OpenSslSm3(e.TemplateData());
    expected = OpenSslSm3(expected + th);
    char pcr[8];
    std::snprintf(pcr, sizeof pcr, "%u", e.pcr);
    log += std::string(pcr) + " " + ToHex(AsBytes(th)) + " ima-ng " + e.fields[0].ascii + " " +
           e.fields[1].ascii + "\n";
  }
  ima::ReadOptions read;
  read.listed_hash_alg = ima::ListedHashAlgOfFileName(path);
  ImaReplayOptions o;
  o.banks = {HashAlg::kSm3_256};
  auto r = ReplayImaBytes(AsBytes(log), read, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->listed_alg, HashAlg::kSm3_256);
  EXPECT_EQ(r->hashes_verified, es.size());
  EXPECT_EQ(r->hashes_mismatched, 0u);
  EXPECT_EQ(HexOf(r->registers, RegisterId::Pcr(10), HashAlg::kSm3_256), ToHex(AsBytes(expected)));
  // Read as SHA-256 (no bank in the name), every template hash mismatches.
  auto wrong = ReplayImaBytes(AsBytes(log), ima::ReadOptions{}, o);
  ASSERT_TRUE(wrong.ok()) << wrong.status().ToString();
  EXPECT_EQ(wrong->hashes_mismatched, es.size());
}

}  // namespace
}  // namespace ccv::replay
