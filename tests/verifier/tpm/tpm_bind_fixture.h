// Test helpers for TPM quotes in `verify`: bundles of the repository's own
// synthetic TCG log (and IMA list) with quotes over its PCRs signed by keys
// made on the spot, verified through the pipeline.
#ifndef CCV_TESTS_VERIFIER_TPM_TPM_BIND_FIXTURE_H_
#define CCV_TESTS_VERIFIER_TPM_TPM_BIND_FIXTURE_H_

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/chunked_source.h"
#include "parsers/core/hex.h"
#include "policies/evaluator.h"
#include "policies/policy_parser.h"
#include "tests/testing/corpus.h"
#include "tests/testing/tpm_builder.h"
#include "tests/verifier/pipeline/bundle_fixture.h"
#include "tests/verifier/tpm/tpm_test_util.h"
#include "verifier/bundle/evidence.h"
#include "verifier/bundle/evidence_file.h"
#include "verifier/crypto/digest.h"
#include "verifier/pipeline/verify.h"
#include "verifier/replay/tcg_replay.h"
#include "verifier/tpm/ak.h"

namespace ccv::pipeline::tpm_bind {

namespace fs = std::filesystem;
namespace tb = ccv::testing;
using result::Facts;
using result::Verdict;

inline const fs::path kLog = tb::SourceDir() / "corpus/tcg/synthetic-agile-3banks-locality3.bin";
inline const fs::path kIma = tb::SourceDir() / "corpus/ima/valid/gen-mixed-200.ascii";
inline const std::vector<uint8_t> kNonce = {0xc0, 0xff, 0xee, 0x01};

inline tpm::PcrValues ReplayPcrs(const fs::path& log) {
  auto file = bundle::OpenFileSource(log.string());
  EXPECT_TRUE(file.ok());
  parsers::ChunkedSource src(file->get());
  auto r = replay::ReplayTcgLog(&src, replay::RegisterSpace::kTpmPcr);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return tpm::PcrValuesFromRegisters(r->registers);
}

// A quote of `values` over `pcrs` in every bank of `values`, one quote per
// bank, signed RSASSA-SHA256 by `key`.
struct QuoteSet {
  std::vector<std::vector<uint8_t>> attest, sig;
};
inline QuoteSet MakeQuotes(EVP_PKEY* key, const tpm::PcrValues& values,
                           const std::vector<uint32_t>& pcrs, const std::vector<uint8_t>& nonce) {
  QuoteSet q;
  for (const auto& [bank, banked] : values.banks()) {
    crypto::Hasher h;
    h.Init(HashAlg::kSha256);
    for (uint32_t i : pcrs) {
      std::optional<Digest> d = values.Get(bank, i);
      Digest v = d ? *d : tpm::InitialPcrValue(bank, i);
      h.Update(v.span());
    }
    Digest digest = h.Final();
    auto attest =
        tb::QuoteAttest(nonce, {{bank, pcrs}}, {digest.span().begin(), digest.span().end()});
    q.sig.push_back(tb::SignQuote(key, tb::tpmf::kAlgRsaSsa, HashAlg::kSha256, attest));
    q.attest.push_back(std::move(attest));
  }
  return q;
}

inline std::vector<uint32_t> Extended(const tpm::PcrValues& v) {
  std::set<uint32_t> s;
  for (const auto& [bank, pcrs] : v.banks()) {
    for (const auto& [i, d] : pcrs) s.insert(i);
  }
  return {s.begin(), s.end()};
}

// A bundle of the synthetic log (and optionally the IMA list) with quotes.
struct Bundle {
  tb::TempDir dir{"tpmbind"};
  tb::TestKey key = tb::GenerateRsaKey();
  std::vector<uint8_t> ak;

