// The aarch64 software engine behind the zone layer's Engine interface (../engine.ts): guests run
// at EL1/EL0 on the A64 core, tsvisor plays EL2 (PSCI over HVC, the PL011, the device tree) on the
// machine described in machine.ts (GICv3, generic timers, PL011, virtio-mmio). Bare-metal programs
// run; Linux does not yet (no FP/SIMD: docs/architecture.md says what is missing).
import type { BootPlan, BootRequest, Engine, Payload } from "../engine.js";
import * as L from "./layout.js";
import { coreModule, instantiateCore } from "./core-module.js";
import { planWithDtb } from "../boot-plan.js";
import { describePayload } from "./payload.js";
import { PAYLOAD_HEAD_BYTES } from "../payload-formats.js";
import { deviceWindows, MACHINE, mpidrOf } from "./machine.js";
import { buildDtb } from "./platform-dt.js";
import { createPlatform } from "./platform-devices.js";
import { VcpuPower } from "./vcpu-power.js";
import { resetGic } from "./gic.js";

/** The engine's part of every vCPU thread's workerData. */
export interface Aarch64VcpuData {
  /** The compiled core, shared by every vCPU thread (each instantiates it on the zone's memory). */
  module: WebAssembly.Module;
}

const cpuBase = (vcpu: number) => L.CPU_REGION_OFF + vcpu * L.CPU_STRIDE;

function plan(z: BootRequest, payload: Payload): BootPlan {
  return planWithDtb(z, payload, MACHINE.ramBase, (initrd) =>
    buildDtb({ cpus: z.cpus, ramSize: z.memBytes, bootargs: z.cmdline, virtioSlots: z.virtioSlots, initrd }));
}

function prepareVcpus(memory: WebAssembly.Memory, cpus: number, memBytes: number, p: BootPlan): Aarch64VcpuData {
  const module = coreModule();
  resetGic(memory.buffer as unknown as SharedArrayBuffer, cpus);
  const core = instantiateCore(module, memory, () => 0, (m) => { throw new Error(m); });
  const view = new DataView(memory.buffer);
  for (let i = 0; i < cpus; i++) {
    core.init(cpuBase(i), L.GUEST_RAM_OFF, BigInt(MACHINE.ramBase), BigInt(memBytes));
    core.reset(BigInt(mpidrOf(i)));
    new VcpuPower(memory.buffer, i).state = i === 0 ? L.POWER_ON : L.POWER_OFF;
    if (i === 0) {
      // As booting.rst asks: x0 = the device tree's physical address, x1-x3 zero, EL1, MMU off, DAIF masked.
      view.setBigUint64(cpuBase(i) + L.C_PC, BigInt(p.payload.entry), true);
      view.setBigUint64(cpuBase(i) + L.C_X, BigInt(p.dtbAddr), true);
    }
  }
  return { module };
}

export const aarch64Engine: Engine = {
  arch: "aarch64",
  maxVcpus: MACHINE.maxVcpus,
  ramOffset: L.GUEST_RAM_OFF,
  ramBase: MACHINE.ramBase,
  rawLoadAddr: MACHINE.rawLoadAddr,
  devices: deviceWindows,
  payloadHeadBytes: PAYLOAD_HEAD_BYTES,
  vcpuWorker: new URL("./vcpu-worker.js", import.meta.url),
  checkSettings() {},
  describePayload,
  planBoot: plan,
  prepareVcpus,
  wakeVcpu: (words, vcpu) => new VcpuPower(words.buffer, vcpu).wake(),
  activity(buffer, cpus) {
    const view = new DataView(buffer as ArrayBuffer);
    const instret: bigint[] = [];
    let inUser = false;
    for (let i = 0; i < cpus; i++) {
      instret.push(view.getBigUint64(cpuBase(i) + L.C_INSTRET, true));
      inUser ||= view.getUint32(cpuBase(i) + L.C_EL, true) === 0;
    }
    return { instret, inUser };
  },
  loadAnswerOffset: (vcpu) => cpuBase(vcpu) + L.C_LD_ANSWER,
  createPlatform,
};
