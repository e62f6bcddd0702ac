#include "benchmarks/gen/ima_gen.h"

#include <cstdio>

#include "parsers/core/hex.h"
#include "parsers/ima_register.h"
#include "verifier/crypto/digest.h"

namespace ccv::gen {
namespace {

std::string Le32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = char(v >> (8 * i));
  return s;
}

struct Field {
  std::string raw;    // bytes in the template data
  std::string ascii;  // as ascii_runtime_measurements prints it
};

Field DigestField(const std::string& prefix, const std::string& digest) {
  return {prefix + std::string(1, '\0') + digest, prefix + ToHex(AsBytes(digest))};
}
Field StringField(const std::string& s) { return {s + std::string(1, '\0'), s}; }
Field HexBytes(const std::string& b) { return {b, ToHex(AsBytes(b))}; }

}  // namespace

ImaGenerator::ImaGenerator(ImaGenOptions options) : opt_(std::move(options)), state_(opt_.seed) {
  for (HashAlg b : opt_.banks) reg_[b] = Digest::Zero(b);
}

uint64_t ImaGenerator::Rand() {  // splitmix64
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::string ImaGenerator::RandBytes(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = char(Rand());
  return s;
}

void ImaGenerator::Next(std::string* ascii, std::string* binary) {
  const uint64_t i = n_++;
  const bool violation = opt_.violation_every != 0 && (i + 1) % opt_.violation_every == 0;
  std::string path = "/usr/lib/gen/d" + std::to_string(Rand() % 1000) + "/file-" +
                     std::to_string(i) + (Rand() % 3 == 0 ? ".so.1" : "");
  std::string file_digest = violation ? std::string(32, '\0') : RandBytes(32);
  std::string name = "ima-ng";
  std::vector<Field> fields;
  if (i == 0 && opt_.boot_aggregate) {
    fields = {DigestField("sha256:", RandBytes(32)), StringField("boot_aggregate")};
  } else {
    unsigned pick = opt_.mixed_templates ? unsigned(Rand() % 20) : 0;
    Field dng = DigestField("sha256:", file_digest);
    switch (pick) {
      case 10:
      case 11:
        name = "ima-sig";
        fields = {dng, StringField(path), HexBytes(pick == 10 ? "\x03\x02" + RandBytes(70) : "")};
        break;
      case 12:
        name = "ima-buf";
        fields = {dng, StringField("kexec-cmdline"), HexBytes("root=/dev/vda1 ro " + RandBytes(8))};
        break;
      case 13:
        name = "ima-ngv2";
        fields = {DigestField("ima:sha256:", file_digest), StringField(path)};
        break;
      case 14:
        name = "ima-modsig";
        fields = {dng, StringField(path + ".ko"), HexBytes(""),
                  DigestField("sha256:", RandBytes(32)), HexBytes(RandBytes(40))};
        break;
      case 15: {
        name = "evm-sig";
        std::string mode{char(0xa4), char(0x81)};  // 0100644 little-endian
        fields = {dng,
                  StringField(path),
                  HexBytes(RandBytes(20)),
                  StringField("security.ima|security.evm"),
                  HexBytes(Le32(34) + Le32(20)),
                  HexBytes(RandBytes(54)),
                  {Le32(0), "0"},
                  {Le32(1000), "1000"},
                  {mode, "33188"}};
        break;
      }
      case 16:
        name = "ima-cgpath";
        fields = {
            StringField("runc:/usr/bin/containerd-shim-runc-v2:/usr/lib/systemd/systemd:swapper/0"),
            StringField("/kubepods.slice/kubepods-pod" + ToHex(AsBytes(RandBytes(4))) +
                        ".slice/cri-containerd-" + ToHex(AsBytes(RandBytes(32))) + ".scope"),
            DigestField("sha384:", violation ? std::string(48, '\0') : RandBytes(48)),
            StringField(path)};
        break;
      case 18:
        name = "ima-sigv2";
        fields = {DigestField("verity:sha256:", file_digest), StringField(path),
                  HexBytes(Rand() % 2 ? "\x03\x02" + RandBytes(40) : "")};
        break;
      case 17:
        if (!violation && opt_.legacy_ima) {
          name = "ima";
          fields = {HexBytes(RandBytes(20)), StringField(path)};
          break;
        }
        [[fallthrough]];
      default:
        fields = {dng, StringField(path)};
        break;
    }
  }
  // Template data as the kernel hashes it.
  std::string data;
  if (name == "ima") {
    data = fields[0].raw + fields[1].raw;
    data.resize(20 + 256, '\0');
  } else {
    for (const Field& f : fields) data += Le32(uint32_t(f.raw.size())) + f.raw;
  }
  std::string listed =
      violation ? std::string(DigestLen(opt_.listed_alg), '\0')
                : std::string(AsChars(crypto::Hash(opt_.listed_alg, AsBytes(data)).span()));
  // Expected registers: the plain extend rule of DESIGN §2.
  for (auto& [bank, reg] : reg_) {
    std::string v = violation ? std::string(DigestLen(bank), '\xff')
                              : std::string(AsChars(crypto::Hash(bank, AsBytes(data)).span()));
    crypto::Extend(&reg, AsBytes(v));
  }
  if (violation) ++violations_;
  ++templates_[name];

  char pcr[16];
  std::snprintf(pcr, sizeof pcr, "%2u", opt_.pcr);
  *ascii += std::string(pcr) + " " + ToHex(AsBytes(listed)) + " " + name;
  for (const Field& f : fields) *ascii += " " + f.ascii;
  *ascii += "\n";
  *binary += Le32(opt_.pcr) + listed + Le32(uint32_t(name.size())) + name;
  if (name == "ima") {
    std::string n = fields[1].raw.substr(0, fields[1].raw.size() - 1);
    *binary += fields[0].raw + Le32(uint32_t(n.size())) + n;
  } else {
    *binary += Le32(uint32_t(data.size())) + data;
  }
}

std::string ImaGenerator::ExpectedJson() const {
  const std::string reg =
      ima::ImaRegisterOf(std::nullopt, /*tdx=*/false, ima::ImaListHead{opt_.pcr, opt_.listed_alg})
          .Name();
  std::string s = "{\"entries\": " + std::to_string(n_) +
                  ", \"violations\": " + std::to_string(violations_) + ", \"templates\": {";
  bool first = true;
  for (const auto& [name, count] : templates_) {
    s += std::string(first ? "" : ", ") + "\"" + name + "\": " + std::to_string(count);
    first = false;
  }
  s += "}, \"listed_hash\": \"" + std::string(HashAlgName(opt_.listed_alg)) +
       "\", \"register\": \"" + reg + "\", \"registers\": {\"" + reg + "\": {";
  first = true;
  for (const auto& [bank, d] : reg_) {
    s += std::string(first ? "" : ", ") + "\"" + std::string(HashAlgName(bank)) + "\": \"" +
         ToHex(d.span()) + "\"";
    first = false;
  }
  return s + "}}}\n";
}

}  // namespace ccv::gen
