#!/usr/bin/env bash
# Build the "reference" guest: what a new user gets without our kernel config.
# Stock `make ARCH=riscv defconfig` kernel (no fragment) + the same static
# busybox as the demo guest + guests/reference/init (prints REF-* markers).
#
#   bash guests/build-reference.sh
#
# Results: ~/.cache/tsvisor/guests/ref/Image and ~/.cache/tsvisor/guests/ref/initramfs.cpio.gz
# The defconfig kernel is big: expect about 11 minutes on 2 cores the first time.
# Build output goes to ~/.cache/tsvisor/guests/ref/build.log.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Busybox: `defconfig` + static + the options that do not build against these
# headers. That is exactly the demo guest's fragment, so both share one build.
BUSYBOX_FRAGMENT=$GUESTS_DIR/busybox/tsvisor.config
INIT_SCRIPT=$GUESTS_DIR/reference/init
OUT_DIR=$CACHE_DIR/ref

STEPS=6
T0=$SECONDS
init_log "$OUT_DIR/build.log"

step "Checking build tools"
require_tools common kernel busybox
step_done "ok"

step "Linux source ($LINUX_TARBALL)"
ensure_linux_src

# Fetch the busybox source before the long kernel build: apt/network
# problems should show up in seconds, not after minutes of compiling.
step "Busybox source (Debian source package)"
ensure_busybox_src

step "Linux Image: plain defconfig"
build_linux ref defconfig

step "Busybox: static, defconfig + ${BUSYBOX_FRAGMENT#"$GUESTS_DIR"/}"
build_busybox "$BUSYBOX_FRAGMENT"

step "Initramfs: ${INIT_SCRIPT#"$GUESTS_DIR"/} + busybox"
build_initramfs ref "$INIT_SCRIPT"

publish "$KERNEL_IMAGE" "$OUT_DIR/Image"
publish "$INITRAMFS" "$OUT_DIR/initramfs.cpio.gz"

echo "Done in $(fmt_secs $((SECONDS - T0))). Reference guest files:"
echo "  kernel:    $OUT_DIR/Image"
echo "  initramfs: $OUT_DIR/initramfs.cpio.gz"
