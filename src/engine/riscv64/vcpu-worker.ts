// One vCPU thread: runs its hart's core, serves its exits (SBI here; MMIO via the VMM thread's
// mailbox), sleeps in WFI, and follows HSM start/stop. Nothing the guest does throws out of here.
import { parentPort, workerData } from "node:worker_threads";
import * as L from "./layout.js";
import { instantiateCore } from "./core-module.js";
import { HartView, HSM_STARTED, HSM_STOPPED, HSM_START_CLAIMED, HSM_START_PENDING, HSM_SUSPENDED } from "./hart-view.js";
import { handleSbi, serviceOwnFlush, type SbiHost } from "./sbi.js";
import { FwftState } from "./sbi-fwft.js";
import { ZoneControl } from "../zone-control.js";
import { MmioRing } from "../mmio-ring.js";
import * as Z from "../zone-block.js";
import { VcpuExit } from "../exit.js";
import { BlockJit, MAX_BLOCKS } from "./jit/block-jit.js";
import { cacheFile, jitCacheEnabled } from "./jit/code-cache.js";
import { JIT_MODE_THRESHOLD, jitModeFromEnv, jitTableLimitFromEnv } from "./jit/jit-mode.js";
import type { ZoneThreadMessage } from "../thread-messages.js";
import { PcProfiler } from "./pc-profiler.js";
import { LogLimiter } from "../log-limiter.js";
import { CodePages } from "./code-pages.js";
import { mModeInstruction, mModeMessage } from "./mmode-hint.js";
import { MACHINE, mmioWindows } from "./machine.js";
import type { VcpuThreadData } from "../engine.js";
import type { RiscvVcpuData } from "./engine.js";

// Instructions per run() call between checks of the zone state (small when sampling the pc).
const BUDGET = process.env.TSVISOR_PROFILE ? 997 : 1 << 20;
const JIT_WAIT_BUDGET = Math.min(BUDGET, 1 << 15);
const TICKS_PER_MS = MACHINE.timebaseHz / 1000; // stimecmp is in timebase ticks
const SPIN_BEFORE_SLEEP = 20000; // ~10-20 µs of polling for an MMIO answer
const CONSOLE_WAIT_MS = 2; // longest an SBI console call waits for room in the console ring
const CONSOLE_WAIT_SLICE_MS = 0.25; // remote fences and the zone state are checked this often meanwhile
const CAUSES: Record<number, string> = {
  0: "instruction address misaligned", 1: "instruction access fault", 2: "illegal instruction", 3: "breakpoint",
  4: "load address misaligned", 5: "load access fault", 6: "store/AMO address misaligned", 7: "store/AMO access fault",
  8: "ecall from U-mode", 12: "instruction page fault", 13: "load page fault", 15: "store/AMO page fault",
};

const data = workerData as VcpuThreadData;
const { module } = data.engine as RiscvVcpuData;
const hartId = data.vcpu;
const buffer = data.memory.buffer as unknown as SharedArrayBuffer;
const ctl = new ZoneControl(buffer);
const words = new Int32Array(buffer);
const bytes = new Uint8Array(buffer);
const harts = Array.from({ length: data.vcpus }, (_, i) => new HartView(buffer, i));
const self = harts[hartId];
const profiler = process.env.TSVISOR_PROFILE ? new PcProfiler(self) : undefined;
const send = (m: ZoneThreadMessage) => parentPort?.postMessage(m);
// Diagnostics the guest can provoke at will go through this (see log-limiter.ts).
const limiter = new LogLimiter((msg) => send({ type: "log", msg: `zone ${data.zoneName}: ${msg}` }));
// A spin-waiting vCPU (VcpuExit.Spin) yields its host CPU: the vCPU it waits for may need it. Only
// with several vCPUs (libc through koffi costs a thread ~10 ms to load: not for one vCPU).
const spinYield = data.vcpus > 1 ? (await import("../../host/sched.js")).schedYield : () => undefined;
const SPIN_YIELD_AFTER_MS = 0.05; // 2-vCPU boot: 0.91-0.97 s; never yielding 0.93-1.15 s
let spinSince = 0;
let spinLast = 0;
let spinExits = 0; // statistics (TSVISOR_STATS)
let spinYields = 0;
/** A spin exit: yield once the guest has been spinning a while (a lock released in microseconds is waited for). */
function spinWait(): void {
  spinExits++;
  const t = performance.now();
  if (t - spinLast > SPIN_YIELD_AFTER_MS) spinSince = t; // a new spin
  spinLast = t;
  if (t - spinSince < SPIN_YIELD_AFTER_MS) return;
  spinYield();
  spinYields++;
  spinSince = performance.now();
}
// Host libc (koffi) only when pinning: loading it costs a thread ~10 ms of its start.
const pinned = data.hostCpu === undefined ? { tid: 0 }
  : (await import("../../host/affinity.js")).pinVcpuThread(data.hostCpu, `v${hartId}:${data.zoneName}`);

