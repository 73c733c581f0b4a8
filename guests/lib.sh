# guests/lib.sh - helpers shared by build.sh and build-reference.sh.
# Sourced, not executed. The callers run with `set -euo pipefail`.
#
# Cache layout (everything lives under $CACHE_DIR, default ~/.cache/tsvisor/guests):
#   src/linux-<deb version>/      extracted linux-source-6.1 tree (shared, read-only, builds use O=)
#   src/busybox-<deb version>/    `apt-get source busybox` tree with Debian's patches applied
#   build/<what>-<key>/           one directory per build input hash; `.tsvisor-done` marks success
#   tools/gen_init_cpio-<ver>     host tool compiled from the kernel tree (no root needed for cpio)
# A stage whose stamp exists is skipped, so an unchanged re-run costs well under a second.

GUESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$GUESTS_DIR/packages.sh"
CACHE_DIR=${TSVISOR_GUESTS:-$HOME/.cache/tsvisor/guests}
JOBS=${JOBS:-$(nproc)}
CROSS=riscv64-linux-gnu-
LINUX_PKG=linux-source-6.1
LINUX_TARBALL=${LINUX_TARBALL:-/usr/src/$LINUX_PKG.tar.xz}

# Bump a recipe number when the build steps for that stage change in a way
# that must invalidate existing cache entries (input files are hashed anyway).
RECIPE_LINUX=2
RECIPE_BUSYBOX=2
RECIPE_INITRAMFS=2

# Kernel builds: fixed user/host so `uname -v` does not leak the build machine.
export KBUILD_BUILD_USER=tsvisor KBUILD_BUILD_HOST=tsvisor
export LC_ALL=C

STEP=0
STEPS=0
STEP_T0=0
LOG=/dev/null
HEARTBEAT_PID=

# ---------------------------------------------------------------- output ----

die() { printf 'error: %s\n' "$*" >&2; exit 1; }
note() { printf '      %s\n' "$*"; }

human_size() { numfmt --to=iec-i --suffix=B "$(stat -c %s "$1")"; }

fmt_secs() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

step() {
    STEP=$((STEP + 1))
    STEP_T0=$SECONDS
    printf '[%d/%d] %s\n' "$STEP" "$STEPS" "$*"
}

step_done() { note "$* ($(fmt_secs $((SECONDS - STEP_T0))))"; }

# init_log FILE: build output goes to FILE, not to the terminal. The file is
# only started afresh when this run actually runs something, so a cached
# re-run keeps the log of the last real build.
LOG_STARTED=0
init_log() {
    LOG=$1
    mkdir -p "$(dirname "$LOG")"
    trap 'stop_heartbeat' EXIT
}

# While a long command runs, print a line every minute so the user sees progress.
heartbeat() {
    local t0 sp last
    t0=$(date +%s)
    trap 'kill "$sp" 2>/dev/null; exit 0' TERM
    while :; do
        sleep 60 &
        sp=$!
        wait "$sp"
        last=$(tail -n 1 "$LOG" 2>/dev/null | tr -d '\r' | cut -c1-64)
        note "... $(fmt_secs $(($(date +%s) - t0))) so far: $last"
    done
}

stop_heartbeat() {
    if [ -n "$HEARTBEAT_PID" ]; then
        kill "$HEARTBEAT_PID" 2>/dev/null || true
        wait "$HEARTBEAT_PID" 2>/dev/null || true
        HEARTBEAT_PID=
    fi
}

# run CMD ARGS...: run one simple command with its output appended to $LOG.
# On failure print the log's tail and stop. (Pass commands, not shell functions:
# `set -e` would be ignored inside a function called from here.)
run() {
    if [ "$LOG_STARTED" = 0 ]; then
        LOG_STARTED=1
        printf '# %s started %s\n' "$(basename "$0")" "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" >"$LOG"
    fi
    printf '\n$ %s\n' "$*" >>"$LOG"
    heartbeat &
    HEARTBEAT_PID=$!
    local rc=0
    "$@" >>"$LOG" 2>&1 </dev/null || rc=$?
    stop_heartbeat
    if [ "$rc" -ne 0 ]; then
        printf 'error: command failed (exit %d): %s\n' "$rc" "$*" >&2
        printf -- '---- last 40 lines of %s ----\n' "$LOG" >&2
        tail -n 40 "$LOG" >&2
        printf -- '---- end of log tail ----\n' >&2
        exit 1
    fi
}

