// The web console end to end in a real headless Chromium (Debian's chromium, driven by
// playwright-core): log in through the one-time link, see two running zones on the CPU map, type
// into a zone's console and read the answer, start a zone from a pasted TOML with an error (the
// message next to the field), fix and start it, shut it down after confirming, and watch a zone
// die under its open page. Screenshots of each page go to test-output/web/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { allowedCpus } from "../src/host/affinity.js";
import { chromiumPath, startWebDaemon, writeZone, zoneToml, type WebDaemon } from "./helpers/web.js";
import type { ZoneList } from "../src/daemon/api-types.js";

const SHOTS = fileURLToPath(new URL("../../test-output/web/", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "tsvisor-web-"));
const [cpuA, cpuB] = allowedCpus();
const PROMPT = "tsvisor:~# ";
const WAIT = { timeout: 90_000 };
let w: WebDaemon;
let browser: Browser;
let page: Page;
/** Uncaught errors of the page's scripts: there must be none. */
const pageErrors: string[] = [];

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
const list = (): ZoneList => JSON.parse(w.d.cli("zone", "list", "--json").out) as ZoneList;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  w = await startWebDaemon(tmp);
  for (const [name, cpu] of [["alpha", cpuA], ["beta", cpuB]] as const) {
    const r = w.d.cli("zone", "start", writeZone(tmp, name, cpu));
    assert.equal(r.code, 0, r.err);
  }
  // root runs Chromium without its sandbox (it refuses to start otherwise); the page is ours.
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ["--no-sandbox"] });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on("pageerror", (e) => pageErrors.push(e.message));
});
after(async () => {
  await browser?.close();
  await w?.d.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test("two-CPU host", { skip: cpuB === undefined ? "needs 2 host CPUs" : false }, () => {});

test("the one-time login link logs in; the overview shows both zones on the CPU map and the pool", WAIT, async () => {
  await page.goto(w.loginUrl);
  await page.locator(`.cpu-tile[data-cpu="${cpuA}"][data-owner="alpha"]`).waitFor();
  await page.locator(`.cpu-tile[data-cpu="${cpuB}"][data-owner="beta"]`).waitFor();
  assert.equal(new URL(page.url()).hash, "", "the login code leaves the address bar");
  for (const name of ["alpha", "beta"]) {
    await page.locator(`.mem-part[data-zone="${name}"]`).waitFor();
    assert.equal(await page.locator(`table.zones tr[data-zone="${name}"] .state`).textContent(), "running");
  }
  await shot("overview");
});

test("a zone's console: type a command, read its output", WAIT, async () => {
  await page.click('table.zones a:text-is("alpha")');
  const rows = page.locator(".xterm-rows");
  await rows.filter({ hasText: PROMPT }).waitFor(WAIT);
  await page.locator(".holder[data-holder=you]").waitFor();
  await page.click(".terminal");
  await page.keyboard.type("echo web-$((6*7))\n");
  await rows.filter({ hasText: "web-42" }).waitFor(WAIT);
  assert.match((await rows.textContent()) ?? "", /echo web-\$\(\(6\*7\)\).*web-42/s);
  await page.locator(".legend-load .legend-item[data-vcpu='0']").waitFor(WAIT); // load samples arrive once a second
  // The riscv64 engine counts retired instructions: a booted Linux at its prompt still retires some.
  const ips = page.locator(".legend-ips .legend-item[data-vcpu='0']");
  await ips.waitFor(WAIT);
  assert.ok(Number(await ips.getAttribute("data-value")) > 0, `instructions/s: ${await ips.textContent()}`);
  await shot("zone-console");
});

test("start from a pasted TOML: an error shows next to its field and starts nothing; fixed, it starts", WAIT, async () => {
  await page.click('nav a:text-is("Start a zone")');
  assert.deepEqual(pageErrors, [], "leaving the zone page");
  // Relative paths resolve in --http-root-dir (the guest cache).
  const bad = zoneToml("web1", cpuA, "12M").replace(/kernel = "[^"]*"/, 'kernel = "Image"').replace(/initrd = "[^"]*"/, 'initrd = "initramfs.cpio.gz"');
  await page.fill("#toml-name", "web1.toml");
  await page.fill("#toml", bad);
  await page.click("#start");
  const problem = page.locator('.problem[data-field="zone.memory"]');
  await problem.waitFor();
  assert.match((await problem.textContent()) ?? "", /too little memory/);
  const memoryLine = bad.split("\n").findIndex((l) => l.startsWith("memory")) + 1;
  assert.equal(await problem.getAttribute("data-line"), String(memoryLine), "the message sits under the memory line");
  assert.equal(list().zones.some((z) => z.name === "web1"), false);
  await shot("start-error");

  await page.fill("#toml", bad.replace('memory = "12M"', 'memory = "64M"'));
  await page.click("#start");
  await page.locator("#start-result .ok").filter({ hasText: "zone web1" }).waitFor(WAIT);
  assert.equal(list().zones.find((z) => z.name === "web1")?.state, "running");
  await shot("start-ok");
});

test("shut the new zone down from its page, after confirming; the events log tells the story", WAIT, async () => {
  await page.click('#start-result a:text-is("open it")');
  await page.locator(".zone-status .state-running").waitFor();
  await page.click('button:text-is("Shut down")');
  await page.locator("dialog#confirm[open]").waitFor();
  await shot("confirm-shutdown");
  await page.click("#confirm-ok");
  await page.locator(".xterm-rows").filter({ hasText: "[tsvisor: the zone is off]" }).waitFor(WAIT);
  assert.equal(list().zones.some((z) => z.name === "web1"), false);
  assert.deepEqual(list().zones.map((z) => z.state), ["running", "running"], "the other zones run on");

  await page.click('nav a:text-is("Events")');
  const web1 = page.locator("table.events tr").filter({ hasText: "web1" });
  await web1.filter({ hasText: "off" }).waitFor();
  assert.deepEqual(await web1.locator(".state").allTextContents(), ["off", "running", "starting"]);
  await shot("events");
});

test("a zone that dies while its page is open: the page shows `error` with the reason, the console says it ended", WAIT, async () => {
  await page.click('nav a:text-is("Overview")');
  await page.click('table.zones a:text-is("beta")');
  await page.locator(".zone-status .state-running").waitFor(WAIT);
  await page.locator(".xterm-rows").filter({ hasText: PROMPT }).waitFor(WAIT);
  const beta = list().zones.find((z) => z.name === "beta")!;
  process.kill(beta.process.pid, "SIGKILL"); // the zone's process dies under the open page
  await page.locator(".zone-status .state-error").waitFor(WAIT);
  const reason = (await page.locator(".zone-status .reason").textContent()) ?? "";
  assert.match(reason, /^zone beta: its process was killed by SIGKILL/);
  assert.equal(reason, list().zones.find((z) => z.name === "beta")?.reason, "the page shows the daemon's reason");
  await page.locator(".xterm-rows").filter({ hasText: "[tsvisor: the zone is error: zone beta: its process was killed by SIGKILL" }).waitFor(WAIT);
  assert.equal(await page.locator(".holder").textContent(), "zone error");
  await shot("zone-died");
  await page.click('nav a:text-is("Overview")');
  const row = page.locator('table.zones tr[data-zone="beta"]');
  await row.locator(".state").filter({ hasText: "error" }).waitFor();
  assert.equal(await row.locator(".reason").textContent(), reason);
});

test("no page script failed on the way", () => {
  assert.deepEqual(pageErrors, []);
});
