#include "agent/tpm_transport.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent/internal/fs_util.h"
#include "agent/tpm_command_format.h"

namespace ccv::agent {
namespace {

namespace tf = tpm_format;

// How long a command may take: key generation on a slow TPM takes seconds.
constexpr int kTimeoutMs = 120'000;

uint32_t HeaderSize(std::span<const uint8_t> header) {
  return uint32_t{header[2]} << 24 | uint32_t{header[3]} << 16 | uint32_t{header[4]} << 8 |
         header[5];
}

Status WaitReadable(int fd, const std::string& path) {
  pollfd p{fd, POLLIN, 0};
  int n;
  do {
    n = ::poll(&p, 1, kTimeoutMs);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return internal::ErrnoStatus(ErrorCode::kIo, "poll", path);
  if (n == 0) {
    return Status(ErrorCode::kIo,
                  "the TPM did not answer within " + std::to_string(kTimeoutMs / 1000) + " s")
        .WithFile(path);
  }
  return Status::Ok();
}

Status WriteAll(int fd, std::span<const uint8_t> data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return internal::ErrnoStatus(ErrorCode::kIo, "write to the TPM", path);
    done += size_t(n);
  }
  return Status::Ok();
}

Status CheckResponseSize(size_t header_size, size_t got, const std::string& path) {
  if (header_size < tf::kHeaderLen || header_size > tf::kMaxResponseLen || header_size != got) {
    return Status(ErrorCode::kBadLength, "TPM response of " + std::to_string(got) +
                                             " bytes whose header says " +
                                             std::to_string(header_size))
        .WithFile(path);
  }
  return Status::Ok();
}

// The kernel's TPM character device: one write, one read of the whole response.
class DeviceTransport : public TpmTransport {
 public:
  DeviceTransport(internal::ScopedFd fd, std::string path)
      : fd_(std::move(fd)), path_(std::move(path)) {}
  Result<std::vector<uint8_t>> Transmit(std::span<const uint8_t> command) override {
    ssize_t w;
    do {
      w = ::write(fd_.get(), command.data(), command.size());
    } while (w < 0 && errno == EINTR);
    if (w < 0) return internal::ErrnoStatus(ErrorCode::kIo, "write to the TPM", path_);
    if (size_t(w) != command.size()) {
      return Status(ErrorCode::kIo, "short write to the TPM").WithFile(path_);
    }
    CCV_RETURN_IF_ERROR(WaitReadable(fd_.get(), path_));
    std::vector<uint8_t> buf(tf::kMaxResponseLen + 1);
    ssize_t n;
    do {
      n = ::read(fd_.get(), buf.data(), buf.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0) return internal::ErrnoStatus(ErrorCode::kIo, "read from the TPM", path_);
    buf.resize(size_t(n));
    if (buf.size() < tf::kHeaderLen) {
      return Status(ErrorCode::kBadLength,
                    "TPM response of " + std::to_string(n) + " bytes, shorter than its header")
          .WithFile(path_);
    }
    CCV_RETURN_IF_ERROR(CheckResponseSize(HeaderSize(buf), buf.size(), path_));
    return buf;
  }
  const std::string& path() const override { return path_; }

 private:
  internal::ScopedFd fd_;
  std::string path_;
};

// A stream socket: the response is read by its header's size.
class SocketTransport : public TpmTransport {
 public:
  SocketTransport(internal::ScopedFd fd, std::string path)
      : fd_(std::move(fd)), path_(std::move(path)) {}
  Result<std::vector<uint8_t>> Transmit(std::span<const uint8_t> command) override {
    CCV_RETURN_IF_ERROR(WriteAll(fd_.get(), command, path_));
    std::vector<uint8_t> buf(tf::kHeaderLen);
    CCV_RETURN_IF_ERROR(ReadExactly(buf.data(), buf.size()));
    uint32_t size = HeaderSize(buf);
    if (size < tf::kHeaderLen || size > tf::kMaxResponseLen) {
      return Status(ErrorCode::kBadLength, "TPM response whose header says " +
                                               std::to_string(size) + " bytes (expected " +
                                               std::to_string(tf::kHeaderLen) + " to " +
                                               std::to_string(tf::kMaxResponseLen) + ")")
          .WithFile(path_);
    }
    buf.resize(size);
    CCV_RETURN_IF_ERROR(ReadExactly(buf.data() + tf::kHeaderLen, size - tf::kHeaderLen));
    return buf;
  }
  const std::string& path() const override { return path_; }

