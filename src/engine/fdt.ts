// Flattened Device Tree (DTB, format version 17) writer, per the Devicetree Specification
// chapter 5. Layout produced: header | memory reservation block | struct block | strings block.
// All values are big-endian. Errors are thrown eagerly so a malformed tree never reaches a guest.

export const FDT_MAGIC = 0xd00dfeed;
export const FDT_VERSION = 17;
export const FDT_LAST_COMP_VERSION = 16;
export const FDT_HEADER_SIZE = 40;

export const FDT_BEGIN_NODE = 0x1;
export const FDT_END_NODE = 0x2;
export const FDT_PROP = 0x3;
export const FDT_NOP = 0x4;
export const FDT_END = 0x9;

// Spec 2.2.1 / 2.2.4: allowed characters and a 31-character limit for names.
const NODE_NAME_RE = /^[A-Za-z][A-Za-z0-9,._+-]{0,30}$/;
const UNIT_ADDR_RE = /^[A-Za-z0-9,._+-]+$/;
const PROP_NAME_RE = /^[A-Za-z0-9,._+?#-]{1,31}$/;

const MAX_U32 = 0xffffffff;
const TWO_32 = 0x1_0000_0000;

/** Split a 64-bit value into [high, low] 32-bit cells. */
export function u64Cells(value: number | bigint): [number, number] {
  if (typeof value === "bigint") {
    if (value < 0n || value > 0xffff_ffff_ffff_ffffn) throw new Error(`fdt: ${value} is not a u64`);
    return [Number(value >> 32n), Number(value & 0xffff_ffffn)];
  }
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`fdt: ${value} is not a non-negative safe integer (use a bigint above 2^53)`);
  }
  return [Math.floor(value / TWO_32), value % TWO_32];
}

function checkU32(what: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > MAX_U32) throw new Error(`fdt: ${what}: ${v} is not a u32`);
}

