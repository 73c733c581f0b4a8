// A running zone as its owner (the CLI's main thread, later the daemon) sees it: loads the
// images, lays out memory, starts the VMM thread and one thread per vCPU, and reports the outcome.
import { resolve as resolvePath } from "node:path";
import { EventEmitter } from "node:events";
import { Worker } from "node:worker_threads";
import * as Z from "../engine/zone-block.js";
import type { Arch } from "../engine/arch.js";
import { maxZoneMemory, ramOffsetOf, type VcpuActivity, type VcpuThreadData } from "../engine/engine.js";
import { engineFor } from "../engine/registry.js";
import { BootError } from "../engine/boot-error.js";
import type { FormatChoice, ZoneConfig } from "../config/zone-config.js";
import { outcomeOf, type ZoneOutcome } from "./outcome.js";
import { ConsoleDrain, ZoneControl } from "../engine/zone-control.js";
import type { ZoneThreadMessage } from "../engine/thread-messages.js";
import type { VmmWorkerData } from "./vmm-worker.js";
import { lockMemory, type MemoryLock } from "../host/memlock.js";
import { failAt, isArmed } from "./fault-points.js";
import type { DeviceConfig } from "../config/devices.js";
import { virtioSlotCount } from "../config/virtio-slots.js";
import { openVirtioDevices } from "./virtio-devices.js";
import { readUserFileSync, UserFileError, type UserFileLimit } from "../host/user-file.js";
import { formatSize } from "../config/size.js";

export interface ZoneSpec {
  name: string;
  /** Which engine runs the zone. */
  arch: Arch;
  cpus: number;
  memBytes: number;
  /** The payload: a Linux Image, an ELF executable or a raw binary (Engine.describePayload). */
  kernel: string;
  initrd?: string;
  cmdline: string;
  /** How to read `kernel` (default: told from its contents); raw binaries: where they load and start. */
  format?: FormatChoice;
  loadAddr?: number;
  entry?: number;
  /** Static partitioning: host CPU of each vCPU (each vCPU thread pins itself to it). */
  hostCpus?: number[];
  /** Pre-fault and mlock the zone's memory (realtime zones); failing to lock fails the start. */
  lockMemory?: boolean;
  /** virtio devices on the virtio-mmio slots. */
  devices?: DeviceConfig[];
}

/** The spec of the zone a config describes; `hostCpus`: where its vCPUs run (the daemon's choice). */
export function zoneSpecOf(c: ZoneConfig, hostCpus = c.hostCpus): ZoneSpec {
  return {
    name: c.name, arch: c.arch, cpus: c.cpus, memBytes: c.memBytes, kernel: c.kernel, initrd: c.initrd, cmdline: c.cmdline,
    format: c.format, loadAddr: c.loadAddr, entry: c.entry, hostCpus, lockMemory: c.kind === "realtime", devices: c.devices,
  };
}

/** Kernel and initrd are copied into the zone's memory: a larger file is refused unread. */
export function imageLimit(memBytes: number): UserFileLimit {
  return { maxBytes: memBytes, limit: `the zone's ${formatSize(memBytes)} of memory` };
}

function readImage(zone: string, what: string, path: string, memBytes: number): Uint8Array {
  try {
    return readUserFileSync(path, imageLimit(memBytes));
  } catch (e) {
    throw e instanceof UserFileError ? new BootError(`zone ${zone}: cannot read ${what} ${e.path}: ${e.reason}`) : e;
  }
}

export class Zone extends EventEmitter {
  private ctl!: ZoneControl;
  private drain: ConsoleDrain | undefined;
  private consolePaused = false;
  private workers: Worker[] = [];
  private errorReason: string | undefined;
  private memLock: MemoryLock | undefined;
  /** Linux thread id of each vCPU once it reported ready (0: not pinned, not known). */
  readonly vcpuTids: number[] = [];

  /** The zone's shared memory, once start() made it (or took the one it was given). */
  memory: WebAssembly.Memory | undefined;

  /** `reuse`: the memory of this zone's previous boot, cleared and used again (see start()). */
  constructor(readonly spec: ZoneSpec, private readonly reuse?: WebAssembly.Memory) {
    super();
  }

