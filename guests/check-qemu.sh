#!/usr/bin/env bash
# Boot a built guest in QEMU and check its console markers.
#
#   bash guests/check-qemu.sh [smoke|bench|ref]    (default: smoke)
#
# QEMU is only a reference to validate the guest images against a known-good
# machine; tsvisor itself never needs it (Debian package: qemu-system-misc).
# Prints each marker line with the time since QEMU started; the full console
# output goes to ~/.cache/tsvisor/guests/qemu-<mode>.log.
# Environment: SMP (vCPUs, default 2), QEMU_TIMEOUT (seconds, default 300).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mode=${1:-smoke}
smp=${SMP:-2}
limit=${QEMU_TIMEOUT:-300}
dir=$CACHE_DIR
case $mode in
smoke)
    append="console=ttyS0 tsvisor.test=smoke"
    expect=(TSVISOR-INIT-OK TSVISOR-FP=6.283 "TSVISOR-CPUS=$smp" TSVISOR-TEST-DONE)
    ;;
bench)
    append="console=ttyS0 tsvisor.bench=sha256"
    # sha256 of 64 MiB of zero bytes
    expect=(TSVISOR-INIT-OK TSVISOR-BENCH-START
        TSVISOR-BENCH-SHA256=3b6a07d0d404fab4e23b6d34bc6696a6a312dd92821332385e5af7c01c421351
        TSVISOR-BENCH-END)
    ;;
ref)
    dir=$CACHE_DIR/ref
    append="console=ttyS0"
    expect=(REF-INIT-OK "REF-CPUS=$smp")
    ;;
*) die "usage: $0 [smoke|bench|ref]" ;;
esac

command -v qemu-system-riscv64 >/dev/null || die "qemu-system-riscv64 not found (Debian package: qemu-system-misc)"
for f in "$dir/Image" "$dir/initramfs.cpio.gz"; do
    [ -f "$f" ] || die "$f not found: build it first (guests/build.sh or guests/build-reference.sh)"
done

log=$CACHE_DIR/qemu-$mode.log
echo "QEMU virt, $smp CPUs, 256M: $dir/Image, append \"$append\" (timeout ${limit}s)"
start=$(date +%s%N)
exec 3>&1 # markers go to the terminal (fd 3), everything to the log
set +e
# </dev/null: QEMU's -nographic console reads stdin; keep it off the terminal.
timeout "$limit" qemu-system-riscv64 -M virt -m 256M -smp "$smp" -nographic -bios default \
    -kernel "$dir/Image" -initrd "$dir/initramfs.cpio.gz" -append "$append" </dev/null 2>&1 |
    while IFS= read -r line; do
        line=${line%$'\r'}
        printf '%s\n' "$line"
        case $line in
        TSVISOR-* | REF-*)
            ms=$((($(date +%s%N) - start) / 1000000))
            printf '  +%d.%03ds  %s\n' $((ms / 1000)) $((ms % 1000)) "$line" >&3
            ;;
        esac
    done >"$log"
rc=${PIPESTATUS[0]}
set -e
ms=$((($(date +%s%N) - start) / 1000000))

ok=1
for m in "${expect[@]}"; do
    grep -qxF -- "$m" "$log" || { echo "MISSING: $m"; ok=0; }
done
case $rc in
0) echo "QEMU exited (guest powered off) after $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s" ;;
124) echo "QEMU killed after ${limit}s timeout (guest did not power off)"; ok=0 ;;
*) echo "QEMU failed with exit code $rc"; ok=0 ;;
esac
if [ "$ok" = 1 ]; then
    echo "PASS ($mode), console log: $log"
else
    echo "FAIL ($mode), console log: $log (last lines below)"
    tail -n 20 "$log"
    exit 1
fi
