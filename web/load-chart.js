// Per-vCPU load as an SVG line chart: one line per vCPU, the last two minutes, 0-100% of a host CPU.
import { el } from "./api.js";

const W = 600, H = 160, WINDOW_MS = 120_000;
const NS = "http://www.w3.org/2000/svg";
const svg = (tag, attrs) => {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
};

export class LoadChart {
  samples = [];

  constructor(zoneId) {
    this.zoneId = zoneId;
    this.svg = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "load-chart", role: "img", "aria-label": "per-vCPU load" });
    this.legend = el("div", { class: "legend" });
    this.element = el("div", {}, this.svg, this.legend);
  }

  /** Add samples ({t, load[]}); those already shown are ignored. */
  add(samples) {
    const last = this.samples.at(-1)?.t ?? 0;
    for (const s of samples) if (s.t > last) this.samples.push(s);
    const cut = (this.samples.at(-1)?.t ?? 0) - WINDOW_MS;
    while (this.samples.length && this.samples[0].t < cut) this.samples.shift();
    this.draw();
  }

  draw() {
    const s = this.samples;
    const end = s.at(-1)?.t ?? Date.now();
    const x = (t) => W - ((end - t) / WINDOW_MS) * W;
    const y = (v) => H - (v / 100) * (H - 10) - 5;
    const kids = [50, 100].map((v) => svg("line", { x1: 0, x2: W, y1: y(v), y2: y(v), class: "grid" }));
    const vcpus = Math.max(0, ...s.map((p) => p.load.length));
    for (let i = 0; i < vcpus; i++) {
      const pts = s.filter((p) => p.load[i] !== undefined).map((p) => `${x(p.t).toFixed(1)},${y(p.load[i]).toFixed(1)}`);
      kids.push(svg("polyline", { points: pts.join(" "), fill: "none", "stroke-width": 2, stroke: `hsl(${(this.zoneId * 67 + 200 + i * 40) % 360} 70% 45%)`, "data-vcpu": i }));
    }
    this.svg.replaceChildren(...kids);
    const now = s.at(-1)?.load ?? [];
    this.legend.replaceChildren(...now.map((v, i) => el("span", { class: "legend-item", "data-vcpu": i },
      el("span", { class: "swatch", style: { background: `hsl(${(this.zoneId * 67 + 200 + i * 40) % 360} 70% 45%)` } }),
      `vCPU ${i}: ${v}%`)));
    if (!now.length) this.legend.append(el("span", { class: "muted" }, s.length ? "" : "no samples yet (the zone is not running, or just started)"));
  }
}

