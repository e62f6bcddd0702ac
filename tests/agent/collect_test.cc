// ccverify-agent collect against fake guest trees: the binary is run as a
// subprocess with --root, the fake configfs-tsm served by a thread here.
#include <filesystem>
#include <memory>
#include <signal.h>
#include <spawn.h>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rapidjson/document.h>

#include "agent/collector.h"
#include "gtest/gtest.h"
#include "parsers/core/hex.h"
#include "tests/agent/fake_guest.h"
#include "tests/testing/corpus.h"

namespace ccv::agent {
namespace {

namespace fs = std::filesystem;
using namespace ::ccv::testing;  // NOLINT: test helpers

fs::path AgentBinary() { return BinaryDir() / "ccverify-agent"; }

// The binary form of a one-entry ima-ng ascii list whose template hash is
// SHA-384 (the cc-api kernel's binary list): pcr u32le, 48-byte hash, name
// length + name, template data length + data (d-ng and n-ng fields).
std::vector<uint8_t> BinaryImaOf(const std::vector<uint8_t>& ascii) {
  std::string line(ascii.begin(), ascii.end());
  line = line.substr(line.find_first_not_of(' '));
  line = line.substr(0, line.find('\n'));
  std::vector<std::string> f;
  for (size_t p = 0;;) {
    size_t q = line.find(' ', p);
    f.push_back(line.substr(p, q - p));
    if (q == std::string::npos) break;
    p = q + 1;
  }
  auto u32 = [](std::vector<uint8_t>* out, uint32_t v) {
    for (int i = 0; i < 4; ++i) out->push_back(uint8_t(v >> (8 * i)));
  };
  std::vector<uint8_t> out;
  u32(&out, uint32_t(std::stoul(f[0])));
  auto hash = FromHex(f[1]);
  out.insert(out.end(), hash->begin(), hash->end());
  u32(&out, uint32_t(f[2].size()));
  out.insert(out.end(), f[2].begin(), f[2].end());
  std::string alg = f[3].substr(0, f[3].find(':'));
  auto digest = FromHex(f[3].substr(f[3].find(':') + 1));
  std::vector<uint8_t> dng(alg.begin(), alg.end());
  dng.push_back(':');
  dng.push_back(0);
  dng.insert(dng.end(), digest->begin(), digest->end());
  std::vector<uint8_t> nng(f[4].begin(), f[4].end());
  nng.push_back(0);
  std::vector<uint8_t> data;
  u32(&data, uint32_t(dng.size()));
  data.insert(data.end(), dng.begin(), dng.end());
  u32(&data, uint32_t(nng.size()));
  data.insert(data.end(), nng.begin(), nng.end());
  u32(&out, uint32_t(data.size()));
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

// A fake TDX guest built from evidence/ccapi-td: its CCEL log with an ACPI
// table we make for it (the corpus set has none), its IMA list, and its quote
// as the configfs-tsm outblob.
class CollectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto corpus = CorpusDir();
    if (!corpus) GTEST_SKIP() << "shared corpus not found";
    ev_ = *corpus / "evidence" / "ccapi-td";
    work_ = MakeTempDir("collect");
    root_ = work_ / "guest";
    out_parent_ = work_ / "out";
    fs::create_directories(out_parent_);
    ccel_ = ReadAll(ev_ / "ccel_data.bin");
    quote_ = ReadAll(ev_ / "quote.bin");
    ima_ = ReadAll(ev_ / "ascii_runtime_measurements");
    binary_ima_ = BinaryImaOf(ima_);
    WriteAll(root_ / kFakeCcelTable, MakeCcelTable(ccel_.size(), 0x7fbf0000));
    WriteAll(root_ / kFakeCcelData, ccel_);
    WriteAll(root_ / kFakeImaAscii, ima_);
    fs::create_directories(root_ / kFakeTsmReport);
  }
  void TearDown() override {
    tsm_.reset();
    if (!work_.empty()) fs::remove_all(work_);
  }
  void StartTsm(std::vector<uint8_t> outblob, uint64_t bump = 1) {
    tsm_ = std::make_unique<FakeTsm>(root_ / kFakeTsmReport, std::move(outblob), bump);
  }
  RunResult Collect(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {AgentBinary().string(), "collect", "--root",
                                     root_.string(),         "--out",   out().string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    RunResult r = RunCommand(argv);
    if (tsm_) tsm_->Stop();
    return r;
  }
  fs::path out() const { return out_parent_ / "bundle"; }
  // Nothing at all in the output's parent: no bundle, no temporary.
  void ExpectNoBundle() {
    EXPECT_TRUE(ListNames(out_parent_).empty()) << ListNames(out_parent_).size();
  }
  void ExpectNoTsmEntryLeft() {
    std::vector<std::string> names = ListNames(root_ / kFakeTsmReport);
    std::erase(names, ".template");
    EXPECT_TRUE(names.empty());
  }
  rapidjson::Document EvidenceJsonOf(const fs::path& bundle) {
    auto bytes = ReadAll(bundle / "evidence.json");
    rapidjson::Document d;
    d.Parse(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    EXPECT_FALSE(d.HasParseError());
    return d;
  }

  fs::path ev_, work_, root_, out_parent_;
  std::vector<uint8_t> ccel_, quote_, ima_, binary_ima_;
  std::unique_ptr<FakeTsm> tsm_;
};

TEST_F(CollectTest, CcapiTdTreeGivesACompleteBundle) {
  StartTsm(quote_);
  RunResult r = Collect({"--nonce", "00112233", "--user-data", "cafe"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ListNames(out_parent_), std::vector<std::string>{"bundle"});
  EXPECT_EQ(ListNames(out()),
            (std::vector<std::string>{"CCEL", "CCEL.data", "ascii_runtime_measurements",
                                      "evidence.json", "quote.bin"}));
  EXPECT_EQ(ReadAll(out() / "quote.bin"), quote_);
  EXPECT_EQ(ReadAll(out() / "CCEL.data"), ccel_);
  EXPECT_EQ(ReadAll(out() / "ascii_runtime_measurements"), ima_);
  EXPECT_EQ(ReadAll(out() / "CCEL"), MakeCcelTable(ccel_.size(), 0x7fbf0000));

  rapidjson::Document d = EvidenceJsonOf(out());
  EXPECT_EQ(d["version"].GetInt(), 1);
  EXPECT_STREQ(d["tee"].GetString(), "tdx");
  EXPECT_STREQ(d["quote"].GetString(), "quote.bin");
  EXPECT_STREQ(d["quote_provider"].GetString(), "tdx_guest");
  EXPECT_STREQ(d["ccel"]["table"].GetString(), "CCEL");
  EXPECT_STREQ(d["ccel"]["data"].GetString(), "CCEL.data");
  EXPECT_STREQ(d["ima"]["path"].GetString(), "ascii_runtime_measurements");
  EXPECT_STREQ(d["ima"]["register"].GetString(), "rtmr2");
  EXPECT_FALSE(d.HasMember("tpm_eventlog"));
  EXPECT_STREQ(d["nonce"].GetString(), "00112233");
  EXPECT_STREQ(d["user_data"].GetString(), "cafe");
  EXPECT_EQ(std::string(d["collected_at"].GetString()).size(), 20u);

  // The inblob is SHA-512(nonce || user_data): SHA-512 of 00112233cafe,
  // computed independently with `printf '\x00\x11\x22\x33\xca\xfe' | sha512sum`.
  ASSERT_EQ(tsm_->inblobs().size(), 1u);
  EXPECT_EQ(ToHex(tsm_->inblobs()[0]),
            "3749c23501e43201740801d0c5345a5bce341b8479e9483ff7b885de220562ce"
            "a3af13a7e79909d085d711a75b82dd4827dd323133a6e648f7d582c900642ba7");
  // The verifier derives REPORTDATA from nonce and user_data; an explicit
  // report_data member would mean a platform that puts another value there.
  EXPECT_FALSE(d.HasMember("report_data"));
  ExpectNoTsmEntryLeft();
}

TEST_F(CollectTest, TpmLogAndBinaryImaAreBundledWherePresent) {
  auto corpus = CorpusDir();
  std::vector<uint8_t> tpm = ReadAll(*corpus / "tcg" / "tpm2-tools-tiny-event.bin");
  ASSERT_FALSE(tpm.empty());
  WriteAll(root_ / kFakeTpmLog, tpm);
  WriteAll(root_ / kFakeImaBinary, binary_ima_);
  StartTsm(quote_);
  RunResult r = Collect();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadAll(out() / "binary_bios_measurements"), tpm);
  EXPECT_EQ(ReadAll(out() / "binary_runtime_measurements"), binary_ima_);
  rapidjson::Document d = EvidenceJsonOf(out());
  EXPECT_STREQ(d["tpm_eventlog"].GetString(), "binary_bios_measurements");
  EXPECT_STREQ(d["ima"]["binary"].GetString(), "binary_runtime_measurements");
  EXPECT_FALSE(d.HasMember("nonce"));
  EXPECT_FALSE(d.HasMember("user_data"));
}

TEST_F(CollectTest, LegacyImaDirectoryIsUsedWhenIntegrityDirIsAbsent) {
  fs::remove_all(root_ / "sys/kernel/security/integrity");
  WriteAll(root_ / "sys/kernel/security/ima/ascii_runtime_measurements", ima_);
  StartTsm(quote_);
  RunResult r = Collect();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadAll(out() / "ascii_runtime_measurements"), ima_);
}

// The register is what the list's first entry names (ima::ImaRegisterOf): a
// vTPM's PCR10 list on a TD stays pcr10; an empty list names none.
TEST_F(CollectTest, ImaRegisterFollowsTheListsFirstEntry) {
  auto corpus = CorpusDir();
  std::vector<uint8_t> tpm_ima = ReadAll(*corpus / "ima" / "ima-evm-utils-test.ascii");
  ASSERT_FALSE(tpm_ima.empty());
  WriteAll(root_ / kFakeImaAscii, tpm_ima);
  StartTsm(quote_);
  RunResult r = Collect();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_STREQ(EvidenceJsonOf(out())["ima"]["register"].GetString(), "pcr10");
}

TEST_F(CollectTest, EmptyImaListNamesNoRegister) {
  WriteAll(root_ / kFakeImaAscii, {});
  StartTsm(quote_);
  RunResult r = Collect();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  rapidjson::Document d = EvidenceJsonOf(out());
  ASSERT_TRUE(d.HasMember("ima"));
  EXPECT_FALSE(d["ima"].HasMember("register"));
}

TEST_F(CollectTest, NoImaGivesABundleWithoutIma) {
  fs::remove_all(root_ / "sys/kernel/security");
  StartTsm(quote_);
  RunResult r = Collect();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(EvidenceJsonOf(out()).HasMember("ima"));
}

TEST_F(CollectTest, MissingCcelTableIsAnInputErrorNamingIt) {
  fs::remove(root_ / kFakeCcelTable);
  StartTsm(quote_);
  RunResult r = Collect();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find((root_ / kFakeCcelTable).string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("CCEL ACPI table"), std::string::npos) << r.err;
  ExpectNoBundle();
}

TEST_F(CollectTest, MissingCcelLogIsAnInputErrorNamingIt) {
  fs::remove(root_ / kFakeCcelData);
  StartTsm(quote_);
  RunResult r = Collect();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find((root_ / kFakeCcelData).string()), std::string::npos) << r.err;
  ExpectNoBundle();
}

TEST_F(CollectTest, EmptyCcelLogIsAnInputError) {
  WriteAll(root_ / kFakeCcelData, {});
  StartTsm(quote_);
  RunResult r = Collect();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("empty"), std::string::npos) << r.err;
  ExpectNoBundle();
}

