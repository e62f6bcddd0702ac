#!/usr/bin/env bash
# The boot lab: boots Debian's cloud kernel with a busybox initramfs holding our static
# ccverify-agent under QEMU (TCG) + OVMF + swtpm, and writes per variant
#   OUT/<variant>/           the agent's bundle (evidence.json and its files, a TPM quote
#                            of both banks with this boot's nonce among them)
#   OUT/<variant>/pcrs.json  the PCRs swtpm holds after the boot (tpm2_pcrread)
#   OUT/<variant>/lab/       guest_pcrs.json (PCRs the guest read right after collecting),
#                            agent.log, console.log, meta.json
# Usage: tests/lab/run.sh OUT [VARIANT...]   (default: every variant; see README.md)
# Exit 0 only if every requested variant booted and collected; 77 when QEMU cannot run here.
# Env: CCV_LAB_CACHE (downloads and builds, default ~/.cache/ccverify-lab),
#      CCV_LAB_BUILD (static agent build dir, default <repo>/build-agent-static),
#      CCV_LAB_TIMEOUT (seconds a boot may take, default 240), CCV_LAB_JOBS (default 2).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
all_variants=(direct direct-imasig efi-uki efi-uki-sb efi-shim-grub-sb)

die() { echo "lab: $*" >&2; exit 1; }
log() { echo "lab: $*" >&2; }

