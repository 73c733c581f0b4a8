// Arm PrimeCell UART (PL011, r1p5), as Linux's amba-pl011 driver and bare-metal programs use it
// (ttyAMA0 on QEMU's arm virt machine). Output: a byte written to DR goes to the console sink
// when it has room; the flag register says TXFF while the sink is full, and a byte written anyway
// is lost and counted. Input: host bytes wait in a bounded queue and move into the 32-byte receive
// FIFO as the guest reads. Interrupts (level, on one line): receive (RX, and RT while data waits)
// and transmit (TX: room again). Baud rate and line settings are stored and otherwise ignored.
import type { ConsoleSink, ConsoleUart, IrqLine, MmioDevice } from "./types.js";

const DR = 0x000;
const RSR_ECR = 0x004;
const FR = 0x018;
const ILPR = 0x020;
const IBRD = 0x024;
const FBRD = 0x028;
const LCR_H = 0x02c;
const CR = 0x030;
const IFLS = 0x034;
const IMSC = 0x038;
const RIS = 0x03c;
const MIS = 0x040;
const ICR = 0x044;
const DMACR = 0x048;

const FR_BUSY = 1 << 3;
const FR_RXFE = 1 << 4;
const FR_TXFF = 1 << 5;
const FR_TXFE = 1 << 7;
const INT_RX = 1 << 4;
const INT_TX = 1 << 5;
const INT_RT = 1 << 6;
const CR_UARTEN = 1;
/** Peripheral and PrimeCell identification (0xfe0..0xffc): the AMBA bus matches the driver by them. */
const ID = [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

const FIFO = 32;
/** Host input waiting for the guest: beyond this, more is refused (counted in droppedInput). */
const HOST_QUEUE = 4096;

export class Pl011 implements MmioDevice, ConsoleUart {
  readonly name = "pl011";
  droppedOutput = 0;
  droppedInput = 0;
  /** Accesses a driver should never make (wrong size, unknown register): counted, answered with 0. */
  badAccesses = 0;
  private readonly rx = new Uint8Array(FIFO);
  private rxHead = 0;
  private rxCount = 0;
  private readonly hostQ = new Uint8Array(HOST_QUEUE);
  private hostHead = 0;
  private hostCount = 0;
  private ibrd = 0;
  private fbrd = 0;
  private lcrH = 0;
  private cr = 0x300; // TXE, RXE (reset value)
  private ifls = 0x12;
  private imsc = 0;
  private dmacr = 0;
  private ilpr = 0;
  /** TX interrupt latched: the transmitter had room and the guest has not cleared it. */
  private txIrq = true;

  constructor(private readonly irq: IrqLine, private readonly out: ConsoleSink) {}

  receive(bytes: Uint8Array): number {
    const n = Math.max(0, Math.min(bytes.length, HOST_QUEUE - this.hostCount));
    for (let i = 0; i < n; i++) this.hostQ[(this.hostHead + this.hostCount + i) % HOST_QUEUE] = bytes[i]!;
    this.hostCount += n;
    this.droppedInput += bytes.length - n;
    this.refill();
    this.update();
    return n;
  }

  get pendingInput(): number {
    return this.hostCount + this.rxCount;
  }
  get rxInterruptEnabled(): boolean {
    return (this.imsc & (INT_RX | INT_RT)) !== 0;
  }
  /** A driver enabled the UART (CR.UARTEN): bare-metal code that only writes DR does not count. */
  get inUse(): boolean {
    return (this.cr & CR_UARTEN) !== 0;
  }
  /** Output leaves at once (no transmit FIFO is held back): nothing to flush. */
  flush(): void {}

  poll(): void {
    // The console may have made room: TX is ready again.
    if (!this.txIrq && this.out.room() > 0) {
      this.txIrq = true;
      this.update();
    }
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (offset >= 0xfe0 && offset <= 0xffc && (offset & 3) === 0) return ID[(offset - 0xfe0) >> 2]!;
    if (size === 1 && offset !== DR) return this.bad();
    switch (offset) {
      case DR: {
        if (this.rxCount === 0) return 0;
        const b = this.rx[this.rxHead]!;
        this.rxHead = (this.rxHead + 1) % FIFO;
        this.rxCount--;
        this.refill();
        this.update();
        return b;
      }
      case RSR_ECR: return 0;
      case FR:
        return (this.rxCount === 0 ? FR_RXFE : 0) | (this.out.room() === 0 ? FR_TXFF | FR_BUSY : FR_TXFE);
      case ILPR: return this.ilpr;
      case IBRD: return this.ibrd;
      case FBRD: return this.fbrd;
      case LCR_H: return this.lcrH;
      case CR: return this.cr;
      case IFLS: return this.ifls;
      case IMSC: return this.imsc;
      case RIS: return this.ris();
      case MIS: return this.ris() & this.imsc;
      case DMACR: return this.dmacr;
      default: return this.bad();
    }
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (size === 1 && offset !== DR) {
      this.bad();
      return;
    }
    switch (offset) {
      case DR:
        if (this.out.write(Uint8Array.of(value & 0xff)) === 0) this.droppedOutput++;
        if (this.out.room() === 0) this.txIrq = false;
        break;
      case RSR_ECR: break; // clears errors: there are none
      case ILPR: this.ilpr = value & 0xff; break;
      case IBRD: this.ibrd = value & 0xffff; break;
      case FBRD: this.fbrd = value & 0x3f; break;
      case LCR_H: this.lcrH = value & 0xff; break;
      case CR: this.cr = value & 0xff87; break;
      case IFLS: this.ifls = value & 0x3f; break;
      case IMSC: this.imsc = value & 0x7ff; break;
      case ICR: if (value & INT_TX) this.txIrq = false; break; // RX and RT clear as the FIFO empties
      case DMACR: this.dmacr = value & 7; break;
      default: this.bad();
    }
    this.update();
  }

  private ris(): number {
    return (this.rxCount > 0 ? INT_RX | INT_RT : 0) | (this.txIrq ? INT_TX : 0);
  }

  private update(): void {
    this.irq.set((this.ris() & this.imsc) !== 0);
  }

  /** Host queue -> receive FIFO. */
  private refill(): void {
    while (this.rxCount < FIFO && this.hostCount > 0) {
      this.rx[(this.rxHead + this.rxCount) % FIFO] = this.hostQ[this.hostHead]!;
      this.rxCount++;
      this.hostHead = (this.hostHead + 1) % HOST_QUEUE;
      this.hostCount--;
    }
  }

  private bad(): number {
    this.badAccesses++;
    return 0;
  }
}
