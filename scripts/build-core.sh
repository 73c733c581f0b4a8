#!/usr/bin/env bash
# Compile the CPU cores (AssemblyScript) to build/<arch>.wasm, each only when its sources, the
# compiler or the flags changed: `npm run demo` and `npm test` call this every time.
#   riscv64: src/engine/riscv64/core -> build/riscv64.wasm
#   aarch64: src/engine/aarch64/core -> build/aarch64.wasm
set -euo pipefail
cd "$(dirname "$0")/.."
flags=(-O3 --runtime stub --importMemory --sharedMemory --initialMemory 256 --maximumMemory 65536
    --enable threads --importTable --noAssert)

# build_core ARCH FILE...: FILE... are the files outside the core's folder it imports (each
# compiled by both asc and tsc: constants only).
build_core() {
    local arch=$1; shift
    local outside=("$@") core=src/engine/$arch/core out=build/$arch.wasm key file spec target
    key=$( { printf '%s\n' "${flags[@]}"; cat node_modules/assemblyscript/package.json;
        # the core's sources and what they import from outside core/ (shared memory layout, exit codes)
        { find "$core" -type f -name '*.ts' -print0; printf '%s\0' "${outside[@]}"; } |
            sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-64)
    # The key covers core/ and $outside; an import from anywhere else must be added to them.
    while IFS=: read -r file spec; do
        target=$(realpath -m --relative-to=. "$(dirname "$file")/${spec}.ts")
        [[ " ${outside[*]} " == *" $target "* ]] && continue
        case $target in
        "$core"/*) ;;
        *) echo "scripts/build-core.sh: $file imports $target from outside $core: add it to the cache key" >&2; exit 1 ;;
        esac
    done < <(grep -roE 'from "\.[^"]*"' "$core" --include='*.ts' | sed -E 's/:from "(.*)"$/:\1/')
    if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
        return 0
    fi
    echo "building the $arch CPU core ($out)"
    npx asc "$core/index.ts" -o "$out" "${flags[@]}"
    printf '%s\n' "$key" >"$out.key"
}

build_core riscv64 src/engine/riscv64/layout.ts src/engine/zone-block.ts src/engine/exit.ts
build_core aarch64 src/engine/aarch64/layout.ts src/engine/exit.ts
