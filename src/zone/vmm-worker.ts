// The zone's VMM thread: owns the device models, serves vCPU MMIO mailboxes, moves console
// input to the guest. Console devices write into the zone's console ring (zone-control.ts), which the
// owner drains; a full ring holds them back. Devices see memory + IRQ lines (+ that sink) only.
import { parentPort, workerData } from "node:worker_threads";
import * as L from "../engine/riscv64/layout.js";
import * as Z from "../engine/zone-block.js";
import { HartView, SIP_SEIP } from "../engine/riscv64/hart-view.js";
import * as P from "../engine/riscv64/platform.js";
import { MmioBus } from "../devices/bus.js";
import { Uart16550 } from "../devices/uart16550.js";
import { Plic } from "../devices/plic.js";
import { TestFinisher } from "../devices/syscon.js";
import { GoldfishRtc } from "../devices/goldfish-rtc.js";
import { ZoneControl } from "../engine/zone-control.js";
import type { ZoneThreadMessage } from "../engine/thread-messages.js";
import { SharedGuestMemory } from "../devices/guest-memory.js";
import { CodePages } from "../engine/riscv64/code-pages.js";
import { VirtioDevices, type VirtioSetup } from "./virtio-devices.js";
import { LogLimiter } from "../engine/log-limiter.js";

const VMM_SPIN = Number(process.env.TSVISOR_VMM_SPIN ?? 20000); // doorbell polls before sleeping

export interface VmmWorkerData {
  memory: WebAssembly.Memory;
  harts: number;
  zoneName: string;
  /** virtio devices (host fds opened by the owner) and how many virtio-mmio slots to map. */
  virtio?: VirtioSetup[];
  virtioSlots?: number;
}

const data = workerData as VmmWorkerData;
const buffer = data.memory.buffer as unknown as SharedArrayBuffer;
const ctl = new ZoneControl(buffer);
const words = new Int32Array(buffer);
const harts = Array.from({ length: data.harts }, (_, i) => new HartView(buffer, i));
const post = (m: ZoneThreadMessage) => parentPort?.postMessage(m);
// Device diagnostics are the guest's to provoke: rate-limited (see log-limiter.ts).
const limiter = new LogLimiter((msg) => post({ type: "log", msg: `zone ${data.zoneName}: ${msg}` }));

const bus = new MmioBus();
const plic = new Plic(P.PLIC_NDEV, data.harts * P.PLIC_CONTEXTS_PER_HART, (ctx, level) => {
  const hart = harts[P.plicContextHart(ctx)];
  if (!hart) return; // an M-mode context: nothing runs in M-mode
  if (level) hart.raiseIrq(SIP_SEIP);
  else hart.lowerIrq(SIP_SEIP);
});
const uart = new Uart16550(plic.line(P.UART_IRQ), ctl.consoleSink);
const syscon = new TestFinisher({
  poweroff: () => endZone(Z.ZONE_POWEROFF, 0),
  fail: (code) => endZone(Z.ZONE_FAILURE, code),
  reboot: () => endZone(Z.ZONE_REBOOT, 0),
});
bus.register(P.PLIC_BASE, P.PLIC_SIZE, plic);
bus.register(P.UART_BASE, P.UART_SIZE, uart);
bus.register(P.SYSCON_BASE, P.SYSCON_SIZE, syscon);
bus.register(P.RTC_BASE, P.RTC_SIZE, new GoldfishRtc(plic.line(P.RTC_IRQ)));
const ramBytes = buffer.byteLength - L.GUEST_RAM_OFF;
const codePages = new CodePages(buffer, ramBytes);
const guestMem = new SharedGuestMemory(buffer, L.GUEST_RAM_OFF, L.RAM_BASE, ramBytes, (off, len) => codePages.written(off, len));
const virtio = new VirtioDevices(data.virtio ?? [], bus, guestMem, (slot) => plic.line(P.VIRTIO_IRQ_BASE + slot),
  P.VIRTIO_BASE, data.virtioSlots ?? 0, {
    bell: words, bellIndex: ctl.doorbellIndex,
    log: (kind, msg) => limiter.log(kind, msg),
    console: ctl.consoleSink,
  });

function endZone(state: number, code: number): void {
  ctl.end(state, code);
  for (const h of harts) h.wake();
}

