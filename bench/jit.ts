// Engine micro-benchmarks: tests/asm/bench-jit.S times four small kernels (a 64-byte copy loop,
// call/return-heavy code, data-dependent branches, irqsave/irqrestore CSR pairs) with rdtime, in
// tsvisor and in qemu-system-riscv64 -M virt (TCG, OpenSBI). Prints ns per iteration and ratios.
import { spawn } from "node:child_process";
import { buildAsm } from "../tests/helpers/guest.js";
import { TSVISOR, median } from "./lib.js";

const RUNS = Number(process.env.RUNS ?? 3);

/** Run one VMM to completion; returns kernel -> ns per iteration (10 MHz timebase in both). */
function runOnce(cmd: string, args: string[]): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => { out += d.toString("latin1"); });
    child.stderr.on("data", (d: Buffer) => { out += d.toString("latin1"); });
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("exit", () => {
      clearTimeout(timer);
      const r = new Map<string, number>();
      for (const m of out.matchAll(/^(\w+) (\d+) (\d+)\r?$/gm)) r.set(m[1], (Number(m[2]) * 100) / Number(m[3]));
      if (r.size !== 4) reject(new Error(`${cmd}: expected 4 results, got:\n${out.slice(-2000)}`));
      else resolve(r);
    });
  });
}

const bin = buildAsm(["bench-jit.S"]);
const ts: Map<string, number>[] = [];
const qemu: Map<string, number>[] = [];
for (let i = 0; i < RUNS; i++) {
  ts.push(await runOnce("node", [TSVISOR, "run", "--kernel", bin, "--mem", "64M"]));
  if (process.env.BENCH_ONLY !== "tsvisor") {
    qemu.push(await runOnce("qemu-system-riscv64", ["-M", "virt", "-m", "64M", "-nographic", "-bios", "default", "-kernel", bin]));
  }
}
console.log(`\nengine micro-benchmarks, median of ${RUNS} run(s) (ns per loop iteration, lower is better)`);
console.log(`${"".padEnd(12)}${"tsvisor".padStart(10)}${"QEMU TCG".padStart(10)}${"ratio".padStart(9)}`);
for (const k of ts[0].keys()) {
  const a = median(ts.map((m) => m.get(k)!));
  const b = qemu.length ? median(qemu.map((m) => m.get(k)!)) : NaN;
  console.log(`${k.padEnd(12)}${a.toFixed(1).padStart(10)}${b.toFixed(1).padStart(10)}${(a / b).toFixed(2).padStart(8)}x`);
}
console.log("ratio = tsvisor time / QEMU time (< 1 means tsvisor is faster)");
