// The PL011 as amba-pl011 and bare-metal code drive it: identification, output with the sink's
// back-pressure (TXFF, lost bytes counted), bounded input through the 32-byte FIFO, interrupts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Pl011 } from "./pl011.js";
import { MemConsole } from "./virtio/mem-backends.js";

const DR = 0x00, FR = 0x18, CR = 0x30, IMSC = 0x38, RIS = 0x3c, MIS = 0x40, ICR = 0x44;
const RXFE = 1 << 4, TXFF = 1 << 5, TXFE = 1 << 7, RX = 1 << 4, TX = 1 << 5;

function mk() {
  const irq = { level: false, set(l: boolean) { this.level = l; } };
  const sink = new MemConsole();
  const uart = new Pl011(irq, sink);
  return { uart, irq, sink, rd: (o: number) => uart.read(o, 4), wr: (o: number, v: number) => uart.write(o, 4, v) };
}

test("the AMBA identification registers say PL011 r1p5 PrimeCell", () => {
  const { rd } = mk();
  const id = [0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map(rd);
  assert.deepEqual(id, [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
});

test("output goes to the sink; a full sink shows TXFF and a byte written anyway is counted lost", () => {
  const { uart, rd, wr, sink } = mk();
  assert.equal(uart.inUse, false);
  wr(CR, 0x301);
  assert.equal(uart.inUse, true);
  uart.write(DR, 1, 0x41);
  wr(DR, 0x142); // only the low byte is data
  assert.equal(sink.text, "AB");
  assert.equal(rd(FR) & (TXFF | TXFE), TXFE);
  sink.space = 0;
  assert.equal(rd(FR) & TXFF, TXFF);
  wr(DR, 0x43);
  assert.equal(uart.droppedOutput, 1);
  assert.equal(sink.text, "AB");
});

test("input: a 4096-byte host queue behind the 32-byte FIFO, the rest refused and counted; RX interrupt while data waits", () => {
  const { uart, rd, wr, irq } = mk();
  assert.equal(rd(FR) & RXFE, RXFE);
  assert.equal(uart.receive(new Uint8Array(5000).fill(0x61)), 4096);
  assert.equal(uart.droppedInput, 904);
  assert.equal(uart.pendingInput, 4096);
  assert.equal(irq.level, false, "RX masked");
  wr(IMSC, RX);
  assert.equal(uart.rxInterruptEnabled, true);
  assert.equal(irq.level, true);
  assert.equal(rd(MIS), RX);
  let n = 0;
  while ((rd(FR) & RXFE) === 0) {
    assert.equal(rd(DR), 0x61);
    n++;
  }
  assert.equal(n, 4096);
  assert.equal(irq.level, false, "RX clears as the FIFO empties");
  assert.equal(rd(DR), 0, "an empty FIFO reads 0");
});

test("TX interrupt: pending while the sink has room, cleared by ICR, back once the sink drains (poll)", () => {
  const { uart, rd, wr, irq, sink } = mk();
  wr(IMSC, TX);
  assert.equal(irq.level, true);
  wr(ICR, TX);
  assert.equal(irq.level, false);
  assert.equal(rd(RIS) & TX, 0);
  sink.space = 0;
  uart.poll();
  assert.equal(irq.level, false);
  sink.space = 10;
  uart.poll();
  assert.equal(irq.level, true);
});

test("byte accesses to registers other than DR and unknown offsets are counted, never thrown", () => {
  const { uart } = mk();
  assert.equal(uart.read(FR, 1), 0);
  uart.write(0x800, 4, 1);
  assert.equal(uart.badAccesses, 2);
});
