// hash_floor: the hashing a replay of a log cannot avoid, timed alone.
//
//   hash_floor ima FILE [--register pcr|rtmr] [--runs N]
//   hash_floor tcg FILE [--runs N]
//
// Loads the log into memory first (untimed) and keeps only what replay must
// hash: IMA template data (one hash per bank and for the listed algorithm)
// and the extend chains; TCG digest-checked event data (one hash per bank)
// and the per-register, per-bank extend chains. Then times, with the fastest
// backend (crypto::DefaultBatchHasher() for independent messages,
// crypto::ExtendChain for the chains; crypto::ExtendChains for the IMA banks,
// side by side as replay runs them):
//   hash_s      the independent hashes, batches of 4096, one thread
//   extend_s    the chains, one thread
//   floor_1t_s  hash_s + extend_s
//   floor_2t_s  the same work split over two threads (IMA: hashes on one,
//               chains on the other; TCG: the split with the smallest
//               maximum, from the one-thread costs), wall time
// and prints one JSON object with the medians over --runs, the backend and
// the replayed register values (to compare with `ccverify replay`).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "parsers/chunked_source.h"
#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/core/register_id.h"
#include "parsers/event_types.h"
#include "parsers/ima_log.h"
#include "parsers/tcg_event_log.h"
#include "verifier/crypto/batch_hash.h"
#include "verifier/crypto/extend_chain.h"
#include "verifier/replay/digest_check.h"

namespace {

using ccv::Digest;
using ccv::HashAlg;
using ccv::crypto::ByteSpan;
using Clock = std::chrono::steady_clock;

constexpr size_t kBatch = 4096;

[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "hash_floor: %s\n", msg.c_str());
  std::exit(2);
}

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Messages hashed independently, stored back to back.
struct Messages {
  std::vector<uint8_t> bytes;
  std::vector<std::pair<size_t, size_t>> at;  // offset, length
  std::vector<ByteSpan> spans;
  void Add(ccv::Bytes b) {
    at.push_back({bytes.size(), b.size()});
    bytes.insert(bytes.end(), b.begin(), b.end());
  }
  void Seal() {
    spans.clear();
    for (auto [o, n] : at) spans.push_back(ByteSpan(bytes.data() + o, n));
  }
};

// Hashes msgs with `alg` in batches of kBatch; out gets one digest each.
// `done` (if set) counts finished batches for a consumer on another thread.
void HashAll(HashAlg alg, const Messages& msgs, std::vector<Digest>* out,
             std::atomic<size_t>* done = nullptr) {
  out->resize(msgs.spans.size());
  ccv::crypto::BatchHasher& h = ccv::crypto::DefaultBatchHasher();
  for (size_t i = 0; i < msgs.spans.size(); i += kBatch) {
    size_t n = std::min(kBatch, msgs.spans.size() - i);
    h.HashMany(alg, std::span<const ByteSpan>(msgs.spans).subspan(i, n), out->data() + i);
    if (done != nullptr) done->store(i / kBatch + 1, std::memory_order_release);
  }
}

std::string RegistersJson(const std::map<ccv::RegisterId, std::map<HashAlg, Digest>>& regs) {
  std::string s = "{";
  for (const auto& [reg, banks] : regs) {
    if (s.size() > 1) s += ", ";
    s += "\"" + reg.Name() + "\": {";
    bool first = true;
    for (const auto& [alg, d] : banks) {
      s += std::string(first ? "" : ", ") + "\"" + std::string(ccv::HashAlgName(alg)) + "\": \"" +
           ccv::ToHex(d.span()) + "\"";
      first = false;
    }
    s += "}";
  }
  return s + "}";
}

