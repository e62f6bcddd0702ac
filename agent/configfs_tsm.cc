#include "agent/configfs_tsm.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <utility>

#include "agent/internal/fs_util.h"
#include "parsers/core/file_io.h"

namespace ccv::agent {
namespace {

// linux/magic.h CONFIGFS_MAGIC.
constexpr long kConfigfsMagic = 0x62656570;
constexpr char kTemplateName[] = ".template";

std::atomic<uint32_t> g_entry_counter{0};

bool IsConfigfs(int dir_fd) {
  struct statfs sfs;
  if (::fstatfs(dir_fd, &sfs) != 0) return false;
  return static_cast<long>(sfs.f_type) == kConfigfsMagic;
}

// An entry we created in the report directory; removed when it goes away.
// Its attributes are read from `attr_dir()`: the entry itself on configfs, the
// fake's `.template` elsewhere (see configfs_tsm.h).
class TsmEntry {
 public:
  TsmEntry() = default;
  TsmEntry(const TsmEntry&) = delete;
  TsmEntry& operator=(const TsmEntry&) = delete;
  ~TsmEntry() { Remove(); }

  Status Create(int report_fd, const std::string& report_dir) {
    report_fd_ = report_fd;
    for (int attempt = 0; attempt < 16; ++attempt) {
      std::string name = "ccverify-agent-" + std::to_string(::getpid()) + "-" +
                         std::to_string(g_entry_counter.fetch_add(1));
      if (::mkdirat(report_fd, name.c_str(), 0700) == 0) {
        name_ = std::move(name);
        break;
      }
      if (errno != EEXIST) {
        return internal::ErrnoStatus(ErrorCode::kIo, "cannot create a configfs-tsm entry",
                                     report_dir + "/" + name);
      }
    }
    if (name_.empty()) {
      return Status(ErrorCode::kIo, "no free configfs-tsm entry name").WithFile(report_dir);
    }
    configfs_ = IsConfigfs(report_fd);
    std::string dir = configfs_ ? name_ : std::string(kTemplateName);
    attr_path_ = report_dir + "/" + dir;
    int fd = ::openat(report_fd, dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ELOOP || errno == ENOTDIR) {
        return Status(ErrorCode::kIo,
                      "refusing a symbolic link or another file type where a "
                      "directory is expected")
            .WithFile(attr_path_)
            .WithField(internal::kFileTypeField);
      }
      if (!configfs_) {
        return Status(ErrorCode::kIo,
                      "not a configfs mount and no .template directory (links are not "
                      "followed): not a configfs-tsm report interface")
            .WithFile(report_dir);
      }
      return internal::ErrnoStatus(ErrorCode::kIo, "cannot open the configfs-tsm entry",
                                   attr_path_);
    }
    attr_fd_ = internal::ScopedFd(fd);
    return Status::Ok();
  }

  int attr_dir() const { return attr_fd_.get(); }
  const std::string& attr_path() const { return attr_path_; }
  bool configfs() const { return configfs_; }
  std::string PathOf(const std::string& name) const { return attr_path_ + "/" + name; }

  void Remove() {
    attr_fd_ = internal::ScopedFd();
    if (!name_.empty()) ::unlinkat(report_fd_, name_.c_str(), AT_REMOVEDIR);
    name_.clear();
  }

 private:
  int report_fd_ = -1;  // not owned
  std::string name_;
  std::string attr_path_;
  internal::ScopedFd attr_fd_;
  bool configfs_ = false;
};

// configfs attributes are regular files; the fake serves inblob and outblob
// through FIFOs.
internal::FileKind KindFor(const TsmEntry& entry) {
  return entry.configfs() ? internal::FileKind::kRegular : internal::FileKind::kRegularOrFifo;
}

Result<uint64_t> ReadGeneration(const TsmEntry& entry) {
  std::string path = entry.PathOf("generation");
  Result<std::vector<uint8_t>> read =
      internal::ReadAt(entry.attr_dir(), "generation", internal::FileKind::kRegular, 64, path);
  if (!read.ok() && read.status().code() == ErrorCode::kNotFound) {
    return Status(ErrorCode::kIo, "the configfs-tsm entry has no generation").WithFile(path);
  }
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, std::move(read));
  Result<uint64_t> g = ParseTsmGeneration(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
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
      return ParseError(ErrorCode::kBadValue, i, "generation", "expected a decimal digit");
    }
    v = v * 10 + uint64_t(c - '0');
  }
  return v;
}

