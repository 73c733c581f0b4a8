// A zone over its whole life: boots it, boots it again when the guest (or the operator) asks for
// a reboot, stops a reboot loop and a panicked kernel, keeps the console history, and ends in
// one of the ended states (zone-link.ts) with the reason. `tsvisor run` and the zone process (under the daemon) both run zones through this,
// so a panicking guest is treated the same way in both.
import { EventEmitter } from "node:events";
import type { ZoneOutcome } from "./outcome.js";
import { ConsoleRing } from "./console-ring.js";
import { afterPanicLine, lastPanic, PANIC_CONFIRM_MS, PANIC_END_MARK, PanicConfirm, PanicWatch } from "./panic-watch.js";
import { Zone, type ZoneSpec } from "./zone.js";
import type { VcpuCounts, ZoneEndState, ZoneRunState, ZoneStatus } from "./zone-link.js";

/** Guest reboots this many times in a row, each this soon after booting: a loop, the zone ends in `error`. */
export const REBOOT_LOOP = { count: 3, withinMs: 30_000 };
/** A forced stop waits this long for the threads before killing them. */
export const STOP_GRACE_MS = 3_000;
/** The vCPU threads must be running on their CPUs this soon after a boot starts. */
export const READY_TIMEOUT_MS = 20_000;

const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Events: "console" (Buffer), "log" (string), "status" (ZoneStatus, on every state change).
 * run() resolves with the final status (one of the ended states).
 */
export class ZoneRunner extends EventEmitter {
  readonly history = new ConsoleRing();
  private zone: Zone | undefined;
  private state: ZoneRunState = "starting";
  private reason: string | undefined;
  private exitCode: number | undefined;
  private startedAt: number | undefined;
  private tids: number[] = [];
  private reboots = 0;
  private quickReboots = 0;
  private stopRequested = false;
  private rebootRequested = false;
  private paused = false;
  private memory: WebAssembly.Memory | undefined;
  private panicWatch = new PanicWatch();
  /** A panic line seen on the console, being checked against what the harts do (PanicConfirm). */
  private suspect: { confirm: PanicConfirm; timer: NodeJS.Timeout; eol: boolean } | undefined;
  /** The current boot's kernel panic message, once confirmed. */
  private panic: string | undefined;

  constructor(readonly spec: ZoneSpec) {
    super();
  }

  get status(): ZoneStatus {
    return {
      state: this.state, tids: [...this.tids], reboots: this.reboots, consoleDropped: this.history.dropped,
      ...(this.reason !== undefined ? { reason: this.reason } : {}),
      ...(this.exitCode !== undefined ? { exitCode: this.exitCode } : {}),
      ...(this.startedAt !== undefined ? { startedAt: this.startedAt } : {}),
    };
  }

  /** Boot, reboot as asked, and resolve once the zone has ended for good. */
  async run(): Promise<ZoneStatus> {
    for (;;) {
      const out = await this.bootOnce();
      this.zone = undefined;
      this.tids = [];
      if (this.stopRequested) return this.end("off");
      if (this.panic !== undefined) return this.end("panicked", `zone ${this.spec.name}: kernel panic: ${this.panic}`);
      const asked = this.rebootRequested;
      this.rebootRequested = false;
      if (out.state === "reboot" || asked) {
        const loop = this.countReboot(!asked);
        if (loop) return this.end("error", loop);
        this.emit("log", `zone ${this.spec.name} rebooting (${asked ? "operator request" : "guest request"})`);
        // a visible boundary for anyone reading the console history
        this.onConsole(Buffer.from(`\r\n[tsvisor: zone ${this.spec.name} rebooting]\r\n`));
        this.setState("rebooting");
        continue;
      }
      if (out.state === "poweroff") return this.end("off");
      if (out.state === "failure") return this.end("failed", failureReason(this.spec.name, out), out.code);
      return this.end("error", out.reason);
    }
  }

  /** Forced stop: the guest gets no say; run() resolves with state `off`. */
  stop(): void {
    this.stopRequested = true;
    this.stopZone();
  }

  /** Restart the guest with the same config (a running zone is stopped first). */
  reboot(): void {
    if (!this.zone || this.stopRequested) return;
    this.rebootRequested = true;
    this.stopZone();
  }

  input(data: Uint8Array): void {
    this.zone?.input(data);
  }

  /** The instructions each vCPU of the current boot has retired (none between boots, or if the engine does not count). */
  vcpuCounts(): VcpuCounts {
    return { at: Date.now(), instret: (this.zone?.vcpuActivity().instret ?? []).map(String) };
  }