TEST_F(CollectTest, UnreadableImaListIsAnInputError) {
  fs::remove(root_ / kFakeImaAscii);
  fs::create_directories(root_ / kFakeImaAscii);  // present, but not readable as a file
  StartTsm(quote_);
  RunResult r = Collect();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("ascii_runtime_measurements"), std::string::npos) << r.err;
  ExpectNoBundle();
}

TEST_F(CollectTest, CorruptCcelTableIsAnInputErrorAndLeavesNoBundle) {
  std::vector<uint8_t> table = MakeCcelTable(ccel_.size(), 0x7fbf0000);
  table[9] ^= 0x01;  // checksum
  WriteAll(root_ / kFakeCcelTable, table);
  StartTsm(quote_);
  RunResult r = Collect();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find((root_ / kFakeCcelTable).string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("BadChecksum"), std::string::npos) << r.err;
  ExpectNoBundle();
}

TEST_F(CollectTest, TruncatedCcelLogIsAnInputErrorAndLeavesNoBundle) {
  // Cut inside the record after the Spec ID header; LAML follows the cut.
  std::vector<uint8_t> cut(ccel_.begin(), ccel_.begin() + 100);
  WriteAll(root_ / kFakeCcelData, cut);
  WriteAll(root_ / kFakeCcelTable, MakeCcelTable(cut.size(), 0x7fbf0000));
  StartTsm(quote_);
  RunResult r = Collect();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find((root_ / kFakeCcelData).string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Truncated"), std::string::npos) << r.err;
  ExpectNoBundle();
}

TEST_F(CollectTest, CorruptImaListIsAnInputErrorAndLeavesNoBundle) {
  std::vector<uint8_t> ima = ima_;
  ima[5] = 'x';  // inside the template hash
  WriteAll(root_ / kFakeImaAscii, ima);
  StartTsm(quote_);
  RunResult r = Collect();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find((root_ / kFakeImaAscii).string()), std::string::npos) << r.err;
  ExpectNoBundle();
}

