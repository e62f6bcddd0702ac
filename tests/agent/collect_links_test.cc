// ccverify-agent collect never follows a link below --root, never uses an
// attribute of the wrong file type, and never writes outside --out: for each
// attribute it touches (and the directories on the way) a link to a file
// outside the tree, a link to a directory, a directory and a FIFO make the
// run fail with a message naming the path, and leave the file the link
// points at and the --root tree unchanged.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "gtest/gtest.h"
#include "tests/agent/fake_guest.h"
#include "tests/testing/corpus.h"

namespace ccv::agent {
namespace {

namespace fs = std::filesystem;
using namespace ::ccv::testing;  // NOLINT: test helpers

constexpr char kTemplate[] = "sys/kernel/config/tsm/report/.template";
const std::string kSentinelText(200, 'S');

// Type and content of every name in a tree (links and FIFOs not followed).
std::map<std::string, std::string> Snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    fs::file_status st = it->symlink_status();
    std::string rel = fs::relative(it->path(), dir).string();
    switch (st.type()) {
      case fs::file_type::symlink:
        out[rel] = "link:" + fs::read_symlink(it->path()).string();
        break;
      case fs::file_type::directory:
        out[rel] = "dir";
        break;
      case fs::file_type::fifo:
        out[rel] = "fifo";
        break;
      case fs::file_type::regular: {
        auto b = ReadAll(it->path());
        out[rel] = "file:" + std::string(b.begin(), b.end());
        break;
      }
      default:
        out[rel] = "other";
    }
  }
  return out;
}

// Copies a tree, FIFOs included (std::filesystem::copy refuses them).
void CopyTree(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  for (const auto& e : fs::directory_iterator(from)) {
    fs::path dst = to / e.path().filename();
    fs::file_status st = e.symlink_status();
    if (st.type() == fs::file_type::directory) {
      CopyTree(e.path(), dst);
    } else if (st.type() == fs::file_type::fifo) {
      ASSERT_EQ(::mkfifo(dst.c_str(), 0600), 0);
    } else {
      fs::copy(e.path(), dst, fs::copy_options::copy_symlinks);
    }
  }
}

enum class Bad { kLinkToFile, kLinkToDir, kDirectory, kFifo, kRegularFile };

const char* BadName(Bad b) {
  switch (b) {
    case Bad::kLinkToFile:
      return "link to a file outside";
    case Bad::kLinkToDir:
      return "link to a directory outside";
    case Bad::kDirectory:
      return "directory";
    case Bad::kFifo:
      return "FIFO";
    case Bad::kRegularFile:
      return "regular file";
  }
  return "";
}

class CollectLinksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto corpus = CorpusDir();
    if (!corpus) GTEST_SKIP() << "shared corpus not found";
    work_ = MakeTempDir("links");
    root_ = work_ / "guest";
    outside_ = work_ / "outside";
    out_parent_ = work_ / "out";
    fs::create_directories(out_parent_);
    fs::create_directories(outside_ / "dir");
    WriteText(outside_ / "sentinel", kSentinelText);
    WriteText(outside_ / "dir" / "keep", "keep");
    ccel_ = WriteCcapiTdGuest(*corpus / "evidence" / "ccapi-td", root_).ccel;
    WriteAll(root_ / kFakeTpmLog, ReadAll(*corpus / "tcg" / "tpm2-tools-tiny-event.bin"));
    // A fake configfs-tsm without a server: every failing run stops before
    // the exchange (a run that wrote the inblob would wait, and time out).
    WriteText(root_ / kTemplate / "provider", "tdx_guest\n");
    WriteText(root_ / kTemplate / "generation", "7\n");
    ASSERT_EQ(::mkfifo((root_ / kTemplate / "inblob").c_str(), 0600), 0);
    ASSERT_EQ(::mkfifo((root_ / kTemplate / "outblob").c_str(), 0600), 0);
  }
  void TearDown() override {
    tsm_.reset();
    if (!work_.empty()) fs::remove_all(work_);
  }

  // Replaces `rel` under the root by `bad`.
  void Plant(const std::string& rel, Bad bad) {
    fs::path p = root_ / rel;
    fs::remove_all(p);
    fs::create_directories(p.parent_path());
    switch (bad) {
      case Bad::kLinkToFile:
        fs::create_symlink(outside_ / "sentinel", p);
        break;
      case Bad::kLinkToDir:
        fs::create_symlink(outside_ / "dir", p);
        break;
      case Bad::kDirectory:
        fs::create_directories(p / "sub");
        break;
      case Bad::kFifo:
        ASSERT_EQ(::mkfifo(p.c_str(), 0600), 0);
        break;
      case Bad::kRegularFile:
        WriteText(p, kSentinelText);
        break;
    }
  }

  RunResult Collect(const fs::path& out) {
    return RunCommand({"timeout", "-s", "KILL", "20", (BinaryDir() / "ccverify-agent").string(),
                       "collect", "--root", root_.string(), "--out", out.string()});
  }

  // Runs with `rel` replaced by `bad`: the run fails naming `rel`, and
  // nothing outside --out changed.
  void ExpectRefused(const std::string& rel, Bad bad) {
    SCOPED_TRACE(rel + " as a " + BadName(bad));
    Plant(rel, bad);
    auto before_root = Snapshot(root_);
    auto before_outside = Snapshot(outside_);
    RunResult r = Collect(out_parent_ / "bundle");
    if (tsm_) tsm_->Stop();
    EXPECT_EQ(r.exit_code, 3) << r.err;  // not 137: no hang
    EXPECT_NE(r.err.find(rel), std::string::npos) << r.err;
    auto after_root = Snapshot(root_);
    if (tsm_) {  // the fake's own counter
      before_root.erase(std::string(kTemplate) + "/generation");
      after_root.erase(std::string(kTemplate) + "/generation");
    }
    EXPECT_EQ(after_root, before_root);
    EXPECT_EQ(Snapshot(outside_), before_outside);
    EXPECT_EQ(ReadAll(outside_ / "sentinel"),
              std::vector<uint8_t>(kSentinelText.begin(), kSentinelText.end()));
    EXPECT_TRUE(ListNames(out_parent_).empty());
  }

  // The IMA list and TPM log are read after the quote: those runs need a
  // quote service.
  void StartTsm() {
    fs::remove_all(root_ / kTemplate);
    tsm_ = std::make_unique<FakeTsm>(root_ / kFakeTsmReport,
                                     ReadAll(*CorpusDir() / "evidence" / "ccapi-td" / "quote.bin"));
  }

  fs::path work_, root_, outside_, out_parent_;
  std::vector<uint8_t> ccel_;
  std::unique_ptr<FakeTsm> tsm_;
};

const Bad kNotRegular[] = {Bad::kLinkToFile, Bad::kLinkToDir, Bad::kDirectory, Bad::kFifo};

TEST_F(CollectLinksTest, CcelFilesMustBeRegularFilesBelowTheRoot) {
  for (const char* rel : {kFakeCcelTable, kFakeCcelData}) {
    for (Bad bad : kNotRegular) {
      ExpectRefused(rel, bad);
      SetUp();
    }
  }
}

TEST_F(CollectLinksTest, ImaAndTpmListsMustBeRegularFilesBelowTheRoot) {
  for (const char* rel : {kFakeImaAscii, kFakeTpmLog}) {
    for (Bad bad : kNotRegular) {
      StartTsm();
      ExpectRefused(rel, bad);
      TearDown();
      SetUp();
    }
  }
}

TEST_F(CollectLinksTest, TsmGenerationAndProviderMustBeRegularFiles) {
  for (std::string name : {"generation", "provider"}) {
    for (Bad bad : kNotRegular) {
      ExpectRefused(std::string(kTemplate) + "/" + name, bad);
      SetUp();
    }
  }
}

