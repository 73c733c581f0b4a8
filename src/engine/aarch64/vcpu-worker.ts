// One aarch64 vCPU thread: runs its vCPU on the A64 core and serves its exits — MMIO through the
// VMM thread's request ring, PSCI over HVC, WFI as a sleep — and follows its power state (PSCI
// CPU_ON / CPU_OFF, vcpu-power.ts) until the zone ends. Nothing the guest does throws out of here:
// what stops the vCPU ends the zone with a reason.
import { parentPort, workerData } from "node:worker_threads";
import * as L from "./layout.js";
import * as Z from "../zone-block.js";
import { instantiateCore } from "./core-module.js";
import { ZoneControl } from "../zone-control.js";
import { MmioRing } from "../mmio-ring.js";
import { VcpuExit } from "../exit.js";
import { LogLimiter } from "../log-limiter.js";
import { MACHINE, mmioWindows, mpidrOf } from "./machine.js";
import { psciCall, type PsciHost } from "./psci.js";
import { VcpuPower } from "./vcpu-power.js";
import type { ZoneThreadMessage } from "../thread-messages.js";
import type { VcpuThreadData } from "../engine.js";
import type { Aarch64VcpuData } from "./engine.js";

const BUDGET = 1 << 20; // instructions per run() between checks of the zone state
const SPIN_BEFORE_SLEEP = 20000; // polls for an MMIO answer before a futex sleep
const FATAL: Record<number, string> = {
  [L.FATAL_FETCH]: "instruction fetch outside RAM",
  [L.FATAL_MMIO_FORM]: "a load/store pair or exclusive access to MMIO (not supported)",
  [L.FATAL_WEDGED]: "exceptions in a row without progress (no exception vectors, or a handler that faults)",
  [L.FATAL_UNSUPPORTED]: "the guest turned on what this engine lacks (SCTLR_EL1.M: the MMU), or returned to an illegal state",
};

const data = workerData as VcpuThreadData;
const { module } = data.engine as Aarch64VcpuData;
const buffer = data.memory.buffer as unknown as SharedArrayBuffer;
const ctl = new ZoneControl(buffer);
const words = new Int32Array(buffer);
const view = new DataView(buffer);
const base = L.CPU_REGION_OFF + data.vcpu * L.CPU_STRIDE;
const send = (m: ZoneThreadMessage) => parentPort?.postMessage(m);
const limiter = new LogLimiter((msg) => send({ type: "log", msg: `zone ${data.zoneName}: ${msg}` }));
const ring = new MmioRing(ctl, SPIN_BEFORE_SLEEP);
const windows = mmioWindows(data.virtioSlots);
const cpus = Array.from({ length: data.vcpus }, (_, i) => new VcpuPower(buffer, i));
const self = cpus[data.vcpu]!;
const ramEnd = BigInt(MACHINE.ramBase + data.ramSize);
const psciHost: PsciHost = { cpus, inRam: (a) => a >= BigInt(MACHINE.ramBase) && a + 4n <= ramEnd };

// Zone time: ms since the zone's origin, shared by all threads of the zone.
const origin = new Float64Array(buffer, Z.ZONE_CTL_OFF + Z.ZC_TIME_ORIGIN, 1)[0]!;
const delta = performance.timeOrigin - origin;
const core = instantiateCore(module, data.memory, () => performance.now() + delta, (m) => { throw new Error(m); });
core.init(base, L.GUEST_RAM_OFF, BigInt(0x4000_0000), BigInt(data.ramSize));

const u32 = (off: number) => view.getUint32(base + off, true);
const u64 = (off: number) => view.getBigUint64(base + off, true);
const hex = (v: bigint | number) => `0x${v.toString(16)}`;

/** Wake every vCPU thread, so each sees the zone's end. */
function wakeAll(): void {
  for (const c of cpus) c.wake();
}

function endZone(state: number, code: number): void {
  ring.waitServed(ring.head, 0); // console output posted before the end reaches the console
  ctl.end(state, code);
  wakeAll();
}

function fatal(reason: string): void {
  if (ctl.end(Z.ZONE_ERROR)) send({ type: "error", reason: `zone ${data.zoneName}: vCPU ${data.vcpu}: ${reason}` });
  wakeAll();
}

let undefSeen = 0;
/** The guest ran into an instruction this engine lacks (it got UNDEFINED): say which, rate-limited. */
function noteUndefined(): void {
  const n = u32(L.C_UNDEF_COUNT);
  if (n === undefSeen) return;
  undefSeen = n;
  limiter.log("undefined", `vCPU ${data.vcpu}: instruction ${hex(u32(L.C_UNDEF_INSN))} at pc ${hex(u64(L.C_UNDEF_PC))} ` +
    "raised UNDEFINED: the aarch64 engine does not implement it (or the architecture leaves it undefined)");
}

function mapped(addr: bigint, size: number): boolean {
  const a = Number(addr);
  return windows.some((w) => a >= w.base && a - w.base <= w.size - size);
}