// Zone time: ms since the zone's origin, shared by all threads of the zone.
const origin = new Float64Array(buffer, Z.ZONE_CTL_OFF + Z.ZC_TIME_ORIGIN, 1)[0];
const delta = performance.timeOrigin - origin;
const now = () => performance.now() + delta;

/** The code cache is for the default engine mode: "eager" and "off" exist to test the engine without it. */
function codeCachePath(): string | undefined {
  if (jitModeFromEnv() !== "on" || !jitCacheEnabled()) return undefined;
  return cacheFile(data.guestId, hartId);
}

const table = new WebAssembly.Table({ initial: 1, element: "anyfunc" });
const core = instantiateCore(module, data.memory, now, (msg) => {
  throw new Error(msg);
}, table);
const jit = new BlockJit(buffer, data.memory, table, self.base, data.ramSize,
  (host, set, func) => core.setJitBlock(host, set, func), { csr: core.jitCsr }, data.hostCpu,
  (msg) => limiter.log("jit", `vCPU ${hartId}: ${msg}`),
  process.env.TSVISOR_JIT_SYNC === "1", // tests: compile in step with execution, not in the background
  jitTableLimitFromEnv(MAX_BLOCKS), codeCachePath());
core.init(self.base, L.GUEST_RAM_OFF, BigInt(data.ramSize));
if (profiler) core.setProfiling(1);
if (process.env.TSVISOR_STATS) core.setCounting(1);
core.setJitThreshold(JIT_MODE_THRESHOLD[jitModeFromEnv()]); // the zone process checked it at start

const codePages = new CodePages(buffer, data.ramSize);
const ramBase = BigInt(L.RAM_BASE);
const ramEnd = ramBase + BigInt(data.ramSize);
const fwft = new FwftState();
const sbiHost: SbiHost = {
  self,
  harts,
  fwft,
  inRam: (pa, len) => pa >= ramBase && len >= 0n && len <= ramEnd - pa,
  guestBytes(pa, len) {
    if (!sbiHost.inRam(pa, BigInt(len))) return null;
    const off = pa - ramBase;
    codePages.written(Number(off), len); // the caller may write (DBCN read)
    return bytes.subarray(L.GUEST_RAM_OFF + Number(off), L.GUEST_RAM_OFF + Number(off) + len);
  },
  consoleWrite: (d) => {
    uartDrained(); // bytes the guest wrote to the UART before this call go out first
    return ctl.writeConsole(d);
  },
  consoleWait() {
    const until = performance.now() + CONSOLE_WAIT_MS;
    while (ctl.running && ctl.consoleRoom() === 0) {
      serviceOwnFlush(sbiHost); // a hart waiting here must not stall another's remote fence
      const left = until - performance.now();
      if (left <= 0) return;
      ctl.waitConsoleRoom(Math.min(left, CONSOLE_WAIT_SLICE_MS));
    }
  },
  consoleRead: (max) => ctl.takeInput(max),
  flushLocalTlb: () => core.flushTlb(),
  flushLocalCode: () => jit.flush(),
  systemReset(kind, code) {
    uartDrained(); // what the guest wrote before powering off reaches the console
    // `code` is the SRST reason of a shutdown: any but "no reason" (0) reports a failure.
    if (kind === "reboot") ctl.end(Z.ZONE_REBOOT, 0);
    else if (code === 0) ctl.end(Z.ZONE_POWEROFF, 0);
    else ctl.end(Z.ZONE_FAILURE, Z.EXIT_CODE_FIRMWARE_FAILURE);
    wakeAll();
  },
  log: (kind, msg) => limiter.log(kind, msg),
};

