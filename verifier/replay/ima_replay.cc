#include "verifier/replay/ima_replay.h"

#include <atomic>
#include <cstring>
#include <deque>
#include <mutex>
#include <string_view>

#include "parsers/core/hex.h"
#include "parsers/ima_template.h"
#include "verifier/crypto/digest.h"
#include "verifier/crypto/extend_chain.h"
#include "verifier/crypto/ordered_worker.h"
#include "verifier/replay/internal/ima_hash_share.h"

namespace ccv::replay {

using internal::HashShare;
using internal::kHashChunk;
std::vector<HashAlg> DefaultImaBanks(RegisterId::Kind kind) {
  if (kind == RegisterId::Kind::kRtmr) return {HashAlg::kSha384};
  return {HashAlg::kSha1, HashAlg::kSha256};
}

struct ImaReplayer::Impl {
  struct Target {
    uint32_t index;
    size_t slot;  // bank slot
    Digest value;
    size_t result;  // index in res.prefix
  };

  // One batch on its way through the two threads: the entries, with their
  // template names and data copied into `storage` (the reader reuses its
  // buffers for the next batch), the per-entry outcomes, and what the extend
  // chains need: the register index and, per bank, the value to extend.
  // Jobs are recycled, so their memory is not allocated (and faulted in)
  // again for every batch; a job goes back to the pool once both threads
  // are done with it (`users`).
  struct Job {
    std::vector<ima::Entry> entries;
    std::vector<uint8_t> storage;
    std::vector<Bytes> datas;
    std::vector<uint8_t> flags;           // HashShare bits per entry
    std::vector<Digest> listed_computed;  // the listed alg's computed hashes
    std::vector<uint32_t> pcr;
    std::vector<std::vector<Digest>> values;  // [bank][entry]
    HashShare share;
    std::atomic<int> users{0};
  };

  ImaReplayOptions opt;
  std::unique_ptr<TemplateHasher> hasher;
  std::vector<HashAlg> banks;
  RegisterId::Kind kind = RegisterId::Kind::kPcr;  // of every register the list extends
  // Calling thread (AddBatch): the checks and counts, the template-name tally
  // without a map lookup per entry, the template hashes (with the extend
  // thread's help), and the ordered checks that need them.
  bool algs_ready = false;
  std::vector<HashAlg> hash_algs;  // banks + listed alg if not a bank
  size_t listed_slot = 0;
  std::string last_template;
  const ima::TemplateDesc* last_desc = nullptr;  // of last_template, if known
  uint64_t last_template_count = 0;
  ImaReplayResult res;  // counts, findings, boot_aggregate: the caller
  crypto::Hasher ext;   // the boot_aggregate check
  std::vector<ima::DecodedField> fields;
  // Jobs handed back for reuse.
  std::mutex pool_mu;
  std::vector<std::shared_ptr<Job>> pool;
  // Jobs the caller has handed over and not yet checked, oldest first.
  std::deque<std::shared_ptr<Job>> pending;
  // The hashes of those jobs, which the extend thread takes chunks of when
  // it has no chain to run (help_mu: so that a job leaves the list before
  // the caller recycles it).
  std::mutex help_mu;
  std::deque<HashShare*> helpable;  // guarded by help_mu
  // Extend thread: registers and prefix matches.
  std::map<uint32_t, std::vector<Digest>> regs;
  std::optional<PrefixSearch> prefix;
  uint64_t extended_entries = 0;
  std::vector<Digest*> chain_regs;                    // ExtendRunsAll's, reused
  std::vector<std::span<const Digest>> chain_values;  // ditto
  // The extend thread: chains in list order. It touches only its fields
  // above; Finish() reads them after it is drained. Declared last, so
  // destroyed first.
  std::unique_ptr<crypto::OrderedWorker> extender;

  RegisterId RegName(uint32_t index) const { return RegisterId{kind, index}; }

  std::vector<Digest>& Reg(uint32_t index) {
    auto it = regs.find(index);
    if (it != regs.end()) return it->second;
    std::vector<Digest> v;
    for (HashAlg a : banks) {
      std::optional<Digest> init = opt.initial.Get(RegName(index), a);
      v.push_back(init ? *init : Digest::Zero(a));
    }
    return regs.emplace(index, std::move(v)).first->second;
  }

  void Finding(const ima::Entry& e, std::string kind, std::string detail) {
    if (res.findings.size() >= opt.max_findings) return;
    res.findings.push_back({e.index, e.line, e.offset, std::move(kind), std::move(detail)});
  }

