// `tsvisor daemon` and `tsvisor zone ...`: the management CLI, talking to the daemon's API.
import { resolve } from "node:path";
import type { Command } from "commander";
import { ConfigError, readConfigText } from "../config/zone-config.js";
import { loadSystemConfig } from "../config/system-config.js";
import { formatSize } from "../config/size.js";
import type { ZoneInfo, ZoneList } from "../daemon/api-types.js";
import { DaemonError } from "../daemon/daemon-error.js";
import { defaultSocketPath } from "../host/socket-path.js";
import { apiCall, ClientError, exitCodeOfClientError, openConsole, zonePath } from "./client.js";
import { attachConsole } from "./console.js";
import { EXIT, exitCodeOfZone } from "./exit-codes.js";
import { isEnded } from "../zone/zone-link.js";
import { internalErrorText, surviveInternalErrors } from "./fatal.js";
import { formatInfo, formatState, formatTable } from "./zone-format.js";
import { WebOptionError, webOptions, type WebOptions } from "../daemon/http/web-options.js";

interface SocketOpt {
  socket?: string;
}
interface JsonOpt {
  json?: boolean;
}

interface DaemonWebOpts {
  http?: string;
  httpTlsCert?: string;
  httpTlsKey?: string;
  httpRootDir?: string;
}

function webOptionsOf(o: DaemonWebOpts): WebOptions | undefined {
  if (o.http === undefined) {
    const stray = (["httpTlsCert", "httpTlsKey", "httpRootDir"] as const).find((k) => o[k] !== undefined);
    if (stray) throw new DaemonError(`--${stray.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} belongs to the web console: add --http 127.0.0.1:PORT`);
    return undefined;
  }
  try {
    return webOptions({ ...o, http: o.http });
  } catch (e) {
    if (e instanceof WebOptionError) throw new DaemonError(e.message);
    throw e;
  }
}

const sock = (o: SocketOpt) => o.socket ?? defaultSocketPath();
const say = (s: string) => process.stdout.write(`${s}\n`);
const SOCKET_HELP = "daemon API socket (default: $TSVISOR_SOCKET, else /run/tsvisor/tsvisor.sock for root, " +
  "$XDG_RUNTIME_DIR/tsvisor/tsvisor.sock or /tmp/tsvisor-<uid>/tsvisor.sock otherwise)";

/**
 * Run a command body; it returns its exit status (EXIT), known errors become one line and theirs.
 * `starting`: the command starts a zone (a refusal then means it could not start).
 */
function act<A extends unknown[]>(fn: (...a: A) => Promise<number | void>, starting = false): (...a: A) => Promise<void> {
  return async (...a: A) => {
    let code: number = EXIT.OK;
    try {
      code = (await fn(...a)) ?? EXIT.OK;
    } catch (e) {
      if (!(e instanceof ClientError || e instanceof ConfigError || e instanceof DaemonError)) throw e;
      process.stderr.write(`tsvisor: ${e.message}\n`);
      code = e instanceof ConfigError ? EXIT.CONFIG : e instanceof ClientError ? exitCodeOfClientError(e, starting) : EXIT.FAILED;
    }
    process.exit(code);
  };
}

/** The zone group's options (--socket) as seen from one of its subcommands. */
function groupOpts(cmd: Command): SocketOpt {
  return cmd.optsWithGlobals<SocketOpt>();
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
        return done(EXIT.OK);
      }
      apiCall<ZoneInfo>(socket, "GET", zonePath(String(info.id))).then((z) => {
        if (!isEnded(z.state)) { // the daemon closed this console (a slow reader, a daemon stopping)
          process.stderr.write(`\r\ntsvisor: the daemon closed the console of zone ${z.name}; the zone is still ${z.state}\r\n`);
          return done(EXIT.FAILED);
        }
        process.stderr.write(`\r\ntsvisor: zone ${z.name} is ${formatState(z)}${z.reason ? `: ${z.reason}` : ""}\r\n`);
        done(exitCodeOfZone(z));
      }, () => {
        process.stderr.write(`\r\ntsvisor: the console of zone ${info.name} closed and the daemon no longer answers\r\n`);
        done(EXIT.DAEMON_UNREACHABLE);
      });
    });
  });
}

