// Symbolize a TSVISOR_PROFILE dump with the guest kernel's System.map: slices and host time per
// kernel function (user-space pcs are grouped). Usage: pc-report <dump.json> <System.map> [top]
import { readFileSync } from "node:fs";

const [dump, map, topArg] = process.argv.slice(2);
if (!dump || !map) {
  console.error("usage: node dist/bench/pc-report.js <dump.json> <System.map> [top]");
  process.exit(2);
}
const syms = readFileSync(map, "utf8").split("\n").map((l) => l.split(" "))
  .filter((f) => f.length === 3 && /[tTwW]/.test(f[1])).map((f) => ({ at: BigInt(`0x${f[0]}`), name: f[2] }))
  .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
function symbol(pc: bigint): string {
  if (pc < 0xffff_0000_0000_0000n) return "[user]";
  let lo = 0;
  let hi = syms.length - 1;
  if (hi < 0 || pc < syms[0].at) return "[kernel?]";
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (syms[mid].at <= pc) lo = mid; else hi = mid - 1;
  }
  return syms[lo].name;
}
// [pc, slices ending there, host ms of those slices, interpreted instructions (sampled)]
const rows = JSON.parse(readFileSync(dump, "utf8")) as [string, number, number, number][];
const per = new Map<string, [number, number, number]>();
let slices = 0;
let ms = 0;
let interp = 0;
for (const [pc, n, t, i] of rows) {
  const s = pc === "untracked" ? "(new pcs past the profiler's bound)" : symbol(BigInt(`0x${pc}`));
  const e = per.get(s) ?? [0, 0, 0];
  e[0] += n; e[1] += t; e[2] += i;
  per.set(s, e);
  slices += n; ms += t; interp += i;
}
const top = (k: 1 | 2) => [...per].sort((a, b) => b[1][k] - a[1][k]).slice(0, Number(topArg ?? 30));
console.log(`${slices} slices of ~1000 instructions, ${ms.toFixed(0)} ms host time; ~${interp} instructions interpreted`);
console.log(`\n${"where the time goes".padEnd(40)}${"time%".padStart(8)}${"slices%".padStart(9)}${"µs/slice".padStart(10)}`);
for (const [name, [n, t]] of top(1)) {
  console.log(`${name.slice(0, 39).padEnd(40)}${(t * 100 / ms).toFixed(1).padStart(8)}${(n * 100 / slices).toFixed(1).padStart(9)}` +
    `${(t * 1000 / n).toFixed(1).padStart(10)}`);
}
console.log(`\n${"interpreted, not compiled".padEnd(40)}${"share%".padStart(8)}`);
for (const [name, [, , i]] of top(2)) console.log(`${name.slice(0, 39).padEnd(40)}${(i * 100 / interp).toFixed(1).padStart(8)}`);
