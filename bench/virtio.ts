// virtio throughput: the demo guest reads and writes a virtio-blk disk and sends 64 MiB over TCP
// to the host through a TAP (in a network namespace made here), in tsvisor and in
// qemu-system-riscv64 -M virt (TCG) with the same kernel, initramfs and devices.
// Needs root (netns + TAP), qemu-system-misc and opensbi. Prints MB/s and tsvisor/QEMU ratios.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireGuest, KERNEL, INITRD, TSVISOR, median } from "./lib.js";
import { NetNs, sh } from "../tests/helpers/netns.js";

const RUNS = Number(process.env.RUNS ?? 1);
const READ_MB = 128;
const WRITE_MB = 64;
const TCP_MB = 64;
const HOST = "10.213.1.1";
const GUEST = "10.213.1.2";
const PORT = 5001;
const MAC = "02:00:00:00:01:02";

interface Figures { read: number; write: number; tcp: number }

// BENCH_PARTS=read,write,tcp (default all) picks what runs, e.g. to profile one of them.
const PARTS = new Set((process.env.BENCH_PARTS ?? "read,write,tcp").split(","));
const script = [
  `ip link set eth0 up; ip addr add ${GUEST}/24 dev eth0`,
  "t() { cut -d' ' -f1 /proc/uptime; }",
  `dd if=/dev/zero of=/tmp/d bs=1M count=${TCP_MB} 2>/dev/null`,
  PARTS.has("read") && `a=$(t); dd if=/dev/vda of=/dev/null bs=1M count=${READ_MB} 2>/dev/null; b=$(t); echo BENCH-READ $a $b`,
  PARTS.has("write") && `a=$(t); dd if=/dev/zero of=/dev/vda bs=1M count=${WRITE_MB} conv=fsync 2>/dev/null; b=$(t); echo BENCH-WRITE $a $b`,
  `ping -c 1 -W 10 ${HOST} >/dev/null; a=$(t); nc ${HOST} ${PORT} < /tmp/d; b=$(t); echo BENCH-TCP $a $b`,
  "exit",
].filter(Boolean).join("; ") + "\n";

/** Boot one VMM, drive the guest, and return its figures (MB/s from the guest's clock). */
async function runOnce(cmd: string, args: string[], tap: string, ns: NetNs): Promise<Figures> {
  const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  let moved = false;
  let typed = false;
  let sink: ReturnType<NetNs["tcpSink"]> | undefined;
  const timer = setTimeout(() => child.kill("SIGKILL"), 900_000);
  child.stderr.on("data", (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString("latin1");
    if (!moved && out.includes("TSVISOR-INIT-OK")) { // the VMM is attached to the TAP by now
      moved = true;
      ns.adopt(tap, `${HOST}/24`);
      sink = ns.tcpSink(HOST, PORT, 600_000);
    }
    if (moved && !typed && out.includes("tsvisor:~# ")) {
      typed = true;
      void sink!.listening.then(() => child.stdin.write(script));
    }
  });
  await exited;
  clearTimeout(timer);
  if (process.env.TSVISOR_STATS) process.stderr.write(err);
  const tcp = await sink?.result.catch((e: Error) => { throw new Error(`${cmd}: ${e.message}\n${out.slice(-2000)}`); });
  const secs = (name: string) => {
    if (!PARTS.has(name.slice(6).toLowerCase())) return NaN;
    const m = new RegExp(`${name} ([0-9.]+) ([0-9.]+)`).exec(out);
    if (!m) throw new Error(`${cmd}: no ${name} in the guest output:\n${out.slice(-2000)}\n${err.slice(-1000)}`);
    return Number(m[2]) - Number(m[1]);
  };
  if (tcp?.bytes !== TCP_MB << 20) throw new Error(`${cmd}: host received ${tcp?.bytes} bytes\n${out.slice(-2000)}\n${err.slice(-2000)}`);
  return { read: READ_MB / secs("BENCH-READ"), write: WRITE_MB / secs("BENCH-WRITE"), tcp: TCP_MB / secs("BENCH-TCP") };
}

