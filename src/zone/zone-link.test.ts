// The zone link's framing: whatever chunks the socket delivers, the frames come out whole and in
// order; a malformed frame closes the link.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import fc from "fast-check";
import { FRAME_CONSOLE, FRAME_CONTROL, FRAME_INPUT, MAX_FRAME, controlFrame, frame, readFrames } from "./zone-link.js";

class FakeSocket extends EventEmitter {
  destroyed = false;
  destroy(): void {
    this.destroyed = true;
  }
}

function decode(stream: Buffer, cuts: number[]): { got: string[]; errors: string[]; destroyed: boolean } {
  const sock = new FakeSocket();
  const got: string[] = [];
  const errors: string[] = [];
  readFrames(sock as unknown as Socket, {
    control: (m) => got.push(`control:${JSON.stringify(m)}`),
    console: (d) => got.push(`console:${d.toString("hex")}`),
    input: (d) => got.push(`input:${d.toString("hex")}`),
    error: (e) => errors.push(e),
  });
  // Like a socket reading into one fixed buffer (connectLink): each chunk is copied into the same
  // scratch buffer, which is scribbled over after every read — a decoder that kept a view fails.
  const scratch = Buffer.alloc(stream.length);
  let at = 0;
  for (const c of [...cuts.filter((x) => x > 0 && x < stream.length)].sort((a, b) => a - b).concat(stream.length)) {
    if (c > at) {
      scratch.set(stream.subarray(at, c));
      sock.emit("data", scratch.subarray(0, c - at));
      scratch.fill(0xee);
    }
    at = c;
  }
  return { got, errors, destroyed: sock.destroyed };
}

test("frames come out whole and in order however the stream is cut", () => {
  const item = fc.oneof(
    fc.record({ kind: fc.constant(FRAME_CONSOLE), data: fc.uint8Array({ maxLength: 3000 }) }),
    fc.record({ kind: fc.constant(FRAME_INPUT), data: fc.uint8Array({ maxLength: 100 }) }),
    fc.record({ kind: fc.constant(FRAME_CONTROL), n: fc.integer() }),
  );
  fc.assert(fc.property(fc.array(item, { maxLength: 20 }), fc.array(fc.nat(70000), { maxLength: 30 }), (items, cuts) => {
    const frames = items.map((i) => ("n" in i ? controlFrame({ type: "stop", n: i.n } as never) : frame(i.kind, i.data)));
    const want = items.map((i) => ("n" in i ? `control:${JSON.stringify({ type: "stop", n: i.n })}` :
      `${i.kind === FRAME_CONSOLE ? "console" : "input"}:${Buffer.from(i.data).toString("hex")}`));
    const r = decode(Buffer.concat(frames), cuts);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.got, want);
  }), { numRuns: 300 });
});

test("a full-size frame split into many small chunks arrives once, intact", () => {
  const data = Buffer.alloc(MAX_FRAME, 0xab);
  const stream = Buffer.concat([frame(FRAME_CONSOLE, data), frame(FRAME_INPUT, Buffer.from("x"))]);
  const cuts = Array.from({ length: 200 }, (_, i) => 1 + i * 1337);
  const r = decode(stream, cuts);
  assert.equal(r.got.length, 2);
  assert.equal(r.got[0], `console:${data.toString("hex")}`);
  assert.equal(r.got[1], `input:${Buffer.from("x").toString("hex")}`);
});

test("an oversized or unknown frame closes the link", () => {
  const big = Buffer.alloc(5);
  big[0] = FRAME_CONSOLE;
  big.writeUInt32BE(MAX_FRAME + 1, 1);
  assert.equal(decode(big, []).destroyed, true);
  assert.equal(decode(Buffer.from([9, 0, 0, 0, 0]), [2]).destroyed, true);
});
