#include "verifier/replay/ima_replay.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "parsers/core/hex.h"
#include "parsers/ima_format.h"
#include "parsers/ima_template.h"
#include "verifier/crypto/batch_hash.h"
#include "verifier/crypto/digest.h"
#include "verifier/crypto/ordered_worker.h"

namespace ccv::replay {
namespace {

class OpenSslTemplateHasher final : public TemplateHasher {
 public:
  void HashBatch(HashAlg alg, std::span<const Bytes> data, std::span<Digest> out) override {
    for (size_t i = 0; i < data.size(); ++i) out[i] = hasher_.Hash(alg, data[i]);
  }

 private:
  crypto::Hasher hasher_;
};

class BatchTemplateHasher final : public TemplateHasher {
 public:
  void HashBatch(HashAlg alg, std::span<const Bytes> data, std::span<Digest> out) override {
    crypto::DefaultBatchHasher().HashMany(alg, data, out.data());
  }
};

constexpr std::string_view kBootAggregate = "boot_aggregate";

bool Contains(Bytes hay, std::string_view needle) {
  return ::memmem(hay.data(), hay.size(), needle.data(), needle.size()) != nullptr;
}

}  // namespace

std::unique_ptr<TemplateHasher> MakeOpenSslTemplateHasher() {
  return std::make_unique<OpenSslTemplateHasher>();
}

std::unique_ptr<TemplateHasher> MakeBatchTemplateHasher() {
  return std::make_unique<BatchTemplateHasher>();
}

std::string_view CheckStatusName(CheckStatus s) {
  switch (s) {
    case CheckStatus::kNotChecked: return "not_checked";
    case CheckStatus::kMatch: return "match";
    case CheckStatus::kMismatch: return "mismatch";
  }
  return "not_checked";
}

std::string PrefixMatch::Describe() const {
  std::string r = reg + "." + std::string(HashAlgName(alg)) + ": ";
  if (!found) {
    return r + "no prefix of the list replays to the quoted value";
  }
  if (added_after == 0) {
    return r + "all " + std::to_string(matched_entries) + " entries match the quoted value";
  }
  return r + "first " + std::to_string(matched_entries) + " entries match, " +
         std::to_string(added_after) + " entries were added after the quote";
}

struct ImaReplayer::Impl {
  struct Target {
    uint32_t index;
    size_t slot;   // bank slot
    Digest value;
    size_t result; // index in res.prefix
  };

  ImaReplayOptions opt;
  std::unique_ptr<TemplateHasher> hasher;
  crypto::Hasher ext;
  std::vector<HashAlg> banks;
  std::map<uint32_t, std::vector<Digest>> regs;
  std::vector<Target> targets;
  ImaReplayResult res;
  std::string prefix;  // "pcr" or "rtmr"
  // Batch scratch.
  std::vector<Bytes> datas;
  std::vector<std::vector<Digest>> computed;  // per hash slot
  std::vector<HashAlg> hash_algs;             // banks + listed alg if not a bank
  size_t listed_slot = 0;
  bool algs_ready = false;
  // Template name counting without a map lookup per entry.
  std::string last_template;
  uint64_t last_template_count = 0;
  std::vector<ima::DecodedField> fields;
  std::vector<Digest> ff;  // per bank: all 0xFF (violations)

  // Extend stage state (the worker's while tasks run).
  struct ExtendBatch {
    uint64_t first_entry = 0;
    std::vector<uint32_t> pcr;
    std::vector<Digest> values;  // bank-major
  };
  std::vector<bool> prefix_found;         // per target
  std::vector<uint64_t> prefix_matched;   // per target
  void Extend(const ExtendBatch& batch);
  // Declared last: destroyed first, after its queued tasks ran.
  std::unique_ptr<crypto::OrderedWorker> worker;

  std::string RegName(uint32_t index) const { return prefix + std::to_string(index); }

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
    computed.assign(hash_algs.size(), {});
    res.listed_alg = listed;
    algs_ready = true;
    return Status::Ok();
  }

  void CheckBootAggregate(const ima::Entry& e);
};

