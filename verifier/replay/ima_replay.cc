#include "verifier/replay/ima_replay.h"

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

  // One batch on its way through the extend thread: the entries, with their
  // template names and data copied into `storage` (the reader reuses its
  // buffers for the next batch), the per-entry outcomes, and what the extend
  // chains need: the register index and, per bank, the value to extend.
  // Jobs are recycled, so their memory is not allocated (and faulted in)
  // again for every batch.
  struct Job {
    std::vector<ima::Entry> entries;
    std::vector<uint8_t> storage;
    std::vector<Bytes> datas;
    std::vector<uint8_t> flags;           // HashShare bits per entry
    std::vector<Digest> listed_computed;  // the listed alg when it is not a bank
    std::vector<uint32_t> pcr;
    std::vector<std::vector<Digest>> values;  // [bank][entry]
  };

  ImaReplayOptions opt;
  std::unique_ptr<TemplateHasher> hasher;
  std::vector<HashAlg> banks;
  RegisterId::Kind kind = RegisterId::Kind::kPcr;  // of every register the list extends
  // Calling thread (AddBatch): counts that do not need hashes, and the
  // template-name tally without a map lookup per entry.
  bool algs_ready = false;
  std::vector<HashAlg> hash_algs;  // banks + listed alg if not a bank
  size_t listed_slot = 0;
  std::string last_template;
  uint64_t last_template_count = 0;
  ImaReplayResult res;  // entries, violations, templates: the caller; hash
                        // counts, findings, boot_aggregate: the extend thread
  // Extend thread: scratch of the ordered checks.
  crypto::Hasher ext;
  std::vector<ima::DecodedField> fields;
  // Jobs handed back by the extend thread; the shares of the jobs still
  // queued, which the caller helps with when the extend thread is behind.
  std::mutex pool_mu;
  std::vector<std::shared_ptr<Job>> pool;
  std::deque<std::shared_ptr<HashShare>> pending_shares;
  // Extend stage: registers and prefix matches.
  std::map<uint32_t, std::vector<Digest>> regs;
  std::optional<PrefixSearch> prefix;
  uint64_t extended_entries = 0;
  // The extend thread: jobs in list order. It touches only its fields above;
  // Finish() reads them after it is drained. Declared last, so destroyed
  // first.
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
  void GiveBack(std::shared_ptr<Job> j) {
    std::lock_guard<std::mutex> lock(pool_mu);
    pool.push_back(std::move(j));
  }

  bool Shareable() const { return extender->threaded() && hasher->thread_safe(); }
  // AddBatch's checks and counts on the calling thread; *copy_len: bytes of
  // template names and data.
  Status Prepare(std::span<const ima::Entry> entries, size_t* copy_len);
  // Hands a job to the extend thread.
  void SubmitJob(std::shared_ptr<Job> job);

  void CheckBootAggregate(const ima::Entry& e);
  // The extend thread's part of a job, in list order.
  void Process(Job& job, HashShare& share);
  void ExtendAll(const Job& b);
};

