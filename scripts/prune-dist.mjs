// Remove compiled files whose TypeScript source is gone (a moved or deleted file), so that
// `node --test dist/` never runs a test that no longer exists. tsc leaves such files behind.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");

function walk(dir) {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith(".js")) {
      const src = join(root, relative(dist, p)).replace(/\.js$/, ".ts");
      if (!existsSync(src)) {
        for (const f of [p, `${p}.map`, p.replace(/\.js$/, ".d.ts")]) rmSync(f, { force: true });
        console.log(`removed stale ${relative(root, p)} (no ${relative(root, src)})`);
      }
    }
  }
}
for (const top of ["src", "tests", "bench"]) walk(join(dist, top));