ImaReplayer::ImaReplayer(ImaReplayOptions options, std::unique_ptr<TemplateHasher> hasher)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.opt = std::move(options);
  m.hasher = hasher ? std::move(hasher) : MakeBatchTemplateHasher();
  m.prefix = m.opt.register_kind == ImaRegisterKind::kRtmr ? "rtmr" : "pcr";
  m.banks = m.opt.banks;
  if (m.banks.empty()) {
    if (m.opt.register_kind == ImaRegisterKind::kRtmr) {
      m.banks = {HashAlg::kSha384};
    } else {
      m.banks = {HashAlg::kSha1, HashAlg::kSha256};
    }
  }
  // Quoted targets for the prefix search; a target already equal to the
  // initial value matches with 0 entries.
  for (const auto& [name, banks] : m.opt.quoted.registers()) {
    if (name.rfind(m.prefix, 0) != 0) continue;
    std::string_view num = std::string_view(name).substr(m.prefix.size());
    if (num.empty() || num.size() > 3 || num.find_first_not_of("0123456789") != std::string_view::npos) {
      continue;
    }
    uint32_t index = uint32_t(std::stoul(std::string(num)));
    for (const auto& [alg, value] : banks) {
      size_t slot = m.banks.size();
      for (size_t i = 0; i < m.banks.size(); ++i) {
        if (m.banks[i] == alg) slot = i;
      }
      if (slot == m.banks.size()) continue;
      PrefixMatch pm;
      pm.reg = name;
      pm.alg = alg;
      std::optional<Digest> init = m.opt.initial.Get(name, alg);
      if ((init ? *init : Digest::Zero(alg)) == value) pm.found = true;
      m.targets.push_back({index, slot, value, m.res.prefix.size()});
      m.res.prefix.push_back(pm);
    }
  }
  m.prefix_found.assign(m.targets.size(), false);
  m.prefix_matched.assign(m.targets.size(), 0);
  for (HashAlg b : m.banks) m.ff.push_back(Digest::Filled(b, 0xFF));
  int threads = m.opt.threads > 0 ? m.opt.threads : crypto::DefaultThreadCount();
  m.worker = std::make_unique<crypto::OrderedWorker>(threads >= 2);
}

ImaReplayer::~ImaReplayer() = default;

void ImaReplayer::Impl::CheckBootAggregate(const ima::Entry& e) {
  Status st = ima::DecodeTemplateDataInto(e.template_name, e.template_data,
                                          e.template_data_offset, opt.endian, &fields);
  if (!st.ok()) return;
  const ima::DecodedField* digest = nullptr;
  const ima::DecodedField* name = nullptr;
  for (const auto& f : fields) {
    if (f.id == ima::FieldId::kDNg || f.id == ima::FieldId::kD || f.id == ima::FieldId::kDNgV2) {
      if (digest == nullptr) digest = &f;
    }
    if (f.id == ima::FieldId::kNNg || f.id == ima::FieldId::kN) name = &f;
  }
  if (digest == nullptr || name == nullptr || name->text != kBootAggregate) return;
  BootAggregateCheck& b = res.boot_aggregate;
  ++b.entries;
  bool first = !b.present;
  BootAggregateCheck c;
  c.present = true;
  c.index = e.index;
  c.algo = std::string(digest->algo);
  c.listed = ToHex(digest->digest);
  auto finish = [&](CheckStatus s) {
    c.status = s;
    if (s == CheckStatus::kMismatch) {
      ++b.mismatches;
      Finding(e, "boot_aggregate_mismatch",
              c.algo + " boot_aggregate " + c.listed + ", boot registers give " + c.expected +
                  " (" + c.form + ")");
    }
    if (first) {
      uint64_t entries = b.entries, mismatches = b.mismatches;
      b = c;
      b.entries = entries;
      b.mismatches = mismatches;
    }
  };
  if (!opt.boot_registers) {
    c.why = "no boot registers given";
    return finish(CheckStatus::kNotChecked);
  }
  const RegisterSet& br = *opt.boot_registers;
  if (opt.register_kind == ImaRegisterKind::kRtmr) {
    c.form = "sha384(mrtd||rtmr0||rtmr1||rtmr2)";
    ext.Init(HashAlg::kSha384);
    for (const char* r : {"mrtd", "rtmr0", "rtmr1", "rtmr2"}) {
      std::optional<Digest> v = br.Get(r, HashAlg::kSha384);
      if (!v) {
        c.why = std::string("boot registers lack ") + r;
        (void)ext.Final();
        return finish(CheckStatus::kNotChecked);
      }
      ext.Update(v->span());
    }
    Digest d = ext.Final();
    c.expected = ToHex(d.span());
    return finish(std::equal(d.span().begin(), d.span().end(), digest->digest.begin(),
                             digest->digest.end())
                      ? CheckStatus::kMatch
                      : CheckStatus::kMismatch);
  }
  std::optional<HashAlg> alg = HashAlgFromName(c.algo);
  bool any = false;
  if (alg) {
    for (uint32_t i = 0; i < 10; ++i) any = any || br.Get(PcrName(i), *alg).has_value();
  }
  if (!alg || !any || !crypto::HashAlgAvailable(*alg)) {
    c.why = "boot registers have no " + c.algo + " bank";
    return finish(CheckStatus::kNotChecked);
  }
  // ima_calc_boot_aggregate: PCR0-7, plus PCR8-9 for non-SHA1 banks (>= 5.8).
  std::vector<uint32_t> forms = *alg == HashAlg::kSha1 ? std::vector<uint32_t>{8}
                                                       : std::vector<uint32_t>{10, 8};
  for (uint32_t n : forms) {
    ext.Init(*alg);
    for (uint32_t i = 0; i < n; ++i) {
      std::optional<Digest> v = br.Get(PcrName(i), *alg);
      ext.Update((v ? *v : Digest::Zero(*alg)).span());
    }
    Digest d = ext.Final();
    std::string form = n == 10 ? "pcr0-9" : "pcr0-7";
    if (c.expected.empty()) {
      c.expected = ToHex(d.span());
      c.form = form;
    }
    if (std::equal(d.span().begin(), d.span().end(), digest->digest.begin(),
                   digest->digest.end())) {
      c.expected = ToHex(d.span());
      c.form = form;
      return finish(CheckStatus::kMatch);
    }
  }
  return finish(CheckStatus::kMismatch);
}

