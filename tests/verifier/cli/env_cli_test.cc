// The CCV_* environment variables ccverify reads: a value that is set and
// not accepted is a usage error (exit 2) naming the variable and the
// accepted values, before any work; unset or empty means the default.
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "tests/testing/cli.h"

namespace ccv::cli {
namespace {

class EnvCliTest : public ::testing::Test {
 protected:
  void TearDown() override {
    unsetenv("CCV_THREADS");
    unsetenv("CCV_HASH_BACKEND");
  }
};

TEST_F(EnvCliTest, InvalidThreadsIsAUsageErrorNamingTheVariable) {
  for (const char* bad : {"0", "65", "two", "-3"}) {
    setenv("CCV_THREADS", bad, 1);
    testing::CliRun r = testing::RunCcverify("replay --help", testing::Stderr::kMerged);
    EXPECT_EQ(r.code, 2) << bad << ": " << r.out;
    EXPECT_NE(r.out.find("CCV_THREADS='" + std::string(bad) + "'"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1 to 64"), std::string::npos) << r.out;
    // --version too: it names the backend the variables choose.
    EXPECT_EQ(testing::RunCcverify("--version", testing::Stderr::kDiscard).code, 2);
  }
  setenv("CCV_THREADS", "", 1);
  EXPECT_EQ(testing::RunCcverify("--version", testing::Stderr::kDiscard).code, 0);
  setenv("CCV_THREADS", "2", 1);
  EXPECT_EQ(testing::RunCcverify("--version", testing::Stderr::kDiscard).code, 0);
}

TEST_F(EnvCliTest, InvalidHashBackendIsAUsageErrorListingTheBackends) {
  setenv("CCV_HASH_BACKEND", "fastest", 1);
  testing::CliRun r = testing::RunCcverify("--version", testing::Stderr::kMerged);
  EXPECT_EQ(r.code, 2) << r.out;
  for (const char* name : {"CCV_HASH_BACKEND='fastest'", "openssl", "ipsec-mb-sse", "ipsec-mb-avx2",
                           "ipsec-mb-avx512", "sha512-avx2"}) {
    EXPECT_NE(r.out.find(name), std::string::npos) << name << ": " << r.out;
  }
  setenv("CCV_HASH_BACKEND", "openssl", 1);
  testing::CliRun ok = testing::RunCcverify("--version", testing::Stderr::kMerged);
  EXPECT_EQ(ok.code, 0) << ok.out;
  EXPECT_NE(ok.out.find("batch hash backend: openssl ("), std::string::npos) << ok.out;
  // A forced backend hashes every algorithm: no second one is named.
  EXPECT_EQ(ok.out.find("sha1 and sha256 on"), std::string::npos) << ok.out;
  // --help still answers, so a user can read what is accepted.
  setenv("CCV_HASH_BACKEND", "fastest", 1);
  EXPECT_EQ(testing::RunCcverify("--help", testing::Stderr::kDiscard).code, 0);
}

}  // namespace
}  // namespace ccv::cli
