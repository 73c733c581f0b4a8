// A zone config sent from the browser (pasted or uploaded text, never a host path): where it is
// taken to live, which host files it may name, and its problems in the form the page shows next
// to each field. The checks are `tsvisor check`'s (zone/check.ts) after one of the console's own:
// every file the config names must lie inside --http-root-dir (no root dir: it may name none).
import { existsSync, realpathSync } from "node:fs";
import { basename, join, sep } from "node:path";
import { inspectZoneConfig, type ZoneParts } from "../../config/zone-config.js";
import type { SystemConfig } from "../../config/system-config.js";
import { checkZones } from "../../zone/check.js";

/** One problem: the field it is about ("zone.memory", "device.0.path"; absent: the whole file). */
export interface WebProblem {
  field?: string;
  message: string;
}

/**
 * The path the config is known by: its upload name inside the root directory, so that relative
 * paths in it resolve there (without a root directory, nothing it names may be opened anyway).
 */
export function webConfigFile(rootDir: string | undefined, name: string | undefined): string {
  const base = basename(name ?? "").replace(/[^\w.-]/g, "_");
  // "." and ".." would name the root or its parent, not a file in it.
  if (base === "" || /^\.+$/.test(base)) return rootDir ? join(rootDir, "pasted.toml") : "pasted.toml";
  return rootDir ? join(rootDir, base) : base;
}

function inside(rootDir: string, path: string): boolean {
  // The real path: a symlink inside the root pointing out of it does not count as inside.
  const real = existsSync(path) ? realpathSync(path) : path;
  return real === rootDir || real.startsWith(rootDir + sep);
}

/** Each host file the config names that the browser may not make the daemon open. */
function outsideRoot(parts: ZoneParts, rootDir: string | undefined): { field: string; message: string }[] {
  const named: { field: string; path: string }[] = [];
  if (parts.kernel !== undefined) named.push({ field: "boot.kernel", path: parts.kernel });
  if (parts.initrd !== undefined) named.push({ field: "boot.initrd", path: parts.initrd });
  (parts.devices ?? []).forEach((d, i) => {
    if (d.type === "blk") named.push({ field: `device.${d.index ?? i}.path`, path: d.path });
  });
  return named.filter((n) => !rootDir || !inside(rootDir, n.path)).map((n) => ({
    field: n.field,
    message: rootDir
      ? `${n.path} is outside ${rootDir}: the web console opens host files only inside the daemon's --http-root-dir: ` +
        "move the file there, or start this zone with tsvisor zone start"
      : `${n.path}: the web console opens no host file (the daemon runs without --http-root-dir): ` +
        "restart it with --http-root-dir DIR holding the guest files, or start this zone with tsvisor zone start",
  }));
}

/** "file: field: message" (the checker's lines) as a field and a message. */
export function splitProblem(file: string, line: string): WebProblem {
  const rest = line.startsWith(`${file}: `) ? line.slice(file.length + 2) : line;
  const m = /^((?:zone|boot|device|pool|zone0)(?:\.[\w]+)*): ([\s\S]*)$/.exec(rest);
  return m ? { field: m[1], message: m[2] } : { message: rest };
}

/** Every problem of the config, as `tsvisor check` finds them on this host; empty: it may start. */
export function checkWebConfig(text: string, file: string, rootDir: string | undefined, system: SystemConfig,
  hostCpus: readonly number[]): WebProblem[] {
  const ins = inspectZoneConfig(text, file);
  const confined = outsideRoot(ins.parts, rootDir);
  // Nothing outside the root is opened, not even to check it: report the schema and the root only.
  if (confined.length) return [...ins.problems.map((p) => splitProblem(file, p)), ...confined];
  const r = checkZones([file], system, hostCpus, new Map([[file, text]]));
  return r.problems.map((p) => splitProblem(file, p));
}
