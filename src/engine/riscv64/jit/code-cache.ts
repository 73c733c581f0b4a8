// The JIT's persistent code cache: the compiled blocks of one vCPU of one zone, kept on disk
// between boots, so a second boot of the same guest binds its hot code before it gets hot instead
// of interpreting it until the compiler catches up. What is kept is the compiler's *output*
// (wasm function bodies) with the guest bytes each was compiled from; nothing is trusted by key:
// an entry is used only where guest memory holds exactly those bytes at that address (checked
// by the compiler thread against its armed copy of the page, and again at bind time, the same
// rules as for freshly compiled code). Files are per zone and per vCPU, written by this user
// only (0600 in a 0700 directory), bounded in size and count, and a file that does not parse is
// ignored as a whole.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { readUserFileSharedSync, UserFileError } from "../../../host/user-file.js";
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

/** Bounds: a guest decides how much code it runs; the cache holds the most recent part of it. */
export const CACHE_MAX_BLOCKS = 16384;
export const CACHE_MAX_BYTES = 16 * 1024 * 1024;
/** Files kept in the cache directory (one per zone and vCPU); the least recently written go. */
export const CACHE_MAX_FILES = 32;
const MAGIC = "TSVJIT01";
const HEAD = 8 + 32 + 8; // magic, compiler key, hart base + count
const ENTRY_HEAD = 24; // host, set, start, insns, code length, fn length
const CACHE_FILE_MAX = HEAD + CACHE_MAX_BLOCKS * ENTRY_HEAD + CACHE_MAX_BYTES;

/** Where tsvisor keeps caches: TSVISOR_CACHE_DIR, else $XDG_CACHE_HOME/tsvisor, else ~/.cache/tsvisor. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.TSVISOR_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "tsvisor");
}

/** TSVISOR_JIT_CACHE=off turns the cache off (a zone then compiles everything afresh, as on its first boot). */
export function jitCacheEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.TSVISOR_JIT_CACHE ?? "on";
  if (v === "on" || v === "off") return v === "on";
  throw new Error(`TSVISOR_JIT_CACHE: "${v}" is not a cache mode: use on or off`);
}

/** The cache file of vCPU `hart` of the zone that `identity` names (zone name, kernel, memory size). */
export function cacheFile(identity: string, hart: number, env: NodeJS.ProcessEnv = process.env): string {
  const h = createHash("sha256").update(identity).digest("hex").slice(0, 24);
  return join(cacheRoot(env), "jit", `${h}.hart${hart}.bin`);
}

let compilerKeyMemo: Buffer | undefined;
/**
 * What the cached functions depend on besides guest bytes: the compiler's own code and the memory
 * layout it addresses. A changed compiler makes every older file unusable (and then replaced).
 */
export function compilerKey(): Buffer {
  if (compilerKeyMemo) return compilerKeyMemo;
  const h = createHash("sha256");
  for (const f of ["./compile-block.js", "./emitter.js", "./wasm-writer.js", "../layout.js"]) {
    h.update(readFileSync(new URL(f, import.meta.url)));
  }
  compilerKeyMemo = h.digest();
  return compilerKeyMemo;
}

/** A cache file's bytes (in shared memory: the compiler thread parses the very same bytes), or why there are none. */
export type CacheRead = { bytes: Uint8Array } | { bytes: null; problem: string };

/** Read the cache file (absent: no bytes and no problem). */
export function readCache(path: string): CacheRead {
  try {
    return { bytes: readUserFileSharedSync(path, { maxBytes: CACHE_FILE_MAX, limit: "the JIT cache's bound" }) };
  } catch (e) {
    if (e instanceof UserFileError && e.problem === "missing") return { bytes: null, problem: "" };
    return { bytes: null, problem: `JIT cache ${path} not read: ${(e as Error).message}` };
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
  if (Buffer.compare(buf.subarray(8, 40), compilerKey()) !== 0) return { blocks: [], problem: "" };
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

/** Write the blocks (most recent last; the oldest beyond the bounds are left out) atomically. */
export function saveCache(path: string, hartBase: number, blocks: CachedCode[]): void {
  let bytes = 0;
  let from = blocks.length;
  while (from > 0 && blocks.length - from < CACHE_MAX_BLOCKS) {
    const b = blocks[from - 1];
    if (bytes + b.code.length + b.fn.length > CACHE_MAX_BYTES) break;
    bytes += b.code.length + b.fn.length;
    from--;
  }
  const kept = blocks.slice(from);
  const buf = Buffer.alloc(HEAD + kept.length * ENTRY_HEAD + bytes);
  buf.write(MAGIC, 0, "latin1");
  compilerKey().copy(buf, 8);
  buf.writeUInt32LE(hartBase, 40);
  buf.writeUInt32LE(kept.length, 44);
  let off = HEAD;
  for (const b of kept) {
    for (const v of [b.host, b.set, b.start, b.insns, b.code.length, b.fn.length]) {
      buf.writeUInt32LE(v, off);
      off += 4;
    }
    buf.set(b.code, off);
    buf.set(b.fn, off + b.code.length);
    off += b.code.length + b.fn.length;
  }
  const dir = join(path, "..");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${Math.floor(Math.random() * 1e9)}.tmp`;
  writeFileSync(tmp, buf, { mode: 0o600 });
  renameSync(tmp, path); // a reader sees the old file or the new one, never half of one
  pruneCacheDir(dir);
}

/** Keep the newest CACHE_MAX_FILES files (zones come and go; their caches must not pile up). */
function pruneCacheDir(dir: string): void {
  const files = readdirSync(dir).filter((f) => f.endsWith(".bin")).map((f) => {
    try {
      return { f, t: statSync(join(dir, f)).mtimeMs };
    } catch {
      return { f, t: 0 }; // removed meanwhile
    }
  });
  files.sort((a, b) => b.t - a.t);
  for (const { f } of files.slice(CACHE_MAX_FILES)) {
    try {
      unlinkSync(join(dir, f));
    } catch {
      // another zone's process pruned it first
    }
  }
}
