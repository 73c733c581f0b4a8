import { test } from "node:test";
import assert from "node:assert/strict";
import { MmioRing } from "./mmio-ring.js";
import { ZoneControl } from "./zone-control.js";
import * as Z from "./zone-block.js";

const newRing = () => {
  const ctl = new ZoneControl(new SharedArrayBuffer(Z.ZONE_CTL_OFF + 0x10000));
  ctl.reset();
  return { ctl, ring: new MmioRing(ctl, 0) };
};

test("MMIO ring: requests are served in the order posted, with their fields intact, across wrap-around", () => {
  const { ctl, ring } = newRing();
  const seen: string[] = [];
  const bell = Atomics.load(ctl.words, ctl.doorbellIndex);
  let next = 0;
  for (let round = 0; round < 3; round++) {
    // a batch smaller than the ring, served before the next one: the indices run past the ring's size
    for (let k = 0; k < Z.MMIO_RING_ENTRIES - 1; k++, next++) {
      const i = ring.post(next % 4, k % 2 === 0 ? Z.MMIO_STORE : Z.MMIO_LOAD, 4, next, 1, 0xffffffff, next * 3);
      assert.equal(i, next);
    }
    assert.equal(ring.queued, Z.MMIO_RING_ENTRIES - 1);
    ring.serve((vcpu, op, size, addr, lo, hi) => seen.push(`${vcpu} ${op} ${size} ${addr} ${lo} ${hi}`));
    assert.equal(ring.queued, 0);
  }
  assert.equal(seen.length, next);
  seen.forEach((s, n) => assert.equal(s, `${n % 4} ${(n % (Z.MMIO_RING_ENTRIES - 1)) % 2 === 0 ? Z.MMIO_STORE : Z.MMIO_LOAD} 4 ${2 ** 32 + n} ${0xffffffff} ${n * 3}`));
  assert.ok(Atomics.load(ctl.words, ctl.doorbellIndex) !== bell, "posting rings the doorbell");
  ring.waitServed(ring.head, 0); // everything is served: returns at once
});

test("MMIO ring: a reserved entry not yet published stops the server there", () => {
  const { ctl, ring } = newRing();
  ring.post(0, Z.MMIO_STORE, 1, 0x10, 0, 7, 0);
  // a second vCPU has reserved the next entry (moved the head) but not filled it in yet
  Atomics.add(ctl.words, (Z.ZONE_CTL_OFF + Z.ZC_MMIO_HEAD) >> 2, 1);
  const served: number[] = [];
  ring.serve((_v, _op, _s, addr) => served.push(addr));
  assert.deepEqual(served, [0x10]);
  assert.equal(ring.queued, 1);
});
