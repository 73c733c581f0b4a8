#!/usr/bin/env bash
# Compile the riscv64 CPU core (AssemblyScript) to build/riscv64.wasm, only when its sources, the
# compiler or the flags changed: `npm run demo` and `npm test` call this every time.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/riscv64.wasm
flags=(-O3 --runtime stub --importMemory --sharedMemory --initialMemory 256 --maximumMemory 65536
    --enable threads --importTable --noAssert)
key=$( { printf '%s\n' "${flags[@]}"; cat node_modules/assemblyscript/package.json;
    # the core's sources and what they import from outside core/ (the shared memory layout)
    { find src/engine/riscv64/core -type f -name '*.ts' -print0; printf '%s\0' src/engine/riscv64/layout.ts; } |
        sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-64)
# The key below covers core/ and layout.ts; an import from anywhere else must be added to it.
core=src/engine/riscv64/core
while IFS=: read -r file spec; do
    target=$(realpath -m --relative-to=. "$(dirname "$file")/${spec}.ts")
    case $target in
    "$core"/* | src/engine/riscv64/layout.ts) ;;
    *) echo "scripts/build-core.sh: $file imports $target from outside $core: add it to the cache key" >&2; exit 1 ;;
    esac
done < <(grep -roE 'from "\.[^"]*"' "$core" --include='*.ts' | sed -E 's/:from "(.*)"$/:\1/')
if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
    exit 0
fi
echo "building the CPU core ($out)"
npx asc src/engine/riscv64/core/index.ts -o "$out" "${flags[@]}"
printf '%s\n' "$key" >"$out.key"
