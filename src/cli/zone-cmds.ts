// `tsvisor daemon` and `tsvisor zone ...`: the management CLI, talking to the daemon's API.
import { resolve } from "node:path";
import type { Command } from "commander";
import { ConfigError, readConfigText } from "../config/zone-config.js";
import { loadSystemConfig } from "../config/system-config.js";
import { formatSize } from "../config/size.js";
import type { ZoneInfo, ZoneList } from "../daemon/api-types.js";
import { DaemonError, defaultSocketPath, startDaemon } from "../daemon/daemon.js";
import { apiCall, ClientError, openConsole, zonePath } from "./client.js";
import { attachConsole } from "./console.js";
import { internalErrorText, surviveInternalErrors } from "./fatal.js";

interface SocketOpt {
  socket?: string;
}

const sock = (o: SocketOpt) => o.socket ?? defaultSocketPath();
const say = (s: string) => process.stdout.write(`${s}\n`);

/** Run a command body; known errors become a message and exit code 1. */
function act<A extends unknown[]>(fn: (...a: A) => Promise<number | void>): (...a: A) => Promise<void> {
  return async (...a: A) => {
    let code = 0;
    try {
      code = (await fn(...a)) ?? 0;
    } catch (e) {
      if (!(e instanceof ClientError || e instanceof ConfigError || e instanceof DaemonError)) throw e;
      process.stderr.write(`tsvisor: ${e.message}\n`);
      code = e instanceof ConfigError ? 2 : 1;
    }
    process.exit(code);
  };
}

export function formatUptime(s: number | undefined): string {
  if (s === undefined) return "-";
  const d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60, sec = s % 60;
  const p2 = (n: number) => String(n).padStart(2, "0");
  if (d) return `${d}d${p2(h)}h`;
  if (h) return `${h}h${p2(m)}m`;
  if (m) return `${m}m${p2(sec)}s`;
  return `${sec}s`;
}

export function formatTable(l: ZoneList): string {
  const rows: string[][] = [["ID", "NAME", "KIND", "VCPU→CPU", "MEMORY", "STATE", "UPTIME"]];
  const z0 = l.zone0;
  rows.push(["0", "zone0", "zone0", z0.hostCpus.length ? `cpus ${z0.hostCpus.join(",")}` : "-",
    `pool ${formatSize(z0.pool.total)} (${formatSize(z0.pool.free)} free)`, "running", formatUptime(z0.uptimeSeconds)]);
  for (const z of l.zones) {
    rows.push([String(z.id), z.name, z.kind, z.vcpus.map((v) => `${v.vcpu}→${v.hostCpu}`).join(" "),
      formatSize(z.memory), z.state === "off" && z.exitCode ? `off(${z.exitCode})` : z.state, formatUptime(z.uptimeSeconds)]);
  }
  const width = rows[0].map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  const lines = rows.map((r) => r.map((c, i) => c + " ".repeat(width[i] - [...c].length)).join("  ").trimEnd());
  for (const z of l.zones) {
    if (z.reason) lines.push(z.reason.startsWith(`zone ${z.name}:`) ? z.reason : `zone ${z.name}: ${z.reason}`);
  }
  return lines.join("\n");
}

async function consoleCmd(socket: string, ref: string): Promise<number> {
  const info = await apiCall<ZoneInfo>(socket, "GET", zonePath(ref));
  const conn = await openConsole(socket, ref);
  process.stderr.write(`tsvisor: console of zone ${info.name} (id ${info.id}); C-a d detaches\r\n`);
  return new Promise<number>((done) => {
    let detached = false;
    const con = attachConsole((d) => conn.write(d), {
      detach: () => {
        detached = true;
        conn.destroy();
      },
    });
    conn.on("data", (d: Buffer) => process.stdout.write(d));
    conn.on("error", () => conn.destroy());
    conn.on("close", () => {
      con.detach();
      if (detached) {
        process.stderr.write(`\r\ntsvisor: detached from zone ${info.name}; it keeps running\r\n`);
        return done(0);
      }
      apiCall<ZoneInfo>(socket, "GET", zonePath(String(info.id))).then((z) => {
        process.stderr.write(`\r\ntsvisor: zone ${z.name} is ${z.state}${z.reason ? `: ${z.reason}` : ""}\r\n`);
        done(z.state === "error" ? 1 : 0);
      }, () => {
        process.stderr.write(`\r\ntsvisor: zone ${info.name} is gone\r\n`);
        done(0);
      });
    });
  });
}

