// A raw disk image on the host as a virtio-blk backend. The file is opened by the zone's owner
// (so a bad path fails before the guest runs) and used by fd from the VMM thread. An image is
// locked while its fd is open (host/file-lock.ts): one writer and nobody else, or any number of
// readers, so two kernels never write one file system.
import { closeSync, constants, fdatasyncSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import type { BlockBackend } from "../devices/virtio/blk.js";
import { errno, libc, strerror } from "./libc.js";
import { LockError, lockWholeFile, type LockConflict } from "./file-lock.js";
import { fileKind, USER_OPEN_FLAGS } from "./user-file.js";

const FALLOC_FL_KEEP_SIZE = 0x01;
const FALLOC_FL_PUNCH_HOLE = 0x02;
const FALLOC_FL_ZERO_RANGE = 0x10;
const BLKGETSIZE64 = 0x80081272;

type Fallocate = (fd: number, mode: number, offset: number, len: number) => number;
let fallocateFn: Fallocate | undefined;
function fallocate(): Fallocate {
  fallocateFn ??= libc().func("int fallocate(int fd, int mode, int64_t offset, int64_t len)") as Fallocate;
  return fallocateFn;
}

type Ioctl = (fd: number, req: number, type: string, arg: Uint8Array) => number;
let ioctlFn: Ioctl | undefined;

/** Size in bytes of the block device open on fd. */
function blockDeviceSize(fd: number, path: string): number {
  ioctlFn ??= libc().func("int ioctl(int fd, unsigned long req, ...)") as Ioctl;
  const out = new Uint8Array(8);
  if (ioctlFn(fd, BLKGETSIZE64, "uint8_t *", out) !== 0) throw new Error(`disk image ${path}: BLKGETSIZE64: ${strerror(errno())}`);
  return Number(new DataView(out.buffer).getBigUint64(0, true));
}

function openFailure(path: string, readonly: boolean, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new Error(`disk image ${path} not found: create it (e.g. truncate -s 1G ${path} && mkfs.ext4 ${path})`);
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") {
    return new Error(`disk image ${path}: permission denied${readonly ? "" : " for writing: set readonly = true or fix its permissions"}`);
  }
  return new Error(`disk image ${path}: ${(e as Error).message}`);
}

/**
 * Open and lock a disk image (a regular file or a block device); throws an Error whose message
 * says what is wrong and how to fix it. The lock goes when the returned fd is closed.
 */
export function openDiskImage(path: string, readonly: boolean): { fd: number; size: number } {
  let fd: number;
  try {
    // non-blocking: opening a FIFO for reading would otherwise wait for a writer
    fd = openSync(path, (USER_OPEN_FLAGS & ~constants.O_RDONLY) | (readonly ? constants.O_RDONLY : constants.O_RDWR));
  } catch (e) {
    throw openFailure(path, readonly, e);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() && !st.isBlockDevice()) {
      throw new Error(`disk image ${path} is ${fileKind(st)}, not a regular file or a block device: point path at the image`);
    }
    const size = st.isBlockDevice() ? blockDeviceSize(fd, path) : st.size;
    if (size < 512 || size % 512 !== 0) {
      throw new Error(`disk image ${path}: size ${size} is not a positive multiple of 512 bytes: resize it (truncate -s)`);
    }
    let clash: LockConflict | undefined;
    try {
      clash = lockWholeFile(fd, !readonly);
    } catch (e) {
      if (!(e instanceof LockError)) throw e;
      throw new Error(`disk image ${path}: cannot lock it (${e.message}): move it to a file system with file locks (ext4, xfs, btrfs, tmpfs)`);
    }
    if (clash) {
      const fix = clash.heldFor === "reading" ? "stop the zones or programs reading it, or set readonly = true here too"
        : "stop the zone or program using it, or give this zone its own copy";
      throw new Error(`disk image ${path} is in use by another process or zone (locked for ${clash.heldFor}` +
        `${clash.pid ? ` by pid ${clash.pid}` : ""}): ${fix} (fuser -v ${path} shows who has it open)`);
    }
    return { fd, size };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
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

