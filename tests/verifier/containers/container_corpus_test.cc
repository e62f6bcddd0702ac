// The CIMA sample pod of the shared corpus: one pod with two containers, all
// 77 template hashes verify, and the pod's virtual IMR 3 (from the system
// event of the expected JSON) equals the value CIMA published
// (cc-api/container-integrity-measurement-agent@f0951a0:docs/
// sample-output-for-container-measurement.txt, via expected/*.json).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "tests/testing/corpus.h"
#include "verifier/containers/container_view.h"

namespace ccv::containers {
namespace {

namespace fs = std::filesystem;

constexpr char kList[] = "ima/cima-container-pod.ima-cgpath.derived.ascii";
constexpr char kExpected[] = "expected/ima/cima-container-pod.ima-cgpath.derived.ascii.json";

rapidjson::Document LoadJsonFile(const fs::path& p) {
  Result<std::string> text = ReadFileText(p.string());
  EXPECT_TRUE(text.ok()) << p;
  rapidjson::Document d;
  d.Parse(text.ok() ? text->c_str() : "{}");
  EXPECT_FALSE(d.HasParseError()) << p;
  return d;
}

std::string Str(const rapidjson::Value& v) {
  return std::string(v.GetString(), v.GetStringLength());
}

std::string SystemEventsJson(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return sb.GetString();
}

struct Sample {
  rapidjson::Document expected;
  std::string events_json;
};

Sample LoadSample(const fs::path& corpus) {
  Sample s;
  s.expected = LoadJsonFile(corpus / kExpected);
  s.events_json =
      SystemEventsJson(s.expected["virtual_registers"]["cima_container_imr3"]["system_events"]);
  return s;
}

TEST(ContainerCorpusTest, SamplePodHasTwoContainersAndPublishedImr3) {
  CCV_REQUIRE_CORPUS(corpus);
  Sample s = LoadSample(corpus);
  const rapidjson::Value& vr = s.expected["virtual_registers"]["cima_container_imr3"];
  auto events = ParseSystemEventsJson(s.events_json);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ContainerViewOptions opt;
  opt.system_events = *events;
  auto view = BuildContainerViewFile((corpus / kList).string(), {}, opt);
  ASSERT_TRUE(view.ok()) << view.status().ToString();

  EXPECT_EQ(view->entries, uint64_t(s.expected["records"].GetInt()));
  EXPECT_EQ(view->hashes_verified, 77u);
  EXPECT_EQ(view->hashes_mismatched, 0u);
  EXPECT_EQ(view->violations, 0u);
  EXPECT_EQ(view->host_records, 0u);
  EXPECT_EQ(view->alg, HashAlg::kSha384);
  EXPECT_EQ(ToHex(view->initial.span()), Str(vr["initial"]));

  ASSERT_EQ(view->units.size(), 1u);
  const ContainerUnit& pod = view->units[0];
  EXPECT_EQ(pod.id, Str(vr["container_id"]));
  EXPECT_EQ(pod.kind, "pod");
  EXPECT_EQ(pod.pod_uid, "f52130f4-c5be-423e-8070-daaca055a5ad");
  EXPECT_EQ(pod.records, 77u);
  EXPECT_EQ(pod.first_record, 0u);
  EXPECT_EQ(pod.last_record, 76u);
  EXPECT_EQ(ToHex(pod.virtual_imr3.span()), Str(vr["sha384"]));
  EXPECT_EQ(pod.cgroup_paths.size(), 2u);

  ASSERT_EQ(pod.containers.size(), 2u);
  EXPECT_TRUE(pod.containers[0].id.starts_with("5bab9779a4ff"));
  EXPECT_EQ(pod.containers[0].runtime, "cri-containerd");
  EXPECT_EQ(pod.containers[0].records, 2u);
  EXPECT_EQ(pod.containers[0].entrypoint, "/pause");
  EXPECT_TRUE(pod.containers[1].id.starts_with("956a39cd3b6a"));
  EXPECT_EQ(pod.containers[1].records, 75u);
  EXPECT_EQ(pod.containers[1].first_record, 2u);
  EXPECT_EQ(pod.containers[1].last_record, 76u);
  EXPECT_EQ(pod.containers[1].entrypoint, "/bin/busybox");

  ASSERT_EQ(view->records.size(), 77u);
  EXPECT_EQ(view->records[0].executable, "runc");
  EXPECT_EQ(view->records[0].path, "/pause");
  EXPECT_EQ(view->records[0].file_alg, "sha384");
  EXPECT_EQ(ToHex(view->records[0].file_digest),
            "dc5bd414bc8990c169aaa32ad74ecafbae9d2e0dd94eef7bf3933036db3f07dedeea0805be47c2f10df201"
            "3ac7f3fbbd");
  EXPECT_EQ(view->records[0].line, 1u);

  // Lookup by every name a container has.
  size_t ci = 0;
  EXPECT_EQ(view->Find("f52130f4_c5be_423e_8070_daaca055a5ad"), &pod);
  EXPECT_EQ(view->Find("f52130f4-c5be-423e-8070-daaca055a5ad"), &pod);
  EXPECT_EQ(view->Find("956a39cd3b6a", &ci), &pod);
  EXPECT_EQ(ci, 1u);
  EXPECT_EQ(view->Find("956a39cd3b6"), nullptr);  // prefix under 12 digits
  EXPECT_EQ(view->Find("nope"), nullptr);
}

TEST(ContainerCorpusTest, WithoutSystemEventsImr3StartsFromZeroAndDiffers) {
  CCV_REQUIRE_CORPUS(corpus);
  Sample s = LoadSample(corpus);
  auto view = BuildContainerViewFile((corpus / kList).string(), {}, {});
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  ASSERT_EQ(view->units.size(), 1u);
  EXPECT_EQ(ToHex(view->initial.span()), std::string(96, '0'));
  EXPECT_NE(ToHex(view->units[0].virtual_imr3.span()),
            Str(s.expected["virtual_registers"]["cima_container_imr3"]["sha384"]));
}

TEST(ContainerCorpusTest, CorruptedTemplateHashIsNamedByRecordAndLine) {
  CCV_REQUIRE_CORPUS(corpus);
  Result<std::string> text = ReadFileText((corpus / kList).string());
  ASSERT_TRUE(text.ok());
  // Flip one hex digit of the template hash on line 5 (entry 4).
  std::string t = *text;
  size_t pos = 0;
  for (int line = 1; line < 5; ++line) pos = t.find('\n', pos) + 1;
  size_t hash_at = pos + 3;
  t[hash_at] = t[hash_at] == '0' ? '1' : '0';
  auto view = BuildContainerViewBytes(AsBytes(t), {}, {});
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_EQ(view->hashes_mismatched, 1u);
  EXPECT_EQ(view->hashes_verified, 76u);
  ASSERT_EQ(view->findings.size(), 1u);
  EXPECT_EQ(view->findings[0].index, 4u);
  EXPECT_EQ(view->findings[0].line, 5u);
  EXPECT_EQ(view->findings[0].kind, "template_hash_mismatch");
  ASSERT_EQ(view->units.size(), 1u);
  EXPECT_EQ(view->units[0].hashes_mismatched, 1u);
  EXPECT_FALSE(view->records[4].hash_ok);
}

TEST(ContainerCorpusTest, MissingFileIsAnIoError) {
  auto view = BuildContainerViewFile("/nonexistent/ima.ascii", {}, {});
  ASSERT_FALSE(view.ok());
  EXPECT_EQ(view.status().code(), ErrorCode::kIo);
}

// --- system events JSON ---

TEST(SystemEventsJsonTest, AcceptsArrayAndObjectForms) {
  auto a = ParseSystemEventsJson(R"([{"data_hex": "2f62696e00"}, {"data_hex": ""}])");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0].size(), 5u);
  EXPECT_TRUE((*a)[1].empty());
  auto o = ParseSystemEventsJson(R"({"system_events": [{"data_hex": "00"}]})");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->size(), 1u);
}

