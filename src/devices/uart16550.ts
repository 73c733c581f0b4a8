// NS16550A UART, register stride 1 (reg-shift 0), as Linux's 8250 driver and firmware use it.
// Output: bytes written to THR enter the transmit FIFO (16 bytes, or the one-byte holding
// register with FIFOs off) and leave it for the console sink as fast as the sink takes them, at
// once while it has room. While the sink is full they wait there: LSR.THRE/TEMT are clear and the
// THRE interrupt comes when the FIFO has drained (poll()). A byte written to a full FIFO is lost,
// as on the chip, and counted (drivers wait for THRE; a guest that does not only loses its own).
// Host input waits in a capped host-side queue (the "wire") and moves into the RX FIFO as the
// guest drains it, so host bursts never overrun the guest; overrun only happens in loopback.

import type { ConsoleSink, IrqLine, MmioDevice } from "./types.js";

// Register offsets.
const RBR_THR_DLL = 0, IER_DLM = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

// LSR bits.
const LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40;
const LSR_ERRORS = 0x1e; // OE | PE | FE | BI: sources of the line-status interrupt

// IER bits.
const IER_ERBFI = 0x01, IER_ETBEI = 0x02, IER_ELSI = 0x04, IER_EDSSI = 0x08;

// IIR interrupt identifications (bit 0 = 1 means "none pending").
const IIR_NONE = 0x01, IIR_RLS = 0x06, IIR_RDA = 0x04, IIR_CTI = 0x0c, IIR_THRE = 0x02, IIR_MS = 0x00;
const IIR_FIFO_BITS = 0xc0; // bits 7:6 = 0b11 when FIFOs are enabled (how 8250 detects a 16550A)

// FCR bits.
const FCR_ENABLE = 0x01, FCR_CLEAR_RX = 0x02;

// MCR bits.
const MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08, MCR_LOOP = 0x10;

// MSR bits: line states in 7:4, deltas in 3:0.
const MSR_CTS = 0x10, MSR_DSR = 0x20, MSR_RI = 0x40, MSR_DCD = 0x80;
// Modem lines seen when not in loopback: a connected terminal (CTS, DSR, DCD asserted; no ring).
const MSR_EXTERNAL = MSR_CTS | MSR_DSR | MSR_DCD;

const FIFO_SIZE = 16;
const TRIGGER_LEVELS = [1, 4, 8, 14];

export const UART16550_DEFAULT_HOST_QUEUE = 64 * 1024;

export interface Uart16550Options {
  /** Capacity of the host-side input queue; bytes beyond it are dropped (counted). Default 64 KiB. */
  hostQueueBytes?: number;
}

export class Uart16550 implements MmioDevice {
  readonly name: string;

  /** Diagnostics: accesses with bad offset/size, and host input bytes dropped because the queue was full. */
  badAccesses = 0;
  droppedInput = 0;
  /** Loopback bytes lost to overrun (the guest's own fault; counted for diagnostics). */
  overruns = 0;
  /** Output bytes lost: written to THR while the transmit FIFO was full (the guest ignored THRE). */
  droppedOutput = 0;

  // Registers.
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private lsrErr = 0; // OE/PE/FE/BI latched until LSR is read
  private msrDelta = 0;
  private scr = 0;
  private dll = 0;
  private dlm = 0;
  private fifoEnabled = false;
  private trigger = 1;
  private thrIpending = false;

  // RX FIFO (capacity 1 when FIFOs are disabled: the plain RBR holding register).
  private readonly rx = new Uint8Array(FIFO_SIZE);
  private rxHead = 0;
  private rxCount = 0;

  // Host input queue (ring buffer).
  private readonly hostQ: Uint8Array;
  private hostHead = 0;
  private hostCount = 0;

  // Transmit FIFO: bytes the sink has not taken yet, oldest first.
  private readonly tx = new Uint8Array(FIFO_SIZE);
  private txCount = 0;

  private irqLevel = false;
  private lineSet = false;

  constructor(
    private readonly irq: IrqLine,
    private readonly output: ConsoleSink,
    name = "uart16550",
    opts: Uart16550Options = {},
  ) {
    this.name = name;
    const q = opts.hostQueueBytes ?? UART16550_DEFAULT_HOST_QUEUE;
    if (!Number.isSafeInteger(q) || q < 1) throw new Error(`uart16550: bad hostQueueBytes ${q}`);
    this.hostQ = new Uint8Array(q);
  }

  /** Back to power-on state (the host queue survives, outside the chip; so do bytes already written). */
  reset(): void {
    this.ier = this.lcr = this.mcr = this.lsrErr = this.msrDelta = this.scr = this.dll = this.dlm = 0;
    this.fifoEnabled = false;
    this.lineSet = false;
    this.trigger = 1;
    this.thrIpending = false;
    this.rxHead = this.rxCount = 0;
    this.refill();
    this.updateIrq();
  }

