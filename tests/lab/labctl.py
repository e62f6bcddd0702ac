#!/usr/bin/env python3
"""Host-side helpers of the boot lab (tests/lab/run.sh); standard library only.

  labctl.py wait-shutdown QMP_SOCKET TIMEOUT
      Waits until QEMU (run with -no-shutdown) reports the guest shut down, over QMP.
      Exit 0 when it did, 1 on timeout or a lost connection.
  labctl.py tpm-proxy CTRL_SOCKET
      A `cmd:` TCTI endpoint: hands swtpm a fresh data channel over its control socket
      (CMD_SET_DATAFD, as QEMU does) and relays TPM commands from stdin to it and the
      responses to stdout. swtpm 0.7 serves only one data channel, so the PCRs are read
      this way once QEMU has gone, without restarting swtpm (which would reset them).
  labctl.py pcrs-json PCRREAD_YAML
      Turns `tpm2_pcrread -o`-less YAML output (sha1/sha256 banks) into pcrs.json:
      {"sha1": {"0": "hex", ...}, "sha256": {...}}.
  labctl.py unpack-serial CAPTURE OUT_DIR
      Extracts the base64 tar the guest wrote between its begin/end markers.
"""
import base64
import io
import json
import re
import socket
import struct
import sys
import tarfile
import time

CMD_SET_DATAFD = 16


def wait_shutdown(path, timeout):
    deadline = time.monotonic() + timeout
    sock = None
    while sock is None:
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(path)
        except OSError:
            sock = None
            if time.monotonic() > deadline:
                print(f"labctl: no QMP socket at {path}", file=sys.stderr)
                return 1
            time.sleep(0.2)
    buf = b""

    def send(cmd):
        sock.sendall(json.dumps({"execute": cmd}).encode() + b"\n")

    send("qmp_capabilities")
    while time.monotonic() < deadline:
        sock.settimeout(max(0.1, min(2.0, deadline - time.monotonic())))
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, TimeoutError):
            send("query-status")
            continue
        if not chunk:
            print("labctl: QEMU closed the QMP connection", file=sys.stderr)
            return 1
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            msg = json.loads(line)
            if msg.get("event") == "SHUTDOWN":
                return 0
            ret = msg.get("return")
            if isinstance(ret, dict) and ret.get("status") == "shutdown":
                return 0
    print(f"labctl: the guest did not power off within {timeout} s", file=sys.stderr)
    return 1


def read_exact(read, n):
    buf = b""
    while len(buf) < n:
        chunk = read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def tpm_proxy(ctrl_path):
    ctrl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ctrl.connect(ctrl_path)
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    ctrl.sendmsg([struct.pack(">I", CMD_SET_DATAFD)],
                 [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack("i", theirs.fileno()))])
    res = read_exact(ctrl.recv, 4)
    if res is None or struct.unpack(">I", res)[0] != 0:
        print(f"labctl: swtpm refused the data channel: {res!r}", file=sys.stderr)
        return 1
    theirs.close()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        head = read_exact(stdin.read, 10)
        if head is None:
            return 0
        size = struct.unpack(">I", head[2:6])[0]
        body = read_exact(stdin.read, size - 10)
        ours.sendall(head + body)
        rhead = read_exact(ours.recv, 10)
        if rhead is None:
            return 1
        rsize = struct.unpack(">I", rhead[2:6])[0]
        rbody = read_exact(ours.recv, rsize - 10) if rsize > 10 else b""
        stdout.write(rhead + rbody)
        stdout.flush()


def pcrs_json(path):
    banks, bank = {}, None
    for line in open(path, encoding="ascii"):
        m = re.match(r"^\s{2}(sha1|sha256|sha384|sha512):\s*$", line)
        if m:
            bank = banks.setdefault(m.group(1), {})
            continue
        m = re.match(r"^\s{4}(\d+)\s*:\s*0x([0-9A-Fa-f]+)\s*$", line)
        if m and bank is not None:
            bank[m.group(1)] = m.group(2).lower()
    if not banks:
        print(f"labctl: no PCR values in {path}", file=sys.stderr)
        return 1
    json.dump(banks, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0


def unpack_serial(capture, out_dir):
    text = open(capture, "rb").read().decode("ascii", "replace")
    m = re.search(r"CCV-LAB-BEGIN\r?\n(.*?)CCV-LAB-END", text, re.S)
    if not m:
        print(f"labctl: no bundle between the markers in {capture}", file=sys.stderr)
        return 1
    data = base64.b64decode("".join(m.group(1).split()))
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(out_dir, filter="data")
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "wait-shutdown":
        return wait_shutdown(argv[2], float(argv[3]))
    if len(argv) == 3 and argv[1] == "tpm-proxy":
        return tpm_proxy(argv[2])
    if len(argv) == 3 and argv[1] == "pcrs-json":
        return pcrs_json(argv[2])
    if len(argv) == 4 and argv[1] == "unpack-serial":
        return unpack_serial(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