TEST_F(CollectTest, CorruptTpmLogIsAnInputErrorAndLeavesNoBundle) {
  WriteAll(root_ / kFakeTpmLog, {1, 2, 3});
  StartTsm(quote_);
  RunResult r = Collect();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find((root_ / kFakeTpmLog).string()), std::string::npos) << r.err;
  ExpectNoBundle();
}

TEST_F(CollectTest, CorruptQuoteIsAnInputErrorAndLeavesNoBundle) {
  StartTsm(std::vector<uint8_t>(quote_.begin(), quote_.begin() + 300));
  RunResult r = Collect();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("outblob"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Truncated"), std::string::npos) << r.err;
  ExpectNoBundle();
}

TEST_F(CollectTest, ChangedGenerationIsAnErrorAndLeavesNoBundle) {
  StartTsm(quote_, /*bump=*/2);
  RunResult r = Collect();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("generation"), std::string::npos) << r.err;
  ExpectNoBundle();
  ExpectNoTsmEntryLeft();
}

TEST_F(CollectTest, TerminationDuringTheQuoteWaitsForACompleteBundle) {
  StartTsm(quote_);
  tsm_->Hold();
  std::string agent = AgentBinary().string(), root = root_.string(), out_dir = out().string();
  std::vector<char*> argv = {
      agent.data(), const_cast<char*>("collect"), const_cast<char*>("--root"),
      root.data(),  const_cast<char*>("--out"),   out_dir.data(),
      nullptr};
  pid_t pid = -1;
  ASSERT_EQ(::posix_spawn(&pid, agent.c_str(), nullptr, nullptr, argv.data(), environ), 0);
  // Wait until the agent has written its inblob and waits for the outblob.
  for (int i = 0; i < 5000 && tsm_->inblobs().empty(); ++i) ::usleep(1000);
  ASSERT_EQ(tsm_->inblobs().size(), 1u);
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  ::usleep(20000);
  tsm_->Release();
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  tsm_->Stop();
  // The agent finished the bundle, then honoured the request.
  ASSERT_TRUE(WIFSIGNALED(status)) << status;
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
  EXPECT_EQ(ListNames(out_parent_), std::vector<std::string>{"bundle"});
  EXPECT_EQ(ReadAll(out() / "quote.bin"), quote_);
  EXPECT_TRUE(fs::exists(out() / "evidence.json"));
  ExpectNoTsmEntryLeft();
}

