// ccverify containers: the JSON of docs/json.md, exit codes, and the quote binding
// check from --report-data or a TDX quote's REPORTDATA.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"
#include "tests/testing/quote_builder.h"
#include "tests/verifier/containers/generated_lists.h"
#include "verifier/containers/binding.h"

namespace ccv::containers {
namespace {

namespace fs = std::filesystem;

constexpr char kList[] = "ima/cima-container-pod.ima-cgpath.derived.ascii";
constexpr char kExpected[] = "expected/ima/cima-container-pod.ima-cgpath.derived.ascii.json";
constexpr char kPod[] = "f52130f4_c5be_423e_8070_daaca055a5ad";
// hashlib.sha512(published IMR3 + bytes(range(32)) + b"ccverify-user-data")
constexpr char kBound[] =
    "a6179b9067bc8f08e10ceb3ad9c6c25c0da7f22f9a12c921b102c6d74d1bb32fc48e38017a7b08461c2991c9ce9f93"
    "f0"
    "de461096da96f91e34b3a1da002c8c90";
constexpr char kNonce[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr char kUserData[] = "63637665726966792d757365722d64617461";  // "ccverify-user-data"

std::string TempPath(const std::string& stem) {
  return (fs::temp_directory_path() / (stem + "_" + std::to_string(::getpid()))).string();
}

// The system events of the corpus sample, as a --system-events file.
std::string WriteSampleEvents(const fs::path& corpus) {
  Result<std::string> text = ReadFileText((corpus / kExpected).string());
  EXPECT_TRUE(text.ok());
  rapidjson::Document d;
  d.Parse(text->c_str());
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  d["virtual_registers"]["cima_container_imr3"]["system_events"].Accept(w);
  std::string path = TempPath("ccv_sysev");
  std::ofstream(path) << sb.GetString();
  return path;
}

// --- the CLI (docs/json.md) ---

testing::CliRun RunCli(const std::string& args) {
  return testing::RunCcverify("containers " + args, testing::Stderr::kDiscard);
}

TEST(ContainersCliTest, JsonHasPublishedImr3AndBothContainers) {
  CCV_REQUIRE_CORPUS(corpus);
  std::string events = WriteSampleEvents(corpus);
  testing::CliRun r =
      RunCli("--ima " + (corpus / kList).string() + " --system-events " + events + " --json");
  fs::remove(events);
  Result<std::string> exp_text = ReadFileText((corpus / kExpected).string());
  ASSERT_TRUE(exp_text.ok());
  rapidjson::Document expected;
  expected.Parse(exp_text->c_str());
  ASSERT_EQ(r.code, 0) << r.out;
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  ASSERT_FALSE(d.HasParseError()) << r.out;
  const rapidjson::Value& list = d["containers"];
  ASSERT_EQ(list.Size(), 1u);
  const rapidjson::Value& pod = list[0];
  EXPECT_EQ(testing::Str(pod["id"]), "f52130f4_c5be_423e_8070_daaca055a5ad");
  EXPECT_EQ(testing::Str(pod["kind"]), "pod");
  EXPECT_EQ(pod["records"].GetUint64(), 77u);
  EXPECT_EQ(pod["first_record"].GetUint64(), 0u);
  EXPECT_EQ(pod["last_record"].GetUint64(), 76u);
  EXPECT_EQ(pod["cgroup_paths"].Size(), 2u);
  EXPECT_EQ(testing::Str(pod["virtual_imr3"]["sha384"]),
            testing::Str(expected["virtual_registers"]["cima_container_imr3"]["sha384"]));
  ASSERT_EQ(pod["containers"].Size(), 2u);
  EXPECT_EQ(testing::Str(pod["containers"][1]["kind"]), "container");
  EXPECT_EQ(d["template_hashes"]["verified"].GetUint64(), 77u);
}

TEST(ContainersCliTest, UsageAndInputErrorsHaveTheirExitCodes) {
  EXPECT_EQ(RunCli("").code, 2);
  EXPECT_EQ(RunCli("--bogus").code, 2);
  EXPECT_EQ(RunCli("--ima /nonexistent/list").code, 3);
}

TEST(ContainersCliTest, ReportDataBindsTheSamplePod) {
  CCV_REQUIRE_CORPUS(corpus);
  std::string events = WriteSampleEvents(corpus);
  std::string base = "--ima " + (corpus / kList).string() + " --system-events " + events;
  std::string nonce_ud = std::string(" --nonce ") + kNonce + " --user-data " + kUserData;
  testing::CliRun bound =
      RunCli(base + " --container " + kPod + " --report-data " + kBound + nonce_ud + " --json");
  EXPECT_EQ(bound.code, 0) << bound.out;
  rapidjson::Document d;
  d.Parse(bound.out.c_str());
  ASSERT_FALSE(d.HasParseError()) << bound.out;
  EXPECT_EQ(testing::Str(d["binding"]["status"]), "bound");
  EXPECT_EQ(testing::Str(d["binding"]["container"]), kPod);
  // Without --container the bound unit is found.
  testing::CliRun found = RunCli(base + " --report-data " + kBound + nonce_ud + " --json");
  EXPECT_EQ(found.code, 0) << found.out;
  d.Parse(found.out.c_str());
  ASSERT_EQ(d["binding"]["bound_units"].Size(), 1u);
  EXPECT_EQ(testing::Str(d["binding"]["bound_units"][0]), kPod);
  // The pod UID in canonical form and a container ID name the same unit.
  EXPECT_EQ(RunCli(base + " --container f52130f4-c5be-423e-8070-daaca055a5ad --report-data " +
                   kBound + nonce_ud)
                .code,
            0);
  EXPECT_EQ(RunCli(base + " --container 956a39cd3b6a170854269b4e98521ddc --report-data " + kBound +
                   nonce_ud)
                .code,
            0);
  fs::remove(events);
}

TEST(ContainersCliTest, WrongNonceMissingNonceOrUnknownContainerIsUntrusted) {
  CCV_REQUIRE_CORPUS(corpus);
  std::string events = WriteSampleEvents(corpus);
  std::string base = "--ima " + (corpus / kList).string() + " --system-events " + events +
                     " --report-data " + kBound;
  EXPECT_EQ(RunCli(base + " --container " + kPod + " --nonce 00 --user-data " + kUserData).code, 1);
  EXPECT_EQ(RunCli(base + " --container " + kPod + " --user-data " + kUserData).code, 1);
  EXPECT_EQ(RunCli(base + " --container deadbeefdeadbeef --nonce " + kNonce).code, 1);
  // Without the system events the register differs: no unit is bound.
  EXPECT_EQ(RunCli("--ima " + (corpus / kList).string() + " --report-data " + kBound + " --nonce " +
                   kNonce + " --user-data " + kUserData)
                .code,
            1);
  fs::remove(events);
}

TEST(ContainersCliTest, BindingArgumentErrorsAreUsageErrors) {
  EXPECT_EQ(RunCli("--ima x --nonce 00").code, 2);        // no report data
  EXPECT_EQ(RunCli("--ima x --report-data 00").code, 2);  // short
  EXPECT_EQ(RunCli("--ima x --report-data " + std::string(128, 'g')).code, 2);
  EXPECT_EQ(RunCli("--ima x --quote q --report-data " + std::string(128, '0')).code, 2);
}

TEST(ContainersCliTest, QuoteReportDataIsChecked) {
  CCV_REQUIRE_CORPUS(corpus);
  std::string events = WriteSampleEvents(corpus);
  testing::QuoteBuilder qb;
  std::vector<uint8_t> body(584, 0);
  ReportData rd{};
  ASSERT_TRUE(DecodeHexInto(kBound, rd));
  std::copy(rd.begin(), rd.end(), body.begin() + 520);  // TD report body: REPORTDATA last
  qb.body = body;
  std::string quote = TempPath("ccv_quote");
  std::vector<uint8_t> q = qb.Build();
  ASSERT_TRUE(WriteFileBytes(quote, q.data(), q.size()).ok());
  std::string base = "--ima " + (corpus / kList).string() + " --system-events " + events +
                     " --container " + kPod + " --quote " + quote;
  EXPECT_EQ(RunCli(base + " --nonce " + kNonce + " --user-data " + kUserData).code, 0);
  EXPECT_EQ(RunCli(base + " --nonce " + kNonce).code, 1);
  std::ofstream(quote) << "not a quote";
  EXPECT_EQ(RunCli(base + " --nonce " + kNonce).code, 3);
  fs::remove(quote);
  fs::remove(events);
}

TEST(ContainersCliTest, PolicyReportsPassFailAndFormats) {
  CCV_REQUIRE_CORPUS(corpus);
  std::string policy = (testing::SourceDir() / "policies/examples/containers.yaml").string();
  std::string base = "--ima " + (corpus / kList).string() + " --policy " + policy;
  // No quote binds the list: the container rules are reported, and the
  // verdict fails closed.
  testing::CliRun text = RunCli(base);
  EXPECT_EQ(text.code, 1) << text.out;
  EXPECT_NE(text.out.find("UNTRUSTED"), std::string::npos);
  testing::CliRun json = RunCli(base + " --format json");
  EXPECT_EQ(json.code, 1);
  rapidjson::Document d;
  d.Parse(json.out.c_str());
  ASSERT_FALSE(d.HasParseError()) << json.out;
  EXPECT_EQ(testing::Str(d["verdict"]), "fail");
  EXPECT_EQ(testing::Str(d["outcome"]), "untrusted");
  bool no_quote = false;
  for (const auto& c : d["checks"].GetArray()) {
    if (testing::Str(c["id"]) == "quote.present") no_quote = testing::Str(c["status"]) == "fail";
  }
  EXPECT_TRUE(no_quote);
  for (const auto& r : d["policy"]["rules"].GetArray()) {
    if (testing::Str(r["id"]).starts_with("containers.")) {
      EXPECT_EQ(testing::Str(r["status"]), "pass") << testing::Str(r["id"]);
    }
  }
  EXPECT_TRUE(d["policy"]["by_container"].IsObject());
  testing::CliRun junit = RunCli(base + " --format junit");
  EXPECT_EQ(junit.code, 1);
  EXPECT_NE(junit.out.find("ccverify.policy.containers.f52130f4-c5be-423e-8070-daaca055a5ad/"),
            std::string::npos);
  // A policy the pod does not satisfy: untrusted, naming container and record.
  std::string bad = TempPath("ccv_bad_policy") + ".yaml";
  std::ofstream(bad) << "apiVersion: ccverify/v1\ncontainers:\n  rules:\n"
                        "    - id: app\n      select: {entrypoint: /bin/busybox}\n"
                        "      forbid: [\"^/bin/bash$\"]\n";
  testing::CliRun fail =
      RunCli("--ima " + (corpus / kList).string() + " --policy " + bad + " --format json");
  EXPECT_EQ(fail.code, 1) << fail.out;
  d.Parse(fail.out.c_str());
  ASSERT_FALSE(d.HasParseError()) << fail.out;
  bool named = false;
  for (const auto& r : d["policy"]["rules"].GetArray()) {
    if (testing::Str(r["id"]) == "containers.app.forbid") {
      EXPECT_EQ(testing::Str(r["status"]), "fail");
      EXPECT_EQ(testing::Str(r["container"]),
                "f52130f4-c5be-423e-8070-daaca055a5ad/"
                "956a39cd3b6a170854269b4e98521ddc9a506f65e285bcfde3190a4c76482fb9");
      EXPECT_TRUE(testing::Str(r["evidence"]).starts_with("ima#"));
      named = true;
    }
  }
  EXPECT_TRUE(named);
  // A malformed policy is an input error; no containers: key a usage error.
  std::ofstream(bad) << "apiVersion: ccverify/v1\ncontainers:\n  rules: 7\n";
  EXPECT_EQ(RunCli("--ima " + (corpus / kList).string() + " --policy " + bad).code, 3);
  std::ofstream(bad) << "apiVersion: ccverify/v1\n";
  EXPECT_EQ(RunCli("--ima " + (corpus / kList).string() + " --policy " + bad).code, 2);
  fs::remove(bad);
}

testing::CliRun RunCcverify(const std::string& args) {
  return testing::RunCcverify(args, testing::Stderr::kDiscard);
}

// policy generate --container on a bundle with the sample list, then verify:
// every container rule passes (the bundle has no quote, so the overall verdict
// fails closed on quote.present); a changed entrypoint digest fails the
// container's rule, named by container.
TEST(ContainersCliTest, GenerateContainerThenVerifyBundle) {
  CCV_REQUIRE_CORPUS(corpus);
  fs::path bundle = TempPath("ccv_bundle");
  fs::create_directories(bundle);
  fs::copy_file(corpus / kList, bundle / "ima.ascii", fs::copy_options::overwrite_existing);
  std::ofstream(bundle / "evidence.json")
      << R"({"version": 1, "ima": {"path": "ima.ascii", "register": "rtmr2"}})";
  std::string events = WriteSampleEvents(corpus);
  std::string policy = TempPath("ccv_gen_policy") + ".yaml";
  testing::CliRun gen = RunCcverify("policy generate " + bundle.string() + " --container " + kPod +
                                    " --system-events " + events + " --output " + policy);
  ASSERT_EQ(gen.code, 0);
  Result<std::string> yaml = ReadFileText(policy);
  ASSERT_TRUE(yaml.ok());
  EXPECT_NE(yaml->find("virtual_imr3: {eq: \"c2d7928f553a7681"), std::string::npos) << *yaml;

  testing::CliRun ok =
      RunCcverify("verify " + bundle.string() + " --policy " + policy + " --format json");
  rapidjson::Document d;
  d.Parse(ok.out.c_str());
  ASSERT_FALSE(d.HasParseError()) << ok.out;
  size_t container_rules = 0;
  for (const auto& r : d["policy"]["rules"].GetArray()) {
    if (testing::Str(r["area"]) != "containers") continue;
    ++container_rules;
    EXPECT_EQ(testing::Str(r["status"]), "pass") << testing::Str(r["id"]);
  }
  EXPECT_EQ(container_rules, 11u);
  EXPECT_EQ(d["policy"]["by_container"].MemberCount(), 3u);

  // Another busybox: the app container's entrypoint rule fails.
  std::string tampered = *yaml;
  size_t at = tampered.find("sha384:db283a64", tampered.find("\ncontainers:"));
  ASSERT_NE(at, std::string::npos);
  tampered[at + 7] = '0';
  std::ofstream(policy) << tampered;
  testing::CliRun bad =
      RunCcverify("verify " + bundle.string() + " --policy " + policy + " --format json");
  EXPECT_EQ(bad.code, 1);
  d.Parse(bad.out.c_str());
  ASSERT_FALSE(d.HasParseError());
  bool named = false;
  for (const auto& r : d["policy"]["rules"].GetArray()) {
    if (testing::Str(r["area"]) == "containers" && testing::Str(r["status"]) == "fail") {
      EXPECT_TRUE(testing::Str(r["id"]).ends_with(".entrypoint") ||
                  testing::Str(r["id"]).ends_with(".allow"))
          << testing::Str(r["id"]);
      EXPECT_EQ(testing::Str(r["container"]),
                "f52130f4-c5be-423e-8070-daaca055a5ad/"
                "956a39cd3b6a170854269b4e98521ddc9a506f65e285bcfde3190a4c76482fb9");
      EXPECT_EQ(testing::Str(r["evidence"]), "ima#2");
      named = true;
    }
  }
  EXPECT_TRUE(named);
  EXPECT_EQ(testing::Str(
                d["policy"]["by_container"]
                 ["f52130f4-c5be-423e-8070-daaca055a5ad/"
                  "956a39cd3b6a170854269b4e98521ddc9a506f65e285bcfde3190a4c76482fb9"]["verdict"]),
            "fail");
  // An unknown container is an input error of generate.
  EXPECT_EQ(
      RunCcverify("policy generate " + bundle.string() + " --container 0123456789abcdef").code, 3);
  fs::remove_all(bundle);
  fs::remove(policy);
  fs::remove(events);
}

// A container's quote in a bundle: with containers.binding the quote's
// REPORTDATA = SHA-512(pod IMR3 || nonce || user_data) is accepted as the
// nonce binding; without it the generic binding check fails.
TEST(ContainersCliTest, VerifyAcceptsContainerBoundQuoteOnlyWhenAsked) {
  CCV_REQUIRE_CORPUS(corpus);
  fs::path bundle = TempPath("ccv_cbundle");
  fs::create_directories(bundle);
  fs::copy_file(corpus / kList, bundle / "ima.ascii", fs::copy_options::overwrite_existing);
  testing::QuoteBuilder qb;
  std::vector<uint8_t> body(584, 0);
  ReportData rd{};
  ASSERT_TRUE(DecodeHexInto(kBound, rd));
  std::copy(rd.begin(), rd.end(), body.begin() + 520);
  qb.body = body;
  std::vector<uint8_t> q = qb.Build();
  ASSERT_TRUE(WriteFileBytes((bundle / "quote.bin").string(), q.data(), q.size()).ok());
  std::ofstream(bundle / "evidence.json")
      << R"({"version": 1, "tee": "tdx", "quote": "quote.bin",)"
      << R"( "ima": {"path": "ima.ascii", "register": "rtmr2"},)"
      << R"( "nonce": ")" << kNonce << R"(", "user_data": ")" << kUserData << R"("})";
  std::string policy = TempPath("ccv_bind_policy") + ".yaml";
  auto write_policy = [&](const std::string& binding) {
    std::ofstream(policy)
        << "apiVersion: ccverify/v1\ncontainers:\n"
           "  system_events: [{data_hex: 2f7573722f62696e2f636f6e7461696e65726400}]\n"
        << binding
        << "  rules:\n    - {id: app, select: {entrypoint: /bin/busybox}, "
           "unknown: ignore}\n";
  };
  auto checks = [&]() {
    testing::CliRun r =
        RunCcverify("verify " + bundle.string() + " --policy " + policy + " --format json");
    rapidjson::Document d;
    d.Parse(r.out.c_str());
    std::map<std::string, std::string> out;
    if (d.HasParseError() || !d.HasMember("checks")) return out;
    for (const auto& c : d["checks"].GetArray())
      out[testing::Str(c["id"])] = testing::Str(c["status"]);
    return out;
  };
  write_policy(std::string("  binding: {container: ") + kPod + "}\n");
  auto bound = checks();
  EXPECT_EQ(bound["containers.binding"], "pass");
  EXPECT_EQ(bound["report_data.binding"], "pass");
  write_policy("");
  auto plain = checks();
  EXPECT_EQ(plain.count("containers.binding"), 0u);
  EXPECT_EQ(plain["report_data.binding"], "fail");
  write_policy("  binding: {container: 0123456789abcdef}\n");
  auto other = checks();
  EXPECT_EQ(other["containers.binding"], "fail");
  EXPECT_EQ(other["report_data.binding"], "fail");
  fs::remove_all(bundle);
  fs::remove(policy);
}

}  // namespace
}  // namespace ccv::containers
