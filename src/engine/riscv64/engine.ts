// The riscv64 software engine behind the zone layer's Engine interface (../engine.ts): guests run
// in virtual S-mode on the AssemblyScript core (+ block JIT), tsvisor plays HS-mode (SBI, PLIC,
// UART, device tree), on the machine described in machine.ts.
import type { BootPlan, BootRequest, Engine, Payload } from "../engine.js";
import * as L from "./layout.js";
import * as Z from "../zone-block.js";
import { coreModule, instantiateCore } from "./core-module.js";
import { HartView, HSM_STARTED, HSM_STOPPED } from "./hart-view.js";
import { planWithDtb } from "../boot-plan.js";
import { describePayload, PAYLOAD_HEAD_BYTES } from "./payload.js";
import { buildDtb, deviceWindows, MACHINE } from "./machine.js";
import { createPlatform } from "./platform-devices.js";
import { jitModeFromEnv, jitTableLimitFromEnv } from "./jit/jit-mode.js";
import { jitCacheEnabled } from "./jit/code-cache.js";
import { MAX_BLOCKS } from "./jit/block-jit.js";

/** The engine's part of every vCPU thread's workerData. */
export interface RiscvVcpuData {
  /** The compiled core, shared by every vCPU thread (each instantiates it on the zone's memory). */
  module: WebAssembly.Module;
}

function plan(z: BootRequest, payload: Payload): BootPlan {
  return planWithDtb(z, payload, MACHINE.ramBase, (initrd) =>
    buildDtb({ harts: z.cpus, ramSize: z.memBytes, bootargs: z.cmdline, virtioSlots: z.virtioSlots, initrd }));
}

function prepareVcpus(memory: WebAssembly.Memory, cpus: number, memBytes: number, p: BootPlan): RiscvVcpuData {
  const buffer = memory.buffer as unknown as SharedArrayBuffer;
  new Int32Array(buffer)[(Z.ZONE_CTL_OFF + Z.ZC_NHARTS) >> 2] = cpus;
  const module = coreModule();
  // One core instance here builds the shared RVC table before any vCPU thread runs.
  const core = instantiateCore(module, memory, () => 0, (m) => { throw new Error(m); });
  for (let i = 0; i < cpus; i++) {
    const hart = new HartView(buffer, i);
    core.init(hart.base, L.GUEST_RAM_OFF, BigInt(memBytes));
    core.resetHart();
    hart.store32(L.H_HARTID, i);
    hart.hsmState = i === 0 ? HSM_STARTED : HSM_STOPPED;
    if (i === 0) {
      // As OpenSBI hands over to the next stage: S-mode, MMU and interrupts off, a0 = hartid, a1 = device tree.
      hart.pc = BigInt(p.payload.entry);
      hart.setX(10, 0n);
      hart.setX(11, BigInt(p.dtbAddr));
    }
  }
  return { module };
}

export const riscv64Engine: Engine = {
  arch: "riscv64",
  maxVcpus: MACHINE.maxHarts,
  ramOffset: L.GUEST_RAM_OFF,
  ramBase: MACHINE.ramBase,
  rawLoadAddr: MACHINE.rawLoadAddr,
  devices: deviceWindows,
  payloadHeadBytes: PAYLOAD_HEAD_BYTES,
  vcpuWorker: new URL("./vcpu-worker.js", import.meta.url),
  checkSettings() {
    jitModeFromEnv();
    jitTableLimitFromEnv(MAX_BLOCKS);
    jitCacheEnabled();
  },
  describePayload,
  planBoot: plan,
  prepareVcpus,
  wakeVcpu: (words, vcpu) => new HartView(words.buffer, vcpu).wake(),
  activity(buffer, cpus) {
    const instret: bigint[] = [];
    let inUser = false;
    for (let i = 0; i < cpus; i++) {
      const hart = new HartView(buffer, i);
      instret.push(hart.load64(L.H_INSTRET));
      inUser ||= hart.load32(L.H_PRIV) === 0;
    }
    return { instret, inUser };
  },
  loadAnswerOffset: (vcpu) => L.HART_REGION_OFF + vcpu * L.HART_STRIDE + L.H_LD_RESULT,
  createPlatform,
};
