// A raw disk image on the host as a virtio-blk backend. The file is opened by the zone's owner
// (so a bad path fails before the guest runs) and used by fd from the VMM thread.
import { closeSync, constants, fdatasyncSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import type { BlockBackend } from "../devices/virtio/blk.js";
import { errno, libc } from "./libc.js";

const FALLOC_FL_KEEP_SIZE = 0x01;
const FALLOC_FL_PUNCH_HOLE = 0x02;
const FALLOC_FL_ZERO_RANGE = 0x10;

type Fallocate = (fd: number, mode: number, offset: number, len: number) => number;
let fallocateFn: Fallocate | undefined;
function fallocate(): Fallocate {
  fallocateFn ??= libc().func("int fallocate(int fd, int mode, int64_t offset, int64_t len)") as Fallocate;
  return fallocateFn;
}

/** Open a disk image; throws an Error whose message says what is wrong and how to fix it. */
export function openDiskImage(path: string, readonly: boolean): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(path, readonly ? constants.O_RDONLY : constants.O_RDWR);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new Error(`disk image ${path} not found: create it (e.g. truncate -s 1G ${path} && mkfs.ext4 ${path})`);
    if (code === "EACCES" || code === "EPERM" || code === "EROFS") {
      throw new Error(`disk image ${path}: permission denied${readonly ? "" : " for writing: set readonly = true or fix its permissions"}`);
    }
    throw new Error(`disk image ${path}: ${(e as Error).message}`);
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    throw new Error(`disk image ${path} is not a regular file`);
  }
  if (st.size < 512 || st.size % 512 !== 0) {
    closeSync(fd);
    throw new Error(`disk image ${path}: size ${st.size} is not a positive multiple of 512 bytes: resize it (truncate -s)`);
  }
  return { fd, size: st.size };
}

export class FileBlockBackend implements BlockBackend {
  constructor(private readonly fd: number, readonly size: number, readonly readonly: boolean) {}

  read(dst: Uint8Array, pos: number): void {
    let done = 0;
    while (done < dst.length) {
      const n = readSync(this.fd, dst, done, dst.length - done, pos + done);
      if (n === 0) { // the image shrank under us: read zeros, as past its end
        dst.fill(0, done);
        return;
      }
      done += n;
    }
  }

  write(src: Uint8Array, pos: number): void {
    let done = 0;
    while (done < src.length) done += writeSync(this.fd, src, done, src.length - done, pos + done);
  }

  flush(): void {
    fdatasyncSync(this.fd);
  }

  discard(pos: number, len: number): void {
    // Advisory: a file system without hole punching just keeps the data.
    fallocate()(this.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, pos, len);
  }

  writeZeroes(pos: number, len: number, unmap: boolean): void {
    const mode = unmap ? FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE : FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;
    if (fallocate()(this.fd, mode, pos, len) === 0) return;
    const e = errno();
    if (e !== 95 && e !== 22) throw new Error(`fallocate: errno ${e}`); // EOPNOTSUPP / EINVAL: write zeros
    const zeros = new Uint8Array(Math.min(len, 1 << 20));
    for (let off = 0; off < len; off += zeros.length) this.write(zeros.subarray(0, Math.min(zeros.length, len - off)), pos + off);
  }
}

