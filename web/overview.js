// Overview: every host CPU as a tile in its owner's colour, the memory pool split by zone, and
// the zones table; redrawn on each live snapshot.
import { el, formatSize, formatUptime, stateBadge, zoneColour } from "./api.js";

function cpuTiles(s) {
  const { zone0 } = s;
  const owners = new Map(); // host CPU -> [{zone, vcpu}]
  for (const z of s.zones) {
    if (z.state === "off" || z.state === "failed" || z.state === "panicked" || z.state === "error") continue;
    for (const v of z.vcpus) {
      if (!owners.has(v.hostCpu)) owners.set(v.hostCpu, []);
      owners.get(v.hostCpu).push({ z, v });
    }
  }
  const cpus = [...new Set([...zone0.usableHostCpus, ...zone0.hostCpus])].sort((a, b) => a - b);
  return el("div", { class: "cpu-map", "aria-label": "host CPUs" }, cpus.map((cpu) => {
    const held = owners.get(cpu) ?? [];
    const isZone0 = zone0.hostCpus.includes(cpu);
    const names = [...(isZone0 ? ["zone0"] : []), ...held.map(({ z }) => z.name)];
    const colour = held.length ? zoneColour(held[0].z.id) : isZone0 ? "var(--zone0)" : "var(--free)";
    const loads = held.map(({ z, v }) => s.load?.[z.id]?.load?.[v.vcpu]).filter((x) => x !== undefined);
    return el("div", { class: "cpu-tile", "data-cpu": cpu, "data-owner": names.join(",") || "free", style: { background: colour } },
      el("div", { class: "cpu-id" }, `CPU ${cpu}`),
      el("div", { class: "cpu-owner" }, names.join(" + ") || "free"),
      held.map(({ z, v }) => el("div", { class: "cpu-vcpu" }, `${z.name} vCPU ${v.vcpu}`)),
      loads.length ? el("div", { class: "cpu-load" }, `${Math.round(loads[0])}%`) : null);
  }));
}

function memoryBar(s) {
  const { total, free } = s.zone0.pool;
  const parts = s.zones.filter((z) => z.poolBytes > 0);
  const pct = (n) => `${((n / total) * 100).toFixed(2)}%`;
  return el("div", {},
    el("div", { class: "mem-bar", "aria-label": "memory pool" },
      parts.map((z) => el("div", { class: "mem-part", "data-zone": z.name, title: `${z.name}: ${formatSize(z.poolBytes)}`,
        style: { width: pct(z.poolBytes), background: zoneColour(z.id) } }, z.name)),
      el("div", { class: "mem-part mem-free", style: { width: pct(free) } }, "free")),
    el("p", { class: "muted" }, `pool ${formatSize(total)}: ${parts.map((z) => `${z.name} ${formatSize(z.poolBytes)}`).join(", ") || "no zone"}` +
      `; free ${formatSize(free)} (a zone takes its RAM plus the engine's state)`));
}

function zonesTable(s) {
  if (!s.zones.length) return el("p", { class: "muted" }, "No zones. ", el("a", { href: "#/start" }, "Start one."));
  return el("table", { class: "zones" },
    el("thead", {}, el("tr", {}, ["id", "name", "kind", "arch", "vCPU→CPU", "memory", "state", "uptime", "reason"].map((h) => el("th", {}, h)))),
    el("tbody", {}, s.zones.map((z) => el("tr", { "data-zone": z.name },
      el("td", {}, z.id),
      el("td", {}, el("span", { class: "swatch", style: { background: zoneColour(z.id) } }), el("a", { href: `#/zone/${z.id}` }, z.name)),
      el("td", {}, z.kind), el("td", {}, z.arch),
      el("td", {}, z.vcpus.map((v) => `${v.vcpu}→${v.hostCpu}`).join(", ")),
      el("td", {}, formatSize(z.memory)),
      el("td", {}, stateBadge(z.state)),
      el("td", {}, formatUptime(z.uptimeSeconds)),
      el("td", { class: "reason" }, z.reason ?? "")))));
}

export function renderOverview(main, store) {
  const box = el("div", {}, el("p", { class: "muted" }, "waiting for the daemon…"));
  main.append(el("h1", {}, "Overview"), box);
  return store.onSnapshot((s) => {
    box.replaceChildren(
      el("section", { class: "card" }, el("h2", {}, "Host CPUs"), cpuTiles(s),
        el("p", { class: "muted" }, `zone0 (the daemon, pid ${s.zone0.pid}) keeps ${s.zone0.hostCpus.join(", ") || "no CPU"}; ` +
          `free for zones: ${s.zone0.freeHostCpus.join(", ") || "none"}; cgroups ${s.zone0.cgroups}`)),
      el("section", { class: "card" }, el("h2", {}, "Memory pool"), memoryBar(s)),
      el("section", { class: "card" }, el("h2", {}, "Zones"), zonesTable(s)),
      ...(s.dropped ? [el("p", { class: "error" }, `${s.dropped} live update(s) were dropped while this page was not reading`)] : []));
  });
}
