// ccv-gen-tcg: writes synthetic but well-formed TCG crypto-agile, SHA1-legacy
// and TDX CCEL event logs, with the register values they must replay to.
//
// The expected registers come from this program's own extend loop over the
// digests it writes (hashing through verifier/crypto only), not from the
// replay engine, so the two can check each other. Record types follow what
// real firmware writes: separators, EFI actions, grub EV_IPL strings, UEFI
// variables, image loads with device paths, firmware blobs, EV_NO_ACTION and
// virtual-PCR records.
//
//   ccv-gen-tcg --format tcg2|tcg-sha1-legacy|ccel --events N --out FILE
//               [--banks sha1,sha256,sha384] [--seed S] [--startup-locality L]
//               [--unknown-alg ID:SIZE] [--pad-to BYTES] [--pad-byte 255|0]
//               [--mismatch-every K] [--plain] [--expected FILE.json]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/filewritestream.h>
#include <rapidjson/prettywriter.h>

#include "parsers/core/hash_alg.h"
#include "parsers/core/hex.h"
#include "parsers/core/register_id.h"
#include "verifier/crypto/digest.h"

namespace {

using ccv::HashAlg;
using Bytes = std::vector<uint8_t>;

struct Options {
  std::string format = "tcg2";
  uint64_t events = 100;
  std::vector<HashAlg> banks;
  uint64_t seed = 1;
  int startup_locality = -1;
  int unknown_alg_id = -1;
  int unknown_alg_size = 0;
  uint64_t pad_to = 0;
  int pad_byte = 0xFF;
  uint64_t mismatch_every = 0;
  // Only records every parser reads alike: no virtual-PCR records (tpm2_eventlog
  // 5.4 rejects them) and no EV_NO_ACTION besides the header (it extends them).
  bool plain = false;
  std::string out;
  std::string expected;
};

[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "ccv-gen-tcg: %s\n", msg.c_str());
  std::exit(2);
}

class Writer {
 public:
  explicit Writer(FILE* f) : f_(f) { buf_.reserve(1 << 20); }
  ~Writer() { Flush(); }
  void U8(uint8_t v) { buf_.push_back(v); }
  void U16(uint16_t v) {
    U8(uint8_t(v));
    U8(uint8_t(v >> 8));
  }
  void U32(uint32_t v) {
    for (int i = 0; i < 4; ++i) U8(uint8_t(v >> (8 * i)));
  }
  void U64(uint64_t v) {
    for (int i = 0; i < 8; ++i) U8(uint8_t(v >> (8 * i)));
  }
  void Raw(const Bytes& b) { buf_.insert(buf_.end(), b.begin(), b.end()); }
  void Maybe() {
    if (buf_.size() >= (1u << 20)) Flush();
  }
  void Flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) {
      Die("write failed");
    }
    written_ += buf_.size();
    buf_.clear();
  }
  uint64_t Position() const { return written_ + buf_.size(); }

 private:
  FILE* f_;
  Bytes buf_;
  uint64_t written_ = 0;
};

Bytes Utf16(std::string_view s, bool nul) {
  Bytes b;
  for (char c : s) {
    b.push_back(uint8_t(c));
    b.push_back(0);
  }
  if (nul) {
    b.push_back(0);
    b.push_back(0);
  }
  return b;
}
void Put16(Bytes* b, uint16_t v) {
  b->push_back(uint8_t(v));
  b->push_back(uint8_t(v >> 8));
}
void Put32(Bytes* b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b->push_back(uint8_t(v >> (8 * i)));
}
void Put64(Bytes* b, uint64_t v) {
  for (int i = 0; i < 8; ++i) b->push_back(uint8_t(v >> (8 * i)));
}
void PutStr(Bytes* b, std::string_view s) { b->insert(b->end(), s.begin(), s.end()); }

const uint8_t kGlobalGuid[16] = {0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11,
                                 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c};

