// One zone: its state, actions (reboot, shut down: confirmed first), config, state history,
// per-vCPU load chart and console.
import { api, ApiFailure, confirmAction, el, formatSize, formatUptime, stateBadge, zonePath } from "./api.js";
import { LoadChart } from "./load-chart.js";
import { openConsole } from "./console-view.js";
import { eventRow, PAGE_EVENTS_KEPT } from "./events-page.js";

function configTable(c) {
  const rows = [
    ["file", c.file], ["name", c.name], ["id", c.id ?? "(any)"], ["kind", c.kind], ["vCPUs", c.cpus],
    ["host CPUs", c.hostCpus?.join(", ") ?? "(the daemon picks)"], ["share CPUs", c.shareCpus ? "yes" : "no"],
    ["memory", formatSize(c.memBytes)], ["kernel", c.kernel], ["initrd", c.initrd ?? "—"], ["cmdline", c.cmdline],
    ...(c.devices ?? []).map((d) => [`virtio slot ${d.slot}`, `${d.type}${d.path ? ` ${d.path}${d.readonly ? " (read-only)" : ""}` : ""}${d.tap ? ` TAP ${d.tap}` : ""}`]),
  ];
  return el("table", { class: "kv" }, el("tbody", {}, rows.map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", {}, String(v))))));
}

export function renderZonePage(main, store, ref) {
  const title = el("h1", {}, `Zone ${ref}`);
  const status = el("div", { class: "zone-status" });
  const actionError = el("p", { class: "error", role: "alert" });
  const history = el("tbody");
  const chart = new LoadChart(Number(ref) || 0);
  const cfgBox = el("div");
  const con = openConsole(ref);
  let info;

  const act = async (action, question, label) => {
    if (!(await confirmAction(question, label))) return;
    actionError.textContent = "";
    try {
      info = await api("POST", zonePath(ref, action));
      drawStatus();
    } catch (e) {
      actionError.textContent = e instanceof ApiFailure ? e.message : String(e);
    }
  };
  const rebootButton = el("button", { type: "button", onclick: () => act("reboot", `Reboot zone ${info?.name ?? ref}? Its guest is restarted without warning.`, "Reboot") }, "Reboot");
  const shutdownButton = el("button", { type: "button", class: "danger", onclick: () => act("shutdown", `Shut zone ${info?.name ?? ref} down? The guest is stopped at once and its CPUs and memory are released.`, "Shut down") }, "Shut down");

  const drawStatus = () => {
    if (!info) return;
    title.textContent = `Zone ${info.name}`;
    status.replaceChildren(stateBadge(info.state),
      el("span", {}, ` id ${info.id} · ${info.kind} · ${info.arch} · vCPU→CPU ${info.vcpus.map((v) => `${v.vcpu}→${v.hostCpu}`).join(", ")} · ` +
        `${formatSize(info.memory)}${info.memoryLocked ? " (locked)" : ""}${info.uptimeSeconds !== undefined ? ` · up ${formatUptime(info.uptimeSeconds)}` : ""}` +
        ` · ${info.reboots} reboot(s) · process ${info.process.pid || "—"}`),
      ...(info.reason ? [el("p", { class: "error reason" }, info.reason)] : []));
    shutdownButton.disabled = false;
  };

  main.append(title, status, el("div", { class: "actions" }, rebootButton, shutdownButton), actionError,
    el("div", { class: "columns" },
      el("section", { class: "card wide" }, el("h2", {}, "Console"), con.element),
      el("div", {},
        el("section", { class: "card" }, el("h2", {}, "vCPU load"), chart.element),
        el("section", { class: "card" }, el("h2", {}, "State history"), el("table", { class: "events" }, history)),
        el("section", { class: "card" }, el("h2", {}, "Config"), cfgBox))));
  con.mount();

  let last = 0;
  const addHistory = (e) => {
    if (e.seq <= last) return;
    last = e.seq;
    history.prepend(eventRow(e));
    while (history.childElementCount > PAGE_EVENTS_KEPT) history.lastElementChild.remove();
  };
  api("GET", zonePath(ref)).then((d) => {
    info = d.info;
    chart.zoneId = d.info.id;
    drawStatus();
    cfgBox.replaceChildren(configTable(d.config));
    d.history.forEach(addHistory);
    chart.add(d.load);
  }, (e) => {
    status.replaceChildren(el("p", { class: "error" }, e.message));
  });
  const stopEvents = store.onEvent((e) => {
    if (info && e.zoneId === info.id && e.zone === info.name) addHistory(e);
  });
  const stopSnapshots = store.onSnapshot((s) => {
    if (!info) return;
    const z = s.zones.find((x) => x.id === info.id && x.name === info.name);
    if (z) {
      info = z;
      drawStatus();
    } else {
      status.replaceChildren(stateBadge("off"), el("span", {}, " this zone is no longer in the daemon's list (shut down)"));
      rebootButton.disabled = shutdownButton.disabled = true;
    }
    const sample = s.load?.[info.id];
    if (sample) chart.add([sample]);
  });
  return () => {
    stopEvents();
    stopSnapshots();
    con.close();
  };
}
