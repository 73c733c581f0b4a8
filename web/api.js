// The page's side of the web API (/api, see docs/api.md): JSON requests and the live stream.

export class ApiFailure extends Error {
  constructor(status, body) {
    super(body?.error ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export async function api(method, path, body) {
  const init = { method, headers: { accept: "application/json" } };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const r = await fetch(`/api${path}`, init);
  const data = await r.json().catch(() => undefined);
  if (r.status === 401) location.reload(); // the session is gone (daemon restarted): log in again
  if (!r.ok) throw new ApiFailure(r.status, data);
  return data;
}

export const zonePath = (ref, action) => `/zones/${encodeURIComponent(ref)}${action ? `/${action}` : ""}`;

/** Follow /api/live; onZones gets each snapshot, onEvent each zone event, onLink true/false. */
export function followLive({ onZones, onEvent, onLink }) {
  const es = new EventSource("/api/live");
  es.addEventListener("zones", (e) => onZones(JSON.parse(e.data)));
  es.addEventListener("event", (e) => onEvent(JSON.parse(e.data)));
  es.onopen = () => onLink(true);
  es.onerror = () => onLink(false); // EventSource reconnects by itself
  return () => es.close();
}

const UNITS = ["B", "K", "M", "G", "T"];
export function formatSize(n) {
  let i = 0;
  while (n >= 1024 && n % 1024 === 0 && i < UNITS.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n}${UNITS[i]}`;
}

export function formatUptime(s) {
  if (s === undefined) return "";
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  return h ? `${h}h${String(m).padStart(2, "0")}m` : m ? `${m}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** One colour per zone (by id), the same on every page. */
export function zoneColour(id) {
  return `hsl(${(id * 67 + 200) % 360} 60% 52%)`;
}

/** Build an element: el("td", {class: "x"}, "text", child...). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "style" && typeof v === "object") Object.assign(e.style, v);
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== undefined && c !== null) e.append(c instanceof Node ? c : String(c));
  return e;
}

/** Ask before a destructive action; resolves true when confirmed. */
export function confirmAction(text, okLabel) {
  const d = document.getElementById("confirm");
  document.getElementById("confirm-text").textContent = text;
  document.getElementById("confirm-ok").textContent = okLabel;
  d.returnValue = "";
  d.showModal();
  return new Promise((resolve) => d.addEventListener("close", () => resolve(d.returnValue === "ok"), { once: true }));
}

export function stateBadge(state) {
  return el("span", { class: `state state-${state}` }, state);
}
