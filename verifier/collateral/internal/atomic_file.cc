#include "verifier/collateral/internal/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace ccv::collateral::internal {

namespace {

Status IoError(const std::string& path, const char* what, int err) {
  return Status(ErrorCode::kIo, std::string(what) + ": " + std::strerror(err)).WithFile(path);
}

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view data) {
  // mkstemp's template lives beside `path`, so the rename stays on one file
  // system; the leading '.' keeps it out of plain directory listings.
  std::string dir = ".", base = path;
  size_t slash = path.rfind('/');
  if (slash != std::string::npos) {
    dir = slash == 0 ? "/" : path.substr(0, slash);
    base = path.substr(slash + 1);
  }
  if (base.empty()) return Status(ErrorCode::kIo, "not a file name").WithFile(path);
  std::string tmpl = (dir == "/" ? "" : dir) + "/." + base + ".tmp.XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) return IoError(path, "cannot create a temporary file beside it", errno);
  const std::string tmp(name.data());
  // mkstemp creates mode 0600; collateral is public, Intel-signed data.
  ::fchmod(fd, 0644);
  auto fail = [&](const char* what) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return IoError(path, what, err);
  };
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write failed");
    }
    done += size_t(n);
  }
  if (::fsync(fd) != 0) return fail("fsync failed");
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return IoError(path, "close failed", err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return IoError(path, "rename failed", err);
  }
  return Status::Ok();
}

}  // namespace ccv::collateral::internal