TEST_F(CollectLinksTest, InblobLinkDoesNotOverwriteTheFileItPointsAt) {
  // The original attack: a link at inblob made the agent write 64 bytes
  // into the file it points at.
  for (Bad bad : {Bad::kLinkToFile, Bad::kLinkToDir, Bad::kDirectory, Bad::kRegularFile}) {
    ExpectRefused(std::string(kTemplate) + "/inblob", bad);
    SetUp();
  }
}

TEST_F(CollectLinksTest, OutblobMustBeTheFakesFifoOrARegularFile) {
  for (Bad bad : {Bad::kLinkToFile, Bad::kLinkToDir, Bad::kDirectory}) {
    ExpectRefused(std::string(kTemplate) + "/outblob", bad);
    SetUp();
  }
}

TEST_F(CollectLinksTest, TdxGuestDeviceMustNotBeALinkOrAFifo) {
  fs::remove_all(root_ / "sys/kernel/config");
  for (Bad bad : kNotRegular) {
    ExpectRefused(kFakeTdxGuest, bad);
    SetUp();
    fs::remove_all(root_ / "sys/kernel/config");
  }
}

TEST_F(CollectLinksTest, DirectoriesOnTheWayMustNotBeLinks) {
  // Each directory replaced by a link to a copy outside the tree.
  for (const std::string& rel : std::vector<std::string>{
           "sys/firmware/acpi/tables", "sys/kernel/security/integrity/ima",
           "sys/kernel/security/tpm0", "sys/kernel/config/tsm/report", kTemplate, "sys"}) {
    SCOPED_TRACE(rel);
    fs::path copy = outside_ / "copy";
    CopyTree(root_ / rel, copy);
    bool late = rel.find("security") != std::string::npos;
    if (late) StartTsm();
    fs::remove_all(root_ / rel);
    fs::create_symlink(copy, root_ / rel);
    auto before_root = Snapshot(root_);
    auto before_outside = Snapshot(outside_);
    RunResult r = Collect(out_parent_ / "bundle");
    if (tsm_) tsm_->Stop();
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find(rel), std::string::npos) << r.err;
    auto after_root = Snapshot(root_);
    before_root.erase(std::string(kTemplate) + "/generation");
    after_root.erase(std::string(kTemplate) + "/generation");
    EXPECT_EQ(after_root, before_root);
    EXPECT_EQ(Snapshot(outside_), before_outside);
    EXPECT_TRUE(ListNames(out_parent_).empty());
    TearDown();
    SetUp();
  }
}

TEST_F(CollectLinksTest, OutputThatIsALinkIsRefused) {
  // Without a quote service: the TDREPORT makes the tree collectable.
  fs::remove_all(root_ / "sys/kernel/config");
  WriteAll(root_ / kFakeTdxGuest, MakeTdReport({}));
  auto before_outside = Snapshot(outside_);
  fs::create_directories(outside_ / "empty");
  before_outside = Snapshot(outside_);
  for (const fs::path& target : {outside_ / "empty", outside_ / "sentinel", outside_ / "dir"}) {
    SCOPED_TRACE(target.string());
    fs::path out = out_parent_ / "bundle";
    fs::remove(out);
    fs::create_symlink(target, out);
    RunResult r = Collect(out);
    EXPECT_NE(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("bundle"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::is_symlink(out));
    EXPECT_EQ(ListNames(out_parent_), std::vector<std::string>{"bundle"});
    EXPECT_EQ(Snapshot(outside_), before_outside);
  }
  // A FIFO as --out is refused too, without blocking.
  fs::remove(out_parent_ / "bundle");
  ASSERT_EQ(::mkfifo((out_parent_ / "bundle").c_str(), 0600), 0);
  RunResult r = Collect(out_parent_ / "bundle");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, 124);
  // And the same tree collects into a plain --out.
  fs::remove(out_parent_ / "bundle");
  RunResult ok = Collect(out_parent_ / "bundle");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(fs::exists(out_parent_ / "bundle" / "tdreport.bin"));
}

}  // namespace
}  // namespace ccv::agent
