// Disk images shared between zone configs. Two kernels writing one file system corrupt it, so a
// writable image has one user; read-only images may be shared by read-only users. Images are
// compared by file identity (st_dev + st_ino), so two paths to one file (a hard link, a symlink,
// "../x/disk.img") are caught. A missing image is no conflict here: starting the zone reports it.
// The daemon asks this before it starts a zone and `tsvisor check` for a set of files, so both
// can name both zones; the image lock (host/file-lock.ts) covers every other user.
import { statSync } from "node:fs";
import type { ZoneConfig } from "../config/zone-config.js";

/** What is known of a zone's disks: a whole config, or the parts of a zone file that passed (check). */
export type ZoneDisks = Pick<ZoneConfig, "file" | "devices"> & { name?: string };

/** A zone that has (or would have) its disks open: the daemon's records carry id and state. */
export interface DiskHolder {
  cfg: ZoneDisks;
  id?: number;
  state?: string;
}

interface Disk {
  index: number;
  path: string;
  readonly: boolean;
  key: string;
}

function disksOf(cfg: ZoneDisks): Disk[] {
  const out: Disk[] = [];
  (cfg.devices ?? []).forEach((d, i) => {
    if (d.type !== "blk") return;
    const index = d.index ?? i;
    try {
      const st = statSync(d.path);
      out.push({ index, path: d.path, readonly: d.readonly, key: `${st.dev}:${st.ino}` });
    } catch {
      // missing or unreachable: not a conflict (the start reports it)
    }
  });
  return out;
}

const nameOf = (z: ZoneDisks) => z.name ?? z.file;
const writerOf = (a: Disk, b: Disk, an: string, bn: string) =>
  !a.readonly && !b.readonly ? "writable in both" : `writable in zone "${a.readonly ? bn : an}"`;

/**
 * One problem ("file: field: fix") per disk of `cfg` that another of its own devices or a zone in
 * `others` also uses, when either of the two writes it.
 */
export function diskConflicts(cfg: ZoneDisks, others: readonly DiskHolder[]): string[] {
  const mine = disksOf(cfg);
  const theirs = others.map((h) => ({ h, disks: disksOf(h.cfg) }));
  const out: string[] = [];
  for (const d of mine) {
    const field = `${cfg.file}: device.${d.index}.path`;
    const twin = mine.find((o) => o.index < d.index && o.key === d.key && (!o.readonly || !d.readonly));
    if (twin) {
      out.push(`${field}: disk image ${d.path} is also device.${twin.index} of this zone${twin.path !== d.path ? ` (as ${twin.path})` : ""}: ` +
        "a zone cannot use a writable image twice: remove one, or set readonly = true on both");
      continue;
    }
    for (const { h, disks } of theirs) {
      const o = disks.find((x) => x.key === d.key && (!x.readonly || !d.readonly));
      if (!o) continue;
      const where = h.id !== undefined ? `id ${h.id}, ${h.state ?? "running"}` : h.cfg.file;
      const as = o.path !== d.path ? ` (as ${o.path} in zone "${nameOf(h.cfg)}")` : "";
      out.push(`${field}: zone "${nameOf(cfg)}" and zone "${nameOf(h.cfg)}" (${where}) both use disk image ${d.path}${as}, ` +
        `${writerOf(d, o, nameOf(cfg), nameOf(h.cfg))}: a writable disk image has one user at a time: give each zone its own image, ` +
        "or set readonly = true in both");
      break;
    }
  }
  return out;
}
