// Replay rules of DESIGN §2 on synthetic records; expected register values
// are computed here with plain hashing, not with the replay code.
#include "verifier/replay/tcg_replay.h"

#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "parsers/tcg_event_log.h"
#include "tests/parsers/tcg_log_builder.h"
#include "verifier/crypto/digest.h"

namespace ccv::replay {
namespace {

using parsers::TcgEvent;

// Holds the bytes a TcgEvent aliases.
struct Ev {
  std::vector<std::vector<uint8_t>> digests;
  std::vector<uint8_t> data;
  TcgEvent event;
};

Ev MakeEvent(uint32_t pcr, uint32_t type, std::vector<uint8_t> data,
             std::vector<std::pair<uint16_t, std::vector<uint8_t>>> digests) {
  Ev ev;
  ev.data = std::move(data);
  for (auto& [id, d] : digests) ev.digests.push_back(d);
  ev.event.untrusted_pcr_index = pcr;
  ev.event.untrusted_type = type;
  ev.event.num_digests = uint32_t(digests.size());
  for (size_t i = 0; i < digests.size(); ++i) {
    ev.event.digests[i] = {digests[i].first, ev.digests[i]};
  }
  ev.event.data = ev.data;
  return ev;
}

std::vector<uint8_t> H(HashAlg alg, Bytes b) {
  Digest d = crypto::Hash(alg, b);
  return std::vector<uint8_t>(d.span().begin(), d.span().end());
}
std::vector<uint8_t> ExtendOf(HashAlg alg, std::vector<uint8_t> reg, Bytes digest) {
  reg.insert(reg.end(), digest.begin(), digest.end());
  return H(alg, reg);
}
std::string Reg(const TcgReplay& r, RegisterId reg, HashAlg alg) {
  std::optional<Digest> d = r.Registers().Get(reg, alg);
  return d ? ToHex(d->span()) : "absent";
}

const std::vector<uint8_t> kSep = {0, 0, 0, 0};

TEST(TcgReplayTest, ExtendIsHashOfRegisterAndDigestPerBank) {
  TcgReplay r(RegisterSpace::kTpmPcr);
  std::vector<uint8_t> d1 = H(HashAlg::kSha1, kSep), d256 = H(HashAlg::kSha256, kSep);
  Ev e = MakeEvent(4, parsers::kEvSeparator, kSep, {{kTpmAlgSha1, d1}, {kTpmAlgSha256, d256}});
  ASSERT_TRUE(r.Feed(e.event).ok());
  EXPECT_EQ(Reg(r, RegisterId::Pcr(4), HashAlg::kSha1),
            ToHex(ExtendOf(HashAlg::kSha1, std::vector<uint8_t>(20), d1)));
  EXPECT_EQ(Reg(r, RegisterId::Pcr(4), HashAlg::kSha256),
            ToHex(ExtendOf(HashAlg::kSha256, std::vector<uint8_t>(32), d256)));
  EXPECT_EQ(r.digest_checks().verified, 1u);
}

TEST(TcgReplayTest, StartupLocalitySetsTheLastByteOfPcr0) {
  TcgReplay r(RegisterSpace::kTpmPcr);
  std::vector<uint8_t> loc(16);
  std::memcpy(loc.data(), "StartupLocality", 15);
  loc.push_back(3);
  Ev sl = MakeEvent(0, parsers::kEvNoAction, loc, {{kTpmAlgSha256, std::vector<uint8_t>(32)}});
  std::vector<uint8_t> d(32, 0x5a);
  Ev e = MakeEvent(0, parsers::kEvSCrtmVersion, {1}, {{kTpmAlgSha256, d}});
  ASSERT_TRUE(r.Feed(sl.event).ok());
  ASSERT_TRUE(r.Feed(e.event).ok());
  std::vector<uint8_t> init(32);
  init[31] = 3;
  EXPECT_EQ(Reg(r, RegisterId::Pcr(0), HashAlg::kSha256),
            ToHex(ExtendOf(HashAlg::kSha256, init, d)));
  EXPECT_EQ(r.counts().no_action, 1u);
}

TEST(TcgReplayTest, StartupLocalityAfterPcr0WasExtendedIsAnError) {
  TcgReplay r(RegisterSpace::kTpmPcr);
  Ev e = MakeEvent(0, parsers::kEvSCrtmVersion, {1}, {{kTpmAlgSha256, std::vector<uint8_t>(32)}});
  std::vector<uint8_t> loc(16);
  std::memcpy(loc.data(), "StartupLocality", 15);
  loc.push_back(3);
  Ev sl = MakeEvent(0, parsers::kEvNoAction, loc, {{kTpmAlgSha256, std::vector<uint8_t>(32)}});
  sl.event.offset = 1234;
  ASSERT_TRUE(r.Feed(e.event).ok());
  Result<DigestCheck> c = r.Feed(sl.event);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(c.status().offset(), std::optional<uint64_t>(1234));
}

TEST(TcgReplayTest, StartupLocalityAboveFourIsAnError) {
  TcgReplay r(RegisterSpace::kTpmPcr);
  std::vector<uint8_t> loc(16);
  std::memcpy(loc.data(), "StartupLocality", 15);
  loc.push_back(9);
  Ev sl = MakeEvent(0, parsers::kEvNoAction, loc, {{kTpmAlgSha256, std::vector<uint8_t>(32)}});
  sl.event.data_offset = 100;
  Result<DigestCheck> c = r.Feed(sl.event);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(c.status().offset(), std::optional<uint64_t>(116));
}

TEST(TcgReplayTest, Pcr17StartsAtAllFF) {
  TcgReplay r(RegisterSpace::kTpmPcr);
  std::vector<uint8_t> d(32, 1);
  Ev e = MakeEvent(17, parsers::kEvIpl, {}, {{kTpmAlgSha256, d}});
  ASSERT_TRUE(r.Feed(e.event).ok());
  EXPECT_EQ(Reg(r, RegisterId::Pcr(17), HashAlg::kSha256),
            ToHex(ExtendOf(HashAlg::kSha256, std::vector<uint8_t>(32, 0xFF), d)));
  EXPECT_EQ(r.Value(22, HashAlg::kSha256)->bytes[0], 0xFF);
  EXPECT_EQ(r.Value(23, HashAlg::kSha256)->bytes[0], 0x00);
}

TEST(TcgReplayTest, NoActionRecordsAreNeverExtended) {
  TcgReplay r(RegisterSpace::kTpmPcr);
  Ev e = MakeEvent(5, parsers::kEvNoAction, {1, 2}, {{kTpmAlgSha256, std::vector<uint8_t>(32, 7)}});
  ASSERT_TRUE(r.Feed(e.event).ok());
  EXPECT_TRUE(r.Registers().empty());
  EXPECT_EQ(r.counts().no_action, 1u);
  EXPECT_EQ(r.digest_checks().not_checkable, 1u);
}

TEST(TcgReplayTest, VirtualAndOutOfRangePcrsAreNotReplayed) {
  TcgReplay r(RegisterSpace::kTpmPcr);
  Ev v = MakeEvent(0xFFFFFFFF, parsers::kEvIpl, {}, {{kTpmAlgSha256, std::vector<uint8_t>(32)}});
  Ev o = MakeEvent(24, parsers::kEvIpl, {}, {{kTpmAlgSha256, std::vector<uint8_t>(32)}});
  ASSERT_TRUE(r.Feed(v.event).ok());
  ASSERT_TRUE(r.Feed(o.event).ok());
  EXPECT_TRUE(r.Registers().empty());
  EXPECT_EQ(r.counts().not_replayed, 2u);
}

TEST(TcgReplayTest, CcelMrIndicesMapToRtmrsAndMrtdIsNotReplayed) {
  TcgReplay r(RegisterSpace::kCcMr);
  std::vector<uint8_t> d(48, 9);
  for (uint32_t mr : {1u, 4u, 0xFFFFFFFFu}) {
    Ev e = MakeEvent(mr, parsers::kEvIpl, {}, {{kTpmAlgSha384, d}});
    ASSERT_TRUE(r.Feed(e.event).ok()) << mr;
  }
  // MR index 0 (MRTD) holds only EV_NO_ACTION records.
  Ev spec = MakeEvent(0, parsers::kEvNoAction, {}, {{kTpmAlgSha384, d}});
  ASSERT_TRUE(r.Feed(spec.event).ok());
  RegisterSet regs = r.Registers();
  EXPECT_TRUE(regs.Has(RegisterId::Rtmr(0)));
  EXPECT_TRUE(regs.Has(RegisterId::Rtmr(3)));
  EXPECT_FALSE(regs.Has(RegisterId::Mrtd()));
  EXPECT_EQ(regs.registers().size(), 2u);
  EXPECT_EQ(r.counts().not_replayed, 1u);  // the virtual index
  EXPECT_EQ(Reg(r, RegisterId::Rtmr(3), HashAlg::kSha384),
            ToHex(ExtendOf(HashAlg::kSha384, std::vector<uint8_t>(48), d)));
}

// A CCEL record that would replay into nothing (an extending record at MR 0,
// or any at 5..0xFFFFFFFE) is an input error naming its offset: otherwise a
// policy could judge an event no register binds.
TEST(TcgReplayTest, CcelRecordsOutsideRtmrsAreInputErrors) {
  std::vector<uint8_t> d(48, 9);
  for (uint32_t mr : {0u, 5u, 0xFFFFFFFEu}) {
    TcgReplay r(RegisterSpace::kCcMr);
    Ev e = MakeEvent(mr, parsers::kEvIpl, {}, {{kTpmAlgSha384, d}});
    auto fed = r.Feed(e.event);
    ASSERT_FALSE(fed.ok()) << mr;
    EXPECT_EQ(fed.status().code(), ErrorCode::kBadValue);
    EXPECT_EQ(fed.status().field(), "mr_index");
  }
}

TEST(TcgReplayTest, ExtendContinuesFromTheReplayedRegisters) {
  TcgReplay r(RegisterSpace::kCcMr);
  std::vector<uint8_t> d(48, 1), ima(48, 2);
  Ev e = MakeEvent(3, parsers::kEvIpl, {}, {{kTpmAlgSha384, d}});
  ASSERT_TRUE(r.Feed(e.event).ok());
  std::vector<uint8_t> after_log = ExtendOf(HashAlg::kSha384, std::vector<uint8_t>(48), d);
  EXPECT_EQ(ToHex(r.Value(3, HashAlg::kSha384)->span()), ToHex(after_log));
  ASSERT_TRUE(r.Extend(3, HashAlg::kSha384, ima).ok());
  EXPECT_EQ(Reg(r, RegisterId::Rtmr(2), HashAlg::kSha384),
            ToHex(ExtendOf(HashAlg::kSha384, after_log, ima)));
  EXPECT_EQ(r.Extend(0, HashAlg::kSha384, ima).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.Extend(3, HashAlg::kSha384, d = std::vector<uint8_t>(20)).code(),
            ErrorCode::kInvalidArgument);
}

TEST(TcgReplayTest, WrongSeparatorDigestIsMismatchedButStillExtended) {
  TcgReplay r(RegisterSpace::kTpmPcr);
  std::vector<uint8_t> bad(32, 0xEE);
  Ev e = MakeEvent(7, parsers::kEvSeparator, kSep, {{kTpmAlgSha256, bad}});
  Result<DigestCheck> c = r.Feed(e.event);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, DigestCheck::kMismatched);
  EXPECT_EQ(Reg(r, RegisterId::Pcr(7), HashAlg::kSha256),
            ToHex(ExtendOf(HashAlg::kSha256, std::vector<uint8_t>(32), bad)));
}

TEST(TcgReplayTest, IplEventsAreNotCheckable) {
  TcgReplay r(RegisterSpace::kTpmPcr);
  Ev e = MakeEvent(8, parsers::kEvIpl, {'x'}, {{kTpmAlgSha256, std::vector<uint8_t>(32)}});
  EXPECT_EQ(*r.Feed(e.event), DigestCheck::kNotCheckable);
}

// UEFI_VARIABLE_DATA for Boot0001 with `value`.
std::vector<uint8_t> BootVariable(std::vector<uint8_t> value) {
  testing::TcgLogBuilder b;
  b.Fill(16, 0x61).U64(8).U64(value.size());
  for (char c : std::string("Boot0001")) b.U16(uint16_t(c));
  b.Raw(value);
  return b.bytes();
}

TEST(TcgReplayTest, VariableBootDigestCoversTheWholeStructureOrTheVariableDataOnly) {
  TcgReplay r(RegisterSpace::kTpmPcr);
  std::vector<uint8_t> value = {1, 2, 3};
  Ev good = MakeEvent(1, parsers::kEvEfiVariableBoot, BootVariable(value),
                      {{kTpmAlgSha256, H(HashAlg::kSha256, value)}});
  EXPECT_EQ(*r.Feed(good.event), DigestCheck::kVerified);
  std::vector<uint8_t> whole = BootVariable(value);
  Ev whole_hash = MakeEvent(1, parsers::kEvEfiVariableBoot, whole,
                            {{kTpmAlgSha256, H(HashAlg::kSha256, whole)}});
  EXPECT_EQ(*r.Feed(whole_hash.event), DigestCheck::kVerified);
  std::vector<uint8_t> name_only(whole.begin(), whole.end() - 3);
  Ev other = MakeEvent(1, parsers::kEvEfiVariableBoot, whole,
                       {{kTpmAlgSha256, H(HashAlg::kSha256, name_only)}});
  EXPECT_EQ(*r.Feed(other.event), DigestCheck::kMismatched);
}

TEST(TcgReplayTest, MalformedVariableBootDataIsMismatched) {
  TcgReplay r(RegisterSpace::kTpmPcr);
  std::vector<uint8_t> data = BootVariable({1});
  data.resize(30);
  Ev e =
      MakeEvent(1, parsers::kEvEfiVariableBoot, data, {{kTpmAlgSha256, std::vector<uint8_t>(32)}});
  EXPECT_EQ(*r.Feed(e.event), DigestCheck::kMismatched);
}

TEST(TcgReplayTest, UnknownAlgorithmDigestsAreCountedAndSkipped) {
  TcgReplay r(RegisterSpace::kTpmPcr);
  Ev e = MakeEvent(2, parsers::kEvIpl, {},
                   {{0x0027, std::vector<uint8_t>(40)}, {kTpmAlgSha256, std::vector<uint8_t>(32)}});
  ASSERT_TRUE(r.Feed(e.event).ok());
  EXPECT_EQ(r.counts().unhashable_digests, 1u);
  EXPECT_EQ(r.Registers().registers().at(RegisterId::Pcr(2)).size(), 1u);
}

}  // namespace
}  // namespace ccv::replay

