// Generated vectors for the flag-setting integer instructions of A64: a program that runs each
// instruction on edge and random operands from a random NZCV, and prints the result and the NZCV
// after it, one line per vector. The same program runs on the A64 core and under qemu-aarch64
// (a64-flags.test.ts): the two outputs must be identical.

/** A deterministic generator (xorshift64*), so a failing vector is the same on every run. */
export function rng(seed: bigint): () => bigint {
  let s = seed || 1n;
  const M = (1n << 64n) - 1n;
  return () => {
    s ^= s >> 12n;
    s ^= (s << 25n) & M;
    s ^= s >> 27n;
    return (s * 0x2545f4914f6cdd1dn) & M;
  };
}

const EDGES = [0n, 1n, 2n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn,
  0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xfffffffffffffffen, 0xffffffffffffffffn];

const COND = ["eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"];

export interface Vector {
  /** The instruction under test: reads x1, x2 (or w1, w2), writes x3 (or only NZCV). */
  insn: string;
  a: bigint;
  b: bigint;
  /** NZCV before it (4 bits). */
  nzcv: number;
}

/** `count` vectors per instruction form, edges first, then random operands. */
export function flagVectors(count: number, seed = 0x5eedn): Vector[] {
  const r = rng(seed);
  const operand = (i: number) => (i < EDGES.length ? EDGES[i]! : (r() >> (r() & 1n ? 0n : r() % 64n)));
  const out: Vector[] = [];
  const forms: ((i: number) => string)[] = [];
  for (const w of ["x", "w"]) {
    for (const op of ["adds", "subs", "adcs", "sbcs", "ands", "bics"]) forms.push(() => `${op} ${w}3, ${w}1, ${w}2`);
    for (const op of ["adds", "subs"]) {
      forms.push(() => `${op} ${w}3, ${w}1, #${Number(r() % 4096n)}${r() & 1n ? ", lsl #12" : ""}`);
      forms.push(() => `${op} ${w}3, ${w}1, ${w}2, ${["lsl", "lsr", "asr"][Number(r() % 3n)]} #${Number(r() % (w === "x" ? 64n : 32n))}`);
      forms.push(() => {
        const ext = ["uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx"][Number(r() % 8n)]!;
        const m = w === "x" && !ext.endsWith("x") ? "w2" : `${w}2`;
        return `${op} ${w}3, ${w}1, ${m}, ${ext} #${Number(r() % 5n)}`;
      });
    }
    forms.push(() => `ands ${w}3, ${w}1, ${w}2, ror #${Number(r() % (w === "x" ? 64n : 32n))}`);
    for (const op of ["ccmp", "ccmn"]) {
      forms.push(() => `${op} ${w}1, ${w}2, #${Number(r() % 16n)}, ${COND[Number(r() % 16n)]}`);
      forms.push(() => `${op} ${w}1, #${Number(r() % 32n)}, #${Number(r() % 16n)}, ${COND[Number(r() % 16n)]}`);
    }
    forms.push(() => `ngcs ${w}3, ${w}2`);
  }
  for (const form of forms) {
    for (let i = 0; i < count; i++) {
      out.push({ insn: form(i), a: operand(i), b: i < EDGES.length ? operand(EDGES.length - 1 - i) : operand(i), nzcv: Number(r() % 16n) });
    }
  }
  return out;
}

/** The test program: for each vector, x3 (cleared first) and NZCV after the instruction, as "<x3> <nzcv>". */
export function flagProgram(vectors: Vector[]): string {
  const lines = ["    .text", "    .globl test_main", "test_main:", "    mov x21, x30"];
  vectors.forEach((v, i) => {
    lines.push(`    // vector ${i}`, `    ldr x1, =0x${v.a.toString(16)}`, `    ldr x2, =0x${v.b.toString(16)}`, "    mov x3, #0",
      `    mov x26, #0x${v.nzcv.toString(16)}0000000`, "    msr nzcv, x26", `    ${v.insn}`, "    bl report");
    if (i % 200 === 199) lines.push("    b 1f", "    .ltorg", "1:");
  });
  lines.push("    mov x30, x21", "    ret", "",
    "report:",
    "    mrs x20, nzcv",
    "    mov x19, x3",
    "    mov x22, x30",
    "    mov x0, x19",
    "    bl puthex",
    "    mov x0, #' '",
    "    bl putc",
    "    lsr x0, x20, #28",
    "    bl puthex",
    "    mov x0, #'\\n'",
    "    bl putc",
    "    ret x22",
    "    .ltorg", "");
  return lines.join("\n");
}
