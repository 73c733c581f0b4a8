// The aarch64 machine's own devices on the VMM thread, wired from the machine description: the
// PL011 console UART and the virtio-mmio slots. Poweroff and reboot are PSCI calls (vcpu-worker.ts).
// Not yet: the GICv3 — interrupt lines are recorded per INTID (SpiLevels) but reach no vCPU, so
// drivers must poll for now; the distributor and redistributor windows are not mapped.
import * as L from "./layout.js";
import type { Platform, PlatformHost } from "../engine.js";
import type { IrqLine } from "../../devices/types.js";
import { MACHINE, spiIntid, virtioWindows } from "./machine.js";
import { Pl011 } from "../../devices/pl011.js";
import { SharedGuestMemory } from "../../devices/guest-memory.js";

/** The level of each shared peripheral interrupt, for the GIC to come. */
class SpiLevels {
  private readonly level = new Uint8Array(32 + MACHINE.gic.spis);

  line(intid: number): IrqLine {
    return { set: (on: boolean) => { this.level[intid] = on ? 1 : 0; } };
  }
}

export function createPlatform(host: PlatformHost): Platform {
  const { buffer, bus } = host;
  const spis = new SpiLevels();
  const U = MACHINE.uart;
  const uart = new Pl011(spis.line(spiIntid(U.spi)), host.console);
  bus.register(U.base, U.size, uart);
  const ramBytes = buffer.byteLength - L.GUEST_RAM_OFF;
  return {
    uart,
    guestMemory: new SharedGuestMemory(buffer, L.GUEST_RAM_OFF, MACHINE.ramBase, ramBytes),
    virtioSlots: virtioWindows(host.virtioSlots).map((w) => ({ base: w.base, size: w.size, irq: spis.line(spiIntid(w.spi)) })),
    publish() {}, // no device state is shadowed for the vCPUs yet
  };
}
