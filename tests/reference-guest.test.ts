// A guest this project did not configure: Debian's own riscv64 distribution kernel (trixie's
// linux-image-riscv64: EFI stub, modules, every ISA extension it probes for) and a plain busybox
// initramfs (guests/build-reference.sh; npm test fetches it through guests/prepare-tests.sh).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { boot } from "./helpers/guest.js";
import { GUEST_DIR } from "./helpers/demo-guest.js";

const kernel = join(GUEST_DIR, "ref", "Image");
const initrd = join(GUEST_DIR, "ref", "initramfs.cpio.gz");

for (const cpus of [1, 2]) {
  test(`Debian's distribution kernel + busybox initramfs boots and powers off with ${cpus} vCPU(s)`, async () => {
    assert.ok(existsSync(kernel) && existsSync(initrd), `${kernel} missing: run "bash guests/build-reference.sh"`);
    const r = await boot({ kernel, initrd, cpus, memBytes: 512 << 20, cmdline: "console=ttyS0", timeoutMs: 180000 });
    assert.match(r.console, /REF-INIT-OK/, r.console.slice(-3000));
    assert.match(r.console, new RegExp(`REF-CPUS=${cpus}\\b`));
    assert.deepEqual(r.outcome, { state: "poweroff" }, r.logs.join("\n"));
    assert.doesNotMatch(r.console, /Oops|BUG:|Kernel panic/);
  });
}