  void FlushTemplateCount() {
    if (last_template_count > 0) res.templates[last_template] += last_template_count;
    last_template_count = 0;
  }

  Status PrepareAlgs(HashAlg listed) {
    hash_algs = banks;
    listed_slot = hash_algs.size();
    for (size_t i = 0; i < hash_algs.size(); ++i) {
      if (hash_algs[i] == listed) listed_slot = i;
    }
    if (listed_slot == hash_algs.size()) hash_algs.push_back(listed);
    for (HashAlg a : hash_algs) {
      if (!crypto::HashAlgAvailable(a)) {
        return Status(ErrorCode::kUnsupported,
                      "hash algorithm " + std::string(HashAlgName(a)) + " is not available");
      }
    }
    res.listed_alg = listed;
    algs_ready = true;
    return Status::Ok();
  }

  std::shared_ptr<Job> TakeJob() {
    std::lock_guard<std::mutex> lock(pool_mu);
    if (pool.empty()) return std::make_shared<Job>();
    std::shared_ptr<Job> j = std::move(pool.back());
    pool.pop_back();
    return j;
  }
  // Called by each thread when done with `j`; the last one recycles it.
  void Release(const std::shared_ptr<Job>& j) {
    if (j->users.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    std::lock_guard<std::mutex> lock(pool_mu);
    pool.push_back(j);
  }

  // Whether the extend thread may hash chunks (it never does with a hasher
  // that must stay on one thread: the caller then hashes everything).
  bool ExtenderHashes() const { return extender->threaded() && hasher->thread_safe(); }
  // AddBatch's checks on the calling thread; *copy_len: bytes of template
  // names and data.
  Status Check(std::span<const ima::Entry> entries, size_t* copy_len);
  // Counts, hands the job to the extend thread, hashes it, and makes the
  // ordered checks.
  void SubmitJob(std::shared_ptr<Job> job);

  void CheckBootAggregate(const ima::Entry& e);
  // The ordered checks of a hashed job (caller).
  void Checks(const Job& job);
  // The extend thread's part of a job: the chains, in list order.
  void Extend(Job& job);
  void ExtendRuns(const Job& job, size_t bank, size_t begin, size_t end);
  // Every bank over entries [begin, end), the banks side by side.
  void ExtendRunsAll(const Job& job, size_t begin, size_t end);
  void ExtendAndHelp(Job& job);
  // Takes and hashes one chunk of a job the caller has not checked yet.
  bool HelpCaller();
  // The oldest pending job: its hashes nobody has started, its ordered
  // checks (caller).
  void FinishOldest();
  void ExtendEach(const Job& job);
};

bool ImaReplayer::Impl::HelpCaller() {
  HashShare* share = nullptr;
  size_t c = 0;
  {
    std::lock_guard<std::mutex> lock(help_mu);
    for (HashShare* s : helpable) {
      c = s->Take();
      if (c < s->chunks()) {
        share = s;
        break;
      }
    }
  }
  // The caller waits for this chunk before it recycles the job.
  if (share == nullptr) return false;
  share->Do(hasher.get(), c);
  return true;
}

void ImaReplayer::Impl::ExtendRuns(const Job& b, size_t bank, size_t begin, size_t end) {
  // A run of entries on one register: one chain call.
  size_t i = begin;
  while (i < end) {
    size_t j = i + 1;
    while (j < end && b.pcr[j] == b.pcr[i]) ++j;
    std::vector<Digest>& reg = Reg(b.pcr[i]);
    crypto::ExtendChain(&reg[bank], std::span<const Digest>(b.values[bank]).subspan(i, j - i));
    i = j;
  }
}

void ImaReplayer::Impl::ExtendRunsAll(const Job& b, size_t begin, size_t end) {
  size_t i = begin;
  while (i < end) {
    size_t j = i + 1;
    while (j < end && b.pcr[j] == b.pcr[i]) ++j;
    std::vector<Digest>& reg = Reg(b.pcr[i]);
    chain_regs.clear();
    chain_values.clear();
    for (size_t k = 0; k < banks.size(); ++k) {
      chain_regs.push_back(&reg[k]);
      chain_values.push_back(std::span<const Digest>(b.values[k]).subspan(i, j - i));
    }
    crypto::ExtendChains(chain_regs, chain_values);
    i = j;
  }
}

void ImaReplayer::Impl::ExtendEach(const Job& b) {
  // Prefix search: every bank after every entry.
  const size_t nbanks = banks.size();
  for (size_t i = 0; i < b.pcr.size(); ++i) {
    std::vector<Digest>& reg = Reg(b.pcr[i]);
    for (size_t k = 0; k < nbanks; ++k) {
      crypto::ExtendChain(&reg[k], std::span<const Digest>(&b.values[k][i], 1));
    }
    ++extended_entries;
    prefix->Observe(b.pcr[i], reg, extended_entries);
  }
}

void ImaReplayer::Impl::Extend(Job& job) {
  HashShare& share = job.share;
  const bool may_hash = ExtenderHashes() || !extender->threaded();
  const size_t n = job.pcr.size();
  if (!prefix->empty()) {
    if (may_hash) share.Run(hasher.get());
    share.WaitAll();
    ExtendEach(job);
    return;
  }
  // Several banks: chunk by chunk, once its hashes are done (taking chunks
  // nobody has started), every bank over it side by side.
  if (banks.size() > 1) {
    for (size_t c = 0; c < share.chunks(); ++c) {
      while (!share.ChunkDone(c) && may_hash && share.RunOne(hasher.get())) {
      }
      share.WaitChunk(c);
      ExtendRunsAll(job, c * share.chunk(), std::min(n, (c + 1) * share.chunk()));
    }
    extended_entries += n;
    return;
  }
  // One bank. The listed bank extends the listed hashes, known from parsing:
  // its chain need not wait for any template hash. Another waits for its
  // hashes chunk by chunk, taking chunks nobody has started.
  for (size_t k = 0; k < banks.size(); ++k) {
    if (k == listed_slot) {
      ExtendRuns(job, k, 0, n);
      continue;
    }
    for (size_t c = 0; c < share.chunks(); ++c) {
      while (!share.ChunkDone(c) && may_hash && share.RunOne(hasher.get())) {
      }
      share.WaitChunk(c);
      ExtendRuns(job, k, c * share.chunk(), std::min(n, (c + 1) * share.chunk()));
    }
  }
  extended_entries += n;
}

void ImaReplayer::Impl::ExtendAndHelp(Job& job) {
  Extend(job);
  // No chain waiting: hash for the caller until the next job comes.
  if (!ExtenderHashes()) return;
  while (!extender->HasQueued() && HelpCaller()) {
  }
}

ImaReplayer::ImaReplayer(ImaReplayOptions options, std::unique_ptr<TemplateHasher> hasher)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.opt = std::move(options);
  m.hasher = hasher ? std::move(hasher) : MakeBatchTemplateHasher();
  m.kind = m.opt.register_kind;
  const int threads = m.opt.num_threads > 0 ? m.opt.num_threads : crypto::DefaultThreadCount();
  m.extender = std::make_unique<crypto::OrderedWorker>(threads > 1);
  m.banks = m.opt.banks;
  if (m.banks.empty()) m.banks = DefaultImaBanks(m.kind);
  m.prefix.emplace(m.opt.quoted, m.opt.initial, m.kind, m.banks);
}

ImaReplayer::~ImaReplayer() {
  if (impl_ && impl_->extender) impl_->extender->Wait();
}

void ImaReplayer::Impl::CheckBootAggregate(const ima::Entry& e) {
  Status st = ima::DecodeTemplateDataInto(e.desc, e.template_data, e.template_data_offset,
                                          opt.endian, &fields);
  if (!st.ok()) return;
  std::optional<BootAggregateDigest> listed = FindBootAggregate(fields);
  if (!listed) return;
  BootAggregateCheck& b = res.boot_aggregate;
  ++b.entries;
  const bool first = !b.present;
  BootAggregateCheck c = CompareBootAggregate(
      kind, opt.boot_registers ? &*opt.boot_registers : nullptr, *listed, &ext);
  c.present = true;
  c.index = e.index;
  if (c.status == CheckStatus::kFail) {
    ++b.mismatches;
    Finding(e, "boot_aggregate_mismatch",
            c.algo + " boot_aggregate " + c.listed + ", boot registers give " + c.expected + " (" +
                c.form + ")");
  }
  if (first) {
    uint64_t entries = b.entries, mismatches = b.mismatches;
    b = c;
    b.entries = entries;
    b.mismatches = mismatches;
  }
}

void ImaReplayer::Impl::Checks(const Job& job) {
  // Hash counts, findings and the boot_aggregate check, in list order.
  uint64_t unverified = 0;
  for (size_t i = 0; i < job.entries.size(); ++i) {
    const uint8_t f = job.flags[i];
    if (f == 0) continue;
    const ima::Entry& e = job.entries[i];
    // Violations are counted by the caller and never marked mismatched.
    if (f & HashShare::kMismatch) {
      ++res.hashes_mismatched;
      ++unverified;
      if (res.findings.size() < opt.max_findings) {
        Finding(e, "template_hash_mismatch",
                "listed " + ToHex(e.listed_hash.span()) + ", template data hashes to " +
                    ToHex(job.listed_computed[i].span()));
      }
    } else if (f & HashShare::kViolation) {
      ++unverified;
    }
    if (f & HashShare::kBootAggregate) CheckBootAggregate(e);
  }
  res.hashes_verified += job.entries.size() - unverified;
}

Status ImaReplayer::Impl::Check(std::span<const ima::Entry> entries, size_t* copy_len) {
  if (!algs_ready) CCV_RETURN_IF_ERROR(PrepareAlgs(entries[0].listed_hash.alg));
  const HashAlg listed = hash_algs[listed_slot];
  size_t len = 0;
  for (const ima::Entry& e : entries) {
    if (e.listed_hash.alg != listed) {
      return ParseError(ErrorCode::kBadValue, e.offset, "template_hash",
                        "listed template hash algorithm changes within the list");
    }
    if (opt.register_index && e.pcr != *opt.register_index) {
      return ParseError(ErrorCode::kBadValue, e.offset, "pcr",
                        "entry extends register index " + std::to_string(e.pcr) + ", expected " +
                            RegName(*opt.register_index).Name() + " only");
    }
    len += e.template_name.size() + e.template_data.size();
  }
  *copy_len = len;
  return Status::Ok();
}

void ImaReplayer::Impl::SubmitJob(std::shared_ptr<Job> job) {
  const size_t n = job->entries.size();
  const size_t nbanks = banks.size();
  job->datas.resize(n);
  job->flags.resize(n);
  job->pcr.resize(n);
  job->values.resize(nbanks);
  for (std::vector<Digest>& v : job->values) v.resize(n);
  job->listed_computed.resize(n);
  // One pass: the counts, and what the chains need from parsing alone (the
  // register, the listed bank's value: the listed hash, all-ones for a
  // violation).
  Digest* listed_values = listed_slot < nbanks ? job->values[listed_slot].data() : nullptr;
  const Digest ones = Digest::Filled(hash_algs[listed_slot], 0xFF);
  uint64_t violations = 0;
  for (size_t i = 0; i < n; ++i) {
    const ima::Entry& e = job->entries[i];
    job->datas[i] = e.template_data;
    job->pcr[i] = e.pcr;
    const bool violation = e.violation();
    violations += violation;
    if (listed_values != nullptr) listed_values[i] = violation ? ones : e.listed_hash;
    if (e.desc == nullptr || e.desc != last_desc) {
      if (e.template_name != last_template) {
        FlushTemplateCount();
        last_template.assign(e.template_name);
      }
      last_desc = e.desc;
    }
    ++last_template_count;
  }
  res.entries += n;
  res.violations += violations;

  HashShare& share = job->share;
  share.entries = job->entries;
  share.datas = job->datas;
  share.algs = hash_algs;
  share.listed_slot = listed_slot;
  share.nbanks = nbanks;
  share.endian = opt.endian;
  share.flags = job->flags;
  share.outs.clear();
  for (size_t s = 0; s < hash_algs.size(); ++s) {
    share.outs.push_back(s == listed_slot ? std::span<Digest>(job->listed_computed)
                                          : std::span<Digest>(job->values[s]));
  }
  share.Reset(n, ExtenderHashes() ? kHashChunk : n);
  job->users.store(2, std::memory_order_relaxed);
  auto task = [this, job]() {
    ExtendAndHelp(*job);
    Release(job);
  };
  if (!ExtenderHashes()) {
    // One thread hashes: this one (before the chains when they run inline).
    if (extender->threaded()) extender->Submit(std::move(task));
    share.Run(hasher.get());
    if (!extender->threaded()) extender->Submit(std::move(task));
    share.WaitAll();
    Checks(*job);
    Release(job);
    return;
  }
  // The chains start at once. This batch's hashes wait for the extend
  // thread's idle time while this thread parses the next one; then this
  // thread hashes what is left of the older batches and checks them.
  extender->Submit(std::move(task));
  {
    std::lock_guard<std::mutex> lock(help_mu);
    helpable.push_back(&share);
  }
  pending.push_back(std::move(job));
  while (pending.size() > 1) FinishOldest();
}

void ImaReplayer::Impl::FinishOldest() {
  std::shared_ptr<Job> job = std::move(pending.front());
  pending.pop_front();
  job->share.Run(hasher.get());
  {
    std::lock_guard<std::mutex> lock(help_mu);
    helpable.pop_front();  // the oldest, this job's
  }
  job->share.WaitAll();
  Checks(*job);
  Release(job);
}

Status ImaReplayer::AddBatch(std::span<const ima::Entry> entries) {
  Impl& m = *impl_;
  if (entries.empty()) return Status::Ok();
  size_t copy_len = 0;
  CCV_RETURN_IF_ERROR(m.Check(entries, &copy_len));
  // The copy for the extend thread.
  std::shared_ptr<Impl::Job> job = m.TakeJob();
  job->entries.assign(entries.begin(), entries.end());
  job->storage.resize(copy_len);
  uint8_t* at = job->storage.data();
  for (ima::Entry& e : job->entries) {
    const size_t name_len = e.template_name.size(), data_len = e.template_data.size();
    if (name_len > 0) std::memcpy(at, e.template_name.data(), name_len);
    e.template_name = std::string_view(reinterpret_cast<const char*>(at), name_len);
    at += name_len;
    if (data_len > 0) std::memcpy(at, e.template_data.data(), data_len);
    e.template_data = Bytes(at, data_len);
    at += data_len;
  }
  m.SubmitJob(std::move(job));
  return Status::Ok();
}

Status ImaReplayer::AddBatchTaking(std::vector<ima::Entry>* entries,
                                   std::vector<uint8_t>* storage) {
  Impl& m = *impl_;
  if (entries->empty()) return Status::Ok();
  for (const ima::Entry& e : *entries) {
    // Names of unknown templates have no storage of their own: copy all.
    if (e.desc == nullptr) return AddBatch(*entries);
  }
  size_t copy_len = 0;
  CCV_RETURN_IF_ERROR(m.Check(*entries, &copy_len));
  std::shared_ptr<Impl::Job> job = m.TakeJob();
  job->entries.swap(*entries);
  job->storage.swap(*storage);
  for (ima::Entry& e : job->entries) e.template_name = e.desc->name;  // static storage
  m.SubmitJob(std::move(job));
  return Status::Ok();
}

ImaReplayResult ImaReplayer::Finish() {
  Impl& m = *impl_;
  while (!m.pending.empty()) m.FinishOldest();
  m.extender->Wait();
  m.FlushTemplateCount();
  ImaReplayResult r = m.res;
  for (const auto& [name, banks] : m.opt.initial.registers()) {
    if (name.kind != m.kind) continue;
    for (const auto& [alg, v] : banks) r.registers.Set(name, v);
  }
  for (const auto& [index, values] : m.regs) {
    for (const Digest& d : values) r.registers.Set(m.RegName(index), d);
  }
  // Only registers the list extends: a quoted register it never touches says
  // nothing about the list.
  r.prefix =
      m.prefix->Results([&m](uint32_t index) { return m.regs.count(index) != 0; }, r.entries);
  return r;
}

Result<ImaReplayResult> ReplayIma(
    ima::LogReader* reader, const ImaReplayOptions& options,
    const std::function<void(std::span<const ima::Entry>)>& on_batch) {
  ImaReplayer replayer(options);
  std::vector<ima::Entry> batch;
  std::vector<uint8_t> storage;
  for (;;) {
    CCV_RETURN_IF_ERROR(reader->NextBatch(&batch));
    if (batch.empty()) break;
    if (on_batch) on_batch(batch);
    if (reader->TakeTemplateStorage(&storage)) {
      // Ascii: the rebuilt data changes hands instead of being copied.
      CCV_RETURN_IF_ERROR(replayer.AddBatchTaking(&batch, &storage));
    } else {
      CCV_RETURN_IF_ERROR(replayer.AddBatch(batch));
    }
  }
  return replayer.Finish();
}

Result<ImaReplayResult> ReplayImaBytes(Bytes data, const ima::ReadOptions& read,
                                       const ImaReplayOptions& options) {
  ima::LogReader reader(ima::SpanSource(data), read);
  return ReplayIma(&reader, options);
}

}  // namespace ccv::replay
