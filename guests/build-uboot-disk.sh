#!/usr/bin/env bash
# A boot disk for the flow real boards use: U-Boot (Debian's qemu-riscv64_smode build, booted as
# the zone's kernel) finds this disk on virtio-blk, reads extlinux/extlinux.conf from its ext4
# partition and boots the Linux Image and initramfs there.
#
#   bash guests/build-uboot-disk.sh [KERNEL INITRD [OUT]]
#
# Defaults: the demo guest (guests/build.sh) and ~/.cache/tsvisor/guests/uboot-disk.img.
# Needs e2fsprogs (mkfs.ext4 -d: no root, no loop device). The disk: an MBR with one bootable
# Linux partition at 1 MiB holding /Image, /initramfs.cpio.gz and /extlinux/extlinux.conf.
set -euo pipefail

CACHE=${TSVISOR_GUESTS:-$HOME/.cache/tsvisor/guests}
KERNEL=${1:-$CACHE/Image}
INITRD=${2:-$CACHE/initramfs.cpio.gz}
OUT=${3:-$CACHE/uboot-disk.img}
APPEND=${TSVISOR_UBOOT_APPEND:-console=ttyS0}

for f in "$KERNEL" "$INITRD"; do
    [ -f "$f" ] || { echo "build-uboot-disk: $f is missing: run bash guests/build.sh first" >&2; exit 1; }
done
command -v mkfs.ext4 >/dev/null || { echo "build-uboot-disk: mkfs.ext4 is missing: apt-get install e2fsprogs" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/extlinux"
cp "$KERNEL" "$work/root/Image"
cp "$INITRD" "$work/root/initramfs.cpio.gz"
cat >"$work/root/extlinux/extlinux.conf" <<EOF
default linux
timeout 0
label linux
    kernel /Image
    initrd /initramfs.cpio.gz
    append $APPEND
EOF

# Partition size: the files plus room for the filesystem's own structures, in whole MiB.
payload=$(du -sm "$work/root" | cut -f1)
part_mib=$((payload + 16))
part_sectors=$((part_mib * 2048))
mkfs.ext4 -q -F -L tsvisor-boot -d "$work/root" "$work/part.img" "${part_mib}M"

# MBR: one bootable entry (type 0x83) starting at LBA 2048; CHS fields unused (0xfe 0xff 0xff).
le32() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $((($1 >> 8) & 255)))\\x$(printf %02x $((($1 >> 16) & 255)))\\x$(printf %02x $((($1 >> 24) & 255)))"; }
truncate -s $(((part_mib + 1) * 1024 * 1024)) "$work/disk.img"
{
    printf '\x80\xfe\xff\xff\x83\xfe\xff\xff'
    le32 2048
    le32 "$part_sectors"
} | dd of="$work/disk.img" bs=1 seek=446 conv=notrunc status=none
printf '\x55\xaa' | dd of="$work/disk.img" bs=1 seek=510 conv=notrunc status=none
dd if="$work/part.img" of="$work/disk.img" bs=1M seek=1 conv=notrunc status=none

mkdir -p "$(dirname "$OUT")"
mv "$work/disk.img" "$OUT"
echo "U-Boot boot disk: $OUT (ext4 partition: Image, initramfs.cpio.gz, extlinux/extlinux.conf)"
