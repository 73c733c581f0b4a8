// Integration: a Linux zone on a TAP link inside a network namespace sends 64 MiB to the host
// over TCP; the host's sha256 of what arrived matches the guest's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Zone } from "../src/zone/zone.js";
import { demoGuest } from "./helpers/demo-guest.js";
import { NetNs, requireNetAdmin } from "./helpers/netns.js";

test("guest -> host TCP over virtio-net on a TAP in a netns: 64 MiB with a matching sha256", async (t) => {
  const g = demoGuest();
  requireNetAdmin();
  const id = process.pid % 100000;
  const tap = `tsvt${id}`;
  const ns = new NetNs(`tsvnet${id}`);
  const zone = new Zone({
    name: "net", arch: "riscv64", cpus: 1, memBytes: 512 << 20, kernel: g.kernel, initrd: g.initrd, cmdline: "console=ttyS0",
    devices: [{ type: "net", slot: 0, tap, mac: "02:00:00:00:00:02" }],
  });
  let out = "";
  const logs: string[] = [];
  const script = [
    "ip link set eth0 up && ip addr add 10.213.0.2/24 dev eth0",
    "dd if=/dev/urandom of=/tmp/d bs=1M count=64 2>/dev/null",
    "echo GUEST-SHA=$(sha256sum /tmp/d)",
    "ping -c 1 -W 5 10.213.0.1 >/dev/null && echo PING-OK",
    "nc 10.213.0.1 5000 < /tmp/d && echo NC-DONE",
    "exit",
  ].join("; ") + "\n";
  let typed = false;
  zone.on("console", (d: Buffer) => {
    out += d.toString("latin1");
    if (!typed && out.includes("tsvisor:~# ")) {
      typed = true;
      zone.input(Buffer.from(script));
    }
  });
  zone.on("log", (m: string) => logs.push(m));
  const timer = setTimeout(() => zone.stop(), 600_000);
  try {
    const done = zone.start(); // the TAP exists from here on
    ns.adopt(tap, "10.213.0.1/24");
    const sink = ns.tcpSink("10.213.0.1", 5000, 590_000);
    await sink.listening;
    const outcome = await done;
    assert.deepEqual(outcome, { state: "poweroff" }, logs.join("\n") + out.slice(-3000));
    assert.match(out, /PING-OK/, out.slice(-3000));
    assert.match(out, /NC-DONE/, out.slice(-3000));
    const r = await sink.result;
    const guestSha = /GUEST-SHA=([0-9a-f]{64})/.exec(out)?.[1];
    assert.equal(r.bytes, 64 << 20);
    assert.equal(r.sha256, guestSha);
    t.diagnostic(`64 MiB in ${r.ms} ms (host clock, first byte to close): ${((64 * 1000) / r.ms).toFixed(1)} MB/s`);
    for (const l of logs) t.diagnostic(l);
  } finally {
    clearTimeout(timer);
    ns.delete();
  }
});
