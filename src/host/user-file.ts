// Reading files a user names (zone and system configs, kernels, initrds, import inputs). The path
// is opened without blocking and the open file is looked at before anything is read: a FIFO would
// block the reader for ever, /dev/zero never ends, and a multi-gigabyte file given by mistake would
// stall the daemon. Each of these is refused with one reason; only a regular file within the
// caller's size limit is read. Checks are made on the open fd, so the file read is the file checked.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { formatSizeApprox } from "../config/size.js";

// libuv already opens every file close-on-exec; it is spelled out for the reader (zones may run
// in child processes, which must not inherit files they were not given).
export const O_CLOEXEC = 0o2000000;
/** Open flags for anything a user names: a FIFO opened O_NONBLOCK does not wait for a writer. */
export const USER_OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | O_CLOEXEC;
const CHUNK = 64 * 1024 * 1024; // per read call: read(2) returns at most 2 GiB, and smaller calls keep the thread pool fair

export const CONFIG_FILE_MAX = 1024 * 1024;
/** Limit for config files (zone, system, import inputs): as much as the API accepts as "toml". */
export const CONFIG_LIMIT: UserFileLimit = { maxBytes: CONFIG_FILE_MAX, limit: "the 1M a config file may have" };

export interface UserFileLimit {
  maxBytes: number;
  /** The limit as a message says it after "more than ": "the 1M a config file may have". */
  limit: string;
}

/** What was wrong, so callers can say how to fix it. */
export type UserFileProblem = "missing" | "access" | "type" | "size" | "io";

export class UserFileError extends Error {
  constructor(readonly path: string, readonly problem: UserFileProblem, readonly reason: string) {
    super(`${path}: ${reason}`);
  }
}

/** "a FIFO (named pipe)", "a character device", ... for a file that is not what was asked for. */
export function fileKind(st: Stats): string {
  if (st.isFile()) return "a regular file";
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  if (st.isSymbolicLink()) return "a symbolic link";
  return "not a regular file";
}

/** An errno from open/read/write of `path` as a UserFileError with a plain reason. */
export function fileErrnoError(path: string, e: unknown): UserFileError {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case "ENOENT": return new UserFileError(path, "missing", "file not found");
    case "EACCES": case "EPERM": return new UserFileError(path, "access", "permission denied");
    case "ENOTDIR": return new UserFileError(path, "missing", "a part of the path is not a directory");
    case "ENXIO": return new UserFileError(path, "type", "it is a socket or a device without a driver, not a regular file");
    case "ELOOP": return new UserFileError(path, "missing", "too many levels of symbolic links");
    default: return new UserFileError(path, "io", err.code ? (err.message ?? "").split(",")[0] : String(e));
  }
}

function check(path: string, st: Stats, lim: UserFileLimit): void {
  if (!st.isFile()) throw new UserFileError(path, "type", `it is ${fileKind(st)}, not a regular file`);
  if (st.size > lim.maxBytes) throw new UserFileError(path, "size", `it is ${formatSizeApprox(st.size)}, more than ${lim.limit}`);
}

/** Open `path`, check it and return its fd and size; the caller reads and closes. */
function openCheckedSync(path: string, lim: UserFileLimit): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(path, USER_OPEN_FLAGS);
  } catch (e) {
    throw fileErrnoError(path, e);
  }
  try {
    const st = fstatSync(fd);
    check(path, st, lim);
    return { fd, size: st.size };
  } catch (e) {
    closeSync(fd);
    throw e instanceof UserFileError ? e : fileErrnoError(path, e);
  }
}

// Reads up to buf.length bytes from the start; fewer when the file shrank meanwhile. A file that
// grew is read only as far as the size that was checked.
export function readAllSync(path: string, fd: number, buf: Buffer): Buffer {
  let done = 0;
  try {
    while (done < buf.length) {
      const n = readSync(fd, buf, done, Math.min(CHUNK, buf.length - done), done);
      if (n === 0) break;
      done += n;
    }
  } catch (e) {
    throw fileErrnoError(path, e);
  }
  return done === buf.length ? buf : buf.subarray(0, done);
}

/** The whole of a user-named regular file, at most `lim.maxBytes`. Throws UserFileError. */
export function readUserFileSync(path: string, lim: UserFileLimit): Buffer {
  const { fd, size } = openCheckedSync(path, lim);
  try {
    return readAllSync(path, fd, Buffer.allocUnsafe(size));
  } finally {
    closeSync(fd);
  }
}

/** The first `n` bytes of a user-named regular file and its size (headers: the rest is not read). */
export function userFileHead(path: string, lim: UserFileLimit, n: number): { head: Buffer; size: number } {
  const { fd, size } = openCheckedSync(path, lim);
  try {
    return { head: readAllSync(path, fd, Buffer.allocUnsafe(Math.min(n, size))), size };
  } finally {
    closeSync(fd);
  }
}

/**
 * readUserFileSync off the event loop: open, fstat and every read run on libuv's thread pool, so
 * a daemon reading a large file keeps answering other requests.
 */
export async function readUserFile(path: string, lim: UserFileLimit): Promise<Buffer> {
  let fh: FileHandle;
  try {
    fh = await open(path, USER_OPEN_FLAGS);
  } catch (e) {
    throw fileErrnoError(path, e);
  }
  try {
    const st = await fh.stat();
    check(path, st, lim);
    const buf = Buffer.allocUnsafe(st.size);
    let done = 0;
    while (done < buf.length) {
      const { bytesRead } = await fh.read(buf, done, Math.min(CHUNK, buf.length - done), done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === buf.length ? buf : buf.subarray(0, done);
  } catch (e) {
    throw e instanceof UserFileError ? e : fileErrnoError(path, e);
  } finally {
    await fh.close().catch(() => undefined);
  }
}
