// One pod passing itself off as another: nested cgroups named after a victim
// pod, '..' components, and two units claiming one UID never yield a unit or
// a binding for the victim.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"
#include "verifier/containers/binding.h"
#include "verifier/containers/cgroup_identity.h"
#include "verifier/containers/container_view.h"
#include "verifier/crypto/digest.h"

namespace ccv::containers {
namespace {

constexpr char kVictim[] = "f52130f4_c5be_423e_8070_daaca055a5ad";
constexpr char kVictimUid[] = "f52130f4-c5be-423e-8070-daaca055a5ad";
constexpr char kAttacker[] = "0a0b0c0d_1111_2222_3333_444455556666";
const std::string kCidV(64, 'b');
const std::string kCidA(64, 'a');

std::string PodPath(const std::string& uid, const std::string& cid) {
  return "/kubepods.slice/kubepods-pod" + uid + ".slice/cri-containerd-" + cid + ".scope";
}

// The attacker's container creates a nested cgroup named after the victim.
std::string NestedAttackPath() {
  return PodPath(kAttacker, kCidA) + "/kubepods-pod" + std::string(kVictim) +
         ".slice/cri-containerd-" + kCidV + ".scope";
}

// One ascii ima-cgpath line with a correct SHA-384 template hash.
struct Line {
  std::string text;
  Digest template_hash;
};

Line CgpathLine(const std::string& cg, const std::string& file) {
  std::vector<uint8_t> data;
  auto field = [&](const std::vector<uint8_t>& bytes) {
    uint32_t n = uint32_t(bytes.size());
    for (int i = 0; i < 4; ++i) data.push_back(uint8_t(n >> (8 * i)));
    for (uint8_t b : bytes) data.push_back(b);
  };
  auto str = [](const std::string& s) {
    std::vector<uint8_t> v(s.begin(), s.end());
    v.push_back(0);
    return v;
  };
  std::vector<uint8_t> digest(48, 0x11);
  std::vector<uint8_t> dng(56, 0x11);  // "sha384:" NUL, then the digest
  std::string alg = "sha384:";
  for (size_t i = 0; i < alg.size(); ++i) dng[i] = uint8_t(alg[i]);
  dng[alg.size()] = 0;
  field(str("/usr/bin/sh:/usr/bin/containerd-shim-runc-v2"));
  field(str(cg));
  field(dng);
  field(str(file));
  Line l;
  l.template_hash = crypto::Hash(HashAlg::kSha384, data);
  l.text = " 2 " + ToHex(l.template_hash.span()) + " ima-cgpath " +
           "/usr/bin/sh:/usr/bin/containerd-shim-runc-v2 " + cg + " sha384:" + ToHex(digest) + " " +
           file + "\n";
  return l;
}

ContainerView ViewOf(const std::vector<Line>& lines) {
  std::string text;
  for (const Line& l : lines) text += l.text;
  Result<ContainerView> v = BuildContainerViewBytes(AsBytes(text), {}, {});
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? std::move(v).value() : ContainerView{};
}

// IMR3 over `lines` from zero (no system events), as CIMA extends it.
Digest Imr3Of(const std::vector<Line>& lines) {
  Digest v = Digest::Zero(HashAlg::kSha384);
  for (const Line& l : lines) crypto::Extend(&v, l.template_hash.span());
  return v;
}

std::vector<uint8_t> Nonce() { return std::vector<uint8_t>(32, 0x42); }

size_t CountFindings(const ContainerView& v, const std::string& kind) {
  size_t n = 0;
  for (const ContainerFinding& f : v.findings) n += f.kind == kind;
  return n;
}

TEST(PodIdentityTest, NestedCgroupNamedAfterVictimIsAmbiguous) {
  CgroupIdentity id = IdentifyCgroupPath(NestedAttackPath());
  EXPECT_TRUE(id.container);
  EXPECT_NE(id.ambiguity.find("two pods"), std::string::npos) << id.ambiguity;
  EXPECT_EQ(id.cima_id, "");
  EXPECT_EQ(id.pod_uid, "");
  EXPECT_EQ(id.container_id, "");
  EXPECT_EQ(id.kind, "");
}

TEST(PodIdentityTest, NestedAttackCannotBindTheVictim) {
  // The attacker's records (nested path) come first; the victim's follow.
  std::vector<Line> attack = {CgpathLine(NestedAttackPath(), "/bin/a1"),
                              CgpathLine(NestedAttackPath(), "/bin/a2")};
  std::vector<Line> victim = {CgpathLine(PodPath(kVictim, kCidV), "/bin/v1")};
  std::vector<Line> all = attack;
  all.insert(all.end(), victim.begin(), victim.end());
  ContainerView v = ViewOf(all);
  ASSERT_EQ(v.units.size(), 1u);
  EXPECT_EQ(v.units[0].id, kVictim);
  EXPECT_EQ(v.units[0].records, 1u);
  EXPECT_EQ(v.unattributed_records, 2u);
  EXPECT_EQ(CountFindings(v, "ambiguous_cgroup_path"), 2u);

  // A REPORTDATA made from the attacker's records binds nothing.
  ReportData rd = ContainerReportData(Imr3Of(attack).span(), Nonce(), {});
  for (const char* id : {kVictim, kVictimUid}) {
    const ContainerUnit* unit = nullptr;
    BindingCheck b = CheckContainerBindingFor(v, id, rd, Nonce(), {}, &unit);
    EXPECT_FALSE(b.ok()) << id;
    EXPECT_EQ(b.status, BindingStatus::kMismatch) << id;
    ASSERT_NE(unit, nullptr);
    EXPECT_EQ(unit->records, 1u);
  }
  EXPECT_TRUE(FindBoundUnits(v, rd, Nonce(), {}).empty());
  // The victim's own register still binds.
  ReportData good = ContainerReportData(Imr3Of(victim).span(), Nonce(), {});
  EXPECT_TRUE(CheckContainerBindingFor(v, kVictimUid, good, Nonce(), {}).ok());
}

TEST(PodIdentityTest, NestedAttackAloneGivesNoVictimUnit) {
  std::vector<Line> attack = {CgpathLine(NestedAttackPath(), "/bin/a1")};
  ContainerView v = ViewOf(attack);
  EXPECT_TRUE(v.units.empty());
  ReportData rd = ContainerReportData(Imr3Of(attack).span(), Nonce(), {});
  BindingCheck b = CheckContainerBindingFor(v, kVictim, rd, Nonce(), {});
  EXPECT_EQ(b.status, BindingStatus::kNoUnit);
  EXPECT_NE(b.detail.find("no pod or container"), std::string::npos) << b.detail;
  EXPECT_EQ(std::string(BindingStatusName(b.status)), "no_unit");
}

// Paths that must not name a unit.
class AmbiguousPathTest : public ::testing::TestWithParam<std::string> {};

TEST_P(AmbiguousPathTest, RecordsBelongToNoUnit) {
  CgroupIdentity id = IdentifyCgroupPath(GetParam());
  EXPECT_TRUE(id.container) << GetParam();
  EXPECT_FALSE(id.ambiguity.empty()) << GetParam();
  EXPECT_EQ(id.cima_id, "") << GetParam();
  EXPECT_EQ(id.pod_uid, "") << GetParam();
  ContainerView v = ViewOf({CgpathLine(GetParam(), "/bin/x")});
  EXPECT_TRUE(v.units.empty());
  EXPECT_EQ(v.unattributed_records, 1u);
  EXPECT_EQ(CountFindings(v, "ambiguous_cgroup_path"), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AmbiguousPathTest,
    ::testing::Values(
        NestedAttackPath(),
        // '..' climbing from the attacker's pod into the victim's.
        PodPath(kAttacker, kCidA) + "/../../kubepods-pod" + kVictim + ".slice",
        PodPath(kVictim, kCidV) + "/..",
        "/kubepods.slice/../kubepods.slice/kubepods-pod" + std::string(kVictim) + ".slice",
        "/kubepods.slice/./kubepods-pod" + std::string(kVictim) + ".slice",
        "/kubepods.slice//kubepods-pod" + std::string(kVictim) + ".slice",
        PodPath(kVictim, kCidV) + "/",
        // Two containers: a nested scope named after another container.
        PodPath(kVictim, kCidV) + "/cri-containerd-" + kCidA + ".scope",
        "/system.slice/docker-" + kCidA + ".scope/docker-" + kCidV + ".scope",
        // A Docker container that creates a kubepods tree inside itself.
        "/system.slice/docker-" + kCidA + ".scope/kubepods.slice/kubepods-pod" +
            std::string(kVictim) + ".slice",
        // A container scope that is not directly inside the pod slice.
        "/kubepods.slice/kubepods-pod" + std::string(kVictim) + ".slice/x/cri-containerd-" + kCidV +
            ".scope",
        // A cgroupfs pod directory next to a systemd pod slice.
        "/kubepods.slice/kubepods-pod" + std::string(kAttacker) + ".slice/pod" + kVictimUid));

TEST(PodIdentityTest, SubCgroupInsideAContainerKeepsItsIdentity) {
  CgroupIdentity id = IdentifyCgroupPath(PodPath(kVictim, kCidV) + "/init.scope");
  EXPECT_EQ(id.ambiguity, "");
  EXPECT_EQ(id.cima_id, kVictim);
  EXPECT_EQ(id.pod_uid, kVictimUid);
  EXPECT_EQ(id.container_id, kCidV);
  EXPECT_EQ(id.runtime, "cri-containerd");
}

TEST(PodIdentityTest, TwoUnitsClaimingOnePodUidNameNeither) {
  // CIMA keys case-sensitively: two registers, one canonical pod UID.
  std::string upper = "F52130F4_C5BE_423E_8070_DAACA055A5AD";
  std::vector<Line> lower_recs = {CgpathLine(PodPath(kVictim, kCidV), "/bin/v1")};
  std::vector<Line> upper_recs = {CgpathLine(PodPath(upper, kCidA), "/bin/a1")};
  std::vector<Line> all = upper_recs;
  all.insert(all.end(), lower_recs.begin(), lower_recs.end());
  ContainerView v = ViewOf(all);
  ASSERT_EQ(v.units.size(), 2u);
  EXPECT_EQ(CountFindings(v, "duplicate_pod_uid"), 1u);
  std::string why;
  EXPECT_EQ(v.Find(kVictimUid, nullptr, &why), nullptr);
  EXPECT_NE(why.find("2 units"), std::string::npos) << why;
  EXPECT_EQ(v.Find(kVictim), nullptr);
  EXPECT_EQ(v.Find(upper), nullptr);
  // Neither register binds through the shared UID, nor is reported bound.
  for (const auto* recs : {&lower_recs, &upper_recs}) {
    ReportData rd = ContainerReportData(Imr3Of(*recs).span(), Nonce(), {});
    BindingCheck b = CheckContainerBindingFor(v, kVictimUid, rd, Nonce(), {});
    EXPECT_EQ(b.status, BindingStatus::kNoUnit);
    EXPECT_NE(b.detail.find("two units claim one ID"), std::string::npos) << b.detail;
    EXPECT_TRUE(FindBoundUnits(v, rd, Nonce(), {}).empty());
  }
  // Each container ID still names one unit.
  EXPECT_EQ(v.Find(kCidV), &v.units[1]);
}

TEST(PodIdentityTest, DockerUnitAndPodContainerWithOneIdNameNeither) {
  ContainerView v = ViewOf({CgpathLine(PodPath(kVictim, kCidV), "/bin/v1"),
                            CgpathLine("/system.slice/docker-" + kCidV + ".scope", "/bin/d")});
  ASSERT_EQ(v.units.size(), 2u);
  std::string why;
  EXPECT_EQ(v.Find(kCidV, nullptr, &why), nullptr);
  EXPECT_NE(why.find("2 units"), std::string::npos) << why;
  EXPECT_EQ(v.Find(kCidV.substr(0, 12)), nullptr);
  // The pod is still found by its UID.
  EXPECT_EQ(v.Find(kVictimUid), &v.units[0]);
}

TEST(PodIdentityTest, PrefixOfTwoContainersInOnePodNamesNeither) {
  std::string c1 = std::string(12, 'c') + std::string(52, '1');
  std::string c2 = std::string(12, 'c') + std::string(52, '2');
  ContainerView v = ViewOf(
      {CgpathLine(PodPath(kVictim, c1), "/bin/1"), CgpathLine(PodPath(kVictim, c2), "/bin/2")});
  ASSERT_EQ(v.units.size(), 1u);
  std::string why;
  EXPECT_EQ(v.Find(std::string(12, 'c'), nullptr, &why), nullptr);
  EXPECT_NE(why.find("prefix"), std::string::npos) << why;
  size_t ci = SIZE_MAX;
  EXPECT_EQ(v.Find(c2, &ci), &v.units[0]);
  EXPECT_EQ(ci, 1u);
}

}  // namespace
}  // namespace ccv::containers
