// `ccverify tpm verify` as a user meets it: exit codes 0/1/2/3, text and
// JSON output, errors naming the file and offset.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"
#include "tests/verifier/tpm/tpm_test_util.h"
#include "verifier/report/schema_version.h"

namespace ccv::tpm {
namespace {

namespace fs = std::filesystem;

class TpmCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto corpus = ccv::testing::CorpusDir();
    if (!corpus) GTEST_SKIP() << "shared corpus not found (set CCV_CORPUS); skipping";
    corpus_ = *corpus;
    dir_ = fs::temp_directory_path() / ("ccv_tpm_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    fs::path g = corpus_ / "tpm/gce-cos-85";
    PcrValues pcrs;
    testing::AddPcrListing(g / "quote0.pcrs.txt", HashAlg::kSha1, &pcrs);
    testing::AddPcrListing(g / "quote1.pcrs.txt", HashAlg::kSha256, &pcrs);
    testing::AddPcrListing(g / "quote2.pcrs.txt", HashAlg::kSha384, &pcrs);
    std::ofstream(dir_ / "pcrs.json") << testing::PcrValuesJson(pcrs);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  std::string GceArgs(const std::string& nonce = "9009") const {
    fs::path g = corpus_ / "tpm/gce-cos-85";
    std::string a = "tpm verify";
    for (int i = 0; i < 3; ++i) {
      std::string n = "quote" + std::to_string(i);
      a += " --attest " + ccv::testing::Quote(g / (n + ".tpms_attest.bin")) + " --signature " +
           ccv::testing::Quote(g / (n + ".tpmt_signature.bin"));
    }
    a += " --ak " + ccv::testing::Quote(g / "ak_cert.der") + " --ak-root " +
         ccv::testing::Quote(corpus_ / "tpm/ca/tpm_ek_intermediate_2.crt") + " --ak-root " +
         ccv::testing::Quote(corpus_ / "tpm/ca/tpm_ek_root_1.cer") + " --nonce " + nonce +
         " --tpm-log " + ccv::testing::Quote(g / "event_log.bin") + " --pcrs " +
         ccv::testing::Quote(dir_ / "pcrs.json") + " --at 2025-01-01T00:00:00Z";
    return a;
  }

  fs::path corpus_, dir_;
};

TEST_F(TpmCliTest, GcePassesAsTextAndJson) {
  auto r = ccv::testing::RunCcverify(GceArgs());
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("verdict: pass"), std::string::npos);
  auto j = ccv::testing::RunCcverify(GceArgs() + " --json");
  ASSERT_EQ(j.code, 0) << j.err;
  rapidjson::Document doc;
  doc.Parse(j.out.c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_STREQ(doc["schema_version"].GetString(), report::kJsonSchemaVersion);
  EXPECT_STREQ(doc["verdict"].GetString(), "pass");
  EXPECT_STREQ(doc["ak"]["trust"].GetString(), "chain");
  EXPECT_EQ(doc["quotes"].Size(), 3u);
  EXPECT_TRUE(doc["checks"].IsArray());
  EXPECT_TRUE(doc["quoted_pcrs"].HasMember("sha384"));
}

TEST_F(TpmCliTest, WrongNonceExitsOne) {
  auto r = ccv::testing::RunCcverify(GceArgs("9008") + " --json");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.out.find("\"quote0.nonce\",\"status\":\"fail\""), std::string::npos) << r.out;
}

TEST_F(TpmCliTest, TrailingByteIsAnInputErrorNamingFileAndOffset) {
  fs::path g = corpus_ / "tpm/gce-cos-85";
  fs::copy_file(g / "quote0.tpms_attest.bin", dir_ / "attest.bin");
  std::ofstream(dir_ / "attest.bin", std::ios::app) << 'x';
  auto r = ccv::testing::RunCcverify("tpm verify --attest " +
                                     ccv::testing::Quote(dir_ / "attest.bin") + " --signature " +
                                     ccv::testing::Quote(g / "quote0.tpmt_signature.bin") +
                                     " --ak " + ccv::testing::Quote(g / "ak_cert.der"));
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("attest.bin"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("offset 115"), std::string::npos) << r.err;
}

TEST_F(TpmCliTest, UsageErrorsExitTwo) {
  ::ccv::testing::ExpectExitCode(
      2, {"tpm verify --attest x", "tpm verify --attest a --attest b --signature s --ak k",
          "tpm verify --attest a --signature s --ak k --nonce xyz"});
  EXPECT_EQ(ccv::testing::RunCcverify("tpm verify --help").code, 0);
}

TEST_F(TpmCliTest, MissingFileIsAnInputError) {
  auto r =
      ccv::testing::RunCcverify("tpm verify --attest /nonexistent --signature /nonexistent --ak " +
                                ccv::testing::Quote(corpus_ / "tpm/gce-cos-85/ak_cert.der"));
  EXPECT_EQ(r.code, 3);
}

// `replay --tpm-quote`: the Windows Shielded VM quote (sha1, PCR0-23) against
// the replay of its own log; another log's replay, or a changed byte of the
// quote, exits 1 naming the check.
TEST_F(TpmCliTest, ReplayComparesTheTpmQuoteWithTheReplay) {
  fs::path w = corpus_ / "tpm/windows-gce-shielded-vm";
  const std::string quote = " --tpm-quote " + (w / "quote.tpms_attest.bin").string() + ":" +
                            (w / "quote.tpmt_signature.bin").string() + " --ak " +
                            ccv::testing::Quote(w / "ak_public.tpmt_public.bin");
  auto r = ccv::testing::RunCcverify("replay --tpm-log " + ccv::testing::Quote(w / "eventlog.bin") +
                                     quote);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("tpm quote0.pcr_digest: PASS"), std::string::npos) << r.out;
  auto j = ccv::testing::RunCcverify("replay --tpm-log " + ccv::testing::Quote(w / "eventlog.bin") +
                                     quote + " --json");
  ASSERT_EQ(j.code, 0) << j.err;
  rapidjson::Document doc;
  doc.Parse(j.out.c_str());
  ASSERT_FALSE(doc.HasParseError());
  ASSERT_TRUE(doc.HasMember("tpm_quote_checks"));
  EXPECT_EQ(doc["tpm_quote_checks"].Size(), 3u);

