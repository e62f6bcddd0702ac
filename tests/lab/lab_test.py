#!/usr/bin/env python3
"""Checks the boot lab's evidence (tests/lab/run.sh OUT) against independent values.

usage: lab_test.py --ccverify BIN OUT

For every OUT/<variant>/ (a bundle from a real measured boot and pcrs.json, the PCRs
swtpm held after it):
  - `ccverify replay --tpm-log` gives exactly swtpm's PCRs 0-9 in every bank;
  - the IMA list replays to PCR10 as the guest read it right after collecting
    (lab/guest_pcrs.json; later file reads extend PCR10 further), and its boot_aggregate
    matches the hash over the real PCRs 0-9 (ccverify's check, and an independent
    recomputation here from pcrs.json);
  - `evmctl ima_measurement` accepts the binary list against the guest's PCRs, if evmctl
    is installed;
  - the agent's TPM quote: tpm2_checkquote accepts it (if installed), its PCRs 0-9 are
    swtpm's, and `ccverify verify` with this boot's nonce and the AK pinned binds the TPM
    log and the IMA list and checks boot_aggregate against the quoted PCRs; with another
    nonce nothing is bound;
  - one flipped bit in the TPM log or the IMA list changes the replay or is reported;
  - Secure Boot variants: Secure Boot was on (SecureBoot 1, PCR 7 authority events);
  - `ccverify predict` from the boot's artifacts: its registers (PCR 7 and 14 too under
    Secure Boot) equal swtpm's, its events are in the log, its policy passes on this boot
    and fails, naming the rules, for other artifacts (see check_prediction).
Exit 0 all passed, 1 a check failed, 77 no lab output (skipped).
"""
import argparse
import hashlib
import json
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)
    return cond


def run(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=120, **kw)


def replay(ccverify, *args):
    p = run([ccverify, "replay", "--json", *args])
    if p.returncode != 0:
        return None, p
    return json.loads(p.stdout), p


def boot_aggregate(pcrs, bank):
    """IMA's boot_aggregate: the hash (in `bank`) over PCRs 0-9 of that bank."""
    h = hashlib.new(bank)
    for i in range(10):
        h.update(bytes.fromhex(pcrs[bank][str(i)]))
    return h.hexdigest()


