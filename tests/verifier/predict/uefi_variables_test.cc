// UEFI_VARIABLE_DATA encoding against real firmware: every
// EV_EFI_VARIABLE_DRIVER_CONFIG event of the corpus's TPM logs, decoded and
// encoded again from (GUID, name, data), gives the logged bytes, and its
// digest in every bank the log carries is the logged digest.
#include "verifier/predict/uefi_variables.h"

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "parsers/tcg_event_log.h"
#include "tests/testing/corpus.h"
#include "verifier/crypto/digest.h"

namespace ccv::predict {
namespace {

namespace fs = std::filesystem;

TEST(UefiVariablesTest, GuidTextRoundTrips) {
  auto g = ParseGuid("8be4df61-93ca-11d2-aa0d-00e098032b8c");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(ToHex(g->bytes), "61dfe48bca93d211aa0d00e098032b8c");
  EXPECT_EQ(g->ToString(), "8be4df61-93ca-11d2-aa0d-00e098032b8c");
  for (const char* bad :
       {"", "8be4df61-93ca-11d2-aa0d-00e098032b8", "8be4df6193ca-11d2-aa0d-00e098032b8c0",
        "8be4df61-93ca-11d2-aa0d-00e098032bxc"}) {
    EXPECT_EQ(ParseGuid(bad).status().code(), ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(UefiVariablesTest, EncodesTable17Layout) {
  const std::vector<uint8_t> data = {1};
  auto e = EncodeUefiVariableData(EfiGlobalVariableGuid(), "SecureBoot", data);
  ASSERT_TRUE(e.ok());
  // GUID, 10 CHAR16, 1 data byte, "SecureBoot" in UTF-16LE, 0x01.
  EXPECT_EQ(ToHex(*e),
            "61dfe48bca93d211aa0d00e098032b8c"
            "0a00000000000000"
            "0100000000000000"
            "53006500630075007200650042006f006f007400"
            "01");
}

TEST(UefiVariablesTest, Utf8NamesBecomeUtf16AndBadUtf8IsRefused) {
  auto e = Utf8ToUtf16Le("\xc3\xa9\xf0\x9f\x98\x80");  // U+00E9, U+1F600
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(ToHex(*e), "e9003dd800de");
  for (const char* bad : {"\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xff", "\xf4\x90\x80\x80"}) {
    EXPECT_EQ(Utf8ToUtf16Le(bad).status().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(UefiVariablesTest, ReencodingEveryCorpusDriverConfigEventGivesTheLoggedBytesAndDigests) {
  CCV_REQUIRE_CORPUS(corpus);
  size_t events = 0, logs = 0, digests = 0, data_only_digests = 0;
  for (const auto& entry : fs::directory_iterator(corpus / "tcg")) {
    if (entry.path().extension() != ".bin") continue;
    auto bytes = ReadFileBytes(entry.path().string());
    ASSERT_TRUE(bytes.ok());
    auto log = parsers::ParseTcgLog(*bytes);
    if (!log.ok()) continue;  // not every corpus file is a whole log
    bool any = false;
    for (const parsers::TcgEventRecord& ev : log->events) {
      if (ev.untrusted_type != parsers::kEvEfiVariableDriverConfig) continue;
      SCOPED_TRACE(entry.path().filename().string() + " record " + std::to_string(ev.record));
      auto v = parsers::ParseUefiVariableData(ev.data, ev.data_offset);
      ASSERT_TRUE(v.ok()) << v.status().ToString();
      std::vector<HashAlg> algs;
      for (const auto& d : ev.digests) {
        if (auto a = HashAlgFromTpmAlgId(d.algorithm_id)) algs.push_back(*a);
      }
      auto p = VariableDriverConfigEvent(ev.untrusted_pcr_index, v->variable_name, v->unicode_name,
                                         v->variable_data, algs);
      ASSERT_TRUE(p.ok()) << p.status().ToString();
      EXPECT_EQ(ToHex(p->data), ToHex(ev.data)) << v->unicode_name;
      // A TPM 1.2-era firmware of the corpus hashes VariableData alone for
      // its Secure Boot variables (digest convention variable_data_only);
      // every other event hashes the whole UEFI_VARIABLE_DATA.
      const bool data_only =
          entry.path().filename() == "linux-tpm12.bin" && ev.untrusted_pcr_index == 7;
      size_t k = 0;
      for (const auto& d : ev.digests) {
        auto alg = HashAlgFromTpmAlgId(d.algorithm_id);
        if (!alg) continue;
        const Digest want = data_only ? crypto::Hash(*alg, v->variable_data) : p->digests[k];
        EXPECT_EQ(ToHex(want.span()), ToHex(d.digest)) << v->unicode_name;
        ++k;
        ++digests;
        if (data_only) ++data_only_digests;
      }
      ++events;
      any = true;
    }
    logs += any ? 1 : 0;
  }
  // The corpus holds DRIVER_CONFIG events from many firmware builds.
  EXPECT_GE(logs, 10u);
  EXPECT_GE(events, 50u);
  EXPECT_LT(data_only_digests * 10, digests);
  std::printf(
      "re-encoded %zu EV_EFI_VARIABLE_DRIVER_CONFIG events (%zu digests, %zu of them "
      "of VariableData only) of %zu logs\n",
      events, digests, data_only_digests, logs);
}

}  // namespace
}  // namespace ccv::predict
