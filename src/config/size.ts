// Sizes as QEMU writes them: "256M", "1G", "512K", "2T"; a bare number means MiB (as in -m 256).
// No zod here: zone threads use these too, and loading a schema library costs each thread ~10 ms
// (size-schema.ts has the config files' schema).
const UNITS: Record<string, number> = { B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

export const SIZE_FORMS = "write a number and a unit K, M, G or T, as QEMU does: 512M, 1G, 1.5G (a bare number is MiB)";

export function parseSize(text: string | number): number {
  if (typeof text === "number") {
    if (!Number.isFinite(text) || text <= 0) throw new Error(`${text} is not a size: give a positive size, e.g. 256M`);
    return Math.round(text * UNITS.M);
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bBkKmMgGtT])?(?:i?[bB])?\s*$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a size: ${SIZE_FORMS}`);
  const bytes = Number(m[1]) * UNITS[(m[2] ?? "M").toUpperCase()];
  if (!Number.isFinite(bytes) || bytes <= 0) throw new Error(`"${text}" is not a size: give a positive size, e.g. 256M`);
  return Math.round(bytes);
}

export function formatSize(bytes: number): string {
  for (const u of ["T", "G", "M", "K"]) {
    if (bytes >= UNITS[u] && bytes % UNITS[u] === 0) return `${bytes / UNITS[u]}${u}`;
  }
  return `${bytes}B`;
}

/** formatSize when exact, else one decimal: "2.1G" (for messages about sizes of files). */
export function formatSizeApprox(bytes: number): string {
  const u = ["T", "G", "M", "K"].find((x) => bytes >= UNITS[x]);
  return u === undefined || bytes % UNITS[u] === 0 ? formatSize(bytes) : `${(bytes / UNITS[u]).toFixed(1)}${u}`;
}