 private:
  Status ReadExactly(uint8_t* out, size_t len) {
    size_t done = 0;
    while (done < len) {
      CCV_RETURN_IF_ERROR(WaitReadable(fd_.get(), path_));
      ssize_t n = ::read(fd_.get(), out + done, len - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return internal::ErrnoStatus(ErrorCode::kIo, "read from the TPM", path_);
      if (n == 0) {
        return Status(ErrorCode::kIo, "the TPM closed the connection mid-response").WithFile(path_);
      }
      done += size_t(n);
    }
    return Status::Ok();
  }

  internal::ScopedFd fd_;
  std::string path_;
};

Result<std::unique_ptr<TpmTransport>> ConnectSocket(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    return Status(ErrorCode::kInvalidArgument, "socket path too long").WithFile(path);
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  internal::ScopedFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return internal::ErrnoStatus(ErrorCode::kIo, "socket", path);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    return internal::ErrnoStatus(ErrorCode::kIo, "connect to the TPM socket", path);
  }
  return std::unique_ptr<TpmTransport>(new SocketTransport(std::move(fd), path));
}

Status WrongType(const std::string& path) {
  return Status(ErrorCode::kIo,
                "refusing a TPM that is not a character device or a unix socket (links are "
                "not followed)")
      .WithFile(path)
      .WithField(internal::kFileTypeField);
}

}  // namespace

Result<std::unique_ptr<TpmTransport>> OpenTpmBeneath(const std::string& root,
                                                     std::string_view relative) {
  std::string path = root + (root.ends_with('/') ? "" : "/") + std::string(relative);
  size_t slash = relative.rfind('/');
  std::string dir(slash == std::string_view::npos ? "" : relative.substr(0, slash));
  std::string name(slash == std::string_view::npos ? relative : relative.substr(slash + 1));
  Result<int> dir_fd = internal::OpenDirBeneath(root, dir);
  if (!dir_fd.ok()) {
    if (dir_fd.status().code() == ErrorCode::kNotFound) {
      return Status(ErrorCode::kNotFound, "no TPM device").WithFile(path);
    }
    return dir_fd.status();
  }
  internal::ScopedFd d(*dir_fd);
  struct stat st;
  if (::fstatat(d.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return Status(ErrorCode::kNotFound, "no TPM device").WithFile(path);
    return internal::ErrnoStatus(ErrorCode::kIo, "stat", path);
  }
  if (S_ISSOCK(st.st_mode)) return ConnectSocket(path);
  if (!S_ISCHR(st.st_mode)) return WrongType(path);
  int fd = ::openat(d.get(), name.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return internal::ErrnoStatus(ErrorCode::kIo, "open", path);
  internal::ScopedFd owned(fd);
  // Checked again on the open file: what is checked is what is used.
  if (::fstat(owned.get(), &st) != 0 || !S_ISCHR(st.st_mode)) return WrongType(path);
  return std::unique_ptr<TpmTransport>(new DeviceTransport(std::move(owned), path));
}

Result<std::unique_ptr<TpmTransport>> OpenTpmPath(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status(ErrorCode::kNotFound, "no TPM device").WithFile(path);
    return internal::ErrnoStatus(ErrorCode::kIo, "stat", path);
  }
  if (S_ISSOCK(st.st_mode)) return ConnectSocket(path);
  if (!S_ISCHR(st.st_mode)) return WrongType(path);
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return internal::ErrnoStatus(ErrorCode::kIo, "open", path);
  internal::ScopedFd owned(fd);
  if (::fstat(owned.get(), &st) != 0 || !S_ISCHR(st.st_mode)) return WrongType(path);
  return std::unique_ptr<TpmTransport>(new DeviceTransport(std::move(owned), path));
}

}  // namespace ccv::agent