TEST_F(CollectTest, NoQuoteServiceFallsBackToTheTdReport) {
  std::vector<uint8_t> td_report = MakeTdReport(std::vector<uint8_t>(64, 0x5a));
  WriteAll(root_ / kFakeTdxGuest, td_report);
  StartTsm({});  // the outblob stays empty
  RunResult r = Collect();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: no quote"), std::string::npos) << r.err;
  EXPECT_EQ(ReadAll(out() / "tdreport.bin"), td_report);
  EXPECT_FALSE(fs::exists(out() / "quote.bin"));
  rapidjson::Document d = EvidenceJsonOf(out());
  EXPECT_STREQ(d["td_report"].GetString(), "tdreport.bin");
  EXPECT_FALSE(d.HasMember("quote"));
  ExpectNoTsmEntryLeft();
}

TEST_F(CollectTest, NoTsmInterfaceFallsBackToTheTdReport) {
  fs::remove_all(root_ / "sys/kernel/config");
  WriteAll(root_ / kFakeTdxGuest, MakeTdReport({}));
  RunResult r = Collect();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out() / "tdreport.bin"));
}

TEST_F(CollectTest, ShortTdReportIsAnInputError) {
  fs::remove_all(root_ / "sys/kernel/config");
  WriteAll(root_ / kFakeTdxGuest, std::vector<uint8_t>(1000, 1));
  RunResult r = Collect();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("1024"), std::string::npos) << r.err;
  ExpectNoBundle();
}

TEST_F(CollectTest, NeitherQuoteNorTdReportNamesBoth) {
  fs::remove_all(root_ / "sys/kernel/config");
  RunResult r = Collect();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("tsm/report"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("dev/tdx_guest"), std::string::npos) << r.err;
  ExpectNoBundle();
}

TEST_F(CollectTest, HelpPrintsTheFullUsageAndCollectsNothing) {
  for (const char* flag : {"--help", "-h"}) {
    RunResult r = RunCommand(
        {AgentBinary().string(), "collect", "--out", (out_parent_ / "bundle").string(), flag});
    EXPECT_EQ(r.exit_code, 0) << flag << r.err;
    EXPECT_EQ(r.out.rfind("usage: ccverify-agent collect --out DIR", 0), 0u) << r.out;
    for (const char* opt : {"--root", "--nonce", "--user-data"}) {
      EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
    }
    EXPECT_TRUE(r.err.empty()) << r.err;
    EXPECT_FALSE(fs::exists(out_parent_ / "bundle"));
  }
}

