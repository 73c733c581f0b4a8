// A bounded byte ring holding a zone's latest console output, so a console attached later (or
// after a detach) sees what the guest printed meanwhile. Oldest bytes are dropped first.
export class ConsoleRing {
  private readonly buf: Buffer;
  private start = 0;
  private len = 0;
  /** Bytes pushed out of the history before anyone read them (counted, never silent). */
  dropped = 0;

  constructor(readonly capacity = 64 * 1024) {
    this.buf = Buffer.alloc(capacity);
  }

  get size(): number {
    return this.len;
  }

  push(data: Uint8Array): void {
    let src = data;
    if (src.length >= this.capacity) {
      this.dropped += this.len + src.length - this.capacity;
      src = src.subarray(src.length - this.capacity);
      this.start = 0;
      this.len = 0;
    }
    for (let off = 0; off < src.length;) {
      const end = (this.start + this.len) % this.capacity;
      const n = Math.min(src.length - off, this.capacity - end);
      this.buf.set(src.subarray(off, off + n), end);
      off += n;
      this.len += n;
      if (this.len > this.capacity) {
        this.dropped += this.len - this.capacity;
        this.start = (this.start + this.len - this.capacity) % this.capacity;
        this.len = this.capacity;
      }
    }
  }

  /** Everything buffered, oldest first. */
  snapshot(): Buffer {
    const first = this.buf.subarray(this.start, Math.min(this.capacity, this.start + this.len));
    const rest = this.buf.subarray(0, this.len - first.length);
    return Buffer.concat([first, rest]);
  }
}
