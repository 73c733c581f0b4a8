// Per-vCPU load as two SVG line charts over the last two minutes, one line per vCPU: the host CPU
// time of each vCPU thread (0-100% of a host CPU), and the guest instructions each vCPU retired
// per second (scaled to the largest rate shown) when the zone's engine counts them.
import { el } from "./api.js";

const W = 600, H = 160, WINDOW_MS = 120_000;
/** Samples without instruction counts after which the engine is taken not to count them. */
const NO_COUNTS_AFTER = 5;
const NS = "http://www.w3.org/2000/svg";
const svg = (tag, attrs) => {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
};

/** 1234567 → "1.23M" */
export function formatRate(n) {
  const units = [[1e9, "G"], [1e6, "M"], [1e3, "k"]];
  for (const [f, u] of units) if (n >= f) return `${Number((n / f).toPrecision(3))}${u}`;
  return String(n);
}

/** The smallest 1/2/5 × 10^k at or above `n` (the instructions chart's top line). */
function niceTop(n) {
  if (n <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= n);
}

/** One chart: a line per vCPU of `value(sample, vcpu)` (undefined: no point), 0..top. */
class LineChart {
  constructor(label, key, legendText) {
    this.key = key;
    this.legendText = legendText;
    this.svg = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "load-chart", role: "img", "aria-label": label });
    this.legend = el("div", { class: `legend legend-${key}` });
    this.element = el("div", {}, this.svg, this.legend);
  }

  draw(samples, zoneId, top) {
    const end = samples.at(-1)?.t ?? Date.now();
    const x = (t) => W - ((end - t) / WINDOW_MS) * W;
    const y = (v) => H - (v / top) * (H - 10) - 5;
    const colour = (i) => `hsl(${(zoneId * 67 + 200 + i * 40) % 360} 70% 45%)`;
    const kids = [top / 2, top].map((v) => svg("line", { x1: 0, x2: W, y1: y(v), y2: y(v), class: "grid" }));
    const withKey = samples.filter((p) => p[this.key] !== undefined);
    const vcpus = Math.max(0, ...withKey.map((p) => p[this.key].length));
    for (let i = 0; i < vcpus; i++) {
      const pts = withKey.filter((p) => p[this.key][i] !== undefined).map((p) => `${x(p.t).toFixed(1)},${y(p[this.key][i]).toFixed(1)}`);
      kids.push(svg("polyline", { points: pts.join(" "), fill: "none", "stroke-width": 2, stroke: colour(i), "data-vcpu": i }));
    }
    this.svg.replaceChildren(...kids);
    const now = withKey.at(-1)?.[this.key] ?? [];
    this.legend.replaceChildren(...now.map((v, i) => el("span", { class: "legend-item", "data-vcpu": i, "data-value": v },
      el("span", { class: "swatch", style: { background: colour(i) } }), this.legendText(i, v))));
    return now.length > 0;
  }
}

export class LoadChart {
  samples = [];

  constructor(zoneId) {
    this.zoneId = zoneId;
    this.load = new LineChart("per-vCPU host CPU load", "load", (i, v) => `vCPU ${i}: ${v}%`);
    this.ips = new LineChart("per-vCPU guest instructions per second", "ips", (i, v) => `vCPU ${i}: ${formatRate(v)} instr/s`);
    this.loadNote = el("span", { class: "muted" });
    this.ipsNote = el("p", { class: "muted ips-note" });
    this.element = el("div", {}, el("h3", {}, "Host CPU time per vCPU thread"), this.load.element, this.loadNote,
      el("h3", {}, "Guest instructions/s per vCPU"), this.ips.element, this.ipsNote);
  }

  /** Add samples ({t, load[], ips?[]}); those already shown are ignored. */
  add(samples) {
    const last = this.samples.at(-1)?.t ?? 0;
    for (const s of samples) if (s.t > last) this.samples.push(s);
    const cut = (this.samples.at(-1)?.t ?? 0) - WINDOW_MS;
    while (this.samples.length && this.samples[0].t < cut) this.samples.shift();
    this.draw();
  }

  draw() {
    const s = this.samples;
    const hasLoad = this.load.draw(s, this.zoneId, 100);
    this.loadNote.textContent = hasLoad ? "" : "no samples yet (the zone is not running, or just started)";
    const top = niceTop(Math.max(0, ...s.flatMap((p) => p.ips ?? [])));
    const hasIps = this.ips.draw(s, this.zoneId, top);
    // Rates need two counts from the zone: the first few samples come without them.
    this.ipsNote.textContent = hasIps ? `top line: ${formatRate(top)} instr/s`
      : s.length >= NO_COUNTS_AFTER ? "no instruction counts: this zone's engine does not report them (host CPU time above only)"
        : s.length ? "waiting for the first instruction counts…" : "";
  }
}