# ---------------------------------------------------------------- checks ----

# require_tools KIND...: KIND is common, kernel, busybox or busybox-src. Each
# check names the Debian package that provides the missing piece.
require_tools() {
    local missing=() kind entry what pkg
    local -a want=()
    for kind in "$@"; do
        case $kind in
        common) want+=(tar:tar gzip:gzip sha256sum:coreutils flock:util-linux) ;;
        kernel) want+=(make:make gcc:gcc /usr/include/stdio.h:libc6-dev xz:xz-utils
                       bc:bc flex:flex bison:bison "${CROSS}gcc:gcc-riscv64-linux-gnu") ;;
        busybox) want+=(make:make "${CROSS}gcc:gcc-riscv64-linux-gnu" "${CROSS}readelf:binutils-riscv64-linux-gnu"
                        /usr/riscv64-linux-gnu/lib/libc.a:libc6-dev-riscv64-cross) ;;
        busybox-src) want+=(apt-get:apt dpkg-source:dpkg-dev patch:patch) ;;
        *) die "require_tools: unknown kind $kind" ;;
        esac
    done
    local seen=" "
    for entry in "${want[@]}"; do
        [[ $seen == *" $entry "* ]] && continue
        seen+="$entry "
        what=${entry%%:*}
        pkg=${entry#*:}
        if [[ $what == /* ]]; then
            [ -e "$what" ] && continue
        else
            command -v "$what" >/dev/null 2>&1 && continue
        fi
        [[ " ${missing[*]} " == *" $pkg "* ]] || missing+=("$pkg")
        printf 'error: %s not found (Debian package: %s)\n' "$what" "$pkg" >&2
    done
    if [ ${#missing[@]} -gt 0 ]; then
        die "missing build dependencies; install them with: apt-get install -y ${missing[*]}"
    fi
}

# ----------------------------------------------------------- cache utils ----

# key_of STRING...: short stable hash of the given strings (one per line).
key_of() { printf '%s\n' "$@" | sha256sum | cut -c1-12; }
file_hash() { sha256sum "$1" | cut -c1-64; }
# Turn a Debian version into something safe for a directory name (drop the epoch).
safe_ver() { printf '%s' "${1#*:}" | tr -c 'A-Za-z0-9._+-' '_'; }

is_done() { [ -f "$1/.tsvisor-done" ]; }
mark_done() { printf '%s\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "${@:2}" >"$1/.tsvisor-done"; }

# Take a per-directory lock so build.sh and build-reference.sh can run at the
# same time without both extracting/building the same shared piece.
LOCK_FD=
lock() {
    mkdir -p "$(dirname "$1")"
    exec {LOCK_FD}>"$1.lock"
    if ! flock -n "$LOCK_FD"; then
        note "waiting for another build that holds $1.lock"
        flock "$LOCK_FD"
    fi
}
unlock() { exec {LOCK_FD}>&-; LOCK_FD=; }

# prune_siblings DIR: remove older builds of the same kind (same name up to the
# key) so the cache does not grow with every config edit. Busy ones are kept.
prune_siblings() {
    local keep=$1 prefix d fd
    prefix=${keep%-*}
    for d in "$prefix"-*; do
        if [ ! -d "$d" ] || [ "$d" = "$keep" ]; then continue; fi
        exec {fd}>"$d.lock"
        if flock -n "$fd"; then
            rm -rf "$d" "$d.lock"
            note "removed old build $(basename "$d")"
        fi
        exec {fd}>&-
    done
}

# publish SRC DST: copy a build result to its well-known path, atomically and
# only when it changed (keeps mtimes stable for tools that watch them).
publish() {
    mkdir -p "$(dirname "$2")"
    if ! cmp -s "$1" "$2"; then
        cp "$1" "$2.tmp.$$"
        mv -f "$2.tmp.$$" "$2"
    fi
}

# ---------------------------------------------------------------- kernel ----

linux_version() {
    local v
    if [ "$LINUX_TARBALL" = "/usr/src/$LINUX_PKG.tar.xz" ] &&
        v=$(dpkg-query -W -f='${Version}' "$LINUX_PKG" 2>/dev/null) && [ -n "$v" ]; then
        printf '%s' "$v"
    else
        stat -c 'tar-%s-%Y' "$LINUX_TARBALL"
    fi
}

# ensure_linux_src: sets LINUX_SRC and LINUX_VER, extracting the tarball once.
ensure_linux_src() {
    [ -r "$LINUX_TARBALL" ] || die "$LINUX_TARBALL not found (Debian package: $LINUX_PKG)"
    LINUX_VER=$(safe_ver "$(linux_version)")
    LINUX_SRC=$CACHE_DIR/src/linux-$LINUX_VER
    if is_done "$LINUX_SRC"; then
        step_done "cached: $LINUX_SRC"
        return 0
    fi
    lock "$LINUX_SRC"
    if ! is_done "$LINUX_SRC"; then
        note "extracting $LINUX_TARBALL (about 15 s)"
        rm -rf "$LINUX_SRC" "$LINUX_SRC.tmp"
        mkdir -p "$LINUX_SRC.tmp"
        run tar -xJf "$LINUX_TARBALL" -C "$LINUX_SRC.tmp"
        mv "$LINUX_SRC.tmp/$LINUX_PKG" "$LINUX_SRC"
        rmdir "$LINUX_SRC.tmp"
        mark_done "$LINUX_SRC" "from $LINUX_TARBALL"
    fi
    unlock
    step_done "extracted to $LINUX_SRC"
}

kmake() { run make -C "$LINUX_SRC" O="$KBUILD" ARCH=riscv CROSS_COMPILE="$CROSS" "$@"; }

# check_config FRAGMENT CONFIG: every option named in FRAGMENT must have the
# same value in CONFIG (Kconfig silently drops options whose dependencies are
# unmet, so without this a fragment edit could quietly do nothing).
check_config() {
    local bad
    bad=$(awk '
        NR == FNR {
            if (match($0, /^CONFIG_[A-Za-z0-9_]+=/)) have[substr($0, 1, RLENGTH - 1)] = substr($0, RLENGTH + 1)
            next
        }
        /^CONFIG_[A-Za-z0-9_]+=/ { sym = $0; sub(/=.*/, "", sym); want = $0; sub(/^[^=]*=/, "", want) }
        /^# CONFIG_[A-Za-z0-9_]+ is not set/ { sym = $2; want = "n" }
        !/^CONFIG_/ && !/^# CONFIG_[A-Za-z0-9_]+ is not set/ { next }
        {
            got = (sym in have) ? have[sym] : "n"
            if (got != want) printf "    %s: asked for %s, got %s\n", sym, want, got
        }' "$2" "$1")
    if [ -n "$bad" ]; then
        printf 'error: %s asks for options that are not in the final config %s\n' "$1" "$2" >&2
        printf '%s\n' "$bad" >&2
        printf '(usually an unmet dependency: add the missing dependency to the fragment)\n' >&2
        exit 1
    fi
}

