// Event-digest conventions on hand-made events: each convention verifies its
// own message in every bank, and one byte off (in the data or in one bank's
// digest) it does not. Expected digests are computed here with plain hashing.
#include "verifier/replay/digest_check.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/event_types.h"
#include "parsers/tcg_event_log.h"
#include "tests/parsers/tcg_log_builder.h"
#include "verifier/crypto/digest.h"
#include "verifier/replay/internal/event_conventions.h"
#include "verifier/replay/tcg_replay.h"

namespace ccv::replay {
namespace {

using V = std::vector<uint8_t>;

V Str(std::string_view s) { return V(s.begin(), s.end()); }
V Cat(V a, const V& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
V Utf16(std::string_view s, bool nul) {
  V out;
  for (char c : s) out.insert(out.end(), {uint8_t(c), 0});
  if (nul) out.insert(out.end(), {0, 0});
  return out;
}
// SHA-1 and SHA-256 of `msg`.
std::vector<Digest> Banks(const V& msg) {
  return {crypto::Hash(HashAlg::kSha1, msg), crypto::Hash(HashAlg::kSha256, msg)};
}

EventDataCheck Check(uint32_t type, const V& data, const std::vector<Digest>& digests) {
  BankHashers h;
  return CheckEventData(h, type, data, digests);
}

// `data` verifies with `conv` when its digests are those of `msg`; with one
// data byte flipped at `flip` the event is `off_by_one`.
void ExpectConvention(uint32_t type, const V& data, const V& msg, DigestConvention conv,
                      size_t flip, DigestCheck off_by_one) {
  SCOPED_TRACE(std::string(DigestConventionName(conv)));
  EventDataCheck c = Check(type, data, Banks(msg));
  EXPECT_EQ(c.status, DigestCheck::kVerified);
  EXPECT_EQ(c.convention, conv);
  V bad = data;
  bad[flip] ^= 1;
  EventDataCheck b = Check(type, bad, Banks(msg));
  EXPECT_EQ(b.status, off_by_one);
  EXPECT_EQ(b.convention, DigestConvention::kNone);
  EXPECT_TRUE(b.verified_text.empty());
}

V VariableData(std::string_view name, const V& value, const V& trailing = {}) {
  testing::TcgLogBuilder b;
  b.Fill(16, 0x61).U64(name.size()).U64(value.size());
  for (char c : name) b.U16(uint16_t(c));
  b.Raw(value).Raw(trailing);
  return b.bytes();
}

V DerCertificate(size_t body) {
  V c = {0x30, 0x82, uint8_t(body >> 8), uint8_t(body)};
  for (size_t i = 0; i < body; ++i) c.push_back(uint8_t(i * 7));
  return c;
}

TEST(DigestCheckTest, SeparatorIsTheHashOfItsData) {
  V sep = {0, 0, 0, 0};
  ExpectConvention(parsers::kEvSeparator, sep, sep, DigestConvention::kPfp, 0,
                   DigestCheck::kMismatched);
  EXPECT_TRUE(Check(parsers::kEvSeparator, sep, Banks(sep)).verified_text.empty());
}

TEST(DigestCheckTest, EfiActionAuthenticatesItsText) {
  V a = Str("Calling EFI Application from Boot Option");
  ExpectConvention(parsers::kEvEfiAction, a, a, DigestConvention::kPfp, 3,
                   DigestCheck::kMismatched);
  EXPECT_EQ(Check(parsers::kEvEfiAction, a, Banks(a)).verified_text,
            "Calling EFI Application from Boot Option");
}

TEST(DigestCheckTest, ConventionMustMatchEveryBank) {
  V a = Str("Exit Boot Services Invocation");
  std::vector<Digest> d = Banks(a);
  d[1].bytes[5] ^= 1;  // SHA-256 one bit off, SHA-1 right
  EXPECT_EQ(Check(parsers::kEvEfiAction, a, d).status, DigestCheck::kMismatched);
  d = Banks(a);
  d[0].bytes[0] ^= 1;
  EXPECT_EQ(Check(parsers::kEvEfiAction, a, d).status, DigestCheck::kMismatched);
}

TEST(DigestCheckTest, NoHashableDigestOrNoActionIsNotCheckable) {
  V a = Str("x");
  EXPECT_EQ(Check(parsers::kEvEfiAction, a, {}).status, DigestCheck::kNotCheckable);
  EXPECT_EQ(Check(parsers::kEvNoAction, a, Banks(a)).status, DigestCheck::kNotCheckable);
}

TEST(DigestCheckTest, VariableBootWholeStructureIsPfpVariableDataAloneIsEdk2) {
  V value = {1, 0, 0, 0, 0x2c, 0};
  V ev = VariableData("Boot0001", value);
  ExpectConvention(parsers::kEvEfiVariableBoot, ev, ev, DigestConvention::kPfp, 20,
                   DigestCheck::kMismatched);
  ExpectConvention(parsers::kEvEfiVariableBoot, ev, value, DigestConvention::kVariableDataOnly,
                   ev.size() - 1, DigestCheck::kMismatched);
  EventDataCheck c = Check(parsers::kEvEfiVariableBoot, ev, Banks(value));
  EXPECT_EQ(c.covered_offset, ev.size() - value.size());
  EXPECT_EQ(c.covered_len, value.size());
  // Data-only is a convention for boot variables, not for BOOT2.
  EXPECT_EQ(Check(parsers::kEvEfiVariableBoot2, ev, Banks(value)).status, DigestCheck::kMismatched);
}

TEST(DigestCheckTest, DriverConfigVariableDataOnlyOfTpm12Firmware) {
  V ev = VariableData("SecureBoot", {1});
  ExpectConvention(parsers::kEvEfiVariableDriverConfig, ev, {1},
                   DigestConvention::kVariableDataOnly, ev.size() - 1, DigestCheck::kMismatched);
}

TEST(DigestCheckTest, ShimAuthorityWithAnExtraByte) {
  V cert = DerCertificate(40);
  V ev = VariableData("Shim", cert, {0, 0, 0, 0, 0, 0xaf});
  V hashed(ev.begin(), ev.end() - 1);
  ExpectConvention(parsers::kEvEfiVariableAuthority, ev, hashed, DigestConvention::kShimExtraByte,
                   40, DigestCheck::kMismatched);
  EventDataCheck c = Check(parsers::kEvEfiVariableAuthority, ev, Banks(hashed));
  EXPECT_EQ(c.covered_len, ev.size() - 1);
  // Without trailing bytes, or with an EFI_SIGNATURE_DATA (owner GUID first),
  // the last byte belongs to the structure: no such convention.
  V exact = VariableData("Shim", cert);
  EXPECT_EQ(Check(parsers::kEvEfiVariableAuthority, exact, Banks(V(exact.begin(), exact.end() - 1)))
                .status,
            DigestCheck::kMismatched);
  V sig = VariableData("db", Cat(V(16, 0xbd), cert), {0});
  EXPECT_EQ(
      Check(parsers::kEvEfiVariableAuthority, sig, Banks(V(sig.begin(), sig.end() - 1))).status,
      DigestCheck::kMismatched);
  ExpectConvention(parsers::kEvEfiVariableAuthority, sig, sig, DigestConvention::kPfp, 17,
                   DigestCheck::kMismatched);
}

TEST(DigestCheckTest, GrubStringsHashTheTextAfterThePrefix) {
  V ev = Cat(Str("kernel_cmdline: /vmlinuz ro quiet"), {0});
  ExpectConvention(parsers::kEvIpl, ev, Str("/vmlinuz ro quiet"), DigestConvention::kGrubString, 20,
                   DigestCheck::kMismatched);
  EventDataCheck c = Check(parsers::kEvIpl, ev, Banks(Str("/vmlinuz ro quiet")));
  EXPECT_EQ(c.verified_text, "kernel_cmdline: /vmlinuz ro quiet");
  EXPECT_EQ(c.covered_offset, 16u);
  // The prefix is not hashed: a digest over the whole text is a mismatch.
  EXPECT_EQ(Check(parsers::kEvIpl, ev, Banks(Str("kernel_cmdline: /vmlinuz ro quiet"))).status,
            DigestCheck::kMismatched);
  V cmd = Cat(Str("grub_cmd: set root=hd0"), {0});
  ExpectConvention(parsers::kEvIpl, cmd, Str("set root=hd0"), DigestConvention::kGrubString, 12,
                   DigestCheck::kMismatched);
  V mod = Str("module_cmdline: /initrd.img");  // no NUL
  ExpectConvention(parsers::kEvIpl, mod, Str("/initrd.img"), DigestConvention::kGrubString, 18,
                   DigestCheck::kMismatched);
}

TEST(DigestCheckTest, OlderGrubStringsKeepTheirNul) {
  V ev = Cat(Str("grub_cmd set pager=1"), {0});
  ExpectConvention(parsers::kEvIpl, ev, Cat(Str("set pager=1"), {0}),
                   DigestConvention::kGrubStringNul, 10, DigestCheck::kMismatched);
  EXPECT_EQ(Check(parsers::kEvIpl, ev, Banks(Cat(Str("set pager=1"), {0}))).verified_text,
            "grub_cmd set pager=1");
  V k = Cat(Str("grub_kernel_cmdline /vmlinuz root=UUID=1"), {0});
  ExpectConvention(parsers::kEvIpl, k, Str("/vmlinuz root=UUID=1"), DigestConvention::kGrubString,
                   25, DigestCheck::kMismatched);
}

TEST(DigestCheckTest, SystemdUtf16CommandLineForms) {
  V with_nul = Utf16(" console=ttyS0 quiet", true);
  ExpectConvention(parsers::kEvIpl, with_nul, with_nul, DigestConvention::kSystemdUtf16, 4,
                   DigestCheck::kNotCheckable);
  EXPECT_EQ(Check(parsers::kEvIpl, with_nul, Banks(with_nul)).verified_text,
            " console=ttyS0 quiet");
  ExpectConvention(parsers::kEvIpl, with_nul, Utf16(" console=ttyS0 quiet", false),
                   DigestConvention::kSystemdUtf16NoNul, 4, DigestCheck::kNotCheckable);
  // Old systemd-boot logged one byte less than the string it hashed.
  V shorter(with_nul.begin(), with_nul.end() - 1);
  ExpectConvention(parsers::kEvIpl, shorter, with_nul, DigestConvention::kSystemdUtf16ShortNul, 6,
                   DigestCheck::kNotCheckable);
  EXPECT_EQ(Check(parsers::kEvIpl, shorter, Banks(with_nul)).verified_text, " console=ttyS0 quiet");
  // PE section names: UTF-16 logged, ASCII + NUL hashed.
  V section = Utf16(".linux", true);
  ExpectConvention(parsers::kEvIpl, section, Cat(Str(".linux"), {0}),
                   DigestConvention::kSystemdSectionName, 2, DigestCheck::kNotCheckable);
}

TEST(DigestCheckTest, FileMeasurementsAreNotCheckable) {
  V path = Cat(Str("(hd0,gpt1)/boot/grub/grub.cfg"), {0});
  EventDataCheck c = Check(parsers::kEvIpl, path, Banks(Str("file contents")));
  EXPECT_EQ(c.status, DigestCheck::kNotCheckable);
  V blob(16, 0);
  EXPECT_EQ(Check(parsers::kEvPostCode, blob, Banks(blob)).status, DigestCheck::kNotCheckable);
  EXPECT_EQ(Check(parsers::kEvEfiBootServicesApplication, blob, Banks(blob)).status,
            DigestCheck::kNotCheckable);
}

TEST(DigestCheckTest, TdShimConfigInfoHashesTheInfo) {
  V info = Cat(Str("root=/dev/vda1 console=hvc0"), V(20, 0));
  testing::TcgLogBuilder b;
  b.Str(std::string_view("td_payload_info\0", 16)).U32(uint32_t(info.size())).Raw(info);
  V ev = b.bytes();
  ExpectConvention(parsers::kEvPlatformConfigFlags, ev, info, DigestConvention::kTdShimConfigInfo,
                   21, DigestCheck::kMismatched);
  EXPECT_EQ(Check(parsers::kEvPlatformConfigFlags, ev, Banks(info)).verified_text,
            "root=/dev/vda1 console=hvc0");
  // TDVF's descriptions are no td-shim structure: the digest is of something else.
  V tdvf = Cat(Str("DirectBoot Command Line"), {0});
  EXPECT_EQ(Check(parsers::kEvPlatformConfigFlags, tdvf, Banks(Str("x"))).status,
            DigestCheck::kNotCheckable);
}

TEST(DigestCheckTest, OptionalTypesVerifyOnlyWhenTheDataIsHashed) {
  V tag = {1, 0, 1, 0x40, 8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
  ExpectConvention(parsers::kEvEventTag, tag, tag, DigestConvention::kEventData, 9,
                   DigestCheck::kNotCheckable);
  V info = Cat(Str("GCE NonHostInfo"), V(17, 0));
  EXPECT_EQ(Check(parsers::kEvNonhostInfo, info, Banks(info)).verified_text, "GCE NonHostInfo");
}

TEST(DigestCheckTest, ScrtmVersionTextOnlyForUtf16Ascii) {
  V ver = Utf16("GCE Virtual Firmware v1", true);
  EXPECT_EQ(Check(parsers::kEvSCrtmVersion, ver, Banks(ver)).verified_text,
            "GCE Virtual Firmware v1");
  V guid = {0x1e, 0xfb, 0x6b, 0x54, 0x0c, 0x1d, 0x55, 0x40,
            0xa4, 0xad, 0x4e, 0xf4, 0xbf, 0x17, 0xb8, 0x3a};
  EventDataCheck c = Check(parsers::kEvSCrtmVersion, guid, Banks(guid));
  EXPECT_EQ(c.status, DigestCheck::kVerified);
  EXPECT_TRUE(c.verified_text.empty());
}

TEST(DigestCheckTest, TextHelpersRejectControlAndInvalidBytes) {
  EXPECT_TRUE(internal::IsPrintableUtf8(Str("a\tb\n")));
  EXPECT_FALSE(internal::IsPrintableUtf8(V{'a', 0x01}));
  EXPECT_FALSE(internal::IsPrintableUtf8(V{0xc0, 0x80}));       // overlong NUL
  EXPECT_FALSE(internal::IsPrintableUtf8(V{0xe2, 0x82}));       // truncated
  EXPECT_TRUE(internal::IsPrintableUtf8(V{0xc3, 0xa9}));        // U+00E9
  EXPECT_EQ(internal::Utf16Text(V{'a', 0, 0, 0, 'b', 0}), "");  // text after the NUL
  EXPECT_EQ(internal::Utf16Text(V{0x3d, 0xd8, 0x00, 0xde}), "\xf0\x9f\x98\x80");  // U+1F600
  EXPECT_EQ(internal::Utf16Text(V{0x3d, 0xd8}), "");                              // lone surrogate
}

TEST(DigestCheckTest, TcgEventOverloadAgreesAndBatchReplayCountsConventions) {
  V value = {7, 7};
  V boot = VariableData("Boot0000", value);
  V grub = Cat(Str("grub_cmd: linux /vmlinuz"), {0});
  V sd = Utf16("quiet", true);
  V sd_short(sd.begin(), sd.end() - 1);
  auto digests = [](const V& m) {
    std::vector<std::pair<uint16_t, V>> out;
    for (const Digest& d : Banks(m))
      out.push_back({TpmAlgId(d.alg), V(d.span().begin(), d.span().end())});
    return out;
  };
  testing::TcgLogBuilder log;
  log.SpecIdHeader({{kTpmAlgSha1, 20}, {kTpmAlgSha256, 32}});
  log.Event2(1, parsers::kEvEfiVariableBoot, digests(value), boot);
  log.Event2(1, parsers::kEvEfiVariableBoot, digests(boot), boot);
  log.Event2(8, parsers::kEvIpl, digests(Str("linux /vmlinuz")), grub);
  log.Event2(8, parsers::kEvIpl, digests(Str("linux /vmlinuz!")), grub);  // mismatched
  log.Event2(12, parsers::kEvIpl, digests(sd), sd_short);
  // Record by record.
  parsers::ChunkedSource src(log.span());
  parsers::TcgEventReader reader(&src);
  TcgReplay ref(RegisterSpace::kTpmPcr);
  std::vector<DigestConvention> convs;
  while (true) {
    Result<const parsers::TcgEvent*> e = reader.Next();
    ASSERT_TRUE(e.ok());
    if (*e == nullptr) break;
    BankHashers h;
    EventDataCheck direct = CheckEventData(h, **e);
    Result<EventDataCheck> fed = ref.FeedAndCheck(**e);
    ASSERT_TRUE(fed.ok());
    EXPECT_EQ(fed->status, direct.status);
    EXPECT_EQ(fed->convention, direct.convention);
    EXPECT_EQ(fed->verified_text, direct.verified_text);
    if ((*e)->untrusted_type != parsers::kEvNoAction) convs.push_back(direct.convention);
  }
  EXPECT_EQ(convs, (std::vector<DigestConvention>{
                       DigestConvention::kVariableDataOnly, DigestConvention::kPfp,
                       DigestConvention::kGrubString, DigestConvention::kNone,
                       DigestConvention::kSystemdUtf16ShortNul}));
  EXPECT_EQ(ref.digest_checks().verified, 4u);
  EXPECT_EQ(ref.digest_checks().mismatched, 1u);
  // Batched: the same counts, per convention too.
  for (int threads : {1, 2}) {
    parsers::ChunkedSource s(log.span());
    Result<TcgReplayResult> r =
        ReplayTcgLog(&s, RegisterSpace::kTpmPcr, ReplayOptions{.threads = threads});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->digest_checks.verified, 4u);
    EXPECT_EQ(r->digest_checks.mismatched, 1u);
    EXPECT_EQ(r->digest_checks.by_convention, ref.digest_checks().by_convention);
  }
}

}  // namespace
}  // namespace ccv::replay