/** Queue the exit's access as one request (8-byte ones: the bus splits them, low word first); its ring index. */
function request(op: number): number | undefined {
  const size = u32(L.C_EXIT_SIZE);
  const addr = u64(L.C_EXIT_ADDR);
  if (!mapped(addr, size)) {
    fatal(`${op === Z.MMIO_LOAD ? "load from" : "store to"} ${hex(addr)} (${size} bytes) at pc ${hex(u64(L.C_EXIT_PC))}: no device there`);
    return undefined;
  }
  return ring.post(data.vcpu, op, size, u32(L.C_EXIT_ADDR), u32(L.C_EXIT_ADDR + 4), u32(L.C_EXIT_DATA), u32(L.C_EXIT_DATA + 4));
}

function mmioLoad(): void {
  const i = request(Z.MMIO_LOAD);
  if (i === undefined) return;
  ring.waitServed((i + 1) | 0, 0);
  if (!ctl.running) return;
  const answer = (base + L.C_LD_ANSWER) >> 2;
  if (words[answer] !== 0) {
    fatal(`load from ${hex(u64(L.C_EXIT_ADDR))} at pc ${hex(u64(L.C_EXIT_PC))}: the device refused it`);
    return;
  }
  core.completeMmioLoad(BigInt(words[answer + 1]! >>> 0) | (BigInt(words[answer + 2]! >>> 0) << 32n));
}

function hypercall(): void {
  const a = psciCall(psciHost, [0, 1, 2, 3].map((i) => core.getX(i)));
  if (a.action === "poweroff") endZone(Z.ZONE_POWEROFF, 0);
  else if (a.action === "reboot") endZone(Z.ZONE_REBOOT, 0);
  else if (a.action === "cpu-off") {
    self.state = L.POWER_OFF;
    // Only a running vCPU can start another (CPU_ON): once all are off, the zone can never run
    // again. Of vCPUs going off at once, the last store is seen by its own check (Atomics).
    if (cpus.every((c) => c.state === L.POWER_OFF)) fatal("every vCPU is off (PSCI CPU_OFF) and none can be started again");
  } else view.setBigUint64(base + L.C_X, a.x0, true);
}

/**
 * WFI (or powered off): sleep until woken (a device or another vCPU made an interrupt pending:
 * gic.ts kicks the vCPU) or this vCPU's timer fires. The wake count is read before the last look
 * at pending interrupts, so a wake in between is not lost.
 */
function waitForInterrupt(): void {
  const seen = self.wakeCount;
  if (!ctl.running) return;
  if (self.state === L.POWER_ON && core.wfiPending()) return;
  const timer = self.state === L.POWER_ON ? core.msToTimer() : -1;
  self.sleep(seen, timer < 0 ? 50 : Math.min(50, timer));
}

/** CPU_ON was called for this vCPU: start it as booting.rst's secondary entry (x0 = context ID). */
function powerOn(): void {
  core.reset(BigInt(mpidrOf(data.vcpu)));
  view.setBigUint64(base + L.C_PC, self.startPc, true);
  view.setBigUint64(base + L.C_X, self.startCtx, true);
  self.state = L.POWER_ON;
}

function loop(): void {
  while (ctl.running) {
    const power = self.state;
    if (power !== L.POWER_ON) {
      if (power === L.POWER_ON_PENDING) powerOn();
      else waitForInterrupt(); // OFF, or CLAIMED: a CPU_ON is writing where to start
      continue;
    }
    const exit = core.run(BUDGET);
    noteUndefined();
    switch (exit) {
      case VcpuExit.Budget: break;
      case VcpuExit.MmioStore: request(Z.MMIO_STORE); break;
      case VcpuExit.MmioLoad: mmioLoad(); break;
      case VcpuExit.Hypercall: hypercall(); break;
      case VcpuExit.Halt: waitForInterrupt(); break;
      case VcpuExit.Fatal: {
        const insn = u32(L.C_EXIT_INSN);
        fatal(`${FATAL[u32(L.C_EXIT_REASON)] ?? `fatal exit ${u32(L.C_EXIT_REASON)}`} at pc ${hex(u64(L.C_EXIT_PC))}` +
          `${insn ? ` (instruction ${hex(insn)})` : ""}, address ${hex(u64(L.C_EXIT_ADDR))}`);
        return;
      }
      default:
        fatal(`unexpected exit ${exit} from the core at pc ${hex(u64(L.C_PC))}`);
        return;
    }
  }
}

// Host libc (koffi) only when pinning: loading it costs a thread ~10 ms of its start.
const pinned = data.hostCpu === undefined ? { tid: 0, error: undefined }
  : (await import("../../host/affinity.js")).pinVcpuThread(data.hostCpu, `v${data.vcpu}:${data.zoneName}`);
if (pinned.error !== undefined) {
  fatal(`cannot pin to host CPU ${data.hostCpu}: ${pinned.error}`);
} else {
  send({ type: "ready", vcpu: data.vcpu, tid: pinned.tid });
}
try {
  loop();
} catch (e) {
  fatal(`failed at pc ${hex(u64(L.C_PC))}: ${(e as Error).message}`);
}
limiter.flush();
send({ type: "exited" });
