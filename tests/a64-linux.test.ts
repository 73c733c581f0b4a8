// An unmodified arm64 Linux kernel in an aarch64 zone, given one: TSVISOR_ARM64_KERNEL names its
// `Image` (e.g. Debian's linux-image-*-arm64 /boot/vmlinuz, which is an uncompressed Image). It
// boots with an initramfs holding only a libc-free /init (tests/asm-a64/hello-init.c) that
// writes a line and powers off, on 1 and 2 vCPUs, to exit status 0. Skipped without a kernel:
// guests/ does not build an arm64 one yet.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CLI } from "./helpers/daemon.js";
import { CACHE } from "./helpers/a64.js";
import { cpioNewc } from "./helpers/cpio.js";

const kernel = process.env.TSVISOR_ARM64_KERNEL;
const SRC = fileURLToPath(new URL("../../tests/asm-a64/hello-init.c", import.meta.url));

function initramfs(): string {
  mkdirSync(CACHE, { recursive: true });
  const init = join(CACHE, "hello-init");
  execFileSync("aarch64-linux-gnu-gcc", ["-static", "-nostdlib", "-ffreestanding", "-mgeneral-regs-only", "-O2", "-o", init, SRC]);
  const out = join(CACHE, "hello-initramfs.cpio");
  writeFileSync(out, cpioNewc([
    { name: "dev", mode: 0o040755 },
    { name: "dev/console", mode: 0o020600, rdev: [5, 1] },
    { name: "init", mode: 0o100755, data: readFileSync(init) },
  ]));
  return out;
}

for (const cpus of ["1", "2"]) {
  test(`arm64 Linux boots to /init and powers off, --cpus ${cpus}`, { skip: kernel ? false : "set TSVISOR_ARM64_KERNEL to an arm64 Linux Image" }, () => {
    const r = spawnSync("node", [CLI, "run", "--kernel", kernel!, "--initrd", initramfs(), "--mem", "256M", "--cpus", cpus],
      { encoding: "utf8", timeout: 300_000, input: "" });
    assert.match(r.stdout, /\na64 init: hello from user space\r?\n/, r.stderr); // the tty adds \r
    assert.match(r.stdout, /reboot: Power down/);
    assert.equal(r.status, 0, r.stderr);
  });
}