void ImaReplayer::Impl::ExtendAll(const Job& b) {
  const size_t n = b.pcr.size();
  const size_t nbanks = banks.size();
  size_t i = 0;
  while (i < n) {
    std::vector<Digest>& reg = Reg(b.pcr[i]);
    if (prefix->empty()) {
      // A run of entries on one register: one chain call per bank.
      size_t j = i + 1;
      while (j < n && b.pcr[j] == b.pcr[i]) ++j;
      for (size_t k = 0; k < nbanks; ++k) {
        crypto::ExtendChain(&reg[k], std::span<const Digest>(b.values[k]).subspan(i, j - i));
      }
      extended_entries += j - i;
      i = j;
      continue;
    }
    for (size_t k = 0; k < nbanks; ++k) {
      crypto::ExtendChain(&reg[k], std::span<const Digest>(&b.values[k][i], 1));
    }
    ++extended_entries;
    prefix->Observe(b.pcr[i], reg, extended_entries);
    ++i;
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
  Status st = ima::DecodeTemplateDataInto(e.template_name, e.template_data, e.template_data_offset,
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

void ImaReplayer::Impl::Process(Job& job, HashShare& share) {
  share.Run(hasher.get());
  share.WaitAll();  // for chunks the caller took
  // Hash counts, findings and the boot_aggregate check, in list order.
  const HashAlg listed = hash_algs[listed_slot];
  for (size_t i = 0; i < job.entries.size(); ++i) {
    const ima::Entry& e = job.entries[i];
    const uint8_t f = job.flags[i];
    // Violations are counted by the caller and never marked mismatched.
    if (f & HashShare::kMismatch) {
      ++res.hashes_mismatched;
      if (res.findings.size() < opt.max_findings) {
        // Recomputed (at most max_findings times): the listed bank's slot
        // now holds the listed hash.
        Digest c = ext.Hash(listed, e.template_data);
        Finding(e, "template_hash_mismatch",
                "listed " + ToHex(e.listed_hash.span()) + ", template data hashes to " +
                    ToHex(c.span()));
      }
    } else if (!(f & HashShare::kViolation)) {
      ++res.hashes_verified;
    }
    if (f & HashShare::kBootAggregate) CheckBootAggregate(e);
  }
  ExtendAll(job);
}

Status ImaReplayer::Impl::Prepare(std::span<const ima::Entry> entries, size_t* copy_len) {
  if (!algs_ready) CCV_RETURN_IF_ERROR(PrepareAlgs(entries[0].listed_hash.alg));
  const HashAlg listed = hash_algs[listed_slot];
  *copy_len = 0;
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
    *copy_len += e.template_name.size() + e.template_data.size();
  }
  // The extend thread is behind if earlier jobs still have chunks nobody has
  // taken: take them here first (a no-op when it is keeping up).
  if (Shareable()) {
    for (const std::shared_ptr<HashShare>& p : pending_shares) p->Run(hasher.get());
    while (!pending_shares.empty() && pending_shares.front()->Taken()) {
      pending_shares.pop_front();
    }
  }
  // Counts that need the template names.
  for (const ima::Entry& e : entries) {
    if (e.template_name != last_template) {
      FlushTemplateCount();
      last_template.assign(e.template_name);
    }
    ++last_template_count;
    ++res.entries;
    if (e.violation()) ++res.violations;
  }
  return Status::Ok();
}

void ImaReplayer::Impl::SubmitJob(std::shared_ptr<Job> job) {
  // The per-entry work, in chunks; the ordered rest and the chains on the
  // extend thread.
  const size_t n = job->entries.size();
  const size_t nbanks = banks.size();
  job->datas.resize(n);
  for (size_t i = 0; i < n; ++i) job->datas[i] = job->entries[i].template_data;
  job->flags.resize(n);
  job->pcr.resize(n);
  job->values.resize(nbanks);
  auto share = std::make_shared<HashShare>();
  share->entries = job->entries;
  share->datas = job->datas;
  share->algs = hash_algs;
  share->listed_slot = listed_slot;
  share->nbanks = nbanks;
  share->pcr = job->pcr;
  share->flags = job->flags;
  for (size_t s = 0; s < hash_algs.size(); ++s) {
    std::vector<Digest>& out = s < nbanks ? job->values[s] : job->listed_computed;
    out.resize(n);
    share->outs.push_back(out);
  }
  const bool shareable = Shareable();
  share->chunk = shareable ? kHashChunk : n;
  share->chunks = (n + share->chunk - 1) / share->chunk;
  if (shareable) pending_shares.push_back(share);
  extender->Submit([this, job, share]() mutable {
    Process(*job, *share);
    share.reset();
    GiveBack(std::move(job));
  });
}

Status ImaReplayer::AddBatch(std::span<const ima::Entry> entries) {
  Impl& m = *impl_;
  if (entries.empty()) return Status::Ok();
  size_t copy_len = 0;
  CCV_RETURN_IF_ERROR(m.Prepare(entries, &copy_len));
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
  CCV_RETURN_IF_ERROR(m.Prepare(*entries, &copy_len));
  std::shared_ptr<Impl::Job> job = m.TakeJob();
  job->entries.swap(*entries);
  job->storage.swap(*storage);
  for (ima::Entry& e : job->entries) e.template_name = e.desc->name;  // static storage
  m.SubmitJob(std::move(job));
  return Status::Ok();
}

ImaReplayResult ImaReplayer::Finish() {
  Impl& m = *impl_;
  // Take the chunks the extend thread has not reached, then wait for it.
  if (m.Shareable()) {
    for (const std::shared_ptr<HashShare>& p : m.pending_shares) p->Run(m.hasher.get());
    m.pending_shares.clear();
  }
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
