#!/usr/bin/env python3
"""The JSON contract of the ccverify CLI (docs/json.md) against its schemas.

Runs every JSON-producing command of ccverify (verify --format json, quote
verify --json, tpm verify --json, replay --json, dump --json, dump --to cel-json, containers
--json, containers --policy --format json) over synthetic evidence: the demo
bundle in corpus/demo, the synthetic logs in corpus/, a debug-TD bundle from
make_demo, a generated ima-cgpath list and a bundle that ccverify-agent
collects from a fake guest tree; the JSON and SARIF reports of verify --report
and its error reports (exit 3, exit 2 after the report flags), the SARIF ones
against tests/verifier/cli/sarif-2.1.0-subset.schema.json. Each output must
parse as strict JSON (no member twice), start with "schema_version"
(reports), and validate against its schema in docs/schemas/; bundle manifests validate against
evidence.schema.json, and manifests the schema rejects must also be refused
by ccverify (exit 3). Where the shared real-evidence corpus is present
(--corpus, or CCV_CORPUS in the environment), its files are run too.

The schemas are probed as well: adding a member to any object of an output
must make it invalid unless that object is a declared map (OPEN_OBJECTS), and
removing any top-level member must make it invalid unless the member is
declared optional (OPTIONAL_TOP_LEVEL). So an output member added, removed or
renamed in the code, or a schema loosened, fails this test.

Needs python3-jsonschema (scripts/install-deps.sh). Exit status: 0 pass,
1 failure.
"""
import argparse
import base64
import copy
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.parse

try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError:
    print("json_contract_test: python3-jsonschema is missing (run scripts/install-deps.sh)",
          file=sys.stderr)
    sys.exit(1)

# Objects whose member names come from the evidence (maps), by schema and
# path; "[]" stands for any array element.
OPEN_OBJECTS = {
    "verify": {"/policy/by_container"},
    "replay": {"/logs[]/templates"},
    "dump": {"/events[]/detail", "/events[]/fields"},
    "containers": set(),
    "quote-verify": set(),
    # EAR claims sets are extensible where the draft's CDDL has a socket.
    "ear": {"", "/submods", "/submods/td", "/submods/td/ear_verifier_claims"},
    "tpm-verify": set(),
    "cel": set(),
    "evidence": set(),
    "diff": set(),
    "measure-authenticode": set(),
    "batch-line": set(),
    "batch-summary": {"/verdicts", "/outcomes", "/tcb_statuses"},
}
# Top-level members an output may leave out.
OPTIONAL_TOP_LEVEL = {
    "verify": {"tpm", "kernel"},
    "replay": {"matches_quote", "tpm_quote_checks"},
    "dump": {"end", "end_offset", "trailing_bytes", "error"},
    "containers": {"binding"},
    "quote-verify": {"fmspc", "pce_id", "pck", "what_if"},
    "ear": {"eat_nonce"},
    "tpm-verify": {"hcl"},
    "cel": set(),
    "evidence": {"tpm", "tee", "quote", "quote_provider", "td_report", "quote_unavailable", "ccel",
                 "ima", "tpm_eventlog", "cel", "collateral", "nonce", "user_data",
                 "report_data", "collected_at", "not_found"},
    "diff": set(),
    "measure-authenticode": set(),
    "batch-line": set(),
    "batch-summary": set(),
}
# Every input format `dump --json` must have been seen in the synthetic run.
DUMP_FORMATS = {"tcg2", "tcg-sha1-legacy", "ccel", "ccel-acpi-table", "ima-ascii", "ima-binary",
                "cel-tlv", "cel-json", "tdx-quote", "td-report", "tpm-attest", "hcl-report"}
PROBE = "zz_contract_probe"
DEMO_AT = "2026-06-01T00:00:00Z"


class DuplicateMember(ValueError):
    pass


def strict_loads(text):
    """json.loads that refuses a member given twice and NaN/Infinity."""
    def pairs(items):
        out = {}
        for k, v in items:
            if k in out:
                raise DuplicateMember("member %r appears twice" % k)
            out[k] = v
        return out

    def bad_constant(name):
        raise ValueError("non-JSON number " + name)
    return json.loads(text, object_pairs_hook=pairs, parse_constant=bad_constant)


class Schemas:
    """docs/schemas/*.schema.json, checked and cross-referenced offline."""

    def __init__(self, directory):
        self.by_id = {}
        self.by_name = {}
        for path in sorted(pathlib.Path(directory).glob("*.schema.json")):
            with open(path, encoding="utf-8") as f:
                schema = strict_loads(f.read())
            Draft202012Validator.check_schema(schema)
            name = path.name[:-len(".schema.json")]
            self.by_id[schema["$id"]] = schema
            self.by_name[name] = schema
        self._check_refs()
        self._validators = {}

    def _check_refs(self):
        # Every $ref must name a schema here (nothing is fetched) and a
        # location that exists.
        def walk(node, base, where):
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str):
                    target = urllib.parse.urljoin(base, ref)
                    url, _, fragment = target.partition("#")
                    doc = self.by_id.get(url)
                    if doc is None:
                        raise AssertionError("%s: $ref %s names no schema here" % (where, ref))
                    for part in [p for p in fragment.split("/") if p]:
                        part = part.replace("~1", "/").replace("~0", "~")
                        if not isinstance(doc, dict) or part not in doc:
                            raise AssertionError("%s: $ref %s does not resolve" % (where, ref))
                        doc = doc[part]
                for k, v in node.items():
                    walk(v, base, where)
            elif isinstance(node, list):
                for v in node:
                    walk(v, base, where)
        for sid, schema in self.by_id.items():
            walk(schema, sid, sid)

    def validator(self, name):
        if name not in self._validators:
            schema = self.by_name[name]
            try:
                import referencing
                from referencing.jsonschema import DRAFT202012
                registry = referencing.Registry().with_resources(
                    [(sid, DRAFT202012.create_resource(s)) for sid, s in self.by_id.items()])
                v = Draft202012Validator(schema, registry=registry)
            except ImportError:  # jsonschema < 4.18 (Debian 12: 4.10)
                resolver = jsonschema.RefResolver.from_schema(schema, store=dict(self.by_id))
                v = Draft202012Validator(schema, resolver=resolver)
            self._validators[name] = v
        return self._validators[name]

    def errors(self, name, doc):
        errs = sorted(self.validator(name).iter_errors(doc), key=lambda e: list(e.path))
        return ["%s: %s" % ("/" + "/".join(str(p) for p in e.path), e.message[:300])
                for e in errs]


