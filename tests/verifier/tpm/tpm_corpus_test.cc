// The real TPM quotes of the shared corpus (tpm/README in the manifest): the
// GCE COS vTPM (three banks, nonce 9009, AK certificate chaining to the GCE
// CA) and the Windows GCE Shielded VM (RSASSA-SHA1, AK as TPMT_PUBLIC) verify
// against their PCR values and event logs, and every single-byte change of
// quote, signature, AK or PCR value is rejected by the check it concerns.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/chunked_source.h"
#include "parsers/core/hex.h"
#include "tests/testing/corpus.h"
#include "tests/verifier/tpm/tpm_test_util.h"
#include "verifier/bundle/evidence_file.h"
#include "verifier/replay/tcg_replay.h"
#include "verifier/tpm/quote_verify.h"

namespace ccv::tpm {
namespace {

namespace fs = std::filesystem;

PcrValues ReplayLog(const fs::path& path) {
  auto file = bundle::OpenFileSource(path.string());
  EXPECT_TRUE(file.ok());
  parsers::ChunkedSource src(file->get());
  auto r = replay::ReplayTcgLog(&src, replay::RegisterSpace::kTpmPcr);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return PcrValuesFromRegisters(r->registers);
}

const Check* Find(const TpmVerification& v, const std::string& id) {
  for (const Check& c : v.checks) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

std::string Failed(const TpmVerification& v) {
  std::string out;
  for (const Check& c : v.checks) {
    if (c.status == CheckStatus::kFail) out += c.id + " ";
  }
  return out;
}

bool Fails(const TpmVerification& v, const std::string& id) {
  const Check* c = Find(v, id);
  return c != nullptr && c->status == CheckStatus::kFail;
}

// One evidence set held in memory, so tests can mutate any file.
struct Evidence {
  std::vector<std::vector<uint8_t>> attest, sig;
  std::vector<uint8_t> ak;
  std::shared_ptr<std::vector<crypto::Certificate>> roots =
      std::make_shared<std::vector<crypto::Certificate>>();
  std::vector<uint8_t> nonce;
  PcrValues pcrs, log;
  Time at = Time(1735689600);  // 2025-01-01

  // nullopt when the AK does not load; else the verification (or its error).
  std::optional<Result<TpmVerification>> Verify(bool with_pcrs = true, bool with_log = true) const {
    auto loaded = LoadAk(ak);
    if (!loaded.ok()) return std::nullopt;
    std::vector<QuoteInput> q;
    for (size_t i = 0; i < attest.size(); ++i) {
      q.push_back({"attest" + std::to_string(i), attest[i], "sig" + std::to_string(i), sig[i]});
    }
    VerifyOptions o;
    o.nonce = nonce;
    o.pcrs = with_pcrs ? &pcrs : nullptr;
    o.log_pcrs = with_log ? &log : nullptr;
    o.ak_roots = *roots;
    o.at = at;
    return VerifyTpmQuotes(*loaded, q, o);
  }
};

std::optional<Evidence> Gce(bool cert_ak = true) {
  auto corpus = ccv::testing::CorpusDir();
  if (!corpus) return std::nullopt;
  fs::path d = *corpus / "tpm/gce-cos-85";
  Evidence e;
  const HashAlg banks[] = {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384};
  for (int i = 0; i < 3; ++i) {
    std::string n = "quote" + std::to_string(i);
    e.attest.push_back(ccv::testing::ReadAll(d / (n + ".tpms_attest.bin")));
    e.sig.push_back(ccv::testing::ReadAll(d / (n + ".tpmt_signature.bin")));
    testing::AddPcrListing(d / (n + ".pcrs.txt"), banks[i], &e.pcrs);
  }
  e.ak = ccv::testing::ReadAll(d / (cert_ak ? "ak_cert.der" : "ak_pub.tpmt_public.bin"));
  if (cert_ak) {
    for (const char* ca : {"tpm/ca/tpm_ek_intermediate_2.crt", "tpm/ca/tpm_ek_root_1.cer"}) {
      auto certs = LoadCertificates(ccv::testing::ReadAll(*corpus / ca));
      EXPECT_TRUE(certs.ok()) << ca << ": " << certs.status().ToString();
      for (auto& c : *certs) e.roots->push_back(std::move(c));
    }
  }
  e.nonce = {0x90, 0x09};
  e.log = ReplayLog(d / "event_log.bin");
  return e;
}

std::optional<Evidence> Windows() {
  auto corpus = ccv::testing::CorpusDir();
  if (!corpus) return std::nullopt;
  fs::path d = *corpus / "tpm/windows-gce-shielded-vm";
  Evidence e;
  e.attest.push_back(ccv::testing::ReadAll(d / "quote.tpms_attest.bin"));
  e.sig.push_back(ccv::testing::ReadAll(d / "quote.tpmt_signature.bin"));
  e.ak = ccv::testing::ReadAll(d / "ak_public.tpmt_public.bin");
  e.log = ReplayLog(d / "eventlog.bin");
  // The quoted PCR values of expected.json equal this listing: pcr0..23.
  const char* hex[24] = {
      "51c323de0c0c694f4601cdd02beb58ff13629f74", "0000000000000000000000000000000000000000",
      "0000000000000000000000000000000000000000", "0000000000000000000000000000000000000000",
      "0ca4b4a4784bf4eed9c3556aba1dac5585a5951a", "2b022297d4f1e0101c8c986be229c8dd0350514d",
      "0000000000000000000000000000000000000000", "859a5877266b5c909613468091a73380a5386786",
      "0000000000000000000000000000000000000000", "0000000000000000000000000000000000000000",
      "0000000000000000000000000000000000000000", "ebb98df76613280f20dc38221143a9e727399486",
      "75f3e16b6ef0b455282ed8fbbdfcc3da9abd241d", "383de79fbdde6296205e2afe44800e0c053fc82f",
      "275a689f9d5f8244a4b999fabe600c5816be5511", "0000000000000000000000000000000000000000",
      "0000000000000000000000000000000000000000", "ffffffffffffffffffffffffffffffffffffffff",
      "ffffffffffffffffffffffffffffffffffffffff", "ffffffffffffffffffffffffffffffffffffffff",
      "ffffffffffffffffffffffffffffffffffffffff", "ffffffffffffffffffffffffffffffffffffffff",
      "ffffffffffffffffffffffffffffffffffffffff", "0000000000000000000000000000000000000000"};
  for (uint32_t i = 0; i < 24; ++i) {
    Digest d1 = Digest::Zero(HashAlg::kSha1);
    EXPECT_TRUE(DecodeHexInto(hex[i], d1.mutable_span()));
    e.pcrs.Set(i, d1);
  }
  return e;
}

#define CCV_REQUIRE(opt) \
  if (!(opt)) GTEST_SKIP() << "shared corpus not found (set CCV_CORPUS); skipping"

TEST(TpmCorpusTest, GceThreeBanksVerifyWithChainAndLog) {
  auto e = Gce();
  CCV_REQUIRE(e);
  auto v = *e->Verify();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->pass) << Failed(*v);
  EXPECT_EQ(v->ak_trust.mode, "chain");
  EXPECT_EQ(v->ak_trust.chain.size(), 3u);
  EXPECT_EQ(v->quotes.size(), 3u);
  EXPECT_EQ(Find(*v, "quote2.log")->status, CheckStatus::kPass);
  EXPECT_EQ(Find(*v, "log.coverage")->status, CheckStatus::kPass);
  // PCR0 sha384 of expected.json is authenticated.
  EXPECT_EQ(ToHex(v->quoted_pcrs.Get(HashAlg::kSha384, 0)->span()),
            "46ce251b0b5b3da7917c5eb7a72e6e88f8f830445b149937921b095c1fd628db691963861c1153"
            "aba9c7097ff1c747f9");
}

TEST(TpmCorpusTest, GceWithPinnedTpmtPublic) {
  auto e = Gce(false);
  CCV_REQUIRE(e);
  auto v = *e->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->pass) << Failed(*v);
  EXPECT_EQ(v->ak_trust.mode, "pinned");
  EXPECT_EQ(Find(*v, "ak.attributes")->status, CheckStatus::kPass);
}

TEST(TpmCorpusTest, GceLogAloneCannotMatchPcr10) {
  // All 24 PCRs are quoted; PCR10 holds IMA extends the firmware log lacks,
  // so the digest over replayed values cannot match without --pcrs.
  auto e = Gce();
  CCV_REQUIRE(e);
  auto v = *e->Verify(/*with_pcrs=*/false);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->pass);
  EXPECT_TRUE(Fails(*v, "quote1.pcr_digest"));
  EXPECT_TRUE(Fails(*v, "log.coverage"));
}