  // Another boot's log does not give the quoted PCRs.
  r = ccv::testing::RunCcverify(
      "replay --tpm-log " + ccv::testing::Quote(corpus_ / "tpm/gce-cos-85/event_log.bin") + quote);
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("tpm quote0.pcr_digest: FAIL"), std::string::npos) << r.out;

  // A changed byte of the attestation fails the signature.
  fs::copy_file(w / "quote.tpms_attest.bin", dir_ / "w.attest");
  {
    std::fstream f(dir_ / "w.attest", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40);
    f.put('\x7f');
  }
  r = ccv::testing::RunCcverify("replay --tpm-log " + ccv::testing::Quote(w / "eventlog.bin") +
                                " --tpm-quote " + (dir_ / "w.attest").string() + ":" +
                                (w / "quote.tpmt_signature.bin").string() + " --ak " +
                                ccv::testing::Quote(w / "ak_public.tpmt_public.bin"));
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("tpm quote0.signature: FAIL"), std::string::npos) << r.out;

  // Usage: no --ak, no ':'.
  EXPECT_EQ(ccv::testing::RunCcverify("replay --tpm-log " +
                                      ccv::testing::Quote(w / "eventlog.bin") + " --tpm-quote a:b")
                .code,
            2);
  EXPECT_EQ(
      ccv::testing::RunCcverify("replay --tpm-log " + ccv::testing::Quote(w / "eventlog.bin") +
                                " --tpm-quote ab --ak x")
          .code,
      2);
}