class Contract:
    def __init__(self, args, schemas):
        self.ccverify = args.ccverify
        self.schemas = schemas
        self.failures = []
        self.validated = {name: 0 for name in schemas.by_name if name != "common"}
        self.dump_formats = set()
        self.probed_paths = {}  # schema -> set of normalised object paths probed
        self.runs = 0

    def fail(self, what, why):
        self.failures.append("%s: %s" % (what, why))
        print("FAIL %s: %s" % (what, why), file=sys.stderr)

    # --- running commands ---

    def run(self, argv, schema, codes=(0,), what=None, output=None, optional=False):
        """Runs ccverify ARGV, checks the exit code and validates stdout (or
        the file `output`) against `schema`. Returns the document or None."""
        what = what or "ccverify " + " ".join(str(a) for a in argv)
        self.runs += 1
        try:
            p = subprocess.run([self.ccverify] + [str(a) for a in argv], capture_output=True,
                               timeout=300)
        except subprocess.TimeoutExpired:
            self.fail(what, "timed out")
            return None
        if p.returncode not in codes:
            self.fail(what, "exit code %d, expected %s; stderr: %s" %
                      (p.returncode, "/".join(map(str, codes)),
                       p.stderr.decode(errors="replace")[:500]))
            return None
        text = pathlib.Path(output).read_bytes() if output else p.stdout
        if not text.strip():
            if optional:
                return None
            self.fail(what, "no JSON written (exit %d; stderr: %s)" %
                      (p.returncode, p.stderr.decode(errors="replace")[:300]))
            return None
        return self.check_text(what, text, schema)

    def check_text(self, what, raw, schema):
        try:
            doc = strict_loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            self.fail(what, "not strict JSON: %s" % e)
            return None
        return self.check_doc(what, doc, schema)

    def check_doc(self, what, doc, schema):
        if schema not in ("cel", "evidence", "ear"):
            first = next(iter(doc), None) if isinstance(doc, dict) else None
            if first != "schema_version":
                self.fail(what, "first member is %r, not schema_version" % first)
        errors = self.schemas.errors(schema, doc)
        if errors:
            self.fail(what, "does not follow %s.schema.json:\n    %s" %
                      (schema, "\n    ".join(errors[:10])))
            return None
        self.validated[schema] += 1
        if schema == "dump":
            self.dump_formats.add(doc["format"])
        self.probe(what, doc, schema)
        return doc

    # --- probing the schemas with altered documents ---

    def probe(self, what, doc, schema):
        """Adding a member to a closed object, or removing a top-level
        member not listed in OPTIONAL_TOP_LEVEL, must make `doc` invalid; adding
        one to an object listed in OPEN_OBJECTS must not."""
        seen = self.probed_paths.setdefault(schema, set())
        v = self.schemas.validator(schema)
        for path, norm in object_paths(doc):
            if norm in seen:
                continue
            seen.add(norm)
            altered = copy.deepcopy(doc)
            target = follow(altered, path)
            if PROBE in target:
                continue
            # A value like the object's own (a map's entries share a shape),
            # so that only the member name decides.
            target[PROBE] = copy.deepcopy(next(iter(target.values()), 0))
            rejected = not v.is_valid(altered)
            is_open = norm in OPEN_OBJECTS[schema]
            if rejected == is_open:
                self.fail(what, "object %s %s an unknown member, but the test lists it as %s" %
                          (norm or "/", "rejects" if rejected else "accepts",
                           "open" if is_open else "closed"))
        if isinstance(doc, dict):
            for key in list(doc):
                tag = ("top", key)
                if tag in seen:
                    continue
                seen.add(tag)
                altered = dict(doc)
                del altered[key]
                # An optional member may still be needed by another one
                # (dependentRequired): only a required one is asserted.
                if v.is_valid(altered) and key not in OPTIONAL_TOP_LEVEL[schema]:
                    self.fail(what, "without top-level member %r the document is still valid, "
                              "but the test lists the member as required" % key)

    def report(self):
        for name, n in sorted(self.validated.items()):
            print("  %-13s %4d documents valid" % (name + ":", n))
            if n == 0:
                self.fail(name + ".schema.json", "no output was validated against it")
        missing = DUMP_FORMATS - self.dump_formats
        if missing:
            self.fail("dump --json", "formats never dumped: %s" % ", ".join(sorted(missing)))
        print("  %d ccverify runs" % self.runs)


def object_paths(doc, path=(), norm=""):
    """(path, normalised path) of every object in `doc`."""
    if isinstance(doc, dict):
        yield path, norm
        for k, v in doc.items():
            yield from object_paths(v, path + (k,), norm + "/" + k)
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from object_paths(v, path + (i,), norm + "[]")


def follow(doc, path):
    for p in path:
        doc = doc[p]
    return doc


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return strict_loads(f.read())


# --- synthetic evidence --------------------------------------------------------


