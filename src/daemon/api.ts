// The daemon's HTTP API (JSON) on its Unix socket. Every input is validated; every failure is
// answered with a status and {"error": ...}; nothing a client sends can throw out of here.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { z } from "zod";
import { ConfigError, parseZoneConfig, type ZoneConfig } from "../config/zone-config.js";
import { API_PREFIX, CONSOLE_PROTOCOL, createZoneBody, type ApiErrorBody, type CreateZoneBody } from "./api-types.js";
import { ApiError, type ZoneManager } from "./manager.js";
import { CONFIG_LIMIT, readUserFile, UserFileError } from "../host/user-file.js";

export const MAX_BODY = 2 * 1024 * 1024;
const SLOW_CONSOLE = 4 * 1024 * 1024; // bytes queued for one console client before it is dropped
const ZONE_PATH = new RegExp(`^${API_PREFIX}/zones/([^/]+)(?:/(shutdown|reboot|console))?$`);

export function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function errorBody(e: unknown): { status: number; body: ApiErrorBody } {
  if (e instanceof ApiError) return { status: e.status, body: { error: e.message, ...(e.problems ? { problems: e.problems } : {}) } };
  if (e instanceof ConfigError) return { status: 422, body: { error: e.message, problems: e.message.split("\n") } };
  return { status: 500, body: { error: `internal error: ${e instanceof Error ? e.message : String(e)}` } };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY) throw new ApiError(413, `request body too large: at most ${MAX_BODY} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new ApiError(413, `request body too large: at most ${MAX_BODY} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function readJson<T extends z.ZodTypeAny>(req: IncomingMessage, schema: T): Promise<z.infer<T>> {
  const type = req.headers["content-type"];
  if (type !== undefined && !/^application\/json\b/i.test(type)) {
    throw new ApiError(415, `content-type must be application/json, got "${type}"`);
  }
  const text = await readBody(req);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, `request body is not JSON: ${(e as Error).message}`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `body${i.path.map((p) => `.${p}`).join("")}: ${i.message}`);
    throw new ApiError(400, `bad request body: ${problems.join("; ")}`, problems);
  }
  return r.data;
}

// The daemon reads a zone file itself only after checking it (a FIFO, a device or a huge file is
// refused at once), and off the event loop, so other clients are answered meanwhile.
async function zoneConfigFrom(body: CreateZoneBody): Promise<ZoneConfig> {
  let text = body.toml;
  if (text === undefined) {
    try {
      text = (await readUserFile(body.file, CONFIG_LIMIT)).toString("utf8");
    } catch (e) {
      if (!(e instanceof UserFileError)) throw e;
      throw new ConfigError(`${body.file}: the daemon cannot read this zone file: ${e.reason}; send its text as "toml"`);
    }
  }
  return parseZoneConfig(text, body.file);
}

function decodeRef(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new ApiError(400, `bad zone reference in the path: ${s}`);
  }
}

function streamConsole(m: ZoneManager, ref: string, req: IncomingMessage, res: ServerResponse): void {
  const a = m.attach(ref, {
    data: (d) => {
      if (res.writableLength > SLOW_CONSOLE) res.destroy();
      else res.write(d);
    },
    end: () => res.end(),
  });
  res.writeHead(200, { "content-type": "application/octet-stream", "cache-control": "no-store" });
  res.write(a.replay);
  if (!a.live) res.end();
  res.on("close", () => a.detach());
  res.on("error", () => a.detach());
  req.resume();
}

async function route(m: ZoneManager, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? "GET";
  const path = new URL(req.url ?? "/", "http://tsvisor").pathname;
  const only = (want: string) => {
    if (method !== want) throw new ApiError(405, `${method} is not allowed on ${path}: use ${want}`);
  };
  if (path === `${API_PREFIX}/zones`) {
    if (method === "GET") return send(res, 200, m.list());
    only("POST");
    const body = await readJson(req, createZoneBody);
    return send(res, 201, await m.start(await zoneConfigFrom(body)));
  }
  const hit = ZONE_PATH.exec(path);
  if (hit) {
    const ref = decodeRef(hit[1]);
    switch (hit[2]) {
      case undefined:
        only("GET");
        return send(res, 200, m.get(ref));
      case "console":
        only("GET");
        return streamConsole(m, ref, req, res);
      case "shutdown":
        only("POST");
        req.resume();
        return send(res, 200, await m.shutdown(ref));
      default:
        only("POST");
        req.resume();
        return send(res, 200, await m.reboot(ref));
    }
  }
  throw new ApiError(404, `no such endpoint: ${method} ${path} (see docs/api.md)`);
}

// Interactive console: HTTP upgrade to a raw two-way byte stream (guest output / keyboard input).
function upgradeConsole(m: ZoneManager, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on("error", () => socket.destroy());
  const refuse = (status: number, msg: string) => {
    const body = `${JSON.stringify({ error: msg })}\n`;
    socket.end(`HTTP/1.1 ${status} ${status === 404 ? "Not Found" : "Bad Request"}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  };
  const path = new URL(req.url ?? "/", "http://tsvisor").pathname;
  const hit = ZONE_PATH.exec(path);
  if (req.method !== "GET" || !hit || hit[2] !== "console" || req.headers.upgrade?.toLowerCase() !== CONSOLE_PROTOCOL) {
    return refuse(400, `only GET ${API_PREFIX}/zones/{zone}/console upgrades, with "Upgrade: ${CONSOLE_PROTOCOL}"`);
  }
  let a: ReturnType<ZoneManager["attach"]>;
  try {
    a = m.attach(decodeRef(hit[1]), {
      data: (d) => {
        if (socket.writableLength > SLOW_CONSOLE) socket.destroy();
        else socket.write(d);
      },
      end: () => socket.end(),
    });
  } catch (e) {
    const { status, body } = errorBody(e);
    return refuse(status, body.error);
  }
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nupgrade: ${CONSOLE_PROTOCOL}\r\nconnection: Upgrade\r\n\r\n`);
  socket.write(a.replay);
  if (!a.live) {
    socket.end();
    return;
  }
  if (head.length) a.input(head);
  socket.on("data", (d: Buffer) => a.input(d));
  socket.on("end", () => socket.end()); // the client closed its side: it has detached
  socket.on("close", () => a.detach());
}

export function createApiServer(m: ZoneManager, log: (msg: string) => void): Server {
  const server = createServer((req, res) => {
    route(m, req, res).catch((e: unknown) => {
      const { status, body } = errorBody(e);
      if (status >= 500) log(`API ${req.method} ${req.url}: ${body.error}`);
      try {
        send(res, status, body);
      } catch {
        res.destroy();
      }
    });
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      upgradeConsole(m, req, socket, head);
    } catch (e) {
      log(`console upgrade failed: ${(e as Error).message}`);
      socket.destroy();
    }
  });
  server.on("clientError", (_e, socket: Duplex) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
    else socket.destroy();
  });
  return server;
}