function wakeAll(): void {
  for (const h of harts) h.wake();
}

const u32 = (off: number) => words[(self.base + off) >> 2] >>> 0;
const u64n = (off: number) => u32(off + 4) * 2 ** 32 + u32(off);
const hex = (v: bigint) => `0x${v.toString(16)}`;

function fatal(reason: string): void {
  if (ctl.end(Z.ZONE_ERROR)) send({ type: "error", reason });
  wakeAll();
}

/** Sleep until an interrupt is pending for this hart (enabled or not), the timer fires, or a wake. */
function waitForInterrupt(): void {
  const wakeIdx = self.word(L.H_WAKE);
  const seen = Atomics.load(words, wakeIdx);
  if ((Atomics.load(words, self.word(L.H_IP)) & u32(L.H_SIE)) !== 0) return;
  if (Atomics.load(words, self.word(L.H_FLUSH)) !== Atomics.load(words, self.word(L.H_FLUSH_ACK))) return;
  let ms = 50; // upper bound so the zone state is re-checked
  const cmp = u64n(L.H_STIMECMP);
  if ((u32(L.H_SIE) & (1 << 5)) !== 0 && cmp < 2 ** 63) {
    const until = (cmp - now() * TICKS_PER_MS) / TICKS_PER_MS;
    if (until <= 0) {
      // Deadline passed: raise STIP as the core would, so waiters that test H_IP see it.
      Atomics.or(words, self.word(L.H_IP), 1 << 5);
      return;
    }
    ms = Math.min(ms, until);
  }
  // An I/O completion often follows within microseconds: poll briefly before a futex sleep.
  const ipIdx = self.word(L.H_IP);
  const sie = u32(L.H_SIE);
  for (let i = 0; i < SPIN_BEFORE_SLEEP; i++) {
    if (Atomics.load(words, wakeIdx) !== seen || (Atomics.load(words, ipIdx) & sie) !== 0) return;
  }
  Atomics.wait(words, wakeIdx, seen, ms);
}

// MMIO goes to the VMM thread through the zone's request ring (../mmio-ring.ts), served
// in order. Stores are posted: the vCPU goes on (the windows are known here, so a store to an
// unmapped address still faults precisely). A load waits for its answer, which comes after every
// earlier request. UART LSR polls (console output) read the VMM's shadow instead.
const windows = mmioWindows(data.virtioSlots);
const ring = new MmioRing(ctl, SPIN_BEFORE_SLEEP);
const lsrShadow = (Z.ZONE_CTL_OFF + Z.ZC_UART_LSR) >> 2;
const LSR_DR = 0x01, LSR_THRE = 0x20;
const SEIP = 1 << 9;

function mapped(addr: number, size: number): boolean {
  return windows.some((w) => addr >= w.base && addr - w.base <= w.size - size);
}

/**
 * Wait (bounded) until the MMIO stores every hart posted so far are served and the UART's
 * transmit FIFO has gone to the console ring: console output keeps the guest's order across the
 * UART and the SBI console, and survives an immediate poweroff.
 */
function uartDrained(): void {
  ring.waitServed(ring.head, 0);
  const until = performance.now() + CONSOLE_WAIT_MS;
  for (;;) {
    const lsr = Atomics.load(words, lsrShadow);
    if ((lsr & Z.ZC_SHADOW_VALID) === 0 || (lsr & 0x40) !== 0 || !ctl.running || performance.now() > until) return;
    serviceOwnFlush(sbiHost);
    ctl.waitConsoleRoom(CONSOLE_WAIT_SLICE_MS);
  }
}

/** Queue this hart's exit as one request; returns its ring index. */
function request(op: number, size: number): number {
  return ring.post(hartId, op, size, u32(L.H_EXIT_ADDR), u32(L.H_EXIT_ADDR + 4), u32(L.H_EXIT_DATA), u32(L.H_EXIT_DATA + 4));
}

