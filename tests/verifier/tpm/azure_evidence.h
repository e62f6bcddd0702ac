// Test helper: the Azure TDX vTPM evidence of the shared corpus
// (azure/tdx-vtpm): HCL report, TD quote, the vTPM quote's TPMS_ATTEST and
// TPMT_SIGNATURE (the corpus JSON holds the bare RSASSA signature; a TPM
// writes it as a TPMT_SIGNATURE) and the 24 quoted sha256 PCRs; and that
// evidence written as a bundle (tpm.hcl_report, docs/json.md).
#ifndef CCV_TESTS_VERIFIER_TPM_AZURE_EVIDENCE_H_
#define CCV_TESTS_VERIFIER_TPM_AZURE_EVIDENCE_H_

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/hex.h"
#include "tests/testing/corpus.h"
#include "tests/testing/tpm_builder.h"
#include "tests/verifier/tpm/tpm_test_util.h"
#include "verifier/tpm/pcr_values.h"

namespace ccv::tpm::testing {

// extraData of the corpus's vTPM quote: "challenge".
inline const std::vector<uint8_t> kAzureNonce = {'c', 'h', 'a', 'l', 'l', 'e', 'n', 'g', 'e'};

struct Azure {
  std::vector<uint8_t> hcl, td_quote, attest, sig;
  PcrValues pcrs;
};

// nullopt where the corpus set is absent.
inline std::optional<Azure> LoadAzure() {
  auto corpus = ccv::testing::CorpusDir();
  if (!corpus) return std::nullopt;
  std::filesystem::path d = *corpus / "azure/tdx-vtpm";
  if (!std::filesystem::exists(d / "hcl-report.bin")) return std::nullopt;
  Azure a;
  a.hcl = ccv::testing::ReadAll(d / "hcl-report.bin");
  a.td_quote = ccv::testing::ReadAll(d / "td-quote.bin");
  auto json = ccv::testing::ReadAll(d / "tpm-quote-v1.json");
  rapidjson::Document doc;
  doc.Parse(reinterpret_cast<const char*>(json.data()), json.size());
  EXPECT_FALSE(doc.HasParseError());
  a.attest = *FromHex(doc["message"].GetString());
  std::vector<uint8_t> raw = *FromHex(doc["signature"].GetString());
  ccv::testing::TpmWriter w;
  a.sig = w.U16(0x0014).U16(0x000b).B(raw).bytes();
  for (rapidjson::SizeType i = 0; i < doc["pcrs"].Size(); ++i) {
    Digest v = Digest::Zero(HashAlg::kSha256);
    EXPECT_TRUE(DecodeHexInto(doc["pcrs"][i].GetString(), v.mutable_span()));
    a.pcrs.Set(i, v);
  }
  return a;
}

inline void WriteFileBytes(const std::filesystem::path& p, const std::vector<uint8_t>& b) {
  std::ofstream(p, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}

// Writes `a` into `dir` as a bundle: the TD quote as `quote`, the vTPM
// quote, its PCR values and the HCL report under `tpm`; `tpm_members`
// adds members to the `tpm` object (",\"ak\":\"ak.pem\"").
inline void WriteAzureBundle(const Azure& a, const std::filesystem::path& dir,
                             const std::string& tpm_members = "") {
  WriteFileBytes(dir / "hcl-report.bin", a.hcl);
  WriteFileBytes(dir / "td-quote.bin", a.td_quote);
  WriteFileBytes(dir / "vtpm.attest", a.attest);
  WriteFileBytes(dir / "vtpm.sig", a.sig);
  std::ofstream(dir / "pcrs.json") << PcrValuesJson(a.pcrs);
  std::ofstream(dir / "evidence.json")
      << "{\"version\":1,\"tee\":\"tdx\",\"quote\":\"td-quote.bin\",\"tpm\":{\"quotes\":"
         "[{\"attest\":\"vtpm.attest\",\"signature\":\"vtpm.sig\"}],\"pcrs\":\"pcrs.json\","
         "\"hcl_report\":\"hcl-report.bin\""
      << tpm_members << "}}";
}

}  // namespace ccv::tpm::testing

#endif  // CCV_TESTS_VERIFIER_TPM_AZURE_EVIDENCE_H_
