// The CC-API CIMA chain of the corpus sample checked against the agent's own
// published output (upstream/cima/*.txt, cc-api/container-integrity-
// measurement-agent@85ddcda docs), not our expected JSONs: IMR 0 and IMR 1
// from the TD's CCEL, the system-process event read from the container event
// log dump, and the pod's virtual IMR 3 from its ima-cgpath records.
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/chunked_source.h"
#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "tests/testing/corpus.h"
#include "verifier/containers/container_view.h"
#include "verifier/crypto/digest.h"
#include "verifier/replay/tcg_replay.h"

namespace ccv::containers {
namespace {

namespace fs = std::filesystem;

// "IMR index: N, hash: <hex>" lines of sample-output-for-container-measurement.txt.
std::optional<std::string> PublishedImr(const fs::path& corpus, int index) {
  Result<std::string> text =
      ReadFileText((corpus / "upstream/cima/sample-output-for-container-measurement.txt").string());
  if (!text.ok()) return std::nullopt;
  std::string key = "IMR index: " + std::to_string(index) + ", hash: ";
  size_t at = text->find(key);
  if (at == std::string::npos) return std::nullopt;
  return text->substr(at + key.size(), 96);
}

// Bytes of the hexdump lines ("<ts> [INFO] 0000XXXX  HH HH ...  ascii")
// that follow `header` in the dump, up to the next non-hexdump line.
std::vector<uint8_t> HexDumpAfter(const std::vector<std::string>& lines, size_t* i) {
  std::vector<uint8_t> out;
  for (; *i < lines.size(); ++*i) {
    const std::string& l = lines[*i];
    size_t tag = l.find("[INFO] ");
    if (tag == std::string::npos) break;
    std::string rest = l.substr(tag + 7);
    if (rest.size() < 10 || rest[8] != ' ' || !std::isxdigit(static_cast<unsigned char>(rest[0])))
      break;
    // 16 byte columns of "HH " after the 8-digit offset and two spaces.
    for (size_t k = 0; k < 16; ++k) {
      size_t p = 10 + 3 * k;
      if (p + 2 > rest.size() || rest[p] == ' ') break;
      Result<std::vector<uint8_t>> b = FromHex(rest.substr(p, 2));
      if (!b.ok()) break;
      out.push_back((*b)[0]);
    }
  }
  return out;
}

struct DumpEvent {
  std::vector<uint8_t> digest, data;
};

// The first IMR 3 event of the container event log dump: CIMA's
// system-process measurement.
std::optional<DumpEvent> FirstImr3Event(const fs::path& corpus) {
  Result<std::string> text =
      ReadFileText((corpus / "upstream/cima/sample-output-for-container-eventlog.txt").string());
  if (!text.ok()) return std::nullopt;
  std::vector<std::string> lines;
  std::istringstream in(*text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].ends_with("IMR               : 3")) continue;
    DumpEvent ev;
    for (++i; i < lines.size() && !lines[i].ends_with("Digest[0]:"); ++i) {
    }
    ++i;
    ev.digest = HexDumpAfter(lines, &i);
    if (i >= lines.size() || !lines[i].ends_with("Event:")) return std::nullopt;
    ++i;
    ev.data = HexDumpAfter(lines, &i);
    return ev;
  }
  return std::nullopt;
}

TEST(CimaChainTest, CcelGivesPublishedImr0AndImr1) {
  CCV_REQUIRE_CORPUS(corpus);
  Result<std::vector<uint8_t>> ccel =
      ReadFileBytes((corpus / "ccel/cima-container-boot.derived.bin").string());
  ASSERT_TRUE(ccel.ok());
  parsers::ChunkedSource src{Bytes(*ccel)};
  auto r = replay::ReplayTcgLog(&src, replay::RegisterSpace::kCcMr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (int imr : {0, 1}) {
    auto want = PublishedImr(corpus, imr);
    ASSERT_TRUE(want.has_value());
    auto got = r->registers.Get(RegisterId::Rtmr(uint32_t(imr)), HashAlg::kSha384);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(ToHex(got->span()), *want) << "IMR " << imr;
  }
}

TEST(CimaChainTest, SystemEventFromDumpAndPodRecordsGivePublishedImr3) {
  CCV_REQUIRE_CORPUS(corpus);
  auto ev = FirstImr3Event(corpus);
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(std::string(ev->data.begin(), ev->data.end()),
            std::string("/usr/bin/containerd\0", 20));
  // The dump's digest is SHA-384 of the event data (measurement.rs).
  EXPECT_EQ(ToHex(ev->digest), ToHex(crypto::Hash(HashAlg::kSha384, ev->data).span()));
  ContainerViewOptions opt;
  opt.system_events.push_back(ev->data);
  auto view = BuildContainerViewFile(
      (corpus / "ima/cima-container-pod.ima-cgpath.derived.ascii").string(), {}, opt);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  ASSERT_EQ(view->units.size(), 1u);
  auto want = PublishedImr(corpus, 3);
  ASSERT_TRUE(want.has_value());
  EXPECT_EQ(ToHex(view->units[0].virtual_imr3.span()), *want);
  EXPECT_EQ(view->units[0].containers.size(), 2u);
}

TEST(CimaChainTest, DroppingOrReorderingARecordChangesImr3) {
  CCV_REQUIRE_CORPUS(corpus);
  Result<std::string> text =
      ReadFileText((corpus / "ima/cima-container-pod.ima-cgpath.derived.ascii").string());
  ASSERT_TRUE(text.ok());
  auto want = PublishedImr(corpus, 3);
  ASSERT_TRUE(want.has_value());
  ContainerViewOptions opt;
  opt.system_events.push_back(std::vector<uint8_t>{'/', 'u', 's', 'r', '/', 'b', 'i', 'n', '/', 'c',
                                                   'o', 'n', 't', 'a', 'i', 'n', 'e', 'r', 'd', 0});
  // Without the last line.
  std::string dropped = text->substr(0, text->rfind('\n', text->size() - 2) + 1);
  auto a = BuildContainerViewBytes(AsBytes(dropped), {}, opt);
  ASSERT_TRUE(a.ok());
  EXPECT_NE(ToHex(a->units[0].virtual_imr3.span()), *want);
  // First two lines swapped.
  size_t l1 = text->find('\n') + 1, l2 = text->find('\n', l1) + 1;
  std::string swapped = text->substr(l1, l2 - l1) + text->substr(0, l1) + text->substr(l2);
  auto b = BuildContainerViewBytes(AsBytes(swapped), {}, opt);
  ASSERT_TRUE(b.ok());
  EXPECT_NE(ToHex(b->units[0].virtual_imr3.span()), *want);
  EXPECT_EQ(b->hashes_mismatched, 0u);  // each record still verifies on its own
}

}  // namespace
}  // namespace ccv::containers
