// virtio-blk (virtio 1.2 §5.2): one request queue over a BlockBackend (a raw image on the host,
// or memory in tests). Requests are served synchronously on the VMM thread, straight between
// the backend and guest buffers. Malformed requests complete with IOERR / UNSUPP.
import { drainQueue, type VirtioContext, type VirtioDevice } from "./mmio.js";
import type { Chain } from "./queue.js";
import type { DeviceLog } from "../types.js";

export const VIRTIO_ID_BLOCK = 2;
export const SECTOR = 512;

export const BLK_F_SEG_MAX = 2;
export const BLK_F_RO = 5;
export const BLK_F_BLK_SIZE = 6;
export const BLK_F_FLUSH = 9;
export const BLK_F_DISCARD = 13;
export const BLK_F_WRITE_ZEROES = 14;

export const T_IN = 0;
export const T_OUT = 1;
export const T_FLUSH = 4;
export const T_GET_ID = 8;
export const T_DISCARD = 11;
export const T_WRITE_ZEROES = 13;

export const S_OK = 0;
export const S_IOERR = 1;
export const S_UNSUPP = 2;

const QUEUE_SIZE = 256;
const SEG_MAX = QUEUE_SIZE - 2; // header and status take two descriptors
const MAX_RANGE_SECTORS = 1 << 22; // per discard / write-zeroes segment (2 GiB)
const MAX_RANGE_SEGS = 32;
const ID_BYTES = 20;
const UNMAP = 1;
const BOUNCE = 1 << 20; // requests up to this size go to the host in one call

/** Host storage behind a virtio-blk device. Methods throw on host I/O errors. */
export interface BlockBackend {
  /** Capacity in bytes (a multiple of 512). */
  readonly size: number;
  readonly readonly: boolean;
  read(dst: Uint8Array, pos: number): void;
  write(src: Uint8Array, pos: number): void;
  /** Make every completed write durable (fsync). */
  flush(): void;
  discard(pos: number, len: number): void;
  writeZeroes(pos: number, len: number, unmap: boolean): void;
}