export function registerZoneCommands(program: Command): void {
  program
    .command("daemon")
    .description("run zone0's daemon: the zone manager and its API on a Unix socket (mode 0600)")
    .option("--socket <path>", SOCKET_HELP.replace("daemon API socket", "API socket to listen on"))
    .option("--system <system.toml>", "what zone0 keeps: host CPUs, memory pool size (see docs/config.md)")
    .option("--keep-zones", "on SIGINT/SIGTERM leave the zones running: the next daemon on this socket takes them back")
    .option("--http <addr:port>", "also serve the web console there (e.g. 127.0.0.1:8080; loopback unless TLS is given)")
    .option("--http-tls-cert <cert.pem>", "serve the web console over HTTPS with this certificate (needed off loopback)")
    .option("--http-tls-key <key.pem>", "the private key of --http-tls-cert")
    .option("--http-root-dir <dir>", "the only directory whose files a zone config sent from the browser may name (default: none)")
    .action(act(async (o: SocketOpt & DaemonWebOpts & { system?: string; keepZones?: boolean }) => {
      const log = (m: string) => process.stderr.write(`tsvisor daemon: ${m}\n`);
      const system = loadSystemConfig(o.system);
      const web = webOptionsOf(o);
      // The daemon's modules (manager, API, web server) only for `tsvisor daemon`.
      const { startDaemon } = await import("../daemon/daemon.js");
      const d = await startDaemon({ socket: sock(o), system, log, ...(web ? { web } : {}) });
      // last resort: a bug in one handler must not take every zone down with the daemon
      surviveInternalErrors((e) => log(`${internalErrorText(e)}; the daemon goes on`));
      const z0 = d.manager.list().zone0;
      if (d.web) {
        // The only time the token is shown; the page takes the one-time link's code once.
        say(`tsvisor daemon: web console on ${d.web.url} (one-time login: ${d.web.loginUrl} ; ` +
          `token ${d.web.auth.token}, also in ${d.web.auth.tokenFile})`);
      }
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

  // --socket belongs to the group: `tsvisor zone --socket S list` and `tsvisor zone list --socket S` both work.
  const zone = program.command("zone")
    .description("manage zones through the daemon (see tsvisor zone help)")
    .option("--socket <path>", SOCKET_HELP)
    .configureHelp({ showGlobalOptions: true }); // each subcommand's help shows --socket too
  const jsonHelp = "print the API's JSON instead of text";

  zone.command("start").argument("<zone.toml>").description("start a zone from its config file")
    .option("--json", jsonHelp)
    .action(act(async (file: string, o: JsonOpt, cmd: Command) => {
      const path = resolve(file);
      const toml = readConfigText(path, "zone config");
      const z = await apiCall<ZoneInfo>(sock(groupOpts(cmd)), "POST", "/v1/zones", { file: path, toml });
      say(o.json ? JSON.stringify(z, null, 2) : `zone ${z.name} (id ${z.id}, ${z.kind}) started: ` +
        `${z.vcpus.map((v) => `vCPU ${v.vcpu} on host CPU ${v.hostCpu}`).join(", ")}; memory ${formatSize(z.memory)}${z.memoryLocked ? " (locked)" : ""}`);
    }, true));

  zone.command("list").description("zones with their CPUs, memory, state and uptime")
    .option("--json", jsonHelp)
    .action(act(async (o: JsonOpt, cmd: Command) => {
      const l = await apiCall<ZoneList>(sock(groupOpts(cmd)), "GET", "/v1/zones");
      say(o.json ? JSON.stringify(l, null, 2) : formatTable(l));
    }));

  zone.command("info").argument("<id|name>").description("everything about one zone")
    .option("--json", jsonHelp)
    .action(act(async (ref: string, o: JsonOpt, cmd: Command) => {
      const z = await apiCall<ZoneInfo>(sock(groupOpts(cmd)), "GET", zonePath(ref));
      say(o.json ? JSON.stringify(z, null, 2) : formatInfo(z));
    }));

  zone.command("shutdown").argument("<id|name>").description("force a zone off and release its CPUs and memory")
    .option("--json", jsonHelp)
    .action(act(async (ref: string, o: JsonOpt, cmd: Command) => {
      const z = await apiCall<ZoneInfo>(sock(groupOpts(cmd)), "POST", zonePath(ref, "shutdown"));
      say(o.json ? JSON.stringify(z, null, 2) : `zone ${z.name} (id ${z.id}) shut down`);
    }));

  zone.command("reboot").argument("<id|name>").description("restart a zone with the same config")
    .option("--json", jsonHelp)
    .action(act(async (ref: string, o: JsonOpt, cmd: Command) => {
      const z = await apiCall<ZoneInfo>(sock(groupOpts(cmd)), "POST", zonePath(ref, "reboot"));
      say(o.json ? JSON.stringify(z, null, 2) : `zone ${z.name} (id ${z.id}) rebooted (${z.reboots} reboot(s) so far)`);
    }, true));

  zone.command("console").argument("<id|name>").description("attach to a zone's console (C-a d detaches); exits with the zone's status if it ends")
    .action(act((ref: string, _o: unknown, cmd: Command) => consoleCmd(sock(groupOpts(cmd)), ref)));
}
