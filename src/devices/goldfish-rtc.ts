// The Goldfish real-time clock ("google,goldfish-rtc"), as QEMU's riscv virt machine maps it:
// a 64-bit count of nanoseconds since the Unix epoch, read in two 32-bit halves, and one alarm
// that raises an interrupt. The guest's clock starts at the host's time; a guest that sets it
// (hwclock -w) moves only its own offset, never the host's clock.
//
// Registers (32-bit, little-endian; other sizes and offsets read 0 and ignore writes):
//   0x00 TIME_LOW        read: low half of now, and latches the high half for TIME_HIGH
//                        write: sets the time to (the TIME_HIGH written last << 32) | value
//   0x04 TIME_HIGH       read: the half latched by the last TIME_LOW read; write: kept for TIME_LOW
//   0x08 ALARM_LOW       write: the alarm's low half, and arms the alarm; read: the alarm's low half
//   0x0c ALARM_HIGH      write/read: the alarm's high half (written before ALARM_LOW)
//   0x10 IRQ_ENABLED     bit 0: the interrupt line follows the pending alarm interrupt
//   0x14 CLEAR_ALARM     write: disarms the alarm
//   0x18 ALARM_STATUS    read: 1 while the alarm is armed
//   0x1c CLEAR_INTERRUPT write: clears the pending alarm interrupt
import type { IrqLine, MmioDevice } from "./types.js";

export const RTC_TIME_LOW = 0x00;
export const RTC_TIME_HIGH = 0x04;
export const RTC_ALARM_LOW = 0x08;
export const RTC_ALARM_HIGH = 0x0c;
export const RTC_IRQ_ENABLED = 0x10;
export const RTC_CLEAR_ALARM = 0x14;
export const RTC_ALARM_STATUS = 0x18;
export const RTC_CLEAR_INTERRUPT = 0x1c;

const U32 = 0xffffffffn;
const NS_PER_MS = 1_000_000n;

/** The host's wall clock in ns since the epoch (ms resolution is plenty for a guest's RTC). */
export const hostClockNs = (): bigint => BigInt(Date.now()) * NS_PER_MS;

export class GoldfishRtc implements MmioDevice {
  readonly name = "goldfish-rtc";
  /** Guest time minus host time, ns: 0 until the guest sets its clock. */
  private offset = 0n;
  private timeHighLatch = 0;
  private timeHighWritten = 0;
  private alarm = 0n;
  private alarmArmed = false;
  private irqPending = false;
  private irqEnabled = false;

  constructor(private readonly irq: IrqLine, private readonly hostNs: () => bigint = hostClockNs) {}

  private now(): bigint {
    return BigInt.asUintN(64, this.hostNs() + this.offset);
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (size !== 4) return 0;
    switch (offset) {
      case RTC_TIME_LOW: {
        const t = this.now();
        this.timeHighLatch = Number(t >> 32n);
        return Number(t & U32);
      }
      case RTC_TIME_HIGH:
        return this.timeHighLatch;
      case RTC_ALARM_LOW:
        return Number(this.alarm & U32);
      case RTC_ALARM_HIGH:
        return Number(this.alarm >> 32n);
      case RTC_IRQ_ENABLED:
        return this.irqEnabled ? 1 : 0;
      case RTC_ALARM_STATUS:
        return this.alarmArmed ? 1 : 0;
      default:
        return 0;
    }
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (size !== 4) return;
    const v = value >>> 0;
    switch (offset) {
      case RTC_TIME_LOW: {
        const want = (BigInt(this.timeHighWritten) << 32n) | BigInt(v);
        this.offset = want - this.hostNs();
        this.check(); // an armed alarm may now be in the past
        break;
      }
      case RTC_TIME_HIGH:
        this.timeHighWritten = v;
        break;
      case RTC_ALARM_LOW:
        this.alarm = (this.alarm & (U32 << 32n)) | BigInt(v);
        this.alarmArmed = true;
        this.check(); // an alarm already due fires at once
        break;
      case RTC_ALARM_HIGH:
        this.alarm = (BigInt(v) << 32n) | (this.alarm & U32);
        break;
      case RTC_IRQ_ENABLED:
        this.irqEnabled = (v & 1) !== 0;
        this.update();
        break;
      case RTC_CLEAR_ALARM:
        this.alarmArmed = false;
        break;
      case RTC_CLEAR_INTERRUPT:
        this.irqPending = false;
        this.update();
        break;
      default:
        break;
    }
  }

  /** Called on every turn of the VMM loop (at least every 20 ms): fires a due alarm. */
  poll(): void {
    if (this.alarmArmed) this.check();
  }

  private check(): void {
    if (!this.alarmArmed || this.now() < this.alarm) return;
    this.alarmArmed = false;
    this.irqPending = true;
    this.update();
  }

  private update(): void {
    this.irq.set(this.irqPending && this.irqEnabled);
  }
}
