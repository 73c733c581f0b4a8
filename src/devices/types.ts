// What a device model sees of the machine: its own MMIO window, guest memory and IRQ lines.
// Nothing here is engine-specific, so any engine (riscv64 software, later KVM) can host devices.

/** An interrupt line into the zone's interrupt controller. Level-triggered. */
export interface IrqLine {
  set(level: boolean): void;
}

/** A device mapped at a physical MMIO window. Offsets are relative to the window base. */
export interface MmioDevice {
  readonly name: string;
  /** Read `size` bytes (1, 2 or 4) at `offset`; returns an unsigned value. Never throws on guest input. */
  read(offset: number, size: 1 | 2 | 4): number;
  /** Write `size` bytes (1, 2 or 4). Never throws on guest input. */
  write(offset: number, size: 1 | 2 | 4, value: number): void;
  /** Optional periodic/async work on the VMM thread (e.g. pull console input). */
  poll?(): void;
}

/** Guest physical memory as devices see it: bounds-checked, never outside the zone's RAM. */
export interface GuestMemory {
  readonly base: number; // guest physical address of RAM start
  readonly size: number; // bytes
  /** A view of [gpa, gpa+len) or null when any part is outside RAM. */
  view(gpa: number, len: number): Uint8Array | null;
}

/**
 * Where a console device's output goes. It is bounded: it takes what fits and says how much, and
 * the device holds the rest back from the guest (a full transmitter, descriptors left unused).
 */
export interface ConsoleSink {
  /** Take up to `bytes.length` bytes (copied); returns how many were taken, 0 when full. */
  write(bytes: Uint8Array): number;
  /** How many bytes write() would take now. */
  room(): number;
}

/**
 * Diagnostics from a device model. The guest decides how often they happen (a driver looping on
 * resets), so the host rate-limits them: `kind` names the message's category for that.
 */
export type DeviceLog = (kind: string, msg: string) => void;

/** Notifications from platform devices to the zone (poweroff / reboot requests). */
export interface PlatformEvents {
  /** The guest powered off and reported success. */
  poweroff(): void;
  /** The guest powered off reporting failure, with its exit status (0: none given). */
  fail(code: number): void;
  reboot(): void;
}

/** The machine's console UART as the VMM thread sees it: host input goes in, lost output is counted. */
export interface ConsoleUart {
  /** Take host input into the receive FIFO; returns how many bytes were taken. */
  receive(bytes: Uint8Array): number;
  /** Bytes received but not read by the guest yet. */
  readonly pendingInput: number;
  /** A driver listens with its receive interrupt enabled. */
  readonly rxInterruptEnabled: boolean;
  /** A driver has set the UART up (and may poll it). */
  readonly inUse: boolean;
  /** Output bytes lost so far (written to a full transmit FIFO). */
  readonly droppedOutput: number;
  /** Move what the transmit FIFO holds to the console now (the zone is ending). */
  flush(): void;
}
