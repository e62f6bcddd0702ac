#include "verifier/crypto/digest.h"

#include <gtest/gtest.h>

#include "parsers/core/hex.h"

namespace ccv::crypto {
namespace {

// FIPS 180-4 / GB/T 32905 example vectors for "abc".
TEST(DigestTest, KnownAnswersForAbc) {
  auto abc = AsBytes("abc");
  EXPECT_EQ(ToHex(Hash(HashAlg::kSha1, abc).span()), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(ToHex(Hash(HashAlg::kSha256, abc).span()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ToHex(Hash(HashAlg::kSha384, abc).span()),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            "8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(ToHex(Hash(HashAlg::kSha512, abc).span()),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  if (HashAlgAvailable(HashAlg::kSm3_256)) {
    EXPECT_EQ(ToHex(Hash(HashAlg::kSm3_256, abc).span()),
              "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  }
}

TEST(DigestTest, ExtendIsHashOfRegisterAndDigest) {
  Digest reg = Digest::Zero(HashAlg::kSha256);
  Digest d = Hash(HashAlg::kSha256, AsBytes("event"));
  Digest expected;
  {
    Hasher h;
    h.Init(HashAlg::kSha256);
    h.Update(reg.span());
    h.Update(d.span());
    expected = h.Final();
  }
  Extend(&reg, d.span());
  EXPECT_EQ(reg, expected);
  EXPECT_FALSE(reg == Digest::Zero(HashAlg::kSha256));
}

}  // namespace
}  // namespace ccv::crypto
