#include "verifier/replay/dstack_replay.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"
#include "parsers/dstack_log.h"
#include "tests/testing/corpus.h"
#include "tests/testing/dstack_builder.h"
#include "tests/testing/files.h"

namespace ccv::replay {
namespace {

std::vector<dstack::Event> Parse(const std::string& json) {
  Result<std::vector<dstack::Event>> r = dstack::ParseLog(json);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<dstack::Event>{};
}

std::string Rtmr(const DstackReplayResult& r, uint32_t i) {
  auto d = r.registers.Get(RegisterId::Rtmr(i), HashAlg::kSha384);
  return d ? ToHex(d->span()) : "";
}

testing::DstackLogBuilder AppLog() {
  testing::DstackLogBuilder b;
  b.BootAction(0, "boot0");
  b.BootAction(1, "boot1");
  b.AppStart();
  return b;
}

TEST(DstackReplayTest, ReplaysEveryRegisterAsTheBuilderDoes) {
  testing::DstackLogBuilder b = AppLog();
  DstackReplayResult r = ReplayDstack(Parse(b.Json()));
  EXPECT_EQ(Rtmr(r, 0), testing::HexOf(b.Rtmr(0)));
  EXPECT_EQ(Rtmr(r, 1), testing::HexOf(b.Rtmr(1)));
  EXPECT_EQ(Rtmr(r, 2), "");  // never extended
  EXPECT_EQ(Rtmr(r, 3), testing::HexOf(b.Rtmr(3)));
  EXPECT_EQ(r.runtime_events, 6u);
  EXPECT_EQ(r.runtime_verified, 6u);
  EXPECT_EQ(r.runtime_mismatched, 0u);
  EXPECT_EQ(r.boot_checks.verified, 2u);  // EV_EFI_ACTION: PFP hash of the data
  EXPECT_TRUE(r.mismatched.empty());
}

TEST(DstackReplayTest, ChangedPayloadIsNamed) {
  testing::DstackLogBuilder b = AppLog();
  b.entries()[4].payload[0] ^= 1;  // compose-hash
  DstackReplayResult r = ReplayDstack(Parse(b.Json()));
  EXPECT_EQ(r.runtime_mismatched, 1u);
  ASSERT_EQ(r.mismatched, std::vector<size_t>{4});
  EXPECT_EQ(r.events[4].check, DigestCheck::kMismatched);
  // The logged digest is what is extended: RTMR3 is still the logged chain.
  EXPECT_EQ(Rtmr(r, 3), testing::HexOf(b.Rtmr(3)));
  EXPECT_FALSE(AppEventIndex(Parse(b.Json()), r).count("compose-hash"));
}

TEST(DstackReplayTest, ChangedBootDataIsNamed) {
  testing::DstackLogBuilder b = AppLog();
  b.entries()[1].payload[0] ^= 1;
  DstackReplayResult r = ReplayDstack(Parse(b.Json()));
  EXPECT_EQ(r.boot_checks.mismatched, 1u);
  EXPECT_EQ(r.mismatched, std::vector<size_t>{1});
}

TEST(DstackReplayTest, StrippedDigestIsDerivedFromTheData) {
  testing::DstackLogBuilder b = AppLog();
  const std::string want = testing::HexOf(b.Rtmr(3));
  for (auto& e : b.entries()) {
    if (e.imr == 3) e.digest.reset();
  }
  DstackReplayResult r = ReplayDstack(Parse(b.Json()));
  EXPECT_EQ(Rtmr(r, 3), want);
  EXPECT_EQ(r.runtime_verified, 6u);
}

TEST(DstackReplayTest, V2DigestIsTheHashOfTheCanonicalJson) {
  testing::DstackLogBuilder b;
  auto& e = b.Runtime("compose-hash", {0xab, 0xcd});
  e.version = 2;
  const std::string canon =
      R"({"event":"compose-hash","event_type":134217729,"payload":"abcd","version":2})";
  e.digest = testing::Sha384Raw(std::vector<uint8_t>(canon.begin(), canon.end()));
  DstackReplayResult r = ReplayDstack(Parse(b.Json()));
  EXPECT_EQ(r.runtime_verified, 1u);
  EXPECT_EQ(r.events[0].convention_name, "dstack_v2");
  // The same event read as v1 does not verify.
  b.entries()[0].version.reset();
  EXPECT_EQ(ReplayDstack(Parse(b.Json())).runtime_mismatched, 1u);
}

TEST(DstackReplayTest, AppEventsOnlyFromRtmr3) {
  testing::DstackLogBuilder b = AppLog();
  b.Runtime("app-id", std::vector<uint8_t>(20, 0x99)).imr = 2;  // right digest, wrong register
  std::vector<dstack::Event> ev = Parse(b.Json());
  DstackReplayResult r = ReplayDstack(ev);
  auto idx = AppEventIndex(ev, r);
  ASSERT_EQ(idx["app-id"].size(), 1u);
  EXPECT_EQ(idx["app-id"][0], 3u);
}

TEST(DstackReplayTest, DuplicateNamesAreAllListed) {
  testing::DstackLogBuilder b = AppLog();
  b.Runtime("app-id", std::vector<uint8_t>(20, 0x99));
  std::vector<dstack::Event> ev = Parse(b.Json());
  auto idx = AppEventIndex(ev, ReplayDstack(ev));
  EXPECT_EQ(idx["app-id"], (std::vector<size_t>{3, 8}));
}

TEST(DstackReplayTest, NoActionIsNotExtended) {
  testing::DstackLogBuilder b;
  b.BootAction(0, "a").event_type = 3;
  DstackReplayResult r = ReplayDstack(Parse(b.Json()));
  EXPECT_EQ(Rtmr(r, 0), "");
  EXPECT_FALSE(r.events[0].extended);
}

TEST(DstackReplayTest, AppFactValueRendering) {
  EXPECT_EQ(AppFactValue("compose-hash", std::vector<uint8_t>{0xab, 0x01}), "ab01");
  std::string kp = R"({"name":"kms"})";
  EXPECT_EQ(AppFactValue("key-provider", AsBytes(kp)), kp);
  EXPECT_EQ(AppFactValue("key-provider", std::vector<uint8_t>{0x00, 0x01}), "0001");
}

// The corpus manifest's expected values (checked there by an independent replay).
TEST(DstackReplayCorpusTest, SimulatorLogReplaysToTheQuotedRtmrs) {
  CCV_REQUIRE_CORPUS(corpus);
  const auto dir = corpus / "dstack" / "simulator";
  Result<DstackFile> f = ReplayDstackFile((dir / "eventlog.json").string());
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  const char* const quoted[] = {
      "85e0855a6384fa1c8a6ab36d0dcbfaa11a5753e5a070c08218ae5fe872fcb86967fd2449c29e22e59dc9fec"
      "998cb6547",
      "6ba8f87f35d0641e8abca07e75e3882abdc9f19d7cc8f6e3fe04435bd5f694d4e3cf008b60d7c7233896e8d"
      "1f23c34a7",
      "03b1c4afcac07d00d8e853163aff3ba3f9af68ddfbdbeafab70210a8dc601b409c28873d74fb6dbe7dc33a8"
      "da7c09621",
      "6d1a3da994b6611ee602f25f07b41671ece90cd2898689f1ad4448fdf1155e3668736cca4499659caae2d80"
      "44070de57"};
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(Rtmr(f->replay, i), quoted[i]) << "rtmr" << i;
  EXPECT_EQ(f->replay.runtime_events, 7u);
  EXPECT_EQ(f->replay.runtime_verified, 7u);
  EXPECT_EQ(f->replay.boot_checks.mismatched, 0u);
  auto idx = AppEventIndex(f->events, f->replay);
  const std::vector<std::string> names = {"system-preparing", "app-id",       "compose-hash",
                                          "instance-id",      "boot-mr-done", "key-provider",
                                          "system-ready"};
  for (const std::string& n : names) EXPECT_EQ(idx[n].size(), 1u) << n;
  const dstack::Event& compose = f->events[idx["compose-hash"][0]];
  EXPECT_EQ(ToHex(compose.payload).substr(0, 40), ToHex(f->events[idx["app-id"][0]].payload));
}

TEST(DstackReplayCorpusTest, ChangedPayloadFailsNamingTheEvent) {
  CCV_REQUIRE_CORPUS(corpus);
  std::string text = testing::ReadText(corpus / "dstack" / "simulator" / "eventlog.json");
  // Flip one nibble of the instance-id payload.
  const size_t at = text.find("\"event\":\"instance-id\"");
  ASSERT_NE(at, std::string::npos);
  const size_t p = text.find("\"event_payload\":\"", at) + 17;
  text[p] = text[p] == '0' ? '1' : '0';
  std::vector<dstack::Event> ev = Parse(text);
  DstackReplayResult r = ReplayDstack(ev);
  ASSERT_EQ(r.mismatched.size(), 1u);
  EXPECT_EQ(ev[r.mismatched[0]].event, "instance-id");
}

}  // namespace
}  // namespace ccv::replay
