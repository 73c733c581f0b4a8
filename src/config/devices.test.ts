import { test } from "node:test";
import assert from "node:assert/strict";
import { parseZoneConfig, ConfigError } from "./zone-config.js";
import { virtioSlotCount } from "./devices.js";

const base = `[zone]\nname = "z"\n[boot]\nkernel = "/k"\n`;

test("[[device]] tables: slots assigned, paths resolved, defaults filled", () => {
  const c = parseZoneConfig(base + `
[[device]]
type = "net"
tap = "tap0"
slot = 0
[[device]]
type = "blk"
path = "disk.img"
[[device]]
type = "blk"
path = "/abs/ro.img"
readonly = true
serial = "ro"
[[device]]
type = "rng"
slot = 5
[[device]]
type = "console"
`, "/etc/zones/z.toml");
  assert.deepEqual(c.devices!.map((d) => [d.type, d.slot]), [["net", 0], ["blk", 1], ["blk", 2], ["rng", 5], ["console", 3]]);
  const blk = c.devices![1];
  assert.ok(blk.type === "blk" && blk.path === "/etc/zones/disk.img" && !blk.readonly);
  const net = c.devices![0];
  assert.ok(net.type === "net" && /^02:74(:[0-9a-f]{2}){4}$/.test(net.mac));
  assert.equal(virtioSlotCount(c.devices!), 8, "every slot exists, as on QEMU virt");
  assert.deepEqual(parseZoneConfig(base, "z.toml").devices, []);
});

test("bad [[device]] settings are reported with file, field and fix", () => {
  const bad = (extra: string, re: RegExp) => assert.throws(() => parseZoneConfig(base + extra, "z.toml"), (e: Error) => {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, re);
    return true;
  });
  bad(`[[device]]\ntype = "blk"\n`, /z\.toml: device\.0\.path: missing: add path = "disk\.img" to this \[\[device\]\]/);
  bad(`[[device]]\ntype = "gpu"\n`, /device\.0\.type: "gpu" is not a device type: use "blk", "net", "console" or "rng"/);
  bad(`[[device]]\ntype = "rng"\nslot = 1\n[[device]]\ntype = "console"\nslot = 1\n`, /device\.1\.slot: slot 1 is already used by device 0/);
  bad(`[[device]]\ntype = "rng"\nslot = 8\n`, /device\.0\.slot/);
  bad(`[[device]]\ntype = "net"\ntap = "tap0"\nmac = "02:00:00:00:00"\n`, /device\.0\.mac: "02:00:00:00:00" is not a MAC address: write the MAC as six hex pairs/);
  bad(`[[device]]\ntype = "net"\ntap = "tap0"\nmac = "03:00:00:00:00:01"\n`, /multicast/);
  bad(`[[device]]\ntype = "net"\ntap = "tap0"\n[[device]]\ntype = "net"\ntap = "tap0"\n`, /TAP tap0 is already used/);
  bad(`[[device]]\ntype = "blk"\npath = "x"\nreadonly = "yes"\n`, /device\.0\.readonly/);
  bad(`[[device]]\ntype = "rng"\ncolour = 1\n`, /device\.0\.colour: unknown field "colour" in \[\[device\]\]: remove it/);
});