Bytes VariableData(std::string_view name, const Bytes& value) {
  Bytes b(kGlobalGuid, kGlobalGuid + 16);
  Put64(&b, name.size());
  Put64(&b, value.size());
  Bytes n = Utf16(name, false);
  b.insert(b.end(), n.begin(), n.end());
  b.insert(b.end(), value.begin(), value.end());
  return b;
}

Bytes DevicePath(std::string_view file) {
  Bytes p;
  // PciRoot(0x0)/Pci(0x3,0x0)/HD(1,GPT,...)/\EFI\...
  p.insert(p.end(), {2, 1, 12, 0});
  Put32(&p, 0x0A0341D0);
  Put32(&p, 0);
  p.insert(p.end(), {1, 1, 6, 0, 0, 3});
  p.insert(p.end(), {4, 1, 42, 0});
  Put32(&p, 1);
  Put64(&p, 2048);
  Put64(&p, 204800);
  for (int i = 0; i < 16; ++i) p.push_back(uint8_t(0x10 + i));
  p.push_back(2);
  p.push_back(2);
  Bytes f = Utf16(file, true);
  p.insert(p.end(), {4, 4});
  Put16(&p, uint16_t(4 + f.size()));
  p.insert(p.end(), f.begin(), f.end());
  p.insert(p.end(), {0x7f, 0xff, 4, 0});
  return p;
}

struct Record {
  uint32_t index;
  uint32_t type;
  Bytes data;
  bool digest_is_data_hash;  // digest = H(data) (else a made-up measurement)
  bool checkable;            // the replay's digest check applies
  Bytes hashed;              // what the digest hashes when it is not H(data)
};

