#include "verifier/collateral/cache.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>
#include <system_error>

#include "parsers/core/file_io.h"

namespace ccv::collateral {

namespace {

constexpr uint64_t kMaxEntryLen = uint64_t{16} << 20;

}  // namespace

std::string CollateralCache::PathFor(const CollateralKey& key) const {
  std::string name = std::string(TeeName(key.tee)) + "-" + FmspcHex(key.fmspc) + "-" +
                     std::string(PckCaName(key.ca)) + ".json";
  if (dir_.empty()) return name;
  return dir_.back() == '/' ? dir_ + name : dir_ + "/" + name;
}

Result<std::optional<quote::QuoteCollateral>> CollateralCache::Load(
    const CollateralKey& key) const {
  const std::string path = PathFor(key);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::optional<quote::QuoteCollateral>();
    return Status(ErrorCode::kIo, std::string("cannot read: ") + std::strerror(errno))
        .WithFile(path);
  }
  CCV_ASSIGN_OR_RETURN(InputFile f, InputFile::Open(path));
  CCV_ASSIGN_OR_RETURN(std::string text, f.ReadAllText(kMaxEntryLen));
  auto c = quote::ParseCollateralJson(text);
  if (!c.ok()) return c.status().WithFile(path);
  return std::optional<quote::QuoteCollateral>(std::move(*c));
}

Status CollateralCache::Store(const CollateralKey& key, const quote::QuoteCollateral& c) const {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) {
    return Status(ErrorCode::kIo, "cannot create the cache directory: " + ec.message())
        .WithFile(dir_);
  }
  return WriteFileAtomically(PathFor(key), quote::CollateralToJson(c));
}

bool IsFresh(int64_t next_update, Time at) { return at <= Time(next_update); }

Result<std::string> CachedCollateralPath(const std::string& dir, Bytes quote,
                                         const quote::SuppliedPckChain* pck_chain) {
  CCV_ASSIGN_OR_RETURN(CollateralKey key, CollateralKeyFromQuote(quote, pck_chain));
  CollateralCache cache(dir);
  std::string path = cache.PathFor(key);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status(ErrorCode::kNotFound, "the collateral cache holds nothing for " +
                                            DescribeKey(key) +
                                            " (ccverify collateral fetch --cache fills it)")
        .WithFile(path);
  }
  return path;
}

}  // namespace ccv::collateral
