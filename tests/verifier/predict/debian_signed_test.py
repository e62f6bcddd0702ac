#!/usr/bin/env python3
"""Authenticode digests of Debian's signed boot binaries.

Fetches shim-signed, grub-efi-amd64-signed and the signed kernel that
linux-image-amd64 depends on with `apt-get download` into a temporary
directory, unpacks them, and checks for every signed PE image that
`ccverify measure authenticode` finds each signature's digest equal to its
own digest of the image (the digest Microsoft's or Debian's signer signed),
that the signature verifies with its signer certificate, and that
`osslsigncode verify` calculates the same digest where it is installed.

Exit 0 when every image agrees, 1 when one does not, 77 (skip) when apt or
the network is unavailable.
"""
import argparse
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

PACKAGES = ["shim-signed", "grub-efi-amd64-signed"]
SKIP = 77


def skip(why):
    print("debian_signed_test: skipped: %s" % why)
    sys.exit(SKIP)


def kernel_package():
    """The versioned, signed kernel package linux-image-amd64 depends on."""
    p = subprocess.run(["apt-cache", "depends", "linux-image-amd64"], capture_output=True,
                       text=True)
    for line in p.stdout.splitlines():
        m = re.match(r"\s*Depends:\s*(linux-image-\S+-amd64)\s*$", line)
        if m:
            return m.group(1)
    return None


def osslsigncode_digest(path):
    p = subprocess.run(["osslsigncode", "verify", "-in", str(path)], capture_output=True,
                       text=True)
    m = re.search(r"Calculated message digest\s*:\s*([0-9A-Fa-f]+)", p.stdout + p.stderr)
    return m.group(1).lower() if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ccverify", required=True)
    args = ap.parse_args()
    if not shutil.which("apt-get") or not shutil.which("dpkg-deb"):
        skip("apt-get or dpkg-deb not installed")
    packages = list(PACKAGES)
    kernel = kernel_package()
    if kernel:
        packages.append(kernel)
    else:
        print("debian_signed_test: linux-image-amd64 unknown to apt: kernel not checked")
    work = pathlib.Path(tempfile.mkdtemp(prefix="ccv-debian-signed-"))
    failures = []
    checked = 0
    try:
        p = subprocess.run(["apt-get", "download"] + packages, cwd=work, capture_output=True,
                           text=True, timeout=600)
        if p.returncode != 0:
            skip("apt-get download failed (no network or no apt sources?): %s" %
                 p.stderr.strip().splitlines()[-1:] )
        root = work / "root"
        for deb in sorted(work.glob("*.deb")):
            subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
        images = [f for f in sorted(root.rglob("*")) if f.is_file() and
                  (f.name.endswith(".efi.signed") or f.name.startswith("vmlinuz"))]
        for f in images:
            what = str(f.relative_to(root))
            p = subprocess.run([args.ccverify, "measure", "authenticode", str(f), "--json"],
                               capture_output=True, text=True)
            if p.returncode != 0:
                failures.append("%s: exit %d: %s" % (what, p.returncode, p.stderr.strip()))
                continue
            doc = json.loads(p.stdout)
            sigs = doc["signatures"]
            if not sigs:
                failures.append("%s: no signature found" % what)
                continue
            for i, s in enumerate(sigs):
                if "error" in s:
                    failures.append("%s: signature %d not decoded: %s" % (what, i, s["error"]))
                    continue
                ours = doc["digests"].get(s["digest_alg"])
                if s["digest"] != ours or not s["digest_matches_image"]:
                    failures.append("%s: signature %d signs %s %s, ours is %s" %
                                    (what, i, s["digest_alg"], s["digest"], ours))
                if not s["signature_valid"]:
                    failures.append("%s: signature %d does not verify: %s" %
                                    (what, i, s.get("detail")))
                signer = next(c["subject"] for c in s["certificates"] if c["signer"])
                print("  %s: signature %d %s %s by %s" % (what, i, s["digest_alg"], s["digest"],
                                                           signer))
            if shutil.which("osslsigncode"):
                theirs = osslsigncode_digest(f)
                if theirs is None:
                    print("  %s: osslsigncode printed no digest" % what)
                elif theirs != doc["digests"]["sha256"] and theirs != doc["digests"]["sha1"]:
                    failures.append("%s: osslsigncode calculates %s, ours sha256 %s" %
                                    (what, theirs, doc["digests"]["sha256"]))
            checked += 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if checked < len(packages):
        failures.append("only %d signed images found in %s" % (checked, ", ".join(packages)))
    for f in failures:
        print("FAIL " + f, file=sys.stderr)
    if failures:
        return 1
    print("debian_signed_test: %d signed images, every signed digest equals ours" % checked)
    return 0


if __name__ == "__main__":
    sys.exit(main())
