// How `tsvisor zone list` and `zone info` print zones for people (--json prints the API's JSON).
import { formatSize } from "../config/size.js";
import type { ZoneInfo, ZoneList } from "../daemon/api-types.js";

export function formatUptime(s: number | undefined): string {
  if (s === undefined) return "-";
  const d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60, sec = s % 60;
  const p2 = (n: number) => String(n).padStart(2, "0");
  if (d) return `${d}d${p2(h)}h`;
  if (h) return `${h}h${p2(m)}m`;
  if (m) return `${m}m${p2(sec)}s`;
  return `${sec}s`;
}

/** The state as one word, with the guest's exit status when it gave one: `failed(3)`. */
export function formatState(z: Pick<ZoneInfo, "state" | "exitCode">): string {
  return z.exitCode ? `${z.state}(${z.exitCode})` : z.state;
}

/** A zone's reason as a line of its own, naming the zone once. */
function reasonLine(z: ZoneInfo): string | undefined {
  if (!z.reason) return undefined;
  return z.reason.startsWith(`zone ${z.name}:`) ? z.reason : `zone ${z.name}: ${z.reason}`;
}

export function formatTable(l: ZoneList): string {
  const rows: string[][] = [["ID", "NAME", "KIND", "VCPU→CPU", "MEMORY", "STATE", "UPTIME"]];
  const z0 = l.zone0;
  rows.push(["0", "zone0", "zone0", z0.hostCpus.length ? `cpus ${z0.hostCpus.join(",")}` : "-",
    `pool ${formatSize(z0.pool.total)} (${formatSize(z0.pool.free)} free)`, "running", formatUptime(z0.uptimeSeconds)]);
  for (const z of l.zones) {
    rows.push([String(z.id), z.name, z.kind, z.vcpus.map((v) => `${v.vcpu}→${v.hostCpu}`).join(" "),
      formatSize(z.memory), formatState(z), formatUptime(z.uptimeSeconds)]);
  }
  const width = rows[0].map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  const lines = rows.map((r) => r.map((c, i) => c + " ".repeat(width[i] - [...c].length)).join("  ").trimEnd());
  for (const z of l.zones) {
    const why = reasonLine(z);
    if (why) lines.push(why);
  }
  return lines.join("\n");
}

/** `zone info` for people: one fact per line, the same facts as the JSON. */
export function formatInfo(z: ZoneInfo): string {
  const lines: [string, string][] = [["state", formatState(z)]];
  const why = reasonLine(z);
  if (why) lines.push(["reason", why]);
  lines.push(["vCPUs", z.vcpus.map((v) => `${v.vcpu}→CPU ${v.hostCpu}${v.tid ? ` (tid ${v.tid})` : ""}`).join(", ") +
    (z.shareCpus ? " (shared CPUs)" : "")]);
  lines.push(["memory", `${formatSize(z.memory)}${z.memoryLocked ? " (locked)" : ""}; ${formatSize(z.poolBytes)} from the pool`]);
  lines.push(["kernel", z.boot.kernel]);
  if (z.boot.initrd !== undefined) lines.push(["initrd", z.boot.initrd]);
  lines.push(["cmdline", z.boot.cmdline]);
  lines.push(["file", z.file]);
  if (z.startedAt) lines.push(["started", `${z.startedAt} (up ${formatUptime(z.uptimeSeconds)})`]);
  lines.push(["reboots", String(z.reboots)]);
  const p = z.process;
  lines.push(["process", p.pid ? `pid ${p.pid}${p.memoryLimit ? `, memory limit ${formatSize(p.memoryLimit)}` : ""}` : "none (ended)"]);
  if (p.cgroup.length) lines.push(["cgroup", p.cgroup.join(", ")]);
  const c = z.console;
  lines.push(["console", `${c.bufferedBytes} bytes of history, ${c.attached} attached, ${c.droppedBytes} output bytes ` +
    `dropped, ${c.droppedInputBytes} input bytes dropped`]);
  const w = Math.max(...lines.map(([k]) => k.length));
  return [`zone ${z.name} (id ${z.id}, ${z.kind}, ${z.arch})`, ...lines.map(([k, v]) => `  ${`${k}:`.padEnd(w + 1)} ${v}`)].join("\n");
}