/** A guest MMIO store. Returns false on access fault. */
function mmioStore(): boolean {
  const size = u32(L.H_EXIT_SIZE);
  const addr = u64n(L.H_EXIT_ADDR);
  if (!mapped(addr, size)) return false;
  const i = request(Z.MMIO_STORE, size);
  // UART control registers (IER, FCR, LCR, MCR) take effect before the guest goes on, as on
  // real hardware: a THRE interrupt enabled through IER must be pending at once, or a shell
  // that echoes and exits (the tty is hung up, unsent output dropped) loses its last line.
  // Data bytes (THR) stay posted: the driver reads IIR next, which waits for them anyway.
  if (addr > MACHINE.uart.base && addr < MACHINE.uart.base + 8) ring.waitServed((i + 1) | 0, 0);
  return true;
}

/** A guest MMIO load: returns false on access fault. */
function mmioLoad(): boolean {
  const size = u32(L.H_EXIT_SIZE);
  if (size === 1 && u64n(L.H_EXIT_ADDR) === MACHINE.uart.base + 5) {
    // Exact once the ring is drained. With stores still queued, only where they cannot change
    // it: no received byte waiting (a queued FIFO reset could take it away), and the transmitter
    // either busy (a stale "busy" only makes the driver poll again) or sure to stay empty: the
    // console ring has room for every queued store, so queued THR bytes go straight through.
    // An external interrupt may be the UART's for a byte the shadow does not show yet (the VMM
    // raises it as the byte arrives and publishes the shadow after): "no data" is asked exactly.
    const lsr = Atomics.load(words, lsrShadow);
    const queued = ring.queued;
    const txStays = (lsr & LSR_THRE) === 0 || ctl.consoleRoom() > queued;
    const noDataSure = (Atomics.load(words, self.word(L.H_IP)) & SEIP) === 0;
    if ((lsr & Z.ZC_SHADOW_VALID) !== 0 && ((lsr & LSR_DR) !== 0 || noDataSure) &&
      (queued === 0 || ((lsr & LSR_DR) === 0 && txStays))) {
      words[(self.base + L.H_EXIT_DATA) >> 2] = lsr & 0xff;
      words[(self.base + L.H_EXIT_DATA + 4) >> 2] = 0;
      return true;
    }
  }
  ring.waitServed((request(Z.MMIO_LOAD, size) + 1) | 0, 0);
  if (!ctl.running) return true; // the zone is ending; the result no longer matters
  if (words[self.word(L.H_LD_RESULT)] !== 0) return false;
  words[(self.base + L.H_EXIT_DATA) >> 2] = words[self.word(L.H_LD_DATA_LO)];
  words[(self.base + L.H_EXIT_DATA + 4) >> 2] = words[self.word(L.H_LD_DATA_HI)];
  return true;
}

/** Bring this hart up at `pc` with a0 = hartid, a1 = arg (SBI HSM start / boot). */
function startAt(pc: bigint, arg: bigint): void {
  core.resetHart();
  self.pc = pc;
  self.setX(10, BigInt(hartId));
  self.setX(11, arg);
  self.hsmState = HSM_STARTED;
}

