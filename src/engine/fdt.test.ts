import { test } from "node:test";
import assert from "node:assert/strict";
import {
  FdtBuilder,
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_MAGIC,
  FDT_PROP,
  u64Cells,
} from "./fdt.js";

const words = (b: Uint8Array, off: number, n: number): number[] => {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: n }, (_, i) => v.getUint32(off + i * 4));
};
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
/** Big-endian word for up to four ASCII bytes, NUL-padded on the right. */
const chars = (s: string): number => ascii(s.padEnd(4, "\0")).reduce((w, c) => w * 256 + c, 0);

function smallTree(): Uint8Array {
  const f = new FdtBuilder().setBootCpuidPhys(3).addMemReserve(0x80000000, 0x1000);
  f.beginNode("").propU32("#address-cells", 2).propString("model", "ab");
  f.beginNode("n@1").propU32("#address-cells", 7).propEmpty("x").endNode();
  f.endNode();
  return f.finish();
}

test("header fields of a small tree", () => {
  const b = smallTree();
  const [magic, total, offStruct, offStrings, offRsv, version, lastComp, boot, sizeStrings, sizeStruct] = words(b, 0, 10);
  assert.equal(magic, FDT_MAGIC);
  assert.equal(offRsv, 40); // right after the 40-byte header, 8-byte aligned
  assert.equal(offStruct, 40 + 2 * 16); // one entry + terminator
  assert.equal(sizeStruct, 88);
  assert.equal(offStrings, offStruct + sizeStruct);
  assert.equal(sizeStrings, "#address-cells\0model\0x\0".length);
  assert.equal(total, offStrings + sizeStrings);
  assert.equal(total, b.length);
  assert.equal(version, 17);
  assert.equal(lastComp, 16);
  assert.equal(boot, 3);
  assert.equal(offStruct % 4, 0);
});

test("memory reservation block", () => {
  const b = smallTree();
  assert.deepEqual(words(b, 40, 8), [0, 0x80000000, 0, 0x1000, 0, 0, 0, 0]);
});

test("struct block token by token", () => {
  const b = smallTree();
  const expected = [
    FDT_BEGIN_NODE, 0, // root: empty name, NUL padded to 4
    FDT_PROP, 4, 0, 2, // #address-cells = <2>, name at strings offset 0
    FDT_PROP, 3, 15, chars("ab"), // model = "ab" (3 bytes incl. NUL, padded)
    FDT_BEGIN_NODE, chars("n@1"), // "n@1\0" fills exactly one word: no pad
    FDT_PROP, 4, 0, 7, // "#address-cells" deduplicated to offset 0
    FDT_PROP, 0, 21, // x; (empty value, no data words)
    FDT_END_NODE,
    FDT_END_NODE,
    FDT_END,
  ];
  assert.deepEqual(words(b, 72, expected.length), expected);
  assert.equal(expected.length * 4, 88);
});

test("strings block is deduplicated and NUL-terminated", () => {
  const b = smallTree();
  assert.deepEqual([...b.subarray(160)], ascii("#address-cells\0model\0x\0"));
});

test("node names longer than a word are padded to 4 bytes", () => {
  const f = new FdtBuilder().beginNode("").beginNode("abcde").endNode().endNode();
  const b = f.finish();
  const offStruct = words(b, 8, 1)[0]!;
  // BEGIN root, "", BEGIN, "abcd", "e\0\0\0", END_NODE, END_NODE, END
  assert.deepEqual(words(b, offStruct, 8), [1, 0, 1, chars("abcd"), chars("e"), 2, 2, 9]);
});

