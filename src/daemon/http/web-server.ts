// `tsvisor daemon --http ADDR:PORT`: the web console. One HTTP(S) server serves the page (fixed
// files, static-files.ts), its JSON API (web-api.ts), live updates (live.ts) and consoles
// (console-ws.ts). Before any route runs, every request passes the same gate:
//   1. Host: over plain HTTP (loopback only) the Host header must name this server, so a web
//      page on another domain that resolves to 127.0.0.1 (DNS rebinding) is refused.
//   2. Login: a session cookie or the bearer token, except for the login shell and POST /api/login.
//   3. Origin: a request that changes anything, and every WebSocket, must come from this page.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { z } from "zod";
import type { SystemConfig } from "../../config/system-config.js";
import { errorBody, readJson, send } from "../api.js";
import { ApiError, type ZoneManager } from "../manager.js";
import { ConsoleHub } from "./console-ws.js";
import { LiveHub } from "./live.js";
import { loadStaticFiles } from "./static-files.js";
import { sessionCookie, WebAuth } from "./web-auth.js";
import { consoleRef, WEB_API, webApi, webErrorBody, type WebApiContext } from "./web-api.js";
import type { WebOptions } from "./web-options.js";

/** Connections at once (pages, their live streams and consoles together). */
export const MAX_WEB_CONNECTIONS = 64;

const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
    "connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

const loginBody = z.object({ token: z.string().max(256).optional(), code: z.string().max(256).optional() }).strict();

export interface WebServerOptions {
  manager: ZoneManager;
  system: SystemConfig;
  hostCpus: readonly number[];
  web: WebOptions;
  tokenFile: string;
  log: (msg: string) => void;
}

export interface WebServer {
  readonly server: Server;
  readonly auth: WebAuth;
  /** The page's address, e.g. http://127.0.0.1:8080/ */
  readonly url: string;
  /** The same with the one-time login code (valid once). */
  readonly loginUrl: string;
  close(): Promise<void>;
}

class Gate {
  private readonly hosts: Set<string>;

  constructor(private readonly o: WebOptions, port: number, readonly auth: WebAuth) {
    const h = o.host.includes(":") ? `[${o.host}]` : o.host;
    this.hosts = new Set([`${h}:${port}`, `localhost:${port}`]);
  }

  get scheme(): string {
    return this.o.tls ? "https" : "http";
  }

  /** Throws the refusal for a request that may not go on; returns how it logged in. */
  pass(req: IncomingMessage, path: string, publicPath: boolean, websocket: boolean): "session" | "bearer" | "none" {
    // Under TLS the certificate already ties the name to this server; plain HTTP has only Host.
    if (!this.o.tls && !this.hosts.has(req.headers.host ?? "")) {
      throw new ApiError(421, `this server answers to ${[...this.hosts].join(" or ")}, not "${req.headers.host ?? ""}"`);
    }
    const how = this.auth.check(req);
    if (!how && !publicPath) {
      throw new ApiError(401, "log in first: open the page and give the token (from the daemon's token file), " +
        "or send Authorization: Bearer <token>");
    }
    const changes = websocket || (req.method !== "GET" && req.method !== "HEAD");
    const origin = req.headers.origin;
    const mine = `${this.scheme}://${req.headers.host}`;
    // A browser always sends Origin here; a script with the bearer token need not.
    if (changes && (origin !== undefined ? origin !== mine : how !== "bearer")) {
      throw new ApiError(403, `${path}: refused from origin ${origin ?? "(none)"}: only this console's own page (${mine}) may do this`);
    }
    return how ?? "none";
  }
}

