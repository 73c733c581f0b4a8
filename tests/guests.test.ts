// Guests beyond Linux, as a new user would run them: the seed projects' prebuilt RT-Thread (ELF)
// and U-Boot (raw binary) exactly as shipped (../shared/guests/seed/), and Debian's S-mode U-Boot
// booting the demo Linux from a virtio disk, the way real boards boot.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { boot } from "./helpers/guest.js";
import { demoGuest } from "./helpers/demo-guest.js";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const SEED = process.env.TSVISOR_SEED ?? resolve(ROOT, "..", "shared", "guests", "seed");
const UBOOT_SMODE = "/usr/lib/u-boot/qemu-riscv64_smode/uboot.elf";
const G = 1024 ** 3;

function seed(file: string): string {
  const p = join(SEED, file);
  if (!existsSync(p)) throw new Error(`${p} is missing: the seed guests come from ../shared/guests/seed/`);
  return p;
}

// (RT-Thread 5.0 spells list_device "list device"; the old name answers "command not found", as under QEMU)
test("RT-Thread (the seed's ELF) boots to its msh shell and answers ps, free and list device", async () => {
  // its UART driver takes input by interrupt, through the PLIC context QEMU virt gives hart 0's S-mode
  const r = await boot({
    kernel: seed("rtthread.elf"), memBytes: G, until: /uart0\s+Character Device/, timeoutMs: 60000,
    input: [{ when: "msh />", text: "ps\r" }, { when: "tidle0", text: "free\r" }, { when: "available:", text: "list device\r" }],
  });
  assert.match(r.console, /RT -\s+Thread Operating System/);
  assert.match(r.console, /Hello RISC-V\r?\nmsh \/>/);
  assert.match(r.console, /msh \/>ps\r\nthread\s+pri\s+status[^]*tshell\s+20\s+running/, r.console.slice(-3000));
  assert.match(r.console, /msh \/>free\r\ntotal\s*: \d+/);
  assert.match(r.console, /msh \/>list device\r\ndevice\s+type\s+ref count[^]*uart0\s+Character Device/);
});

test("U-Boot (the seed's raw binary) boots to its prompt and runs version, bdinfo and dm tree", async () => {
  // U-Boot's ns16550 driver polls LSR/RBR with interrupts off: typed keys must reach it that way
  const r = await boot({
    kernel: seed("u-boot.bin"), memBytes: G, until: "sbi-sysreset", timeoutMs: 60000,
    input: [{ when: "=> ", text: "version\r" }, { when: "GNU ld", text: "bdinfo\r" }, { when: "fdt_blob", text: "dm tree\r" }],
  });
  assert.match(r.console, /U-Boot 2023\.04/);
  assert.match(r.console, /DRAM:\s+1 GiB/);
  assert.match(r.console, /=> version\r\nU-Boot 2023\.04/);
  assert.match(r.console, /=> bdinfo\r\n[^]*DRAM bank\s+= 0x0+\r\n-> start\s+= 0x0*80000000\r\n-> size\s+= 0x0*40000000/);
  assert.match(r.console, /=> dm tree\r\n[^]*ns16550_serial\s+\|\s+\|-- serial@10000000[^]*virtio-mmio\s+\|\s+\|-- virtio_mmio@10001000/);
});

test("Debian's S-mode U-Boot boots the demo Linux from a virtio disk (extlinux.conf), no --kernel Image", {
  skip: existsSync(UBOOT_SMODE) ? false : `${UBOOT_SMODE} is missing: apt-get install u-boot-qemu`,
}, async () => {
  const g = demoGuest();
  const disk = join(mkdtempSync(join(tmpdir(), "tsvisor-uboot-")), "boot.img");
  execFileSync("bash", [join(ROOT, "guests", "build-uboot-disk.sh"), g.kernel, g.initrd, disk], { stdio: "ignore" });
  const r = await boot({
    kernel: UBOOT_SMODE, memBytes: 256 * 1024 ** 2, until: "tsvisor:~# ", timeoutMs: 120000,
    devices: [{ type: "blk", slot: 0, path: disk, readonly: true, serial: "boot" }],
  });
  assert.match(r.console, /U-Boot 2023\.01/);
  assert.match(r.console, /extlinux\.conf/);
  assert.match(r.console, /Run \/init as init process[^]*TSVISOR-INIT-OK[^]*tsvisor:~# /, r.console.slice(-3000));
});

test("RT-Thread and U-Boot run as zones under the daemon: zone start, zone console, zone shutdown", async () => {
  const { DaemonProcess } = await import("./helpers/daemon.js");
  const { allowedCpus } = await import("../src/host/affinity.js");
  const { writeFileSync } = await import("node:fs");
  const tmp = mkdtempSync(join(tmpdir(), "tsvisor-gz-"));
  const sys = join(tmp, "system.toml");
  writeFileSync(sys, '[zone0]\nhost_cpus = []\n[pool]\nmemory = "3G"\n');
  const d = await DaemonProcess.start(join(tmp, "d.sock"), sys);
  try {
    const cpu = allowedCpus()[0];
    for (const [name, file, prompt, cmd, answer] of [
      ["rtt", seed("rtthread.elf"), "msh />", "ps\r", "tshell"],
      ["uboot", seed("u-boot.bin"), "=> ", "version\r", "U-Boot 2023.04"],
    ] as const) {
      const f = join(tmp, `${name}.toml`);
      writeFileSync(f, `[zone]\nname = "${name}"\nmemory = "1G"\nhost_cpus = [${cpu}]\n[boot]\nkernel = "${file}"\n`);
      const s = d.cli("zone", "start", f);
      assert.equal(s.code, 0, s.err);
      const c = await d.console(name, [{ when: prompt, send: cmd }, { when: answer, send: "\x01d" }], 60000);
      assert.equal(c.code, 0, `${name}: ${c.err}\n${c.out.slice(-1500)}`);
      assert.match(c.err, new RegExp(`detached from zone ${name}; it keeps running`));
      const z = d.cli("zone", "shutdown", name);
      assert.equal(z.code, 0, z.err);
    }
  } finally {
    await d.stop();
  }
});
