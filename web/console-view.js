// A zone's console in xterm.js over the console WebSocket (see console-ws.ts for the frames):
// output from the zone's console ring, keys to the zone while this page holds the input.
import { Terminal } from "/vendor/xterm.mjs";
import { FitAddon } from "/vendor/addon-fit.mjs";
import { el } from "./api.js";

export function openConsole(zoneRef, { onEnded } = {}) {
  const term = new Terminal({ convertEol: false, cursorBlink: true, fontSize: 14, scrollback: 5000,
    theme: { background: "#111418" } });
  const fit = new FitAddon();
  term.loadAddon(fit);
  const screen = el("div", { class: "terminal" });
  const holderLine = el("span", { class: "holder" }, "connecting…");
  const takeButton = el("button", { type: "button", hidden: true }, "Take over input");
  const element = el("div", { class: "console" }, el("div", { class: "console-bar" }, holderLine, takeButton), screen);

  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/zones/${encodeURIComponent(zoneRef)}/console`);
  ws.binaryType = "arraybuffer";
  let mine = false;
  const send = (o) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(o));
  takeButton.addEventListener("click", () => send({ type: "take", force: true }));
  const encoder = new TextEncoder();
  term.onData((d) => {
    if (mine && ws.readyState === WebSocket.OPEN) ws.send(encoder.encode(d));
  });
  ws.onmessage = (m) => {
    if (typeof m.data !== "string") return term.write(new Uint8Array(m.data));
    const msg = JSON.parse(m.data);
    if (msg.type === "hello") {
      if (!msg.holder) send({ type: "take" }); // nobody types here: this page may
    } else if (msg.type === "holder") {
      mine = msg.you;
      holderLine.textContent = `${msg.viewers} viewer(s); input: ${msg.you ? "held by you" : msg.holder ? `held by ${msg.holder}` : "free"}`;
      holderLine.dataset.holder = msg.you ? "you" : msg.holder ? "other" : "free";
      takeButton.hidden = msg.you;
    } else if (msg.type === "dropped") {
      term.write(`\r\n\x1b[33m[tsvisor: ${msg.bytes} bytes of output dropped: this page read too slowly]\x1b[0m\r\n`);
    } else if (msg.type === "ended") {
      term.write(`\r\n\x1b[31m[tsvisor: the zone is ${msg.state}${msg.reason ? `: ${msg.reason}` : ""}]\x1b[0m\r\n`);
      holderLine.textContent = `zone ${msg.state}`;
      takeButton.hidden = true;
      onEnded?.(msg);
    } else if (msg.type === "notice") {
      holderLine.title = msg.text;
    }
  };
  ws.onclose = () => {
    mine = false;
    if (!holderLine.textContent.startsWith("zone ")) holderLine.textContent = "console closed";
  };
  const onResize = () => fit.fit();
  window.addEventListener("resize", onResize);
  return {
    element,
    /** Call once the element is in the document. */
    mount() {
      term.open(screen);
      fit.fit();
      term.focus();
    },
    close() {
      window.removeEventListener("resize", onResize);
      ws.close();
      term.dispose();
    },
  };
}
