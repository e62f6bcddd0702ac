// How the agent talks to a TPM: one command in, one response out, over the
// kernel's TPM device (/dev/tpmrm0, the resource-managed device: one write
// per command, one read per response, objects flushed when the file is
// closed) or a unix stream socket carrying raw TPM commands (swtpm's
// `--server type=unixio`, which tests use in place of a device).
// Thread safety: a transport is used by one thread at a time.
#ifndef CCV_AGENT_TPM_TRANSPORT_H_
#define CCV_AGENT_TPM_TRANSPORT_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/result.h"

namespace ccv::agent {

class TpmTransport {
 public:
  virtual ~TpmTransport() = default;
  // Sends `command` (a whole marshalled command) and returns the whole
  // response, header included, its size as its header says. Errors: kIo
  // naming the device (short write, no answer within the timeout, closed
  // connection), kBadLength (a response whose header size is wrong or above
  // tpm_format::kMaxResponseLen).
  virtual Result<std::vector<uint8_t>> Transmit(std::span<const uint8_t> command) = 0;
  // The device's path, for messages.
  virtual const std::string& path() const = 0;
};

// Opens `relative` beneath `root` without following links (agent/internal/
// fs_util.h): a character device, or a unix socket. Errors: kNotFound when
// absent; kIo naming the path when it is a link or another file type
// (field kFileTypeField) or cannot be opened or connected.
Result<std::unique_ptr<TpmTransport>> OpenTpmBeneath(const std::string& root,
                                                     std::string_view relative);

// Opens `path` as given (the operator named it, as `--root`): a character
// device or a unix socket. Errors as OpenTpmBeneath.
Result<std::unique_ptr<TpmTransport>> OpenTpmPath(const std::string& path);

}  // namespace ccv::agent

#endif  // CCV_AGENT_TPM_TRANSPORT_H_