[[ $# -ge 1 ]] || { echo "usage: $0 OUT [VARIANT...] (variants: ${all_variants[*]})" >&2; exit 2; }
out=$1; shift
variants=("$@")
[[ ${#variants[@]} -gt 0 ]] || variants=("${all_variants[@]}")
for v in "${variants[@]}"; do
  [[ " ${all_variants[*]} " == *" $v "* ]] || { echo "lab: unknown variant '$v' (known: ${all_variants[*]})" >&2; exit 2; }
done

cache=${CCV_LAB_CACHE:-$HOME/.cache/ccverify-lab}
build=${CCV_LAB_BUILD:-$repo/build-agent-static}
boot_timeout=${CCV_LAB_TIMEOUT:-240}
jobs=${CCV_LAB_JOBS:-2}
mkdir -p "$cache/debs" "$out"
out=$(cd "$out" && pwd)

# --- packages (idempotent: only what is missing is installed) ----------------------------
# The list is shared with scripts/install-deps.sh (CCV_WITH_LAB).
mapfile -t packages < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/packages.txt")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  sudo=(); [[ $(id -u) -eq 0 ]] || sudo=(sudo -n)
  log "installing ${missing[*]}"
  "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
    log "apt-get install failed; going on with what is installed"
fi
if ! command -v qemu-system-x86_64 >/dev/null || ! command -v swtpm >/dev/null; then
  echo "lab: SKIP: qemu-system-x86_64 or swtpm is not available here" >&2
  exit 77
fi
ovmf_code=/usr/share/OVMF/OVMF_CODE_4M.fd
ovmf_vars=/usr/share/OVMF/OVMF_VARS_4M.fd
[[ -r $ovmf_code && -r $ovmf_vars ]] || die "OVMF firmware missing ($ovmf_code)"
# Secure Boot (efi-shim-grub-sb): the SMM build with Microsoft's keys enrolled.
ovmf_sb_code=/usr/share/OVMF/OVMF_CODE_4M.ms.fd
ovmf_sb_vars=/usr/share/OVMF/OVMF_VARS_4M.ms.fd
# Secure Boot (efi-uki-sb): the same SMM build with Debian's snakeoil key as PK, KEK and db;
# the UKI is signed with that key (sbsign, package sbsigntool).
ovmf_snakeoil_code=/usr/share/OVMF/OVMF_CODE_4M.snakeoil.fd
ovmf_snakeoil_vars=/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd
snakeoil_key=/usr/share/ovmf/PkKek-1-snakeoil.key
snakeoil_cert=/usr/share/ovmf/PkKek-1-snakeoil.pem

# --- kernel: Debian's cloud kernel, downloaded once ---------------------------------------
kpkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*-cloud-amd64\)$/\1/p' | head -1 || true)
if [[ -n $kpkg ]] && ! ls "$cache/debs/${kpkg}_"*.deb >/dev/null 2>&1; then
  log "downloading $kpkg"
  (cd "$cache/debs" && apt-get download "$kpkg" >&2) || log "download of $kpkg failed"
fi
deb=$(ls -1 "$cache/debs/"${kpkg:-linux-image-*-cloud-amd64}_*.deb 2>/dev/null | sort | tail -1 || true)
[[ -n $deb ]] || die "no cloud kernel package in $cache/debs and none could be downloaded"
kdir="$cache/kernel/$(basename "$deb" .deb)"
if [[ ! -d $kdir ]]; then
  mkdir -p "$kdir.tmp" && dpkg-deb -x "$deb" "$kdir.tmp" && mv "$kdir.tmp" "$kdir"
fi
kernel=$(ls -1 "$kdir"/boot/vmlinuz-* | head -1)

# Debian's signed shim and GRUB (efi-shim-grub-sb), downloaded once, not installed
# (installing them would run grub-install on this machine).
signed_boot() { # prints the unpacked directory
  local p deb dir=$cache/signed-boot
  for p in shim-signed grub-efi-amd64-signed; do
    if ! ls "$cache/debs/${p}_"*.deb >/dev/null 2>&1; then
      log "downloading $p"
      (cd "$cache/debs" && apt-get download "$p" >&2) || { log "download of $p failed"; return 1; }
    fi
    deb=$(ls -1 "$cache/debs/${p}_"*.deb | sort | tail -1)
    [[ -d $dir/$(basename "$deb" .deb) ]] || {
      mkdir -p "$dir/$(basename "$deb" .deb).tmp" && dpkg-deb -x "$deb" "$dir/$(basename "$deb" .deb).tmp" &&
        mv "$dir/$(basename "$deb" .deb).tmp" "$dir/$(basename "$deb" .deb)"; }
  done
  echo "$dir"
}

# --- static agent ------------------------------------------------------------------------
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
if [[ ! -f $build/CMakeCache.txt ]]; then
  cmake -S "$repo" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DCCV_AGENT_STATIC=ON \
    -DCCV_BUILD_TESTS=OFF -DCCV_BUILD_BENCHMARKS=OFF "${launcher[@]}" >/dev/null
fi
cmake --build "$build" --target ccverify-agent -j"$jobs" >/dev/null || die "building the static agent failed"
agent="$build/ccverify-agent"
[[ -x $agent ]] || die "no static agent at $agent"
file -L "$agent" 2>/dev/null | grep -q "statically linked" || die "$agent is not statically linked"

# --- initramfs: busybox + agent + init, reproducible (fixed times and owners) ------------
busybox=/bin/busybox
file -L "$busybox" | grep -q "statically linked" || die "$busybox is not the static busybox (busybox-static)"
work=$(mktemp -d "${TMPDIR:-/tmp}/ccv-lab.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
root="$work/initramfs"
mkdir -p "$root"/{bin,proc,sys,dev,out}
cp "$busybox" "$root/bin/busybox"
cp "$agent" "$root/bin/ccverify-agent"
strip "$root/bin/ccverify-agent"
cp "$here/init.sh" "$root/init"
chmod 0755 "$root/init" "$root/bin/"*
for a in sh mount mkdir cat tar base64 poweroff printf echo; do ln -s busybox "$root/bin/$a"; done
find "$root" -exec touch -h -d @0 {} +
initrd="$work/initrd.cpio.gz"
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
  gzip -n -9 >"$initrd"

# --- a unified kernel image (efi-uki): systemd-stub + kernel + initrd + command line ------
# As ukify lays it out: each added section at the next 4 KiB boundary after the stub's
# last one, in the order .osrel, .cmdline, .linux, .initrd.
stub=/usr/lib/systemd/boot/efi/linuxx64.efi.stub
build_uki() { # OUT.efi CMDLINE
  local uki=$1 dir; dir=$(dirname "$1")
  [[ -r $stub ]] || { log "no systemd-stub at $stub (package systemd-boot-efi)"; return 1; }
  printf 'ID=ccverify-lab\nNAME="ccverify boot lab"\n' >"$dir/osrel"
  printf '%s' "$2" >"$dir/cmdline"
  local end=0 idx name size vma rest e
  while read -r idx name size vma rest; do
    e=$((0x$vma + 0x$size)); ((e > end)) && end=$e
  done < <(objdump -h -w "$stub" | grep -E '^ *[0-9]+ ')
  local args=() at=$end sec file
  for sec in osrel:"$dir/osrel" cmdline:"$dir/cmdline" linux:"$kernel" initrd:"$initrd"; do
    file=${sec#*:}; sec=.${sec%%:*}
    at=$(((at + 4095) / 4096 * 4096))
    args+=(--add-section "$sec=$file" --change-section-vma "$sec=$(printf 0x%x "$at")")
    at=$((at + $(stat -c %s "$file")))
  done
  objcopy "${args[@]}" "$stub" "$uki"
}

# An EFI system partition image (mtools: no loop device, no root) holding each FILE at
# its PATH; the removable-media boot path is EFI/BOOT/BOOTX64.EFI. Fixed volume serial.
build_esp() { # OUT.img PATH=FILE...
  local img=$1 bytes=0 pair dir part
  shift
  for pair in "$@"; do bytes=$((bytes + $(stat -c %s "${pair#*=}"))); done
  rm -f "$img"
  truncate -s "$((bytes / 1048576 + 40))M" "$img"
  mformat -i "$img" -F -N 0ccf1ab0 -v CCVLAB :: >/dev/null
  for pair in "$@"; do
    dir=
    for part in $(dirname "${pair%%=*}" | tr '/' ' '); do
      dir=$dir/$part
      mdir -i "$img" "::$dir" >/dev/null 2>&1 || mmd -i "$img" "::$dir"
    done
    mcopy -i "$img" "${pair#*=}" "::${pair%%=*}"
  done
}

# --- one boot ----------------------------------------------------------------------------
base_cmdline="console=ttyS0 rootfstype=ramfs ima_policy=tcb ima_hash=sha256 panic=-1"

boot_variant() { # VARIANT
  local v=$1 d="$work/$v" dest="$out/$1"
  local cmdline template
  case $v in
    direct) template=ima-ng ;;
    direct-imasig) template=ima-sig ;;
    efi-uki | efi-uki-sb | efi-shim-grub-sb) template=ima-ng ;;
  esac
  # The verifier's nonce for this boot: the agent quotes the TPM with it (init.sh).
  local nonce; nonce=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  cmdline="$base_cmdline ima_template=$template ccv.nonce=$nonce"
  mkdir -p "$d/tpm"
  swtpm_setup --tpm2 --tpmstate "$d/tpm" --pcr-banks sha1,sha256 --overwrite \
    --logfile "$d/swtpm_setup.log" >/dev/null 2>&1 || die "$v: swtpm_setup failed (see $d/swtpm_setup.log)"
  swtpm socket --tpm2 --tpmstate dir="$d/tpm" --ctrl type=unixio,path="$d/swtpm.sock" \
    --log file="$d/swtpm.log",level=1 &
  local swtpm_pid=$!
  pids+=("$swtpm_pid")
  for _ in $(seq 50); do [[ -S $d/swtpm.sock ]] && break; sleep 0.1; done
  local code=$ovmf_code vars=$ovmf_vars machine=q35,smm=off secure=()
  if [[ $v == efi-shim-grub-sb ]]; then
    code=$ovmf_sb_code vars=$ovmf_sb_vars machine=q35,smm=on
    secure=(-global driver=cfi.pflash01,property=secure,value=on)
    [[ -r $code && -r $vars ]] || { log "$v: no Secure Boot OVMF ($code)"; return 1; }
  elif [[ $v == efi-uki-sb ]]; then
    code=$ovmf_snakeoil_code vars=$ovmf_snakeoil_vars machine=q35,smm=on
    secure=(-global driver=cfi.pflash01,property=secure,value=on)
    [[ -r $code && -r $vars ]] || { log "$v: no snakeoil Secure Boot OVMF ($code)"; return 1; }
  fi
  cp "$vars" "$d/vars.fd"
  local boot=(-kernel "$kernel" -initrd "$initrd" -append "$cmdline") boot_kind=qemu-direct-kernel
  if [[ $v == efi-uki ]]; then
    build_uki "$d/uki.efi" "$cmdline" || { log "$v: building the UKI failed"; return 1; }
    build_esp "$d/esp.img" /EFI/BOOT/BOOTX64.EFI="$d/uki.efi" ||
      { log "$v: building the ESP image failed"; return 1; }
    boot_kind=ovmf-esp-uki
  elif [[ $v == efi-uki-sb ]]; then
    build_uki "$d/uki-unsigned.efi" "$cmdline" || { log "$v: building the UKI failed"; return 1; }
    command -v sbsign >/dev/null || { log "$v: no sbsign (package sbsigntool)"; return 1; }
    # Debian ships the snakeoil key encrypted with the passphrase "snakeoil".
    openssl pkey -in "$snakeoil_key" -passin pass:snakeoil -out "$d/snakeoil.key" 2>"$d/sbsign.log" ||
      { log "$v: cannot read the snakeoil key: $(cat "$d/sbsign.log")"; return 1; }
    sbsign --key "$d/snakeoil.key" --cert "$snakeoil_cert" --output "$d/uki.efi" "$d/uki-unsigned.efi" \
      >"$d/sbsign.log" 2>&1 || { log "$v: sbsign failed: $(cat "$d/sbsign.log")"; return 1; }
    build_esp "$d/esp.img" /EFI/BOOT/BOOTX64.EFI="$d/uki.efi" ||
      { log "$v: building the ESP image failed"; return 1; }
    boot_kind=ovmf-esp-uki-secureboot
  elif [[ $v == efi-shim-grub-sb ]]; then
    local sb; sb=$(signed_boot) || return 1
    cp "$sb"/shim-signed_*/usr/lib/shim/shimx64.efi.signed "$d/shimx64.efi"
    cp "$sb"/grub-efi-amd64-signed_*/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed "$d/grubx64.efi"
    printf 'set timeout=0\nlinux /vmlinuz %s\ninitrd /initrd\nboot\n' "$cmdline" >"$d/grub.cfg"
    build_esp "$d/esp.img" /EFI/BOOT/BOOTX64.EFI="$d/shimx64.efi" /EFI/BOOT/grubx64.efi="$d/grubx64.efi" \
      /EFI/debian/grub.cfg="$d/grub.cfg" /EFI/BOOT/grub.cfg="$d/grub.cfg" \
      /vmlinuz="$kernel" /initrd="$initrd" || { log "$v: building the ESP image failed"; return 1; }
    boot_kind=ovmf-esp-shim-grub-secureboot
  fi
  if [[ $boot_kind != qemu-direct-kernel ]]; then
    boot=(-drive "if=none,id=esp,format=raw,readonly=on,file=$d/esp.img"
          -device virtio-blk-pci,drive=esp,bootindex=0)
  fi
  local t0=$SECONDS
  qemu-system-x86_64 -machine "$machine" -accel tcg -cpu max -m 1024 -smp 1 "${secure[@]}" \
    -nodefaults -display none -no-user-config -no-shutdown \
    -drive "if=pflash,format=raw,unit=0,readonly=on,file=$code" \
    -drive "if=pflash,format=raw,unit=1,file=$d/vars.fd" \
    -chardev "socket,id=chrtpm,path=$d/swtpm.sock" -tpmdev emulator,id=tpm0,chardev=chrtpm \
    -device tpm-tis,tpmdev=tpm0 \
    -serial "file:$d/console.log" -serial "file:$d/data.txt" \
    -qmp "unix:$d/qmp.sock,server=on,wait=off" \
    "${boot[@]}" >"$d/qemu.log" 2>&1 &
  local qemu_pid=$!
  pids+=("$qemu_pid")
  local ok=1
  python3 "$here/labctl.py" wait-shutdown "$d/qmp.sock" "$boot_timeout" || ok=0
  kill -KILL "$qemu_pid" 2>/dev/null || true  # SIGTERM would make QEMU stop swtpm too
  wait "$qemu_pid" 2>/dev/null || true
  local secs=$((SECONDS - t0))
  if [[ $ok == 1 ]]; then
    local sel
    sel="sha1:$(seq -s, 0 23)+sha256:$(seq -s, 0 23)"
    TPM2TOOLS_TCTI="cmd:python3 $here/labctl.py tpm-proxy $d/swtpm.sock" \
      tpm2_pcrread "$sel" >"$d/pcrread.yaml" 2>"$d/pcrread.err" || { log "$v: tpm2_pcrread failed: $(cat "$d/pcrread.err")"; ok=0; }
  fi
  kill "$swtpm_pid" 2>/dev/null || true
  wait "$swtpm_pid" 2>/dev/null || true
  if [[ $ok != 1 ]]; then
    log "$v: the guest did not power off; console tail:"; tail -20 "$d/console.log" >&2 || true
    return 1
  fi
  mkdir -p "$d/guest"
  python3 "$here/labctl.py" unpack-serial "$d/data.txt" "$d/guest" || {
    log "$v: no bundle from the guest; console tail:"; tail -20 "$d/console.log" >&2; return 1; }
  local rc; rc=$(cat "$d/guest/agent.rc")
  if [[ $rc != 0 || ! -f $d/guest/bundle/evidence.json ]]; then
    log "$v: ccverify-agent exited $rc:"; cat "$d/guest/agent.log" >&2; return 1
  fi
  rm -rf "$dest"
  mkdir -p "$dest/lab"
  cp "$d/guest/bundle/"* "$dest/"
  python3 "$here/labctl.py" pcrs-json "$d/pcrread.yaml" >"$dest/pcrs.json"
  python3 - "$d/guest/guest_pcrs.txt" >"$dest/lab/guest_pcrs.json" <<'EOF'
import json, sys
banks = {}
for line in open(sys.argv[1]):
    bank, idx, val = line.split()
    banks.setdefault(bank, {})[idx] = val.lower()
json.dump(banks, sys.stdout, indent=1, sort_keys=True)
EOF
  cp "$d/guest/agent.log" "$d/console.log" "$dest/lab/"
  # The artifacts the boot used, for `ccverify predict` (lab_test.py step 6).
  mkdir -p "$dest/lab/artifacts"
  cp "$kernel" "$dest/lab/artifacts/vmlinuz"
  cp "$initrd" "$dest/lab/artifacts/initrd"
  cp "$vars" "$dest/lab/artifacts/vars.fd"
  local a
  for a in uki.efi shimx64.efi grubx64.efi grub.cfg; do
    [[ ! -f $d/$a ]] || cp "$d/$a" "$dest/lab/artifacts/$a"
  done
  local kver; kver=$(basename "$deb" .deb)
  cat >"$dest/lab/meta.json" <<EOF
{"variant": "$v", "kernel_package": "$kver", "cmdline": "$cmdline", "ima_template": "$template",
 "nonce": "$nonce",
 "boot": "$boot_kind", "memory_mib": 1024,
 "ovmf": "$(dpkg-query -W -f='${Version}' ovmf)", "qemu": "$(dpkg-query -W -f='${Version}' qemu-system-x86)",
 "swtpm": "$(dpkg-query -W -f='${Version}' swtpm)", "boot_seconds": $secs}
EOF
  log "$v: booted and collected in ${secs}s -> $dest"
}

failed=()
for v in "${variants[@]}"; do
  boot_variant "$v" || failed+=("$v")
done
if [[ ${#failed[@]} -gt 0 ]]; then
  log "failed: ${failed[*]}"
  exit 1
fi