Status ImaReplayer::AddBatch(std::span<const ima::Entry> entries) {
  Impl& m = *impl_;
  if (entries.empty()) return Status::Ok();
  if (!m.algs_ready) CCV_RETURN_IF_ERROR(m.PrepareAlgs(entries[0].listed_hash.alg));
  const HashAlg listed = m.hash_algs[m.listed_slot];
  const size_t n = entries.size();
  // 1. Independent work: every template hash of the batch, per algorithm.
  m.datas.resize(n);
  for (size_t i = 0; i < n; ++i) {
    if (entries[i].listed_hash.alg != listed) {
      return ParseError(ErrorCode::kBadValue, entries[i].offset, "template_hash",
                        "listed template hash algorithm changes within the list");
    }
    m.datas[i] = entries[i].template_data;
  }
  for (size_t s = 0; s < m.hash_algs.size(); ++s) {
    m.computed[s].resize(n);
    m.hasher->HashBatch(m.hash_algs[s], m.datas, m.computed[s]);
  }
  // 2. Per entry: hash checks, counts and boot_aggregate here; the value each
  // bank is extended with goes to the extend stage (entries alias the
  // reader's buffer, so the stage gets its own copy).
  const size_t nbanks = m.banks.size();
  auto batch = std::make_shared<Impl::ExtendBatch>();
  batch->first_entry = m.res.entries;
  batch->pcr.resize(n);
  batch->values.resize(n * nbanks);  // bank-major: values[b * n + i]
  for (size_t i = 0; i < n; ++i) {
    const ima::Entry& e = entries[i];
    batch->pcr[i] = e.pcr;
    if (e.template_name != m.last_template) {
      m.FlushTemplateCount();
      m.last_template.assign(e.template_name);
    }
    ++m.last_template_count;
    ++m.res.entries;
    if (e.violation()) {
      ++m.res.violations;
      for (size_t b = 0; b < nbanks; ++b) batch->values[b * n + i] = m.ff[b];
    } else {
      const Digest& c = m.computed[m.listed_slot][i];
      if (c == e.listed_hash) {
        ++m.res.hashes_verified;
      } else {
        ++m.res.hashes_mismatched;
        m.Finding(e, "template_hash_mismatch",
                  "listed " + ToHex(e.listed_hash.span()) + ", template data hashes to " +
                      ToHex(c.span()));
      }
      for (size_t b = 0; b < nbanks; ++b) {
        batch->values[b * n + i] = b == m.listed_slot ? e.listed_hash : m.computed[b][i];
      }
    }
    if (Contains(e.template_data, kBootAggregate)) m.CheckBootAggregate(e);
  }
  // 3. The serial extend chains, on the worker thread when there is one.
  Impl* impl = &m;
  m.worker->Submit([impl, batch] { impl->Extend(*batch); });
  return Status::Ok();
}