def check_sarif(c, what, path, src):
    """A SARIF report against the subset of SARIF 2.1.0 ccverify writes, and
    its own consistency: each result's ruleIndex names its ruleId."""
    try:
        doc = strict_loads(pathlib.Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        c.fail(what, "SARIF not readable as strict JSON: %s" % e)
        return
    schema = read_json(src / "tests/verifier/cli/sarif-2.1.0-subset.schema.json")
    errors = sorted(Draft202012Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
    if errors:
        c.fail(what, "not SARIF 2.1.0: " + "; ".join(e.message[:200] for e in errors[:5]))
        return
    for run in doc["runs"]:
        rules = run["tool"]["driver"].get("rules", [])
        for res in run.get("results", []):
            i = res.get("ruleIndex")
            if i is None or i >= len(rules) or rules[i]["id"] != res.get("ruleId"):
                c.fail(what, "result %r: ruleIndex %r does not name it" % (res.get("ruleId"), i))


def reports(c, src, demo, root, work):
    """--report FORMAT=PATH: the JSON report of one multi-format run, and the
    error report of runs that stop (exit 3, and exit 2 after the report flags)."""
    out = work / "reports"
    out.mkdir()
    base = ["verify", demo, "--policy", demo / "policy.yaml", "--root-ca", root, "--at", DEMO_AT]

    def every(tag):
        args = ["-q"]
        for f in ("text", "json", "junit", "sarif", "markdown"):
            args += ["--report", "%s=%s" % (f, out / ("%s.%s" % (tag, f)))]
        return args
    c.run(base + every("trusted"), "verify", output=out / "trusted.json")
    check_sarif(c, "verify --report sarif (trusted)", out / "trusted.sarif", src)
    c.run(base + ["--report-data", "00" * 64] + every("untrusted"), "verify", codes=(1,),
          output=out / "untrusted.json")
    check_sarif(c, "verify --report sarif (untrusted)", out / "untrusted.sarif", src)
    broken = work / "broken-bundle"
    shutil.copytree(demo, broken)
    quote = (broken / "quote.bin").read_bytes()
    (broken / "quote.bin").unlink()
    (broken / "quote.bin").write_bytes(quote[:700])
    broken_args = ["verify", broken, "--root-ca", root, "--at", DEMO_AT]
    doc = c.run(broken_args + every("input-error"), "verify", codes=(3,),
                output=out / "input-error.json")
    if doc is not None and (doc.get("verdict") != "error" or doc["error"]["file"] is None):
        c.fail("verify of a cut quote --report json", "no error report naming the file")
    check_sarif(c, "verify --report sarif (input error)", out / "input-error.sarif", src)
    c.run(broken_args + ["--format", "json"], "verify", codes=(3,))
    c.run(["verify", demo, "--policy", demo / "missing.yaml", "--format", "json"], "verify",
          codes=(3,))
    c.run(base + ["--nonce", "zz"] + every("usage-error"), "verify", codes=(2,),
          output=out / "usage-error.json")
    # --ima-state: a full replay saves the state, the next run resumes from it.
    (out / "state.key").write_bytes(b"contract test state key, 32 byte")
    state_args = ["verify", demo, "--root-ca", root, "--at", DEMO_AT, "--format", "json",
                  "--ima-state", out / "ima.state", "--state-key", out / "state.key"]
    for want in ("full", "incremental"):
        doc = c.run(state_args, "verify")
        got = [l.get("ima_state", {}).get("replay") for l in (doc or {}).get("logs", [])
               if l.get("name") == "ima"]
        if doc is not None and got != [want]:
            c.fail("verify --ima-state", "logs[ima].ima_state.replay is %r, expected %r" % (got, want))
    signed_reports(c, base, broken_args, out)


def jws_payload(c, what, path):
    """The payload of the compact JWS in `path` (not verified here: the
    signature is checked by signed_result_test)."""
    try:
        parts = pathlib.Path(path).read_text(encoding="ascii").strip().split(".")
        if len(parts) != 3:
            raise ValueError("%d parts" % len(parts))
        body = parts[1] + "=" * (-len(parts[1]) % 4)
        return base64.urlsafe_b64decode(body)
    except (OSError, ValueError) as e:
        c.fail(what, "not a compact JWS: %s" % e)
        return None


def signed_reports(c, base, broken_args, out):
    """--report jws=F and ear=F: the JWS payload is the JSON report, the EAR
    claims follow ear.schema.json, for a trusted, an untrusted and a stopped
    run."""
    key = out / "sign-key.pem"
    gen = subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                          "ec_paramgen_curve:P-256", "-out", str(key)], capture_output=True)
    if gen.returncode != 0:
        c.fail("openssl genpkey", gen.stderr.decode(errors="replace")[:300])
        return
    for tag, args, code in (("trusted", base, 0),
                            ("untrusted", base + ["--report-data", "00" * 64], 1),
                            ("error", broken_args, 3)):
        jws, ear = out / ("%s.jws" % tag), out / ("%s.ear" % tag)
        c.run(args + ["-q", "--sign-key", key, "--report", "jws=%s" % jws,
                      "--report", "ear=%s" % ear, "--report", "json=%s" % (out / "s.json")],
              "verify", codes=(code,), output=out / "s.json")
        for path, schema in ((jws, "verify"), (ear, "ear")):
            raw = jws_payload(c, "verify --report %s (%s)" % (schema, tag), path)
            if raw is not None:
                c.check_text("verify --report %s (%s)" % (path.suffix[1:], tag), raw, schema)


def batch(c, demo, root, work):
    """verify --batch: the summary on stdout, each JSON line, and batch merge."""
    fleet = work / "fleet"
    for name in ("a", "b", "c"):
        shutil.copytree(demo, fleet / name)
    (fleet / "c" / "quote.bin").unlink()  # an input error
    (fleet / "b" / "quote.bin").write_bytes(b"\0" * 8)  # a quote that does not parse
    lines = work / "fleet.jsonl"
    c.run(["verify", "--batch", fleet, "--policy", demo / "policy.yaml", "--root-ca", root,
           "--at", DEMO_AT, "--report", "jsonl=%s" % lines, "--format", "json"], "batch-summary",
          codes=(1,))
    n = 0
    for i, line in enumerate(lines.read_bytes().splitlines()):
        c.check_text("verify --batch line %d" % (i + 1), line, "batch-line")
        n += 1
    if n != 3:
        c.fail("verify --batch", "%d JSON lines, expected 3" % n)
    c.run(["batch", "merge", lines, "--format", "json"], "batch-summary", codes=(1,))