  /** Queue host keyboard bytes for the guest. Returns how many were accepted. */
  receive(bytes: Uint8Array): number {
    const cap = this.hostQ.length;
    let n = Math.min(bytes.length, cap - this.hostCount);
    if (n < 0) n = 0;
    for (let i = 0; i < n; i++) this.hostQ[(this.hostHead + this.hostCount + i) % cap] = bytes[i];
    this.hostCount += n;
    this.droppedInput += bytes.length - n;
    this.refill();
    this.updateIrq();
    return n;
  }

  /** True once the guest driver listens for input (RX data interrupt enabled). */
  get rxInterruptEnabled(): boolean {
    return (this.ier & IER_ERBFI) !== 0;
  }

  /** True once a guest driver has set up the port (written a line format), interrupts or not. */
  get inUse(): boolean {
    return this.lineSet;
  }

  /** Bytes still waiting in the host queue (not yet in the RX FIFO). */
  get pendingInput(): number {
    return this.hostCount;
  }

  poll(): void {
    if (this.txCount === 0) return;
    this.drainTx();
    this.updateIrq();
  }

  /** Hand what the sink takes now to it (the zone is ending: last chance). */
  flush(): void {
    this.drainTx();
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (size !== 1 || !(offset >= 0 && offset <= 7) || (offset | 0) !== offset) {
      this.badAccesses++;
      return 0;
    }
    const dlab = (this.lcr & 0x80) !== 0;
    let v = 0;
    switch (offset) {
      case RBR_THR_DLL:
        if (dlab) return this.dll;
        v = this.popRx();
        break;
      case IER_DLM:
        return dlab ? this.dlm : this.ier;
      case IIR_FCR: {
        const id = this.currentIir();
        // Reading IIR acknowledges a THRE interrupt only when it is the one reported.
        if (id === IIR_THRE) this.thrIpending = false;
        v = id | (this.fifoEnabled ? IIR_FIFO_BITS : 0);
        break;
      }
      case LCR:
        return this.lcr;
      case MCR:
        return this.mcr;
      case LSR:
        v = this.lsr();
        this.lsrErr = 0; // error bits clear on read
        break;
      case MSR:
        v = this.modemLines() | this.msrDelta;
        this.msrDelta = 0;
        break;
      case SCR:
        return this.scr;
    }
    this.updateIrq();
    return v;
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (size !== 1 || !(offset >= 0 && offset <= 7) || (offset | 0) !== offset) {
      this.badAccesses++;
      return;
    }
    const v = value & 0xff; // NaN/garbage -> some byte; never throws
    const dlab = (this.lcr & 0x80) !== 0;
    switch (offset) {
      case RBR_THR_DLL:
        if (dlab) this.dll = v;
        else this.transmit(v);
        break;
      case IER_DLM:
        if (dlab) {
          this.dlm = v;
        } else {
          const old = this.ier;
          this.ier = v & 0x0f; // upper bits read as 0 on a 16550A (8250 probes bit 6)
          // Enabling ETBEI while THR is empty raises THRE again, even if it was acknowledged before;
          // Linux's startup THRE test relies on this.
          if (this.ier & IER_ETBEI) {
            if (!(old & IER_ETBEI) && this.txCount === 0) this.thrIpending = true;
          } else {
            this.thrIpending = false;
          }
        }
        break;
      case IIR_FCR:
        this.writeFcr(v);
        break;
      case LCR:
        this.lcr = v;
        // A driver that sets a line format means to use the port, even if it never enables
        // interrupts: boot loaders (U-Boot's ns16550) and RTOS shells poll LSR/RBR instead.
        if ((v & 0x80) === 0) this.lineSet = true;
        break;
      case MCR: {
        const before = this.modemLines();
        const wasLoop = (this.mcr & MCR_LOOP) !== 0;
        this.mcr = v & 0x1f;
        this.noteModemChange(before, this.modemLines());
        if (wasLoop && !(this.mcr & MCR_LOOP)) this.refill(); // external input reconnected
        break;
      }
      case LSR:
      case MSR:
        break; // read-only (factory test writes ignored)
      case SCR:
        this.scr = v;
        break;
    }
    this.updateIrq();
  }

  // --- internals ---

  private writeFcr(v: number): void {
    const enable = (v & FCR_ENABLE) !== 0;
    if (enable !== this.fifoEnabled) {
      // Changing FIFO mode empties both FIFOs.
      this.fifoEnabled = enable;
      this.rxHead = this.rxCount = 0;
    }
    // Other FCR bits only take effect with FCR0 set.
    if (enable) {
      if (v & FCR_CLEAR_RX) this.rxHead = this.rxCount = 0;
      // FCR_CLEAR_TX is not honoured: bytes the guest already wrote still reach the console.
      this.trigger = TRIGGER_LEVELS[(v >> 6) & 3];
    }
    this.refill();
  }

