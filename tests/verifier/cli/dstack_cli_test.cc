// ccverify replay --dstack-log: exit codes, the events it names and the app
// facts it reports, on the shared corpus and on logs of our own builder.
#include <algorithm>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"
#include "tests/testing/dstack_builder.h"
#include "tests/testing/files.h"

namespace ccv::cli {
namespace {

testing::CliRun Ccverify(const std::string& args) { return testing::RunCcverify(args); }

class DstackCliTest : public ::testing::Test {
 protected:
  std::filesystem::path Write(const std::string& name, const std::string& text) {
    testing::WriteText(dir_.path() / name, text);
    return dir_.path() / name;
  }
  static std::string Slurp(const std::filesystem::path& p) { return testing::ReadText(p); }
  // `replay --dstack-log LOG --quote QUOTE --json`: its exit code must be
  // `code`; *doc gets the report.
  static void ReplayJson(const std::filesystem::path& log, const std::filesystem::path& quote,
                         int code, rapidjson::Document* doc) {
    testing::CliRun r = Ccverify("replay --dstack-log " + testing::Quote(log) + " --quote " +
                                 testing::Quote(quote) + " --json");
    ASSERT_EQ(r.code, code) << r.out << r.err;
    doc->Parse(r.out.c_str());
    ASSERT_FALSE(doc->HasParseError()) << r.out;
  }
  testing::TempDir dir_{"dstack-cli"};
};

// The corpus's dstack simulator: its event log and the quote over it.
class DstackCorpusCliTest : public DstackCliTest {
 protected:
  void SetUp() override {
    CCV_REQUIRE_CORPUS(corpus);
    log_ = corpus / "dstack" / "simulator" / "eventlog.json";
    quote_ = corpus / "dstack" / "simulator" / "quote.bin";
  }
  std::filesystem::path log_, quote_;
};

TEST_F(DstackCorpusCliTest, CorpusLogReplaysToTheQuoteAndReportsAppFacts) {
  rapidjson::Document doc;
  ASSERT_NO_FATAL_FAILURE(ReplayJson(log_, quote_, 0, &doc));
  for (const char* reg : {"rtmr0", "rtmr1", "rtmr2", "rtmr3"}) {
    EXPECT_TRUE(doc["matches_quote"][reg].GetBool()) << reg;
  }
  const auto& log = doc["logs"][0];
  EXPECT_STREQ(log["option"].GetString(), "dstack_log");
  EXPECT_EQ(log["runtime_events"]["count"].GetUint(), 7u);
  EXPECT_EQ(log["runtime_events"]["verified"].GetUint(), 7u);
  EXPECT_EQ(log["runtime"].Size(), 7u);
  EXPECT_STREQ(log["app"]["compose-hash"].GetString(),
               "ea549f02e1a25fabd1cb788380e033ec5461b2ffe4328d753642cf035452e48b");
  EXPECT_STREQ(log["app"]["app-id"].GetString(), "ea549f02e1a25fabd1cb788380e033ec5461b2ff");
  EXPECT_STREQ(log["app"]["instance-id"].GetString(), "59df8036b824b0aac54f8998b9e1fb2a0cfc5d3a");
  EXPECT_EQ(std::string(log["app"]["key-provider"].GetString()).rfind("{\"name\":\"kms\"", 0), 0u);
  EXPECT_FALSE(log["app"].HasMember("system-ready"));  // a marker, not an app fact
}

TEST_F(DstackCorpusCliTest, ChangedPayloadFailsNamingTheEvent) {
  std::string text = Slurp(log_);
  const size_t at = text.find("\"event\":\"compose-hash\"");
  ASSERT_NE(at, std::string::npos);
  const size_t p = text.find("\"event_payload\":\"", at) + 17;
  text[p] = text[p] == 'e' ? 'f' : 'e';
  auto f = Write("changed.json", text);
  rapidjson::Document doc;
  ASSERT_NO_FATAL_FAILURE(ReplayJson(f, quote_, 1, &doc));
  const auto& log = doc["logs"][0];
  ASSERT_EQ(log["mismatched_events"].Size(), 1u);
  EXPECT_STREQ(log["mismatched_events"][0]["event"].GetString(), "compose-hash");
  EXPECT_FALSE(log["app"].HasMember("compose-hash"));
  // The logged digests are unchanged: the registers still match the quote.
  EXPECT_TRUE(doc["matches_quote"]["rtmr3"].GetBool());
  testing::CliRun text_run = Ccverify("replay --dstack-log " + testing::Quote(f));
  EXPECT_EQ(text_run.code, 1);
  EXPECT_NE(text_run.out.find("runtime event \"compose-hash\""), std::string::npos) << text_run.out;
}

TEST_F(DstackCorpusCliTest, EntriesBeyondTheQuoteDoNotMatch) {
  std::string text = Slurp(log_);
  const size_t end = text.rfind(']');
  ASSERT_NE(end, std::string::npos);
  testing::DstackLogBuilder b;
  b.Runtime("app-id", std::vector<uint8_t>(20, 0x42));
  std::string extra = b.Json();
  text = text.substr(0, end) + "," + extra.substr(1);
  auto f = Write("extra.json", text);
  rapidjson::Document doc;
  ASSERT_NO_FATAL_FAILURE(ReplayJson(f, quote_, 1, &doc));
  EXPECT_FALSE(doc["matches_quote"]["rtmr3"].GetBool());
  EXPECT_TRUE(doc["matches_quote"]["rtmr2"].GetBool());
  // Two app-id events: no value is taken.
  EXPECT_FALSE(doc["logs"][0]["app"].HasMember("app-id"));
  ASSERT_EQ(doc["logs"][0]["app_ambiguous"].Size(), 1u);
}

TEST_F(DstackCliTest, MalformedEntryIsAnInputErrorNamingIt) {
  testing::DstackLogBuilder b;
  b.RuntimeText("system-preparing", "");
  b.RuntimeText("app-id", "x").imr = 7;
  auto f = Write("bad.json", b.Json());
  testing::CliRun r = Ccverify("replay --dstack-log " + testing::Quote(f));
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("events[1].imr"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad.json"), std::string::npos) << r.err;
}

TEST_F(DstackCliTest, NotCombinedWithABootLog) {
  testing::DstackLogBuilder b;
  b.RuntimeText("system-preparing", "");
  auto f = Write("log.json", b.Json());
  EXPECT_EQ(
      Ccverify("replay --dstack-log " + testing::Quote(f) + " --ccel " + testing::Quote(f)).code,
      2);
}

TEST_F(DstackCorpusCliTest, DumpShowsEveryEntryAndItsCheck) {
  testing::CliRun r = Ccverify("dump " + testing::Quote(log_) + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  rapidjson::Document doc;
  doc.Parse(r.out.c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_STREQ(doc["format"].GetString(), "dstack-json");
  ASSERT_EQ(doc["events"].Size(), 27u);
  const auto& compose = doc["events"][22];
  EXPECT_STREQ(compose["event"].GetString(), "compose-hash");
  EXPECT_STREQ(compose["register"].GetString(), "rtmr3");
  EXPECT_STREQ(compose["digest_check"].GetString(), "verified");
  EXPECT_STREQ(compose["convention"].GetString(), "dstack_v1");
  testing::CliRun brief = Ccverify("dump " + testing::Quote(log_) + " --brief --register rtmr3");
  ASSERT_EQ(brief.code, 0);
  EXPECT_EQ(std::count(brief.out.begin(), brief.out.end(), '\n'), 7);
  EXPECT_EQ(Ccverify("dump " + testing::Quote(log_) + " --to cel-json").code, 2);
}

TEST_F(DstackCliTest, DumpWithForcedFormatNamesABadEntry) {
  auto f = Write("notlog.json", R"([{"imr":9,"event_type":1,"event_payload":""}])");
  testing::CliRun r = Ccverify("dump " + testing::Quote(f) + " --format dstack-json");
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("events[0].imr"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ccv::cli
