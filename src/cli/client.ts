// The CLI's side of the daemon API: JSON requests over the Unix socket, and the console upgrade.
import { request } from "node:http";
import type { Socket } from "node:net";
import { API_PREFIX, CONSOLE_PROTOCOL, type ApiErrorBody } from "../daemon/api-types.js";
import { SocketPathError, trustedSocketPath } from "../host/socket-path.js";
import { EXIT } from "./exit-codes.js";

export class ClientError extends Error {
  /**
   * status: the daemon's HTTP status (absent: the daemon was not reached); problems: the
   * daemon's list of config problems, when it refused a config.
   */
  constructor(message: string, readonly status?: number, readonly problems?: string[]) {
    super(message);
  }
}

/** No daemon answered on the socket (as opposed to one refused, or a socket not trusted). */
class UnreachableError extends ClientError {}

function unreachable(socket: string, e: NodeJS.ErrnoException): UnreachableError {
  const why = e.code === "ENOENT" ? "no such socket" : e.code === "ECONNREFUSED" ? "nobody is listening"
    : e.code === "EACCES" ? "permission denied (the socket is mode 0600: run as its owner)" : e.message;
  return new UnreachableError(`cannot reach the tsvisor daemon at ${socket}: ${why} (start it with "tsvisor daemon", or pass --socket)`);
}

/**
 * The exit status for a failed request. `starting`: the request started a zone (start, reboot),
 * so the daemon's 422/500 without a list of config problems means the zone could not start.
 */
export function exitCodeOfClientError(e: ClientError, starting: boolean): number {
  if (e instanceof UnreachableError) return EXIT.DAEMON_UNREACHABLE;
  if (e.status === 422 && e.problems?.length) return EXIT.CONFIG;
  if (starting && (e.status === 422 || e.status === 500)) return EXIT.START;
  return EXIT.FAILED;
}

// Nothing goes to a socket that may not be the user's daemon (host/socket-path.ts).
function checkedSocket(socket: string): string {
  try {
    return trustedSocketPath(socket);
  } catch (e) {
    if (e instanceof SocketPathError) throw new ClientError(e.message);
    if ((e as NodeJS.ErrnoException).code) throw unreachable(socket, e as NodeJS.ErrnoException);
    throw e;
  }
}

export const zonePath = (ref: string, action?: string) =>
  `${API_PREFIX}/zones/${encodeURIComponent(ref)}${action ? `/${action}` : ""}`;

export function apiCall<T>(socket: string, method: string, path: string, body?: unknown, timeoutMs?: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request({
      socketPath: checkedSocket(socket), method, path,
      headers: data !== undefined ? { "content-type": "application/json", "content-length": Buffer.byteLength(data) } : {},
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          return reject(new ClientError(`the daemon answered ${res.statusCode} with something that is not JSON: ${text.slice(0, 200)}`, res.statusCode));
        }
        const err = json as Partial<ApiErrorBody>;
        if ((res.statusCode ?? 500) >= 400) reject(new ClientError(err.error ?? text, res.statusCode ?? 500, err.problems));
        else resolve(json as T);
      });
      res.on("error", (e) => reject(new ClientError(`reading the daemon's answer: ${e.message}`)));
    });
    req.on("error", (e) => reject(unreachable(socket, e)));
    if (timeoutMs !== undefined) {
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    }
    req.end(data);
  });
}

/** Open a zone's interactive console: a raw two-way stream (guest output in, keyboard out). */
export function openConsole(socket: string, ref: string): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const req = request({
      socketPath: checkedSocket(socket), path: zonePath(ref, "console"),
      headers: { connection: "Upgrade", upgrade: CONSOLE_PROTOCOL },
    });
    req.on("upgrade", (_res, sock: Socket, head: Buffer) => {
      if (head.length) sock.unshift(head);
      resolve(sock);
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let msg = text;
        try {
          msg = (JSON.parse(text) as ApiErrorBody).error;
        } catch {
          // not JSON: show it as it is
        }
        reject(new ClientError(msg, res.statusCode));
      });
    });
    req.on("error", (e) => reject(unreachable(socket, e)));
    req.end();
  });
}