export class VirtioBlk implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_BLOCK;
  readonly queueSizes = [QUEUE_SIZE];
  readonly features: bigint;
  readonly config = new Uint8Array(72);
  /** Requests failed with IOERR or UNSUPP (diagnostics / tests). */
  errors = 0;
  private ctx: VirtioContext | null = null;
  private readonly id: Uint8Array;
  private readonly hdr = new Uint8Array(16);
  private readonly hdrView = new DataView(this.hdr.buffer);
  private readonly bounce = new Uint8Array(BOUNCE);

  constructor(private readonly disk: BlockBackend, serial = "", private readonly log: DeviceLog = () => {}) {
    if (disk.size % SECTOR !== 0) throw new Error(`virtio-blk: size ${disk.size} is not a multiple of ${SECTOR}`);
    let f = (1n << BigInt(BLK_F_SEG_MAX)) | (1n << BigInt(BLK_F_BLK_SIZE)) | (1n << BigInt(BLK_F_FLUSH));
    if (disk.readonly) f |= 1n << BigInt(BLK_F_RO);
    else f |= (1n << BigInt(BLK_F_DISCARD)) | (1n << BigInt(BLK_F_WRITE_ZEROES));
    this.features = f;
    const c = new DataView(this.config.buffer);
    const sectors = disk.size / SECTOR;
    c.setUint32(0, sectors % 0x100000000, true);
    c.setUint32(4, Math.floor(sectors / 0x100000000), true);
    c.setUint32(12, SEG_MAX, true);
    c.setUint32(20, SECTOR, true);
    c.setUint32(36, MAX_RANGE_SECTORS, true); // max_discard_sectors
    c.setUint32(40, MAX_RANGE_SEGS, true); // max_discard_seg
    c.setUint32(44, 8, true); // discard_sector_alignment: 4 KiB
    c.setUint32(48, MAX_RANGE_SECTORS, true); // max_write_zeroes_sectors
    c.setUint32(52, MAX_RANGE_SEGS, true); // max_write_zeroes_seg
    c.setUint8(56, 1); // write_zeroes_may_unmap
    this.id = new Uint8Array(ID_BYTES);
    this.id.set(new TextEncoder().encode(serial).subarray(0, ID_BYTES));
  }

  activate(ctx: VirtioContext): void {
    this.ctx = ctx;
  }

  reset(): void {
    this.ctx = null;
  }

  notify(): void {
    const ctx = this.ctx;
    if (ctx === null) return;
    drainQueue(ctx, 0, (c) => this.serve(c));
  }

  /** Serve one request; returns the bytes written into its writable buffers. */
  private serve(c: Chain): number {
    const status = c.tail;
    if (status === null) { // nowhere to report anything
      this.errors++;
      return 0;
    }
    if (c.fault !== null || c.readLen < 16) return this.finish(status, S_IOERR, 0);
    const h = this.hdrView;
    copyOut(c.readable, 0, this.hdr);
    const type = h.getUint32(0, true);
    const secLo = h.getUint32(8, true);
    const secHi = h.getUint32(12, true);
    const pos = secHi > 0x1fffff ? -1 : (secHi * 0x100000000 + secLo) * SECTOR;
    const inLen = c.writeLen - 1; // device-writable data before the status byte
    const outLen = c.readLen - 16; // device-readable data after the header
    try {
      switch (type) {
        case T_IN:
          if (outLen !== 0 || !this.inRange(pos, inLen)) return this.finish(status, S_IOERR, 0);
          if (c.writable.length > 2 && inLen <= BOUNCE) { // one host read instead of one per page
            const b = this.bounce.subarray(0, inLen);
            this.disk.read(b, pos);
            forEachPart(c.writable, 0, inLen, (seg, off) => seg.set(b.subarray(off, off + seg.length)));
          } else forEachPart(c.writable, 0, inLen, (seg, off) => this.disk.read(seg, pos + off));
          return this.finish(status, S_OK, inLen);
        case T_OUT:
          if (this.disk.readonly || inLen !== 0 || !this.inRange(pos, outLen)) return this.finish(status, S_IOERR, 0);
          if (c.readable.length > 2 && outLen <= BOUNCE) {
            const b = this.bounce.subarray(0, outLen);
            forEachPart(c.readable, 16, outLen, (seg, off) => b.set(seg, off));
            this.disk.write(b, pos);
          } else forEachPart(c.readable, 16, outLen, (seg, off) => this.disk.write(seg, pos + off));
          return this.finish(status, S_OK, 0);
        case T_FLUSH:
          this.disk.flush();
          return this.finish(status, S_OK, 0);
        case T_GET_ID: {
          const n = Math.min(inLen, ID_BYTES);
          forEachPart(c.writable, 0, n, (seg, off) => seg.set(this.id.subarray(off, off + seg.length)));
          return this.finish(status, S_OK, n);
        }
        case T_DISCARD:
        case T_WRITE_ZEROES:
          return this.finish(status, this.ranges(c, type, outLen), 0);
        default:
          return this.finish(status, S_UNSUPP, 0);
      }
    } catch (e) {
      this.log("host I/O error", `virtio-blk: host I/O error: ${(e as Error).message}`);
      return this.finish(status, S_IOERR, 0);
    }
  }

  private ranges(c: Chain, type: number, len: number): number {
    if (this.disk.readonly) return S_IOERR;
    if (len === 0 || len % 16 !== 0 || len / 16 > MAX_RANGE_SEGS) return S_UNSUPP;
    const seg = new Uint8Array(16);
    const dv = new DataView(seg.buffer);
    for (let off = 16; off < 16 + len; off += 16) {
      copyOut(c.readable, off, seg);
      const hi = dv.getUint32(4, true);
      const n = dv.getUint32(8, true);
      const flags = dv.getUint32(12, true);
      if (flags & ~UNMAP || (type === T_DISCARD && flags !== 0)) return S_UNSUPP;
      if (n > MAX_RANGE_SECTORS) return S_IOERR;
      const pos = hi > 0x1fffff ? -1 : (hi * 0x100000000 + dv.getUint32(0, true)) * SECTOR;
      if (!this.inRange(pos, n * SECTOR)) return S_IOERR;
      if (type === T_DISCARD) this.disk.discard(pos, n * SECTOR);
      else this.disk.writeZeroes(pos, n * SECTOR, (flags & UNMAP) !== 0);
    }
    return S_OK;
  }

  private inRange(pos: number, len: number): boolean {
    return pos >= 0 && len % SECTOR === 0 && Number.isSafeInteger(pos) && pos <= this.disk.size - len;
  }

  private finish(status: Uint8Array, code: number, dataWritten: number): number {
    if (code !== S_OK) this.errors++;
    status[status.length - 1] = code;
    return dataWritten + 1;
  }
}

/** Fill dst from the buffers' bytes starting at `offset`. */
function copyOut(segs: Uint8Array[], offset: number, dst: Uint8Array): void {
  forEachPart(segs, offset, dst.length, (seg, off) => dst.set(seg, off));
}

/** Call fn(part, position) for the pieces of [start, start+len) of the concatenated buffers. */
function forEachPart(segs: Uint8Array[], start: number, len: number, fn: (part: Uint8Array, pos: number) => void): void {
  let base = 0;
  const end = start + len;
  for (const s of segs) {
    const a = Math.max(start, base);
    const b = Math.min(end, base + s.length);
    if (a < b) fn(s.subarray(a - base, b - base), a - start);
    base += s.length;
    if (base >= end) break;
  }
}