# build_linux NAME BASE_TARGET [FRAGMENT]: configure with `make BASE_TARGET`
# (tinyconfig/defconfig), merge FRAGMENT if given, verify it, build Image.
# Sets KBUILD (the build dir) and KERNEL_IMAGE.
build_linux() {
    local name=$1 base=$2 frag=${3:-} key fraghash=none
    [ -n "$frag" ] && fraghash=$(file_hash "$frag")
    key=$(key_of "recipe=$RECIPE_LINUX" "src=$LINUX_VER" "base=$base" "fragment=$fraghash" \
        "cc=$(${CROSS}gcc -dumpfullversion)")
    KBUILD=$CACHE_DIR/build/linux-$name-$key
    KERNEL_IMAGE=$KBUILD/arch/riscv/boot/Image
    if is_done "$KBUILD"; then
        prune_siblings "$KBUILD"
        step_done "cached: $KBUILD"
        return 0
    fi
    lock "$KBUILD"
    if ! is_done "$KBUILD"; then
        mkdir -p "$KBUILD"
        note "configuring: make $base${frag:+ + ${frag#"$GUESTS_DIR"/}} (log: $LOG)"
        kmake "$base"
        if [ -n "$frag" ]; then
            # merge_config.sh -m only merges (warning about overrides); olddefconfig
            # then resolves dependencies for the options the fragment turned on.
            run env -C "$KBUILD" ARCH=riscv CROSS_COMPILE="$CROSS" \
                "$LINUX_SRC/scripts/kconfig/merge_config.sh" -m -O "$KBUILD" "$KBUILD/.config" "$frag"
            kmake olddefconfig
            check_config "$frag" "$KBUILD/.config"
            note "config verified: all $(grep -cE '^(CONFIG_|# CONFIG_.* is not set)' "$frag") options of the fragment are set"
        fi
        # Build date = the source tarball's date, so a rebuild gives the same bytes.
        export KBUILD_BUILD_TIMESTAMP
        KBUILD_BUILD_TIMESTAMP=$(date -u -d "@$(stat -c %Y "$LINUX_TARBALL")" '+%a %b %e %H:%M:%S UTC %Y')
        note "building Image with -j$JOBS (tinyconfig ~3 min, defconfig ~11 min on 2 cores)"
        kmake -j"$JOBS" Image
        [ -f "$KERNEL_IMAGE" ] || die "kernel build finished but $KERNEL_IMAGE is missing"
        mark_done "$KBUILD" "linux $LINUX_VER $base ${frag:-}"
        prune_siblings "$KBUILD"
    fi
    unlock
    step_done "built $(human_size "$KERNEL_IMAGE") Image in $KBUILD"
}

