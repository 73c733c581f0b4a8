import { test } from "node:test";
import assert from "node:assert/strict";
import { Uart16550 } from "./uart16550.js";
import { MemConsole } from "./virtio/mem-backends.js";

const RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

function mk(opts?: { hostQueueBytes?: number }) {
  const irq = { level: false, edges: 0, set(l: boolean) { if (l !== this.level) this.edges++; this.level = l; } };
  const sink = new MemConsole();
  const out = sink.out;
  const uart = new Uart16550(irq, sink, "ttyS0", opts);
  const rd = (o: number) => uart.read(o, 1);
  const wr = (o: number, v: number) => uart.write(o, 1, v);
  return { uart, irq, out, sink, rd, wr };
}

test("8250 autoconfig probe sequence identifies a 16550A", () => {
  const { rd, wr, out } = mk();
  // IER scratch test.
  const saved = rd(IER);
  wr(IER, 0);
  assert.equal(rd(IER) & 0x0f, 0);
  wr(IER, 0x0f);
  assert.equal(rd(IER) & 0x0f, 0x0f);
  wr(IER, saved);
  // Scratch register.
  wr(SCR, 0xa5);
  assert.equal(rd(SCR), 0xa5);
  wr(SCR, 0x5a);
  assert.equal(rd(SCR), 0x5a);
  // Loopback check: MCR = LOOP|OUT2|RTS must read MSR status bits DCD|CTS.
  const saveMcr = rd(MCR);
  wr(MCR, 0x1a);
  assert.equal(rd(MSR) & 0xf0, 0x90);
  wr(MCR, saveMcr);
  // LCR readback.
  wr(LCR, 0x03);
  assert.equal(rd(LCR), 0x03);
  // FIFO detection: EFR write (LCR=0xBF) then FCR enable; IIR bits 7:6 must be 0b11.
  wr(LCR, 0xbf);
  wr(2, 0); // "EFR" on a plain 16550A is FCR: disables FIFO
  wr(LCR, 0);
  wr(FCR, 0x01);
  assert.equal(rd(IIR) >> 6, 3);
  // 16550A-variant checks: EFR read with DLAB set must be nonzero (IIR), IER bit 6 must not stick.
  wr(LCR, 0x80);
  assert.notEqual(rd(2), 0);
  wr(LCR, 0);
  wr(IER, 0x40);
  assert.equal(rd(IER) & 0x40, 0);
  wr(IER, 0);
  // size_fifo(): loopback 256 bytes at DLAB divisor 1, count bytes readable: 16.
  wr(FCR, 0x07);
  wr(MCR, 0x10);
  wr(LCR, 0x80);
  wr(DLL, 1);
  wr(DLM, 0);
  wr(LCR, 0x03);
  for (let i = 0; i < 256; i++) wr(THR, i);
  let count = 0;
  const got: number[] = [];
  while (rd(LSR) & 0x01 && count < 256) { got.push(rd(RBR)); count++; }
  assert.equal(count, 16);
  assert.deepEqual(got, Array.from({ length: 16 }, (_, i) => i));
  assert.deepEqual(out, [], "loopback bytes must not reach the output");
  wr(MCR, 0);
  // Startup: LSR must not read 0xff; THRE|TEMT set.
  const lsr = rd(LSR);
  assert.notEqual(lsr, 0xff);
  assert.equal(lsr & 0x60, 0x60);
  // No interrupts pending with FIFO on: 0xC1.
  assert.equal(rd(IIR), 0xc1);
});

test("divisor latch does not disturb THR/IER", () => {
  const { rd, wr, out, uart } = mk();
  wr(IER, 0x05);
  wr(LCR, 0x83);
  wr(DLL, 0x0c);
  wr(DLM, 0x01);
  assert.equal(rd(DLL), 0x0c);
  assert.equal(rd(DLM), 0x01);
  wr(LCR, 0x03);
  assert.equal(rd(IER), 0x05);
  uart.flush();
  assert.deepEqual(out, []);
  wr(LCR, 0x83);
  assert.equal(rd(DLL), 0x0c);
});

test("THRE interrupt: assert on enable, clear on IIR read, re-assert on re-enable and THR write", () => {
  const { rd, wr, irq, out, uart } = mk();
  wr(FCR, 0x01);
  assert.equal(irq.level, false);
  wr(IER, 0x02);
  assert.equal(irq.level, true);
  assert.equal(rd(IIR), 0xc2);
  assert.equal(irq.level, false, "reading IIR reporting THRE acknowledges it");
  assert.equal(rd(IIR), 0xc1);
  // Linux's UART_BUG_THRE test: disabling and re-enabling ETBEI must raise THRE again.
  wr(IER, 0);
  wr(IER, 0x02);
  assert.equal(irq.level, true);
  assert.equal(rd(IIR) & 0x0f, 0x02);
  // Rewriting IER with ETBEI still set does not re-raise.
  wr(IER, 0x02);
  assert.equal(irq.level, false);
  // Writing THR: byte goes out immediately; THR empties again so THRE is raised again.
  wr(THR, 0x41);
  assert.equal(irq.level, true);
  wr(IER, 0);
  assert.equal(irq.level, false);
  uart.poll();
  assert.deepEqual(out, [0x41]);
});

