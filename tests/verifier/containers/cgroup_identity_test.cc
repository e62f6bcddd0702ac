// Container identity from cgroup paths: CIMA's register key (container.rs
// parse_id) and the pod / container-scope names.
#include "verifier/containers/cgroup_identity.h"

#include <string>

#include <gtest/gtest.h>

namespace ccv::containers {
namespace {

constexpr char kPodUnderscore[] = "f52130f4_c5be_423e_8070_daaca055a5ad";
constexpr char kPodUid[] = "f52130f4-c5be-423e-8070-daaca055a5ad";
constexpr char kCid[] = "956a39cd3b6a170854269b4e98521ddc9a506f65e285bcfde3190a4c76482fb9";

std::string KubePath(std::string_view qos, std::string_view runtime) {
  std::string slice = qos.empty() ? "kubepods-pod" : "kubepods-" + std::string(qos) + "-pod";
  std::string parent = qos.empty() ? "" : "/kubepods-" + std::string(qos) + ".slice";
  return "/kubepods.slice" + parent + "/" + slice + kPodUnderscore + ".slice/" +
         std::string(runtime) + "-" + kCid + ".scope";
}

TEST(CgroupIdentityTest, KubernetesContainerdScopeNamesPodAndContainer) {
  CgroupIdentity id = IdentifyCgroupPath(KubePath("", "cri-containerd"));
  EXPECT_TRUE(id.container);
  EXPECT_EQ(id.cima_id, kPodUnderscore);
  EXPECT_EQ(id.kind, "pod");
  EXPECT_EQ(id.pod_uid, kPodUid);
  EXPECT_EQ(id.container_id, kCid);
  EXPECT_EQ(id.runtime, "cri-containerd");
}

TEST(CgroupIdentityTest, QosClassSlicesKeepThePodUid) {
  for (const char* qos : {"besteffort", "burstable"}) {
    CgroupIdentity id = IdentifyCgroupPath(KubePath(qos, "crio"));
    EXPECT_EQ(id.cima_id, kPodUnderscore) << qos;
    EXPECT_EQ(id.pod_uid, kPodUid) << qos;
    EXPECT_EQ(id.runtime, "crio") << qos;
    EXPECT_EQ(id.container_id, kCid) << qos;
  }
}

TEST(CgroupIdentityTest, DockerScopeIsItsOwnContainerUnit) {
  CgroupIdentity id = IdentifyCgroupPath(std::string("/system.slice/docker-") + kCid + ".scope");
  EXPECT_TRUE(id.container);
  EXPECT_EQ(id.cima_id, kCid);
  EXPECT_EQ(id.kind, "container");
  EXPECT_EQ(id.pod_uid, "");
  EXPECT_EQ(id.runtime, "docker");
  EXPECT_EQ(id.container_id, kCid);
}

TEST(CgroupIdentityTest, StaticPodWith32HexUidMatchesSecondPattern) {
  std::string uid32 = "0123456789abcdef0123456789abcdef";
  CgroupIdentity id = IdentifyCgroupPath("/kubepods.slice/kubepods-pod" + uid32 +
                                         ".slice/cri-containerd-" + std::string(kCid) + ".scope");
  EXPECT_EQ(id.cima_id, uid32);
  EXPECT_EQ(id.kind, "pod");
  EXPECT_EQ(id.pod_uid, uid32);
}

TEST(CgroupIdentityTest, UppercaseHexIsKeptInCimaIdAndLoweredInNames) {
  std::string upper = "F52130F4_C5BE_423E_8070_DAACA055A5AD";
  CgroupIdentity id = IdentifyCgroupPath("/kubepods.slice/kubepods-pod" + upper + ".slice");
  EXPECT_EQ(id.cima_id, upper);  // CIMA does not normalise
  EXPECT_EQ(id.pod_uid, kPodUid);
}

TEST(CgroupIdentityTest, PodSliceWithoutScopeHasNoContainerId) {
  CgroupIdentity id =
      IdentifyCgroupPath(std::string("/kubepods.slice/kubepods-pod") + kPodUnderscore + ".slice");
  EXPECT_EQ(id.cima_id, kPodUnderscore);
  EXPECT_EQ(id.container_id, "");
  EXPECT_EQ(id.runtime, "");
}

// Negative and edge cases: host cgroups, near-miss IDs, CIMA's rule quirks.
struct HostCase {
  const char* path;
  bool container;    // CIMA's container rule
  const char* cima;  // expected key
};

class CgroupIdentityHostTest : public ::testing::TestWithParam<HostCase> {};

TEST_P(CgroupIdentityHostTest, KeyFollowsCimaRule) {
  const HostCase& c = GetParam();
  CgroupIdentity id = IdentifyCgroupPath(c.path);
  EXPECT_EQ(id.container, c.container) << c.path;
  // A key that is no pod UID or container ID (CIMA's '.' matched another
  // character, so ".slice" stayed in it) names no unit here.
  const size_t n = std::string_view(c.cima).size();
  if (n == 32 || n == 36 || n == 64) {
    EXPECT_EQ(id.cima_id, c.cima) << c.path;
  } else {
    EXPECT_EQ(id.cima_id, "") << c.path;
    EXPECT_EQ(id.container && n > 0, !id.ambiguity.empty()) << c.path;
  }
  if (!c.container) {
    EXPECT_EQ(id.kind, "") << c.path;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CgroupIdentityHostTest,
    ::testing::Values(
        HostCase{"-", false, ""},  // no cgroup
        HostCase{"", false, ""}, HostCase{"/", false, ""},
        HostCase{"/system.slice/containerd.service", false, ""},
        HostCase{"/user.slice/user-0.slice/session-1.scope", false, ""},
        HostCase{"/init.scope", false, ""},
        // cgroupfs driver: no kubepods.slice, so CIMA sees the host.
        HostCase{"/kubepods/burstable/podf52130f4-c5be-423e-8070-daaca055a5ad/"
                 "956a39cd3b6a170854269b4e98521ddc9a506f65e285bcfde3190a4c76482fb9",
                 false, ""},
        // system.slice but not docker-: host even with a 64-hex scope.
        HostCase{"/system.slice/crio-956a39cd3b6a170854269b4e98521ddc9a506f65e285bcfde3190a4c"
                 "76482fb9.scope",
                 false, ""},
        // kubepods.slice without any ID: rule holds, no key (CIMA rejects).
        HostCase{"/kubepods.slice", true, ""},
        HostCase{"/kubepods.slice/kubepods-burstable.slice", true, ""},
        // 34 characters: too short for the UID pattern, even with the 'd'
        // of "pod" in front.
        HostCase{"/kubepods.slice/kubepods-podf52130f4_c5be_423e_8070_daaca055a5.slice", true, ""},
        // 35 characters: the unanchored pattern takes the 'd' of "pod" as the
        // first of 36 (CIMA's key, quirk kept).
        HostCase{"/kubepods.slice/kubepods-podf52130f4_c5be_423e_8070_daaca055a5a.slice", true,
                 "df52130f4_c5be_423e_8070_daaca055a5a"},
        // docker- with a 63-hex ID: no key.
        HostCase{"/system.slice/docker-956a39cd3b6a170854269b4e98521ddc9a506f65e285bcfde3190a4"
                 "c76482fb.scope",
                 true, ""},
        // CIMA's '.' is any character: "Xslice" also ends the match, and the
        // ".slice" removal then leaves the character in the key.
        HostCase{"/kubepods.slice/kubepods-podf52130f4_c5be_423e_8070_daaca055a5adXslice", true,
                 "f52130f4_c5be_423e_8070_daaca055a5adXslice"}));

TEST(CgroupIdentityTest, CimaSearchStartsAtKubepodsSlice) {
  // A 64-hex scope before kubepods.slice is not looked at.
  std::string p =
      std::string("/x-") + kCid + ".scope/kubepods.slice/kubepods-pod" + kPodUnderscore + ".slice";
  EXPECT_EQ(CimaContainerId(p), kPodUnderscore);
}

TEST(CgroupIdentityTest, UidFormsRoundTrip) {
  EXPECT_EQ(PodUidFromCgroupForm(kPodUnderscore), kPodUid);
  EXPECT_EQ(PodUidToCgroupForm(kPodUid), kPodUnderscore);
  EXPECT_EQ(PodUidFromCgroupForm("ABC_D"), "abc-d");
}

}  // namespace
}  // namespace ccv::containers

namespace ccv::containers {
namespace {

// CIMA's '.' before "slice" matches any character: "...ef7slice" gives a key
// with the tail "7slice", which names no pod. Found by the ima_containers
// fuzz harness; such a path names no unit.
TEST(CgroupIdentityTest, CimaKeyThatIsNoPodUidNamesNoUnit) {
  const std::string cg =
      "/kubepods.slice/kubepods-pod4283fefc_63f0_cd0e_873a_0000c6d07ef7slicee/"
      "crio-77e90d3593ad699fc1f7cd5bb2e35cbf0f19c557067cbbe80c46d1fb6dfbdb0a.scope";
  EXPECT_EQ(CimaContainerId(cg), "d4283fefc_63f0_cd0e_873a_0000c6d07ef7slice");
  CgroupIdentity id = IdentifyCgroupPath(cg);
  EXPECT_TRUE(id.container);
  EXPECT_NE(id.ambiguity.find("no pod UID"), std::string::npos) << id.ambiguity;
  EXPECT_TRUE(id.cima_id.empty() && id.pod_uid.empty() && id.kind.empty());
}

}  // namespace
}  // namespace ccv::containers
