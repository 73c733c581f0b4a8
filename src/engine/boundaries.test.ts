// The architecture boundary, checked on the sources: the zone layer, the daemon, the CLI, the
// config, the shared devices and the host code reach an engine only through the registry
// (engine/registry.ts) and the engine-neutral files beside it, never into src/engine/<arch>/; and
// no engine reaches back up into those layers. Type-only imports, re-exports, dynamic imports and
// worker URLs (new URL("...", import.meta.url)) count as well.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

// dist/src/engine/boundaries.test.js -> the repository's src/
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../../src");
const NEUTRAL = ["zone", "daemon", "cli", "config", "devices", "host"];
const ENGINE = join(SRC, "engine");

const SPECIFIERS = [
  /\bfrom\s+["']([^"']+)["']/g, // import ... from / export ... from
  /\bimport\s+["']([^"']+)["']/g, // side-effect import
  /\bimport\(\s*["']([^"']+)["']\s*\)/g, // dynamic import
  /\bnew\s+URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url/g, // worker modules
];

/** Relative module specifiers of a source text. */
export function specifiers(text: string): string[] {
  return SPECIFIERS.flatMap((re) => [...text.matchAll(re)].map((m) => m[1]!)).filter((s) => s.startsWith("."));
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sourcesUnder(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

/** The engine directories (src/engine/<arch>/). */
function archDirs(): string[] {
  return readdirSync(ENGINE).map((n) => join(ENGINE, n)).filter((p) => statSync(p).isDirectory());
}

const inside = (file: string, dir: string) => file === dir || file.startsWith(dir + sep);

/** Every import of `file` (whose text is `text`) that crosses the boundary, as "file -> target". */
export function crossings(file: string, text: string, arches: string[]): string[] {
  const fromNeutral = NEUTRAL.some((d) => inside(file, join(SRC, d)));
  const fromEngine = inside(file, ENGINE);
  return specifiers(text).flatMap((spec) => {
    const target = resolve(dirname(file), spec);
    const bad = (fromNeutral && arches.some((a) => inside(target, a))) ||
      (fromEngine && NEUTRAL.filter((d) => d !== "devices" && d !== "host" && d !== "config").some((d) => inside(target, join(SRC, d))));
    return bad ? [`${relative(SRC, file)} -> ${spec}`] : [];
  });
}

test("the checker sees every kind of import across the boundary (and passes neutral ones)", () => {
  const arches = archDirs();
  assert.ok(arches.some((a) => a.endsWith(`${sep}riscv64`)), "src/engine/riscv64 exists");
  const zoneFile = join(SRC, "zone", "x.ts");
  for (const line of [
    'import { L } from "../engine/riscv64/layout.js";',
    'import type { X } from "../engine/riscv64/engine.js";',
    'export { y } from "../engine/riscv64/machine.js";',
    'const m = await import("../engine/riscv64/loader.js");',
    'new Worker(new URL("../engine/riscv64/vcpu-worker.js", import.meta.url));',
  ]) {
    assert.equal(crossings(zoneFile, line, arches).length, 1, line);
  }
  assert.deepEqual(crossings(zoneFile, 'import { engineFor } from "../engine/registry.js";', arches), []);
  const engineFile = join(SRC, "engine", "riscv64", "x.ts");
  assert.equal(crossings(engineFile, 'import { ZoneControl } from "../../zone/control.js";', arches).length, 1);
  assert.deepEqual(crossings(engineFile, 'import { MmioBus } from "../../devices/bus.js";', arches), []);
});

test("src/zone, daemon, cli, config, devices and host import no engine but through the registry; engines import no zone, daemon or CLI code", () => {
  const arches = archDirs();
  const files = [...NEUTRAL.flatMap((d) => sourcesUnder(join(SRC, d))), ...sourcesUnder(ENGINE)];
  assert.ok(files.length > 50, `found the sources (${files.length} files under ${SRC})`);
  const found = files.flatMap((f) => crossings(f, readFileSync(f, "utf8"), arches));
  assert.deepEqual(found, []);
});
