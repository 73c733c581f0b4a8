// The zone's VMM thread: owns the device models, serves vCPU MMIO mailboxes, moves console
// input to the guest. Console devices write into the zone's console ring (zone-control.ts), which the
// owner drains; a full ring holds them back. Devices see memory + IRQ lines (+ that sink) only.
import { parentPort, workerData } from "node:worker_threads";
import * as Z from "../engine/zone-block.js";
import type { Arch } from "../engine/arch.js";
import { engineFor } from "../engine/registry.js";
import { MmioBus } from "../devices/bus.js";
import { ZoneControl } from "../engine/zone-control.js";
import { MmioRing } from "../engine/mmio-ring.js";
import type { ZoneThreadMessage } from "../engine/thread-messages.js";
import { VirtioDevices, type VirtioSetup } from "./virtio-devices.js";
import { LogLimiter } from "../engine/log-limiter.js";

const VMM_SPIN = Number(process.env.TSVISOR_VMM_SPIN ?? 20000); // doorbell polls before sleeping

export interface VmmWorkerData {
  memory: WebAssembly.Memory;
  /** Whose machine's devices to create (Engine.createPlatform). */
  arch: Arch;
  vcpus: number;
  zoneName: string;
  /** virtio devices (host fds opened by the owner) and how many virtio-mmio slots to map. */
  virtio?: VirtioSetup[];
  virtioSlots?: number;
}

const data = workerData as VmmWorkerData;
const buffer = data.memory.buffer as unknown as SharedArrayBuffer;
const ctl = new ZoneControl(buffer);
const words = new Int32Array(buffer);
const engine = engineFor(data.arch);
const post = (m: ZoneThreadMessage) => parentPort?.postMessage(m);
// Device diagnostics are the guest's to provoke: rate-limited (see log-limiter.ts).
const limiter = new LogLimiter((msg) => post({ type: "log", msg: `zone ${data.zoneName}: ${msg}` }));

const bus = new MmioBus();
const mmioRing = new MmioRing(ctl, 0);
const platform = engine.createPlatform({
  buffer, vcpus: data.vcpus, virtioSlots: data.virtioSlots ?? 0, bus, console: ctl.consoleSink, endZone,
});
const uart = platform.uart;
const virtio = new VirtioDevices(data.virtio ?? [], bus, platform.guestMemory, platform.virtioSlots, {
  bell: words, bellIndex: ctl.doorbellIndex,
  log: (kind, msg) => limiter.log(kind, msg),
  console: ctl.consoleSink,
});

function wakeAll(): void {
  for (let i = 0; i < data.vcpus; i++) engine.wakeVcpu(words, i);
}

function endZone(state: number, code: number): void {
  ctl.end(state, code);
  wakeAll();
}


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

/** One of the vCPUs' MMIO requests, served in ring order (../engine/mmio-ring.ts). */
function serveRequest(vcpu: number, op: number, size: 1 | 2 | 4 | 8, addr: number, lo: number, hi: number): void {
  if (op === Z.MMIO_STORE) {
    bus.write(addr, size, lo, hi);
  } else if (vcpu >= 0 && vcpu < data.vcpus) {
    const r = bus.read(addr, size);
    const answer = engine.loadAnswerOffset(vcpu) >> 2; // { 0 ok / 1 fault, lo, hi }
    words[answer + 1] = r.lo;
    words[answer + 2] = r.hi;
    words[answer] = r.ok ? 0 : 1;
  }
  platform.publish(); // before the answer: a vCPU reading the shadow next must see this access's effect
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
    mmioRing.serve(serveRequest);
    pumpInput();
    bus.pollAll();
    platform.publish();
    noteUartDrops();
    limiter.tick();
    ctl.sleepUntilRung(bell, 20, VMM_SPIN);
  }
  mmioRing.serve(serveRequest); // stores posted just before the zone ended (a guest that prints, then powers off)
  uart.flush();
  if (uart.droppedOutput > 0) {
    post({ type: "log", msg: `zone ${data.zoneName}: UART: ${uart.droppedOutput} output bytes lost in all (written while its transmit FIFO was full)` });
  }
} catch (e) {
  if (ctl.end(Z.ZONE_ERROR)) post({ type: "error", reason: `zone ${data.zoneName}: VMM failed: ${(e as Error).message}` });
  wakeAll();
}
await virtio.close();
limiter.flush();
post({ type: "exited" });
