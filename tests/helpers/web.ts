// Test helpers for the web console: a daemon with --http, its printed addresses, and zone files
// of the cached demo guest that fit a 2-CPU host (one vCPU each, CPUs shared between user zones).
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DaemonProcess } from "./daemon.js";
import { demoGuest, GUEST_DIR } from "./demo-guest.js";

export interface WebDaemon {
  d: DaemonProcess;
  /** e.g. http://127.0.0.1:40123/ */
  url: string;
  /** The one-time login link. */
  loginUrl: string;
  token: string;
  tokenFile: string;
}

export async function startWebDaemon(dir: string, extra: string[] = []): Promise<WebDaemon> {
  const sys = join(dir, "system.toml");
  writeFileSync(sys, '[zone0]\nhost_cpus = []\n[pool]\nmemory = "1G"\n');
  const d = await DaemonProcess.start(join(dir, "d.sock"), sys, {}, ["--http", "127.0.0.1:0", "--http-root-dir", GUEST_DIR, ...extra]);
  const m = /web console on (\S+) \(one-time login: (\S+) ; token (\S+), also in (\S+)\)/.exec(d.stdout);
  if (!m) throw new Error(`no web console line in the daemon's output: ${d.stdout}`);
  return { d, url: m[1], loginUrl: m[2], token: m[3], tokenFile: m[4] };
}

/** A zone file (in `dir`) for the demo guest: one vCPU on `cpu`, shared with other user zones. */
export function zoneToml(name: string, cpu: number, memory = "64M"): string {
  const g = demoGuest();
  return `[zone]\nname = "${name}"\nkind = "user"\nhost_cpus = [${cpu}]\nshare_cpus = true\nmemory = "${memory}"\n` +
    `[boot]\nkernel = "${g.kernel}"\ninitrd = "${g.initrd}"\ncmdline = "console=ttyS0"\n`;
}

export function writeZone(dir: string, name: string, cpu: number): string {
  const f = join(dir, `${name}.toml`);
  writeFileSync(f, zoneToml(name, cpu));
  return f;
}

export const CHROMIUM = process.env.TSVISOR_CHROMIUM ?? "/usr/bin/chromium";

/** Debian's chromium, which the web tests drive; they fail (not skip) without it. */
export function chromiumPath(): string {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (bash guests/prepare-tests.sh does)`);
  return CHROMIUM;
}