Result<TsmReport> GetTsmReport(const std::string& report_dir,
                               const std::array<uint8_t, kTsmInblobLen>& inblob) {
  int fd = ::open(report_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return Status(ErrorCode::kNotFound,
                  "no configfs-tsm report directory (kernel without "
                  "CONFIG_TSM_REPORTS, or configfs not mounted)")
        .WithFile(report_dir);
  }
  internal::ScopedFd dir(fd);
  return GetTsmReportAt(dir.get(), report_dir, inblob);
}

Result<TsmReport> GetTsmReportAt(int report_dir_fd, const std::string& report_dir,
                                 const std::array<uint8_t, kTsmInblobLen>& inblob) {
  TsmEntry entry;
  CCV_RETURN_IF_ERROR(entry.Create(report_dir_fd, report_dir));
  const int at = entry.attr_dir();
  const internal::FileKind blob_kind = KindFor(entry);
  TsmReport report;
  if (internal::ExistsAt(at, "provider")) {
    CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> p,
                         internal::ReadAt(at, "provider", internal::FileKind::kRegular, 256,
                                          entry.PathOf("provider")));
    report.provider.assign(p.begin(), p.end());
    while (!report.provider.empty() &&
           (report.provider.back() == '\n' || report.provider.back() == '\0')) {
      report.provider.pop_back();
    }
  }
  CCV_ASSIGN_OR_RETURN(uint64_t before, ReadGeneration(entry));
  // Every attribute is checked before our one write (generation and provider
  // by reading them above): a link or a file of the wrong type anywhere is
  // refused before anything is written.
  for (const char* name : {"inblob", "outblob"}) {
    Status s = internal::CheckKindAt(at, name, blob_kind, entry.PathOf(name));
    if (s.code() == ErrorCode::kNotFound) {
      return Status(ErrorCode::kIo, "the configfs-tsm entry has no " + std::string(name))
          .WithFile(entry.PathOf(name));
    }
    CCV_RETURN_IF_ERROR(s);
  }
  // inblob: a regular configfs attribute on a guest; on a fake tree only the
  // fake's FIFO (a regular file there would be some file of the tree).
  const internal::FileKind inblob_kind =
      entry.configfs() ? internal::FileKind::kRegular : internal::FileKind::kRegularOrFifo;
  if (!entry.configfs()) {
    struct stat st;
    if (::fstatat(at, "inblob", &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISFIFO(st.st_mode)) {
      return Status(ErrorCode::kIo,
                    "refusing to write a regular file outside configfs: a fake tree's "
                    "inblob must be a FIFO")
          .WithFile(entry.PathOf("inblob"))
          .WithField(internal::kFileTypeField);
    }
  }

  // One write(2) of all 64 bytes: configfs binary attributes are committed on
  // release, a fake FIFO is read to EOF.
  CCV_RETURN_IF_ERROR(
      internal::WriteExistingAt(at, "inblob", inblob_kind, entry.configfs() ? kConfigfsMagic : 0,
                                inblob.data(), inblob.size(), entry.PathOf("inblob")));
  Result<std::vector<uint8_t>> out =
      internal::ReadAt(at, "outblob", blob_kind, kTsmOutblobMaxLen, entry.PathOf("outblob"));
  if (!out.ok()) {
    return out.status().WithContext("no quote: reading the configfs-tsm outblob failed");
  }
  if (out->empty()) {
    return Status(ErrorCode::kIo, "no quote: the configfs-tsm outblob is empty")
        .WithFile(entry.PathOf("outblob"));
  }
  CCV_ASSIGN_OR_RETURN(uint64_t after, ReadGeneration(entry));
  if (after != before + 1) {
    return Status(ErrorCode::kBadValue,
                  "generation went from " + std::to_string(before) + " to " +
                      std::to_string(after) +
                      " around our one inblob write: another writer used this "
                      "entry, the outblob may not answer our inblob")
        .WithFile(entry.PathOf("generation"))
        .WithField("generation");
  }
  report.outblob = std::move(out).value();
  report.generation = after;
  return report;
}

}  // namespace ccv::agent
