// Paths of the demo guest built by guests/build.sh. Tests that need it fail (not skip) when it is
// missing, with the command that builds it.
import "./test-cache.js";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const GUEST_DIR = process.env.TSVISOR_GUESTS ?? join(homedir(), ".cache", "tsvisor", "guests");
export const KERNEL = join(GUEST_DIR, "Image");
export const INITRD = join(GUEST_DIR, "initramfs.cpio.gz");

export function demoGuest(): { kernel: string; initrd: string } {
  for (const f of [KERNEL, INITRD]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: build the demo guest with "npm run guests"`);
  }
  return { kernel: KERNEL, initrd: INITRD };
}
