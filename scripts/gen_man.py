#!/usr/bin/env python3
"""Writes the manual pages of ccverify and ccverify-agent from their --help.

The programs' --help text is the one source of the usage: this script runs
`ccverify --help`, finds every command it lists, runs `ccverify COMMAND
--help` for each and writes ccverify(1), ccverify-COMMAND(1) (words joined
by '-': ccverify-quote-verify(1)) and, with --agent, ccverify-agent(1), each
gzip-compressed reproducibly (gzip -9n) as Debian wants them.

  gen_man.py --ccverify BIN [--agent BIN] --version V --out DIR
"""

import argparse
import gzip
import os
import subprocess
import sys

EXIT_STATUS = [
    ("0", "trusted: every check (and policy rule) passed; or help was printed"),
    ("1", "untrusted: a check or policy rule failed"),
    ("2", "usage error: a bad command line"),
    ("3", "input error: a file is missing or malformed"),
    ("4", "internal error"),
]


def help_text(argv):
    run = subprocess.run(argv + ["--help"], capture_output=True, text=True, check=False)
    if run.returncode != 0 or not run.stdout.strip():
        sys.exit(f"gen_man.py: {' '.join(argv)} --help exited {run.returncode}: {run.stderr}")
    return run.stdout


def esc(text):
    """Text as roff prints it: backslashes, minus signs, leading dots and quotes."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if text.startswith((".", "'")):
        text = "\\&" + text
    return text


def split_usage(text):
    """(synopsis lines without 'usage: ', the rest of the help) of a --help text."""
    lines = text.rstrip("\n").split("\n")
    synopsis, i = [], 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if i == 0 and stripped.startswith("usage:"):
            synopsis.append(stripped[len("usage:"):].strip())
        elif i > 0 and stripped.startswith(("[", "(", "ccverify")):
            # A continuation of the usage, or a second form ("ccverify --version").
            synopsis.append(stripped)
        else:
            break
        i += 1
    return synopsis, lines[i:]


def page(name, section_title, version, summary, synopsis, body, see_also):
    out = [
        f'.TH {esc(name.upper())} 1 "" "ccverify {version}" "{section_title}"',
        ".SH NAME",
        f"{esc(name)} \\- {esc(summary)}",
        ".SH SYNOPSIS",
        ".nf",
    ]
    out += [esc(s) for s in synopsis]
    out += [".fi"]
    body = list(body)
    while body and not body[0].strip():
        body.pop(0)
    if body:
        out += [".SH DESCRIPTION", ".nf"]
        out += [esc(b) for b in body]
        out += [".fi"]
    return out, see_also


AGENT_EXIT_STATUS = [
    ("0", "the bundle was written; or help was printed"),
    ("2", "usage error: a bad command line"),
    ("3", "evidence missing, unreadable or malformed, or the bundle could not be written"),
    ("4", "internal error"),
]


def finish(lines, see_also, exit_status=None):
    lines += [".SH EXIT STATUS"]
    for code, what in exit_status or EXIT_STATUS:
        lines += [".TP", code, esc(what)]
    lines += [
        ".SH FILES",
        ".TP",
        esc("/usr/share/doc/ccverify/"),
        esc("the command-line contract (cli.md), the JSON reports and their schemas (json.md, "
            "schemas/) and the C++ API (api.md)"),
        ".TP",
        esc("/usr/share/ccverify/"),
        esc("example policies and the demo evidence bundle"),
        ".SH SEE ALSO",
        ",\n".join(f"\\fB{esc(s)}\\fR(1)" for s in see_also),
    ]
    return "\n".join(lines) + "\n"


def commands(top_help):
    """(name, summary) of every command `ccverify --help` lists."""
    found, in_cmds = [], False
    for line in top_help.split("\n"):
        if line.startswith("commands:"):
            in_cmds = True
            continue
        if in_cmds:
            if not line.strip():
                break
            name, _, summary = line.strip().partition("  ")
            found.append((name.strip(), summary.strip()))
    if not found:
        sys.exit("gen_man.py: `ccverify --help` lists no commands")
    return found


def write(out_dir, name, text):
    path = os.path.join(out_dir, name + ".1.gz")
    with open(path, "wb") as f:
        # mtime 0 and no file name: the same bytes on every build (gzip -9n).
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, compresslevel=9, mtime=0) as z:
            z.write(text.encode())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ccverify", required=True)
    ap.add_argument("--agent")
    ap.add_argument("--version", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    title = "ccverify manual"

    top = help_text([args.ccverify])
    cmds = commands(top)
    cmd_pages = ["ccverify-" + c.replace(" ", "-") for c, _ in cmds]
    synopsis, body = split_usage(top)
    lines, _ = page("ccverify", title, args.version,
                    "offline verifier for TDX and TPM attestation evidence", synopsis, body, [])
    lines += [".SH COMMANDS"]
    for (c, summary), p in zip(cmds, cmd_pages):
        lines += [".TP", f"\\fB{esc(c)}\\fR", f"{esc(summary)} (\\fB{esc(p)}\\fR(1))"]
    see = cmd_pages + (["ccverify-agent"] if args.agent else [])
    write(args.out, "ccverify", finish(lines, see))

    for (c, summary), p in zip(cmds, cmd_pages):
        synopsis, body = split_usage(help_text([args.ccverify] + c.split()))
        lines, _ = page(p, title, args.version, summary, synopsis, body, [])
        write(args.out, p, finish(lines, ["ccverify"]))

    if args.agent:
        synopsis, body = split_usage(help_text([args.agent]))
        lines, _ = page("ccverify-agent", title, args.version,
                        "collect TDX and TPM attestation evidence inside a guest", synopsis, body,
                        [])
        write(args.out, "ccverify-agent",
              finish(lines, ["ccverify", "ccverify-verify"], AGENT_EXIT_STATUS))


if __name__ == "__main__":
    main()