// `verify` with the quote as flags and the AK pinned by the policy: the
// Windows log is bound; without the pin it is not.
TEST_F(TpmCliTest, VerifyBindsTheWindowsLogWithAPinnedAk) {
  fs::path w = corpus_ / "tpm/windows-gce-shielded-vm";
  const std::string args =
      "verify --tpm-log " + ccv::testing::Quote(w / "eventlog.bin") + " --tpm-attest " +
      ccv::testing::Quote(w / "quote.tpms_attest.bin") + " --tpm-signature " +
      ccv::testing::Quote(w / "quote.tpmt_signature.bin") + " --tpm-ak " +
      ccv::testing::Quote(w / "ak_public.tpmt_public.bin") + " --tpm-nonce '' --format json";
  auto r = ccv::testing::RunCcverify(args);
  EXPECT_EQ(r.code, 1) << r.err;
  rapidjson::Document doc;
  doc.Parse(r.out.c_str());
  ASSERT_FALSE(doc.HasParseError()) << r.out;
  EXPECT_STREQ(doc["tpm"]["ak_trust"].GetString(), "none");
  const std::string fp = doc["tpm"]["ak_fingerprint"].GetString();
  ASSERT_EQ(fp.size(), 64u);
  // Pin the fingerprint the report gave (SHA-256 of the AK's DER public key).
  std::ofstream(dir_ / "policy.yaml") << "apiVersion: ccverify/v1\n"
                                      << "logs: {unexplained_digests: warn}\n"
                                      << "tpm:\n  ak: \"sha256:" << fp << "\"\n"
                                      << "pcrs:\n  must_match_quote: [pcr0, pcr7]\n";
  r = ccv::testing::RunCcverify(args + " --policy " + ccv::testing::Quote(dir_ / "policy.yaml"));
  doc.Parse(r.out.c_str());
  ASSERT_FALSE(doc.HasParseError()) << r.out;
  EXPECT_STREQ(doc["tpm"]["ak_trust"].GetString(), "pinned");
  EXPECT_TRUE(doc["tpm"]["verified"].GetBool());
  bool tpm_bound = false;
  for (const auto& l : doc["logs"].GetArray()) {
    if (std::string(l["name"].GetString()) == "tpm") tpm_bound = l["bound"].GetBool();
  }
  EXPECT_TRUE(tpm_bound) << r.out;
  EXPECT_EQ(r.code, 0) << r.out;
}

// `dump` decodes the TPM quote structures and the Azure HCL report; the
// runtime data's hash is the corpus manifest's value, computed independently.
TEST_F(TpmCliTest, DumpDecodesAttestAndHclReport) {
  fs::path az = corpus_ / "azure/tdx-vtpm";
  if (!fs::exists(az / "hcl-report.bin")) GTEST_SKIP() << "azure/tdx-vtpm absent";
  auto r =
      ccv::testing::RunCcverify("dump " + ccv::testing::Quote(az / "hcl-report.bin") + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  rapidjson::Document doc;
  doc.Parse(r.out.c_str());
  ASSERT_FALSE(doc.HasParseError()) << r.out;
  EXPECT_STREQ(doc["format"].GetString(), "hcl-report");
  EXPECT_STREQ(doc["runtime_data"]["sha256"].GetString(),
               "9734504f161d104c74e3165c15f779b06a9bb40dfa71937817d7eee68e593839");
  EXPECT_STREQ(doc["binding"]["status"].GetString(), "pass");
  EXPECT_TRUE(doc["runtime_data"]["secure_boot"].GetBool());
  EXPECT_STREQ(doc["runtime_data"]["vm_unique_id"].GetString(),
               "6332533D-5649-4D02-8AA7-8F64B7C3EE21");
  r = ccv::testing::RunCcverify(
      "dump " + ccv::testing::Quote(corpus_ / "tpm/gce-cos-85/quote1.tpms_attest.bin") + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  doc.Parse(r.out.c_str());
  ASSERT_FALSE(doc.HasParseError()) << r.out;
  EXPECT_STREQ(doc["format"].GetString(), "tpm-attest");
  EXPECT_STREQ(doc["attest"]["extra_data"].GetString(), "9009");
  // A truncated attestation is an input error naming the file.
  auto bytes = ccv::testing::ReadAll(corpus_ / "tpm/gce-cos-85/quote1.tpms_attest.bin");
  bytes.resize(40);
  std::ofstream(dir_ / "short.attest", std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  r = ccv::testing::RunCcverify("dump " + ccv::testing::Quote(dir_ / "short.attest"));
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("short.attest"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ccv::tpm
