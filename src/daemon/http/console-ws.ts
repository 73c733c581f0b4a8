// A zone's console in the browser: a WebSocket per viewer on the same console ring and watcher
// list as `tsvisor zone console` (ZoneManager.attach). Many viewers may watch one zone; keyboard
// input is taken from one of them at a time, the input holder, whom every viewer is told of.
//
// Frames: server → page: binary = console output; text = JSON {type: "hello" | "holder" |
// "dropped" | "ended" | "notice"}. page → server: binary = keys (holder only); text = JSON
// {type: "take", force?: boolean} | {type: "release"}.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { ApiError, type ZoneManager } from "../manager.js";

/** Console viewers at once, over all zones; more are refused with 503. */
export const MAX_CONSOLE_VIEWERS = 32;
/** Output that may wait for one viewer; past that it is dropped for that viewer, and counted. */
export const CONSOLE_QUEUE_LIMIT = 1024 * 1024;
/** The largest frame a page may send (keys and pastes). */
export const MAX_INPUT_FRAME = 64 * 1024;
/**
 * What may wait for a viewer at most, control messages included (output stops at
 * CONSOLE_QUEUE_LIMIT): a viewer past it reads nothing at all, e.g. one that sends frames to be
 * answered with notices but never reads them, and is disconnected.
 */
export const VIEWER_QUEUE_CEILING = 2 * CONSOLE_QUEUE_LIMIT;

interface Viewer {
  ws: WebSocket;
  label: string;
  dropped: number;
  dropping: boolean;
}

/** One viewer as /api/clients shows it. */
export interface ConsoleViewerState {
  /** "<id>/<name>" */
  zone: string;
  viewer: string;
  holdsInput: boolean;
  /** Output sent to this viewer that its connection has not taken yet (at most about CONSOLE_QUEUE_LIMIT). */
  queuedBytes: number;
  /** Output this viewer missed because it read too slowly. */
  droppedBytes: number;
}

interface ZoneConsole {
  viewers: Set<Viewer>;
  holder?: Viewer;
}