def synthetic(c, src, work, make_demo, agent):
    demo = src / "corpus" / "demo"
    root = demo / "root_ca.pem"
    manifest = read_json(demo / "evidence.json")
    nonce, user_data = manifest["nonce"], manifest["user_data"]

    # verify, every outcome and optional member of the report.
    c.run(["verify", demo, "--root-ca", root, "--at", DEMO_AT, "--format", "json"], "verify")
    c.run(["verify", demo, "--policy", demo / "policy.yaml", "--root-ca", root, "--at", DEMO_AT,
           "--format", "json"], "verify")
    c.run(["verify", demo, "--policy", demo / "policy.yaml", "--root-ca", root, "--at", DEMO_AT,
           "--nonce", nonce, "--user-data", user_data, "--format", "json"], "verify")
    c.run(["verify", demo, "--policy", demo / "policy.yaml", "--format", "json"], "verify",
          codes=(1,))
    c.run(["verify", demo, "--root-ca", root, "--at", DEMO_AT, "--report-data", "00" * 64,
           "--format", "json"], "verify", codes=(1,))
    for policy in sorted((src / "policies" / "examples").glob("*.yaml")):
        c.run(["verify", demo, "--policy", policy, "--root-ca", root, "--at", DEMO_AT,
               "--format", "json"], "verify", codes=(0, 1))
    c.run(["verify", "--quote", demo / "quote.bin", "--ccel", demo / "CCEL.data",
           "--ccel-table", demo / "CCEL", "--ima", demo / "ascii_runtime_measurements",
           "--tpm-log", src / "corpus/tcg/synthetic-agile-ff-padded.bin", "--root-ca", root,
           "--at", DEMO_AT, "--format", "json"], "verify", codes=(1,))
    # A folder without a manifest, read by content (no nonce: the binding fails).
    folder = work / "demo-no-manifest"
    folder.mkdir()
    for f in demo.iterdir():
        if f.suffix in (".bin", ".json", ".data") and f.name != "evidence.json" or f.name in (
                "CCEL", "ascii_runtime_measurements"):
            shutil.copy(f, folder / f.name)
    c.run(["verify", folder, "--root-ca", root, "--at", DEMO_AT, "--format", "json"], "verify",
          codes=(1,))
    # Critical data (ima-buf) logged after the quoted value: `kernel` lists each
    # record with why it gives no fact.
    crit = work / "demo-kernel"
    shutil.copytree(demo, crit)
    with open(crit / "ascii_runtime_measurements", "a") as f:
        for name, text in (("dm_table_load", "name=v,uuid=;target_index=0,target_name=verity;"),
                           ("selinux-state", "initialized=1;enforcing=1;")):
            buf = text.encode()
            fields = [b"sha384:\0" + hashlib.sha384(buf).digest(), name.encode() + b"\0", buf]
            data = b"".join(len(x).to_bytes(4, "little") + x for x in fields)
            f.write(" 2 %s ima-buf sha384:%s %s %s\n" % (
                hashlib.sha384(data).hexdigest(), hashlib.sha384(buf).hexdigest(), name,
                buf.hex()))
    doc = c.run(["verify", crit, "--policy", demo / "policy.yaml", "--root-ca", root, "--at",
                 DEMO_AT, "--format", "json"], "verify", codes=(0, 1))
    if doc is not None and [b["kind"] for b in doc.get("kernel", {}).get("buffers", [])] != [
            "dm_table_load", "selinux_state"]:
        c.fail("verify with ima-buf records", "no kernel.buffers for them")
    report = work / "report.json"
    c.run(["verify", demo, "--policy", demo / "policy.yaml", "--root-ca", root, "--at", DEMO_AT,
           "--format", "json", "--output", report], "verify", output=report)
    reports(c, src, demo, root, work)
    batch(c, demo, root, work)

    # quote verify
    c.run(["quote", "verify", demo / "quote.bin", "--collateral", demo / "collateral.json",
           "--root-ca", root, "--at", DEMO_AT, "--json"], "quote-verify")
    c.run(["quote", "verify", demo / "quote.bin", "--collateral", demo / "collateral.json",
           "--at", DEMO_AT, "--json"], "quote-verify", codes=(1,))

    # replay, every kind of log
    c.run(["replay", "--ccel", demo / "CCEL.data", "--ima", demo / "ascii_runtime_measurements",
           "--quote", demo / "quote.bin", "--json"], "replay")
    c.run(["replay", "--ccel", src / "corpus/ccel/synthetic-ccel-ff-padded.bin", "--quote",
           demo / "quote.bin", "--json"], "replay", codes=(1,))
    for log in sorted((src / "corpus" / "ccel").glob("*.bin")):
        c.run(["replay", "--ccel", log, "--json"], "replay")
    for log in sorted((src / "corpus" / "tcg").glob("*.bin")):
        c.run(["replay", "--tpm-log", log, "--json"], "replay")
    for log in sorted((src / "corpus" / "ima" / "valid").glob("*")):
        if log.suffix != ".json":
            c.run(["replay", "--ima", log, "--json"], "replay")

    # dump: every input format, CEL conversions, errors
    cels = []
    for name, log in [("ccel.cel", demo / "CCEL.data"),
                      ("tcg.cel", src / "corpus/tcg/synthetic-agile-sha512-sm3.bin"),
                      ("ima.cel", demo / "ascii_runtime_measurements")]:
        for to in ("cel-json", "cel-tlv"):
            out = work / (name + "." + to)
            with open(out, "wb") as f:
                p = subprocess.run([c.ccverify, "dump", str(log), "--to", to], stdout=f)
            if p.returncode != 0:
                c.fail("dump %s --to %s" % (log, to), "exit code %d" % p.returncode)
                continue
            cels.append(out)
            if to == "cel-json":
                c.check_text("dump %s --to cel-json" % log, out.read_bytes(), "cel")
    for cel in cels:
        c.run(["dump", cel, "--json"], "dump")
        c.run(["replay", "--cel", cel, "--json"], "replay")
    td_report = work / "td_report.bin"
    td = bytearray(1024)
    td[0] = 0x81
    td[128:192] = hashlib.sha512(b"json contract").digest()
    td_report.write_bytes(bytes(td))
    for f in [demo / "CCEL.data", demo / "CCEL", demo / "quote.bin",
              demo / "ascii_runtime_measurements", td_report]:
        c.run(["dump", f, "--json"], "dump")
    for d in ("ccel", "tcg"):
        for log in sorted((src / "corpus" / d).glob("*.bin")):
            c.run(["dump", log, "--json"], "dump")
    for log in sorted((src / "corpus" / "ima" / "valid").glob("*")):
        if log.suffix != ".json":
            c.run(["dump", log, "--json"], "dump")
    for log in sorted((src / "corpus" / "ima" / "invalid").glob("*")):
        if log.suffix != ".json":
            c.run(["dump", log, "--json"], "dump", codes=(0, 3), optional=True)
    truncated = work / "truncated.tcg"
    truncated.write_bytes((src / "corpus/tcg/synthetic-agile-ff-padded.bin").read_bytes()[:333])
    doc = c.run(["dump", truncated, "--json"], "dump", codes=(3,))
    if doc is not None and "error" not in doc:
        c.fail("dump of a truncated log", "no error member")

    # containers: a generated ima-cgpath list, its binding and its policy
    containers(c, src, work)
    tpm_quotes(c, work)

    # a debug TD from make_demo
    if make_demo:
        debug = work / "debug-td"
        debug.mkdir()
        p = subprocess.run([make_demo, str(debug), "0", "debug"], capture_output=True)
        if p.returncode != 0:
            c.fail("make_demo debug", p.stderr.decode(errors="replace")[:300])
        else:
            c.check_doc("make_demo debug: evidence.json", read_json(debug / "evidence.json"),
                        "evidence")
            doc = c.run(["verify", debug, "--root-ca", debug / "root_ca.pem", "--format", "json"],
                        "verify", codes=(1,))
            if doc is not None and not any(ch["id"] == "td.debug" and ch["status"] == "fail"
                                           for ch in doc["checks"]):
                c.fail("verify of a debug TD", "no failing td.debug check")
            # Waivers: a waived check and a waived rule carry "waiver".
            waived = work / "debug-waived.yaml"
            waived.write_text((demo / "policy.yaml").read_text() +
                              "waivers:\n"
                              "  - {rule: td.debug, until: 2099-01-01, reason: \"lab TD\"}\n"
                              "  - {rule: td.attributes, until: 2099-01-01, reason: \"lab TD\"}\n")
            doc = c.run(["verify", debug, "--root-ca", debug / "root_ca.pem", "--policy", waived,
                         "--format", "json"], "verify", codes=(0, 1))
            if doc is not None and not any("waiver" in ch for ch in doc["checks"]):
                c.fail("verify of a debug TD with waivers", "no check carries a waiver")
        diffs(c, demo, work, make_demo, debug)
    else:
        print("json_contract_test: make_demo not given: debug-TD bundle skipped")

    if agent:
        agent_bundle(c, demo, work, agent, nonce, user_data)
    else:
        print("json_contract_test: ccverify-agent not built: agent bundle skipped")

    manifests(c, demo, work)
    pe_images(c, work)


