#include "verifier/pipeline/kernel_facts.h"

#include <string>
#include <string_view>
#include <utility>

#include "parsers/core/hex.h"
#include "parsers/ima_buffer.h"

namespace ccv::pipeline {
namespace {

using result::ImaEntryFact;
using result::KernelBufferFact;
using result::KernelFacts;

std::string_view AsText(const std::vector<uint8_t>& b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

std::vector<std::pair<std::string, std::string>> Pairs(const ima::KeyValueGroup& g) {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(g.size());
  for (const ima::KeyValue& kv : g) out.emplace_back(kv.key, kv.value);
  return out;
}

// Decodes one bound, digest-verified record into `out`; returns why it
// gives no fact ("" when it does).
std::string Decode(const ImaEntryFact& e, ima::BufferKind kind, KernelFacts* out) {
  const std::string_view text = AsText(e.buffer_data);
  switch (kind) {
    case ima::BufferKind::kDmTableLoad: {
      Result<ima::DmTableLoad> t = ima::ParseDmTableLoad(text);
      if (!t.ok()) return "does not decode: " + t.status().ToString();
      for (ima::DmTarget& target : t->targets) {
        result::DmTargetFact f;
        f.evidence = e.Pointer();
        f.device = t->DeviceName();
        f.uuid = t->DeviceUuid();
        f.index = target.index;
        f.target = target.name;
        f.version = target.version;
        for (const ima::KeyValue& kv : target.attrs) {
          if (kv.key == "target_index" || kv.key == "target_name" || kv.key == "target_version")
            continue;
          f.attrs.emplace_back(kv.key, kv.value);
        }
        out->dm_targets.push_back(std::move(f));
      }
      return "";
    }
    case ima::BufferKind::kKexecCmdline:
      if (text.find('\0') != std::string_view::npos) return "the command line holds a NUL";
      out->kexec_cmdlines.emplace_back(e.Pointer(), std::string(text));
      return "";
    case ima::BufferKind::kSelinuxState: {
      Result<ima::KeyValueGroup> s = ima::ParseSelinuxState(text);
      if (!s.ok()) return "does not decode: " + s.status().ToString();
      out->selinux_state = Pairs(*s);
      out->selinux_state_evidence = e.Pointer();
      return "";
    }
    case ima::BufferKind::kSelinuxPolicyHash:
      if (e.buffer_data.empty()) return "an empty policy hash";
      out->selinux_policy_hash = ToHex(e.buffer_data);
      out->selinux_policy_hash_evidence = e.Pointer();
      return "";
    case ima::BufferKind::kDmOther:
    case ima::BufferKind::kOther:
    case ima::BufferKind::kKeyLoad:
      return "";
  }
  return "";
}

}  // namespace

KernelFacts DeriveKernelFacts(const std::vector<ImaEntryFact>& ima) {
  KernelFacts out;
  for (const ImaEntryFact& e : ima) {
    if (!e.buffer) continue;
    const ima::BufferKind kind = ima::ClassifyBuffer(e.path);
    if (kind == ima::BufferKind::kKeyLoad) continue;  // ima_key_loads
    KernelBufferFact b;
    b.evidence = e.Pointer();
    b.name = e.path;
    b.kind = std::string(ima::BufferKindName(kind));
    b.bound = e.bound;
    b.digest_verified = e.buffer_digest_verified;
    if (!e.bound) {
      b.detail = "not bound: the quoted value does not cover it";
    } else if (!e.buffer_digest_verified) {
      b.detail = "its buffer does not hash to the logged digest";
    } else {
      b.detail = Decode(e, kind, &out);
    }
    out.buffers.push_back(std::move(b));
  }
  return out;
}

}  // namespace ccv::pipeline