export class ConsoleHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_INPUT_FRAME, perMessageDeflate: false });
  private readonly zones = new Map<string, ZoneConsole>();
  private count = 0;
  private nextViewer = 1;

  constructor(private readonly m: ZoneManager) {}

  get viewers(): number {
    return this.count;
  }

  /** Every open viewer and what waits for it (the web console's /api/clients). */
  clients(): { zones: number; viewers: ConsoleViewerState[] } {
    const viewers: ConsoleViewerState[] = [];
    for (const [zone, z] of this.zones) {
      for (const v of z.viewers) {
        viewers.push({ zone, viewer: v.label, holdsInput: z.holder === v, queuedBytes: v.ws.bufferedAmount, droppedBytes: v.dropped });
      }
    }
    return { zones: this.zones.size, viewers };
  }

  /** Refusals before the upgrade: the zone must exist and there must be room. */
  admit(ref: string): void {
    if (this.count >= MAX_CONSOLE_VIEWERS) throw new ApiError(503, `${MAX_CONSOLE_VIEWERS} console viewers are open: close one first`);
    this.m.get(ref); // 404 for no such zone
  }

  upgrade(ref: string, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      try {
        this.open(ref, ws, req.socket.remoteAddress ?? "?");
      } catch (e) {
        // e.g. the zone was shut down and left the list during the handshake
        ws.close(1011, e instanceof ApiError ? e.message.slice(0, 120) : "internal error");
      }
    });
  }

  close(): void {
    for (const z of this.zones.values()) for (const v of z.viewers) v.ws.terminate();
    this.wss.close();
  }

  private open(ref: string, ws: WebSocket, remote: string): void {
    // admit() ran before the handshake; others may have finished theirs meanwhile.
    if (this.count >= MAX_CONSOLE_VIEWERS) return ws.close(1013, `${MAX_CONSOLE_VIEWERS} console viewers are open`);
    const info = this.m.get(ref);
    const key = `${info.id}/${info.name}`;
    let z = this.zones.get(key);
    if (!z) this.zones.set(key, (z = { viewers: new Set() }));
    const zc = z;
    const v: Viewer = { ws, label: `viewer ${this.nextViewer++} (${remote})`, dropped: 0, dropping: false };
    zc.viewers.add(v);
    this.count++;
    const a = this.m.attach(ref, { data: (d) => this.output(v, d), end: () => this.ended(v, ref) });
    this.control(v, { type: "hello", you: v.label, holder: zc.holder?.label ?? null, viewers: zc.viewers.size });
    this.tellHolder(zc);
    ws.send(a.replay);
    if (!a.live) this.ended(v, ref);
    ws.on("message", (data: RawData, binary: boolean) => {
      if (binary) {
        if (zc.holder === v) a.input(toBuffer(data));
        else this.control(v, { type: "notice", text: zc.holder ? `input is held by ${zc.holder.label}` : "take the input first" });
        return;
      }
      let msg: { type?: unknown; force?: unknown };
      try {
        msg = JSON.parse(toBuffer(data).toString("utf8")) as typeof msg;
      } catch {
        msg = {};
      }
      if (typeof msg !== "object" || msg === null || (msg.type !== "take" && msg.type !== "release")) {
        return this.control(v, { type: "notice", text: 'control frames are JSON: {"type": "take", "force"?: true} or {"type": "release"}' });
      }
      const before = zc.holder;
      if (msg.type === "take") {
        if (zc.holder && zc.holder !== v && msg.force !== true) {
          return this.control(v, { type: "notice", text: `input is held by ${zc.holder.label}: take it over to type` });
        }
        zc.holder = v;
      } else if (zc.holder === v) {
        zc.holder = undefined;
      }
      // Only a change goes to every viewer: a page that repeats itself costs the others nothing.
      if (zc.holder !== before) this.tellHolder(zc);
    });
    ws.on("error", () => ws.terminate());
    ws.on("close", () => {
      a.detach();
      zc.viewers.delete(v);
      this.count--;
      if (zc.holder === v) zc.holder = undefined;
      if (zc.viewers.size === 0) this.zones.delete(key);
      else this.tellHolder(zc);
    });
  }

  private output(v: Viewer, d: Buffer): void {
    if (v.ws.readyState !== v.ws.OPEN) return;
    if (v.ws.bufferedAmount > CONSOLE_QUEUE_LIMIT) {
      v.dropped += d.length;
      v.dropping = true;
      return;
    }
    if (v.dropping) {
      v.dropping = false;
      this.control(v, { type: "dropped", bytes: v.dropped });
    }
    v.ws.send(d);
  }

  /** The zone ended (or is not running): say how, then close. */
  private ended(v: Viewer, ref: string): void {
    let state = "off", reason: string | undefined;
    try {
      const z = this.m.get(ref);
      ({ state, reason } = z);
    } catch {
      // shut down and gone from the list
    }
    this.control(v, { type: "ended", state, ...(reason ? { reason } : {}) });
    v.ws.close(1000, "zone ended");
  }

  private tellHolder(z: ZoneConsole): void {
    for (const v of z.viewers) this.control(v, { type: "holder", holder: z.holder?.label ?? null, you: z.holder === v, viewers: z.viewers.size });
  }

  private control(v: Viewer, msg: object): void {
    if (v.ws.readyState !== v.ws.OPEN) return;
    if (v.ws.bufferedAmount > VIEWER_QUEUE_CEILING) return v.ws.terminate();
    v.ws.send(JSON.stringify(msg));
  }
}

function toBuffer(d: RawData): Buffer {
  return Buffer.isBuffer(d) ? d : Array.isArray(d) ? Buffer.concat(d) : Buffer.from(d);
}