def tiny_pe(pe32_plus=True):
    """A PE/COFF EFI application with two sections (PE Format 3.3-4)."""
    import struct
    opt_len = (112 if pe32_plus else 96) + 16 * 8
    lfanew = 0x40
    b = bytearray(0x400)
    b[0:2] = b"MZ"
    struct.pack_into("<I", b, 0x3c, lfanew)
    b[lfanew:lfanew + 4] = b"PE\0\0"
    coff = lfanew + 4
    struct.pack_into("<HHIIIHH", b, coff, 0x8664 if pe32_plus else 0x14c, 2, 0, 0, 0, opt_len,
                     0x206)
    opt = coff + 20
    struct.pack_into("<H", b, opt, 0x20b if pe32_plus else 0x10b)
    struct.pack_into("<II", b, opt + 32, 0x1000, 0x200)
    struct.pack_into("<III", b, opt + 56, 0x3000, 0x400, 0)
    struct.pack_into("<H", b, opt + 68, 10)
    struct.pack_into("<I", b, opt + (108 if pe32_plus else 92), 16)
    table = opt + opt_len
    for i, name in enumerate((b".text", b".data")):
        struct.pack_into("<8sIIII12xI", b, table + 40 * i, name, 0x200, 0x1000 * (i + 1), 0x200,
                         0x400 + 0x200 * i, 0x60000020)
    b += bytes((i * 7) & 0xff for i in range(0x400))
    return bytes(b)


def pe_images(c, work):
    """measure authenticode: unsigned PE32+ and PE32, and a signed image
    where osslsigncode and openssl are installed."""
    for plus in (True, False):
        f = work / ("tiny-%s.efi" % ("pe32plus" if plus else "pe32"))
        f.write_bytes(tiny_pe(plus))
        c.run(["measure", "authenticode", f, "--json"], "measure-authenticode")
        c.run(["measure", "authenticode", f, "--alg", "sha384", "--json"], "measure-authenticode")
    if shutil.which("osslsigncode") and shutil.which("openssl"):
        key, cert = work / "pe-key.pem", work / "pe-cert.pem"
        signed = work / "tiny-signed.efi"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj",
                        "/CN=contract", "-days", "2", "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
        subprocess.run(["osslsigncode", "sign", "-certs", cert, "-key", key, "-in",
                        work / "tiny-pe32plus.efi", "-out", signed], check=True,
                       capture_output=True)
        doc = c.run(["measure", "authenticode", signed, "--json"], "measure-authenticode")
        if doc is not None and not doc["signatures"][0].get("digest_matches_image"):
            c.fail("measure authenticode of a signed image", "signed digest differs from ours")
    else:
        print("json_contract_test: osslsigncode not installed: signed PE image skipped")


def diffs(c, demo, work, make_demo, debug):
    """diff --json: equal, every kind of difference, a bundle against a policy."""
    root = demo / "root_ca.pem"
    common = ["--root-ca", root, "--at", DEMO_AT, "--json"]
    variants = {}
    for variant in ("diff-peer", "new-cmdline", "insert-event"):
        d = work / ("diff-" + variant)
        d.mkdir()
        p = subprocess.run([make_demo, str(d), "0", variant], capture_output=True)
        if p.returncode != 0:
            c.fail("make_demo " + variant, p.stderr.decode(errors="replace")[:300])
            return
        variants[variant] = d
    no_ima = work / "diff-no-ima"
    shutil.copytree(demo, no_ima)
    manifest = read_json(no_ima / "evidence.json")
    del manifest["ima"]
    (no_ima / "evidence.json").write_text(json.dumps(manifest))
    doc = c.run(["diff", demo, demo] + common, "diff")
    if doc is not None and not doc["equal"]:
        c.fail("diff of the demo with itself", "not equal")
    c.run(["diff", demo, demo / "policy.yaml"] + common, "diff")
    peer = variants["diff-peer"]
    c.run(["diff", demo / "policy.yaml", peer, "--root-ca", peer / "root_ca.pem", "--at", DEMO_AT,
           "--json"], "diff", codes=(1,))
    for v in variants.values():
        c.run(["diff", demo, v, "--root-ca-a", root, "--root-ca-b", v / "root_ca.pem", "--at", DEMO_AT,
               "--json"], "diff", codes=(1,))
    c.run(["diff", demo, no_ima] + common, "diff", codes=(1,))
    c.run(["diff", demo, debug, "--root-ca-a", root, "--root-ca-b", debug / "root_ca.pem",
           "--at", DEMO_AT, "--format", "json"], "diff", codes=(1,))
    c.run(["diff", demo, variants["diff-peer"], "--json"], "diff", codes=(1,))


