#include "agent/bundle_writer.h"

#include <cerrno>
#include <cstdlib>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/internal/fs_util.h"

namespace ccv::agent {
namespace {

bool ValidFileName(const std::string& n) {
  return !n.empty() && n != "." && n != ".." && n.find('/') == std::string::npos &&
         n.find('\0') == std::string::npos;
}

}  // namespace

Status WriteBundleAtomically(const std::string& out_dir, const std::vector<BundleFile>& files) {
  std::string target = out_dir;
  while (target.size() > 1 && target.back() == '/') target.pop_back();
  size_t slash = target.rfind('/');
  std::string parent =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : target.substr(0, slash));
  std::string base = slash == std::string::npos ? target : target.substr(slash + 1);
  if (!ValidFileName(base)) {
    return Status(ErrorCode::kInvalidArgument, "not a usable output directory name")
        .WithFile(out_dir);
  }
  std::set<std::string> seen;
  for (const BundleFile& f : files) {
    if (!ValidFileName(f.name) || !seen.insert(f.name).second) {
      return Status(ErrorCode::kInvalidArgument,
                    "bad or duplicate bundle file name '" + f.name + "'");
    }
  }
  struct stat st;
  if (::lstat(target.c_str(), &st) == 0) {
    bool empty_dir = false;
    if (S_ISDIR(st.st_mode)) {
      Result<std::vector<std::string>> names = internal::ListDir(target);
      empty_dir = names.ok() && names->empty();
    }
    if (!empty_dir) {
      return Status(ErrorCode::kInvalidArgument,
                    "output exists and is not an empty directory: refusing to replace it")
          .WithFile(target);
    }
  }
  if (::stat(parent.c_str(), &st) != 0) {
    return internal::ErrnoStatus(ErrorCode::kIo, "output parent directory", parent);
  }
  if (!S_ISDIR(st.st_mode)) {
    return Status(ErrorCode::kIo, "output parent is not a directory").WithFile(parent);
  }

  std::string tmpl = parent + "/." + base + ".tmp-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) {
    return internal::ErrnoStatus(ErrorCode::kIo, "cannot create the bundle in the output directory",
                                 parent);
  }
  std::string tmp(buf.data());
  auto fail = [&](Status s) {
    internal::RemoveFlatDir(tmp);
    return s;
  };
  for (const BundleFile& f : files) {
    Status s = internal::WriteNewFileSynced(tmp + "/" + f.name, f.bytes.data(), f.bytes.size());
    if (!s.ok()) return fail(s);
  }
  if (::chmod(tmp.c_str(), 0755) != 0) {
    return fail(internal::ErrnoStatus(ErrorCode::kIo, "cannot set permissions", tmp));
  }
  if (Status s = internal::SyncDir(tmp); !s.ok()) return fail(s);
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    return fail(internal::ErrnoStatus(ErrorCode::kIo, "cannot move the bundle into place", target));
  }
  // The bundle is in place; a failing parent fsync only weakens durability.
  (void)internal::SyncDir(parent);
  return Status::Ok();
}

}  // namespace ccv::agent
