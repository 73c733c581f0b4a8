// The riscv64 machine's own devices on the VMM thread, wired from the machine description: the
// PLIC (its S-mode contexts drive each hart's SEIP), the 16550 console UART, the SiFive test
// finisher (poweroff / reboot / exit status) and the goldfish RTC.
import * as L from "./layout.js";
import * as Z from "../zone-block.js";
import type { Platform, PlatformHost } from "../engine.js";
import { HartView, SIP_SEIP } from "./hart-view.js";
import { MACHINE, plicContextHart, virtioWindows } from "./machine.js";
import { CodePages } from "./code-pages.js";
import { Plic } from "../../devices/plic.js";
import { Uart16550 } from "../../devices/uart16550.js";
import { TestFinisher } from "../../devices/syscon.js";
import { GoldfishRtc } from "../../devices/goldfish-rtc.js";
import { SharedGuestMemory } from "../../devices/guest-memory.js";

export function createPlatform(host: PlatformHost): Platform {
  const { buffer, bus } = host;
  const words = new Int32Array(buffer);
  const harts = Array.from({ length: host.vcpus }, (_, i) => new HartView(buffer, i));
  const { plic: P, uart: U, syscon: S, rtc: R } = MACHINE;
  const plic = new Plic(P.sources, host.vcpus * P.contextsPerHart, (ctx, level) => {
    const hart = harts[plicContextHart(ctx)];
    if (!hart) return; // an M-mode context: nothing runs in M-mode
    if (level) hart.raiseIrq(SIP_SEIP);
    else hart.lowerIrq(SIP_SEIP);
  }, P.size);
  const uart = new Uart16550(plic.line(U.irq), host.console);
  const syscon = new TestFinisher({
    poweroff: () => host.endZone(Z.ZONE_POWEROFF, 0),
    fail: (code) => host.endZone(Z.ZONE_FAILURE, code),
    reboot: () => host.endZone(Z.ZONE_REBOOT, 0),
  });
  bus.register(P.base, P.size, plic);
  bus.register(U.base, U.size, uart);
  bus.register(S.base, S.size, syscon);
  bus.register(R.base, R.size, new GoldfishRtc(plic.line(R.irq)));

  const ramBytes = buffer.byteLength - L.GUEST_RAM_OFF;
  const codePages = new CodePages(buffer, ramBytes);
  const lsrShadow = (Z.ZONE_CTL_OFF + Z.ZC_UART_LSR) >> 2;
  return {
    uart,
    // Device DMA into RAM reports its writes, so compiled code from those pages is found stale.
    guestMemory: new SharedGuestMemory(buffer, L.GUEST_RAM_OFF, MACHINE.ramBase, ramBytes, (off, len) => codePages.written(off, len)),
    virtioSlots: virtioWindows(host.virtioSlots).map((w) => ({ base: w.base, size: w.size, irq: plic.line(w.irq) })),
    publish() {
      const lsr = uart.lineStatus;
      Atomics.store(words, lsrShadow, lsr === null ? 0 : lsr | Z.ZC_SHADOW_VALID);
    },
  };
}
