// The parts of a new user's first hour that a unit test can check: what guests/packages.sh says to a
// user without root, and that the build skips what has not changed. (The whole path — fresh clone,
// empty home, `npm install && npm run demo`, `npm test` — is .ci/first-hour.sh, which CI runs.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const asNobody = process.getuid?.() === 0 && spawnSync("setpriv", ["--version"]).status === 0;

test("without root, packages.sh prints one apt-get line with every missing package and installs nothing", { skip: asNobody ? false : "needs root and setpriv to run as nobody" }, () => {
  const tmp = mkdtempSync(join(tmpdir(), "tsvisor-packages-"));
  try {
    chmodSync(tmp, 0o755);
    // Two packages no Debian system has, next to the real list: both must be named on one line.
    const script = readFileSync(join(ROOT, "guests", "packages.sh"), "utf8")
      .replace("PACKAGES_TEST=(", "PACKAGES_TEST=(tsvisor-missing-one tsvisor-missing-two ");
    writeFileSync(join(tmp, "packages.sh"), script, { mode: 0o755 });
    const r = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "bash", join(tmp, "packages.sh"), "test"],
      { encoding: "utf8", env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", HOME: tmp } });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const lines = r.stderr.split("\n").filter((l) => l.includes("apt-get install"));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /tsvisor-missing-one tsvisor-missing-two/);
    assert.doesNotMatch(r.stdout, /installing/);
    assert.doesNotMatch(r.stderr, /line \d+:|syntax error|unbound variable/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("an unchanged CPU core is not compiled again", () => {
  const wasm = join(ROOT, "build", "riscv64.wasm");
  const before = statSync(wasm).mtimeMs;
  const r = spawnSync("bash", [join(ROOT, "scripts", "build-core.sh")], { encoding: "utf8", cwd: ROOT });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "", "build-core.sh compiled although nothing changed");
  assert.equal(statSync(wasm).mtimeMs, before);
});
