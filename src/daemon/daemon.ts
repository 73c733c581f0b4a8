// `tsvisor daemon`: zone0's management service. Reserves the memory pool, keeps zone0's CPUs for
// itself, and serves the API on a Unix socket only its owner can open (mode 0600).
import { chmodSync, lstatSync, rmSync, unlinkSync } from "node:fs";
import { connect, type Socket } from "node:net";
import type { Server } from "node:http";
import type { SystemConfig } from "../config/system-config.js";
import { ConfigError } from "../config/zone-config.js";
import { allowedCpus, pinAllThreads } from "../host/affinity.js";
import { poolProblem } from "../host/meminfo.js";
import { createApiServer } from "./api.js";
import { ApiError, ZoneManager } from "./manager.js";
import { defaultSocketPath, prepareSocketDir, SocketPathError } from "../host/socket-path.js";
import { startWebServer, type WebServer } from "./http/web-server.js";
import { tokenFileOf } from "./http/web-auth.js";
import type { WebOptions } from "./http/web-options.js";

import { DaemonError } from "./daemon-error.js";
export { DaemonError };

/** Connections the API serves at once; more are refused until one closes. */
export const MAX_API_CONNECTIONS = 64;

// TSVISOR_SOCKET, else /run/tsvisor/tsvisor.sock for root, else $XDG_RUNTIME_DIR/tsvisor/ or
// /tmp/tsvisor-<uid>/ (private to the user): see host/socket-path.ts.
export { defaultSocketPath };

function probe(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

// The directory must be the user's (host/socket-path.ts). A live socket means another daemon; a
// dead one is left over from a crash and is replaced.
async function claimSocketPath(path: string, log: (m: string) => void): Promise<void> {
  try {
    prepareSocketDir(path);
  } catch (e) {
    throw e instanceof SocketPathError ? new DaemonError(e.message) : e;
  }
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return;
  }
  if (!isSocket) throw new DaemonError(`${path} exists and is not a socket: remove it or choose another --socket`);
  if (await probe(path)) {
    throw new DaemonError(`${path}: another tsvisor daemon is already listening there: stop it first, or use another --socket`);
  }
  unlinkSync(path);
  log(`removed stale socket ${path} (left by a daemon that did not exit cleanly)`);
}

export interface DaemonOptions {
  socket: string;
  system: SystemConfig;
  log: (msg: string) => void;
  /** Serve the web console too (`--http`). */
  web?: WebOptions;
}

/** Where the zone processes of the daemon on `socket` keep their records and link sockets. */
export function zonesDirOf(socket: string): string {
  return `${socket}.zones`;
}

export interface Daemon {
  readonly manager: ZoneManager;
  readonly server: Server;
  /** The web console, when asked for. */
  readonly web?: WebServer;
  /** Stop every zone (or, with keepZones, leave them running), close the API and remove the socket. */
  close(keepZones?: boolean): Promise<void>;
}

export async function startDaemon(o: DaemonOptions): Promise<Daemon> {
  const pool = poolProblem(o.system);
  if (pool) throw new ConfigError(pool); // the system file's problem: the same as `check` reports it
  const hostCpus = allowedCpus();
  const zonesDir = zonesDirOf(o.socket);
  await claimSocketPath(o.socket, o.log); // checks the socket path itself first
  // A zone's link socket is <zonesDir>/<id>.sock, and a Unix socket path has at most 107 bytes.
  if (Buffer.byteLength(zonesDir) + "/4095.sock".length > 107) {
    throw new DaemonError(`${o.socket}: the socket path is too long for its zones' link sockets (${zonesDir}/<id>.sock must fit ` +
      `in 107 bytes): choose a shorter --socket path`);
  }
  let manager: ZoneManager;
  try {
    manager = new ZoneManager({ system: o.system, hostCpus, socket: o.socket, log: o.log, zonesDir });
  } catch (e) {
    throw new DaemonError(e instanceof ApiError ? e.message : String(e));
  }
  await manager.recover();
  // Threads made from now on inherit this: zone device threads stay on zone0's CPUs, while each
  // vCPU thread moves itself onto its own CPU.
  if (o.system.zone0Cpus.length) pinAllThreads(o.system.zone0Cpus);

  const server = createApiServer(manager, o.log);
  // Each client may hold a console stream with up to 4 MiB queued: bound how many there can be.
  server.maxConnections = MAX_API_CONNECTIONS;
  const conns = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    conns.add(s);
    s.on("close", () => conns.delete(s));
  });
  const oldMask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(o.socket, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (e) {
    throw new DaemonError(`${o.socket}: cannot listen: ${(e as Error).message}`);
  } finally {
    process.umask(oldMask);
  }
  chmodSync(o.socket, 0o600);
  server.on("error", (e) => o.log(`API server: ${e.message}`));
  let web: WebServer | undefined;
  if (o.web) {
    try {
      web = await startWebServer({ manager, system: o.system, hostCpus, web: o.web, tokenFile: tokenFileOf(o.socket), log: o.log });
    } catch (e) {
      server.close(); // (which removes the socket file)
      manager.detachAll();
      rmSync(o.socket, { force: true });
      throw new DaemonError(e instanceof ApiError ? e.message : String(e));
    }
  }

  let closing: Promise<void> | undefined;
  return {
    manager,
    server,
    web,
    close(keepZones = false) {
      closing ??= (async () => {
        server.close();
        await web?.close();
        if (keepZones) manager.detachAll();
        else await manager.stopAll();
        for (const s of conns) s.destroy();
        try {
          unlinkSync(o.socket);
        } catch {
          // already gone
        }
      })();
      return closing;
    },
  };
}
