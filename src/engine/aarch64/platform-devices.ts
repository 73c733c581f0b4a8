// The aarch64 machine's own devices on the VMM thread, wired from the machine description: the
// GICv3 distributor and redistributors (gic.ts), the PL011 console UART and the virtio-mmio
// slots, whose interrupts are SPIs. Poweroff and reboot are PSCI calls (vcpu-worker.ts).
import * as L from "./layout.js";
import type { Platform, PlatformHost } from "../engine.js";
import { MACHINE, spiIntid, virtioWindows } from "./machine.js";
import { Gic } from "./gic.js";
import { Pl011 } from "../../devices/pl011.js";
import { SharedGuestMemory } from "../../devices/guest-memory.js";

export function createPlatform(host: PlatformHost): Platform {
  const { buffer, bus } = host;
  const { gic: G, uart: U } = MACHINE;
  const gic = new Gic(buffer, host.vcpus);
  bus.register(G.dist.base, G.dist.size, gic.distributor);
  bus.register(G.redist.base, G.redist.size, gic.redistributors);
  const uart = new Pl011(gic.spiLine(spiIntid(U.spi)), host.console);
  bus.register(U.base, U.size, uart);
  const ramBytes = buffer.byteLength - L.GUEST_RAM_OFF;
  return {
    uart,
    guestMemory: new SharedGuestMemory(buffer, L.GUEST_RAM_OFF, MACHINE.ramBase, ramBytes),
    virtioSlots: virtioWindows(host.virtioSlots).map((w) => ({ base: w.base, size: w.size, irq: gic.spiLine(spiIntid(w.spi)) })),
    publish() {}, // no device state is shadowed for the vCPUs
  };
}
