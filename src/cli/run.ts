// `tsvisor run`: boot one zone in the foreground with its console on this terminal.
import { loadZoneConfig, ConfigError, PAYLOAD_FORMATS, type FormatChoice, type ZoneConfig } from "../config/zone-config.js";
import { parseSize } from "../config/size.js";
import { ARCHES, CONSOLE_CMDLINE, DEFAULT_ARCH, type Arch } from "../engine/arch.js";
import { kernelArchOf } from "../engine/kernel-arch.js";
import { BootError } from "../engine/boot-error.js";
import { UserFileError, userFileHead } from "../host/user-file.js";
import { ZoneRunner } from "../zone/zone-runner.js";
import { zoneSpecOf } from "../zone/zone.js";
import type { ZoneStatus } from "../zone/zone-link.js";
import { attachConsole } from "./console.js";
import { EXIT, exitCodeOfZone } from "./exit-codes.js";
import type { Writable } from "node:stream";

export interface RunOptions {
  kernel?: string;
  format?: string;
  initrd?: string;
  append?: string;
  mem?: string;
  cpus?: string;
  name?: string;
}

export function resolveRunConfig(file: string | undefined, o: RunOptions): ZoneConfig {
  const base: ZoneConfig = file
    ? loadZoneConfig(file)
    : { file: "(command line)", name: "zone", kind: "user", arch: DEFAULT_ARCH, cpus: 1, memBytes: 256 * 1024 ** 2, kernel: "", cmdline: CONSOLE_CMDLINE[DEFAULT_ARCH] };
  const c = { ...base };
  if (o.name !== undefined) c.name = o.name;
  if (o.kernel !== undefined) c.kernel = o.kernel;
  if (o.format !== undefined) {
    if (!(PAYLOAD_FORMATS as readonly string[]).includes(o.format)) {
      throw new ConfigError(`--format: expected ${PAYLOAD_FORMATS.join(", ")}, got "${o.format}"`);
    }
    c.format = o.format as FormatChoice;
  }
  if (o.initrd !== undefined) c.initrd = o.initrd;
  if (o.append !== undefined) c.cmdline = o.append;
  if (o.mem !== undefined) {
    try {
      c.memBytes = parseSize(o.mem);
    } catch (e) {
      throw new ConfigError(`--mem: ${(e as Error).message}`);
    }
  }
  if (o.cpus !== undefined) {
    const n = Number(o.cpus);
    if (!Number.isInteger(n) || n < 1 || n > 32) throw new ConfigError(`--cpus: expected 1..32, got "${o.cpus}"`);
    c.cpus = n;
    if (c.hostCpus !== undefined && c.hostCpus.length !== n) {
      throw new ConfigError(`--cpus ${n}: the config pins ${c.hostCpus.length} vCPU(s) with host_cpus = [${c.hostCpus.join(", ")}]: change host_cpus too`);
    }
  }
  if (!c.kernel) throw new ConfigError("no kernel: give a zone config file or --kernel <file> (a Linux Image, an ELF or a raw binary)");
  if (!file && c.format !== "raw") c.arch = kernelFileArch(c.kernel);
  if (!file && o.append === undefined) c.cmdline = CONSOLE_CMDLINE[c.arch];
  return c;
}

/**
 * `tsvisor run --kernel` without a zone file: the architecture the kernel's header names (a file
 * that cannot be read, is no regular file or whose header tells nothing gets the default: the
 * zone start says why it cannot boot).
 */
function kernelFileArch(path: string): Arch {
  let head: Uint8Array;
  try {
    head = userFileHead(path, { maxBytes: Number.MAX_SAFE_INTEGER, limit: "" }, 4096).head;
  } catch (e) {
    if (e instanceof UserFileError) return DEFAULT_ARCH;
    throw e;
  }
  const k = kernelArchOf(head);
  if (k === undefined) return DEFAULT_ARCH;
  if (!(ARCHES as readonly string[]).includes(k.arch)) {
    throw new BootError(`--kernel ${path}: it is ${k.what}: tsvisor has no ${k.arch} engine yet (it runs ${ARCHES.join(", ")})`);
  }
  return k.arch as Arch;
}

/** What pipeConsole needs: a zone's (or a ZoneRunner's) console output and its flow control. */
export interface ConsoleSource {
  on(event: "console", f: (d: Buffer) => void): unknown;
  pauseConsole(): void;
  resumeConsole(): void;
}

/**
 * The zone's console output into `out` (the terminal). When `out` stops keeping up (write()
 * returns false: a slow terminal, a pipe nobody reads), the zone's console pauses until 'drain',
 * so the guest waits instead of the host buffering without end.
 */
export function pipeConsole(zone: ConsoleSource, out: Writable): void {
  let waiting = false;
  zone.on("console", (d: Buffer) => {
    if (out.write(d) || waiting) return;
    waiting = true;
    zone.pauseConsole();
    out.once("drain", () => {
      waiting = false;
      zone.resumeConsole();
    });
  });
}

/** Runs until the zone ends (rebooting it on request). Returns the exit status that tells how (exit-codes.ts). */
export async function runZone(c: ZoneConfig): Promise<number> {
  let quit = false;
  const runner = new ZoneRunner(zoneSpecOf(c));
  const con = attachConsole((d) => runner.input(d), {
    quit: () => {
      quit = true;
      runner.stop();
    },
  });
  pipeConsole(runner, process.stdout);
  runner.on("log", (m: string) => process.stderr.write(`tsvisor: ${m}\n`));
  let ran = false; // once the guest ran, its last line may be unfinished: start ours on a new one
  runner.on("status", (s: ZoneStatus) => {
    if (s.state === "running") ran = true;
    if (s.state === "rebooting") process.stderr.write(`\r\ntsvisor: zone ${c.name} rebooting\r\n`);
  });
  try {
    const out = await runner.run();
    if (quit) {
      process.stderr.write("\r\ntsvisor: terminated by user (C-a x)\r\n");
      return EXIT.OK;
    }
    if (out.reason) process.stderr.write(ran ? `\r\ntsvisor: ${out.reason}\r\n` : `tsvisor: ${out.reason}\n`);
    // an error before the vCPUs ever ran (images, memory, threads): the zone could not start
    return out.state === "error" && !ran ? EXIT.START : exitCodeOfZone(out);
  } finally {
    con.detach();
  }
}
