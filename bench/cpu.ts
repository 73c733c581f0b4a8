// CPU-bound guest job: sha256sum of 64 MiB from /dev/zero inside the guest, timed on the host
// between the initramfs' TSVISOR-BENCH-START and TSVISOR-BENCH-END lines.
import { requireGuest, timeMarkers, qemuArgs, tsvisorArgs, report } from "./lib.js";

const runs = Number(process.env.RUNS ?? 1);
const cmdline = "console=ttyS0 tsvisor.bench=sha256";
const markers = ["TSVISOR-BENCH-START", "TSVISOR-BENCH-END"];
requireGuest();
const ts: number[] = [];
const qemu: number[] = [];
for (let i = 0; i < runs; i++) {
  const a = await timeMarkers("node", tsvisorArgs(cmdline, 1), markers, 600000);
  ts.push(a[1] - a[0]);
  const b = await timeMarkers("qemu-system-riscv64", qemuArgs(cmdline, 1), markers, 600000);
  qemu.push(b[1] - b[0]);
}
report(`CPU-bound: sha256sum of 64 MiB in the guest (median of ${runs})`, [{ name: "sha256sum 64 MiB", ts, qemu }]);