  /** Boot the zone; resolves when it has stopped (poweroff, reboot request or error). */
  start(): Promise<ZoneOutcome> {
    const s = this.spec;
    const engine = engineFor(s.arch);
    if (!Number.isInteger(s.cpus) || s.cpus < 1 || s.cpus > engine.maxVcpus) {
      throw new BootError(`zone ${s.name}: cpus must be 1..${engine.maxVcpus}, got ${s.cpus}`);
    }
    const maxMem = maxZoneMemory(engine);
    if (s.memBytes > maxMem || s.memBytes % Z.WASM_PAGE !== 0) {
      throw new BootError(`zone ${s.name}: memory must be a multiple of 64 KiB and at most ${maxMem / 1024 ** 2} MiB`);
    }
    if (s.hostCpus !== undefined && s.hostCpus.length !== s.cpus) {
      throw new BootError(`zone ${s.name}: ${s.hostCpus.length} host CPUs given for ${s.cpus} vCPUs`);
    }
    try {
      engine.checkSettings(); // each vCPU thread reads them too: a bad value fails here, once, before anything runs
    } catch (e) {
      throw new BootError(`zone ${s.name}: ${(e as Error).message}`);
    }
    failAt("read-images");
    // Read here, in the zone's own process (under the daemon): the daemon only reads headers.
    const kernel = readImage(s.name, "kernel", s.kernel, s.memBytes);
    const initrd = s.initrd !== undefined ? readImage(s.name, "initrd", s.initrd, s.memBytes) : undefined;
    const payload = engine.describePayload(kernel, kernel.length, s.kernel, { format: s.format, loadAddr: s.loadAddr, entry: s.entry });
    const virtioSlots = virtioSlotCount(s.devices ?? []);
    const plan = engine.planBoot({ zone: s.name, file: s.kernel, cpus: s.cpus, memBytes: s.memBytes, cmdline: s.cmdline,
      initrdLen: initrd?.length, virtioSlots }, payload);

    const pages = (engine.ramOffset + s.memBytes) / Z.WASM_PAGE;
    // A reboot clears and reuses the last boot's memory rather than making a second one: the old
    // one would linger until V8 collects it, and a zone's process has a memory limit (a realtime
    // zone's memory is all resident, and locked).
    const reused = this.reuse?.buffer.byteLength === pages * Z.WASM_PAGE ? this.reuse : undefined;
    if (reused) new Uint8Array(reused.buffer).fill(0);
    const memory = reused ?? new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    this.memory = memory;
    const buffer = memory.buffer as unknown as SharedArrayBuffer;
    const bytes = new Uint8Array(buffer);
    failAt("create-memory");
    if (s.lockMemory) {
      try {
        failAt("lock-memory");
        this.memLock = lockMemory(bytes, `zone ${s.name}`);
      } catch (e) {
        throw new BootError((e as Error).message);
      }
    }
    const ram = (gpa: number) => ramOffsetOf(engine, gpa);
    // Fresh memory is zero, so a region's part beyond its file bytes (ELF .bss) needs no clearing.
    for (const r of payload.regions) bytes.set(kernel.subarray(r.fileOff, r.fileOff + r.fileLen), ram(r.start));
    if (initrd) bytes.set(initrd, ram(plan.initrd!.start));
    bytes.set(plan.dtb, ram(plan.dtbAddr));

    this.ctl = new ZoneControl(buffer);
    this.ctl.reset();
    new Float64Array(buffer, Z.ZONE_CTL_OFF + Z.ZC_TIME_ORIGIN, 1)[0] = performance.timeOrigin + performance.now();
    const engineData = engine.prepareVcpus(memory, s.cpus, s.memBytes, plan);

    // Host resources of the virtio devices last: nothing below can fail before the threads own them.
    let virtio: ReturnType<typeof openVirtioDevices>;
    try {
      virtio = openVirtioDevices(s.name, s.devices ?? []);
    } catch (e) {
      this.memLock?.unlock();
      throw new BootError((e as Error).message);
    }

    return new Promise<ZoneOutcome>((resolve) => {
      let alive = 0;
      const onMessage = (m: ZoneThreadMessage) => {
        if (m.type === "log") this.emit("log", m.msg);
        else if (m.type === "error") this.errorReason ??= m.reason;
        else if (m.type === "ready") {
          this.vcpuTids[m.vcpu] = m.tid;
          if (++ready === s.cpus) this.emit("ready");
        }
      };
      let ready = 0;
      // Console output: the ring in the control block, drained here ("console" events).
      const drain = new ConsoleDrain(this.ctl, (d) => this.emit("console", Buffer.from(d.buffer, d.byteOffset, d.length)));
      this.drain = drain;
      if (this.consolePaused) drain.pause();
      drain.start();
      const finish = () => {
        drain.close(); // what the guest wrote last comes out before the outcome
        this.memLock?.unlock();
        virtio.close();
        resolve(this.outcome());
      };
      const onGone = () => {
        if (--alive > 0) return;
        finish();
      };
      const spawn = (file: URL, workerData: VcpuThreadData | VmmWorkerData) => {
        const w = new Worker(file, { workerData });
        alive++;
        w.on("message", onMessage);
        w.on("error", (e) => {
          this.errorReason ??= `zone ${s.name}: thread failed: ${e.message}`;
          this.ctl.end(Z.ZONE_ERROR);
          this.wakeAll();
        });
        w.on("exit", onGone);
        this.workers.push(w);
      };
      try {
        failAt("spawn-vmm");
        spawn(new URL("./vmm-worker.js", import.meta.url),
          { memory, arch: s.arch, vcpus: s.cpus, zoneName: s.name, virtio: virtio.setups, virtioSlots });
        // What names this guest from boot to boot, for an engine's caches (VcpuThreadData.guestId).
        const guestId = JSON.stringify([s.name, resolvePath(s.kernel), s.memBytes, s.cpus]);
        for (let i = 0; i < s.cpus; i++) {
          failAt("spawn-vcpu");
          // the pin-vcpu fault asks for a CPU no host has, so the real error path runs
          const hostCpu = isArmed("pin-vcpu") ? 1023 : s.hostCpus?.[i];
          spawn(engine.vcpuWorker, { memory, vcpu: i, vcpus: s.cpus, ramSize: s.memBytes, zoneName: s.name, virtioSlots,
            hostCpu, guestId, engine: engineData });
        }
      } catch (e) {
        // threads already started see the error state and exit; then the outcome is reported
        this.errorReason ??= `zone ${s.name}: cannot start its threads: ${(e as Error).message}`;
        this.ctl.end(Z.ZONE_ERROR);
        this.wakeAll();
        if (alive === 0) finish();
      }
    });
  }