const lsrShadow = (Z.ZONE_CTL_OFF + Z.ZC_UART_LSR) >> 2;
function publishShadows(): void {
  const lsr = uart.lineStatus;
  Atomics.store(words, lsrShadow, lsr === null ? 0 : lsr | Z.ZC_SHADOW_VALID);
}

const mmioHead = (Z.ZONE_CTL_OFF + Z.ZC_MMIO_HEAD) >> 2;
const mmioTail = (Z.ZONE_CTL_OFF + Z.ZC_MMIO_TAIL) >> 2;

// Output bytes the UART lost (written to a full transmit FIFO): said as it happens (rate-limited)
// and in total when the zone ends.
let uartDropped = 0;
function noteUartDrops(): void {
  if (uart.droppedOutput === uartDropped) return;
  uartDropped = uart.droppedOutput;
  limiter.log("uart overrun", uartOverrun);
}
function uartOverrun(): string {
  return `UART: ${uartDropped} output bytes lost so far (written while its transmit FIFO was full)`;
}

/** Serve the harts' MMIO requests in ring order (see layout.ts ZC_MMIO_RING). */
function serveRequests(): void {
  let tail = Atomics.load(words, mmioTail);
  if (tail === Atomics.load(words, mmioHead)) return;
  for (;;) {
    const e = (Z.ZONE_CTL_OFF + Z.ZC_MMIO_RING + (tail & (Z.MMIO_RING_ENTRIES - 1)) * Z.MMIO_ENTRY_BYTES) >> 2;
    if (Atomics.load(words, e) !== ((tail + 1) | 0)) break; // reserved but not filled in yet
    const hart = harts[words[e + 1]];
    const size = words[e + 3] as 1 | 2 | 4 | 8;
    const addr = (words[e + 5] >>> 0) * 2 ** 32 + (words[e + 4] >>> 0);
    if (words[e + 2] === Z.MMIO_STORE) {
      bus.write(addr, size, words[e + 6] >>> 0, words[e + 7] >>> 0);
    } else if (hart !== undefined) {
      const r = bus.read(addr, size);
      words[hart.word(L.H_LD_DATA_LO)] = r.lo;
      words[hart.word(L.H_LD_DATA_HI)] = r.hi;
      words[hart.word(L.H_LD_RESULT)] = r.ok ? 0 : 1;
    }
    publishShadows(); // before the answer: a vCPU reading the shadow next must see this access's effect
    tail = (tail + 1) | 0;
    Atomics.store(words, mmioTail, tail);
  }
  Atomics.notify(words, mmioTail);
}

// Console input goes to the UART once its driver listens (RX interrupt enabled); else to a
// running virtio console (hvc0); else to the UART if a driver has set it up (and polls it); until
// then it stays in the ring where SBI console reads (earlycon / hvc over SBI) can take it.
function pumpInput(): void {
  if (ctl.pendingInput === 0) return;
  const toUart = () => {
    if (uart.pendingInput <= 4096) uart.receive(ctl.takeInput(4096));
  };
  if (uart.rxInterruptEnabled) toUart();
  else if (virtio.console?.canReceive) virtio.console.receive(ctl.takeInput(4096));
  // A driver that set the UART up but keeps its interrupt off (boot loaders, RTOS shells) polls LSR/RBR.
  else if (uart.inUse) toUart();
}

try {
  while (ctl.running) {
    const bell = Atomics.load(words, ctl.doorbellIndex);
    serveRequests();
    pumpInput();
    bus.pollAll();
    publishShadows();
    noteUartDrops();
    limiter.tick();
    ctl.sleepUntilRung(bell, 20, VMM_SPIN);
  }
  serveRequests(); // stores posted just before the zone ended (a guest that prints, then powers off)
  uart.flush();
  if (uart.droppedOutput > 0) {
    post({ type: "log", msg: `zone ${data.zoneName}: UART: ${uart.droppedOutput} output bytes lost in all (written while its transmit FIFO was full)` });
  }
} catch (e) {
  if (ctl.end(Z.ZONE_ERROR)) post({ type: "error", reason: `zone ${data.zoneName}: VMM failed: ${(e as Error).message}` });
  for (const h of harts) h.wake();
}
await virtio.close();
limiter.flush();
post({ type: "exited" });