test("typed property encodings", () => {
  const f = new FdtBuilder().beginNode("");
  f.propU64("a", 0x1_2345_6789).propU64("b", 0xffff_ffff_ffff_ffffn).propCells("c", [1, 0xffffffff]);
  f.propStrings("d", ["p", "qr"]).propBytes("e", new Uint8Array([9, 8, 7, 6, 5]));
  const b = f.endNode().finish();
  const offStruct = words(b, 8, 1)[0]!;
  const w = words(b, offStruct + 8, 25);
  assert.deepEqual(w.slice(0, 5), [FDT_PROP, 8, 0, 1, 0x23456789]);
  assert.deepEqual(w.slice(5, 10), [FDT_PROP, 8, 2, 0xffffffff, 0xffffffff]);
  assert.deepEqual(w.slice(10, 15), [FDT_PROP, 8, 4, 1, 0xffffffff]);
  assert.deepEqual(w.slice(15, 19), [FDT_PROP, 5, 6, (0x70 << 24) | (0x71 << 8) | 0x72]); // "p\0qr\0"
  assert.deepEqual(w.slice(19, 21), [0, FDT_PROP]); // pad word of "d", then "e"
  assert.deepEqual(w.slice(21, 25), [5, 8, 0x09080706, 0x05000000]);
  assert.deepEqual(u64Cells(0x8000_0000_0000), [0x8000, 0]);
});

test("phandles: labels resolve forward references and are unique", () => {
  const f = new FdtBuilder().beginNode("");
  const early = f.ref("intc"); // referenced before the node exists
  const other = f.allocPhandle();
  f.beginNode("a").propU32("parent", early).endNode();
  f.beginNode("intc");
  assert.equal(f.phandle("intc"), early);
  f.endNode().endNode();
  assert.notEqual(other, early);
  assert.ok(early >= 1);
  f.finish();
});

test("finish() is idempotent and seals the builder", () => {
  const f = new FdtBuilder().beginNode("").endNode();
  const a = f.finish();
  assert.equal(f.finish(), a);
  assert.throws(() => f.beginNode(""), /already finished/);
  assert.throws(() => f.addMemReserve(0, 1), /already finished/);
});

test("misuse is rejected with clear errors", () => {
  const root = () => new FdtBuilder().beginNode("");
  assert.throws(() => root().beginNode("a").endNode().propU32("late", 1), /must come before its child nodes/);
  assert.throws(() => root().finish(), /still open/);
  assert.throws(() => new FdtBuilder().finish(), /no root/);
  assert.throws(() => new FdtBuilder().endNode(), /without a matching beginNode/);
  assert.throws(() => root().endNode().beginNode(""), /only one root/);
  assert.throws(() => new FdtBuilder().beginNode("cpus"), /root node must be named ""/);
  assert.throws(() => new FdtBuilder().propU32("x", 1), /outside any node/);
  for (const bad of ["", "1cpu", "a/b", "a b", "a@", "a@b@c", "x".repeat(32), "a@x y"]) {
    assert.throws(() => root().beginNode(bad), /bad node name/, bad);
  }
  root().beginNode("x".repeat(31) + "@1234abcd"); // 31 chars plus a unit address is fine
  for (const bad of ["", "a b", "a@b", "p".repeat(32)]) {
    assert.throws(() => root().propEmpty(bad), /bad property name/, bad);
  }
  assert.throws(() => root().propEmpty("a").propU32("a", 1), /duplicate property "a" in \//);
  assert.throws(() => root().beginNode("n").endNode().beginNode("n"), /duplicate node \/n/);
  assert.throws(() => root().propU32("a", 0x1_0000_0000), /not a u32/);
  assert.throws(() => root().propCells("a", [1, -1]), /cell 1: -1 is not a u32/);
  assert.throws(() => root().propU32("a", 1.5), /not a u32/);
  assert.throws(() => root().propU64("a", 2 ** 53), /safe integer/);
  assert.throws(() => root().propU64("a", -1n), /not a u64/);
  assert.throws(() => root().propString("a", "x\0y"), /NUL/);
  assert.throws(() => root().propStrings("a", []), /empty/);
  assert.throws(() => new FdtBuilder().addMemReserve(0x1000, 0), /size 0/);
  assert.throws(() => new FdtBuilder().setBootCpuidPhys(-1), /not a u32/);
  const dangling = root();
  dangling.propU32("interrupt-parent", dangling.ref("plic"));
  assert.throws(() => dangling.endNode().finish(), /never defined: plic/);
  const twice = root();
  twice.phandle("x");
  assert.throws(() => twice.beginNode("b").phandle("x"), /already defined/);
});
