#include "agent/configfs_tsm.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>

#include "agent/internal/fs_util.h"
#include "parsers/core/file_io.h"

namespace ccv::agent {
namespace {

// linux/magic.h CONFIGFS_MAGIC.
constexpr long kConfigfsMagic = 0x62656570;
constexpr std::string_view kTemplateName = ".template";

std::atomic<uint32_t> g_entry_counter{0};

bool IsConfigfs(const std::string& dir) {
  struct statfs sfs;
  if (::statfs(dir.c_str(), &sfs) != 0) return false;
  return static_cast<long>(sfs.f_type) == kConfigfsMagic;
}

// An entry we created; removed (with the fake's links) when it goes away.
class TsmEntry {
 public:
  TsmEntry() = default;
  TsmEntry(const TsmEntry&) = delete;
  TsmEntry& operator=(const TsmEntry&) = delete;
  ~TsmEntry() { Remove(); }

  Status Create(const std::string& report_dir) {
    for (int attempt = 0; attempt < 16; ++attempt) {
      std::string name = "ccverify-agent-" + std::to_string(::getpid()) + "-" +
                         std::to_string(g_entry_counter.fetch_add(1));
      std::string path = report_dir + "/" + name;
      if (::mkdir(path.c_str(), 0700) == 0) {
        path_ = std::move(path);
        break;
      }
      if (errno != EEXIST) {
        return internal::ErrnoStatus(ErrorCode::kIo, "cannot create a configfs-tsm entry",
                                     path);
      }
    }
    if (path_.empty()) {
      return Status(ErrorCode::kIo, "no free configfs-tsm entry name").WithFile(report_dir);
    }
    if (IsConfigfs(report_dir)) return Status::Ok();
    // Not configfs: a fake tree. Serve the entry from `.template` if present.
    std::string tmpl = report_dir + "/" + std::string(kTemplateName);
    Result<std::vector<std::string>> names = internal::ListDir(tmpl);
    if (!names.ok()) {
      return Status(ErrorCode::kIo,
                    "not a configfs mount and no .template directory: not a "
                    "configfs-tsm report interface")
          .WithFile(report_dir);
    }
    for (const std::string& n : *names) {
      std::string link = path_ + "/" + n;
      std::string target = "../" + std::string(kTemplateName) + "/" + n;
      if (::symlink(target.c_str(), link.c_str()) != 0) {
        return internal::ErrnoStatus(ErrorCode::kIo, "cannot link a template attribute",
                                     link);
      }
      links_.push_back(std::move(link));
    }
    return Status::Ok();
  }

  const std::string& path() const { return path_; }

  void Remove() {
    for (const std::string& l : links_) ::unlink(l.c_str());
    links_.clear();
    if (!path_.empty()) ::rmdir(path_.c_str());
    path_.clear();
  }

 private:
  std::string path_;
  std::vector<std::string> links_;
};

Result<uint64_t> ReadGeneration(const std::string& entry) {
  std::string path = entry + "/generation";
  CCV_ASSIGN_OR_RETURN(std::string text, ReadFileText(path, 64));
  Result<uint64_t> g = ParseTsmGeneration(text);
  if (!g.ok()) return g.status().WithFile(path);
  return g;
}

}  // namespace

Result<uint64_t> ParseTsmGeneration(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (text.empty() || text.size() > 19) {
    return ParseError(ErrorCode::kBadValue, 0, "generation",
                      "expected a decimal counter of 1 to 19 digits");
  }
  uint64_t v = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c < '0' || c > '9') {
      return ParseError(ErrorCode::kBadValue, i, "generation",
                        "expected a decimal digit");
    }
    v = v * 10 + uint64_t(c - '0');
  }
  return v;
}

Result<TsmReport> GetTsmReport(const std::string& report_dir,
                               const std::array<uint8_t, kTsmInblobLen>& inblob) {
  struct stat st;
  if (::stat(report_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status(ErrorCode::kNotFound,
                  "no configfs-tsm report directory (kernel without "
                  "CONFIG_TSM_REPORTS, or configfs not mounted)")
        .WithFile(report_dir);
  }
  TsmEntry entry;
  CCV_RETURN_IF_ERROR(entry.Create(report_dir));

  TsmReport report;
  if (Result<std::string> p = ReadFileText(entry.path() + "/provider", 256); p.ok()) {
    report.provider = *p;
    while (!report.provider.empty() &&
           (report.provider.back() == '\n' || report.provider.back() == '\0')) {
      report.provider.pop_back();
    }
  }
  CCV_ASSIGN_OR_RETURN(uint64_t before, ReadGeneration(entry.path()));
  // One write(2) of all 64 bytes: configfs binary attributes are committed on
  // release, a fake FIFO is read to EOF.
  CCV_RETURN_IF_ERROR(internal::WriteExisting(entry.path() + "/inblob", inblob.data(),
                                              inblob.size()));
  Result<std::vector<uint8_t>> out =
      ReadFileBytes(entry.path() + "/outblob", kTsmOutblobMaxLen);
  if (!out.ok()) {
    return out.status().WithContext("no quote: reading the configfs-tsm outblob failed");
  }
  if (out->empty()) {
    return Status(ErrorCode::kIo, "no quote: the configfs-tsm outblob is empty")
        .WithFile(entry.path() + "/outblob");
  }
  CCV_ASSIGN_OR_RETURN(uint64_t after, ReadGeneration(entry.path()));
  if (after != before + 1) {
    return Status(ErrorCode::kBadValue,
                  "generation went from " + std::to_string(before) + " to " +
                      std::to_string(after) +
                      " around our one inblob write: another writer used this "
                      "entry, the outblob may not answer our inblob")
        .WithFile(entry.path() + "/generation")
        .WithField("generation");
  }
  report.outblob = std::move(out).value();
  report.generation = after;
  return report;
}

}  // namespace ccv::agent
