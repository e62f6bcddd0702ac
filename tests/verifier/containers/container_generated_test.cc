// Multi-pod lists from ccv-gen-containers: interleaved pods, containers,
// Docker containers, host records and violations. Each unit's virtual IMR 3,
// record counts and first/last records must equal what the generator
// computed on its own (Python hashlib, from its own record-to-unit map).
#include <string>

#include <gtest/gtest.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "tests/verifier/containers/generated_lists.h"
#include "verifier/containers/container_view.h"

namespace ccv::containers {
namespace {

Result<ContainerView> ViewOf(const testing::GeneratedList& g) {
  Result<std::string> side = ReadFileText(g.json.string());
  if (!side.ok()) return side.status();
  CCV_ASSIGN_OR_RETURN(auto events, ParseSystemEventsJson(*side));
  ContainerViewOptions opt;
  opt.system_events = std::move(events);
  return BuildContainerViewFile(g.list.string(), {}, opt);
}

void ExpectMatchesSidecar(const ContainerView& v, const rapidjson::Value& side) {
  EXPECT_EQ(v.entries, side["entries"].GetUint64());
  EXPECT_EQ(v.host_records, side["host_records"].GetUint64());
  EXPECT_EQ(v.violations, side["violations"].GetUint64());
  EXPECT_EQ(v.hashes_mismatched, 0u);
  EXPECT_EQ(v.hashes_verified + v.violations, v.entries);
  EXPECT_EQ(ToHex(v.initial.span()), testing::Str(side["initial"]["sha384"]));
  const rapidjson::Value& units = side["units"];
  ASSERT_EQ(v.units.size(), units.Size());
  for (rapidjson::SizeType i = 0; i < units.Size(); ++i) {
    const rapidjson::Value& want = units[i];
    std::string id = testing::Str(want["id"]);
    // The view orders units by first record; the generator by creation.
    const ContainerUnit* u = v.Find(id);
    ASSERT_NE(u, nullptr) << id;
    EXPECT_EQ(u->id, id);
    EXPECT_EQ(u->kind, testing::Str(want["kind"])) << id;
    EXPECT_EQ(u->pod_uid, testing::Str(want["pod_uid"])) << id;
    EXPECT_EQ(u->records, want["records"].GetUint64()) << id;
    EXPECT_EQ(u->first_record, want["first_record"].GetUint64()) << id;
    EXPECT_EQ(u->last_record, want["last_record"].GetUint64()) << id;
    EXPECT_EQ(u->violations, want["violations"].GetUint64()) << id;
    EXPECT_EQ(ToHex(u->virtual_imr3.span()), testing::Str(want["virtual_imr3"]["sha384"])) << id;
    const rapidjson::Value& cs = want["containers"];
    ASSERT_EQ(u->containers.size(), cs.Size()) << id;
    for (rapidjson::SizeType k = 0; k < cs.Size(); ++k) {
      size_t ci = SIZE_MAX;
      ASSERT_EQ(v.Find(testing::Str(cs[k]["id"]), &ci), u);
      ASSERT_LT(ci, u->containers.size());
      const ContainerInfo& c = u->containers[ci];
      EXPECT_EQ(c.runtime, testing::Str(cs[k]["runtime"]));
      EXPECT_EQ(c.records, cs[k]["records"].GetUint64());
      EXPECT_EQ(c.first_record, cs[k]["first_record"].GetUint64());
      EXPECT_EQ(c.last_record, cs[k]["last_record"].GetUint64());
      EXPECT_EQ(c.entrypoint, testing::Str(cs[k]["entrypoint"]));
      ASSERT_EQ(c.cgroup_paths.size(), 1u);
      EXPECT_EQ(c.cgroup_paths[0], testing::Str(cs[k]["cgroup_path"]));
    }
  }
}

TEST(ContainerGeneratedTest, DefaultMixMatchesGeneratorRegisters) {
  CCV_GENERATE(g, "--seed 7");
  auto v = ViewOf(*g);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ExpectMatchesSidecar(*v, g->side);
}

TEST(ContainerGeneratedTest, ManyPodsManyContainersAndViolations) {
  CCV_GENERATE(g,
               "--seed 11 --pods 12 --containers-per-pod 4 --docker 3 --records 30 "
               "--host-records 500 --violations 25");
  auto v = ViewOf(*g);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->units.size(), 15u);
  EXPECT_EQ(v->violations, 25u);
  ExpectMatchesSidecar(*v, g->side);
}

TEST(ContainerGeneratedTest, DockerOnlyAndHostOnlyLists) {
  {
    CCV_GENERATE(g, "--seed 3 --pods 0 --docker 4 --violations 0");
    auto v = ViewOf(*g);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    for (const ContainerUnit& u : v->units) EXPECT_EQ(u.kind, "container");
    ExpectMatchesSidecar(*v, g->side);
  }
  {
    CCV_GENERATE(h, "--seed 4 --pods 0 --docker 0 --violations 0 --host-records 50");
    auto v = ViewOf(*h);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_TRUE(v->units.empty());
    EXPECT_EQ(v->host_records, 51u);  // with boot_aggregate
  }
}

TEST(ContainerGeneratedTest, SeveralSystemEventsChangeTheStartValue) {
  CCV_GENERATE(g,
               "--seed 5 --system-event /usr/bin/containerd --system-event "
               "'/usr/bin/kubelet\\0--config=/var/lib/kubelet/config.yaml'");
  auto v = ViewOf(*g);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ExpectMatchesSidecar(*v, g->side);
}

TEST(ContainerGeneratedTest, WrongSystemEventsGiveOtherRegisters) {
  CCV_GENERATE(g, "--seed 8 --pods 2 --docker 0");
  auto v = BuildContainerViewFile(g->list.string(), {}, {});  // no system events
  ASSERT_TRUE(v.ok());
  for (const ContainerUnit& u : v->units) {
    const rapidjson::Value& units = g->side["units"];
    for (rapidjson::SizeType i = 0; i < units.Size(); ++i) {
      if (testing::Str(units[i]["id"]) == u.id) {
        EXPECT_NE(ToHex(u.virtual_imr3.span()), testing::Str(units[i]["virtual_imr3"]["sha384"]));
      }
    }
  }
}

TEST(ContainerGeneratedTest, TamperedRecordChangesOnlyItsOwnUnit) {
  CCV_GENERATE(g, "--seed 9 --pods 3 --docker 1 --violations 0");
  Result<std::string> text = ReadFileText(g->list.string());
  ASSERT_TRUE(text.ok());
  // Change the file digest (not the listed hash) of the first record of the
  // second unit's pod container: its template hash no longer verifies.
  std::string t = *text;
  const rapidjson::Value& victim = g->side["units"][1];
  uint64_t target = victim["first_record"].GetUint64();
  size_t pos = 0;
  for (uint64_t i = 0; i < target; ++i) pos = t.find('\n', pos) + 1;
  size_t d = t.find(" sha384:", pos) + 8;
  t[d] = t[d] == 'a' ? 'b' : 'a';
  auto v = BuildContainerViewBytes(AsBytes(t), {}, {});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->hashes_mismatched, 1u);
  ASSERT_FALSE(v->findings.empty());
  EXPECT_EQ(v->findings[0].index, target);
  const ContainerUnit* u = v->Find(testing::Str(victim["id"]));
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->hashes_mismatched, 1u);
  for (const ContainerUnit& other : v->units) {
    if (&other != u) {
      EXPECT_EQ(other.hashes_mismatched, 0u);
    }
  }
}