void PrintResult(const std::string& what, const std::string& file, size_t items,
                 const std::vector<double>& hash, const std::vector<double>& extend,
                 const std::vector<double>& two, const std::string& split,
                 const std::string& registers) {
  std::vector<double> one;
  for (size_t i = 0; i < hash.size(); ++i) one.push_back(hash[i] + extend[i]);
  std::printf(
      "{\"log\": \"%s\", \"file\": \"%s\", \"items\": %zu, \"backend\": \"%s\", "
      "\"hash_s\": %.4f, \"extend_s\": %.4f, \"floor_1t_s\": %.4f, \"floor_2t_s\": %.4f, "
      "\"split\": \"%s\", \"runs\": %zu, \"registers\": %s}\n",
      what.c_str(), file.c_str(), items, ccv::crypto::BackendDescription().c_str(), Median(hash),
      Median(extend), Median(one), Median(two), split.c_str(), hash.size(), registers.c_str());
}

// --- IMA --------------------------------------------------------------------

struct ImaWork {
  Messages templates;
  std::vector<uint32_t> pcr;
  std::vector<Digest> listed;
  std::vector<bool> violation;
  HashAlg listed_alg = HashAlg::kSha1;
  std::vector<HashAlg> banks;
  std::vector<HashAlg> hash_algs;  // banks, plus the listed algorithm
};

ImaWork LoadIma(const std::string& path, bool rtmr) {
  ccv::Result<std::vector<uint8_t>> data = ccv::ReadFileBytes(path);
  if (!data.ok()) Die(data.status().ToString());
  ccv::ima::ReadOptions read;
  read.format = ccv::ima::DetectLogFormat(*data);
  ccv::ima::LogReader reader(ccv::ima::SpanSource(*data), read);
  ImaWork w;
  std::vector<ccv::ima::Entry> batch;
  for (;;) {
    ccv::Status s = reader.NextBatch(&batch);
    if (!s.ok()) Die(path + ": " + s.ToString());
    if (batch.empty()) break;
    for (const ccv::ima::Entry& e : batch) {
      w.templates.Add(e.template_data);
      w.pcr.push_back(e.pcr);
      w.listed.push_back(e.listed_hash);
      w.violation.push_back(e.violation());
    }
  }
  w.templates.Seal();
  if (w.listed.empty()) Die(path + ": no entries");
  w.listed_alg = w.listed[0].alg;
  w.banks = rtmr ? std::vector<HashAlg>{HashAlg::kSha384}
                 : std::vector<HashAlg>{HashAlg::kSha1, HashAlg::kSha256};
  w.hash_algs = w.banks;
  if (std::find(w.banks.begin(), w.banks.end(), w.listed_alg) == w.banks.end()) {
    w.hash_algs.push_back(w.listed_alg);
  }
  return w;
}

// The chains of every register in every bank, the banks side by side as
// replay runs them (crypto::ExtendChains); `computed` holds each bank's own
// template hashes (unused for the listed algorithm's bank). Waits for
// `hashed` batches when it needs computed hashes from another thread.
void ImaExtend(const ImaWork& w, const std::map<HashAlg, std::vector<Digest>>& computed,
               std::map<HashAlg, std::map<uint32_t, Digest>>* regs,
               const std::map<HashAlg, std::atomic<size_t>>* hashed) {
  const size_t nbanks = w.banks.size();
  std::vector<std::vector<Digest>> runs(nbanks);
  std::vector<Digest*> reg_ptrs(nbanks);
  std::vector<std::span<const Digest>> spans(nbanks);
  for (size_t i = 0; i < w.listed.size(); i += kBatch) {
    size_t n = std::min(kBatch, w.listed.size() - i);
    for (HashAlg bank : w.banks) {
      if (bank == w.listed_alg || hashed == nullptr) continue;
      const std::atomic<size_t>& done = hashed->at(bank);
      while (done.load(std::memory_order_acquire) <= i / kBatch) std::this_thread::yield();
    }
    size_t j = i;
    while (j < i + n) {
      // One call per run of entries on one register, as replay does.
      size_t k = j;
      for (std::vector<Digest>& r : runs) r.clear();
      while (k < i + n && w.pcr[k] == w.pcr[j]) {
        for (size_t b = 0; b < nbanks; ++b) {
          const HashAlg bank = w.banks[b];
          runs[b].push_back(w.violation[k]         ? Digest::Filled(bank, 0xFF)
                            : bank == w.listed_alg ? w.listed[k]
                                                   : computed.at(bank)[k]);
        }
        ++k;
      }
      for (size_t b = 0; b < nbanks; ++b) {
        auto [it, fresh] = (*regs)[w.banks[b]].try_emplace(w.pcr[j], Digest::Zero(w.banks[b]));
        reg_ptrs[b] = &it->second;
        spans[b] = runs[b];
      }
      ccv::crypto::ExtendChains(reg_ptrs, spans);
      j = k;
    }
  }
}