function tsvisorArgs(dir: string, img: string, tap: string): string[] {
  const toml = join(dir, "zone.toml");
  writeFileSync(toml, `[zone]\nname = "bench"\ncpus = 1\nmemory = "512M"\n[boot]\nkernel = "${KERNEL}"\n` +
    `initrd = "${INITRD}"\ncmdline = "console=ttyS0"\n[[device]]\ntype = "blk"\npath = "${img}"\n` +
    `[[device]]\ntype = "net"\ntap = "${tap}"\nmac = "${MAC}"\n`);
  return [TSVISOR, "run", toml];
}

function qemuArgs(img: string, tap: string): string[] {
  return ["-M", "virt", "-m", "512M", "-smp", "1", "-nographic", "-bios", "default",
    "-kernel", KERNEL, "-initrd", INITRD, "-append", "console=ttyS0",
    "-global", "virtio-mmio.force-legacy=false",
    "-drive", `file=${img},format=raw,if=none,id=d0,cache=writeback`, "-device", "virtio-blk-device,drive=d0",
    "-netdev", `tap,id=n0,ifname=${tap},script=no,downscript=no`, "-device", `virtio-net-device,netdev=n0,mac=${MAC}`];
}

async function measure(which: "tsvisor" | "qemu", dir: string): Promise<Figures> {
  const tap = `tsvb${which[0]}${process.pid % 10000}`;
  const ns = new NetNs(`tsvbench${process.pid % 10000}`);
  const img = join(dir, "bench.img");
  writeFileSync(img, "");
  sh("truncate", ["-s", "256M", img]);
  sh("ip", ["tuntap", "add", "dev", tap, "mode", "tap"]); // persistent: both VMMs attach by name
  try {
    return which === "tsvisor"
      ? await runOnce("node", [...(process.env.TSVISOR_NODE_ARGS?.split(" ") ?? []), ...tsvisorArgs(dir, img, tap)], tap, ns)
      : await runOnce("qemu-system-riscv64", qemuArgs(img, tap), tap, ns);
  } finally {
    ns.delete();
    try { sh("ip", ["link", "del", tap]); } catch { /* went with the namespace */ }
  }
}

requireGuest();
const dir = mkdtempSync(join(tmpdir(), "tsvisor-bench-"));
try {
  const ts: Figures[] = [];
  const qemu: Figures[] = [];
  for (let i = 0; i < RUNS; i++) {
    ts.push(await measure("tsvisor", dir));
    if (process.env.BENCH_ONLY === "tsvisor") console.log(JSON.stringify(ts[ts.length - 1]));
    else qemu.push(await measure("qemu", dir));
  }
  if (qemu.length === 0) process.exit(0);
  const med = (xs: Figures[], k: keyof Figures) => median(xs.map((x) => x[k]));
  console.log(`\nvirtio throughput, 1 vCPU, median of ${RUNS} run(s) (MB/s, higher is better)`);
  console.log(`${"".padEnd(34)}${"tsvisor".padStart(10)}${"QEMU TCG".padStart(10)}${"ratio".padStart(9)}`);
  const rows: [string, keyof Figures][] = [[`virtio-blk sequential read ${READ_MB} MiB`, "read"],
    [`virtio-blk sequential write ${WRITE_MB} MiB`, "write"], [`virtio-net TCP guest->host ${TCP_MB} MiB`, "tcp"]];
  for (const [name, k] of rows) {
    const a = med(ts, k);
    const b = med(qemu, k);
    console.log(`${name.padEnd(34)}${a.toFixed(1).padStart(10)}${b.toFixed(1).padStart(10)}${(a / b).toFixed(2).padStart(8)}x`);
  }
  console.log("ratio = tsvisor / QEMU throughput (>= 1 means tsvisor is at least as fast)");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
