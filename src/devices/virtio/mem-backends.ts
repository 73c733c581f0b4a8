// In-memory backends for tests and fuzzing: a RAM disk, a loopback-style NIC and a console sink.
import type { BlockBackend } from "./blk.js";
import type { NetBackend } from "./net.js";
import type { ConsoleSink } from "../types.js";

export class MemDisk implements BlockBackend {
  readonly data: Uint8Array;
  flushes = 0;
  constructor(readonly size: number, readonly readonly = false) {
    this.data = new Uint8Array(size);
  }
  read(dst: Uint8Array, pos: number): void {
    dst.set(this.data.subarray(pos, pos + dst.length));
  }
  write(src: Uint8Array, pos: number): void {
    this.data.set(src, pos);
  }
  flush(): void {
    this.flushes++;
  }
  discard(pos: number, len: number): void {
    this.data.fill(0, pos, pos + len);
  }
  writeZeroes(pos: number, len: number): void {
    this.data.fill(0, pos, pos + len);
  }
}

/** Frames sent by the guest are recorded; frames queued with inject() are received by it. */
export class MemNic implements NetBackend {
  readonly sent: Uint8Array[] = [];
  readonly inbox: Uint8Array[] = [];
  arms = 0;
  send(frame: Uint8Array): boolean {
    this.sent.push(frame.slice());
    return true;
  }
  receive(dst: Uint8Array): number {
    const f = this.inbox.shift();
    if (f === undefined) return 0;
    const n = Math.min(f.length, dst.length);
    dst.set(f.subarray(0, n));
    return n;
  }
  armReceive(): void {
    this.arms++;
  }
}

/** Console output with `space` bytes of room left (unbounded unless a test sets it). */
export class MemConsole implements ConsoleSink {
  readonly out: number[] = [];
  space = Infinity;
  write(b: Uint8Array): number {
    const n = Math.min(b.length, this.space);
    for (let i = 0; i < n; i++) this.out.push(b[i]);
    this.space -= n;
    return n;
  }
  room(): number {
    return this.space;
  }
  get text(): string {
    return Buffer.from(this.out).toString("latin1");
  }
}