int RunIma(const std::string& path, bool rtmr, int runs) {
  ImaWork w = LoadIma(path, rtmr);
  std::vector<double> t_hash, t_ext, t_two;
  std::map<ccv::RegisterId, std::map<HashAlg, Digest>> registers;
  for (int r = 0; r < runs; ++r) {
    // One thread: every independent hash, then every chain. The outputs are
    // sized (and their pages touched) before the clock starts, as in the
    // two-thread run below.
    std::map<HashAlg, std::vector<Digest>> computed;
    for (HashAlg a : w.hash_algs) computed[a].resize(w.templates.spans.size());
    auto t0 = Clock::now();
    for (HashAlg a : w.hash_algs) HashAll(a, w.templates, &computed[a]);
    auto t1 = Clock::now();
    std::map<HashAlg, std::map<uint32_t, Digest>> regs;
    ImaExtend(w, computed, &regs, nullptr);
    auto t2 = Clock::now();
    t_hash.push_back(Seconds(t0, t1));
    t_ext.push_back(Seconds(t1, t2));
    // The listed hashes must verify: the floor hashes what replay checks.
    const std::vector<Digest>& mine = computed[w.listed_alg];
    for (size_t i = 0; i < mine.size(); ++i) {
      if (!w.violation[i] && !(mine[i] == w.listed[i])) {
        Die("template hash of entry " + std::to_string(i) + " differs from the listed one");
      }
    }
    // Two threads: hashes here, chains on the other thread, batch by batch.
    std::map<HashAlg, std::vector<Digest>> computed2;
    std::map<HashAlg, std::atomic<size_t>> hashed;
    for (HashAlg a : w.hash_algs) {
      computed2[a].resize(w.templates.spans.size());
      hashed[a].store(0);
    }
    std::map<HashAlg, std::map<uint32_t, Digest>> regs2;
    auto t3 = Clock::now();
    std::thread extender([&] { ImaExtend(w, computed2, &regs2, &hashed); });
    for (HashAlg a : w.hash_algs) {
      std::vector<Digest>& out = computed2[a];
      ccv::crypto::BatchHasher& h = ccv::crypto::DefaultBatchHasher();
      for (size_t i = 0; i < w.templates.spans.size(); i += kBatch) {
        size_t n = std::min(kBatch, w.templates.spans.size() - i);
        h.HashMany(a, std::span<const ByteSpan>(w.templates.spans).subspan(i, n), out.data() + i);
        hashed[a].store(i / kBatch + 1, std::memory_order_release);
      }
    }
    extender.join();
    auto t4 = Clock::now();
    t_two.push_back(Seconds(t3, t4));
    if (regs2 != regs) Die("two-thread chains differ from one-thread chains");
    registers.clear();
    const ccv::RegisterId::Kind kind =
        rtmr ? ccv::RegisterId::Kind::kRtmr : ccv::RegisterId::Kind::kPcr;
    for (const auto& [bank, per_reg] : regs) {
      for (const auto& [index, d] : per_reg) registers[ccv::RegisterId{kind, index}][bank] = d;
    }
  }
  std::string split = "thread 1: hashes; thread 2: chains";
  PrintResult(rtmr ? "ima-rtmr" : "ima-pcr", path, w.listed.size(), t_hash, t_ext, t_two, split,
              RegistersJson(registers));
  return 0;
}

// --- TCG --------------------------------------------------------------------

