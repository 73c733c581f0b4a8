// The zone's VMM thread: owns the device models, serves vCPU MMIO mailboxes, moves console
// input to the guest and console output to the zone's owner. Devices see memory + IRQ lines only.
import { parentPort, workerData } from "node:worker_threads";
import * as L from "../engine/riscv64/layout.js";
import { HartView, SIP_SEIP } from "../engine/riscv64/hart-view.js";
import * as P from "../engine/riscv64/platform.js";
import { MmioBus } from "../devices/bus.js";
import { Uart16550 } from "../devices/uart16550.js";
import { Plic } from "../devices/plic.js";
import { TestFinisher } from "../devices/syscon.js";
import { ZoneControl } from "./control.js";
import type { ZoneThreadMessage } from "./messages.js";
import { SharedGuestMemory } from "../devices/guest-memory.js";
import { VirtioDevices, type VirtioSetup } from "./virtio-devices.js";

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

const bus = new MmioBus();
const plic = new Plic(P.PLIC_NDEV, data.harts, (ctx, level) => {
  if (level) harts[ctx].raiseIrq(SIP_SEIP);
  else harts[ctx].lowerIrq(SIP_SEIP);
});
const uart = new Uart16550(plic.line(P.UART_IRQ), (bytes) => post({ type: "console", data: bytes }));
const syscon = new TestFinisher({
  poweroff: (code) => endZone(L.ZONE_POWEROFF, code),
  reboot: () => endZone(L.ZONE_REBOOT, 0),
});
bus.register(P.PLIC_BASE, P.PLIC_SIZE, plic);
bus.register(P.UART_BASE, P.UART_SIZE, uart);
bus.register(P.SYSCON_BASE, P.SYSCON_SIZE, syscon);
const guestMem = new SharedGuestMemory(buffer, L.GUEST_RAM_OFF, L.RAM_BASE, buffer.byteLength - L.GUEST_RAM_OFF);
const virtio = new VirtioDevices(data.virtio ?? [], bus, guestMem, (slot) => plic.line(P.VIRTIO_IRQ_BASE + slot),
  P.VIRTIO_BASE, data.virtioSlots ?? 0, {
    bell: words, bellIndex: ctl.doorbellIndex,
    log: (msg) => post({ type: "log", msg: `zone ${data.zoneName}: ${msg}` }),
    consoleOut: (bytes) => post({ type: "console", data: bytes }),
  });

function endZone(state: number, code: number): void {
  ctl.end(state, code);
  for (const h of harts) h.wake();
}

function serveMailbox(h: HartView): void {
  const st = h.word(L.H_MB_STATE);
  if (Atomics.load(words, st) !== 1) return;
  const size = words[h.word(L.H_MB_SIZE)] as 1 | 2 | 4 | 8;
  const addr = (words[h.word(L.H_MB_ADDR_HI)] >>> 0) * 2 ** 32 + (words[h.word(L.H_MB_ADDR_LO)] >>> 0);
  let ok: boolean;
  if (words[h.word(L.H_MB_OP)] === 1) {
    ok = bus.write(addr, size, words[h.word(L.H_MB_DATA_LO)] >>> 0, words[h.word(L.H_MB_DATA_HI)] >>> 0);
  } else {
    const r = bus.read(addr, size);
    ok = r.ok;
    words[h.word(L.H_MB_DATA_LO)] = r.lo;
    words[h.word(L.H_MB_DATA_HI)] = r.hi;
  }
  words[h.word(L.H_MB_RESULT)] = ok ? 0 : 1;
  Atomics.store(words, st, 2);
  Atomics.notify(words, st);
}

// Console input goes to the UART once its driver listens; until then it stays in the ring
// where SBI console reads (earlycon / hvc over SBI) can take it.
// With no UART listener, a running virtio console (hvc0) gets it instead.
function pumpInput(): void {
  if (ctl.pendingInput === 0) return;
  if (uart.rxInterruptEnabled) {
    if (uart.pendingInput <= 4096) uart.receive(ctl.takeInput(4096));
  } else if (virtio.console?.canReceive) virtio.console.receive(ctl.takeInput(4096));
}

try {
  while (ctl.running) {
    const bell = Atomics.load(words, ctl.doorbellIndex);
    for (const h of harts) serveMailbox(h);
    virtio.serveKicks(words, (L.ZONE_CTL_OFF + L.ZC_KICKS) >> 2);
    pumpInput();
    bus.pollAll();
    ctl.sleepUntilRung(bell, 20, VMM_SPIN);
  }
  uart.flush();
} catch (e) {
  if (ctl.end(L.ZONE_ERROR)) post({ type: "error", reason: `zone ${data.zoneName}: VMM failed: ${(e as Error).message}` });
  for (const h of harts) h.wake();
}
await virtio.close();
post({ type: "exited" });