def check_variant(ccverify, d):
    v = d.name
    pcrs = json.loads((d / "pcrs.json").read_text())
    guest = json.loads((d / "lab" / "guest_pcrs.json").read_text())
    manifest = json.loads((d / "evidence.json").read_text())
    check(manifest.get("not_found", [])[:2] == ["ccel", "quote"],
          f"{v}: the manifest names the CCEL and quote as not found")
    check("tee" not in manifest and "quote" not in manifest, f"{v}: no TDX members")
    tpm_log = d / manifest["tpm_eventlog"]
    ima = d / manifest["ima"]["path"]
    ima_bin = d / manifest["ima"].get("binary", "")

    # The guest's and the host's view of PCRs 0-9 agree (the same swtpm).
    for bank in ("sha1", "sha256"):
        check(all(guest[bank][str(i)] == pcrs[bank][str(i)] for i in range(10)),
              f"{v}: guest and host read the same {bank} PCRs 0-9")

    # 1. TPM log replay == swtpm's PCRs 0-9, every bank.
    r, p = replay(ccverify, "--tpm-log", tpm_log)
    if check(r is not None, f"{v}: replay --tpm-log runs ({p.stderr.strip()[:200]})"):
        regs = r["registers"]
        for bank in sorted(pcrs):
            for i in range(10):
                got = regs.get(f"pcr{i}", {}).get(bank, "0" * len(pcrs[bank][str(i)]))
                check(got == pcrs[bank][str(i)], f"{v}: replayed {bank} PCR{i} = swtpm's")
        check(r["digest_checks"]["mismatched"] == 0, f"{v}: no event digest mismatches")

    # 2. IMA: PCR10 and boot_aggregate.
    for bank_list, label in ((ima, "ascii"), (ima_bin, "binary")):
        if not bank_list.is_file():
            continue
        r, p = replay(ccverify, "--tpm-log", tpm_log, "--ima", bank_list)
        if not check(r is not None, f"{v}: replay of the {label} IMA list runs ({p.stderr.strip()[:200]})"):
            continue
        log = [l for l in r["logs"] if l["option"] == "ima"][0]
        check(log["template_hashes"]["mismatched"] == 0, f"{v}: {label} template hashes verify")
        ba = log["boot_aggregate"]
        check(ba.get("status") == "match", f"{v}: {label} boot_aggregate matches PCRs 0-9 ({ba})")
        listed_alg = ba.get("algorithm", "")
        if listed_alg in pcrs:
            check(ba.get("listed") == boot_aggregate(pcrs, listed_alg),
                  f"{v}: boot_aggregate is {listed_alg} over swtpm's PCRs 0-9 (recomputed here)")
        for bank in ("sha1", "sha256"):
            check(r["registers"]["pcr10"][bank] == guest[bank]["10"],
                  f"{v}: {label} list replays to the guest's {bank} PCR10")

    # 3. evmctl on the binary list, against the PCRs the guest read.
    if shutil.which("evmctl") and ima_bin.is_file():
        with tempfile.TemporaryDirectory() as t:
            args = []
            for bank in ("sha1", "sha256"):
                f = Path(t) / bank
                f.write_text("".join(f"PCR-{i:02d}: {guest[bank][str(i)]}\n"
                                     for i in range(24) if str(i) in guest[bank]))
                args += ["--pcrs", f"{bank},{f}"]
            p = run(["evmctl", "ima_measurement", *args, ima_bin])
            out = (p.stdout + p.stderr).strip()
            check(p.returncode == 0 and "Matched" in out,
                  f"{v}: evmctl ima_measurement matches the guest's PCR10 in every bank ({out[-200:]})")
    else:
        print(f"skip {v}: evmctl not installed")

    # 4. The agent's TPM quote, end to end.
    check_tpm_quote(ccverify, d, manifest, pcrs)

    # 5. Flipped bits are caught.
    with tempfile.TemporaryDirectory() as t:
        log_bytes = bytearray(tpm_log.read_bytes())
        r0, _ = replay(ccverify, "--tpm-log", tpm_log)
        # A bit in the last event's data: the digest check or the registers change.
        log_bytes[-5] ^= 0x01
        bad = Path(t) / "tpm.bin"
        bad.write_bytes(log_bytes)
        r1, p = replay(ccverify, "--tpm-log", bad)
        caught = r1 is None or r1["digest_checks"]["mismatched"] > 0 or r1["registers"] != r0["registers"]
        check(caught, f"{v}: a flipped bit in the TPM log is caught")
        text = ima.read_text()
        lines = text.splitlines(keepends=True)
        last = lines[-1]
        flip = last[:-3] + ("0" if last[-3] != "0" else "1") + last[-2:]
        bad_ima = Path(t) / "ima.ascii"
        bad_ima.write_text("".join(lines[:-1]) + flip)
        r2, p = replay(ccverify, "--tpm-log", tpm_log, "--ima", bad_ima)
        caught = r2 is None or [l for l in r2["logs"] if l["option"] == "ima"][0]["template_hashes"]["mismatched"] > 0
        check(caught, f"{v}: a flipped character in the IMA list is caught")

    meta = json.loads((d / "lab" / "meta.json").read_text())
    if meta.get("boot") in SECURE_BOOTS:
        check_secure_boot(ccverify, d, tpm_log)
    check_prediction(ccverify, d, pcrs, tpm_log)


TPM_ALG = {"sha1": 0x0004, "sha256": 0x000B, "sha384": 0x000C, "sha512": 0x000D}


def serialized_pcrs(bank, values):
    """PCR values in tpm2-tools' serialized form (lib/pcr.c: the host's TPML_PCR_SELECTION,
    a count, then TPML_DIGESTs of at most 8), which tpm2_checkquote -f reads; 5.4 cannot hash
    more than 8 bare values given with -l."""
    sel = struct.pack("<I", 1) + struct.pack("<HB3sxx", TPM_ALG[bank], 3, b"\xff\xff\xff")
    sel += b"\0" * (132 - len(sel))
    chunks = [values[i:i + 8] for i in range(0, len(values), 8)]
    out = sel + struct.pack("<I", len(chunks))
    for c in chunks:
        out += struct.pack("<I", len(c))
        for v in c:
            out += struct.pack("<H", len(v)) + v.ljust(64, b"\0")
        out += b"\0" * (66 * (8 - len(c)))
    return out


