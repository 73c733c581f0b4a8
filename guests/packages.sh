# guests/packages.sh - the Debian packages tsvisor's guest builds and tests need, in one place.
# Sourced by guests/lib.sh; `bash guests/packages.sh demo|test` runs the check on its own.
#
# ensure_packages PURPOSE installs what is missing for PURPOSE (demo or test) when it can do so
# without asking anything (root, or sudo without a password), naming the packages; otherwise it
# prints the one `apt-get install` line with every missing package and stops.

# What the demo guest build needs (kernel from linux-source-6.1, static busybox, initramfs).
PACKAGES_DEMO=(make gcc libc6-dev xz-utils bc flex bison cpio patch gzip dpkg-dev libelf-dev libssl-dev
    gcc-riscv64-linux-gnu binutils-riscv64-linux-gnu libc6-dev-riscv64-cross linux-source-6.1)
# What `npm test` needs on top: dtc for the device-tree tests, qemu-user for the FPU and A64 cross-checks,
# gcc-aarch64-linux-gnu for the A64 core's bare-metal tests (tests/asm-a64),
# e2fsprogs/iproute2 for the virtio disk and network tests, Debian's S-mode U-Boot as a guest,
# chromium for the web console's browser tests (driven by the playwright-core npm package); openssl
# makes the self-signed certificate of its HTTPS test; gcc-aarch64-linux-gnu assembles the A64 tests.
PACKAGES_TEST=(device-tree-compiler qemu-user gcc-aarch64-linux-gnu e2fsprogs iproute2 u-boot-qemu chromium openssl)

packages_for() {
    case $1 in
    demo) printf '%s\n' "${PACKAGES_DEMO[@]}" ;;
    test) printf '%s\n' "${PACKAGES_DEMO[@]}" "${PACKAGES_TEST[@]}" ;;
    *) printf 'packages_for: unknown purpose %s (use demo or test)\n' "$1" >&2; return 2 ;;
    esac
}

package_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# Busybox comes from its Debian source package, which needs deb-src entries (Debian images ship
# without them). A cached busybox tree makes them unnecessary.
busybox_source_needed() {
    local cache=${TSVISOR_GUESTS:-$HOME/.cache/tsvisor/guests}
    ! ls "$cache"/src/busybox-*/.tsvisor-done >/dev/null 2>&1 &&
        ! apt-cache showsrc busybox 2>/dev/null | grep -q '^Package: busybox'
}

# Write deb-src entries that mirror the configured deb ones (deb822 *.sources files, or one-line
# entries of sources.list, each kept in its own format). $1: the command prefix (sudo or "").
# Returns 1, changing nothing, when there is nothing to mirror.
add_deb_src() {
    local as=$1 f src=""
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && [ "$(basename "$f")" != tsvisor-deb-src.sources ] || continue
        grep -qE '^Types:.*\bdeb\b' "$f" || continue
        src+=$(sed -E 's/^Types:.*/Types: deb-src/' "$f")$'\n\n'
    done
    if [ -n "$src" ]; then
        printf '%s' "$src" | $as tee /etc/apt/sources.list.d/tsvisor-deb-src.sources >/dev/null
    elif grep -qE '^deb[[:space:]]' /etc/apt/sources.list 2>/dev/null; then
        sed -nE 's/^deb[[:space:]]+/deb-src /p' /etc/apt/sources.list |
            $as tee /etc/apt/sources.list.d/tsvisor-deb-src.list >/dev/null
    else
        return 1
    fi
}

ensure_packages() {
    local purpose=$1 p as missing=() need_src=0
    command -v dpkg-query >/dev/null 2>&1 || {
        printf 'tsvisor: this is not a Debian-based system (no dpkg-query); install the equivalents of: %s\n' \
            "$(packages_for "$purpose" | tr '\n' ' ')" >&2
        return 1
    }
    while read -r p; do package_installed "$p" || missing+=("$p"); done < <(packages_for "$purpose")
    busybox_source_needed && need_src=1
    [ ${#missing[@]} -eq 0 ] && [ $need_src -eq 0 ] && return 0

    if [ "$(id -u)" -eq 0 ]; then
        as=""
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        as="sudo"
    else
        local what="the demo guest build (npm run demo)"
        [ "$purpose" = test ] && what="the test suite (npm test)"
        printf 'tsvisor: %s needs what only root can set up. Run as root:\n' "$what" >&2
        [ $need_src -eq 1 ] &&
            printf '  bash guests/packages.sh %s   (adds deb-src entries: busybox is built from its Debian source package)\n' "$purpose" >&2
        [ ${#missing[@]} -gt 0 ] &&
            printf '  apt-get update && apt-get install -y --no-install-recommends %s\n' "${missing[*]}" >&2
        printf 'then run this command again.\n' >&2
        return 1
    fi
    if [ $need_src -eq 1 ]; then
        echo "== adding deb-src entries to apt (busybox is built from its Debian source package)"
        add_deb_src "$as" || {
            printf 'tsvisor: no apt "deb" sources found to mirror as deb-src: add a deb-src entry for your distribution, then run this again\n' >&2
            return 1
        }
    fi
    [ ${#missing[@]} -gt 0 ] && echo "== installing the Debian packages the $purpose needs: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive $as apt-get update -qq
    if [ ${#missing[@]} -gt 0 ]; then
        DEBIAN_FRONTEND=noninteractive $as apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    ensure_packages "${1:?usage: bash guests/packages.sh demo|test}"
fi