test("THRE not reported when a higher-priority RX interrupt is pending; IIR read then keeps it", () => {
  const { rd, wr, uart, irq } = mk();
  wr(FCR, 0x41); // trigger level 4
  uart.receive(Uint8Array.of(0x31));
  wr(IER, 0x03);
  assert.equal(rd(IIR) & 0x0f, 0x0c, "below trigger level: character timeout");
  assert.equal(rd(IIR) & 0x0f, 0x0c, "RX interrupt persists until data is read");
  assert.equal(rd(RBR), 0x31);
  assert.equal(irq.level, true);
  assert.equal(rd(IIR) & 0x0f, 0x02, "THRE still pending: it was never the reported source");
  assert.equal(irq.level, false);
});

test("RX FIFO: ordering, trigger level, draining a long host burst", () => {
  const { rd, wr, uart, irq } = mk();
  wr(FCR, 0xc1); // FIFO on, trigger 14
  wr(IER, 0x01);
  const msg = Array.from({ length: 100 }, (_, i) => (i * 7) & 0xff);
  uart.receive(Uint8Array.from(msg));
  assert.equal(irq.level, true);
  assert.equal(rd(IIR), 0xc4, "FIFO full (16 >= 14): RX data available");
  assert.equal(uart.pendingInput, 84);
  const got: number[] = [];
  while (rd(LSR) & 1) got.push(rd(RBR));
  assert.deepEqual(got, msg);
  assert.equal(irq.level, false);
  assert.equal(rd(IIR), 0xc1);
  assert.equal(rd(LSR) & 0x02, 0, "host input never overruns");
  // Trigger level 4: 3 bytes -> timeout id, 4 bytes -> RDA.
  wr(FCR, 0x41);
  uart.receive(Uint8Array.of(1, 2, 3));
  assert.equal(rd(IIR), 0xcc);
  uart.receive(Uint8Array.of(4));
  assert.equal(rd(IIR), 0xc4);
  // Clearing the RX FIFO drops what is in it; the host queue (the wire) is kept.
  uart.receive(Uint8Array.from({ length: 20 }, (_, i) => 100 + i));
  wr(FCR, 0x43);
  const after: number[] = [];
  while (rd(LSR) & 1) after.push(rd(RBR));
  assert.deepEqual(after, Array.from({ length: 8 }, (_, i) => 112 + i));
});

test("non-FIFO mode holds one byte; RX interrupt without FIFO bits in IIR", () => {
  const { rd, wr, uart, irq } = mk();
  wr(IER, 0x01);
  uart.receive(Uint8Array.of(10, 20, 30));
  assert.equal(irq.level, true);
  assert.equal(rd(IIR), 0x04);
  assert.equal(uart.pendingInput, 2);
  assert.deepEqual([rd(RBR), rd(RBR), rd(RBR)], [10, 20, 30]);
  assert.equal(rd(LSR) & 1, 0);
  assert.equal(irq.level, false);
  assert.equal(rd(RBR), 0, "empty RBR reads 0");
});

test("host queue is capped and counts drops", () => {
  const { uart, rd } = mk({ hostQueueBytes: 32 });
  assert.equal(uart.receive(new Uint8Array(40).fill(7)), 32);
  assert.equal(uart.receive(Uint8Array.of(1)), 1, "one byte moved into RBR, making room");
  let n = 0;
  while (rd(LSR) & 1) { rd(RBR); n++; }
  assert.equal(n, 33);
  assert.equal(uart.droppedInput, 8);
});

test("loopback: input disconnected, overrun sets OE and line-status interrupt has top priority", () => {
  const { rd, wr, uart, irq, out } = mk();
  wr(FCR, 0x01);
  wr(MCR, 0x10);
  uart.receive(Uint8Array.of(0x55)); // keyboard byte waits while in loopback
  assert.equal(rd(LSR) & 1, 0);
  wr(IER, 0x05);
  for (let i = 0; i < 17; i++) wr(THR, 0x80 + i);
  assert.equal(irq.level, true);
  assert.equal(rd(IIR), 0xc6);
  const lsr = rd(LSR);
  assert.equal(lsr & 0x03, 0x03);
  assert.equal(rd(LSR) & 0x02, 0, "OE clears on LSR read");
  assert.equal(rd(IIR), 0xc4);
  const got: number[] = [];
  while (rd(LSR) & 1) got.push(rd(RBR));
  assert.equal(got.length, 16);
  assert.equal(got[15], 0x8f, "FIFO mode keeps old data, drops the overrunning byte");
  wr(MCR, 0x00);
  assert.equal(rd(RBR), 0x55, "host input reconnected after loopback");
  uart.flush();
  assert.deepEqual(out, []);
});

