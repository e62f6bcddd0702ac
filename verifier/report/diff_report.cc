#include "verifier/report/diff_report.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "verifier/report/internal/text_escape.h"
#include "verifier/report/schema_version.h"

namespace ccv::report {
namespace {

using diff::Diff;
using diff::EventItem;
using internal::OneLine;
using internal::ValidUtf8;
using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

constexpr size_t kMaxTextLen = 100;

std::string Short(const std::string& s) {
  std::string one = OneLine(s);
  return one.size() > kMaxTextLen ? one.substr(0, kMaxTextLen) + "..." : one;
}

std::string TypeOf(const EventItem& e) {
  return e.type_name.empty() ? "type " + std::to_string(e.type) : e.type_name;
}

// "ccel#9 EV_IPL sha384:1a2b3c4d5e6f... "kernel_cmdline: ...""
std::string EventLine(const EventItem& e) {
  std::string s = e.pointer + " " + TypeOf(e);
  if (!e.digests.empty()) {
    const std::string& d = e.digests.back();
    s += " " + (d.size() > 24 ? d.substr(0, 24) + "..." : d);
  }
  if (!e.text.empty()) s += " \"" + Short(e.text) + "\"";
  return s;
}

std::string Digests(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& d : v) s += (s.empty() ? "" : ", ") + d;
  return s;
}

void Str(Writer& w, const char* key, const std::string& v) {
  w.Key(key);
  w.String(ValidUtf8(v).c_str());
}

void StrArray(Writer& w, const char* key, const std::vector<std::string>& v) {
  w.Key(key);
  w.StartArray();
  for (const std::string& s : v) w.String(ValidUtf8(s).c_str());
  w.EndArray();
}

void Event(Writer& w, const EventItem& e) {
  w.StartObject();
  Str(w, "pointer", e.pointer);
  Str(w, "log", e.log);
  w.Key("type");
  w.Uint(e.type);
  Str(w, "type_name", e.type_name);
  StrArray(w, "digests", e.digests);
  Str(w, "text", e.text);
  w.EndObject();
}

void Events(Writer& w, const char* key, const std::vector<EventItem>& v) {
  w.Key(key);
  w.StartArray();
  for (const EventItem& e : v) Event(w, e);
  w.EndArray();
}

void Ima(Writer& w, const char* key, const std::vector<diff::ImaChange>& v) {
  w.Key(key);
  w.StartArray();
  for (const diff::ImaChange& c : v) {
    w.StartObject();
    Str(w, "path", c.path);
    StrArray(w, "a", c.a);
    StrArray(w, "b", c.b);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

std::string DiffText(const Diff& d) {
  std::string t = "A: " + d.a_kind + " " + OneLine(d.a_source) + "\nB: " + d.b_kind + " " +
                  OneLine(d.b_source) + "\n";
  for (const diff::Missing& m : d.missing) {
    t +=
        "! " + std::string(m.side == "a" ? "A" : "B") + " lacks " + m.fact + ": " + m.detail + "\n";
  }
  for (const diff::FieldChange& f : d.fields) {
    t += "~ " + f.name + "\n    A: " + Short(f.a) + "\n    B: " + Short(f.b) + "\n";
  }
  for (const std::string& id : d.advisories_added) t += "+ advisory " + OneLine(id) + "\n";
  for (const std::string& id : d.advisories_removed) t += "- advisory " + OneLine(id) + "\n";
  for (const diff::RegisterDiff& r : d.registers) {
    t += r.reg + ":";
    size_t n = r.added.size() + r.removed.size() + r.changed.size();
    t += n == 0 ? " value differs\n"
                : " " + std::to_string(r.added.size()) + " added, " +
                      std::to_string(r.removed.size()) + " removed, " +
                      std::to_string(r.changed.size()) + " changed\n";
    if (r.a) t += "    A: " + *r.a + "\n    B: " + *r.b + "\n";
    for (const EventItem& e : r.added) t += "  + " + EventLine(e) + "\n";
    for (const EventItem& e : r.removed) t += "  - " + EventLine(e) + "\n";
    for (const diff::EventChange& c : r.changed) {
      t += "  ~ A " + EventLine(c.a) + "\n      B " + EventLine(c.b) + "\n";
    }
  }
  for (const diff::ImaChange& c : d.ima_added)
    t += "+ ima " + OneLine(c.path) + " " + Digests(c.b) + "\n";
  for (const diff::ImaChange& c : d.ima_removed)
    t += "- ima " + OneLine(c.path) + " " + Digests(c.a) + "\n";
  for (const diff::ImaChange& c : d.ima_changed) {
    t +=
        "~ ima " + OneLine(c.path) + "\n    A: " + Digests(c.a) + "\n    B: " + Digests(c.b) + "\n";
  }
  for (const diff::CheckChange& c : d.checks) {
    t += "~ check " + c.id + ": A " + (c.a.empty() ? "absent" : c.a) + ", B " +
         (c.b.empty() ? "absent" : c.b) + "\n";
  }
  for (const std::string& n : d.not_compared) t += "not compared: " + OneLine(n) + "\n";
  t += d.Equal() ? "no differences\n" : "differences found\n";
  return t;
}

std::string DiffJson(const Diff& d) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  WriteSchemaVersion(w);
  w.Key("equal");
  w.Bool(d.Equal());
  w.Key("a");
  w.StartObject();
  Str(w, "kind", d.a_kind);
  Str(w, "source", d.a_source);
  w.EndObject();
  w.Key("b");
  w.StartObject();
  Str(w, "kind", d.b_kind);
  Str(w, "source", d.b_source);
  w.EndObject();
  w.Key("missing");
  w.StartArray();
  for (const diff::Missing& m : d.missing) {
    w.StartObject();
    Str(w, "fact", m.fact);
    Str(w, "side", m.side);
    Str(w, "detail", m.detail);
    w.EndObject();
  }
  w.EndArray();
  w.Key("fields");
  w.StartArray();
  for (const diff::FieldChange& f : d.fields) {
    w.StartObject();
    Str(w, "name", f.name);
    Str(w, "a", f.a);
    Str(w, "b", f.b);
    w.EndObject();
  }
  w.EndArray();
  w.Key("advisories");
  w.StartObject();
  StrArray(w, "added", d.advisories_added);
  StrArray(w, "removed", d.advisories_removed);
  w.EndObject();
  w.Key("registers");
  w.StartArray();
  for (const diff::RegisterDiff& r : d.registers) {
    w.StartObject();
    Str(w, "register", r.reg);
    if (r.a) {
      Str(w, "a", *r.a);
      Str(w, "b", *r.b);
    }
    Events(w, "added", r.added);
    Events(w, "removed", r.removed);
    w.Key("changed");
    w.StartArray();
    for (const diff::EventChange& c : r.changed) {
      w.StartObject();
      w.Key("a");
      Event(w, c.a);
      w.Key("b");
      Event(w, c.b);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("ima");
  w.StartObject();
  Ima(w, "added", d.ima_added);
  Ima(w, "removed", d.ima_removed);
  Ima(w, "changed", d.ima_changed);
  w.EndObject();
  w.Key("checks");
  w.StartArray();
  for (const diff::CheckChange& c : d.checks) {
    w.StartObject();
    Str(w, "id", c.id);
    Str(w, "a", c.a);
    Str(w, "b", c.b);
    w.EndObject();
  }
  w.EndArray();
  StrArray(w, "not_compared", d.not_compared);
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize()) + "\n";
}

}  // namespace ccv::report