def verify_json(ccverify, d, *args):
    p = run([ccverify, "verify", d, "--format", "json", *args])
    try:
        return json.loads(p.stdout), p
    except json.JSONDecodeError:
        return None, p


def check_tpm_quote(ccverify, d, manifest, pcrs):
    """4. The quote the agent took in the guest: tpm2_checkquote accepts every bank's
    quote, its PCRs 0-9 are swtpm's, and `verify` with the boot's nonce (meta.json, the
    host's) and the AK pinned binds the TPM log and the IMA list."""
    v = d.name
    meta = json.loads((d / "lab" / "meta.json").read_text())
    tpm = manifest.get("tpm")
    if not check(tpm is not None, f"{v}: the bundle holds a TPM quote ('tpm' in evidence.json)"):
        return
    nonce = meta.get("nonce", "")
    check(tpm.get("nonce") == nonce and nonce, f"{v}: the quote's nonce is this boot's ({nonce})")
    quoted = json.loads((d / tpm["pcrs"]).read_text())
    check(sorted(quoted) == sorted(pcrs), f"{v}: a quote of every bank ({sorted(quoted)})")
    for bank in sorted(pcrs):
        check(all(quoted.get(bank, {}).get(str(i)) == pcrs[bank][str(i)] for i in range(10)),
              f"{v}: quoted {bank} PCRs 0-9 = swtpm's")
    if shutil.which("tpm2_checkquote"):
        with tempfile.TemporaryDirectory() as t:
            for q in tpm["quotes"]:
                bank = q["attest"].split(".")[1]
                values = Path(t) / bank
                values.write_bytes(serialized_pcrs(
                    bank, [bytes.fromhex(quoted[bank][str(i)]) for i in range(24)]))
                p = run(["tpm2_checkquote", "-u", d / tpm["ak"], "-m", d / q["attest"],
                         "-s", d / q["signature"], "-f", values, "-g", "sha256", "-q", nonce])
                check(p.returncode == 0, f"{v}: tpm2_checkquote accepts the {bank} quote"
                      + ("" if p.returncode == 0 else f" ({(p.stdout + p.stderr).strip()[-200:]})"))
    else:
        print(f"skip {v}: tpm2_checkquote not installed")
    r, p = verify_json(ccverify, d, "--tpm-nonce", nonce)
    if not check(r is not None and p.returncode in (0, 1),
                 f"{v}: ccverify verify reads the bundle (exit {p.returncode}: {p.stderr.strip()[:200]})"):
        return
    check(r["outcome"] != "trusted", f"{v}: without a trusted AK the bundle is not trusted")
    fingerprint = r["tpm"]["ak_fingerprint"]
    with tempfile.TemporaryDirectory() as t:
        policy = Path(t) / "policy.yaml"
        policy.write_text('apiVersion: ccverify/v1\ntpm:\n  ak: "sha256:%s"\n' % fingerprint)
        r, p = verify_json(ccverify, d, "--tpm-nonce", nonce, "--policy", policy)
        if not check(r is not None, f"{v}: verify with the AK pinned runs ({p.stderr.strip()[:200]})"):
            return
        checks = {c["id"]: c["status"] for c in r["checks"]}
        t = r["tpm"]
        check(t["verified"] and t["ak_trust"] == "pinned",
              f"{v}: the TPM quotes verify with the pinned AK (verified {t['verified']}, "
              f"ak_trust {t['ak_trust']}, {t['ak_key']})")
        for cid in ("tpm.bound", "ima.boot_aggregate"):
            check(checks.get(cid) == "pass", f"{v}: {cid} passes ({checks.get(cid)})")
        logs = {l["name"]: l for l in r["logs"]}
        for name in ("tpm", "ima"):
            l = logs.get(name, {})
            check(l.get("bound") is True and l.get("bound_events", 0) > 0,
                  f"{v}: the {name} log is bound ({l.get('why', '')[:200]})")
        # Another nonce: a replayed quote binds nothing.
        r, p = verify_json(ccverify, d, "--tpm-nonce", "00" + nonce[2:] if nonce[:2] != "00"
                           else "ff" + nonce[2:], "--policy", policy)
        if check(r is not None, f"{v}: verify with a stale nonce runs"):
            logs = {l["name"]: l for l in r["logs"]}
            check(not r["tpm"]["verified"] and not logs.get("tpm", {}).get("bound")
                  and r["outcome"] != "trusted", f"{v}: a stale nonce binds nothing")