TEST(TpmCorpusTest, GceCertificateExpiredOrWrongRoot) {
  auto e = Gce();
  CCV_REQUIRE(e);
  e->at = Time(1577836800);  // 2020-01-01, before the AK certificate
  auto v = *e->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(Fails(*v, "ak.trust"));
  e = Gce();
  e->roots->erase(e->roots->begin());  // only the root: no path
  v = *e->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(Fails(*v, "ak.trust")) << Failed(*v);
}

TEST(TpmCorpusTest, WindowsVerifiesWithPcrsAndWithLogAlone) {
  auto e = Windows();
  CCV_REQUIRE(e);
  auto v = *e->Verify();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->pass) << Failed(*v);
  EXPECT_EQ(v->quotes[0].signature.hash, HashAlg::kSha1);
  EXPECT_EQ(ToHex(v->ak_name).substr(0, 4), "000b");
  auto w = *e->Verify(/*with_pcrs=*/false);
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(w->pass) << Failed(*w);
}

TEST(TpmCorpusTest, WrongNonceFails) {
  auto e = Gce();
  CCV_REQUIRE(e);
  e->nonce = {0x90, 0x0a};
  auto v = *e->Verify();
  ASSERT_TRUE(v.ok());
  // A quote with another nonce authenticates no PCR: the log is uncovered.
  EXPECT_EQ(Failed(*v), "quote0.nonce quote1.nonce quote2.nonce log.coverage ");
  EXPECT_TRUE(v->quoted_pcrs.empty());
}