function refuseUpgrade(socket: Duplex, status: number, msg: string): void {
  const body = `${JSON.stringify({ error: msg })}\n`;
  socket.end(`HTTP/1.1 ${status} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
    `connection: close\r\n\r\n${body}`);
}

export async function startWebServer(o: WebServerOptions): Promise<WebServer> {
  const files = loadStaticFiles();
  const auth = new WebAuth(o.tokenFile);
  const live = new LiveHub(o.manager);
  const consoles = new ConsoleHub(o.manager);
  const conns = new Set<Socket>();
  const clients = () => ({
    connections: conns.size, sessions: auth.sessionCount, liveStreams: live.streams(), consoles: consoles.clients(),
  });
  const ctx: WebApiContext = { m: o.manager, live, system: o.system, hostCpus: o.hostCpus, rootDir: o.web.rootDir, clients };
  let gate: Gate | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const file = files.get(path);
    const isLogin = path === `${WEB_API}/login`;
    const how = gate!.pass(req, path, isLogin || file?.public === true, false);
    if (file) {
      if (req.method !== "GET" && req.method !== "HEAD") throw new ApiError(405, `${req.method} is not allowed on ${path}: use GET`);
      res.writeHead(200, { "content-type": file.type, "content-length": file.body.length, "cache-control": "no-cache" });
      res.end(req.method === "HEAD" ? undefined : file.body);
      return;
    }
    if (isLogin) {
      if (req.method !== "POST") throw new ApiError(405, `${req.method} is not allowed on ${path}: use POST`);
      const session = auth.login(await readJson(req, loginBody));
      if (!session) throw new ApiError(401, "wrong token, or a login link that was already used: give the token from the daemon's token file");
      res.setHeader("set-cookie", sessionCookie(session, Boolean(o.web.tls)));
      return send(res, 200, { ok: true });
    }
    if (path === `${WEB_API}/logout`) {
      if (req.method !== "POST") throw new ApiError(405, `${req.method} is not allowed on ${path}: use POST`);
      auth.logout(req);
      res.setHeader("set-cookie", sessionCookie("", Boolean(o.web.tls)) + "; Max-Age=0");
      return send(res, 200, { ok: true });
    }
    if (!path.startsWith(`${WEB_API}/`) || how === "none") throw new ApiError(404, `no such page: ${path}`);
    res.setHeader("cache-control", "no-store");
    return webApi(ctx, req, res, path);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      const web = webErrorBody(e);
      const { status, body } = web ? { status: (e as ApiError).status, body: web } : errorBody(e);
      if (status >= 500) o.log(`web ${req.method} ${req.url}: ${body.error}`);
      if (status === 401) res.setHeader("www-authenticate", "Bearer");
      try {
        send(res, status, body);
      } catch {
        res.destroy();
      }
      req.resume(); // an unread body (a refused upload) is drained, not left to stall the connection
    });
  };
  const server = o.web.tls ? createHttpsServer({ cert: o.web.tls.cert, key: o.web.tls.key }, onRequest) : createHttpServer(onRequest);
  server.maxConnections = MAX_WEB_CONNECTIONS;
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    try {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      gate!.pass(req, path, false, true);
      const ref = consoleRef(path);
      if (ref === undefined || req.headers.upgrade?.toLowerCase() !== "websocket") {
        throw new ApiError(400, `only ${WEB_API}/zones/{zone}/console is a WebSocket`);
      }
      consoles.admit(ref);
      consoles.upgrade(ref, req, socket, head);
    } catch (e) {
      const { status, body } = errorBody(e);
      refuseUpgrade(socket, status, body.error);
    }
  });
  server.on("clientError", (_e, socket: Duplex) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
    else socket.destroy();
  });
  server.on("connection", (s: Socket) => {
    conns.add(s);
    s.on("close", () => conns.delete(s));
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(o.web.port, o.web.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (e) {
    live.close();
    auth.remove();
    throw new ApiError(500, `--http ${o.web.host}:${o.web.port}: cannot listen: ${(e as Error).message}`);
  }
  server.on("error", (e) => o.log(`web server: ${e.message}`));
  const port = (server.address() as { port: number }).port;
  gate = new Gate(o.web, port, auth);
  const h = o.web.host.includes(":") ? `[${o.web.host}]` : o.web.host;
  const url = `${gate.scheme}://${h}:${port}/`;
  return {
    server, auth, url,
    loginUrl: `${url}#login=${auth.oneTimeCode}`,
    async close() {
      live.close();
      consoles.close();
      server.close();
      for (const s of conns) s.destroy();
      auth.remove();
    },
  };
}