TEST(SystemEventsJsonTest, ChecksAListedDigest) {
  // sha384("") is 38b060a7...; a wrong digest is rejected.
  auto good = ParseSystemEventsJson(
      R"([{"data_hex": "", "sha384": "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b"}])");
  EXPECT_TRUE(good.ok()) << good.status().ToString();
  auto bad = ParseSystemEventsJson(R"([{"data_hex": "00", "sha384": "00"}])");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kBadValue);
}

struct BadJson {
  const char* json;
  ErrorCode code;
};

class SystemEventsJsonBadTest : public ::testing::TestWithParam<BadJson> {};

TEST_P(SystemEventsJsonBadTest, Rejected) {
  auto r = ParseSystemEventsJson(GetParam().json);
  ASSERT_FALSE(r.ok()) << GetParam().json;
  EXPECT_EQ(r.status().code(), GetParam().code) << GetParam().json << " " << r.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SystemEventsJsonBadTest,
    ::testing::Values(BadJson{"", ErrorCode::kBadValue}, BadJson{"[", ErrorCode::kBadValue},
                      BadJson{"42", ErrorCode::kBadValue}, BadJson{"{}", ErrorCode::kNotFound},
                      BadJson{R"({"system_events": 1})", ErrorCode::kBadValue},
                      BadJson{"[1]", ErrorCode::kBadValue}, BadJson{"[{}]", ErrorCode::kNotFound},
                      BadJson{R"([{"data_hex": 5}])", ErrorCode::kNotFound},
                      BadJson{R"([{"data_hex": "abc"}])", ErrorCode::kBadLength},
                      BadJson{R"([{"data_hex": "zz"}])", ErrorCode::kBadValue},
                      BadJson{R"([{"data_hex": "00", "sha256": 7}])", ErrorCode::kBadValue}));

}  // namespace
}  // namespace ccv::containers