test("modem status: deltas, interrupt, cleared by MSR read", () => {
  const { rd, wr, irq } = mk();
  assert.equal(rd(MSR), 0xb0, "idle terminal: DCD, DSR, CTS");
  wr(IER, 0x08);
  assert.equal(irq.level, false);
  wr(MCR, 0x10 | 0x04); // loopback, OUT1 -> RI; CTS/DSR/DCD drop
  assert.equal(irq.level, true);
  assert.equal(rd(IIR), 0x00);
  assert.equal(rd(MSR), 0x40 | 0x09 | 0x02);
  assert.equal(irq.level, false);
  wr(MCR, 0x10); // RI trailing edge -> TERI
  assert.equal(rd(MSR) & 0x0f, 0x04);
});

test("output reaches the sink at once while it has room; THRE stays set", () => {
  const { wr, rd, out } = mk();
  for (const c of "ab\n") wr(THR, c.charCodeAt(0));
  assert.deepEqual(out, [0x61, 0x62, 0x0a]);
  assert.equal(rd(LSR) & 0x60, 0x60);
});

test("a full sink holds bytes in the transmit FIFO: THRE/TEMT clear, THRE interrupt once drained", () => {
  const { wr, rd, uart, irq, out, sink } = mk();
  wr(FCR, 0x01); // FIFOs on: 16 bytes
  wr(IER, 0x02);
  assert.equal(rd(IIR) & 0x0f, 0x02);
  sink.space = 0;
  for (let i = 0; i < 16; i++) wr(THR, 0x30 + i);
  assert.deepEqual(out, []);
  assert.equal(rd(LSR) & 0x60, 0, "THRE and TEMT clear while bytes wait");
  assert.equal(irq.level, false, "no THRE interrupt while the FIFO holds bytes");
  wr(THR, 0x7a); // FIFO full: lost, and counted
  assert.equal(uart.droppedOutput, 1);
  uart.poll();
  assert.deepEqual(out, []);
  sink.space = 10; // room for part of it: THRE stays clear
  uart.poll();
  assert.equal(out.length, 10);
  assert.equal(rd(LSR) & 0x60, 0);
  assert.equal(irq.level, false);
  sink.space = 100;
  uart.poll();
  assert.deepEqual(out, Array.from({ length: 16 }, (_, i) => 0x30 + i), "in order, none lost");
  assert.equal(rd(LSR) & 0x60, 0x60);
  assert.equal(irq.level, true, "THRE interrupt once the FIFO has drained");
  assert.equal(rd(IIR) & 0x0f, 0x02);
});

test("FIFOs off: the transmit holding register holds one byte", () => {
  const { wr, rd, uart, out, sink } = mk();
  sink.space = 0;
  wr(THR, 0x41);
  assert.equal(rd(LSR) & 0x60, 0);
  wr(THR, 0x42);
  assert.equal(uart.droppedOutput, 1);
  sink.space = 5;
  uart.flush();
  assert.deepEqual(out, [0x41]);
  assert.equal(rd(LSR) & 0x60, 0x60);
});

test("hostile accesses never throw; bad sizes/offsets read 0", () => {
  const { uart } = mk();
  assert.equal(uart.read(0, 4), 0);
  assert.equal(uart.read(8, 1), 0);
  assert.equal(uart.read(-1, 1), 0);
  assert.equal(uart.read(NaN, 1), 0);
  assert.equal(uart.read(2.5, 1), 0);
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const sizes = [1, 2, 4, 3, 0, 8] as unknown as (1 | 2 | 4)[];
  const weird = [NaN, Infinity, -Infinity, -1, 2 ** 53, 1.5, 0x1ff, 1e300];
  for (let i = 0; i < 20000; i++) {
    const off = rnd() < 0.1 ? weird[Math.floor(rnd() * weird.length)] : Math.floor(rnd() * 12) - 2;
    const size = sizes[Math.floor(rnd() * sizes.length)];
    const val = rnd() < 0.1 ? weird[Math.floor(rnd() * weird.length)] : Math.floor(rnd() * 0x1_0000_0000);
    if (rnd() < 0.5) {
      const v = uart.read(off, size);
      assert.ok(Number.isInteger(v) && v >= 0 && v <= 0xff);
    } else uart.write(off, size, val);
    if (rnd() < 0.01) uart.receive(Uint8Array.of(i & 0xff));
  }
  assert.ok(uart.badAccesses > 0);
});

test("reset returns to power-on state and lowers the IRQ", () => {
  const { uart, rd, wr, irq } = mk();
  wr(FCR, 0x01);
  wr(IER, 0x02);
  assert.equal(irq.level, true);
  uart.reset();
  assert.equal(irq.level, false);
  assert.equal(rd(IER), 0);
  assert.equal(rd(IIR), 0x01);
});