  // `extra_members`: more members of evidence.json's "tpm" object.
  // `listed`: the quoted PCR values, written as the bundle's tpm.pcrs.
  void Write(const QuoteSet& q, bool ima, const std::string& extra_members = "",
             const tpm::PcrValues* listed = nullptr) {
    fs::copy_file(kLog, dir.path() / "log.bin", fs::copy_options::overwrite_existing);
    if (ima) fs::copy_file(kIma, dir.path() / "ima.ascii", fs::copy_options::overwrite_existing);
    testing::WriteAll(dir.path() / "ak.pub", ak);
    std::string quotes;
    for (size_t i = 0; i < q.attest.size(); ++i) {
      std::string n = std::to_string(i);
      testing::WriteAll(dir.path() / ("q" + n + ".attest"), q.attest[i]);
      testing::WriteAll(dir.path() / ("q" + n + ".sig"), q.sig[i]);
      quotes += std::string(i ? "," : "") + "{\"attest\":\"q" + n + ".attest\",\"signature\":\"q" +
                n + ".sig\"}";
    }
    std::string json = "{\"version\":1,\"tpm_eventlog\":\"log.bin\",";
    if (ima) json += "\"ima\":{\"path\":\"ima.ascii\",\"register\":\"pcr10\"},";
    if (listed != nullptr) {
      std::ofstream(dir.path() / "pcrs.json") << tpm::testing::PcrValuesJson(*listed);
    }
    json += "\"tpm\":{\"quotes\":[" + quotes + "],\"ak\":\"ak.pub\"" + extra_members +
            (listed != nullptr ? ",\"pcrs\":\"pcrs.json\"" : "") + "}}";
    std::ofstream(dir.path() / "evidence.json") << json;
  }

  // Sets the AK to `key`'s and writes the synthetic log with quotes of every
  // PCR it extends, carrying kNonce; returns the log's replayed PCR values.
  tpm::PcrValues WriteQuotedLog() {
    ak = tb::TpmtPublicOf(key.get());
    tpm::PcrValues pcrs = ReplayPcrs(kLog);
    Write(MakeQuotes(key.get(), pcrs, Extended(pcrs), kNonce), false);
    return pcrs;
  }
};

inline std::string Fingerprint(const std::vector<uint8_t>& ak) {
  auto loaded = tpm::LoadAk(ak);
  EXPECT_TRUE(loaded.ok());
  return tpm::AkFingerprint(*loaded);
}

inline policy::Policy PolicyPinning(const std::string& fingerprint, const std::string& more = "") {
  // The synthetic log carries records whose digests no convention explains.
  auto p = policy::ParsePolicy(
      "apiVersion: ccverify/v1\nlogs: {unexplained_digests: warn}\n"
      "tpm:\n  ak: \"sha256:" +
      fingerprint + "\"\n" + more);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return *p;
}

inline Result<Verification> VerifyBundle(const Bundle& b, const policy::Policy* pol,
                                         std::optional<std::vector<uint8_t>> nonce = kNonce) {
  CCV_ASSIGN_OR_RETURN(bundle::Evidence e, bundle::LoadEvidenceDir(b.dir.path().string()));
  VerifyOptions o;
  o.at = Time(1735689600);
  o.tpm_nonce = std::move(nonce);
  return Verify(e, o, pol);
}

inline const result::Check* FindCheck(const Facts& f, const std::string& id) {
  for (const result::Check& c : f.checks) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

inline std::string StatusOf(const Facts& f, const std::string& id) {
  const result::Check* c = FindCheck(f, id);
  return c ? result::VerdictName(c->status) : "absent";
}

inline const result::LogFact* FindLog(const Facts& f, const std::string& name) {
  for (const result::LogFact& l : f.logs) {
    if (l.name == name) return &l;
  }
  return nullptr;
}

inline uint64_t BoundEvents(const Facts& f, const std::string& log) {
  uint64_t n = 0;
  for (const result::EventFact& e : f.events) n += e.log == log && e.bound;
  return n;
}

}  // namespace ccv::pipeline::tpm_bind

#endif  // CCV_TESTS_VERIFIER_TPM_TPM_BIND_FIXTURE_H_
