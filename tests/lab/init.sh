#!/bin/sh
# Guest init of the boot lab (tests/lab/run.sh): collects the evidence with
# ccverify-agent (a TPM quote through /dev/tpmrm0 with the host's nonce from
# the command line, ccv.nonce=HEX, among it), records the PCRs as the guest's
# kernel reads them right after, sends both to the host over the second serial port (a base64 tar between
# markers) and powers off. Only shell builtins run between the agent and the PCR
# read, so no IMA measurement falls between them.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t securityfs securityfs /sys/kernel/security
mount -t devtmpfs devtmpfs /dev
mkdir -p /out

nonce=
for arg in $(cat /proc/cmdline); do
  case "$arg" in ccv.nonce=*) nonce="--nonce=${arg#ccv.nonce=}" ;; esac
done

/bin/ccverify-agent collect --out /out/bundle $nonce >/out/agent.log 2>&1
rc=$?
pcrs=
for bank in sha1 sha256; do
  for i in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 23; do
    f=/sys/class/tpm/tpm0/pcr-$bank/$i
    if [ -r "$f" ]; then read -r v <"$f"; pcrs="$pcrs$bank $i $v
"; fi
  done
done
printf '%s' "$pcrs" >/out/guest_pcrs.txt
echo "$rc" >/out/agent.rc
echo "ccverify-agent exit $rc" >/dev/ttyS0
cat /out/agent.log >/dev/ttyS0

{
  echo CCV-LAB-BEGIN
  tar -C /out -cf - . | base64
  echo CCV-LAB-END
} >/dev/ttyS1
poweroff -f
