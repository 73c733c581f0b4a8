// PSCI over HVC on a zone's shared vCPU power states: CPU_ON's claim (one caller wins, the rest
// hear ALREADY_ON / ON_PENDING), AFFINITY_INFO, the error codes for junk arguments, SMC32 forms.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as L from "./layout.js";
import { VcpuPower } from "./vcpu-power.js";
import {
  ALREADY_ON, INVALID_ADDRESS, INVALID_PARAMETERS, NOT_SUPPORTED, ON_PENDING, psciCall, PSCI_AFFINITY_INFO,
  PSCI_AFFINITY_INFO_32, PSCI_CPU_OFF, PSCI_CPU_ON, PSCI_CPU_ON_32, PSCI_FEATURES, PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET,
  PSCI_VERSION, type PsciHost,
} from "./psci.js";

function zone(n: number): PsciHost {
  const buffer = new SharedArrayBuffer(L.CPU_REGION_OFF + n * L.CPU_STRIDE);
  const cpus = Array.from({ length: n }, (_, i) => new VcpuPower(buffer, i));
  cpus[0]!.state = L.POWER_ON;
  return { cpus, inRam: (a) => a >= 0x40000000n && a < 0x48000000n };
}
const call = (h: PsciHost, ...x: (number | bigint)[]) => psciCall(h, [0, 1, 2, 3].map((i) => BigInt(x[i] ?? 0)));

test("PSCI 1.1: version, features of what exists, poweroff, reset, CPU_OFF; junk gets NOT_SUPPORTED", () => {
  const h = zone(1);
  assert.deepEqual(call(h, PSCI_VERSION), { x0: 0x10001n, action: "none" });
  assert.deepEqual(call(h, PSCI_SYSTEM_OFF), { x0: 0n, action: "poweroff" });
  assert.deepEqual(call(h, PSCI_SYSTEM_RESET), { x0: 0n, action: "reboot" });
  assert.equal(call(h, PSCI_CPU_OFF).action, "cpu-off");
  for (const f of [PSCI_SYSTEM_OFF, PSCI_CPU_ON, PSCI_CPU_ON_32, PSCI_AFFINITY_INFO]) assert.equal(call(h, PSCI_FEATURES, f).x0, 0n);
  assert.equal(call(h, PSCI_FEATURES, 0xc4000001).x0, NOT_SUPPORTED, "CPU_SUSPEND is not implemented");
  assert.equal(call(h, 0x12345678).x0, NOT_SUPPORTED);
  // the upper half of x0 is not part of the function ID (SMCCC: W0)
  assert.equal(call(h, 0xffffffff00000000n | BigInt(PSCI_VERSION)).x0, 0x10001n);
});

test("CPU_ON starts an OFF vCPU once: its entry and context published, ON_PENDING, then ALREADY_ON once it runs", () => {
  const h = zone(18);
  const t = h.cpus[17]!;
  const seen = t.wakeCount;
  assert.equal(call(h, PSCI_CPU_ON, 0x101, 0x40080000, 0x1234).x0, 0n, "vCPU 17 is MPIDR 0x101 (cluster 1, core 1)");
  assert.equal(t.state, L.POWER_ON_PENDING);
  assert.equal(t.startPc, 0x40080000n);
  assert.equal(t.startCtx, 0x1234n);
  assert.notEqual(t.wakeCount, seen, "its thread was woken");
  assert.equal(call(h, PSCI_CPU_ON, 0x101, 0x40080000, 0).x0, ON_PENDING);
  assert.equal(call(h, PSCI_AFFINITY_INFO, 0x101, 0).x0, 2n);
  t.state = L.POWER_ON;
  assert.equal(call(h, PSCI_CPU_ON, 0x101, 0x40080000, 0).x0, ALREADY_ON);
  assert.equal(call(h, PSCI_AFFINITY_INFO, 0x101, 0).x0, 0n);
  assert.equal(call(h, PSCI_AFFINITY_INFO, 0x1, 0).x0, 1n, "vCPU 1 is off");
  assert.equal(call(h, PSCI_AFFINITY_INFO, 0x1, 1).x0, INVALID_PARAMETERS, "only affinity level 0");
});

test("CPU_ON refuses an MPIDR no vCPU has and an entry outside RAM; SMC32 takes the low halves", () => {
  const h = zone(2);
  assert.equal(call(h, PSCI_CPU_ON, 0x2, 0x40080000, 0).x0, INVALID_PARAMETERS);
  assert.equal(call(h, PSCI_CPU_ON, 0x10, 0x40080000, 0).x0, INVALID_PARAMETERS, "MPIDR 0x10 would be vCPU 16 without clusters");
  assert.equal(call(h, PSCI_CPU_ON, 0x1, 0x1000, 0).x0, INVALID_ADDRESS);
  assert.equal(h.cpus[1]!.state, L.POWER_OFF, "a refused CPU_ON leaves the vCPU off");
  assert.equal(call(h, PSCI_CPU_ON_32, 0xffffffff00000001n, 0xffffffff40080000n, 0xffffffff00000007n).x0, 0n);
  assert.equal(h.cpus[1]!.startPc, 0x40080000n);
  assert.equal(h.cpus[1]!.startCtx, 7n);
  assert.equal(call(h, PSCI_AFFINITY_INFO_32, 0xffffffff00000001n, 0).x0, 2n);
});
