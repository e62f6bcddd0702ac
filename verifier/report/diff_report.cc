#include "verifier/report/diff_report.h"

#include <tuple>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "parsers/core/strings.h"
#include "verifier/report/internal/json_writer.h"
#include "verifier/report/internal/text_escape.h"
#include "verifier/report/schema_version.h"

namespace ccv::report {
namespace {

using diff::Diff;
using diff::EventItem;
using internal::KeyObjects;
using internal::KeyString;
using internal::KeyStrings;
using internal::KeyUint;
using internal::OneLine;
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

std::string Digests(const std::vector<std::string>& v) { return StrJoin(v, ", "); }

void Event(Writer& w, const EventItem& e) {
  w.StartObject();
  KeyString(w, "pointer", e.pointer);
  KeyString(w, "log", e.log);
  KeyUint(w, "type", e.type);
  KeyString(w, "type_name", e.type_name);
  KeyStrings(w, "digests", e.digests);
  KeyString(w, "text", e.text);
  w.EndObject();
}

void Events(Writer& w, const char* key, const std::vector<EventItem>& v) {
  w.Key(key);
  w.StartArray();
  for (const EventItem& e : v) Event(w, e);
  w.EndArray();
}

void Ima(Writer& w, const char* key, const std::vector<diff::ImaChange>& v) {
  KeyObjects(w, key, v, [](Writer& w, const diff::ImaChange& c) {
    KeyString(w, "path", c.path);
    KeyStrings(w, "a", c.a);
    KeyStrings(w, "b", c.b);
  });
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
  return PrettySchemaJson(4, [&](Writer& w) {
    w.Key("equal");
    w.Bool(d.Equal());
    for (auto [key, kind, source] :
         {std::tuple{"a", &d.a_kind, &d.a_source}, std::tuple{"b", &d.b_kind, &d.b_source}}) {
      w.Key(key);
      w.StartObject();
      KeyString(w, "kind", *kind);
      KeyString(w, "source", *source);
      w.EndObject();
    }
    KeyObjects(w, "missing", d.missing, [](Writer& w, const diff::Missing& m) {
      KeyString(w, "fact", m.fact);
      KeyString(w, "side", m.side);
      KeyString(w, "detail", m.detail);
    });
    KeyObjects(w, "fields", d.fields, [](Writer& w, const diff::FieldChange& f) {
      KeyString(w, "name", f.name);
      KeyString(w, "a", f.a);
      KeyString(w, "b", f.b);
    });
    w.Key("advisories");
    w.StartObject();
    KeyStrings(w, "added", d.advisories_added);
    KeyStrings(w, "removed", d.advisories_removed);
    w.EndObject();
    KeyObjects(w, "registers", d.registers, [](Writer& w, const diff::RegisterDiff& r) {
      KeyString(w, "register", r.reg);
      if (r.a) {
        KeyString(w, "a", *r.a);
        KeyString(w, "b", *r.b);
      }
      Events(w, "added", r.added);
      Events(w, "removed", r.removed);
      KeyObjects(w, "changed", r.changed, [](Writer& w, const diff::EventChange& c) {
        w.Key("a");
        Event(w, c.a);
        w.Key("b");
        Event(w, c.b);
      });
    });
    w.Key("ima");
    w.StartObject();
    Ima(w, "added", d.ima_added);
    Ima(w, "removed", d.ima_removed);
    Ima(w, "changed", d.ima_changed);
    w.EndObject();
    KeyObjects(w, "checks", d.checks, [](Writer& w, const diff::CheckChange& c) {
      KeyString(w, "id", c.id);
      KeyString(w, "a", c.a);
      KeyString(w, "b", c.b);
    });
    KeyStrings(w, "not_compared", d.not_compared);
  });
}

}  // namespace ccv::report
