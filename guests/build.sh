#!/usr/bin/env bash
# Build the tsvisor demo guest: a small riscv64 Linux Image plus an initramfs
# with a static busybox and guests/initramfs/init.
#
#   bash guests/build.sh
#
# Results (stable paths, refreshed only when their content changes):
#   ~/.cache/tsvisor/guests/Image
#   ~/.cache/tsvisor/guests/initramfs.cpio.gz
# Every stage is cached by a hash of its inputs, so an unchanged re-run is
# instant and editing e.g. guests/linux/tsvisor.config rebuilds only the kernel.
# Build output goes to ~/.cache/tsvisor/guests/build.log.
# Environment: TSVISOR_GUESTS (cache dir), JOBS (make -j, default nproc).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KERNEL_FRAGMENT=$GUESTS_DIR/linux/tsvisor.config
BUSYBOX_FRAGMENT=$GUESTS_DIR/busybox/tsvisor.config
INIT_SCRIPT=$GUESTS_DIR/initramfs/init
ROOTFS_OVERLAY=$GUESTS_DIR/initramfs/rootfs

STEPS=6
T0=$SECONDS
init_log "$CACHE_DIR/build.log"

step "Debian packages and build tools"
ensure_packages demo
require_tools common kernel busybox
step_done "ok"

step "Linux source ($LINUX_TARBALL)"
ensure_linux_src

# Fetch the busybox source before the long kernel build: apt/network
# problems should show up in seconds, not after minutes of compiling.
step "Busybox source (Debian source package)"
ensure_busybox_src

step "Linux Image: tinyconfig + ${KERNEL_FRAGMENT#"$GUESTS_DIR"/}"
build_linux tsvisor tinyconfig "$KERNEL_FRAGMENT"

step "Busybox: static, defconfig + ${BUSYBOX_FRAGMENT#"$GUESTS_DIR"/}"
build_busybox "$BUSYBOX_FRAGMENT"

step "Initramfs: ${INIT_SCRIPT#"$GUESTS_DIR"/} + busybox"
build_initramfs tsvisor "$INIT_SCRIPT" "$ROOTFS_OVERLAY"

publish "$KERNEL_IMAGE" "$CACHE_DIR/Image"
publish "$INITRAMFS" "$CACHE_DIR/initramfs.cpio.gz"
{
    echo "linux-source $LINUX_VER ($KBUILD)"
    echo "busybox $BUSYBOX_VER ($BBBUILD)"
    echo "initramfs $INITRAMFS"
} >"$CACHE_DIR/build-info.txt"

echo "Done in $(fmt_secs $((SECONDS - T0))). Guest files:"
echo "  kernel:    $CACHE_DIR/Image"
echo "  initramfs: $CACHE_DIR/initramfs.cpio.gz"
