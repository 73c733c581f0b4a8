// Integration: a Linux zone mounts an ext4 image from virtio-blk, writes files and syncs; after
// the zone is gone the host image is clean (e2fsck -n) and holds the files (debugfs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boot } from "./helpers/guest.js";
import { demoGuest } from "./helpers/demo-guest.js";

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

test("ext4 on virtio-blk: files written and synced in the guest are in the host image", async () => {
  const g = demoGuest();
  const dir = mkdtempSync(join(tmpdir(), "tsvisor-blk-"));
  try {
    const img = join(dir, "disk.img");
    const ro = join(dir, "ro.img");
    writeFileSync(img, "");
    run("truncate", ["-s", "64M", img]);
    run("mkfs.ext4", ["-q", "-F", "-L", "tsvdata", img]);
    writeFileSync(ro, Buffer.alloc(1 << 20, 0x5a));
    const script = [
      "mkdir -p /mnt && mount -t ext4 /dev/vda /mnt",
      "echo hello-from-the-guest > /mnt/hello.txt",
      "mkdir /mnt/dir && seq 1 20000 > /mnt/dir/numbers",
      "dd if=/dev/urandom of=/mnt/blob bs=64k count=64 2>/dev/null",
      "echo BLOB-SHA=$(sha256sum /mnt/blob)",
      "sync && fstrim /mnt 2>/dev/null; umount /mnt && echo UMOUNT-OK",
      "echo RO=$(cat /sys/block/vdb/ro) SERIAL=$(cat /sys/block/vda/serial)",
      "echo RO-SHA=$(head -c 1048576 /dev/vdb | sha256sum)",
      "dd if=/dev/zero of=/dev/vdb bs=512 count=1 2>/dev/null || echo RO-WRITE-REFUSED",
      "exit",
    ].join("; ") + "\n";
    const r = await boot({
      ...g, memBytes: 256 << 20, timeoutMs: 240000,
      devices: [
        { type: "blk", slot: 0, path: img, readonly: false, serial: "tsv-data" },
        { type: "blk", slot: 3, path: ro, readonly: true, serial: "tsv-ro" },
      ],
      input: [{ when: "tsvisor:~# ", text: script }],
    });
    assert.deepEqual(r.outcome, { state: "poweroff" }, r.console.slice(-3000));
    assert.match(r.console, /UMOUNT-OK/, r.console.slice(-3000));
    assert.match(r.console, /RO=1 SERIAL=tsv-data/);
    assert.match(r.console, /RO-WRITE-REFUSED/);
    const roSha = execFileSync("sha256sum", [ro], { encoding: "utf8" }).split(" ")[0];
    assert.match(r.console, new RegExp(`RO-SHA=${roSha}`));
    assert.doesNotMatch(r.console, /I\/O error|EXT4-fs error/);

    run("e2fsck", ["-n", "-f", img]); // throws on a non-zero exit
    assert.equal(run("debugfs", ["-R", "cat /hello.txt", img]).trim(), "hello-from-the-guest");
    const numbers = run("debugfs", ["-R", "cat /dir/numbers", img]).trim().split("\n");
    assert.equal(numbers.length, 20000);
    assert.equal(numbers[19999], "20000");
    run("debugfs", ["-R", `dump /blob ${join(dir, "blob")}`, img]);
    const blobSha = execFileSync("sha256sum", [join(dir, "blob")], { encoding: "utf8" }).split(" ")[0];
    assert.match(r.console, new RegExp(`BLOB-SHA=${blobSha}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bad device settings fail before the guest runs, naming the device", async () => {
  const g = demoGuest();
  await assert.rejects(
    () => boot({ ...g, devices: [{ type: "blk", slot: 2, path: "/nonexistent/disk.img", readonly: false, serial: "" }] }),
    /virtio blk device in slot 2: disk image \/nonexistent\/disk.img not found/,
  );
});
