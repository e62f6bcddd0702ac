#include "verifier/replay/dstack_replay.h"

#include <span>
#include <utility>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "verifier/crypto/digest.h"

namespace ccv::replay {
namespace {

constexpr uint64_t kMaxLogLen = uint64_t{256} << 20;

bool PrintableUtf8Text(Bytes b) {
  if (b.empty()) return false;
  for (uint8_t c : b) {
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') return false;
    if (c == 0x7f) return false;
  }
  return true;  // UTF-8 validity: the JSON writer escapes what it must
}

}  // namespace

DstackReplayResult ReplayDstack(const std::vector<dstack::Event>& events) {
  DstackReplayResult out;
  crypto::Hasher hasher;
  BankHashers hashers;
  std::array<Digest, dstack::kNumImrs> regs;
  std::array<bool, dstack::kNumImrs> touched{};
  for (Digest& r : regs) r = Digest::Zero(HashAlg::kSha384);
  out.events.reserve(events.size());
  for (const dstack::Event& e : events) {
    DstackEventOutcome o;
    o.index = e.index;
    o.rtmr = e.untrusted_imr;
    o.runtime = e.IsRuntimeEvent();
    std::optional<Digest> logged;
    if (!e.digest.empty()) logged = Digest::FromBytes(HashAlg::kSha384, e.digest);
    if (o.runtime) {
      ++out.runtime_events;
      const std::vector<uint8_t> input =
          dstack::RuntimeEventHashInput(e.event, e.payload, e.version);
      o.expected_digest = hasher.Hash(HashAlg::kSha384, input);
      o.convention_name = e.version == 2 ? "dstack_v2" : "dstack_v1";
      const bool ok = !logged || *logged == o.expected_digest;
      o.check = ok ? DigestCheck::kVerified : DigestCheck::kMismatched;
      if (ok) {
        ++out.runtime_verified;
      } else {
        ++out.runtime_mismatched;
        out.mismatched.push_back(e.index);
      }
      o.extended_digest = logged ? *logged : o.expected_digest;
    } else {
      // The parser guarantees 48 bytes outside runtime events.
      o.extended_digest = logged ? *logged : Digest::Zero(HashAlg::kSha384);
      EventDataCheck c = CheckEventData(hashers, e.untrusted_type, e.payload,
                                        std::span<const Digest>(&o.extended_digest, 1), false);
      o.check = c.status;
      o.convention = c.convention;
      o.convention_name = std::string(DigestConventionName(c.convention));
      out.boot_checks.Add(c.status, c.convention);
      if (c.status == DigestCheck::kMismatched) out.mismatched.push_back(e.index);
    }
    o.extended = e.untrusted_type != parsers::kEvNoAction;
    if (o.extended) {
      hasher.Extend(&regs[o.rtmr], o.extended_digest.span());
      touched[o.rtmr] = true;
    }
    out.events.push_back(std::move(o));
  }
  for (uint32_t i = 0; i < dstack::kNumImrs; ++i) {
    if (touched[i]) out.registers.Set(RegisterId::Rtmr(i), regs[i]);
  }
  return out;
}

Result<DstackFile> ReplayDstackFile(const std::string& path) {
  CCV_ASSIGN_OR_RETURN(std::string text, ReadFileText(path, kMaxLogLen));
  Result<std::vector<dstack::Event>> events = dstack::ParseLog(text);
  if (!events.ok()) return events.status().WithFile(path);
  DstackFile f;
  f.events = std::move(events).value();
  f.replay = ReplayDstack(f.events);
  return f;
}

std::map<std::string, std::vector<size_t>> AppEventIndex(const std::vector<dstack::Event>& events,
                                                         const DstackReplayResult& replay) {
  std::map<std::string, std::vector<size_t>> out;
  for (size_t i = 0; i < events.size() && i < replay.events.size(); ++i) {
    const dstack::Event& e = events[i];
    const DstackEventOutcome& o = replay.events[i];
    if (!o.runtime || o.rtmr != 3 || !o.extended || o.check != DigestCheck::kVerified) continue;
    out[e.event].push_back(e.index);
  }
  return out;
}

bool IsAppFactName(std::string_view name) {
  for (const char* n : kAppFactNames) {
    if (name == n) return true;
  }
  return false;
}

std::string AppFactValue(std::string_view name, Bytes payload) {
  if (name == "key-provider" && PrintableUtf8Text(payload)) return std::string(AsChars(payload));
  return ToHex(payload);
}

}  // namespace ccv::replay
