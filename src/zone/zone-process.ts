// A zone's own host process, started by the daemon: `node zone-process.js <zones dir> <id>`.
// It moves itself into the zone's cgroup before it allocates anything, runs the zone (reboots
// included) and serves one link to the daemon on a Unix socket. It does not depend on the daemon
// staying alive: when the daemon dies the zone runs on, and a restarted daemon connects again.
// When the zone ends, its final status goes to the end file, then the process exits.
import { createServer, type Socket } from "node:net";
import { readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { pinAllThreads } from "../host/affinity.js";
import { openZoneCgroup } from "../host/cgroup.js";
import { armFault, START_STEPS, type StartStep } from "./fault-points.js";
import { ZoneRunner } from "./zone-runner.js";
import { zoneSpecOf } from "./zone.js";
import {
  controlFrame, FRAME_CONSOLE, LINK_HIGH_WATER, readFrames, sendBytes, zoneFiles,
  type DaemonToZone, type ZoneRecord, type ZoneStatus,
} from "./zone-link.js";

const MAX_PENDING_LOGS = 200; // log lines kept while no daemon is connected

const [dir, idArg] = process.argv.slice(2);
const files = zoneFiles(dir, Number(idArg));

function writeEnd(status: ZoneStatus): void {
  try {
    writeFileSync(`${files.end}.tmp`, JSON.stringify(status), { mode: 0o600 });
    renameSync(`${files.end}.tmp`, files.end);
  } catch {
    // the daemon then reports the process's exit status instead
  }
}

function die(reason: string, code: number): never {
  writeEnd({ state: "error", reason, tids: [], reboots: 0, consoleDropped: 0 });
  process.exit(code);
}

process.on("uncaughtException", (e) => die(`zone process: internal error: ${e.message}`, 70));

const rec = JSON.parse(readFileSync(files.record, "utf8")) as ZoneRecord;
const cfg = rec.cfg;

// First of all, before the guest's memory exists: into the zone's cgroup, onto zone0's CPUs.
if (rec.cgroup) {
  try {
    openZoneCgroup(rec.cgroup.version, rec.cgroup.dirs).addProcess(process.pid);
  } catch (e) {
    die(`zone ${cfg.name}: cannot enter its cgroup: ${(e as Error).message}`, 1);
  }
}
pinAllThreads(rec.zone0Cpus.length ? rec.zone0Cpus : rec.hostCpus);
if (rec.fault && (START_STEPS as readonly string[]).includes(rec.fault)) armFault(rec.fault as StartStep);

const runner = new ZoneRunner(zoneSpecOf(cfg, rec.hostCpus));

let link: Socket | undefined;
const pendingLogs: string[] = [];
let droppedLogs = 0;

function sendStatus(): void {
  link?.write(controlFrame({ type: "status", pid: process.pid, status: runner.status }));
}

runner.on("status", sendStatus);
runner.on("log", (msg: string) => {
  if (link) {
    link.write(controlFrame({ type: "log", msg }));
  } else if (pendingLogs.length < MAX_PENDING_LOGS) {
    pendingLogs.push(msg);
  } else {
    droppedLogs++;
  }
});
runner.on("console", (d: Buffer) => {
  // Console output reaches the daemon while it is connected; the zone's history ring keeps the
  // newest bytes for whoever connects later. A daemon that falls behind slows the guest down.
  if (link && !sendBytes(link, FRAME_CONSOLE, d)) runner.pauseConsole();
});

function onControl(msg: unknown): void {
  const m = msg as DaemonToZone;
  if (m?.type === "stop") runner.stop();
  else if (m?.type === "reboot") runner.reboot();
  else if (m?.type === "counts") link?.write(controlFrame({ type: "counts", counts: runner.vcpuCounts() }));
}

// One daemon at a time: a new connection (a restarted daemon) replaces the old one.
const server = createServer((sock) => {
  link?.destroy();
  link = sock;
  sock.on("error", () => sock.destroy());
  sock.on("close", () => {
    if (link === sock) {
      link = undefined;
      runner.resumeConsole();
    }
  });
  sock.on("drain", () => {
    if (sock.writableLength < LINK_HIGH_WATER) runner.resumeConsole();
  });
  readFrames(sock, { control: onControl, input: (d) => runner.input(d), error: () => undefined });
  sendStatus();
  if (droppedLogs) pendingLogs.push(`zone ${cfg.name}: ${droppedLogs} log lines dropped while no daemon was connected`);
  for (const msg of pendingLogs.splice(0)) sock.write(controlFrame({ type: "log", msg }));
  droppedLogs = 0;
  const history = runner.history.snapshot();
  if (history.length) sendBytes(sock, FRAME_CONSOLE, history);
});

try {
  unlinkSync(files.socket);
} catch {
  // no stale socket
}
const oldMask = process.umask(0o177);
server.listen(files.socket, () => process.umask(oldMask));
server.on("error", (e) => die(`zone ${cfg.name}: cannot listen on ${files.socket}: ${e.message}`, 1));

if (rec.fault === "oom") {
  // Test hook: the engine "leaks" until the kernel's OOM killer ends this process.
  const hoard: Buffer[] = [];
  runner.once("status", () => setInterval(() => hoard.push(Buffer.alloc(32 * 1024 * 1024, 1)), 20));
}

const final = await runner.run();
writeEnd(final);
server.close();
try {
  unlinkSync(files.socket);
} catch {
  // already gone
}
if (link) {
  link.end(controlFrame({ type: "status", pid: process.pid, status: final }));
  const done = () => process.exit(0);
  link.once("close", done);
  setTimeout(done, 1000).unref();
} else {
  process.exit(0);
}
