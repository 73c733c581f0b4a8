// Tests' view of a generated device tree: decompiled by the real dtc (any diagnostic fails) and read
// back as path -> property -> value text. Used by both engines' device tree tests.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

/** Decompiles with the real dtc; any diagnostic on stderr (warnings included) fails the test. */
export function dtc(dtb: Uint8Array): string {
  const r = spawnSync("dtc", ["-I", "dtb", "-O", "dts", "-"], { input: dtb, encoding: "utf8" });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT") {
    assert.fail("dtc not found: install the Debian package device-tree-compiler (apt-get install device-tree-compiler)");
  }
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `dtc failed: ${r.stderr}`);
  assert.equal(r.stderr, "", "dtc reported diagnostics");
  return r.stdout;
}

export type Props = Map<string, string | true>;

/** Reads dtc's regular dts output into path -> property -> raw value text. */
export function parseDts(text: string): Map<string, Props> {
  const nodes = new Map<string, Props>();
  const stack: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const open = /^(\S*) \{$/.exec(line);
    if (open) {
      stack.push(open[1]!);
      const path = stack.length === 1 ? "/" : "/" + stack.slice(1).join("/");
      nodes.set(path, new Map());
      continue;
    }
    if (line === "};") {
      stack.pop();
      continue;
    }
    const prop = /^([^\s=;]+)(?: = (.*))?;$/.exec(line);
    if (prop && stack.length > 0) {
      const path = stack.length === 1 ? "/" : "/" + stack.slice(1).join("/");
      nodes.get(path)!.set(prop[1]!, prop[2] ?? true);
    }
  }
  return nodes;
}

export const cells = (v: string | true | undefined): number[] => {
  assert.ok(typeof v === "string" && v.startsWith("<"), `expected cells, got ${String(v)}`);
  return v.slice(1, -1).split(" ").map(Number);
};
export const str = (...s: string[]): string => `"${s.join("\\0")}"`;