/** Growable big-endian byte buffer. */
class Sink {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, v >>> 0);
    this.length += 4;
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  pad4(): void {
    const n = (4 - (this.length & 3)) & 3;
    this.reserve(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
  }
  data(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

interface OpenNode {
  path: string;
  hasChild: boolean;
  props: Set<string>;
  children: Set<string>;
}

const utf8 = new TextEncoder();

function encodeString(what: string, s: string): Uint8Array {
  if (s.includes("\0")) throw new Error(`fdt: ${what}: string contains a NUL character`);
  const enc = utf8.encode(s);
  const out = new Uint8Array(enc.length + 1);
  out.set(enc);
  return out;
}

/**
 * Builds one device tree. Usage: beginNode("") for the root, properties, child nodes, endNode()
 * for every beginNode, then finish(). Properties of a node must precede its children (spec 5.4).
 */
export class FdtBuilder {
  private readonly struct = new Sink();
  private readonly strings = new Sink();
  private readonly stringOffsets = new Map<string, number>();
  private readonly memReserve: [number, number, number, number][] = [];
  private readonly stack: OpenNode[] = [];
  private rootDone = false;
  private result: Uint8Array | undefined;
  private bootCpuid = 0;
  private nextPhandle = 1;
  private readonly labels = new Map<string, { phandle: number; defined: boolean }>();

  /** Physical id of the boot CPU (header field boot_cpuid_phys). */
  setBootCpuidPhys(id: number): this {
    this.checkOpen();
    checkU32("boot_cpuid_phys", id);
    this.bootCpuid = id;
    return this;
  }

  /** Adds a /memreserve/ entry (memory the OS must not use). */
  addMemReserve(address: number | bigint, size: number | bigint): this {
    this.checkOpen();
    const [ah, al] = u64Cells(address);
    const [sh, sl] = u64Cells(size);
    if (sh === 0 && sl === 0) throw new Error("fdt: memory reservation with size 0 would terminate the list");
    this.memReserve.push([ah, al, sh, sl]);
    return this;
  }

  /** Opens a node; name is "" for the root, otherwise "node-name[@unit-address]". */
  beginNode(name: string): this {
    this.checkOpen();
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) {
      if (this.rootDone) throw new Error("fdt: only one root node is allowed");
      if (name !== "") throw new Error(`fdt: the root node must be named "" (got "${name}")`);
    } else {
      validateNodeName(name, parent.path);
      if (parent.children.has(name)) throw new Error(`fdt: duplicate node ${joinPath(parent.path, name)}`);
      parent.children.add(name);
      parent.hasChild = true;
    }
    this.struct.u32(FDT_BEGIN_NODE);
    this.struct.bytes(encodeString("node name", name));
    this.struct.pad4();
    const path = parent === undefined ? "/" : joinPath(parent.path, name);
    this.stack.push({ path, hasChild: false, props: new Set(), children: new Set() });
    return this;
  }

  endNode(): this {
    this.checkOpen();
    const node = this.stack.pop();
    if (node === undefined) throw new Error("fdt: endNode() without a matching beginNode()");
    this.struct.u32(FDT_END_NODE);
    if (this.stack.length === 0) this.rootDone = true;
    return this;
  }

  /** Path of the node currently open, e.g. "/soc/serial@10000000". */
  get currentPath(): string {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) throw new Error("fdt: no node is open");
    return top.path;
  }

  propBytes(name: string, value: Uint8Array): this {
    this.checkOpen();
    const node = this.stack[this.stack.length - 1];
    if (node === undefined) throw new Error(`fdt: property "${name}" outside any node`);
    if (!PROP_NAME_RE.test(name)) throw new Error(`fdt: bad property name "${name}" in ${node.path}`);
    if (node.hasChild) {
      throw new Error(`fdt: property "${name}" in ${node.path} must come before its child nodes`);
    }
    if (node.props.has(name)) throw new Error(`fdt: duplicate property "${name}" in ${node.path}`);
    node.props.add(name);
    this.struct.u32(FDT_PROP);
    this.struct.u32(value.length);
    this.struct.u32(this.stringOffset(name));
    this.struct.bytes(value);
    this.struct.pad4();
    return this;
  }

  /** Boolean property (present with no value), e.g. "interrupt-controller". */
  propEmpty(name: string): this {
    return this.propBytes(name, new Uint8Array(0));
  }

  propU32(name: string, value: number): this {
    return this.propCells(name, [value]);
  }

  /** A <prop-encoded-array> of 32-bit cells. */
  propCells(name: string, cells: readonly number[]): this {
    const out = new Uint8Array(cells.length * 4);
    const view = new DataView(out.buffer);
    cells.forEach((c, i) => {
      checkU32(`property "${name}" cell ${i}`, c);
      view.setUint32(i * 4, c);
    });
    return this.propBytes(name, out);
  }

  /** A 64-bit value as two cells (high first). */
  propU64(name: string, value: number | bigint): this {
    return this.propCells(name, u64Cells(value));
  }

  propString(name: string, value: string): this {
    return this.propBytes(name, encodeString(`property "${name}"`, value));
  }

  /** A <stringlist>: NUL-terminated strings back to back. */
  propStrings(name: string, values: readonly string[]): this {
    if (values.length === 0) throw new Error(`fdt: string list "${name}" is empty`);
    const parts = values.map((v) => encodeString(`property "${name}"`, v));
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return this.propBytes(name, out);
  }

  /** A fresh, unused phandle value (for callers tracking phandles themselves). */
  allocPhandle(): number {
    this.checkOpen();
    if (this.nextPhandle >= MAX_U32) throw new Error("fdt: out of phandles");
    return this.nextPhandle++;
  }

  /** The phandle for `label`, allocated on first use; may be referenced before it is defined. */
  ref(label: string): number {
    let entry = this.labels.get(label);
    if (entry === undefined) {
      entry = { phandle: this.allocPhandle(), defined: false };
      this.labels.set(label, entry);
    }
    return entry.phandle;
  }

  /** Gives the open node the phandle for `label` (writes its "phandle" property). */
  phandle(label: string): number {
    const value = this.ref(label);
    const entry = this.labels.get(label)!;
    if (entry.defined) throw new Error(`fdt: label "${label}" is already defined`);
    this.propU32("phandle", value);
    entry.defined = true;
    return value;
  }

  /** Serialises the tree. Further mutation is rejected; calling again returns the same bytes. */
  finish(): Uint8Array {
    if (this.result !== undefined) return this.result;
    if (this.stack.length !== 0) {
      throw new Error(`fdt: ${this.stack.length} node(s) still open (innermost ${this.currentPath})`);
    }
    if (!this.rootDone) throw new Error("fdt: the tree has no root node");
    const dangling = [...this.labels].filter(([, e]) => !e.defined).map(([l]) => l);
    if (dangling.length > 0) throw new Error(`fdt: phandle label(s) referenced but never defined: ${dangling.join(", ")}`);

    this.struct.u32(FDT_END);
    const struct = this.struct.data();
    const strings = this.strings.data();
    const offRsv = FDT_HEADER_SIZE; // 8-byte aligned as the spec requires
    const offStruct = offRsv + 16 * (this.memReserve.length + 1);
    const offStrings = offStruct + struct.length;
    const total = offStrings + strings.length;

    const out = new Uint8Array(total);
    const v = new DataView(out.buffer);
    const header = [
      FDT_MAGIC, total, offStruct, offStrings, offRsv,
      FDT_VERSION, FDT_LAST_COMP_VERSION, this.bootCpuid, strings.length, struct.length,
    ];
    header.forEach((word, i) => v.setUint32(i * 4, word));
    this.memReserve.forEach((cells, i) => cells.forEach((c, j) => v.setUint32(offRsv + i * 16 + j * 4, c)));
    // The terminating all-zero entry is already zero.
    out.set(struct, offStruct);
    out.set(strings, offStrings);
    this.result = out;
    return out;
  }

  private stringOffset(name: string): number {
    let off = this.stringOffsets.get(name);
    if (off === undefined) {
      off = this.strings.length;
      this.strings.bytes(encodeString("property name", name));
      this.stringOffsets.set(name, off);
    }
    return off;
  }

  private checkOpen(): void {
    if (this.result !== undefined) throw new Error("fdt: builder already finished");
  }
}

function joinPath(parent: string, name: string): string {
  return parent === "/" ? `/${name}` : `${parent}/${name}`;
}

function validateNodeName(name: string, parentPath: string): void {
  const at = name.indexOf("@");
  const base = at < 0 ? name : name.slice(0, at);
  const unit = at < 0 ? undefined : name.slice(at + 1);
  const ok = NODE_NAME_RE.test(base) && (unit === undefined || UNIT_ADDR_RE.test(unit));
  if (!ok) throw new Error(`fdt: bad node name "${name}" under ${parentPath}`);
}
