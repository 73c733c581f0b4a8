// The console's shell (loaded after login): the live store every page reads, and the router
// (#/ overview, #/zone/<id>, #/start, #/events).
import { followLive } from "./api.js";
import { renderOverview } from "./overview.js";
import { renderZonePage } from "./zone-page.js";
import { renderStartPage } from "./start-page.js";
import { renderEventsPage } from "./events-page.js";

/** The latest snapshot from the daemon and who wants to hear of the next one. */
class Store {
  snapshot = undefined;
  events = [];
  listeners = new Set();
  eventListeners = new Set();

  onSnapshot(f) {
    this.listeners.add(f);
    if (this.snapshot) f(this.snapshot);
    return () => this.listeners.delete(f);
  }

  onEvent(f) {
    this.eventListeners.add(f);
    return () => this.eventListeners.delete(f);
  }

  setSnapshot(s) {
    this.snapshot = s;
    for (const f of this.listeners) f(s);
  }

  addEvent(e) {
    for (const f of this.eventListeners) f(e);
  }
}

const store = new Store();
let leave = () => {};

function route() {
  leave();
  const main = document.getElementById("main");
  main.replaceChildren();
  const hash = location.hash || "#/";
  let m;
  if ((m = /^#\/zone\/(.+)$/.exec(hash))) leave = renderZonePage(main, store, decodeURIComponent(m[1]));
  else if (hash === "#/start") leave = renderStartPage(main, store);
  else if (hash === "#/events") leave = renderEventsPage(main, store);
  else leave = renderOverview(main, store);
  for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("current", a.getAttribute("href") === hash);
}

export function start() {
  document.getElementById("nav").hidden = false;
  const linkState = document.getElementById("link-state");
  followLive({
    onZones: (s) => store.setSnapshot(s),
    onEvent: (e) => store.addEvent(e),
    onLink: (up) => {
      linkState.textContent = up ? "live" : "reconnecting…";
      linkState.className = up ? "live" : "error";
    },
  });
  window.addEventListener("hashchange", route);
  route();
}