  /** Stop draining the guest's console (whoever reads it is behind): the guest waits. */
  pauseConsole(): void {
    this.paused = true;
    this.zone?.pauseConsole();
  }

  resumeConsole(): void {
    this.paused = false;
    this.zone?.resumeConsole();
  }

  private stopZone(): void {
    const zone = this.zone;
    if (!zone) return;
    zone.stop();
    setTimeout(() => {
      if (this.zone === zone) zone.terminate();
    }, STOP_GRACE_MS).unref();
  }

  private setState(s: ZoneRunState): void {
    this.state = s;
    this.emit("status", this.status);
  }

  private end(state: ZoneEndState, reason?: string, code?: number): ZoneStatus {
    this.reason = reason;
    this.exitCode = code;
    this.startedAt = undefined;
    this.setState(state);
    return this.status;
  }

  private onConsole(d: Buffer): void {
    this.history.push(d);
    this.emit("console", d);
    if (this.suspect) { // a kernel that printed its last words says nothing more
      const a = afterPanicLine(d.toString("latin1"), this.suspect.eol);
      if (a.spoke) this.clearSuspect();
      else this.suspect.eol = a.eol;
    }
    const panic = this.panicWatch.feed(d);
    const zone = this.zone;
    if (panic === undefined || this.panic !== undefined || !zone) return;
    const text = d.toString("latin1");
    const after = afterPanicLine(text.slice(Math.max(0, text.lastIndexOf(PANIC_END_MARK))), false);
    if (after.spoke) return; // more output after the line in the same chunk
    // A kernel that panicked with panic=0 spins for ever, its CPUs wasted: end it once the harts
    // confirm what the console says (PanicConfirm), sampling them a few times meanwhile.
    this.clearSuspect();
    const confirm = new PanicConfirm(panic, zone.vcpuActivity());
    const timer = setInterval(() => {
      if (this.zone !== zone) return this.clearSuspect();
      const sure = confirm.observe(zone.vcpuActivity());
      if (!confirm.done()) return;
      this.clearSuspect();
      if (sure) {
        this.panic = panic;
        this.stopZone();
      }
    }, PANIC_CONFIRM_MS / 10);
    this.suspect = { confirm, timer, eol: after.eol };
  }

  private clearSuspect(): void {
    if (this.suspect) clearInterval(this.suspect.timer);
    this.suspect = undefined;
  }

  /** Returns the reason when this reboot completes a loop. */
  private countReboot(byGuest: boolean): string | undefined {
    this.reboots++;
    const quick = byGuest && Date.now() - (this.startedAt ?? 0) < REBOOT_LOOP.withinMs;
    this.quickReboots = quick ? this.quickReboots + 1 : 0;
    if (this.quickReboots < REBOOT_LOOP.count) return undefined;
    const panic = lastPanic(this.history.snapshot().toString("latin1"));
    return `zone ${this.spec.name}: reboot loop: the guest rebooted ${this.quickReboots} times in a row, each within ` +
      `${REBOOT_LOOP.withinMs / 1000} s of booting${panic ? ` (last kernel panic: ${panic})` : ""}`;
  }

  private async bootOnce(): Promise<ZoneOutcome> {
    // Every boot runs in the same memory (cleared): a reboot never needs the zone's RAM twice.
    const zone = new Zone(this.spec, this.memory);
    this.panicWatch = new PanicWatch();
    this.clearSuspect();
    this.panic = undefined;
    zone.on("console", (d: Buffer) => this.onConsole(d));
    zone.on("log", (m: string) => this.emit("log", m));
    zone.once("ready", () => {
      clearTimeout(readyTimer);
      this.tids = [...zone.vcpuTids];
      this.startedAt = Date.now();
      this.setState("running");
    });
    this.zone = zone;
    if (this.paused) zone.pauseConsole();
    const readyTimer = setTimeout(() => {
      this.emit("log", `zone ${this.spec.name}: its vCPU threads did not start within ${READY_TIMEOUT_MS / 1000} s`);
      zone.terminate();
    }, READY_TIMEOUT_MS);
    try {
      const ended = zone.start();
      this.memory ??= zone.memory;
      return await ended;
    } catch (e) {
      return { state: "error", reason: errMsg(e) };
    } finally {
      clearTimeout(readyTimer);
    }
  }
}

function failureReason(zone: string, out: Extract<ZoneOutcome, { state: "failure" }>): string {
  if (out.via === "sbi") return `zone ${zone}: the guest reported a system failure (SBI system reset)`;
  return `zone ${zone}: the guest reported failure${out.code !== undefined ? ` with exit status ${out.code}` : ""} (test finisher)`;
}