UKI_BOOTS = ("ovmf-esp-uki", "ovmf-esp-uki-secureboot")
SECURE_BOOTS = ("ovmf-esp-uki-secureboot", "ovmf-esp-shim-grub-secureboot")


def predict_args(d, meta, art, cmdline=None, uki=None, grub_cfg=None, initrd=None, vars_fd=None,
                 grub_root="(hd0)"):
    """`ccverify predict` arguments for this variant's boot path."""
    vars_fd = vars_fd or art / "vars.fd"
    if meta.get("boot") in UKI_BOOTS:
        return ["--boot", "uki", "--uki", uki or art / "uki.efi", "--firmware-vars", vars_fd]
    if meta.get("boot") == "ovmf-esp-shim-grub-secureboot":
        return ["--boot", "grub", "--shim", art / "shimx64.efi", "--grub", art / "grubx64.efi",
                "--kernel", art / "vmlinuz", "--initrd", initrd or art / "initrd",
                "--grub-cfg", grub_cfg or art / "grub.cfg", "--firmware-vars", vars_fd,
                # The ESP is the whole virtio disk (no partition table): GRUB's (hd0).
                "--grub-root", grub_root]
    return ["--boot", "direct", "--kernel", art / "vmlinuz", "--initrd", art / "initrd",
            "--cmdline", meta["cmdline"] if cmdline is None else cmdline,
            "--firmware-vars", art / "vars.fd"]


def predict(ccverify, out, args):
    p = run([ccverify, "predict", *args, "--out", out])
    if p.returncode != 0:
        return None, p
    return json.loads((Path(out) / "prediction.json").read_text()), p


def prediction_policy(ccverify, pred_dir, policy, ak_fingerprint):
    """`policy generate --from-prediction` plus the AK pin: the predicted events count
    only from a TPM log a quote by this AK binds."""
    p = run([ccverify, "policy", "generate", "--from-prediction", pred_dir, "--output", policy])
    if p.returncode != 0:
        return p
    with open(policy, "a") as f:
        f.write('tpm:\n  ak: "sha256:%s"\n' % ak_fingerprint)
    return p


def failing_rules(r):
    return sorted(x["id"] for x in r["policy"]["rules"] if x["status"] == "fail")


