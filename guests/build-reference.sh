#!/usr/bin/env bash
# Build the "reference" guest: a kernel we did not configure. Debian's own riscv64 distribution
# kernel (linux-image-riscv64 from trixie, see debian-kernel.sh) + the demo guest's static busybox
# + guests/reference/init (prints REF-* markers and powers off).
#
#   bash guests/build-reference.sh
#
# Results: ~/.cache/tsvisor/guests/ref/Image and ~/.cache/tsvisor/guests/ref/initramfs.cpio.gz
# About a minute the first time once the demo guest is built (a ~110 MiB download); cached after.
# Build output goes to ~/.cache/tsvisor/guests/ref/build.log.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$GUESTS_DIR/debian-kernel.sh"

# Busybox: the demo guest's build (defconfig + static + what these headers need), shared.
BUSYBOX_FRAGMENT=$GUESTS_DIR/busybox/tsvisor.config
INIT_SCRIPT=$GUESTS_DIR/reference/init
OUT_DIR=$CACHE_DIR/ref

STEPS=6
T0=$SECONDS
init_log "$OUT_DIR/build.log"

step "Debian packages and build tools"
ensure_packages demo
require_tools common kernel busybox
step_done "ok"

step "Linux source ($LINUX_TARBALL, for the initramfs tool)"
ensure_linux_src

step "Busybox source (Debian source package)"
ensure_busybox_src

step "Linux Image: Debian's $DEBIAN_KERNEL_META ($DEBIAN_KERNEL_SUITE)"
fetch_debian_kernel

step "Busybox: static, defconfig + ${BUSYBOX_FRAGMENT#"$GUESTS_DIR"/}"
build_busybox "$BUSYBOX_FRAGMENT"

step "Initramfs: ${INIT_SCRIPT#"$GUESTS_DIR"/} + busybox"
build_initramfs ref "$INIT_SCRIPT"

publish "$KERNEL_IMAGE" "$OUT_DIR/Image"
publish "$INITRAMFS" "$OUT_DIR/initramfs.cpio.gz"

echo "Done in $(fmt_secs $((SECONDS - T0))). Reference guest files:"
echo "  kernel:    $OUT_DIR/Image ($(basename "$KERNEL_IMAGE"))"
echo "  initramfs: $OUT_DIR/initramfs.cpio.gz"