TEST(ContainerGeneratedTest, MalformedCgpathRecordFailsWithLine) {
  CCV_GENERATE(g, "--seed 10 --pods 1 --docker 0 --host-records 3 --violations 0");
  Result<std::string> text = ReadFileText(g->list.string());
  ASSERT_TRUE(text.ok());
  // A line with three template fields instead of four.
  std::string t = *text + " 2 " + std::string(96, 'a') +
                  " ima-cgpath dep - sha384:" + std::string(96, '0') + "\n";
  t.erase(t.rfind(" sha384:"), 8 + 96);
  auto v = BuildContainerViewBytes(AsBytes(t), {}, {});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().line(), std::optional<uint64_t>(g->side["entries"].GetUint64() + 1));
}

TEST(ContainerGeneratedTest, BinaryListGivesTheSameUnitsAsAscii) {
  std::string bin =
      (std::filesystem::temp_directory_path() / ("ccv_gen_bin_" + std::to_string(::getpid())))
          .string();
  CCV_GENERATE(g, "--seed 12 --pods 4 --docker 2 --violations 3 --binary " + bin);
  Result<std::string> side = ReadFileText(g->json.string());
  ASSERT_TRUE(side.ok());
  auto events = ParseSystemEventsJson(*side);
  ASSERT_TRUE(events.ok());
  ContainerViewOptions opt;
  opt.system_events = *events;
  auto v = BuildContainerViewFile(bin, {}, opt);
  std::filesystem::remove(bin);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->alg, HashAlg::kSha384);
  ExpectMatchesSidecar(*v, g->side);
  ASSERT_FALSE(v->records.empty());
  EXPECT_EQ(v->records[0].line, 0u);  // binary lists have no lines
}

TEST(ContainerGeneratedTest, TruncatedBinaryListFailsWithOffset) {
  std::string bin =
      (std::filesystem::temp_directory_path() / ("ccv_gen_bin_t_" + std::to_string(::getpid())))
          .string();
  CCV_GENERATE(g, "--seed 13 --pods 1 --docker 0 --host-records 2 --binary " + bin);
  Result<std::vector<uint8_t>> data = ReadFileBytes(bin);
  std::filesystem::remove(bin);
  ASSERT_TRUE(data.ok());
  std::vector<uint8_t> cut(data->begin(), data->end() - 10);
  ima::ReadOptions read;
  read.format = ima::LogFormat::kBinary;
  auto v = BuildContainerViewBytes(cut, read, {});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), ErrorCode::kTruncated);
  EXPECT_TRUE(v.status().offset().has_value());
}

}  // namespace
}  // namespace ccv::containers
