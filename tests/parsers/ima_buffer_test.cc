// Critical-data buffers of an IMA list (parsers/ima_buffer.h): device-mapper
// key=value text with its escapes, table loads with verity targets as the
// kernel's dm-ima documentation shows them, SELinux state, and names.
#include "parsers/ima_buffer.h"

#include <string>

#include <gtest/gtest.h>

namespace ccv::ima {
namespace {

// The verity example of Documentation/admin-guide/device-mapper/dm-ima.rst
// (its line breaks removed), with the dm_version prefix newer kernels write.
constexpr const char* kVerityLoad =
    "dm_version=4.45.0;"
    "name=test-verity,uuid=,major=253,minor=2,minor_count=1,num_targets=1;"
    "target_index=0,target_begin=0,target_len=1953120,target_name=verity,target_version=1.8.0,"
    "hash_failed=V,verity_version=1,data_device_name=253:1,hash_device_name=253:0,"
    "verity_algorithm=sha256,"
    "root_digest=29cb87e60ce7b12b443ba6008266f3e41e93e403d7f298f8e3f316b29ff89c5e,"
    "salt=e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d,"
    "ignore_zero_blocks=n,check_at_most_once=n;";

TEST(ImaBufferTest, ClassifiesByEventName) {
  EXPECT_EQ(ClassifyBuffer("dm_table_load"), BufferKind::kDmTableLoad);
  EXPECT_EQ(ClassifyBuffer("table_load"), BufferKind::kDmTableLoad);
  EXPECT_EQ(ClassifyBuffer("dm_device_resume"), BufferKind::kDmOther);
  EXPECT_EQ(ClassifyBuffer("kexec-cmdline"), BufferKind::kKexecCmdline);
  EXPECT_EQ(ClassifyBuffer("selinux-state"), BufferKind::kSelinuxState);
  EXPECT_EQ(ClassifyBuffer("selinux-state-1637243000:123456789"), BufferKind::kSelinuxState);
  EXPECT_EQ(ClassifyBuffer("selinux-policy-hash-1:2"), BufferKind::kSelinuxPolicyHash);
  EXPECT_EQ(ClassifyBuffer(".ima"), BufferKind::kKeyLoad);
  // Near misses are not critical data of those kinds.
  EXPECT_EQ(ClassifyBuffer("selinux-stateX"), BufferKind::kOther);
  EXPECT_EQ(ClassifyBuffer("selinux-state-"), BufferKind::kOther);
  EXPECT_EQ(ClassifyBuffer("kexec-cmdline2"), BufferKind::kOther);
  EXPECT_EQ(BufferKindName(BufferKind::kSelinuxPolicyHash), "selinux_policy_hash");
}

TEST(ImaBufferTest, DecodesTheDocumentedVerityTableLoad) {
  auto t = ParseDmTableLoad(kVerityLoad);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->dm_version, "4.45.0");
  EXPECT_EQ(t->DeviceName(), "test-verity");
  EXPECT_EQ(t->DeviceUuid(), "");
  ASSERT_EQ(t->targets.size(), 1u);
  const DmTarget& v = t->targets[0];
  EXPECT_EQ(v.name, "verity");
  EXPECT_EQ(v.version, "1.8.0");
  ASSERT_NE(FindValue(v.attrs, "root_digest"), nullptr);
  EXPECT_EQ(*FindValue(v.attrs, "root_digest"),
            "29cb87e60ce7b12b443ba6008266f3e41e93e403d7f298f8e3f316b29ff89c5e");
  EXPECT_EQ(*FindValue(v.attrs, "hash_device_name"), "253:0");
  EXPECT_EQ(*FindValue(v.attrs, "verity_algorithm"), "sha256");
}

TEST(ImaBufferTest, OlderKernelsWriteNoVersionAndSeveralTargets) {
  std::string text = "name=linear1,uuid=,major=253,minor=0,minor_count=1,num_targets=2;";
  for (int i = 0; i < 2; ++i) {
    text += "target_index=" + std::to_string(i) +
            ",target_begin=0,target_len=2,target_name=linear,target_version=1.4.0,"
            "device_name=7:0,start=512;";
  }
  auto t = ParseDmTableLoad(text);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->dm_version, "");
  ASSERT_EQ(t->targets.size(), 2u);
  EXPECT_EQ(t->targets[1].index, 1u);
  EXPECT_EQ(t->targets[1].name, "linear");
}

TEST(ImaBufferTest, EscapesKeepSeparatorsInsideValues) {
  // dm-ima escapes '\', ';', '=' and ',' in names (dmsetup rename linear=2).
  auto t = ParseDmTableLoad("name=a\\=b\\,c\\;d\\\\,uuid=u;target_index=0,target_name=verity;");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->DeviceName(), "a=b,c;d\\");
  // A device name cannot smuggle a fake root digest into the target row.
  auto u = ParseDmTableLoad("name=x\\;target_index\\=0,uuid=;target_index=0,target_name=linear;");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->DeviceName(), "x;target_index=0");
  ASSERT_EQ(u->targets.size(), 1u);
  EXPECT_EQ(u->targets[0].name, "linear");
}

TEST(ImaBufferTest, MalformedTextFailsWithOffset) {
  auto a = ParseDmKeyValues("name=x,broken;");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(a.status().offset(), std::optional<uint64_t>(7));
  EXPECT_FALSE(ParseDmKeyValues("name=x\\").ok());                          // dangling escape
  EXPECT_FALSE(ParseDmKeyValues(std::string("na") + '\0' + "me=x;").ok());  // NUL
  EXPECT_FALSE(ParseDmKeyValues("=x;").ok());                               // empty key
  EXPECT_FALSE(ParseDmTableLoad("uuid=x;").ok());                           // no device name
  EXPECT_FALSE(ParseDmTableLoad("name=x;target_name=verity;").ok());        // no index
  EXPECT_FALSE(ParseDmTableLoad("name=x;target_index=zero,target_name=verity;").ok());
  std::string many;
  for (size_t i = 0; i <= kMaxDmGroups; ++i) many += "k=v;";
  EXPECT_EQ(ParseDmKeyValues(many).status().code(), ErrorCode::kBadValue);
}

TEST(ImaBufferTest, SelinuxState) {
  auto s = ParseSelinuxState(
      "initialized=1;enforcing=1;checkreqprot=0;network_peer_controls=1;open_perms=1;");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->size(), 5u);
  EXPECT_EQ(*FindValue(*s, "enforcing"), "1");
  EXPECT_FALSE(ParseSelinuxState("initialized=1,enforcing=0;").ok());
}

}  // namespace
}  // namespace ccv::ima
