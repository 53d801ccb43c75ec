#!/usr/bin/env bash
# bench.list_devices: --list-devices prints every device with its identity and limits.
set -u
bench="$1"
out=$("$bench" --list-devices 2>&1) || { echo "$out"; echo "FAIL: exit code $?"; exit 1; }
echo "$out"
for field in vendorID deviceID type driverName driverInfo apiVersion conformance subgroupSize \
             timestampPeriod timestampValidBits maxStorageBufferRange heap features; do
  grep -q "$field" <<<"$out" || { echo "FAIL: listing lacks $field"; exit 1; }
done
