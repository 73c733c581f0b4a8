// Start a zone from a TOML file (pasted or uploaded: the browser sends its text, never a path).
// "Check" runs the checks of `tsvisor check`; "Start" checks and starts. Each problem is shown
// under the line of the field it is about.
import { api, ApiFailure, el } from "./api.js";
import { fieldLine, syntaxLine } from "./toml-fields.js";

const EXAMPLE = `[zone]
name = "web1"
kind = "user"
memory = "128M"

[boot]
kernel = "Image"
initrd = "initramfs.cpio.gz"
cmdline = "console=ttyS0"
`;

/** The TOML with line numbers and each problem under its line. */
function annotated(text, problems) {
  const lines = text.split("\n");
  const at = new Map();
  const loose = [];
  for (const p of problems) {
    const line = p.field ? fieldLine(text, p.field) : syntaxLine(p.message);
    if (line === undefined) loose.push(p);
    else at.set(line, [...(at.get(line) ?? []), p]);
  }
  return el("div", { class: "annotated" },
    loose.map((p) => el("div", { class: "problem", "data-field": p.field ?? "" }, p.message)),
    el("pre", {}, lines.map((l, i) => [
      el("div", { class: `toml-line${at.has(i) ? " has-problem" : ""}` }, el("span", { class: "ln" }, String(i + 1)), l || " "),
      (at.get(i) ?? []).map((p) => el("div", { class: "problem", "data-field": p.field ?? "", "data-line": i + 1 },
        p.field ? el("b", {}, `${p.field}: `) : null, p.message)),
    ])));
}

export function renderStartPage(main) {
  const name = el("input", { id: "toml-name", value: "pasted.toml", size: 30 });
  const text = el("textarea", { id: "toml", rows: 14, cols: 72, spellcheck: "false" }, EXAMPLE);
  const file = el("input", { type: "file", accept: ".toml,text/plain" });
  const result = el("div", { id: "start-result", "aria-live": "polite" });
  const busy = (on) => {
    for (const b of main.querySelectorAll("button")) b.disabled = on;
  };
  file.addEventListener("change", async () => {
    const f = file.files?.[0];
    if (!f) return;
    name.value = f.name;
    text.value = await f.text();
  });
  const send = async (start) => {
    busy(true);
    result.replaceChildren(el("p", { class: "muted" }, start ? "starting…" : "checking…"));
    const body = { name: name.value, toml: text.value };
    try {
      if (!start) {
        const r = await api("POST", "/check", body);
        result.replaceChildren(r.problems.length
          ? el("div", {}, el("p", { class: "error" }, `${r.file}: ${r.problems.length} problem(s)`), annotated(text.value, r.problems))
          : el("p", { class: "ok" }, `${r.file}: no problems (whether its CPUs and memory are free now is checked when it starts)`));
      } else {
        const z = await api("POST", "/zones", body);
        result.replaceChildren(el("p", { class: "ok" }, `zone ${z.name} (id ${z.id}) started on host CPU(s) ${z.vcpus.map((v) => v.hostCpu).join(", ")}: `,
          el("a", { href: `#/zone/${z.id}` }, "open it")));
      }
    } catch (e) {
      const problems = e instanceof ApiFailure ? e.body?.problems : undefined;
      result.replaceChildren(el("p", { class: "error" }, e.message), ...(problems?.length ? [annotated(text.value, problems)] : []));
    } finally {
      busy(false);
    }
  };
  main.append(el("h1", {}, "Start a zone"),
    el("section", { class: "card" },
      el("p", { class: "muted" }, "Paste a zone file or upload one (see docs/config.md). The daemon opens the files it names " +
        "(kernel, initrd, disks) only inside its --http-root-dir; relative paths are taken from there."),
      el("div", { class: "row" }, el("label", {}, "File name ", name), el("label", {}, "Upload ", file)),
      text,
      el("div", { class: "actions" },
        el("button", { type: "button", id: "check", onclick: () => send(false) }, "Check"),
        el("button", { type: "button", id: "start", class: "primary", onclick: () => send(true) }, "Start")),
      result));
  return () => {};
}