def tpm_quotes(c, work):
    """tpm verify over a synthetic quote: an RSA key made by openssl signs
    (RSASSA-SHA256) a TPMS_ATTEST built here over PCR0-1 of sha256."""
    import struct
    key, pub = work / "tpm-ak.key", work / "tpm-ak.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                    "rsa_keygen_bits:2048", "-out", key], check=True, capture_output=True)
    subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-out", pub], check=True,
                   capture_output=True)
    pcr0, pcr1 = hashlib.sha256(b"0").digest(), hashlib.sha256(b"1").digest()
    digest = hashlib.sha256(pcr0 + pcr1).digest()
    nonce = bytes.fromhex("c0ffee")
    attest = (struct.pack(">IH", 0xff544347, 0x8018) + struct.pack(">H", 34) + b"\x5a" * 34 +
              struct.pack(">H", len(nonce)) + nonce + struct.pack(">QIIB", 1000, 2, 0, 1) +
              struct.pack(">Q", 0x20160511) + struct.pack(">IHB", 1, 0x000B, 3) +
              bytes([0x03, 0, 0]) + struct.pack(">H", 32) + digest)
    (work / "tpm.attest").write_bytes(attest)
    raw = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key, work / "tpm.attest"],
                         check=True, capture_output=True).stdout
    (work / "tpm.sig").write_bytes(struct.pack(">HHH", 0x0014, 0x000B, len(raw)) + raw)
    (work / "tpm-pcrs.json").write_text(json.dumps(
        {"sha256": {"0": pcr0.hex(), "1": pcr1.hex()}}))
    base = ["tpm", "verify", "--attest", work / "tpm.attest", "--signature", work / "tpm.sig",
            "--ak", pub, "--json"]
    c.run(base + ["--nonce", "c0ffee", "--pcrs", work / "tpm-pcrs.json"], "tpm-verify")
    c.run(base + ["--nonce", "c0ffef"], "tpm-verify", codes=(1,))
    c.run(["dump", work / "tpm.attest", "--json"], "dump")
    # A synthetic Azure HCL report: header, a TDREPORT whose REPORTDATA[0:32]
    # is SHA-256 of the runtime data, the request-data header, the JSON.
    runtime = json.dumps({"vm-configuration": {"secure-boot": True, "tpm-enabled": True,
                                               "vmUniqueId": "contract"}}).encode()
    td = bytearray(1024)
    td[0] = 0x81
    td[128:160] = hashlib.sha256(runtime).digest()
    hcl = (b"HCLA" + struct.pack("<IIII", 2, 0, 2, 0) + bytes(12) + bytes(td) + bytes(1184 - 1024) +
           struct.pack("<IIIII", 20 + len(runtime), 1, 4, 1, len(runtime)) + runtime)
    (work / "hcl.bin").write_bytes(hcl)
    c.run(["dump", work / "hcl.bin", "--json"], "dump")
    # The same quote in verify (the AK pinned by the policy) and in replay.
    fp = subprocess.run(["openssl", "pkey", "-pubin", "-in", pub, "-outform", "DER"],
                        check=True, capture_output=True).stdout
    (work / "tpm-policy.yaml").write_text(
        "apiVersion: ccverify/v1\ntpm:\n  ak: \"sha256:%s\"\npcrs:\n  pcr0:\n"
        "    sha256: {eq: \"%s\"}\n" % (hashlib.sha256(fp).hexdigest(), pcr0.hex()))
    c.run(["verify", "--tpm-attest", work / "tpm.attest", "--tpm-signature", work / "tpm.sig",
           "--tpm-ak", pub, "--tpm-pcrs", work / "tpm-pcrs.json", "--tpm-nonce", "c0ffee",
           "--policy", work / "tpm-policy.yaml", "--format", "json"], "verify")
    bundle = work / "tpm-bundle"
    bundle.mkdir()
    for f in ("tpm.attest", "tpm.sig", "tpm-ak.pem", "tpm-pcrs.json"):
        shutil.copy(work / f, bundle / f)
    manifest = {"version": 1, "tpm": {"quotes": [{"attest": "tpm.attest", "signature": "tpm.sig"}],
                                      "ak": "tpm-ak.pem", "pcrs": "tpm-pcrs.json",
                                      "nonce": "c0ffee"}}
    (bundle / "evidence.json").write_text(json.dumps(manifest))
    c.check_doc("evidence.json with tpm", manifest, "evidence")
    c.run(["verify", bundle, "--format", "json"], "verify", codes=(1,))


def containers(c, src, work):
    gen = src / "benchmarks" / "gen" / "ccv-gen-containers"
    listing, side = work / "pods.ascii", work / "pods.json"
    p = subprocess.run([sys.executable, str(gen), "--list", str(listing), "--json", str(side),
                        "--pods", "2", "--records", "4", "--host-records", "4", "--docker", "1",
                        "--seed", "7"], capture_output=True)
    if p.returncode != 0:
        c.fail("ccv-gen-containers", p.stderr.decode(errors="replace")[:300])
        return
    events = work / "system_events.json"
    events.write_text(json.dumps([{"data_hex": e["data_hex"]}
                                  for e in read_json(side).get("system_events", [])]))
    c.run(["containers", "--ima", listing, "--json"], "containers")
    view = c.run(["containers", "--ima", listing, "--system-events", events, "--json"],
                 "containers")
    if view is None or not view["containers"]:
        return
    unit = next((u for u in view["containers"] if u["kind"] == "pod"), view["containers"][0])
    imr3 = bytes.fromhex(next(iter(unit["virtual_imr3"].values())))
    nonce = b"contract-nonce"
    rd = hashlib.sha512(imr3 + nonce).hexdigest()
    doc = c.run(["containers", "--ima", listing, "--system-events", events, "--report-data", rd,
                 "--nonce", nonce.hex(), "--json"], "containers", codes=(0, 1))
    if doc is not None and doc.get("binding", {}).get("container") != unit["id"]:
        c.fail("containers --report-data", "binding does not name unit %s" % unit["id"])
    c.run(["containers", "--ima", listing, "--report-data", "00" * 64, "--json"], "containers",
          codes=(1,))

    bundle = work / "pods-bundle"
    bundle.mkdir()
    shutil.copy(listing, bundle / "ima.ascii")
    (bundle / "evidence.json").write_text(
        '{"version": 1, "ima": {"path": "ima.ascii", "register": "rtmr2"}}\n')
    c.check_doc("pods bundle: evidence.json", read_json(bundle / "evidence.json"), "evidence")
    policy = work / "pods.yaml"
    p = subprocess.run([c.ccverify, "policy", "generate", str(bundle), "--container", unit["id"],
                        "--system-events", str(events), "--output", str(policy)],
                       capture_output=True)
    if p.returncode != 0:
        c.fail("policy generate --container", p.stderr.decode(errors="replace")[:300])
        return
    # No quote binds the list: both fail closed, with the container rules listed.
    doc = c.run(["containers", "--ima", listing, "--policy", policy, "--format", "json"],
                "verify", codes=(1,))
    if doc is not None and not (doc["policy"] or {}).get("by_container"):
        c.fail("containers --policy", "no by_container member")
    c.run(["verify", bundle, "--policy", policy, "--format", "json"], "verify", codes=(1,))