def flip_section_byte(uki, name, out):
    """A copy of the UKI with one byte of section `name` flipped (PE section table)."""
    b = bytearray(Path(uki).read_bytes())
    pe = struct.unpack_from("<I", b, 0x3C)[0]
    nsec = struct.unpack_from("<H", b, pe + 6)[0]
    opt = struct.unpack_from("<H", b, pe + 20)[0]
    for i in range(nsec):
        h = pe + 24 + opt + 40 * i
        if b[h:h + 8].rstrip(b"\0").decode() == name:
            vsize, _, _, raw = struct.unpack_from("<IIII", b, h + 8)
            b[raw + vsize // 2] ^= 0x01
            Path(out).write_bytes(b)
            return True
    return False


SNAKEOIL_KEY = Path("/usr/share/ovmf/PkKek-1-snakeoil.key")
SNAKEOIL_CERT = Path("/usr/share/ovmf/PkKek-1-snakeoil.pem")


def sign_snakeoil(image, out, t, key=None, cert=None):
    """`image` signed with Debian's snakeoil key (as run.sh signs the UKI), or with
    key/cert; False (with a skip message) without sbsign or the key."""
    if not shutil.which("sbsign") or not SNAKEOIL_KEY.is_file():
        print(f"skip: sbsign or {SNAKEOIL_KEY} missing: no re-signed UKI")
        return False
    if key is None:
        key = Path(t) / "snakeoil.key"
        if not key.is_file():
            run(["openssl", "pkey", "-in", SNAKEOIL_KEY, "-passin", "pass:snakeoil", "-out", key])
        cert = SNAKEOIL_CERT
    # Without its old signature first (sbsign keeps a certificate table it finds).
    unsigned = Path(t) / (Path(out).name + ".unsigned")
    shutil.copyfile(image, unsigned)
    run(["sbattach", "--remove", unsigned])
    p = run(["sbsign", "--key", key, "--cert", cert, "--output", out, unsigned])
    return p.returncode == 0


def refused(ccverify, v, what, args, t):
    """predict refuses a boot Secure Boot would refuse (exit 3, naming why)."""
    p = run([ccverify, "predict", *args, "--out", Path(t) / "refused"])
    check(p.returncode == 3 and "refuse" in p.stderr,
          f"{v}: predict refuses {what} (exit {p.returncode}: {p.stderr.strip()[-200:]})")


def flip_db_certificate(vars_fd, cert, out):
    """A copy of the VARS file with one byte flipped near the end of `cert` where db
    holds it (its signature value: the certificate still parses and its key still
    verifies the image, so only the bytes db holds and the firmware logs change)."""
    b = bytearray(Path(vars_fd).read_bytes())
    name = "db".encode("utf-16-le") + b"\0\0"
    x509 = bytes.fromhex("a159c0a5e494a74a87b5ab155c2bf072")
    at = 0
    while True:
        at = b.find(name, at)
        if at < 0:
            return False
        esl = at + len(name)
        if b[esl:esl + 16] == x509:
            c = b.find(cert, esl)
            if c < 0:
                return False
            b[c + len(cert) - 8] ^= 0x01
            Path(out).write_bytes(b)
            return True
        at += 1


def db_authority_certificate(ccverify, tpm_log):
    """The certificate of the first PCR 7 db authority event of the real log."""
    p = run([ccverify, "dump", tpm_log, "--json"])
    for e in json.loads(p.stdout)["events"] if p.returncode == 0 else []:
        det = e.get("detail", {})
        if e["event_type_name"] == "EV_EFI_VARIABLE_AUTHORITY" and det.get("unicode_name") == "db":
            return bytes.fromhex(det["variable_data"])[16:]
    return None


def secure_boot_cases(ccverify, d, meta, art, t, image_rule, tpm_log):
    """Secure Boot: a flipped byte in a db certificate predicts other db and authority
    events; an image signed by a key db does not hold is refused."""
    v = d.name
    cases = []
    bad_vars = Path(t) / "vars.flipped.fd"
    cert = db_authority_certificate(ccverify, tpm_log)
    if check(cert is not None and flip_db_certificate(art / "vars.fd", cert, bad_vars),
             f"{v}: db in the VARS file holds the certificate the log says verified the image"):
        args = predict_args(d, meta, art, vars_fd=bad_vars)
        if meta.get("boot") in UKI_BOOTS:
            # The snakeoil certificate signed the UKI itself: a db copy that differs
            # from the signer's is no longer a trust anchor for it (OpenSSL, in EDK2
            # as here), so the UKI is refused.
            refused(ccverify, v, "the UKI under a db whose certificate has a flipped byte",
                    args, t)
        else:
            cases.append(("a flipped byte in db's certificate", args,
                          ["pcr7-db-variable", f"pcr7-db-entry-that-verified-{image_rule}"]))
    if meta.get("boot") in UKI_BOOTS:
        key, cert = Path(t) / "other.key", Path(t) / "other.pem"
        p = run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj",
                 "/CN=not in db", "-days", "2", "-keyout", key, "-out", cert])
        other = Path(t) / "uki.other-signer.efi"
        if p.returncode == 0 and sign_snakeoil(art / "uki.efi", other, t, key=key, cert=cert):
            refused(ccverify, v, "a UKI signed by a key db does not hold",
                    predict_args(d, meta, art, uki=other), t)
    return cases


def check_secure_boot(ccverify, d, tpm_log):
    """Secure Boot really was on: the SecureBoot variable event says 1 and PCR 7 has an
    EV_EFI_VARIABLE_AUTHORITY event."""
    v = d.name
    p = run([ccverify, "dump", tpm_log, "--json"])
    if not check(p.returncode == 0, f"{v}: dump --json of the TPM log runs"):
        return
    events = json.loads(p.stdout)["events"]
    sb = [e for e in events if e.get("detail", {}).get("unicode_name") == "SecureBoot"
          and e["event_type_name"] == "EV_EFI_VARIABLE_DRIVER_CONFIG"]
    check(len(sb) == 1 and sb[0]["detail"].get("variable_data") == "01"
          and sb[0].get("digest_check") == "verified",
          f"{v}: Secure Boot was on (the SecureBoot variable event says 1)")
    auth = [e for e in events if e["register"] == "pcr7"
            and e["event_type_name"] == "EV_EFI_VARIABLE_AUTHORITY"]
    check(len(auth) > 0, f"{v}: PCR 7 has EV_EFI_VARIABLE_AUTHORITY events ({len(auth)})")


