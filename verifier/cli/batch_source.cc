// Where a batch's bundle paths come from (a directory, a list, standard
// input) and which of them a shard takes (batch.h).
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <span>
#include <utility>

#include "parsers/core/hash_alg.h"
#include "verifier/cli/batch.h"
#include "verifier/crypto/digest.h"

namespace ccv::cli {

namespace fs = std::filesystem;

namespace {

constexpr uint64_t kMaxShards = 1000000;
constexpr size_t kMaxListLine = 4096;

Result<uint64_t> ParseCount(std::string_view s) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
    return Status(ErrorCode::kInvalidArgument, "not a number");
  }
  return v;
}

}  // namespace

Result<Shard> ParseShard(std::string_view text) {
  const Status bad(ErrorCode::kInvalidArgument,
                   "--shard: expected K/N with 0 <= K < N <= 1000000 (e.g. 0/4), not '" +
                       std::string(text) + "'");
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad;
  auto k = ParseCount(text.substr(0, slash));
  auto n = ParseCount(text.substr(slash + 1));
  if (!k.ok() || !n.ok() || *n == 0 || *n > kMaxShards || *k >= *n) return bad;
  return Shard{*k, *n};
}

uint64_t ShardOf(std::string_view path, uint64_t count) {
  const Digest d = crypto::Hash(
      HashAlg::kSha256,
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(path.data()), path.size()));
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | d.bytes[i];
  return count == 0 ? 0 : v % count;
}

// --- sources --------------------------------------------------------------------

namespace {

class DirSource : public BundleSource {
 public:
  explicit DirSource(std::string dir) : dir_(std::move(dir)) {}
  Status Open() {
    std::error_code ec;
    it_ = fs::directory_iterator(dir_, ec);
    if (ec) return Status(ErrorCode::kIo, "cannot list: " + ec.message()).WithFile(dir_);
    return Status::Ok();
  }
  Result<std::optional<std::string>> Next() override {
    std::error_code ec;
    for (; it_ != fs::directory_iterator(); it_.increment(ec)) {
      if (ec) return Status(ErrorCode::kIo, "cannot list: " + ec.message()).WithFile(dir_);
      const fs::directory_entry& entry = *it_;
      const std::string name = entry.path().filename().string();
      if (name.empty() || name[0] == '.' || !entry.is_directory(ec)) continue;
      std::string path = (fs::path(dir_) / name).string();
      it_.increment(ec);
      if (ec) return Status(ErrorCode::kIo, "cannot list: " + ec.message()).WithFile(dir_);
      return std::optional<std::string>(std::move(path));
    }
    return std::optional<std::string>();
  }

 private:
  std::string dir_;
  fs::directory_iterator it_;
};

class LineSource : public BundleSource {
 public:
  LineSource(std::istream* in, std::string name, std::unique_ptr<std::istream> owned = nullptr)
      : owned_(std::move(owned)), in_(in), name_(std::move(name)) {}
  Result<std::optional<std::string>> Next() override {
    std::string line;
    while (std::getline(*in_, line)) {
      ++line_no_;
      if (line.size() > kMaxListLine) {
        return Status(ErrorCode::kBadValue, "line " + std::to_string(line_no_) + " is over " +
                                                std::to_string(kMaxListLine) +
                                                " bytes (expected one bundle path a line)")
            .WithFile(name_);
      }
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      return std::optional<std::string>(std::move(line));
    }
    if (in_->bad()) {
      return Status(ErrorCode::kIo, "read failed after line " + std::to_string(line_no_))
          .WithFile(name_);
    }
    return std::optional<std::string>();
  }

 private:
  std::unique_ptr<std::istream> owned_;
  std::istream* in_;
  std::string name_;
  uint64_t line_no_ = 0;
};

}  // namespace

std::unique_ptr<BundleSource> BundleSourceFromStream(std::istream* in, std::string name) {
  return std::make_unique<LineSource>(in, std::move(name));
}

Result<std::unique_ptr<BundleSource>> OpenBundleSource(const std::string& spec) {
  if (spec == "-") return BundleSourceFromStream(&std::cin, "standard input");
  std::error_code ec;
  if (fs::is_directory(spec, ec)) {
    if (fs::exists(fs::path(spec) / "evidence.json", ec)) {
      return Status(ErrorCode::kInvalidArgument,
                    "--batch " + spec +
                        ": this is one bundle (it holds evidence.json); give the directory "
                        "that holds the bundles, or verify it alone");
    }
    auto src = std::make_unique<DirSource>(spec);
    CCV_RETURN_IF_ERROR(src->Open());
    return std::unique_ptr<BundleSource>(std::move(src));
  }
  auto file = std::make_unique<std::ifstream>(spec);
  if (!*file) return Status(ErrorCode::kIo, "cannot open the bundle list").WithFile(spec);
  std::istream* in = file.get();
  return std::unique_ptr<BundleSource>(std::make_unique<LineSource>(in, spec, std::move(file)));
}

}  // namespace ccv::cli
