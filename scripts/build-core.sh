#!/usr/bin/env bash
# Compile the riscv64 CPU core (AssemblyScript) to build/riscv64.wasm, only when its sources, the
# compiler or the flags changed: `npm run demo` and `npm test` call this every time.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/riscv64.wasm
flags=(-O3 --runtime stub --importMemory --sharedMemory --initialMemory 256 --maximumMemory 65536
    --enable threads --importTable --noAssert)
key=$( { printf '%s\n' "${flags[@]}"; cat node_modules/assemblyscript/package.json;
    find src/engine/riscv64/core -type f -name '*.ts' -print0 | sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-64)
if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
    exit 0
fi
echo "building the CPU core ($out)"
npx asc src/engine/riscv64/core/index.ts -o "$out" "${flags[@]}"
printf '%s\n' "$key" >"$out.key"
