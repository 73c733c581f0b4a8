// PSCI over HVC: the calls a single-vCPU guest makes, and NOT_SUPPORTED for everything else.
import { test } from "node:test";
import assert from "node:assert/strict";
import { NOT_SUPPORTED, psciCall, PSCI_FEATURES, PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET, PSCI_VERSION } from "./psci.js";

test("PSCI 1.1: version, features of what exists, poweroff and reset; junk gets NOT_SUPPORTED", () => {
  assert.deepEqual(psciCall(BigInt(PSCI_VERSION), 0n), { x0: 0x10001n, action: "none" });
  assert.deepEqual(psciCall(BigInt(PSCI_SYSTEM_OFF), 0n), { x0: 0n, action: "poweroff" });
  assert.deepEqual(psciCall(BigInt(PSCI_SYSTEM_RESET), 0n), { x0: 0n, action: "reboot" });
  assert.equal(psciCall(BigInt(PSCI_FEATURES), BigInt(PSCI_SYSTEM_OFF)).x0, 0n);
  assert.equal(psciCall(BigInt(PSCI_FEATURES), 0xc4000003n).x0, NOT_SUPPORTED, "CPU_ON: no secondary vCPUs yet");
  assert.equal(psciCall(0xc4000003n, 1n).x0, NOT_SUPPORTED);
  assert.equal(psciCall(0x12345678n, 0n).x0, NOT_SUPPORTED);
  // the upper half of x0 is not part of the function ID (SMCCC: W0)
  assert.equal(psciCall(0xffffffff00000000n | BigInt(PSCI_VERSION), 0n).x0, 0x10001n);
});