struct TcgWork {
  // Digest checks, per bank: the messages and the digests they must give.
  std::map<HashAlg, Messages> checks;
  std::map<HashAlg, std::vector<std::vector<uint8_t>>> check_expected;
  // Chains: per bank, the (register slot, digest) sequence in log order.
  std::map<HashAlg, std::vector<uint8_t>> chain_slot;
  std::map<HashAlg, Messages> chain_digest;
  size_t events = 0;
  bool startup_locality = false;
  uint8_t locality = 0;
};

TcgWork LoadTcg(const std::string& path) {
  ccv::Result<std::vector<uint8_t>> data = ccv::ReadFileBytes(path);
  if (!data.ok()) Die(data.status().ToString());
  ccv::parsers::ChunkedSource src{ccv::Bytes(*data)};
  ccv::parsers::TcgEventReader reader(&src);
  TcgWork w;
  for (;;) {
    ccv::Result<const ccv::parsers::TcgEvent*> r = reader.Next();
    if (!r.ok()) Die(path + ": " + r.status().ToString());
    const ccv::parsers::TcgEvent* e = *r;
    if (e == nullptr) break;
    ++w.events;
    if (e->untrusted_type == ccv::parsers::kEvNoAction) {
      if (e->untrusted_pcr_index == 0 && e->data.size() == 17 &&
          std::equal(e->data.begin(), e->data.begin() + 16, "StartupLocality")) {
        w.startup_locality = true;
        w.locality = e->data[16];
      }
      continue;
    }
    if (e->untrusted_pcr_index > 23) continue;
    bool malformed = false;
    std::optional<ccv::Bytes> msg =
        ccv::replay::DigestedBytes(e->untrusted_type, e->data, &malformed);
    for (uint32_t i = 0; i < e->num_digests; ++i) {
      std::optional<HashAlg> alg = ccv::HashAlgFromTpmAlgId(e->digests[i].algorithm_id);
      if (!alg || *alg == HashAlg::kSm3_256) continue;
      w.chain_slot[*alg].push_back(uint8_t(e->untrusted_pcr_index));
      w.chain_digest[*alg].Add(e->digests[i].digest);
      if (msg && !malformed) {
        w.checks[*alg].Add(*msg);
        w.check_expected[*alg].emplace_back(e->digests[i].digest.begin(),
                                            e->digests[i].digest.end());
      }
    }
  }
  for (auto& [alg, m] : w.checks) m.Seal();
  for (auto& [alg, m] : w.chain_digest) m.Seal();
  return w;
}

Digest TcgInitial(const TcgWork& w, uint8_t slot, HashAlg alg) {
  if (slot >= 17 && slot <= 22) return Digest::Filled(alg, 0xFF);
  Digest d = Digest::Zero(alg);
  if (slot == 0 && w.startup_locality) d.bytes[d.len - 1] = w.locality;
  return d;
}

void TcgChains(const TcgWork& w, HashAlg alg, std::map<uint8_t, Digest>* regs) {
  const std::vector<uint8_t>& slots = w.chain_slot.at(alg);
  const std::vector<ByteSpan>& digests = w.chain_digest.at(alg).spans;
  for (size_t i = 0; i < slots.size(); ++i) {
    auto [it, fresh] = regs->try_emplace(slots[i], Digest());
    if (fresh) it->second = TcgInitial(w, slots[i], alg);
    ccv::crypto::ExtendChain(&it->second, std::span<const ByteSpan>(&digests[i], 1));
  }
}

size_t TcgVerified(const TcgWork& w, HashAlg alg, const std::vector<Digest>& got) {
  size_t ok = 0;
  const auto& want = w.check_expected.at(alg);
  for (size_t i = 0; i < got.size(); ++i) {
    ok += std::equal(want[i].begin(), want[i].end(), got[i].bytes.begin()) ? 1 : 0;
  }
  return ok;
}