struct Expect {
  std::map<ccv::RegisterId, std::map<HashAlg, Bytes>> regs;
  uint64_t records = 0, verified = 0, mismatched = 0, not_checkable = 0;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::string banks;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) Die("missing value for " + a);
      return argv[++i];
    };
    if (a == "--format")
      o.format = val();
    else if (a == "--events")
      o.events = std::stoull(val());
    else if (a == "--banks")
      banks = val();
    else if (a == "--seed")
      o.seed = std::stoull(val());
    else if (a == "--startup-locality")
      o.startup_locality = std::stoi(val());
    else if (a == "--unknown-alg") {
      std::string v = val();
      size_t c = v.find(':');
      if (c == std::string::npos) Die("--unknown-alg ID:SIZE");
      o.unknown_alg_id = int(std::stoul(v.substr(0, c), nullptr, 0));
      o.unknown_alg_size = std::stoi(v.substr(c + 1));
    } else if (a == "--pad-to")
      o.pad_to = std::stoull(val());
    else if (a == "--pad-byte")
      o.pad_byte = std::stoi(val());
    else if (a == "--mismatch-every")
      o.mismatch_every = std::stoull(val());
    else if (a == "--plain")
      o.plain = true;
    else if (a == "--out")
      o.out = val();
    else if (a == "--expected")
      o.expected = val();
    else
      Die("unknown option " + a);
  }
  if (o.out.empty()) Die("--out FILE is required");
  bool ccel = o.format == "ccel", sha1_log = o.format == "tcg-sha1-legacy";
  if (!ccel && !sha1_log && o.format != "tcg2") Die("unknown --format " + o.format);
  if (banks.empty()) banks = ccel ? "sha384" : sha1_log ? "sha1" : "sha1,sha256";
  for (size_t p = 0; p < banks.size();) {
    size_t c = banks.find(',', p);
    std::string b = banks.substr(p, c == std::string::npos ? std::string::npos : c - p);
    auto alg = ccv::HashAlgFromName(b);
    if (!alg) Die("unknown bank " + b);
    o.banks.push_back(*alg);
    p = c == std::string::npos ? banks.size() : c + 1;
  }
  if (sha1_log && (o.banks.size() != 1 || o.banks[0] != HashAlg::kSha1)) {
    Die("a SHA1-legacy log has exactly the sha1 bank");
  }

  FILE* f = std::fopen(o.out.c_str(), "wb");
  if (f == nullptr) Die("cannot create " + o.out);
  Writer w(f);
  std::mt19937_64 rng(o.seed);
  Expect ex;
  ccv::crypto::Hasher hasher;

  auto extend = [&](uint32_t index, HashAlg alg, const Bytes& digest) {
    std::optional<ccv::RegisterId> reg =
        ccel ? ccv::RegisterId::FromCcMrIndex(index) : std::optional(ccv::RegisterId::Pcr(index));
    if (!reg || !reg->Exists() || reg->kind == ccv::RegisterId::Kind::kMrtd) return;
    auto& banks_of = ex.regs[*reg];
    auto it = banks_of.find(alg);
    if (it == banks_of.end()) {
      Bytes init(ccv::DigestLen(alg), 0);
      if (!ccel && index >= 17 && index <= 22) init.assign(init.size(), 0xFF);
      if (!ccel && index == 0 && o.startup_locality >= 0) init.back() = uint8_t(o.startup_locality);
      it = banks_of.emplace(alg, init).first;
    }
    Bytes cat = it->second;
    cat.insert(cat.end(), digest.begin(), digest.end());
    ccv::Digest d = hasher.Hash(alg, cat);
    it->second.assign(d.span().begin(), d.span().end());
  };

  // Record 0: the Spec ID header (or, for SHA1 logs, the first event).
  if (!sha1_log) {
    Bytes spec;
    PutStr(&spec, std::string_view("Spec ID Event03\0", 16));
    Put32(&spec, 0);
    spec.insert(spec.end(), {0, 2, 0, 2});
    uint32_t n = uint32_t(o.banks.size() + (o.unknown_alg_id >= 0 ? 1 : 0));
    Put32(&spec, n);
    for (HashAlg a : o.banks) {
      Put16(&spec, ccv::TpmAlgId(a));
      Put16(&spec, uint16_t(ccv::DigestLen(a)));
    }
    if (o.unknown_alg_id >= 0) {
      Put16(&spec, uint16_t(o.unknown_alg_id));
      Put16(&spec, uint16_t(o.unknown_alg_size));
    }
    std::string vendor = "ccv-gen-tcg";
    spec.push_back(uint8_t(vendor.size()));
    PutStr(&spec, vendor);
    w.U32(ccel ? 1 : 0);
    w.U32(3);
    w.Raw(Bytes(20, 0));
    w.U32(uint32_t(spec.size()));
    w.Raw(spec);
    ++ex.records;
    ++ex.not_checkable;
  }

  const char* kernel_args[] = {"ro quiet splash", "console=ttyS0 root=/dev/vda1",
                               "module.sig_enforce=1 lockdown=integrity", "ima_hash=sha384"};
  auto write_record = [&](const Record& r, bool corrupt) {
    std::vector<std::pair<HashAlg, Bytes>> digests;
    for (HashAlg a : o.banks) {
      ccv::Digest d = hasher.Hash(a, r.digest_is_data_hash ? r.data : r.hashed);
      Bytes db(d.span().begin(), d.span().end());
      if (corrupt) db[0] ^= 0x5a;
      if (r.type == 3) db.assign(db.size(), 0);  // EV_NO_ACTION digests are zero (PFP 10.4.5)
      digests.emplace_back(a, db);
    }
    w.U32(r.index);
    w.U32(r.type);
    if (sha1_log) {
      w.Raw(digests[0].second);
    } else {
      w.U32(uint32_t(digests.size() + (o.unknown_alg_id >= 0 ? 1 : 0)));
      for (auto& [a, d] : digests) {
        w.U16(ccv::TpmAlgId(a));
        w.Raw(d);
      }
      if (o.unknown_alg_id >= 0) {
        w.U16(uint16_t(o.unknown_alg_id));
        Bytes junk(size_t(o.unknown_alg_size));
        for (auto& c : junk) c = uint8_t(rng());
        w.Raw(junk);
      }
    }
    w.U32(uint32_t(r.data.size()));
    w.Raw(r.data);
    w.Maybe();
    ++ex.records;
    bool no_action = r.type == 3;
    bool replayed = !no_action && (ccel ? (r.index >= 1 && r.index <= 4) : r.index <= 23);
    if (!no_action) {
      for (auto& [a, d] : digests) extend(r.index, a, d);
    }
    if (!replayed || !r.checkable) {
      ++ex.not_checkable;
    } else if (corrupt) {
      ++ex.mismatched;
    } else {
      ++ex.verified;
    }
  };

  uint64_t remaining = o.events;
  if (sha1_log && remaining > 0) {  // record 0 of a SHA1 log: S-CRTM version
    write_record({0, 8, Utf16("1.0", true), true, true, {}}, false);  // PFP: H(data)
    --remaining;
  }
  if (o.startup_locality >= 0 && !ccel && remaining > 0) {
    Bytes d;
    PutStr(&d, std::string_view("StartupLocality\0", 16));
    d.push_back(uint8_t(o.startup_locality));
    write_record({0, 3, d, false, false, Bytes(1, 0)}, false);
    --remaining;
  }
  for (uint64_t i = 0; i < remaining; ++i) {
    uint32_t kind = uint32_t(rng() % 100);
    if (o.plain && kind >= 95) kind = uint32_t(rng() % 15);
    auto reg = [&](uint32_t tpm_pcr, uint32_t mr) { return ccel ? mr : tpm_pcr; };
    Record r{};
    if (kind < 15) {
      r = {reg(uint32_t(rng() % 8), 1 + uint32_t(rng() % 2)), 4, Bytes(4, 0), true, true, {}};
    } else if (kind < 25) {
      Bytes d;
      PutStr(&d, rng() % 2 ? "Calling EFI Application from Boot Option"
                           : "Exit Boot Services Invocation");
      r = {reg(4, 2), 0x80000007, d, true, true, {}};
    } else if (kind < 45) {
      Bytes d;
      std::string s = rng() % 2
                          ? "grub_cmd: linux /boot/vmlinuz-6.1." + std::to_string(rng() % 100) +
                                " root=UUID=1234 " + kernel_args[rng() % 4]
                          : "kernel_cmdline: /boot/vmlinuz " + std::string(kernel_args[rng() % 4]);
      PutStr(&d, s);
      d.push_back(0);
      // GRUB hashes the text after the "grub_cmd: " / "kernel_cmdline: " prefix,
      // without its NUL (grub-core/commands/tpm.c).
      size_t prefix = s.find(": ") + 2;
      Bytes hashed(d.begin() + long(prefix), d.end() - 1);
      r = {reg(8, 3), 0x0D, d, false, true, hashed};
    } else if (kind < 60) {
      static const char* names[] = {"SecureBoot", "PK", "KEK", "db", "dbx"};
      Bytes value(rng() % 3 == 0 ? 0 : 1 + rng() % 40);
      for (auto& c : value) c = uint8_t(rng());
      r = {reg(7, 1), 0x80000001, VariableData(names[rng() % 5], value), true, true, {}};
    } else if (kind < 70) {
      Bytes value;
      Put32(&value, 1);
      Bytes dp = DevicePath("\\EFI\\BOOT\\BOOTX64.EFI");
      Put16(&value, uint16_t(dp.size()));
      Bytes desc = Utf16("UEFI QEMU HARDDISK", true);
      value.insert(value.end(), desc.begin(), desc.end());
      value.insert(value.end(), dp.begin(), dp.end());
      Bytes hashed = value;
      r = {reg(1, 1), 0x80000002, VariableData("Boot0001", value), false, true, hashed};
    } else if (kind < 85) {
      Bytes d;
      Put64(&d, 0x7e000000 + (rng() % 4096) * 4096);
      Put64(&d, 0x100000 + rng() % 0x100000);
      Put64(&d, 0);
      Bytes dp =
          DevicePath(rng() % 2 ? "\\EFI\\ubuntu\\shimx64.efi" : "\\EFI\\ubuntu\\grubx64.efi");
      Put64(&d, dp.size());
      d.insert(d.end(), dp.begin(), dp.end());
      Bytes authenticode(32);
      for (auto& c : authenticode) c = uint8_t(rng());
      r = {reg(4, 2), 0x80000003, d, false, false, authenticode};
    } else if (kind < 95) {
      Bytes d;
      Put64(&d, 0xffc00000 + (rng() % 16) * 0x10000);
      Put64(&d, 0x84000);
      Bytes fw(48);
      for (auto& c : fw) c = uint8_t(rng());
      r = {reg(0, 1), ccel ? 0x8000000A : 0x01, d, false, false, fw};
      if (ccel) {  // BLOB2 carries a description
        Bytes d2;
        d2.push_back(8);
        PutStr(&d2, "Fv(0001)");
        d2.insert(d2.end(), d.begin(), d.end());
        r.data = d2;
      }
    } else if (kind < 98) {
      Bytes d;
      PutStr(&d, std::string_view("NvIndexInstance\0", 16));
      Put32(&d, uint32_t(rng()));
      r = {reg(uint32_t(rng() % 8), 1), 3, d, false, false, Bytes(1, 0)};
    } else {
      Bytes d;
      PutStr(&d, "virtual");
      r = {ccel ? 0xFFFFFFFFu : 0xFFFFFFFFu, 0x0D, d, true, false, {}};
    }
    bool corrupt = o.mismatch_every != 0 && r.checkable && r.type != 3 &&
                   (i % o.mismatch_every) == o.mismatch_every - 1;
    write_record(r, corrupt);
  }
  uint64_t log_end = w.Position();
  while (w.Position() < o.pad_to) {
    w.U8(uint8_t(o.pad_byte));
    w.Maybe();
  }
  w.Flush();
  if (std::fclose(f) != 0) Die("write failed: " + o.out);

  if (!o.expected.empty()) {
    FILE* jf = std::fopen(o.expected.c_str(), "wb");
    if (jf == nullptr) Die("cannot create " + o.expected);
    char buf[65536];
    rapidjson::FileWriteStream os(jf, buf, sizeof(buf));
    rapidjson::PrettyWriter<rapidjson::FileWriteStream> j(os);
    j.SetIndent(' ', 1);
    auto key_uint = [&](const char* key, uint64_t n) {
      j.Key(key);
      j.Uint64(n);
    };
    std::string base = o.out.substr(o.out.find_last_of('/') + 1);
    std::string dir = ccel ? "ccel/" : "tcg/";
    j.StartObject();
    j.Key("file");
    j.String((dir + base).c_str());
    j.Key("format");
    j.String(o.format.c_str());
    key_uint("records", ex.records);
    j.Key("registers");
    j.StartObject();
    for (const auto& [reg, banks_of] : ex.regs) {  // in register order
      j.Key(reg.Name().c_str());
      j.StartObject();
      for (const auto& [alg, v] : banks_of) {
        j.Key(std::string(ccv::HashAlgName(alg)).c_str());
        j.String(ccv::ToHex(v).c_str());
      }
      j.EndObject();
    }
    j.EndObject();
    j.Key("digest_checks");
    j.StartObject();
    key_uint("verified", ex.verified);
    key_uint("mismatched", ex.mismatched);
    key_uint("not_checkable", ex.not_checkable);
    j.EndObject();
    key_uint("log_end", log_end);
    std::string src = "ccv-gen-tcg --format " + o.format + " --events " + std::to_string(o.events) +
                      " --banks " + banks + " --seed " + std::to_string(o.seed);
    if (o.startup_locality >= 0) src += " --startup-locality " + std::to_string(o.startup_locality);
    if (o.unknown_alg_id >= 0) {
      src += " --unknown-alg " + std::to_string(o.unknown_alg_id) + ":" +
             std::to_string(o.unknown_alg_size);
    }
    if (o.pad_to)
      src += " --pad-to " + std::to_string(o.pad_to) + " --pad-byte " + std::to_string(o.pad_byte);
    if (o.mismatch_every) src += " --mismatch-every " + std::to_string(o.mismatch_every);
    if (o.plain) src += " --plain";
    j.Key("source");
    j.String(("synthetic: " + src + "; registers from the generator's own extend loop").c_str());
    j.EndObject();
    os.Put('\n');
    os.Flush();
    std::fclose(jf);
  }
  return 0;
}