  /** Host keyboard input for the zone's console. */
  input(data: Uint8Array): void {
    let off = 0;
    while (off < data.length && this.ctl.running) {
      const n = this.ctl.pushInput(data.subarray(off));
      off += n;
      if (n === 0) break; // ring full: drop the rest, as a terminal line would
    }
  }

  /**
   * Stop taking console output (e.g. the terminal is not keeping up): the zone's console ring
   * fills and the guest's console writes wait (SBI, UART, virtio-console) until resumeConsole().
   * Output left when the zone ends is still emitted.
   */
  pauseConsole(): void {
    this.consolePaused = true;
    this.drain?.pause();
  }

  resumeConsole(): void {
    this.consolePaused = false;
    this.drain?.resume();
  }

  /** What the vCPUs are doing, read from their shared state (for PanicConfirm): retired instructions, user mode. */
  vcpuActivity(): VcpuActivity {
    if (!this.memory) return { instret: [], inUser: false };
    return engineFor(this.spec.arch).activity(this.memory.buffer, this.spec.cpus);
  }

  /** Forced stop: ends the zone now (the guest gets no say). */
  stop(): void {
    if (this.ctl?.end(Z.ZONE_POWEROFF, 0)) this.wakeAll();
  }

  /** Last resort when stop() is not honoured in time: kill the zone's threads where they stand. */
  terminate(): void {
    this.ctl?.end(Z.ZONE_ERROR);
    this.errorReason ??= `zone ${this.spec.name}: its threads did not stop in time and were killed`;
    for (const w of this.workers) void w.terminate();
  }

  private wakeAll(): void {
    const engine = engineFor(this.spec.arch);
    for (let i = 0; i < this.spec.cpus; i++) engine.wakeVcpu(this.ctl.words, i);
    this.ctl.ring();
  }

  private outcome(): ZoneOutcome {
    return outcomeOf(this.ctl.state, this.ctl.exitCode, () => this.errorReason ?? `zone ${this.spec.name}: stopped for an unknown reason`);
  }
}
