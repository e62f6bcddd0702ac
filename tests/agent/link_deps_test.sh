#!/bin/sh
# The agent runs on the guest with libcrypto and nothing else of ours: it must
# not link libipsec-mb or any batch-hash code (ccv_batch_hash). As a control,
# ccverify must link both when the build has libipsec-mb, so that the checks
# below can see what they look for.
#
#   link_deps_test.sh AGENT CCVERIFY WITH_IPSEC_MB(ON|OFF)
set -eu
agent=$1
ccverify=$2
with_ipsec_mb=$3
fail=0

needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
batch_symbols() { nm -C "$1" | grep -E 'ccv::crypto::(BatchHasher|DefaultBatchHasher|CreateBatchHasher)|IMB_|imb_' || true; }

if needed "$agent" | grep -qi ipsec; then
  echo "FAIL: $agent has libipsec-mb in its NEEDED entries" >&2
  fail=1
fi
if [ -n "$(batch_symbols "$agent")" ]; then
  echo "FAIL: $agent holds batch-hash / libipsec-mb symbols:" >&2
  batch_symbols "$agent" | head -5 >&2
  fail=1
fi

case "$with_ipsec_mb" in
  ON|on|1|TRUE|true)
    if ! needed "$ccverify" | grep -qi ipsec; then
      echo "FAIL (control): $ccverify does not list libipsec-mb in NEEDED" >&2
      fail=1
    fi
    if [ -z "$(batch_symbols "$ccverify")" ]; then
      echo "FAIL (control): no batch-hash symbols found in $ccverify" >&2
      fail=1
    fi
    ;;
esac

if [ "$fail" = 0 ]; then
  echo "agent NEEDED: $(needed "$agent" | tr '\n' ' ')"
  echo "ccverify NEEDED: $(needed "$ccverify" | tr '\n' ' ')"
fi
exit "$fail"
