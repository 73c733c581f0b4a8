// Minimal WebAssembly binary writer for JIT blocks: modules of block functions importing the
// zone's shared memory and the core's helpers. Only the opcodes the block compiler uses.

export const enum Op {
  unreachable = 0x00, block = 0x02, loop = 0x03, if_ = 0x04, else_ = 0x05, end = 0x0b, br = 0x0c, br_if = 0x0d,
  br_table = 0x0e, return_ = 0x0f, call = 0x10,
  drop = 0x1a, select = 0x1b,
  local_get = 0x20, local_set = 0x21, local_tee = 0x22,
  i32_load = 0x28, i64_load = 0x29, i32_load8_u = 0x2d, i64_load8_s = 0x30, i64_load8_u = 0x31, i64_load16_s = 0x32, i64_load16_u = 0x33,
  i64_load32_s = 0x34, i64_load32_u = 0x35, i32_store = 0x36, i64_store = 0x37, i64_store8 = 0x3c, i64_store16 = 0x3d,
  i64_store32 = 0x3e,
  i32_const = 0x41, i64_const = 0x42,
  i32_eqz = 0x45, i32_eq = 0x46, i32_ne = 0x47, i32_lt_s = 0x48, i32_lt_u = 0x49, i32_gt_u = 0x4b,
  i32_ge_u = 0x4f,
  i64_eqz = 0x50, i64_eq = 0x51, i64_ne = 0x52, i64_lt_s = 0x53, i64_lt_u = 0x54, i64_gt_s = 0x55, i64_gt_u = 0x56,
  i64_le_s = 0x57, i64_ge_s = 0x59, i64_ge_u = 0x5a,
  i32_clz = 0x67, i32_ctz = 0x68, i32_popcnt = 0x69, i32_add = 0x6a, i32_sub = 0x6b, i32_mul = 0x6c, i32_div_s = 0x6d,
  i32_div_u = 0x6e, i32_rem_s = 0x6f, i32_rem_u = 0x70, i32_and = 0x71, i32_or = 0x72, i32_xor = 0x73, i32_shl = 0x74,
  i32_shr_s = 0x75, i32_shr_u = 0x76, i32_rotl = 0x77, i32_rotr = 0x78,
  i64_clz = 0x79, i64_ctz = 0x7a, i64_popcnt = 0x7b, i64_add = 0x7c, i64_sub = 0x7d, i64_mul = 0x7e, i64_div_s = 0x7f,
  i64_div_u = 0x80, i64_rem_s = 0x81, i64_rem_u = 0x82, i64_and = 0x83, i64_or = 0x84, i64_xor = 0x85, i64_shl = 0x86,
  i64_shr_s = 0x87, i64_shr_u = 0x88, i64_rotl = 0x89, i64_rotr = 0x8a,
  i32_wrap_i64 = 0xa7, i64_extend_i32_s = 0xac, i64_extend_i32_u = 0xad,
  i64_extend8_s = 0xc2, i64_extend16_s = 0xc3, i64_extend32_s = 0xc4,
}

export const I32 = 0x7f;
export const I64 = 0x7e;

/** Growable byte buffer with LEB128 helpers. */
export class Bytes {
  private buf = new Uint8Array(256);
  length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const n = new Uint8Array(Math.max(this.buf.length * 2, this.length + extra));
    n.set(this.buf.subarray(0, this.length));
    this.buf = n;
  }
  byte(b: number): this {
    if (this.length === this.buf.length) this.reserve(1);
    this.buf[this.length++] = b;
    return this;
  }
  /** Append bytes (one bulk copy: module assembly copies whole function bodies). */
  bytes(a: Uint8Array | readonly number[]): this {
    this.reserve(a.length);
    this.buf.set(a, this.length);
    this.length += a.length;
    return this;
  }
  u32(v: number): this {
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.byte(b);
    } while (v !== 0);
    return this;
  }
  s32(v: number): this {
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }
  s64(v: bigint): this {
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }
  /** Signed 64-bit constant given as a JS number in the safe-integer range. */
  s64n(v: number): this {
    if (Number.isSafeInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) return this.s32(v);
    return this.s64(BigInt(v));
  }
  get view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/**
 * A Bytes that keeps nothing: the region compiler's dry run (which superblocks form a region)
 * goes through the same emitter as the real compile, without the cost of writing code.
 */
export class NoBytes extends Bytes {
  override byte(): this {
    return this;
  }
  override bytes(): this {
    return this;
  }
  override u32(): this {
    return this;
  }
  override s32(): this {
    return this;
  }
  override s64(): this {
    return this;
  }
  override s64n(): this {
    return this;
  }
}

function section(out: Bytes, id: number, body: Bytes): void {
  out.byte(id).u32(body.length).bytes(body.view);
}

/** One function of a block module: its extra locals and its body (ending with `end`). */
export interface FuncBody {
  locals: { count: number; type: number }[];
  body: Bytes;
}

/**
 * A function as it stands in a module's code section: its locals and body, size-prefixed. Built
 * once per compiled block; modules are put together from these (also from the code cache).
 */
export function funcEntry(f: FuncBody): Uint8Array<ArrayBuffer> {
  const fn = new Bytes().u32(f.locals.length);
  for (const l of f.locals) fn.u32(l.count).byte(l.type);
  fn.bytes(f.body.view);
  return new Uint8Array(new Bytes().u32(fn.length).bytes(fn.view).view);
}

/**
 * A module exporting functions "0", "1", ... of type (i64) -> i64 (`funcs`: their funcEntry
 * bytes), importing env.memory as shared memory with the given limits and the helpers `imports`
 * names (each (i32) -> i32, function indices 0, 1, ... in that order). Batching blocks into one
 * module amortises compile cost.
 */
export function blockModule(funcs: Uint8Array[], minPages: number, maxPages: number, imports: string[] = []): Uint8Array<ArrayBuffer> {
  const out = new Bytes();
  out.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  // types: 0 = (i64) -> i64 (blocks), 1 = (i32) -> i32 (helpers)
  section(out, 1, new Bytes().u32(2).byte(0x60).u32(1).byte(I64).u32(1).byte(I64).byte(0x60).u32(1).byte(I32).u32(1).byte(I32));
  const imp = new Bytes().u32(1 + imports.length);
  const name = (b: Bytes, s: string) => b.u32(s.length).bytes(Buffer.from(s));
  name(name(imp, "env"), "memory");
  imp.byte(0x02).byte(0x03).u32(minPages).u32(maxPages); // memory, shared with max
  for (const f of imports) name(name(imp, "env"), f).byte(0x00).u32(1);
  section(out, 2, imp);
  const fsec = new Bytes().u32(funcs.length);
  for (let i = 0; i < funcs.length; i++) fsec.u32(0);
  section(out, 3, fsec);
  const exp = new Bytes().u32(funcs.length);
  for (let i = 0; i < funcs.length; i++) name(exp, String(i)).byte(0x00).u32(imports.length + i);
  section(out, 7, exp);
  const code = new Bytes().u32(funcs.length);
  for (const f of funcs) code.bytes(f);
  section(out, 10, code);
  return new Uint8Array(out.view);
}
