// Whole-file advisory locks on disk images, as QEMU locks its images. An OFD lock (fcntl
// F_OFD_SETLK) belongs to the open file description, not to the process: it conflicts with every
// other open of the file, in another process or in this one (a second zone of the same daemon),
// and it lasts while any fd sharing that description is open — a zone running in a child process
// that inherited the fd keeps it. Where OFD locks are missing (Linux < 3.15) flock(2) is the
// fallback: also per open file description, but not seen by fcntl lockers such as QEMU.
import { errno, libc, strerror } from "./libc.js";

const F_OFD_GETLK = 36;
const F_OFD_SETLK = 37;
const F_RDLCK = 0;
const F_WRLCK = 1;
const F_UNLCK = 2;
const LOCK_SH = 1;
const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;
const EAGAIN = 11; // also EWOULDBLOCK
const EACCES = 13;
const EINVAL = 22;
const ENOLCK = 37;

export type LockMechanism = "ofd" | "flock";

/** Who holds the lock that got in the way, as far as the kernel tells. */
export interface LockConflict {
  heldFor: "writing" | "reading" | "reading or writing";
  /** Only for classic POSIX locks; OFD and flock locks have no owning process. */
  pid?: number;
}

interface Fns {
  fcntl: (fd: number, cmd: number, type: string, arg: Uint8Array) => number;
  flock: (fd: number, op: number) => number;
}
let fns: Fns | undefined;
function f(): Fns {
  if (fns) return fns;
  const lib = libc();
  const fcntl = lib.func("int fcntl(int fd, int cmd, ...)") as (...a: unknown[]) => number;
  fns = { fcntl: (fd, cmd, type, arg) => fcntl(fd, cmd, type, arg), flock: lib.func("int flock(int fd, int op)") as Fns["flock"] };
  return fns;
}

// struct flock on 64-bit Linux: short l_type @0, short l_whence @2, off_t l_start @8,
// off_t l_len @16, pid_t l_pid @24; 32 bytes. Start 0, length 0 (= to the end, however it grows).
function flockStruct(type: number): { buf: Uint8Array; view: DataView } {
  const buf = new Uint8Array(32);
  const view = new DataView(buf.buffer);
  view.setInt16(0, type, true);
  return { buf, view };
}

export class LockError extends Error {}

function ofdLock(fd: number, exclusive: boolean): LockConflict | undefined | "unsupported" {
  const want = exclusive ? F_WRLCK : F_RDLCK;
  if (f().fcntl(fd, F_OFD_SETLK, "uint8_t *", flockStruct(want).buf) === 0) return undefined;
  const e = errno();
  if (e === EINVAL || e === ENOLCK) return "unsupported";
  if (e !== EAGAIN && e !== EACCES) throw new LockError(`fcntl(F_OFD_SETLK): ${strerror(e)}`);
  const q = flockStruct(want);
  if (f().fcntl(fd, F_OFD_GETLK, "uint8_t *", q.buf) !== 0 || q.view.getInt16(0, true) === F_UNLCK) {
    return { heldFor: exclusive ? "reading or writing" : "writing" }; // released meanwhile: say what can conflict
  }
  const pid = q.view.getInt32(24, true);
  return { heldFor: q.view.getInt16(0, true) === F_WRLCK ? "writing" : "reading", ...(pid > 0 ? { pid } : {}) };
}

function flockLock(fd: number, exclusive: boolean): LockConflict | undefined {
  if (f().flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) === 0) return undefined;
  const e = errno();
  if (e !== EAGAIN) throw new LockError(`flock: ${strerror(e)}`);
  if (!exclusive) return { heldFor: "writing" };
  // Only readers or a writer can be in the way: if a shared lock is granted, they are readers.
  if (f().flock(fd, LOCK_SH | LOCK_NB) !== 0) return { heldFor: "writing" };
  f().flock(fd, LOCK_UN);
  return { heldFor: "reading" };
}

/**
 * Lock fd's whole file without waiting: exclusive (a writer) or shared (a reader). Returns
 * undefined once locked, the conflict when another open of the file holds a lock in the way.
 * Throws LockError when the file system cannot lock at all. `mechanism` "flock" skips OFD (tests).
 */
export function lockWholeFile(fd: number, exclusive: boolean, mechanism: LockMechanism = "ofd"): LockConflict | undefined {
  if (mechanism === "ofd") {
    const r = ofdLock(fd, exclusive);
    if (r !== "unsupported") return r;
  }
  return flockLock(fd, exclusive);
}
