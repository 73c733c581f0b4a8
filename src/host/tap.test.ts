import { test } from "node:test";
import assert from "node:assert/strict";
import { closeSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { openTap } from "./tap.js";

test("openTap: bad names and non-TAP interfaces fail with a clear message", () => {
  assert.throws(() => openTap("a-name-far-too-long"), /TAP name .* must be 1-15/);
  assert.throws(() => openTap("lo"), /TAP lo: TUNSETIFF failed: invalid argument: is lo an existing interface that is not a TAP/);
});

test("openTap creates a TAP that the host sees, gone when closed", () => {
  const name = `tsvu${process.pid % 100000}`;
  const fd = openTap(name);
  try {
    assert.match(execFileSync("ip", ["link", "show", name], { encoding: "utf8" }), new RegExp(name));
  } finally {
    closeSync(fd);
  }
  assert.throws(() => execFileSync("ip", ["link", "show", name], { stdio: "ignore" }));
});