function loop(): void {
  while (ctl.running) {
    const hsm = self.hsmState;
    if (hsm === HSM_STOPPED || hsm === HSM_START_CLAIMED) {
      // A claimed start is finished (START_PENDING) by the starter at once, with a wake.
      const seen = Atomics.load(words, self.word(L.H_WAKE));
      if (self.hsmState === hsm) Atomics.wait(words, self.word(L.H_WAKE), seen, 100);
      continue;
    }
    if (hsm === HSM_START_PENDING) {
      fwft.reset(); // a hart start is a hart reset (a non-retentive resume is not)
      startAt(self.load64(L.H_START_ADDR), self.load64(L.H_START_ARG));
      continue;
    }
    jit.poll();
    const t0 = profiler ? performance.now() : 0;
    // While code is being compiled, come back sooner to bind it.
    const exit = core.run(jit.busy ? JIT_WAIT_BUDGET : BUDGET);
    switch (exit) {
      case VcpuExit.Budget:
        profiler?.sample(self.pc, performance.now() - t0);
        limiter.tick();
        break;
      case VcpuExit.MmioLoad:
        if (mmioLoad()) core.completeMmioLoad();
        else core.mmioFault(0);
        break;
      case VcpuExit.MmioStore:
        if (!mmioStore()) core.mmioFault(1);
        break;
      case VcpuExit.Spin:
        spinWait();
        break;
      case VcpuExit.Halt:
        waitForInterrupt();
        limiter.tick();
        break;
      case VcpuExit.JitFlush:
        jit.flush();
        break;
      case VcpuExit.JitCompile: {
        jit.request(u32(L.H_EXIT_ADDR), words[self.word(L.H_JIT_SET)]);
        break;
      }
      case VcpuExit.Hypercall: {
        const action = handleSbi(sbiHost);
        if (action === "stop") {
          self.hsmState = HSM_STOPPED;
          // Only a running hart can start a stopped one (hart_start): once all are stopped the
          // zone can never run again. Of harts stopping at once, the last store is seen by its
          // own check (the HSM words are sequentially consistent), so one of them ends the zone.
          if (harts.every((h) => h.hsmState === HSM_STOPPED)) {
            fatal(`zone ${data.zoneName}: every hart has stopped (SBI HSM hart_stop) and none can be started again`);
          }
        } else if (action === "suspend" || action === "suspend-nonretentive") {
          self.hsmState = HSM_SUSPENDED;
          // A remote fence to a suspended hart is served here, without resuming it (SBI HSM:
          // suspend keeps the hart's state, the caller must not wait for a resume). Unserved,
          // the request would end every wait at once: a busy spin, and a caller stuck for seconds.
          while (ctl.running && (Atomics.load(words, self.word(L.H_IP)) & u32(L.H_SIE)) === 0) {
            serviceOwnFlush(sbiHost);
            waitForInterrupt();
          }
          if (action === "suspend") self.hsmState = HSM_STARTED;
          else startAt(self.load64(L.H_START_ADDR), self.load64(L.H_START_ARG));
        }
        break;
      }
      case VcpuExit.Fatal: {
        const cause = u32(L.H_EXIT_CAUSE);
        const pc = self.load64(L.H_EXIT_PC);
        const tval = self.load64(L.H_EXIT_ADDR);
        const what = CAUSES[cause] ?? `exception ${cause}`;
        const mInsn = cause === 2 ? mModeInstruction(Number(tval & 0xffffffffn)) : undefined;
        if (mInsn) {
          fatal(mModeMessage(data.zoneName, hartId, pc, mInsn));
          break;
        }
        fatal(`zone ${data.zoneName}: guest wedged on hart ${hartId}: ${what} at pc ${hex(pc)} ` +
          `(tval ${hex(tval)}) and its trap handler (stvec ${hex(self.load64(L.H_STVEC))}) cannot handle it`);
        break;
      }
      default:
        fatal(`zone ${data.zoneName}: internal error: unknown exit ${exit} on hart ${hartId}`);
    }
  }
}

if (pinned.error !== undefined) {
  fatal(`zone ${data.zoneName}: vCPU ${hartId}: cannot pin to host CPU ${data.hostCpu}: ${pinned.error}`);
} else {
  send({ type: "ready", vcpu: hartId, tid: pinned.tid });
}
try {
  loop();
} catch (e) {
  fatal(`zone ${data.zoneName}: vCPU ${hartId} failed at pc ${hex(self.pc)}: ${(e as Error).message}`);
}
limiter.flush();
if (process.env.TSVISOR_STATS) {
  const total = self.load64(L.H_INSTRET);
  const inJit = self.load64(L.H_STAT_JIT_INSNS);
  send({ type: "log", msg: `zone ${data.zoneName}: vCPU ${hartId}: ${total} instructions, ` +
    `${total ? (Number(inJit) * 100 / Number(total)).toFixed(1) : 0}% in compiled blocks; ` +
    `${self.load64(L.H_STAT_BLOCKS)} block calls, ${self.load64(L.H_STAT_BAILS)} bails, ${self.load64(L.H_STAT_EVICTS)} compiled evicted; ` +
    `${spinExits} spin exits, ${spinYields} yields; ${jit.stats()}` });
}
if (profiler) profiler.save(`${process.env.TSVISOR_PROFILE}.${data.zoneName}.hart${hartId}.json`);
await jit.close();
send({ type: "exited" });