TEST_F(CollectTest, UnwritableOutputDirectoryIsAnInputErrorAndLeavesNoBundle) {
  StartTsm(quote_);
  RunResult r = RunCommand({AgentBinary().string(), "collect", "--root", root_.string(), "--out",
                            "/proc/ccverify-bundle"});
  tsm_->Stop();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("/proc"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists("/proc/ccverify-bundle"));
  ExpectNoTsmEntryLeft();
}

TEST_F(CollectTest, OutputParentIsAFileIsAnInputError) {
  WriteAll(out_parent_ / "file", {1});
  StartTsm(quote_);
  RunResult r = RunCommand({AgentBinary().string(), "collect", "--root", root_.string(), "--out",
                            (out_parent_ / "file" / "bundle").string()});
  tsm_->Stop();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(ListNames(out_parent_), std::vector<std::string>{"file"});
}

TEST_F(CollectTest, NonEmptyOutputDirectoryIsRefused) {
  WriteAll(out() / "keep", {1});
  StartTsm(quote_);
  RunResult r = Collect();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(ListNames(out()), std::vector<std::string>{"keep"});
}

TEST_F(CollectTest, EqualsFormOfOptionsWorks) {
  StartTsm(quote_);
  RunResult r = RunCommand({AgentBinary().string(), "collect", "--root=" + root_.string(),
                            "--out=" + out().string(), "--nonce=ab"});
  tsm_->Stop();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_STREQ(EvidenceJsonOf(out())["nonce"].GetString(), "ab");
}

TEST(AgentCliTest, UsageErrorsExitWithTwoAndWriteNothing) {
  fs::path work = MakeTempDir("usage");
  std::vector<std::vector<std::string>> cases = {
      {"collect"},
      {"collect", "--out"},
      {"collect", "--out", (work / "x").string(), "--nonce", "abc"},
      {"collect", "--out", (work / "x").string(), "--nonce", "zz"},
      {"collect", "--out", (work / "x").string(), "--bogus"},
      {"collect", "--out", (work / "x").string(), "--out", (work / "y").string()},
      {"collect", "--out", (work / "x").string(), "--root="},
      {"frobnicate"},
      {}};
  for (auto args : cases) {
    args.insert(args.begin(), AgentBinary().string());
    RunResult r = RunCommand(args);
    EXPECT_EQ(r.exit_code, 2) << args.size() << " " << r.err;
    EXPECT_NE(r.err.find("usage:"), std::string::npos) << r.err;
  }
  EXPECT_TRUE(ListNames(work).empty());
  fs::remove_all(work);
}

TEST(AgentCliTest, BinaryNeedsLibcryptoAndTheCRuntimeOnly) {
  RunResult r = RunCommand({"readelf", "-d", AgentBinary().string()});
  if (r.exit_code == 127) GTEST_SKIP() << "readelf not installed";
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // (Sanitizer builds add their runtimes.) A static build needs nothing.
  const std::vector<std::string> allowed = {"libcrypto.so", "libstdc++.so", "libm.so",
                                            "libgcc_s.so",  "libc.so",      "ld-linux",
                                            "libasan.so",   "libubsan.so"};
  for (size_t pos = r.out.find("(NEEDED)"); pos != std::string::npos;
       pos = r.out.find("(NEEDED)", pos + 1)) {
    size_t open = r.out.find('[', pos), close = r.out.find(']', open);
    std::string lib = r.out.substr(open + 1, close - open - 1);
    bool ok = false;
    for (const std::string& a : allowed) ok = ok || lib.rfind(a, 0) == 0;
    EXPECT_TRUE(ok) << "ccverify-agent needs " << lib;
  }
}

TEST(ReportDataTest, IsSha512OfNonceThenUserData) {
  // Independent value: SHA-512 of the empty string (FIPS 180-2 test vector).
  EXPECT_EQ(ToHex(ReportDataFor({}, {})),
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
            "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
  // SHA-512("abc") = ddaf35a1...a54ca49f, split between nonce and user data.
  std::vector<uint8_t> a = {'a'}, bc = {'b', 'c'};
  EXPECT_EQ(ToHex(ReportDataFor(a, bc)).substr(0, 16), "ddaf35a193617aba");
}

}  // namespace
}  // namespace ccv::agent