class FakeTsm(threading.Thread):
    """Serves one configfs-tsm request of a fake guest tree (agent/configfs_tsm.h):
    reads the inblob FIFO, bumps the generation, writes `outblob`."""

    def __init__(self, template, outblob):
        super().__init__(daemon=True)
        self.template, self.outblob = template, outblob
        template.mkdir(parents=True)
        (template / "provider").write_text("tdx_guest\n")
        (template / "generation").write_text("7\n")
        os.mkfifo(template / "inblob", 0o600)
        os.mkfifo(template / "outblob", 0o600)

    def run(self):
        with open(self.template / "inblob", "rb") as f:
            f.read()
        (self.template / "generation.tmp").write_text("8\n")
        os.rename(self.template / "generation.tmp", self.template / "generation")
        with open(self.template / "outblob", "wb") as f:
            f.write(self.outblob)

    def stop(self):
        # Unblocks an open() that still waits for its peer.
        for name, flags in (("inblob", os.O_WRONLY), ("outblob", os.O_RDONLY)):
            try:
                os.close(os.open(self.template / name, flags | os.O_NONBLOCK))
            except OSError:
                pass
        self.join(timeout=5)


def agent_bundle(c, demo, work, agent, nonce, user_data):
    guest = work / "guest"
    tables = guest / "sys/firmware/acpi/tables"
    (tables / "data").mkdir(parents=True)
    shutil.copy(demo / "CCEL", tables / "CCEL")
    shutil.copy(demo / "CCEL.data", tables / "data" / "CCEL")
    ima = guest / "sys/kernel/security/integrity/ima"
    ima.mkdir(parents=True)
    shutil.copy(demo / "ascii_runtime_measurements", ima / "ascii_runtime_measurements")
    tsm = FakeTsm(guest / "sys/kernel/config/tsm/report/.template",
                  (demo / "quote.bin").read_bytes())
    tsm.start()
    out = work / "agent-bundle"
    try:
        p = subprocess.run([agent, "collect", "--out", str(out), "--root", str(guest),
                            "--nonce", nonce, "--user-data", user_data],
                           capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        p = None
    tsm.stop()
    if p is None or p.returncode != 0:
        c.fail("ccverify-agent collect", "failed: %s" %
               (p.stderr.decode(errors="replace")[:300] if p else "timed out"))
        return
    c.check_doc("ccverify-agent collect: evidence.json", read_json(out / "evidence.json"),
                "evidence")
    # The agent bundles no collateral: verification fails closed.
    c.run(["verify", out, "--root-ca", demo / "root_ca.pem", "--at", DEMO_AT, "--format", "json"],
          "verify", codes=(1,))


def manifests(c, demo, work):
    """The demo manifest is valid; manifests the schema refuses, ccverify refuses too."""
    good = read_json(demo / "evidence.json")
    c.check_doc("corpus/demo/evidence.json", good, "evidence")
    bad = [
        ("an unknown member", dict(good, extra="x")),
        ("an unknown member of ima", dict(good, ima=dict(good["ima"], extra="x"))),
        ("an IMA register the replay does not have", dict(good, ima=dict(good["ima"], register="pcr11"))),
        ("a file outside the bundle", dict(good, quote="../quote.bin")),
        ("an absolute file name", dict(good, quote="/etc/passwd")),
        ("odd-length hex", dict(good, nonce="abc")),
        ("user data with report_data nonce", dict(good, report_data="nonce")),
        ("version 2", dict(good, version=2)),
        ("no version", {k: v for k, v in good.items() if k != "version"}),
        ("an exact REPORTDATA of 63 bytes", dict(good, report_data={"exact": "00" * 63})),
        ("an unknown not_found item", dict(good, not_found=["rtmr"])),
        ("a not_found item twice", dict(good, not_found=["tpm_eventlog", "tpm_eventlog"])),
        ("not_found as a string", dict(good, not_found="ima")),
    ]
    for i, (why, doc) in enumerate(bad):
        if not c.schemas.errors("evidence", doc):
            c.fail("evidence.schema.json", "accepts a manifest with %s" % why)
        bundle = work / ("bad-manifest-%d" % i)
        bundle.mkdir()
        for f in demo.iterdir():
            if f.name != "evidence.json":
                shutil.copy(f, bundle / f.name)
        (bundle / "evidence.json").write_text(json.dumps(doc))
        p = subprocess.run([c.ccverify, "verify", str(bundle), "--format", "json"],
                           capture_output=True)
        if p.returncode != 3:
            c.fail("ccverify verify with a manifest with %s" % why,
                   "exit code %d, expected 3 (input error)" % p.returncode)


# --- the shared real-evidence corpus --------------------------------------------


def shared_corpus(c, src, corpus):
    ex = src / "policies" / "examples"
    cases = corpus / "quotes" / "cases.json"
    if cases.is_file():
        for case in read_json(cases):
            c.run(["quote", "verify", corpus / case["quote"], "--collateral",
                   corpus / case["collateral"], "--at", case["now"], "--json"], "quote-verify",
                  codes=(0, 1), what="quote verify " + case["name"])
    for d in ("ccel", "tcg", "ima", "cel", "quotes"):
        for f in sorted((corpus / d).rglob("*")):
            if not f.is_file() or f.suffix == ".json":
                continue
            # Files that are not logs, quotes or TD reports print no JSON (exit 3).
            c.run(["dump", f, "--json"], "dump", codes=(0, 1, 3), optional=True)
    for f in sorted((corpus / "ccel").glob("*.bin")):
        if not f.name.endswith(".table.bin"):
            c.run(["replay", "--ccel", f, "--json"], "replay", codes=(0, 3), optional=True)
    for f in sorted((corpus / "tcg").glob("*.bin")):
        c.run(["replay", "--tpm-log", f, "--json"], "replay", codes=(0, 3), optional=True)
    for f in sorted((corpus / "ima").glob("*")):
        c.run(["replay", "--ima", f, "--json"], "replay", codes=(0, 3), optional=True)
    for f in sorted((corpus / "cel").glob("*")):
        c.run(["replay", "--cel", f, "--json"], "replay", codes=(0, 3), optional=True)
    dstack = corpus / "dstack" / "simulator"
    if dstack.is_dir():
        c.run(["replay", "--dstack-log", dstack / "eventlog.json", "--quote", dstack / "quote.bin",
               "--json"], "replay")
        c.run(["dump", dstack / "eventlog.json", "--json"], "dump")
        # No collateral: untrusted, but the report (with its app facts) is complete.
        c.run(["verify", "--quote", dstack / "quote.bin", "--dstack-log", dstack / "eventlog.json",
               "--format", "json"], "verify", codes=(1,))
    keylime = corpus / "ima-sig" / "keylime"
    if keylime.is_dir():
        for lst in ("SIGNATURES", "BAD_SIGNATURES", "KEYRINGS", "MEASUREMENTS"):
            c.run(["replay", "--ima", keylime / (lst + ".ascii_runtime_measurements"), "--ima-keys",
                   keylime / "rsa2048pub.pem", "--json"], "replay", codes=(0, 1))
    pod = corpus / "ima" / "cima-container-pod.ima-cgpath.derived.ascii"
    if pod.is_file():
        c.run(["containers", "--ima", pod, "--json"], "containers", codes=(0, 1))
        c.run(["containers", "--ima", pod, "--policy", ex / "containers.yaml", "--format", "json"],
              "verify", codes=(0, 1))
    gce = corpus / "tpm" / "gce-cos-85"
    if gce.is_dir():
        argv = ["tpm", "verify"]
        for i in range(3):
            argv += ["--attest", gce / ("quote%d.tpms_attest.bin" % i),
                     "--signature", gce / ("quote%d.tpmt_signature.bin" % i)]
        c.run(argv + ["--ak", gce / "ak_cert.der", "--ak-root",
                      corpus / "tpm/ca/tpm_ek_intermediate_2.crt", "--ak-root",
                      corpus / "tpm/ca/tpm_ek_root_1.cer", "--nonce", "9009", "--tpm-log",
                      gce / "event_log.bin", "--at", "2025-01-01T00:00:00Z", "--json"],
              "tpm-verify", codes=(1,), what="tpm verify gce-cos-85 (log alone: PCR10)")
    win = corpus / "tpm" / "windows-gce-shielded-vm"
    if win.is_dir():
        c.run(["tpm", "verify", "--attest", win / "quote.tpms_attest.bin", "--signature",
               win / "quote.tpmt_signature.bin", "--ak", win / "ak_public.tpmt_public.bin",
               "--tpm-log", win / "eventlog.bin", "--json"], "tpm-verify")
        c.run(["replay", "--tpm-log", win / "eventlog.bin", "--tpm-quote",
               "%s:%s" % (win / "quote.tpms_attest.bin", win / "quote.tpmt_signature.bin"),
               "--ak", win / "ak_public.tpmt_public.bin", "--json"], "replay")
    az = corpus / "azure" / "tdx-vtpm"
    if az.is_dir():
        import struct
        work = pathlib.Path(tempfile.mkdtemp(prefix="ccv_contract_az_"))
        q = read_json(az / "tpm-quote-v1.json")
        (work / "az.attest").write_bytes(bytes.fromhex(q["message"]))
        raw = bytes.fromhex(q["signature"])
        (work / "az.sig").write_bytes(struct.pack(">HHH", 0x0014, 0x000B, len(raw)) + raw)
        (work / "az-pcrs.json").write_text(json.dumps(
            {"sha256": {str(i): v for i, v in enumerate(q["pcrs"])}}))
        c.run(["tpm", "verify", "--attest", work / "az.attest", "--signature", work / "az.sig",
               "--hcl-report", az / "hcl-report.bin", "--td-quote", az / "td-quote.bin",
               "--nonce", "6368616c6c656e6765", "--pcrs", work / "az-pcrs.json",
               "--at", "2024-06-01T00:00:00Z", "--json"], "tpm-verify")
        shutil.rmtree(work, ignore_errors=True)
    for f in sorted((corpus / "pe").rglob("*.efi")):
        c.run(["measure", "authenticode", f, "--json"], "measure-authenticode")
    gcp = corpus / "evidence" / "gcp-cos113"
    if gcp.is_dir():
        c.run(["verify", gcp, "--at", "2025-10-20T00:00:00Z", "--report-data", "00" * 64,
               "--policy", ex / "gcp-cos113.yaml", "--format", "json"], "verify", codes=(0, 1))
        c.run(["verify", "--quote", gcp / "quote.bin", "--ccel", gcp / "ccel.bin", "--ccel-table",
               gcp / "ccel.table.bin", "--collateral", gcp / "collateral.json", "--at",
               "2025-10-20T00:00:00Z", "--report-data", "00" * 64, "--policy",
               ex / "gcp-cos113.yaml", "--format", "json"], "verify", codes=(0, 1))
        c.run(["verify", "--quote", gcp / "quote.bin", "--ccel", gcp / "ccel.bin",
               "--collateral", gcp / "collateral.json", "--at", "2025-10-20T00:00:00Z",
               "--format", "json"], "verify", codes=(0, 1))
    ccapi = corpus / "evidence" / "ccapi-td"
    if ccapi.is_dir():
        c.run(["verify", ccapi, "--policy", ex / "ccapi-td-lab.yaml", "--format", "json"],
              "verify", codes=(0, 1))
        c.run(["verify", "--quote", ccapi / "quote.bin", "--ccel", ccapi / "ccel_data.bin",
               "--ima", ccapi / "ascii_runtime_measurements", "--policy", ex / "ccapi-td-lab.yaml",
               "--format", "json"], "verify", codes=(0, 1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ccverify", required=True)
    ap.add_argument("--source", required=True, help="repository root")
    ap.add_argument("--make-demo", help="make_demo binary (debug-TD bundle)")
    ap.add_argument("--agent", help="ccverify-agent binary (agent bundle)")
    ap.add_argument("--corpus", help="shared real-evidence corpus (CCV_CORPUS overrides)")
    args = ap.parse_args()
    src = pathlib.Path(args.source)
    schemas = Schemas(src / "docs" / "schemas")
    c = Contract(args, schemas)
    work = pathlib.Path(tempfile.mkdtemp(prefix="ccv-json-contract-"))
    try:
        synthetic(c, src, work, args.make_demo, args.agent)
        c.report()
        corpus = os.environ.get("CCV_CORPUS") or args.corpus
        if corpus and (pathlib.Path(corpus) / "expected").is_dir():
            print("shared corpus %s:" % corpus)
            shared_corpus(c, src, pathlib.Path(corpus))
            print("  %d ccverify runs in all" % c.runs)
        else:
            print("json_contract_test: shared corpus not found (set CCV_CORPUS or "
                  "-DCCV_CORPUS_DIR): its outputs are not validated")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if c.failures:
        print("%d failure(s)" % len(c.failures), file=sys.stderr)
        return 1
    print("json_contract_test: every output follows its schema")
    return 0


if __name__ == "__main__":
    sys.exit(main())