# --------------------------------------------------------------- busybox ----

# Busybox's source comes through apt, which needs deb-src entries (guests/packages.sh adds them).
ensure_deb_src() {
    apt-cache showsrc busybox 2>/dev/null | grep -q '^Package: busybox' ||
        die "apt knows no source package 'busybox': run 'bash guests/packages.sh demo' as root (it adds deb-src entries)"
}

# ensure_busybox_src: sets BUSYBOX_SRC and BUSYBOX_VER. Uses the cached tree if
# there is one; otherwise `apt-get source busybox` (which applies Debian's patches).
ensure_busybox_src() {
    local d tmp dsc
    d=$(ls -d "$CACHE_DIR"/src/busybox-*/.tsvisor-done 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$d" ]; then
        BUSYBOX_SRC=$(dirname "$d")
        BUSYBOX_VER=${BUSYBOX_SRC##*/busybox-}
        step_done "cached: $BUSYBOX_SRC"
        return 0
    fi
    require_tools busybox-src
    lock "$CACHE_DIR/src/busybox"
    d=$(ls -d "$CACHE_DIR"/src/busybox-*/.tsvisor-done 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$d" ]; then # another build fetched it while we waited for the lock
        unlock
        BUSYBOX_SRC=$(dirname "$d")
        BUSYBOX_VER=${BUSYBOX_SRC##*/busybox-}
        step_done "fetched by another build: $BUSYBOX_SRC"
        return 0
    fi
    ensure_deb_src
    tmp=$CACHE_DIR/src/busybox.tmp
    rm -rf "$tmp"
    mkdir -p "$tmp"
    note "downloading with apt-get source busybox"
    run env -C "$tmp" apt-get source busybox
    dsc=$(ls "$tmp"/busybox_*.dsc | head -n 1)
    BUSYBOX_VER=$(safe_ver "$(sed -n 's/^Version: //p' "$dsc" | head -n 1)")
    BUSYBOX_SRC=$CACHE_DIR/src/busybox-$BUSYBOX_VER
    rm -rf "$BUSYBOX_SRC"
    mv "$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'busybox-*' | head -n 1)" "$BUSYBOX_SRC"
    rm -rf "$tmp"
    mark_done "$BUSYBOX_SRC" "apt-get source busybox ($BUSYBOX_VER)"
    unlock
    step_done "fetched busybox $BUSYBOX_VER into $BUSYBOX_SRC"
}

bbmake() {
    run make -C "$BUSYBOX_SRC" O="$BBBUILD" ARCH=riscv CROSS_COMPILE="$CROSS" "$@"
}

# build_busybox FRAGMENT: defconfig, then force each option of FRAGMENT, then
# oldconfig to settle dependencies, verify, build. Sets BBBUILD and BUSYBOX_BIN.
build_busybox() {
    local frag=$1 key
    key=$(key_of "recipe=$RECIPE_BUSYBOX" "src=$BUSYBOX_VER" "fragment=$(file_hash "$frag")" \
        "cc=$(${CROSS}gcc -dumpfullversion)")
    BBBUILD=$CACHE_DIR/build/busybox-$key
    BUSYBOX_BIN=$BBBUILD/busybox
    if is_done "$BBBUILD"; then
        prune_siblings "$BBBUILD"
        step_done "cached: $BBBUILD"
        return 0
    fi
    lock "$BBBUILD"
    if ! is_done "$BBBUILD"; then
        rm -rf "$BBBUILD"
        mkdir -p "$BBBUILD"
        note "configuring: defconfig + ${frag#"$GUESTS_DIR"/} (log: $LOG)"
        # busybox embeds its build time; use the date of the Debian package
        # (changelog trailer) instead so a rebuild gives the same bytes.
        export SOURCE_DATE_EPOCH
        SOURCE_DATE_EPOCH=$(date -u -d "$(sed -n 's/^ -- .*>  //p' "$BUSYBOX_SRC/debian/changelog" | head -n 1)" +%s)
        bbmake defconfig
        # Drop every line mentioning an option the fragment sets, append the fragment.
        awk 'NR == FNR {
                 if (match($0, /^CONFIG_[A-Za-z0-9_]+=/)) drop[substr($0, 1, RLENGTH - 1)] = 1
                 else if ($0 ~ /^# CONFIG_[A-Za-z0-9_]+ is not set/) drop[$2] = 1
                 next
             }
             { s = $0; sub(/^# /, "", s); sub(/[= ].*/, "", s); if (!(s in drop)) print }' \
            "$frag" "$BBBUILD/.config" >"$BBBUILD/.config.new"
        grep -E '^(CONFIG_|# CONFIG_.* is not set)' "$frag" >>"$BBBUILD/.config.new"
        mv "$BBBUILD/.config.new" "$BBBUILD/.config"
        # oldconfig asks about options that became visible; `yes ''` takes their defaults.
        run bash -c 'yes "" | make -C "$1" O="$2" ARCH=riscv CROSS_COMPILE="$3" oldconfig' _ \
            "$BUSYBOX_SRC" "$BBBUILD" "$CROSS"
        check_config "$frag" "$BBBUILD/.config"
        note "building static busybox with -j$JOBS (about 1 min on 2 cores)"
        bbmake -j"$JOBS" busybox busybox.links
        # A static binary has no program interpreter; the initramfs has no libc.
        if ${CROSS}readelf -l "$BUSYBOX_BIN" | grep -q 'Requesting program interpreter'; then
            die "$BUSYBOX_BIN is dynamically linked; the fragment must keep CONFIG_STATIC=y"
        fi
        mark_done "$BBBUILD" "busybox $BUSYBOX_VER ${frag}"
        prune_siblings "$BBBUILD"
    fi
    unlock
    step_done "built $(human_size "$BUSYBOX_BIN") static busybox ($(wc -l <"$BBBUILD/busybox.links") applets) in $BBBUILD"
}

# ------------------------------------------------------------- initramfs ----

# ensure_gen_init_cpio: compile the kernel's usr/gen_init_cpio.c for the host.
# It writes a newc cpio from a text list, so device nodes and root ownership
# need no root rights or fakeroot.
ensure_gen_init_cpio() {
    GEN_INIT_CPIO=$CACHE_DIR/tools/gen_init_cpio-$LINUX_VER
    [ -x "$GEN_INIT_CPIO" ] && return 0
    mkdir -p "$CACHE_DIR/tools"
    run gcc -O2 -o "$GEN_INIT_CPIO.tmp" "$LINUX_SRC/usr/gen_init_cpio.c"
    mv "$GEN_INIT_CPIO.tmp" "$GEN_INIT_CPIO"
}

# build_initramfs NAME INIT_SCRIPT [OVERLAY_DIR]: /init + static busybox with all
# applet symlinks + an optional overlay of extra files. Sets INITRAMFS.
build_initramfs() {
    local name=$1 init=$2 overlay=${3:-} key overlay_hash=none out list
    if [ -n "$overlay" ]; then
        overlay_hash=$(cd "$overlay" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum | sha256sum | cut -c1-64)
    fi
    key=$(key_of "recipe=$RECIPE_INITRAMFS" "busybox=$BBBUILD" "init=$(file_hash "$init")" \
        "overlay=$overlay_hash" "gen=$LINUX_VER")
    out=$CACHE_DIR/build/initramfs-$name-$key
    INITRAMFS=$out/initramfs.cpio.gz
    if is_done "$out"; then
        prune_siblings "$out"
        step_done "cached: $INITRAMFS"
        return 0
    fi
    lock "$out"
    if is_done "$out"; then # another build made it while we waited for the lock
        unlock
        step_done "built by another build: $INITRAMFS"
        return 0
    fi
    ensure_gen_init_cpio
    rm -rf "$out"
    mkdir -p "$out"
    list=$out/cpio.list
    # gen_init_cpio stores the mtime of each file it packs: stage copies dated
    # 1970 (like everything else via -t 0) so the archive is reproducible.
    local stage=$out/files
    mkdir -p "$stage/bin"
    cp "$init" "$stage/init"
    cp "$BUSYBOX_BIN" "$stage/bin/busybox"
    [ -z "$overlay" ] || cp -R "$overlay/." "$stage/"
    find "$stage" -exec touch -h -d @0 {} +
    {
        echo "# generated by guests/lib.sh build_initramfs; format: see gen_init_cpio usage"
        local d
        for d in /bin /sbin /usr /usr/bin /usr/sbin /dev /proc /sys /tmp /root /etc /mnt /run /var; do
            case $d in
            /tmp) echo "dir $d 1777 0 0" ;;
            /root) echo "dir $d 0700 0 0" ;;
            *) echo "dir $d 0755 0 0" ;;
            esac
        done
        # The kernel opens /dev/console for init's stdio before anything is mounted.
        echo "nod /dev/console 0600 0 0 c 5 1"
        echo "nod /dev/null 0666 0 0 c 1 3"
        echo "file /init $stage/init 0755 0 0"
        echo "file /bin/busybox $stage/bin/busybox 0755 0 0"
        # busybox.links lists every applet's install path (/bin/sh, /usr/bin/awk, ...).
        grep -v -x -e /bin/busybox -e /init -e /linuxrc "$BBBUILD/busybox.links" |
            sed 's|.*|slink & /bin/busybox 0777 0 0|'
        if [ -n "$overlay" ]; then
            (cd "$overlay" && find . -mindepth 1 -type d | sort | sed "s|^\.\(.*\)|dir \1 0755 0 0|")
            (cd "$overlay" && find . -type f | sort) | while IFS= read -r f; do
                local mode=0644
                [ -x "$overlay/$f" ] && mode=0755
                echo "file ${f#.} $stage/${f#./} $mode 0 0"
            done
        fi
    } | awk '!($1 == "dir" && seen[$2]++)' >"$list"
    # -t 0: fixed timestamps, so the same inputs give a byte-identical archive.
    run bash -c 'set -o pipefail; "$1" -t 0 "$2" | gzip -9 -n >"$3"' _ "$GEN_INIT_CPIO" "$list" "$INITRAMFS.tmp"
    mv "$INITRAMFS.tmp" "$INITRAMFS"
    mark_done "$out" "initramfs $name"
    prune_siblings "$out"
    unlock
    step_done "built $(human_size "$INITRAMFS") $INITRAMFS ($(grep -c '^slink' "$list") applet links)"
}
