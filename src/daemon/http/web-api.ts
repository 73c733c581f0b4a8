// The web console's JSON routes under /api (the page's view of the daemon): the same ZoneManager
// calls as the Unix-socket API, plus what only a page needs — a zone's config, state history and
// load, the event log, config checks with per-field problems, and starting a zone from TOML text.
// Every route that changes anything is POST; GET never does.
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { ConfigError, parseZoneConfig } from "../../config/zone-config.js";
import type { SystemConfig } from "../../config/system-config.js";
import { CONFIG_FILE_MAX } from "../../host/user-file.js";
import { readJson, send } from "../api.js";
import { ApiError, type ZoneManager } from "../manager.js";
import { checkWebConfig, splitProblem, webConfigFile, type WebProblem } from "./web-config.js";
import type { LiveHub } from "./live.js";

export const WEB_API = "/api";
const ZONE_PATH = new RegExp(`^${WEB_API}/zones/([^/]+)(?:/(shutdown|reboot|console))?$`);

const configBody = z.object({
  /** The upload's file name (no directories): names the config in messages. */
  name: z.string().max(255).optional(),
  toml: z.string().max(CONFIG_FILE_MAX),
}).strict();

export interface WebApiContext {
  m: ZoneManager;
  live: LiveHub;
  system: SystemConfig;
  hostCpus: readonly number[];
  rootDir?: string;
  /** Who is connected, and what the daemon keeps for them (GET /api/clients). */
  clients: () => object;
}

/** A refused config: 422 (or the manager's status) with each problem by field. */
class ConfigRefusal extends ApiError {
  constructor(status: number, file: string, readonly fields: WebProblem[]) {
    super(status, `${file}: ${fields.length} problem(s): nothing was started`);
  }
}

function decodeRef(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new ApiError(400, `bad zone reference in the path: ${s}`);
  }
}

function only(method: string, want: string, path: string): void {
  if (method === want) return;
  const why = method === "GET" ? ": it changes things, and GET never does" : "";
  throw new ApiError(405, `${method} is not allowed on ${path}${why}: use ${want}`);
}

async function startZone(c: WebApiContext, req: IncomingMessage) {
  const body = await readJson(req, configBody);
  const file = webConfigFile(c.rootDir, body.name);
  const fields = checkWebConfig(body.toml, file, c.rootDir, c.system, c.hostCpus);
  if (fields.length) throw new ConfigRefusal(422, file, fields);
  try {
    return await c.m.start(parseZoneConfig(body.toml, file));
  } catch (e) {
    // The daemon's refusal (a CPU taken, the pool full): the CLI's message, placed by field.
    if (e instanceof ApiError && e.status < 500) {
      throw new ConfigRefusal(e.status, file, (e.problems ?? e.message.split("\n")).map((p) => splitProblem(file, p)));
    }
    if (e instanceof ConfigError) throw new ConfigRefusal(422, file, e.message.split("\n").map((p) => splitProblem(file, p)));
    throw e;
  }
}

async function checkOnly(c: WebApiContext, req: IncomingMessage) {
  const body = await readJson(req, configBody);
  const file = webConfigFile(c.rootDir, body.name);
  return { file, problems: checkWebConfig(body.toml, file, c.rootDir, c.system, c.hostCpus) };
}

function zoneDetail(c: WebApiContext, ref: string) {
  const info = c.m.get(ref);
  return { info, config: c.m.config(ref), history: c.m.events.entries(info), load: c.live.load.history(info.id) };
}

/** Answer one /api request (the caller has checked the login and the origin). */
export async function webApi(c: WebApiContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const method = req.method ?? "GET";
  const drain = () => req.resume();
  switch (path) {
    case `${WEB_API}/zones`:
      if (method === "GET") return send(res, 200, c.m.list());
      only(method, "POST", path);
      return send(res, 201, await startZone(c, req));
    case `${WEB_API}/check`:
      only(method, "POST", path);
      return send(res, 200, await checkOnly(c, req));
    case `${WEB_API}/events`:
      only(method, "GET", path);
      return send(res, 200, { events: c.m.events.entries(), dropped: c.m.events.dropped });
    case `${WEB_API}/clients`:
      only(method, "GET", path);
      return send(res, 200, c.clients());
    case `${WEB_API}/live`:
      only(method, "GET", path);
      if (!c.live.follow(req, res)) throw new ApiError(503, "too many pages follow live updates: close one first");
      return;
  }
  const hit = ZONE_PATH.exec(path);
  if (!hit) throw new ApiError(404, `no such endpoint: ${method} ${path} (see docs/api.md)`);
  const ref = decodeRef(hit[1]);
  switch (hit[2]) {
    case undefined:
      only(method, "GET", path);
      return send(res, 200, zoneDetail(c, ref));
    case "console":
      throw new ApiError(400, `${path} is a WebSocket: open it with an Upgrade`);
    case "shutdown":
      only(method, "POST", path);
      drain();
      return send(res, 200, await c.m.shutdown(ref));
    default:
      only(method, "POST", path);
      drain();
      return send(res, 200, await c.m.reboot(ref));
  }
}

/** The zone a console WebSocket path is for, or undefined for any other path. */
export function consoleRef(path: string): string | undefined {
  const hit = ZONE_PATH.exec(path);
  return hit && hit[2] === "console" ? decodeRef(hit[1]) : undefined;
}

/** The body of an error answer; config refusals carry their problems by field. */
export function webErrorBody(e: unknown): { error: string; problems?: WebProblem[] } | undefined {
  return e instanceof ConfigRefusal ? { error: e.message, problems: e.fields } : undefined;
}