export function registerZoneCommands(program: Command): void {
  program
    .command("daemon")
    .description("run zone0's daemon: the zone manager and its API on a Unix socket (mode 0600)")
    .option("--socket <path>", "API socket (default: $TSVISOR_SOCKET, else /run/tsvisor/tsvisor.sock for root, $XDG_RUNTIME_DIR/tsvisor/ or /tmp/tsvisor-<uid>/ otherwise)")
    .option("--system <system.toml>", "what zone0 keeps: host CPUs, memory pool size (see docs/config.md)")
    .option("--keep-zones", "on SIGINT/SIGTERM leave the zones running: the next daemon on this socket takes them back")
    .action(act(async (o: SocketOpt & { system?: string; keepZones?: boolean }) => {
      const log = (m: string) => process.stderr.write(`tsvisor daemon: ${m}\n`);
      const system = loadSystemConfig(o.system);
      const d = await startDaemon({ socket: sock(o), system, log });
      // last resort: a bug in one handler must not take every zone down with the daemon
      surviveInternalErrors((e) => log(`${internalErrorText(e)}; the daemon goes on`));
      const z0 = d.manager.list().zone0;
      say(`tsvisor daemon: listening on ${z0.socket} (pid ${z0.pid}; zone0 CPUs: ${z0.hostCpus.join(",") || "none"}; ` +
        `zone CPUs: ${z0.freeHostCpus.join(",") || "none"}; pool ${formatSize(z0.pool.total)})`);
      await new Promise<void>((res) => {
        const stop = (sig: string) => {
          log(`${sig}: ${o.keepZones ? "leaving the zones running" : "stopping every zone"}`);
          d.close(o.keepZones).then(res, res);
        };
        process.once("SIGINT", () => stop("SIGINT"));
        process.once("SIGTERM", () => stop("SIGTERM"));
      });
      log("stopped");
    }));

  const zone = program.command("zone").description("manage zones through the daemon (see tsvisor zone help)");
  const withSocket = (c: Command) => c.option("--socket <path>", "daemon API socket");

  withSocket(zone.command("start").argument("<zone.toml>").description("start a zone from its config file"))
    .action(act(async (file: string, o: SocketOpt) => {
      const path = resolve(file);
      const toml = readConfigText(path, "zone config");
      const z = await apiCall<ZoneInfo>(sock(o), "POST", "/v1/zones", { file: path, toml });
      say(`zone ${z.name} (id ${z.id}, ${z.kind}) started: ${z.vcpus.map((v) => `vCPU ${v.vcpu} on host CPU ${v.hostCpu}`).join(", ")}; ` +
        `memory ${formatSize(z.memory)}${z.memoryLocked ? " (locked)" : ""}`);
    }));

  withSocket(zone.command("list").description("zones with their CPUs, memory, state and uptime"))
    .option("--json", "print the API's JSON")
    .action(act(async (o: SocketOpt & { json?: boolean }) => {
      const l = await apiCall<ZoneList>(sock(o), "GET", "/v1/zones");
      say(o.json ? JSON.stringify(l, null, 2) : formatTable(l));
    }));

  withSocket(zone.command("info").argument("<id|name>").description("everything about one zone, as JSON"))
    .action(act(async (ref: string, o: SocketOpt) => {
      say(JSON.stringify(await apiCall<ZoneInfo>(sock(o), "GET", zonePath(ref)), null, 2));
    }));

  withSocket(zone.command("shutdown").argument("<id|name>").description("force a zone off and release its CPUs and memory"))
    .action(act(async (ref: string, o: SocketOpt) => {
      const z = await apiCall<ZoneInfo>(sock(o), "POST", zonePath(ref, "shutdown"));
      say(`zone ${z.name} (id ${z.id}) shut down`);
    }));

  withSocket(zone.command("reboot").argument("<id|name>").description("restart a zone with the same config"))
    .action(act(async (ref: string, o: SocketOpt) => {
      const z = await apiCall<ZoneInfo>(sock(o), "POST", zonePath(ref, "reboot"));
      say(`zone ${z.name} (id ${z.id}) rebooted (${z.reboots} reboot(s) so far)`);
    }));

  withSocket(zone.command("console").argument("<id|name>").description("attach to a zone's console (C-a d detaches)"))
    .action(act((ref: string, o: SocketOpt) => consoleCmd(sock(o), ref)));
}