int RunTcg(const std::string& path, int runs) {
  TcgWork w = LoadTcg(path);
  std::vector<HashAlg> banks;
  for (const auto& [alg, s] : w.chain_slot) banks.push_back(alg);
  std::vector<double> t_hash, t_ext, t_two;
  std::map<ccv::RegisterId, std::map<HashAlg, Digest>> registers;
  std::string split;
  for (int r = 0; r < runs; ++r) {
    // One thread, each part timed alone.
    std::map<HashAlg, double> cost_check, cost_chain;
    std::map<HashAlg, std::vector<Digest>> out;
    std::map<HashAlg, std::map<uint8_t, Digest>> regs;
    for (HashAlg a : banks) {
      auto t0 = Clock::now();
      if (w.checks.count(a)) HashAll(a, w.checks.at(a), &out[a]);
      auto t1 = Clock::now();
      cost_check[a] = Seconds(t0, t1);
    }
    for (HashAlg a : banks) {
      auto t0 = Clock::now();
      TcgChains(w, a, &regs[a]);
      auto t1 = Clock::now();
      cost_chain[a] = Seconds(t0, t1);
    }
    double h = 0, e = 0;
    for (HashAlg a : banks) {
      h += cost_check[a];
      e += cost_chain[a];
      if (w.checks.count(a) && TcgVerified(w, a, out[a]) == 0) Die("no digest check verifies");
    }
    t_hash.push_back(h);
    t_ext.push_back(e);
    // Two threads: parts (each bank's checks, each bank's chain) assigned
    // longest first to the less loaded thread.
    struct Part {
      bool chain;
      HashAlg alg;
      double cost;
    };
    std::vector<Part> parts;
    for (HashAlg a : banks) {
      if (w.checks.count(a)) parts.push_back({false, a, cost_check[a]});
      parts.push_back({true, a, cost_chain[a]});
    }
    std::sort(parts.begin(), parts.end(),
              [](const Part& x, const Part& y) { return x.cost > y.cost; });
    std::vector<Part> lanes[2];
    double load[2] = {0, 0};
    for (const Part& p : parts) {
      int l = load[0] <= load[1] ? 0 : 1;
      lanes[l].push_back(p);
      load[l] += p.cost;
    }
    split.clear();
    for (int l = 0; l < 2; ++l) {
      split += l == 0 ? "thread 1: " : "; thread 2: ";
      for (size_t i = 0; i < lanes[l].size(); ++i) {
        split += std::string(i ? " + " : "") + (lanes[l][i].chain ? "chain " : "checks ") +
                 std::string(ccv::HashAlgName(lanes[l][i].alg));
      }
    }
    std::map<HashAlg, std::map<uint8_t, Digest>> regs2[2];
    std::map<HashAlg, std::vector<Digest>> out2[2];
    auto run_lane = [&](int l) {
      for (const Part& p : lanes[l]) {
        if (p.chain) {
          TcgChains(w, p.alg, &regs2[l][p.alg]);
        } else {
          HashAll(p.alg, w.checks.at(p.alg), &out2[l][p.alg]);
        }
      }
    };
    auto t0 = Clock::now();
    std::thread other(run_lane, 1);
    run_lane(0);
    other.join();
    auto t1 = Clock::now();
    t_two.push_back(Seconds(t0, t1));
    registers.clear();
    for (const auto& [alg, per_slot] : regs) {
      for (const auto& [slot, d] : per_slot)
        registers[ccv::RegisterId::Pcr(uint32_t(slot))][alg] = d;
    }
  }
  PrintResult("tcg", path, w.events, t_hash, t_ext, t_two, split, RegistersJson(registers));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: hash_floor ima FILE [--register pcr|rtmr] [--runs N]\n"
                 "       hash_floor tcg FILE [--runs N]\n");
    return 2;
  }
  std::string kind = argv[1], file = argv[2];
  int runs = 5;
  bool rtmr = false;
  for (int i = 3; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--register" && i + 1 < argc) {
      rtmr = std::string(argv[++i]) == "rtmr";
    } else {
      Die("unknown argument " + a);
    }
  }
  if (kind == "ima") return RunIma(file, rtmr, runs);
  if (kind == "tcg") return RunTcg(file, runs);
  Die("unknown log kind " + kind);
}