// Every byte of every file, flipped (XOR 0x01), is rejected: the file does
// not parse, or the check the byte belongs to fails.
void MutateAll(Evidence base, const char* what) {
  auto run = [&](const Evidence& e, const std::string& where, const std::vector<std::string>& ids) {
    auto r = e.Verify();
    if (!r) return;        // AK does not load
    if (!r->ok()) return;  // a parse error of the quote
    bool hit = false;
    for (const std::string& id : ids) hit = hit || Fails(**r, id);
    EXPECT_TRUE(hit) << what << " " << where << ": failed [" << Failed(**r) << "]";
  };
  for (size_t q = 0; q < base.attest.size(); ++q) {
    std::string sig_id = "quote" + std::to_string(q) + ".signature";
    for (size_t i = 0; i < base.attest[q].size(); ++i) {
      Evidence e = base;
      e.attest[q][i] ^= 1;
      run(e, "attest" + std::to_string(q) + "[" + std::to_string(i) + "]", {sig_id});
    }
    for (size_t i = 0; i < base.sig[q].size(); ++i) {
      Evidence e = base;
      e.sig[q][i] ^= 1;
      run(e, "sig" + std::to_string(q) + "[" + std::to_string(i) + "]", {sig_id});
    }
  }
  std::vector<std::string> ak_ids = {"ak.trust", "ak.attributes"};
  for (size_t q = 0; q < base.attest.size(); ++q) {
    ak_ids.push_back("quote" + std::to_string(q) + ".signature");
  }
  // A TPMT_PUBLIC's authPolicy (bytes 10.. after its u16 size at 8) does not
  // enter the signature: a change there yields another AK Name, which is what
  // a pin of the Name compares; nothing else may pass.
  auto base_ak = LoadAk(base.ak);
  ASSERT_TRUE(base_ak.ok());
  size_t policy_end = base_ak->tpm_public ? 10 + base_ak->tpm_public->auth_policy.size() : 0;
  for (size_t i = 0; i < base.ak.size(); ++i) {
    Evidence e = base;
    e.ak[i] ^= 1;
    if (i >= 10 && i < policy_end) {
      auto r = e.Verify();
      ASSERT_TRUE(r && r->ok());
      EXPECT_NE((*r)->ak_name, base_ak->name) << what << " ak[" << i << "]";
      continue;
    }
    run(e, "ak[" + std::to_string(i) + "]", ak_ids);
  }
  for (const auto& [bank, pcrs] : base.pcrs.banks()) {
    size_t q = 0;
    for (; q < base.attest.size(); ++q) {
      auto a = parsers::ParseTpmAttest(base.attest[q]);
      if (a.ok() && a->pcr_select[0].hash == bank) break;
    }
    for (const auto& [index, d] : pcrs) {
      for (size_t byte = 0; byte < d.len; byte += d.len - 1) {
        Evidence e = base;
        Digest m = d;
        m.bytes[byte] ^= 1;
        e.pcrs.Set(index, m);
        run(e, std::string(HashAlgName(bank)) + " pcr" + std::to_string(index),
            {"quote" + std::to_string(q) + ".pcr_digest"});
      }
    }
  }
}

TEST(TpmCorpusTest, GceEveryMutatedByteIsRejected) {
  auto e = Gce();
  CCV_REQUIRE(e);
  MutateAll(std::move(*e), "gce-cert");
}

TEST(TpmCorpusTest, GcePinnedAkEveryMutatedByteIsRejected) {
  auto e = Gce(false);
  CCV_REQUIRE(e);
  // The AK alone: quotes and PCRs are covered above.
  Evidence base = std::move(*e);
  for (size_t i = 0; i < base.ak.size(); ++i) {
    Evidence m = base;
    m.ak[i] ^= 1;
    auto r = m.Verify();
    if (!r || !r->ok()) continue;
    EXPECT_FALSE((*r)->pass) << "ak[" << i << "]";
  }
}

TEST(TpmCorpusTest, WindowsEveryMutatedByteIsRejected) {
  auto e = Windows();
  CCV_REQUIRE(e);
  MutateAll(std::move(*e), "windows");
}

}  // namespace
}  // namespace ccv::tpm
