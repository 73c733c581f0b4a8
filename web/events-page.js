// Events: the daemon's log of zone state changes (starts, reboots, stops, errors), newest first.
import { api, el, stateBadge } from "./api.js";

/** Events a page keeps (the daemon keeps as many): a tab open for days does not grow without end. */
export const PAGE_EVENTS_KEPT = 1000;

export function eventRow(e) {
  return el("tr", { "data-seq": e.seq },
    el("td", {}, new Date(e.at).toLocaleString()),
    el("td", {}, el("a", { href: `#/zone/${e.zoneId}` }, e.zone)),
    el("td", {}, stateBadge(e.state)),
    el("td", { class: "reason" }, e.reason ?? ""));
}

export function renderEventsPage(main, store) {
  const body = el("tbody");
  const note = el("p", { class: "muted" });
  main.append(el("h1", {}, "Events"), note,
    el("table", { class: "events" }, el("thead", {}, el("tr", {}, ["time", "zone", "state", "reason"].map((h) => el("th", {}, h)))), body));
  // Live events may arrive before the log does: both go into one map, shown in order.
  const seen = new Map();
  const draw = () => body.replaceChildren(...[...seen.values()].sort((a, b) => b.seq - a.seq).map(eventRow));
  const keep = () => {
    if (seen.size <= PAGE_EVENTS_KEPT) return;
    const oldest = [...seen.keys()].sort((a, b) => a - b).slice(0, seen.size - PAGE_EVENTS_KEPT);
    for (const k of oldest) seen.delete(k);
  };
  const stop = store.onEvent((e) => {
    seen.set(e.seq, e);
    keep();
    draw();
  });
  api("GET", "/events").then((r) => {
    for (const e of r.events) seen.set(e.seq, e);
    keep();
    draw();
    note.textContent = r.dropped ? `${r.dropped} older event(s) were dropped: the daemon keeps the last ${r.events.length}` : "";
  }, (e) => (note.textContent = e.message));
  return stop;
}