def check_prediction(ccverify, d, pcrs, tpm_log):
    """6. `ccverify predict` from the boot's own artifacts (--boot direct, or --boot uki
    for efi-uki): every register it claims equals swtpm's, every event it predicts is in
    the real log on its PCR with its digest (in every bank the log has); the policy made
    from the prediction (AK pinned) passes on this boot's evidence and fails, naming the
    event rules, for a changed command line or initrd."""
    v = d.name
    art = d / "lab" / "artifacts"
    meta = json.loads((d / "lab" / "meta.json").read_text())
    uki = meta.get("boot") in UKI_BOOTS
    grub = meta.get("boot") == "ovmf-esp-shim-grub-secureboot"
    secure = meta.get("boot") in SECURE_BOOTS
    if not (art / ("uki.efi" if uki else "grub.cfg" if grub else "vmlinuz")).is_file():
        print(f"skip {v}: no lab/artifacts (lab output from an older run.sh)")
        return
    with tempfile.TemporaryDirectory() as t:
        t = Path(t)
        pred, p = predict(ccverify, t / "pred", predict_args(d, meta, art))
        if not check(pred is not None, f"{v}: predict runs ({p.stderr.strip()[:200]})"):
            return
        claimed = ["pcr9", "pcr11"] if uki else ["pcr9"]
        if secure:
            # Secure Boot on: PCR 7 (policy, separator, authorities) and shim's PCR 14.
            claimed += ["pcr7", "pcr14", "pcr8"] if grub else ["pcr7"]
        for reg in claimed:
            check(reg in pred["registers"], f"{v}: the prediction claims {reg.upper()}")
        for reg, values in pred["registers"].items():
            idx = reg[3:]
            for bank, value in values.items():
                if bank in pcrs:
                    check(value == pcrs[bank][idx],
                          f"{v}: predicted {bank} {reg} = swtpm's ({value} vs {pcrs[bank][idx]})")
        p = run([ccverify, "dump", tpm_log, "--json"])
        if not check(p.returncode == 0, f"{v}: dump --json of the TPM log runs"):
            return
        logged = {}
        for e in json.loads(p.stdout)["events"]:
            for dg in e.get("digests", []):
                logged.setdefault((e.get("register"), dg["alg"]), set()).add(dg["digest"])
        for e in pred["events"]:
            if not e["predicted"]:
                continue
            for bank, digest in e["digests"].items():
                if (e["register"], bank) in logged or bank in pcrs:
                    check(digest in logged.get((e["register"], bank), set()),
                          f"{v}: predicted {e['register']} {e['type']} '{e['description']}' is in "
                          f"the log ({bank} {digest[:16]}...)")

        # The prediction as a policy, on this boot's evidence.
        nonce = meta["nonce"]
        r, p = verify_json(ccverify, d, "--tpm-nonce", nonce)
        if not check(r is not None, f"{v}: verify runs ({p.stderr.strip()[:200]})"):
            return
        fingerprint = r["tpm"]["ak_fingerprint"]
        policy = t / "policy.yaml"
        p = prediction_policy(ccverify, t / "pred", policy, fingerprint)
        if not check(p.returncode == 0, f"{v}: policy generate --from-prediction runs "
                     f"({p.stderr.strip()[:200]})"):
            return
        r, p = verify_json(ccverify, d, "--tpm-nonce", nonce, "--policy", policy)
        if check(r is not None, f"{v}: verify with the predicted policy runs"):
            check(r["outcome"] == "trusted" and p.returncode == 0 and not failing_rules(r),
                  f"{v}: the predicted policy passes on this boot (outcome {r['outcome']}, "
                  f"failing {failing_rules(r)})")

        # Predictions of other artifacts: the same evidence must fail, naming the rules.
        if uki:
            linux_rule = "pcr11-uki-section-linux" if secure else "pcr4-kernel-of-the-linux-section"
            changed = {".cmdline": ["pcr11-uki-section-cmdline", "pcr9-kernel-load-options"],
                       ".initrd": ["pcr11-uki-section-initrd", "pcr9-initrd"],
                       ".linux": ["pcr11-uki-section-linux", linux_rule]}
            cases = []
            for section, expect in changed.items():
                bad = t / f"uki{section}.efi"
                check(flip_section_byte(art / "uki.efi", section, bad),
                      f"{v}: the UKI has a {section} section")
                if secure:
                    # The flipped image no longer matches its signature: Secure Boot
                    # refuses it, and so does predict; signed again with the db key,
                    # it predicts another boot.
                    refused(ccverify, v, f"a flipped byte in the signed UKI's {section}",
                            predict_args(d, meta, art, uki=bad), t)
                    if not sign_snakeoil(bad, t / f"uki{section}.signed.efi", t):
                        continue
                    bad = t / f"uki{section}.signed.efi"
                cases.append((f"a flipped byte in the UKI's {section}",
                              predict_args(d, meta, art, uki=bad),
                              expect + ["pcr4-uki-image"]))
            if secure:
                cases += secure_boot_cases(ccverify, d, meta, art, t, "the-uki", tpm_log)
        elif grub:
            # Secure Boot on: the prediction from the Microsoft-enrolled VARS file says so.
            sb = [e for e in pred["events"] if e["description"] == "SecureBoot variable"]
            check(len(sb) == 1 and sb[0]["predicted"],
                  f"{v}: the SecureBoot variable (enabled) is predicted from the VARS file")
            cfg = t / "grub.cfg"
            cfg.write_text((art / "grub.cfg").read_text().replace(
                "ima_policy=tcb", "ima_policy=tcb ima_appraise=log"))
            bad_initrd = t / "initrd"
            b = bytearray((art / "initrd").read_bytes())
            b[len(b) // 2] ^= 0x01
            bad_initrd.write_bytes(b)
            cases = [("another command line in grub.cfg", predict_args(d, meta, art, grub_cfg=cfg),
                      ["pcr8-kernel-cmdline", "pcr8-grub-cmd-linux", "pcr9-grub-cfg"]),
                     ("a flipped byte in the initrd", predict_args(d, meta, art, initrd=bad_initrd),
                      ["pcr9-initrd"])]
            cases.append(("GRUB on another device (--grub-root (hd1))",
                          predict_args(d, meta, art, grub_root="(hd1)"),
                          ["pcr8-grub-cmd-source-hd1-efi-debian-grub-cfg"]))
            cases += secure_boot_cases(ccverify, d, meta, art, t, "shim", tpm_log)
        else:
            other = meta["cmdline"].replace("ima_policy=tcb", "ima_policy=tcb ima_appraise=log")
            cases = [("another command line", predict_args(d, meta, art, cmdline=other),
                      ["pcr9-kernel-load-options"])]
            bad_initrd = t / "initrd"
            b = bytearray((art / "initrd").read_bytes())
            b[len(b) // 2] ^= 0x01
            bad_initrd.write_bytes(b)
            args = predict_args(d, meta, art)
            args[args.index("--initrd") + 1] = bad_initrd
            cases.append(("a flipped byte in the initrd", args, ["pcr9-initrd"]))
        for i, (what, args, expect) in enumerate(cases):
            pred, p = predict(ccverify, t / f"other{i}", args)
            if not check(pred is not None, f"{v}: predict for {what} runs ({p.stderr.strip()[:200]})"):
                continue
            pol = t / f"other{i}.yaml"
            prediction_policy(ccverify, t / f"other{i}", pol, fingerprint)
            r, p = verify_json(ccverify, d, "--tpm-nonce", nonce, "--policy", pol)
            if not check(r is not None, f"{v}: verify with the policy for {what} runs"):
                continue
            fails = failing_rules(r)
            named = all(any(f"predicted-{e}" in f for f in fails) for e in expect)
            check(r["outcome"] != "trusted" and p.returncode != 0 and named,
                  f"{v}: the policy predicted for {what} fails on this boot, naming "
                  f"{expect} (outcome {r['outcome']}, failing {fails})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ccverify", required=True)
    ap.add_argument("out")
    a = ap.parse_args()
    out = Path(a.out)
    variants = sorted(p for p in out.glob("*") if (p / "pcrs.json").is_file())
    if not variants:
        print(f"lab_test: SKIP: no lab output in {out} (run tests/lab/run.sh {out})")
        return 77
    for d in variants:
        check_variant(a.ccverify, d)
    print(f"lab_test: {len(failures)} failure(s) over {len(variants)} variant(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
