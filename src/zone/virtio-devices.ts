// A zone's virtio devices on both sides of the thread boundary. The owner opens the host
// resources (disk images, TAPs) before any zone thread starts, so a bad setting fails with a clear
// message before the guest runs; the VMM thread builds the device models on those fds.
import { closeSync } from "node:fs";
import type { DeviceConfig } from "../config/devices.js";
import { openDiskImage, FileBlockBackend } from "../host/block-file.js";
import { openTap, TapIo } from "../host/tap.js";
import { FdPoller } from "../host/fd-poller.js";
import type { MmioBus } from "../devices/bus.js";
import type { ConsoleSink, DeviceLog, GuestMemory, IrqLine } from "../devices/types.js";
import { VirtioMmio, VirtioMmioPlaceholder } from "../devices/virtio/mmio.js";
import { VirtioBlk } from "../devices/virtio/blk.js";
import { VirtioNet } from "../devices/virtio/net.js";
import { VirtioConsole } from "../devices/virtio/console.js";
import { VirtioRng } from "../devices/virtio/rng.js";

/** What the VMM thread needs to build one device (structured-clone safe). */
export type VirtioSetup =
  | { type: "blk"; slot: number; fd: number; size: number; readonly: boolean; serial: string; path: string }
  | { type: "net"; slot: number; fd: number; tap: string; mac: string }
  | { type: "console"; slot: number }
  | { type: "rng"; slot: number };

/** Open every device's host resource; throws (after closing what it opened) with the device named. */
export function openVirtioDevices(zone: string, devices: readonly DeviceConfig[]): { setups: VirtioSetup[]; close(): void } {
  const fds: number[] = [];
  const close = () => {
    for (const fd of fds.splice(0)) {
      try { closeSync(fd); } catch { /* already closed */ }
    }
  };
  const setups: VirtioSetup[] = [];
  for (const d of devices) {
    try {
      if (d.type === "blk") {
        const { fd, size } = openDiskImage(d.path, d.readonly);
        fds.push(fd);
        setups.push({ type: "blk", slot: d.slot, fd, size, readonly: d.readonly, serial: d.serial, path: d.path });
      } else if (d.type === "net") {
        const fd = openTap(d.tap);
        fds.push(fd);
        setups.push({ type: "net", slot: d.slot, fd, tap: d.tap, mac: d.mac });
      } else setups.push({ ...d });
    } catch (e) {
      close();
      throw new Error(`zone ${zone}: virtio ${d.type} device in slot ${d.slot}: ${(e as Error).message}`);
    }
  }
  return { setups, close };
}

export interface VirtioHost {
  /** Zone doorbell: an fd poller bumps it when a TAP has frames. */
  bell: Int32Array;
  bellIndex: number;
  /** Rate-limited per kind (the guest decides how often devices have something to say). */
  log: DeviceLog;
  /** Where the virtio console's output goes (hvc0): the zone's console ring. */
  console: ConsoleSink;
}

/** The VMM thread's virtio devices. */
export class VirtioDevices {
  readonly transports: VirtioMmio[] = [];
  /** The virtio console, if the zone has one (the VMM feeds it console input). */
  console: VirtioConsole | null = null;
  private readonly pollers: FdPoller[] = [];
  private readonly closers: (() => void)[] = [];

  /** `slots`: the machine's virtio-mmio slots (Platform.virtioSlots), each with a device or a placeholder. */
  constructor(setups: readonly VirtioSetup[], bus: MmioBus, mem: GuestMemory, slots: readonly { base: number; size: number; irq: IrqLine }[],
    host: VirtioHost) {
    const bySlot = new Map(setups.map((s) => [s.slot, s]));
    const lost = setups.find((s) => s.slot >= slots.length);
    if (lost) throw new Error(`virtio-${lost.type} needs virtio-mmio slot ${lost.slot}, the machine has ${slots.length}`);
    for (const [slot, { base: at, size, irq }] of slots.entries()) {
      const s = bySlot.get(slot);
      if (s === undefined) {
        bus.register(at, size, new VirtioMmioPlaceholder(`virtio-mmio@${slot}`));
        continue;
      }
      const name = `virtio-${s.type}@${slot}`;
      const t = new VirtioMmio(name, this.model(s, name, host), mem, irq, host.log);
      this.transports.push(t);
      bus.register(at, size, t);
    }
  }

  private model(s: VirtioSetup, name: string, host: VirtioHost) {
    switch (s.type) {
      case "blk":
        return new VirtioBlk(new FileBlockBackend(s.fd, s.size, s.readonly), s.serial, (k, m) => host.log(`${name} ${k}`, `${name}: ${m}`));
      case "net": {
        const io = new TapIo(s.fd);
        const poller = new FdPoller(s.fd, host.bell, host.bellIndex, (m) => host.log(`${name} poller`, `${name} (${s.tap}): ${m}`));
        this.pollers.push(poller);
        const mac = Uint8Array.from(s.mac.split(":").map((x) => parseInt(x, 16)));
        const dev = new VirtioNet({ send: (f) => io.send(f), receive: (d) => io.receive(d), armReceive: () => poller.arm(),
          mayReceive: () => !poller.armed }, mac);
        this.closers.push(() => { if (process.env.TSVISOR_DEBUG_NET) host.log(`${name} stats`, `${name}: ${JSON.stringify(dev.stats)}`); });
        return dev;
      }
      case "console":
        this.console = new VirtioConsole(host.console);
        return this.console;
      case "rng":
        return new VirtioRng();
    }
  }

  /** Stop the helper threads (TAP pollers). */
  async close(): Promise<void> {
    for (const c of this.closers) c();
    await Promise.all(this.pollers.map((p) => p.stop()));
  }
}
