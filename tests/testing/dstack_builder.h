// Test-only builder of dstack event logs (the JSON of parsers/dstack_log.h).
// Digests are computed here with OpenSSL directly, from the rule as dstack
// states it (v1: SHA-384(u32le(type) ":" name ":" payload)), not through the
// code under test; every field can be corrupted after Add().
#ifndef CCV_TESTS_TESTING_DSTACK_BUILDER_H_
#define CCV_TESTS_TESTING_DSTACK_BUILDER_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <openssl/evp.h>

namespace ccv::testing {

inline std::vector<uint8_t> Sha384Raw(const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out(48);
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha384(), nullptr);
  return out;
}

inline std::string HexOf(const std::vector<uint8_t>& b) {
  static constexpr char kD[] = "0123456789abcdef";
  std::string s;
  for (uint8_t c : b) {
    s += kD[c >> 4];
    s += kD[c & 15];
  }
  return s;
}

struct DstackEntry {
  uint32_t imr = 3;
  uint32_t event_type = 0x08000001;
  std::optional<std::vector<uint8_t>> digest;  // nullopt: member left out
  std::string event;
  std::vector<uint8_t> payload;
  std::optional<uint32_t> version;
  std::string extra_member;  // raw `"k": v` text appended to the object
};

class DstackLogBuilder {
 public:
  // A runtime event on RTMR3 with its v1 digest.
  DstackEntry& Runtime(const std::string& name, const std::vector<uint8_t>& payload) {
    DstackEntry e;
    e.event = name;
    e.payload = payload;
    std::vector<uint8_t> in = {0x01, 0x00, 0x00, 0x08, ':'};
    in.insert(in.end(), name.begin(), name.end());
    in.push_back(':');
    in.insert(in.end(), payload.begin(), payload.end());
    e.digest = Sha384Raw(in);
    entries_.push_back(e);
    return entries_.back();
  }
  DstackEntry& RuntimeText(const std::string& name, const std::string& text) {
    return Runtime(name, std::vector<uint8_t>(text.begin(), text.end()));
  }
  // A boot event: EV_EFI_ACTION (0x80000007) whose digest is the PFP hash of its data.
  DstackEntry& BootAction(uint32_t imr, const std::string& text) {
    DstackEntry e;
    e.imr = imr;
    e.event_type = 0x80000007;
    e.payload.assign(text.begin(), text.end());
    e.digest = Sha384Raw(e.payload);
    entries_.push_back(e);
    return entries_.back();
  }
  // The runtime events of an app's start as dstack logs them, in its order:
  // system-preparing, app-id (20 bytes of 0x11), compose-hash (32 of 0x22),
  // instance-id (20 of 0x33), key-provider, system-ready.
  void AppStart() {
    RuntimeText("system-preparing", "");
    Runtime("app-id", std::vector<uint8_t>(20, 0x11));
    Runtime("compose-hash", std::vector<uint8_t>(32, 0x22));
    Runtime("instance-id", std::vector<uint8_t>(20, 0x33));
    RuntimeText("key-provider", R"({"name":"kms","id":"ab"})");
    RuntimeText("system-ready", "");
  }
  std::vector<DstackEntry>& entries() { return entries_; }

  std::string Json() const {
    std::string s = "[";
    for (size_t i = 0; i < entries_.size(); ++i) {
      const DstackEntry& e = entries_[i];
      if (i) s += ",\n";
      s += "{\"imr\":" + std::to_string(e.imr) + ",\"event_type\":" + std::to_string(e.event_type);
      if (e.digest) s += ",\"digest\":\"" + HexOf(*e.digest) + "\"";
      s += ",\"event\":\"" + e.event + "\",\"event_payload\":\"" + HexOf(e.payload) + "\"";
      if (e.version) s += ",\"version\":" + std::to_string(*e.version);
      if (!e.extra_member.empty()) s += "," + e.extra_member;
      s += "}";
    }
    return s + "]";
  }

  // RTMR[imr] replayed from the entries as logged (SHA-384 extend from zero).
  std::vector<uint8_t> Rtmr(uint32_t imr) const {
    std::vector<uint8_t> r(48, 0);
    for (const DstackEntry& e : entries_) {
      if (e.imr != imr || !e.digest) continue;
      std::vector<uint8_t> in = r;
      in.insert(in.end(), e.digest->begin(), e.digest->end());
      r = Sha384Raw(in);
    }
    return r;
  }

 private:
  std::vector<DstackEntry> entries_;
};

}  // namespace ccv::testing

#endif  // CCV_TESTS_TESTING_DSTACK_BUILDER_H_