  private transmit(b: number): void {
    // Writing THR clears the THRE interrupt; it is raised again once the FIFO is empty, at once
    // while the sink has room.
    if (this.mcr & MCR_LOOP) {
      this.thrIpending = (this.ier & IER_ETBEI) !== 0;
      this.pushRxLoopback(b);
      return;
    }
    this.thrIpending = false;
    if (this.txCount >= (this.fifoEnabled ? FIFO_SIZE : 1)) {
      this.droppedOutput++;
      return;
    }
    this.tx[this.txCount++] = b;
    this.drainTx();
  }

  private drainTx(): void {
    if (this.txCount === 0) return;
    const n = this.output.write(this.tx.subarray(0, this.txCount));
    if (n <= 0) return;
    this.tx.copyWithin(0, n, this.txCount);
    this.txCount -= n;
    if (this.txCount === 0 && (this.ier & IER_ETBEI) !== 0) this.thrIpending = true;
  }

  private get rxCap(): number {
    return this.fifoEnabled ? FIFO_SIZE : 1;
  }

  private pushRxLoopback(b: number): void {
    if (this.rxCount < this.rxCap) {
      this.rx[(this.rxHead + this.rxCount) % FIFO_SIZE] = b;
      this.rxCount++;
      return;
    }
    this.lsrErr |= LSR_OE;
    this.overruns++;
    // Non-FIFO mode: the new character replaces the unread one; FIFO mode: the new one is lost.
    if (!this.fifoEnabled) this.rx[this.rxHead] = b;
  }

  private popRx(): number {
    if (this.rxCount === 0) return 0;
    const b = this.rx[this.rxHead];
    this.rxHead = (this.rxHead + 1) % FIFO_SIZE;
    this.rxCount--;
    this.refill();
    return b;
  }

  /** Move host bytes into the RX FIFO while there is room (not in loopback: input is disconnected). */
  private refill(): void {
    if (this.mcr & MCR_LOOP) return;
    const cap = this.rxCap;
    const qcap = this.hostQ.length;
    while (this.rxCount < cap && this.hostCount > 0) {
      this.rx[(this.rxHead + this.rxCount) % FIFO_SIZE] = this.hostQ[this.hostHead];
      this.rxCount++;
      this.hostHead = (this.hostHead + 1) % qcap;
      this.hostCount--;
    }
  }

  /** LSR for a reader that skips the device (VMM shadow): null while a read would clear error bits. */
  get lineStatus(): number | null {
    return this.lsrErr !== 0 ? null : this.lsr();
  }

  private lsr(): number {
    return (this.rxCount > 0 ? LSR_DR : 0) | (this.txCount === 0 ? LSR_THRE | LSR_TEMT : 0) | this.lsrErr;
  }

  private modemLines(): number {
    if (!(this.mcr & MCR_LOOP)) return MSR_EXTERNAL;
    // Loopback wiring: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD.
    const m = this.mcr;
    return (m & MCR_RTS ? MSR_CTS : 0) | (m & MCR_DTR ? MSR_DSR : 0) |
      (m & MCR_OUT1 ? MSR_RI : 0) | (m & MCR_OUT2 ? MSR_DCD : 0);
  }

  private noteModemChange(before: number, after: number): void {
    const ch = before ^ after;
    if (ch & MSR_CTS) this.msrDelta |= 0x01;
    if (ch & MSR_DSR) this.msrDelta |= 0x02;
    if (before & MSR_RI && !(after & MSR_RI)) this.msrDelta |= 0x04; // TERI: trailing edge only
    if (ch & MSR_DCD) this.msrDelta |= 0x08;
  }

  /** Highest-priority pending, enabled interrupt (IIR bits 3:0). */
  private currentIir(): number {
    const ier = this.ier;
    if (ier & IER_ELSI && this.lsrErr & LSR_ERRORS) return IIR_RLS;
    if (ier & IER_ERBFI && this.rxCount > 0) {
      // Below the trigger level real hardware reports a character timeout after 4 idle
      // character times; input here is never "still arriving", so report it at once.
      return this.fifoEnabled && this.rxCount < this.trigger ? IIR_CTI : IIR_RDA;
    }
    if (ier & IER_ETBEI && this.thrIpending) return IIR_THRE;
    if (ier & IER_EDSSI && this.msrDelta) return IIR_MS;
    return IIR_NONE;
  }

  private updateIrq(): void {
    const level = this.currentIir() !== IIR_NONE;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq.set(level);
    }
  }
}
