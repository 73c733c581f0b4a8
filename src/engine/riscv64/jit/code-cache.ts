// The JIT's persistent code cache: the compiled blocks of one vCPU of one zone, kept on disk
// between boots, so a second boot of the same guest binds its hot code before it gets hot instead
// of interpreting it until the compiler catches up. What is kept is the compiler's *output*
// (wasm function bodies) with the guest bytes each was compiled from; nothing is trusted by key:
// an entry is used only where guest memory holds exactly those bytes at that address (checked
// by the compiler thread against its armed copy of the page, and again at bind time, the same
// rules as for freshly compiled code). Files are per zone and per vCPU, written by this user
// only (0600 in a 0700 directory), bounded in size and count, and a file that does not parse is
// ignored as a whole (a checksum covers it).
import { createHash } from "node:crypto";
import {
  closeSync, constants, fstatSync, futimesSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync,
  statSync, unlinkSync, writeSync,
} from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { O_CLOEXEC, readAllSync } from "../../../host/user-file.js";
import * as L from "../layout.js";

/** One cached block: where it starts, what it was compiled from, and the compiled function. */
export interface CachedCode {
  host: number; // wasm address of the entry instruction
  set: number; // TLB set
  start: number; // wasm address of code[0]
  insns: number;
  code: Uint8Array; // the guest bytes the function was compiled from (one page at most)
  fn: Uint8Array; // the function's entry in a wasm code section (see wasm-writer.ts funcEntry)
}

/**
 * Bounds: a guest decides how much code it runs; the cache holds the most recent part of it.
 * A vCPU holds at most two files' worth (the one it loaded, the one it will save): 16 MiB, a
 * quarter of its engine allowance (zone/partition.ts).
 */
export const CACHE_MAX_BLOCKS = 16384;
export const CACHE_MAX_BYTES = 8 * 1024 * 1024;
/** Files kept in the cache directory (one per zone and vCPU); the least recently written go. */
export const CACHE_MAX_FILES = 32;
const MAGIC = "TSVJIT02";
const HEAD = 8 + 32 + 8 + 32; // magic, compiler key, hart base + count, sha256 of the rest
const ENTRY_HEAD = 24; // host, set, start, insns, code length, fn length
const CACHE_FILE_MAX = HEAD + CACHE_MAX_BLOCKS * ENTRY_HEAD + CACHE_MAX_BYTES;

/**
 * Where tsvisor keeps caches: TSVISOR_CACHE_DIR, else $XDG_CACHE_HOME/tsvisor, else
 * ~/.cache/tsvisor. Throws a one-line message for a path that is not absolute.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.TSVISOR_CACHE_DIR ?? join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "tsvisor");
  if (!isAbsolute(root)) throw new Error(`TSVISOR_CACHE_DIR: "${root}" is not an absolute path: give one, e.g. /var/cache/tsvisor`);
  return root;
}

/**
 * TSVISOR_JIT_CACHE=off turns the cache off (a zone then compiles everything afresh, as on its
 * first boot). Also checks where the cache would be (a bad TSVISOR_CACHE_DIR stops the zone at
 * start with one line, not a vCPU later).
 */
export function jitCacheEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.TSVISOR_JIT_CACHE ?? "on";
  if (v !== "on" && v !== "off") throw new Error(`TSVISOR_JIT_CACHE: "${v}" is not a cache mode: use on or off`);
  if (v === "on") cacheRoot(env);
  return v === "on";
}

/** The cache file of vCPU `hart` of the zone that `identity` names (zone name, kernel, memory size). */
export function cacheFile(identity: string, hart: number, env: NodeJS.ProcessEnv = process.env): string {
  const h = createHash("sha256").update(identity).digest("hex").slice(0, 24);
  return join(cacheRoot(env), "jit", `${h}.hart${hart}.bin`);
}

/**
 * What the cached functions depend on besides guest bytes: the compiler's own code, the memory
 * layout it addresses and the core it calls back into (its RVC table, its helper's answers).
 * Computed when this module loads — in the vCPU thread and in the compiler thread, each from the
 * files it runs — so that code compiled by one build is never saved under another's key.
 */
