// "sifive,test0" test finisher, as QEMU virt exposes it and Linux's syscon-poweroff/reboot and
// OpenSBI drive it: one 32-bit write-only register at offset 0.

import type { MmioDevice, PlatformEvents } from "./types.js";

const FINISHER_FAIL = 0x3333;
const FINISHER_PASS = 0x5555;
const FINISHER_RESET = 0x7777;

export const SYSCON_DEFAULT_SIZE = 0x1000;

export class TestFinisher implements MmioDevice {
  readonly name: string;
  /** Writes that were not a recognised command (diagnostics). */
  ignoredWrites = 0;

  constructor(private readonly events: PlatformEvents, name = "syscon") {
    this.name = name;
  }

  read(_offset: number, _size: 1 | 2 | 4): number {
    return 0;
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (offset !== 0 || size !== 4) {
      this.ignoredWrites++;
      return;
    }
    const v = value >>> 0;
    const cmd = v & 0xffff;
    if (cmd === FINISHER_PASS && v === FINISHER_PASS) this.events.poweroff();
    else if (cmd === FINISHER_FAIL) this.events.fail(v >>> 16);
    else if (cmd === FINISHER_RESET && v === FINISHER_RESET) this.events.reboot();
    else this.ignoredWrites++;
  }
}