namespace ccv::replay {
namespace {

// A log of `n` records over several batches: separators with right and
// wrong digests, IPL strings, StartupLocality first, a virtual-PCR record.
std::vector<uint8_t> ManyRecords(size_t n) {
  testing::TcgLogBuilder b;
  b.SpecIdHeader({{kTpmAlgSha1, 20}, {kTpmAlgSha256, 32}, {kTpmAlgSha384, 48}});
  std::vector<uint8_t> loc(16);
  std::memcpy(loc.data(), "StartupLocality", 15);
  loc.push_back(3);
  b.Event2(0, parsers::kEvNoAction,
           {{kTpmAlgSha1, std::vector<uint8_t>(20)},
            {kTpmAlgSha256, std::vector<uint8_t>(32)},
            {kTpmAlgSha384, std::vector<uint8_t>(48)}},
           loc);
  for (size_t i = 0; i < n; ++i) {
    std::vector<uint8_t> data = kSep;
    uint32_t type = parsers::kEvSeparator;
    if (i % 3 == 1) {
      std::string s = "kernel_cmdline: console=ttyS" + std::to_string(i);
      data.assign(s.begin(), s.end());
      type = parsers::kEvIpl;
    }
    std::vector<std::pair<uint16_t, std::vector<uint8_t>>> digests;
    for (HashAlg a : {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384}) {
      std::vector<uint8_t> d = H(a, data);
      if (i % 97 == 5) d[0] ^= 1;  // some wrong separator digests
      digests.push_back({TpmAlgId(a), d});
    }
    uint32_t pcr = i % 1000 == 999 ? 0xFFFFFFFF : uint32_t(i % 24);
    b.Event2(pcr, type, digests, data);
  }
  return b.bytes();
}

TEST(TcgReplayTest, BatchedReplayWithOneOrTwoThreadsEqualsRecordByRecordReplay) {
  std::vector<uint8_t> log = ManyRecords(30000);  // several batches of 8192
  // Reference: the incremental API, one record at a time.
  parsers::ChunkedSource src(log);
  parsers::TcgEventReader reader(&src);
  TcgReplay ref(RegisterSpace::kTpmPcr);
  while (true) {
    Result<const parsers::TcgEvent*> e = reader.Next();
    ASSERT_TRUE(e.ok());
    if (*e == nullptr) break;
    ASSERT_TRUE(ref.Feed(**e).ok());
  }
  EXPECT_GT(ref.digest_checks().mismatched, 0u);
  EXPECT_GT(ref.digest_checks().verified, 0u);
  for (int threads : {1, 2}) {
    SCOPED_TRACE(threads);
    parsers::ChunkedSource s(log);
    Result<TcgReplayResult> r =
        ReplayTcgLog(&s, RegisterSpace::kTpmPcr, ReplayOptions{.threads = threads});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->registers.registers(), ref.Registers().registers());
    EXPECT_EQ(r->counts.records, ref.counts().records);
    EXPECT_EQ(r->counts.extended, ref.counts().extended);
    EXPECT_EQ(r->counts.not_replayed, ref.counts().not_replayed);
    EXPECT_EQ(r->digest_checks.verified, ref.digest_checks().verified);
    EXPECT_EQ(r->digest_checks.mismatched, ref.digest_checks().mismatched);
    EXPECT_EQ(r->digest_checks.not_checkable, ref.digest_checks().not_checkable);
  }
  // PCR0 started from locality 3.
  std::optional<Digest> pcr0 = ref.Value(0, HashAlg::kSha256);
  ASSERT_TRUE(pcr0.has_value());
}

TEST(TcgReplayTest, BatchedReplayStopsAtAStartupLocalityErrorWithItsOffset) {
  testing::TcgLogBuilder b;
  b.SpecIdHeader({{kTpmAlgSha256, 32}});
  b.Event2(0, parsers::kEvSCrtmVersion, {{kTpmAlgSha256, std::vector<uint8_t>(32, 1)}}, kSep);
  uint64_t bad = b.size();
  std::vector<uint8_t> loc(16);
  std::memcpy(loc.data(), "StartupLocality", 15);
  loc.push_back(3);
  b.Event2(0, parsers::kEvNoAction, {{kTpmAlgSha256, std::vector<uint8_t>(32)}}, loc);
  for (int threads : {1, 2}) {
    parsers::ChunkedSource s(b.span());
    Result<TcgReplayResult> r =
        ReplayTcgLog(&s, RegisterSpace::kTpmPcr, ReplayOptions{.threads = threads});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kBadValue);
    EXPECT_EQ(r.status().offset(), std::optional<uint64_t>(bad));
  }
}

}  // namespace
}  // namespace ccv::replay