export const COMPILER_KEY: Buffer = (() => {
  const h = createHash("sha256");
  for (const f of ["./compile-block.js", "./emitter.js", "./wasm-writer.js", "../layout.js", "../../exit.js",
    "../../../../../build/riscv64.wasm"]) {
    h.update(readFileSync(new URL(f, import.meta.url)));
  }
  return h.digest();
})();

const myUid = () => process.geteuid?.() ?? 0;

/** A cache file's bytes (in shared memory: the compiler thread parses the very same bytes), or why there are none. */
export type CacheRead = { bytes: Uint8Array } | { bytes: null; problem: string };

/**
 * Read the cache file (absent: no bytes and no problem). Only a regular file of this user's that
 * nobody else may write is read — its wasm runs in the zone — and never through a symbolic link.
 */
export function readCache(path: string): CacheRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | O_CLOEXEC);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { bytes: null, problem: code === "ENOENT" ? "" : `JIT cache ${path} not read: ${code === "ELOOP" ? "it is a symbolic link" : code}` };
  }
  try {
    const st = fstatSync(fd);
    const why = !st.isFile() ? "not a regular file"
      : st.uid !== myUid() && st.uid !== 0 ? `owned by uid ${st.uid}, not by you`
      : (st.mode & 0o022) !== 0 ? `others may write it (mode ${(st.mode & 0o777).toString(8)})`
      : st.size > CACHE_FILE_MAX ? `${st.size} bytes, more than a cache file has` : "";
    if (why) return { bytes: null, problem: `JIT cache ${path} not used: ${why}` };
    const bytes = readAllSync(path, fd, Buffer.from(new SharedArrayBuffer(st.size)));
    // Used: it stays among the newest files of the directory (pruneCacheDir).
    const now = new Date();
    futimesSync(fd, now, now);
    return { bytes };
  } catch (e) {
    return { bytes: null, problem: `JIT cache ${path} not read: ${(e as Error).message}` };
  } finally {
    closeSync(fd);
  }
}

/**
 * The blocks in a cache file's bytes; none if they were made by another compiler (stale, not
 * wrong: no problem) or do not parse (problem says why; the file is ignored as a whole).
 * Deterministic: the vCPU thread and its compiler thread parse the same bytes into the same list,
 * so the compiler's answers can name a cached block by its index.
 */
export function parseCache(buf: Uint8Array, hartBase: number, ramSize: number): { blocks: CachedCode[]; problem: string } {
  const bad = (why: string) => ({ blocks: [], problem: `JIT cache ignored: ${why}` });
  if (buf.length < HEAD || Buffer.from(buf.buffer, buf.byteOffset, 8).toString("latin1") !== MAGIC) return bad("not a tsvisor JIT cache");
  if (Buffer.compare(buf.subarray(8, 40), COMPILER_KEY) !== 0) return { blocks: [], problem: "" };
  const sum = createHash("sha256").update(buf.subarray(HEAD)).digest();
  if (Buffer.compare(buf.subarray(48, 80), sum) !== 0) return bad("its checksum does not match (damaged)");
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.length);
  if (dv.getUint32(40, true) !== hartBase) return bad("made for another vCPU");
  const count = dv.getUint32(44, true);
  if (count > CACHE_MAX_BLOCKS) return bad(`${count} blocks, more than ${CACHE_MAX_BLOCKS}`);
  const blocks: CachedCode[] = [];
  const ramEnd = L.GUEST_RAM_OFF + ramSize;
  let off = HEAD;
  for (let i = 0; i < count; i++) {
    if (off + ENTRY_HEAD > buf.length) return bad("truncated");
    const host = dv.getUint32(off, true);
    const set = dv.getUint32(off + 4, true);
    const start = dv.getUint32(off + 8, true);
    const insns = dv.getUint32(off + 12, true);
    const codeLen = dv.getUint32(off + 16, true);
    const fnLen = dv.getUint32(off + 20, true);
    off += ENTRY_HEAD;
    const page = host - (host % 4096);
    // The compiler reads one page: code from elsewhere is not something it made.
    const sane = host >= L.GUEST_RAM_OFF && host < ramEnd && set < L.TLB_SETS && start >= page && start <= host &&
      codeLen > 0 && start + codeLen <= page + 4096 && insns > 0 && fnLen > 0 && off + codeLen + fnLen <= buf.length;
    if (!sane) return bad(`block ${i} is malformed`);
    blocks.push({ host, set, start, insns, code: buf.subarray(off, off + codeLen), fn: buf.subarray(off + codeLen, off + codeLen + fnLen) });
    off += codeLen + fnLen;
  }
  return { blocks, problem: "" };
}

