// Guests that can never make progress, and images that cannot boot: each must end with a clear
// error quickly instead of hanging or crashing the host.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { boot, buildAsm } from "./helpers/guest.js";
import { describe, expectPass, symbolAddr } from "./helpers/asm-run.js";

const hex = (v: bigint | number) => `0x${v.toString(16)}`;

async function wedge(file: string, name: string) {
  const kernel = buildAsm([file]);
  // A hang would hit the timeout, which stops the zone as "poweroff", not "error".
  const r = await boot({ kernel, name, timeoutMs: 20000 });
  assert.equal(r.outcome.state, "error", describe(r));
  const reason = (r.outcome as { reason: string }).reason;
  assert.ok(reason.includes(`zone ${name}`), reason);
  return { kernel, reason };
}

test("wedge: stvec unmapped + illegal instruction -> error naming cause, pc and zone", async () => {
  const { kernel, reason } = await wedge("wedge-stvec-unmapped.S", "wedge-a");
  assert.match(reason, /illegal instruction/);
  assert.ok(reason.includes(`pc ${hex(symbolAddr(kernel, "wedge_pc"))}`), reason);
  assert.ok(reason.includes("0x1000"), reason); // the unusable stvec
});

test("wedge: jump into unmapped memory with stvec = 0 -> instruction access fault", async () => {
  const { reason } = await wedge("wedge-fetch.S", "wedge-b");
  assert.match(reason, /instruction access fault/);
  assert.ok(reason.includes("pc 0x1000"), reason);
});

test("wedge: stvec pointing at an illegal instruction", async () => {
  const { kernel, reason } = await wedge("wedge-stvec-illegal.S", "wedge-c");
  assert.match(reason, /illegal instruction/);
  assert.ok(reason.includes(`pc ${hex(symbolAddr(kernel, "wedge_pc"))}`), reason);
  assert.ok(reason.includes(hex(symbolAddr(kernel, "wedge_handler"))), reason);
});

test("wedge: a handler that re-executes the same faulting instruction forever", async () => {
  const { kernel, reason } = await wedge("wedge-loop.S", "wedge-f");
  assert.match(reason, /breakpoint/);
  assert.ok(reason.includes(`pc ${hex(symbolAddr(kernel, "wedge_pc"))}`), reason);
});

test("not a wedge: a handler that emulates the same illegal instruction 1.5 million times in a row", async () => {
  // Same trap, same pc, every time: but each sret returns past the instruction, so the guest
  // makes progress (the detector used to end it after a million such traps).
  await expectPass("wedge-progress.S", { name: "wedge-g", timeoutMs: 30000 });
});

const tmp = mkdtempSync(join(tmpdir(), "tsvisor-wedge-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

test("boot: an Image that is not a RISC-V Image is rejected, naming the file", async () => {
  const file = join(tmp, "random.img");
  const bytes = randomBytes(4096);
  bytes.writeUInt32LE(0, 56); // no magic by accident
  writeFileSync(file, bytes);
  // (auto-detection would take random bytes for a raw binary: this checks the Image parser)
  await assert.rejects(boot({ kernel: file, format: "image", name: "wedge-d", timeoutMs: 5000 }), (e: Error) => {
    assert.ok(e.message.includes(file), e.message);
    assert.match(e.message, /not a RISC-V .*Image/);
    return true;
  });
  // an ELF (vmlinux-style) gets a hint
  await assert.rejects(boot({ kernel: `${buildAsm(["smoke.S"])}.elf`, format: "image", name: "wedge-d2", timeoutMs: 5000 }),
    /ELF/);
  // a file too short to hold the header
  const short = join(tmp, "short.img");
  writeFileSync(short, Buffer.alloc(10));
  await assert.rejects(boot({ kernel: short, format: "image", name: "wedge-d3", timeoutMs: 5000 }), (e: Error) => {
    assert.ok(e.message.includes(short), e.message);
    return true;
  });
  // a missing file
  await assert.rejects(boot({ kernel: join(tmp, "nope.img"), name: "wedge-d4", timeoutMs: 5000 }),
    /nope\.img.*not found|not found.*nope\.img/);
});

test("boot: too little memory for kernel + initrd is rejected with a message about memory", async () => {
  const kernel = buildAsm(["smoke.S"]);
  const initrd = join(tmp, "initrd.img");
  writeFileSync(initrd, Buffer.alloc(8 * 1024 * 1024, 0x5a));
  await assert.rejects(boot({ kernel, initrd, memBytes: 16 * 1024 * 1024, name: "wedge-e", timeoutMs: 5000 }),
    (e: Error) => {
      assert.match(e.message, /memory/);
      assert.match(e.message, /initrd/);
      assert.match(e.message, /wedge-e/);
      return true;
    });
  await assert.rejects(boot({ kernel, memBytes: 8 * 1024 * 1024, name: "wedge-e2", timeoutMs: 5000 }), /memory/);
  // the same kernel and initrd fit in 64 MiB and boot
  const r = await boot({ kernel, initrd, memBytes: 64 * 1024 * 1024, name: "wedge-e3", timeoutMs: 10000 });
  assert.deepEqual(r.outcome, { state: "poweroff" }, describe(r));
});
