// Boot time as a user waits for it: the same kernel + initramfs in tsvisor and in
// qemu-system-riscv64 -M virt (TCG), from process start to the initramfs' "TSVISOR-INIT-OK" line and
// to process exit (the guest's /init prints its markers and powers off). Median of RUNS (default 5).
// tsvisor boots each time first with an empty JIT code cache (a guest it never ran: the figure
// to compare), then again with the cache that boot left (a zone booting its kernel once more).
import { benchCodeCache, requireGuest, timeRun, qemuArgs, tsvisorArgs, report } from "./lib.js";

const runs = Number(process.env.RUNS ?? 5);
const cmdline = "console=ttyS0 quiet tsvisor.test=smoke";
requireGuest();
const cache = benchCodeCache();
const rows = [];
try {
  for (const cpus of [1, 2]) {
    const ts = { init: [] as number[], exit: [] as number[], warmInit: [] as number[], warmExit: [] as number[] };
    const qemu = { init: [] as number[], exit: [] as number[] };
    for (let i = 0; i < runs; i++) {
      cache.cold();
      const a = await timeRun("node", tsvisorArgs(cmdline, cpus), ["TSVISOR-INIT-OK"], 120000, cache.env);
      ts.init.push(a.marks[0]);
      ts.exit.push(a.exit);
      const w = await timeRun("node", tsvisorArgs(cmdline, cpus), ["TSVISOR-INIT-OK"], 120000, cache.env);
      ts.warmInit.push(w.marks[0]);
      ts.warmExit.push(w.exit);
      if (process.env.BENCH_ONLY === "tsvisor") continue;
      const b = await timeRun("qemu-system-riscv64", qemuArgs(cmdline, cpus), ["TSVISOR-INIT-OK"], 120000);
      qemu.init.push(b.marks[0]);
      qemu.exit.push(b.exit);
    }
    rows.push({ name: `start -> /init, ${cpus} vCPU`, ts: ts.init, qemu: qemu.init });
    rows.push({ name: `start -> exit, ${cpus} vCPU`, ts: ts.exit, qemu: qemu.exit });
    rows.push({ name: `  second boot: -> /init`, ts: ts.warmInit, qemu: qemu.init });
    rows.push({ name: `  second boot: -> exit`, ts: ts.warmExit, qemu: qemu.exit });
  }
} finally {
  cache.remove();
}
report(`Boot, whole process (median of ${runs} runs; "second boot": with the JIT code cache of the first)`, rows);
