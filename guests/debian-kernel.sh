# guests/debian-kernel.sh - Debian's own riscv64 kernel, the reference guest's kernel. Sourced by
# build-reference.sh after lib.sh.
#
# A distribution kernel is the most "foreign" kernel a user will boot: configured by Debian, not by
# us, with modules, EFI stub, every ISA extension it can probe for. Debian ships riscv64 from trixie
# on, so the package comes from trixie through apt with a private configuration under the cache
# directory: nothing on the host changes, and apt checks the archive's signatures against
# debian-archive-keyring as it does for any download. Only the kernel Image is kept (~31 MiB).

DEBIAN_KERNEL_SUITE=${DEBIAN_KERNEL_SUITE:-trixie}
DEBIAN_KERNEL_META=linux-image-riscv64

# cached_debian_kernel DIR WHAT: use the newest kernel already in DIR (sets KERNEL_IMAGE) unless
# a refresh was asked for; false when there is none.
cached_debian_kernel() {
    local img
    [ -z "${TSVISOR_REFRESH_REF:-}" ] || return 1
    img=$(ls "$1"/vmlinux-* 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$img" ] || return 1
    KERNEL_IMAGE=$img
    step_done "$2: $img"
}

# fetch_debian_kernel: sets KERNEL_IMAGE. Cached: the first fetch decides the version; set
# TSVISOR_REFRESH_REF=1 to fetch the newest again.
fetch_debian_kernel() {
    local dir=$CACHE_DIR/debian-kernel img pkg deb
    local apt=$dir/apt
    cached_debian_kernel "$dir" "cached" && return 0
    [ -r /usr/share/keyrings/debian-archive-keyring.gpg ] ||
        die "/usr/share/keyrings/debian-archive-keyring.gpg not found (Debian package: debian-archive-keyring)"
    lock "$dir"
    if cached_debian_kernel "$dir" "fetched by another build"; then
        unlock
        return 0
    fi
    mkdir -p "$apt/sources.list.d" "$apt/state/lists/partial" "$apt/cache/archives/partial" "$apt/dl"
    : >"$apt/status"
    cat >"$apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: http://deb.debian.org/debian
Suites: $DEBIAN_KERNEL_SUITE
Components: main
Architectures: riscv64
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
    local -a o=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$apt/sources.list.d"
        -o "Dir::Etc::Preferences=/dev/null" -o "Dir::Etc::PreferencesParts=$apt/none"
        -o "Dir::State=$apt/state" -o "Dir::State::status=$apt/status" -o "Dir::Cache=$apt/cache"
        -o "APT::Architecture=riscv64" -o "APT::Architectures::=riscv64" -o "Debug::NoLocking=1")
    [ "$(id -u)" -eq 0 ] && o+=(-o "APT::Sandbox::User=root")
    note "apt-get update ($DEBIAN_KERNEL_SUITE, riscv64 only, private lists in $apt)"
    run apt-get "${o[@]}" -q update
    # The metapackage depends on the current ABI's image package; that one holds the kernel.
    pkg=$(apt-cache "${o[@]}" depends "$DEBIAN_KERNEL_META" 2>>"$LOG" |
        sed -n 's/^ *Depends: \(linux-image-[^ ]*\).*/\1/p' | head -n 1)
    [ -n "$pkg" ] || die "no $DEBIAN_KERNEL_META in Debian $DEBIAN_KERNEL_SUITE riscv64 (see $LOG)"
    note "downloading $pkg (about 110 MiB; only the kernel is kept)"
    rm -f "$apt/dl"/*.deb
    run env -C "$apt/dl" apt-get "${o[@]}" -q download "$pkg"
    deb=$(ls "$apt/dl"/*.deb | head -n 1)
    run sh -c 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --wildcards --strip-components=2 "./boot/vmlinux-*"' \
        sh "$deb" "$dir"
    rm -f "$deb"
    rm -rf "$apt/state/lists" # ~20 MiB of package lists, fetched again on a refresh
    img=$(ls "$dir"/vmlinux-* | sort -V | tail -n 1)
    unlock
    KERNEL_IMAGE=$img
    step_done "$(basename "$img") ($(human_size "$img")) from Debian $DEBIAN_KERNEL_SUITE"
}
