#include "agent/guest_paths.h"

namespace ccv::agent {

GuestPaths::GuestPaths(const std::string& root) {
  size_t end = root.find_last_not_of('/');
  // "" and "/" (or "//") are the live guest.
  root_ = end == std::string::npos ? std::string(1, '/') : root.substr(0, end + 1);
  fake_ = root_ != "/";
}

std::string GuestPaths::Resolve(std::string_view relative) const {
  while (!relative.empty() && relative.front() == '/') relative.remove_prefix(1);
  std::string out = root_;
  if (out.back() != '/') out += '/';
  out += relative;
  return out;
}

}  // namespace ccv::agent
