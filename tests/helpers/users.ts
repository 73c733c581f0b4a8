// Other local users for the isolation tests: system accounts made on first use (root only), and
// processes run as them. Tests that need them skip with a reason when not run as root.
import { execFileSync, spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from "node:child_process";
import { chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
}

export const isRoot = process.getuid?.() === 0;
export const needsRoot = isRoot ? {} : { skip: "needs root: it creates a second local user and runs processes as it" };

function lookup(name: string): TestUser | undefined {
  const r = spawnSync("id", ["-u", name], { encoding: "utf8" });
  if (r.status !== 0) return undefined;
  const gid = Number(spawnSync("id", ["-g", name], { encoding: "utf8" }).stdout.trim());
  return { name, uid: Number(r.stdout.trim()), gid };
}

/** The system user `name`, created (no home, no login) if missing. */
export function testUser(name: string): TestUser {
  const have = lookup(name);
  if (have) return have;
  try {
    execFileSync("useradd", ["-r", "-M", "-s", "/usr/sbin/nologin", name], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (e) {
    // another test run may have created it meanwhile
    const now = lookup(name);
    if (now) return now;
    throw e;
  }
  return lookup(name)!;
}

/** A fresh directory every user may create entries in, like /tmp (mode 1777, owned by root). */
export function sharedTmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(d, 0o1777);
  return d;
}

/** Environment of a login-less user: no XDG_RUNTIME_DIR, no TSVISOR_SOCKET, TMPDIR as given. */
export function userEnv(tmp: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: "/", TMPDIR: tmp };
}

export function runAs(u: TestUser, args: string[], env: NodeJS.ProcessEnv, timeout = 60000): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, args, { uid: u.uid, gid: u.gid, env, encoding: "utf8", timeout, input: "" });
}

export function spawnAs(u: TestUser, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, args, { uid: u.uid, gid: u.gid, env, stdio: ["ignore", "pipe", "pipe"] });
}