/**
 * Write the blocks (most recent last; the oldest beyond the bounds are left out) under the
 * compiler key they were made with: written piece by piece to a new file, then renamed over the
 * old one (a reader sees the old file or the new one, never half of one). Throws on I/O errors;
 * the temporary file is removed then.
 */
export function saveCache(path: string, hartBase: number, blocks: CachedCode[], key: Uint8Array = COMPILER_KEY): void {
  let bytes = 0;
  let from = blocks.length;
  while (from > 0 && blocks.length - from < CACHE_MAX_BLOCKS) {
    const b = blocks[from - 1];
    if (bytes + b.code.length + b.fn.length > CACHE_MAX_BYTES) break;
    bytes += b.code.length + b.fn.length;
    from--;
  }
  const kept = blocks.slice(from);
  const heads = Buffer.alloc(kept.length * ENTRY_HEAD);
  kept.forEach((b, i) => {
    [b.host, b.set, b.start, b.insns, b.code.length, b.fn.length].forEach((v, j) => heads.writeUInt32LE(v, i * ENTRY_HEAD + j * 4));
  });
  // The body as written: each entry's head, code and function.
  const body = function* (): Generator<Uint8Array> {
    for (let i = 0; i < kept.length; i++) {
      yield heads.subarray(i * ENTRY_HEAD, (i + 1) * ENTRY_HEAD);
      yield kept[i].code;
      yield kept[i].fn;
    }
  };
  const sum = createHash("sha256");
  for (const part of body()) sum.update(part);
  const head = Buffer.alloc(HEAD);
  head.write(MAGIC, 0, "latin1");
  head.set(key, 8);
  head.writeUInt32LE(hartBase, 40);
  head.writeUInt32LE(kept.length, 44);
  sum.digest().copy(head, 48);

  const dir = join(path, "..");
  privateDir(dir);
  const tmp = `${path}.${process.pid}.${Math.floor(Math.random() * 1e9)}.tmp`;
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW | O_CLOEXEC, 0o600);
  try {
    try {
      writeAll(fd, head);
      for (const part of body()) writeAll(fd, part);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw e;
  }
  pruneCacheDir(dir);
}

function writeAll(fd: number, b: Uint8Array): void {
  for (let off = 0; off < b.length;) off += writeSync(fd, b, off, b.length - off);
}

/** Make the cache directory (0700) if needed; refuse one that is not this user's own and private. */
function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== myUid() || (st.mode & 0o077) !== 0) {
    throw new Error(`${dir} is not a private directory of yours (mode ${(st.mode & 0o777).toString(8)}, uid ${st.uid}): ` +
      "remove it, or set TSVISOR_CACHE_DIR");
  }
}

/**
 * Keep the newest CACHE_MAX_FILES files (zones come and go; their caches must not pile up; a
 * file read at a boot counts as new) and no temporary file older than an hour (a writer killed
 * mid-write leaves one).
 */
function pruneCacheDir(dir: string): void {
  const files = readdirSync(dir).map((f) => {
    try {
      return { f, t: statSync(join(dir, f)).mtimeMs };
    } catch {
      return { f, t: 0 }; // removed meanwhile
    }
  });
  const caches = files.filter((x) => x.f.endsWith(".bin")).sort((a, b) => b.t - a.t);
  const stale = files.filter((x) => x.f.endsWith(".tmp") && x.t < Date.now() - 3600_000);
  for (const { f } of [...caches.slice(CACHE_MAX_FILES), ...stale]) {
    try {
      unlinkSync(join(dir, f));
    } catch {
      // another zone's process pruned it first
    }
  }
}
