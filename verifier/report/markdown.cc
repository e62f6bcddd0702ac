#include "verifier/report/markdown.h"

#include <algorithm>
#include <vector>

#include "verifier/report/internal/text_escape.h"
#include "verifier/report/verify_error.h"

namespace ccv::report {
namespace {

using result::Verdict;

std::string Upper(const char* s) {
  std::string out(s);
  for (char& c : out) c = char(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

struct Row {
  Verdict status;
  const char* kind;
  std::string id;
  std::string reason;
};

std::string Counts(const policy::Evaluation& ev, bool rules) {
  std::string out;
  for (Verdict v :
       {Verdict::kFail, Verdict::kWarn, Verdict::kWaived, Verdict::kSkipped, Verdict::kPass}) {
    size_t n = rules ? ev.CountRules(v) : ev.CountChecks(v);
    if (n == 0 && v != Verdict::kFail && v != Verdict::kPass) continue;
    if (!out.empty()) out += ", ";
    out += std::to_string(n) + " " + result::VerdictName(v);
  }
  return out + " of " + std::to_string(rules ? ev.rules.size() : ev.checks.size());
}

}  // namespace

std::string MarkdownCell(std::string_view s, size_t max_len) {
  static constexpr std::string_view kPunct = "\\`*_[]<>|~&";
  const bool cut = s.size() > max_len;
  std::string text = internal::ValidUtf8(cut ? s.substr(0, max_len) : s);
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      out += ' ';
    } else {
      if (kPunct.find(char(c)) != std::string_view::npos) out += '\\';
      out += char(c);
    }
  }
  if (cut) out += "...";
  return out;
}

std::string VerifyReportMarkdown(const result::Facts& f, const policy::Evaluation& ev,
                                 const VerifyReportContext& ctx) {
  const result::Outcome outcome = ev.Outcome();
  std::string head = outcome == result::Outcome::kTrusted ? "TRUSTED"
                     : outcome == result::Outcome::kVerified
                         ? "VERIFIED (no policy: no reference values compared)"
                         : "UNTRUSTED";
  std::string out = "### ccverify verify: " + head + "\n\n| | |\n|---|---|\n";
  if (!ctx.bundle.empty()) out += "| evidence | " + MarkdownCell(ctx.bundle) + " |\n";
  if (!ctx.at.empty()) out += "| time | " + MarkdownCell(ctx.at) + " |\n";
  if (ev.has_policy) {
    std::string p = ev.name.empty() ? "(unnamed)" : ev.name;
    if (!ev.version.empty()) p += " " + ev.version;
    if (!ctx.policy_path.empty()) p += " (" + ctx.policy_path + ")";
    out += "| policy | " + MarkdownCell(p) + " |\n";
  } else {
    out += "| policy | none: measurements were not compared with reference values |\n";
  }
  if (f.collateral.tcb_status)
    out += "| TCB status | " + MarkdownCell(*f.collateral.tcb_status) + " |\n";
  out += "| checks | " + Counts(ev, false) + " |\n";
  if (ev.has_policy) out += "| rules | " + Counts(ev, true) + " |\n";

  std::vector<Row> rows;
  for (const result::Check& c : ev.checks) rows.push_back({c.status, "check", c.id, c.detail});
  for (const policy::RuleResult& r : ev.rules) {
    std::string reason = r.why;
    if (r.status != Verdict::kPass && !r.expected.empty()) {
      reason += (reason.empty() ? "" : "; ") + std::string("expected ") + r.expected + ", actual " +
                r.actual;
    } else if (reason.empty()) {
      reason = r.actual;
    }
    rows.push_back({r.status, "rule", r.id, reason});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return VerdictRank(a.status) < VerdictRank(b.status);
  });
  out += "\n| status | kind | id | reason |\n|---|---|---|---|\n";
  for (const Row& r : rows) {
    out += "| " + Upper(result::VerdictName(r.status)) + " | " + r.kind + " | " +
           MarkdownCell(r.id, 200) + " | " + MarkdownCell(r.reason) + " |\n";
  }
  return out;
}

std::string VerifyErrorMarkdown(const Status& error, const VerifyReportContext& ctx) {
  std::string out = std::string("### ccverify verify: ERROR (") + ErrorHeadline(error) +
                    ")\n\n| | |\n|---|---|\n";
  if (!ctx.bundle.empty()) out += "| evidence | " + MarkdownCell(ctx.bundle) + " |\n";
  if (!ctx.at.empty()) out += "| time | " + MarkdownCell(ctx.at) + " |\n";
  if (!error.file().empty()) out += "| file | " + MarkdownCell(error.file()) + " |\n";
  if (error.offset()) out += "| offset | " + std::to_string(*error.offset()) + " |\n";
  if (error.line()) out += "| line | " + std::to_string(*error.line()) + " |\n";
  if (!error.field().empty()) out += "| field | " + MarkdownCell(error.field()) + " |\n";
  out += "| error | " + MarkdownCell(std::string(ErrorCodeName(error.code()))) + " |\n";
  out += "| message | " + MarkdownCell(error.message()) + " |\n";
  return out;
}

}  // namespace ccv::report
