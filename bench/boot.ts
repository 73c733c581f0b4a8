// Boot-to-init time: the same kernel + initramfs in tsvisor and in qemu-system-riscv64 -M virt (TCG).
// Time runs from process start to the initramfs' "TSVISOR-INIT-OK" line. Median of N runs.
import { requireGuest, timeMarkers, qemuArgs, tsvisorArgs, median, report } from "./lib.js";

const runs = Number(process.env.RUNS ?? 3);
const cmdline = "console=ttyS0 tsvisor.test=smoke";
requireGuest();
const rows = [];
for (const cpus of [1, 2]) {
  const ts: number[] = [];
  const qemu: number[] = [];
  for (let i = 0; i < runs; i++) {
    ts.push((await timeMarkers("node", tsvisorArgs(cmdline, cpus), ["TSVISOR-INIT-OK"], 120000))[0]);
    qemu.push((await timeMarkers("qemu-system-riscv64", qemuArgs(cmdline, cpus), ["TSVISOR-INIT-OK"], 120000))[0]);
  }
  rows.push({ name: `boot to /init, ${cpus} vCPU`, ts: median(ts), qemu: median(qemu) });
}
report(`Boot-to-init (median of ${runs} runs)`, rows);