void ImaReplayer::Impl::Extend(const ExtendBatch& batch) {
  const size_t n = batch.pcr.size();
  const size_t nbanks = banks.size();
  size_t i = 0;
  while (i < n) {
    // A run of entries on one register.
    size_t j = i + 1;
    while (j < n && batch.pcr[j] == batch.pcr[i]) ++j;
    std::vector<Digest>& reg = Reg(batch.pcr[i]);
    if (targets.empty()) {
      for (size_t b = 0; b < nbanks; ++b) {
        crypto::ExtendChain(&reg[b], std::span<const Digest>(&batch.values[b * n + i], j - i));
      }
    } else {
      for (size_t k = i; k < j; ++k) {
        for (size_t b = 0; b < nbanks; ++b) {
          crypto::ExtendChain(&reg[b], std::span<const Digest>(&batch.values[b * n + k], 1));
        }
        for (size_t t = 0; t < targets.size(); ++t) {
          const Target& tg = targets[t];
          if (!prefix_found[t] && tg.index == batch.pcr[k] && reg[tg.slot] == tg.value) {
            prefix_found[t] = true;
            prefix_matched[t] = batch.first_entry + k + 1;
          }
        }
      }
    }
    i = j;
  }
}

ImaReplayResult ImaReplayer::Finish() {
  Impl& m = *impl_;
  m.worker->Wait();
  m.FlushTemplateCount();
  ImaReplayResult r = m.res;
  for (const auto& [name, banks] : m.opt.initial.registers()) {
    if (name.rfind(m.prefix, 0) != 0) continue;
    for (const auto& [alg, v] : banks) r.registers.Set(name, v);
  }
  for (const auto& [index, values] : m.regs) {
    for (const Digest& d : values) r.registers.Set(m.RegName(index), d);
  }
  // Only registers the list extends: a quoted register it never touches says
  // nothing about the list.
  r.prefix.clear();
  for (const Impl::Target& t : m.targets) {
    if (m.regs.count(t.index) == 0) continue;
    PrefixMatch pm = m.res.prefix[t.result];
    if (!pm.found && m.prefix_found[t.result]) {
      pm.found = true;
      pm.matched_entries = m.prefix_matched[t.result];
    }
    if (pm.found) pm.added_after = r.entries - pm.matched_entries;
    r.prefix.push_back(pm);
  }
  return r;
}

Result<ImaReplayResult> ReplayIma(ima::LogReader* reader, const ImaReplayOptions& options) {
  ImaReplayer replayer(options);
  std::vector<ima::Entry> batch;
  for (;;) {
    CCV_RETURN_IF_ERROR(reader->NextBatch(&batch));
    if (batch.empty()) break;
    CCV_RETURN_IF_ERROR(replayer.AddBatch(batch));
  }
  return replayer.Finish();
}

Result<ImaReplayResult> ReplayImaBytes(Bytes data, const ima::ReadOptions& read,
                                       const ImaReplayOptions& options) {
  ima::LogReader reader(ima::SpanSource(data), read);
  return ReplayIma(&reader, options);
}

Result<ima::ChunkSource> FileChunkSource(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status(ErrorCode::kIo, std::string("cannot open: ") + std::strerror(errno))
        .WithFile(path);
  }
  auto holder = std::shared_ptr<int>(new int(fd), [](int* p) {
    ::close(*p);
    delete p;
  });
  return ima::ChunkSource([holder, path](std::span<uint8_t> out) -> Result<size_t> {
    for (;;) {
      ssize_t n = ::read(*holder, out.data(), out.size());
      if (n >= 0) return size_t(n);
      if (errno == EINTR) continue;
      return Status(ErrorCode::kIo, std::string("read failed: ") + std::strerror(errno))
          .WithFile(path);
    }
  });
}

Result<ImaReplayResult> ReplayImaFile(const std::string& path, ima::ReadOptions read,
                                      const ImaReplayOptions& options, bool detect_format) {
  CCV_ASSIGN_OR_RETURN(ima::ChunkSource source, FileChunkSource(path));
  if (detect_format) {
    uint8_t head[32];
    CCV_ASSIGN_OR_RETURN(ima::ChunkSource probe, FileChunkSource(path));
    CCV_ASSIGN_OR_RETURN(size_t n, probe(head));
    read.format = ima::DetectLogFormat(Bytes(head, n));
  }
  ima::LogReader reader(std::move(source), read);
  Result<ImaReplayResult> r = ReplayIma(&reader, options);
  if (!r.ok()) return r.status().WithFile(path);
  return r;
}

}  // namespace ccv::replay
