// The shipped examples (examples/system.toml, examples/zones/*.toml) as the README's walkthrough
// uses them: `check` passes on them, and the daemon runs all three zones at once on a 2-CPU host,
// each booting the demo guest to its shell; the devices zone sees its disk and its network device.
// The files are copied unchanged except for the TAP name (unique per run) and the disk image the
// walkthrough tells the user to create.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ZoneList } from "../src/daemon/api-types.js";
import { allowedCpus } from "../src/host/affinity.js";
import { CLI, DaemonProcess } from "./helpers/daemon.js";
import { demoGuest } from "./helpers/demo-guest.js";

const EXAMPLES = fileURLToPath(new URL("../../examples", import.meta.url));
const ZONES = ["realtime", "user", "devices"];
const PROMPT = "tsvisor:~# ";
const tmp = mkdtempSync(join(tmpdir(), "tsvisor-examples-"));
const dir = join(tmp, "examples");
const tap = `tsvx${process.pid % 100000}`;
const zoneFiles = ZONES.map((z) => join(dir, "zones", `${z}.toml`));
const fits = allowedCpus().length >= 2 && process.getuid?.() === 0;
let d: DaemonProcess | undefined;

before(() => {
  demoGuest(); // fails with the build command if the demo guest is missing
  cpSync(EXAMPLES, dir, { recursive: true });
  const devices = join(dir, "zones", "devices.toml");
  writeFileSync(devices, readFileSync(devices, "utf8").replace('tap = "tsv-ex0"', `tap = "${tap}"`));
  writeFileSync(join(dir, "zones", "data.img"), "");
  truncateSync(join(dir, "zones", "data.img"), 64 << 20); // the walkthrough's `truncate -s 64M`
});
after(async () => {
  await d?.stop();
  spawnSync("ip", ["link", "del", tap], { stdio: "ignore" });
  rmSync(tmp, { recursive: true, force: true });
});

test("tsvisor check passes on the shipped system file and zone files together", () => {
  const r = spawnSync("node", [CLI, "check", "--system", join(dir, "system.toml"), ...zoneFiles], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  for (const name of ["rt", "web", "store"]) assert.match(r.stdout, new RegExp(`zone ${name} \\(`));
});

test("the daemon runs the three example zones at once and each reaches its shell", { skip: fits ? false : "needs root and 2 host CPUs (as the walkthrough)" }, async () => {
  d = await DaemonProcess.start(join(tmp, "d.sock"), join(dir, "system.toml"));
  for (const f of zoneFiles) {
    const r = d.cli("zone", "start", f);
    assert.equal(r.code, 0, `${f}: ${r.err}`);
  }
  const list = JSON.parse(d.cli("zone", "list", "--json").out) as ZoneList;
  const cpus = new Map(list.zones.map((z) => [z.name, z.vcpus.map((v) => v.hostCpu)]));
  assert.deepEqual(Object.fromEntries(cpus), { rt: [1], web: [0], store: [0] });
  assert.deepEqual(list.zones.map((z) => z.state), ["running", "running", "running"]);

  const ask = async (zone: string, cmd: string, answer: RegExp): Promise<string> => {
    const r = await d!.console(zone, [{ when: PROMPT, send: `${cmd}; echo END-$((6*7))\n` }, { when: "END-42\r\n", send: "\x01d" }], 120000);
    assert.equal(r.code, 0, `${zone}: ${r.err}\n${r.out.slice(-1500)}`);
    assert.match(r.out, answer, `${zone}: ${r.out.slice(-1500)}`);
    return r.out;
  };
  await ask("rt", "cat /sys/devices/system/cpu/online", /\n0\r?\n/);
  await ask("web", "uname -m", /\nriscv64\r?\n/);
  // 64 MiB disk = 131072 sectors; eth0 is the virtio-net device on the TAP.
  await ask("store", "cat /sys/block/vda/size; cat /sys/class/net/eth0/address", /\n131072\r?\n[0-9a-f:]{17}\r?\n/);

  for (const z of ["rt", "web", "store"]) assert.equal(d.cli("zone", "shutdown", z).code, 0, z);
});
