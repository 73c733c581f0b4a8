// `tsvisor check`, `tsvisor import` and `tsvisor schema`: config tools that need no daemon.
import { writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "commander";
import { ConfigError, readConfigText } from "../config/zone-config.js";
import { defaultSystemConfig, inspectSystemConfig, loadSystemConfig, type SystemConfig } from "../config/system-config.js";
import { poolProblem } from "../host/meminfo.js";
import { formatSize } from "../config/size.js";
import { importHvisor } from "../config/import/hvisor.js";
import { importAxvisor } from "../config/import/axvisor.js";
import type { ImportHost, ImportResult } from "../config/import/common.js";
import { kernelFormat } from "../zone/preflight.js";
import { zoneFootprint } from "../zone/partition.js";
import { DEFAULT_ARCH } from "../engine/arch.js";
import { engineFor } from "../engine/registry.js";
import { maxZoneMemory } from "../engine/engine.js";
import { apiCall } from "./client.js";
import { defaultSocketPath } from "../host/socket-path.js";
import { API_PREFIX, type ZoneList } from "../daemon/api-types.js";
import { jsonSchema, SCHEMAS, type SchemaName } from "../config/json-schema.js";
import { allowedCpus } from "../host/affinity.js";
import { checkZones } from "../zone/check.js";
import { fileErrnoError } from "../host/user-file.js";
import { EXIT } from "./exit-codes.js";

function writeProblem(out: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return `directory ${dirname(out)} not found: create it or choose another -o path`;
  return `${code === "EISDIR" ? "it is a directory" : fileErrnoError(out, e).reason}: choose another -o path`;
}

interface ImportOpts {
  output?: string;
  kernel?: string;
  initrd?: string;
  system?: string;
  socket?: string;
}

/** Zone ids the running daemon uses; none when no daemon answers (an import needs none). */
async function daemonZoneIds(socket: string | undefined): Promise<Set<number>> {
  try {
    // import needs no daemon: one that does not answer soon is treated as none
    const l = await apiCall<ZoneList>(socket ?? defaultSocketPath(), "GET", `${API_PREFIX}/zones`, undefined, 2000);
    return new Set(l.zones.map((z) => z.id));
  } catch {
    return new Set();
  }
}

async function importHost(o: ImportOpts): Promise<ImportHost> {
  const system = loadSystemConfig(o.system);
  return {
    zoneCpus: allowedCpus().filter((c) => !system.zone0Cpus.includes(c)),
    // imported configs name no arch: they get the default one
    maxMemBytes: Math.min(maxZoneMemory(engineFor(DEFAULT_ARCH)), system.poolBytes - zoneFootprint(0, DEFAULT_ARCH)),
    takenIds: await daemonZoneIds(o.socket),
    kernel: o.kernel,
    initrd: o.initrd,
    kernelFormat: (path) => kernelFormat(path, DEFAULT_ARCH),
  };
}

async function runImport(fn: (file: string, host: ImportHost) => ImportResult, file: string, o: ImportOpts): Promise<number> {
  let r: ImportResult;
  try {
    r = fn(file, await importHost(o));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`tsvisor import: ${e.message}\n`);
    return EXIT.CONFIG;
  }
  for (const w of r.warnings) process.stderr.write(`tsvisor import: ${file}: warning: ${w}\n`);
  for (const n of r.notes) process.stderr.write(`tsvisor import: ${file}: ${n}\n`);
  const out = o.output;
  if (out) {
    try {
      writeFileSync(out, r.toml);
    } catch (e) {
      process.stderr.write(`tsvisor import: cannot write ${out}: ${writeProblem(out, e)}\n`);
      return EXIT.FAILED;
    }
    process.stderr.write(`tsvisor import: wrote ${out}\n`);
  } else {
    process.stdout.write(r.toml);
  }
  return EXIT.OK;
}

/** The system file's problems (all of them, and the pool against this host) and a config to go on with. */
function checkSystemFile(file: string | undefined): { problems: string[]; system: SystemConfig } {
  if (file === undefined) return { problems: [], system: defaultSystemConfig() };
  let r: ReturnType<typeof inspectSystemConfig>;
  try {
    r = inspectSystemConfig(readConfigText(file, "system config"), file);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { problems: [e.message], system: { ...defaultSystemConfig(), file } };
  }
  const problems = r.problems.map((p, i) => (i === 0 && r.excerpt ? `${p}\n${r.excerpt}` : p));
  const pool = poolProblem(r.config);
  if (pool) problems.push(pool);
  return { problems, system: r.config };
}

export function registerToolCommands(program: Command): void {
  program
    .command("check")
    .description("validate zone files together (as the daemon would place them) and print every problem")
    .argument("<zone.toml...>")
    .option("--system <system.toml>", "the daemon's system file (zone0 CPUs, pool size)")
    .option("--json", "print the result as JSON (problems and placed zones) on stdout")
    .action((files: string[], o: { system?: string; json?: boolean }) => {
      const { problems, system } = checkSystemFile(o.system);
      const r = checkZones(files, system, allowedCpus());
      problems.push(...r.problems);
      if (o.json) {
        const zones = r.placed.map((z) => ({ file: z.config.file, name: z.config.name, kind: z.config.kind,
          hostCpus: z.hostCpus, memory: z.config.memBytes }));
        process.stdout.write(`${JSON.stringify({ ok: problems.length === 0, problems, zones: problems.length ? [] : zones,
          pool: system.poolBytes }, null, 2)}\n`);
        process.exit(problems.length ? EXIT.CONFIG : EXIT.OK);
      }
      for (const p of problems) process.stderr.write(`${p}\n`);
      if (problems.length) {
        process.stderr.write(`tsvisor check: ${problems.length} problem(s)\n`);
        process.exit(EXIT.CONFIG);
      }
      let used = 0;
      for (const z of r.placed) {
        used += z.config.memBytes;
        process.stdout.write(`${z.config.file}: ok: zone ${z.config.name} (${z.config.kind}), vCPUs on host CPUs ` +
          `${z.hostCpus.join(",")}, memory ${formatSize(z.config.memBytes)}\n`);
      }
      process.stdout.write(`tsvisor check: ${r.placed.length} zone(s) fit together (${formatSize(used)} of guest RAM, ` +
        `pool ${formatSize(system.poolBytes)})\n`);
      process.exit(EXIT.OK);
    });

  const imp = program.command("import").description("translate another hypervisor's zone/VM config into a tsvisor zone file");
  const importer = (name: string, what: string, arg: string, fn: (file: string, host: ImportHost) => ImportResult) =>
    imp.command(name)
      .description(what)
      .argument(arg)
      .option("-o, --output <zone.toml>", "write the zone file here instead of stdout")
      .option("--kernel <file>", "boot this kernel instead of the path in the source config (a path on the board)")
      .option("--initrd <file>", "give the zone this initramfs")
      .option("--system <system.toml>", "fit CPUs and memory to this system file (zone0 CPUs, pool)")
      .option("--socket <path>", "the daemon whose zone ids to avoid (default: $TSVISOR_SOCKET or the usual socket)")
      .action(async (file: string, o: ImportOpts) => process.exit(await runImport(fn, file, o)));
  importer("hvisor", "an hvisor-tool zone config (JSON, riscv)", "<zone.json>", importHvisor);
  importer("axvisor", "an AxVisor VM config (TOML, riscv64)", "<vm.toml>", importAxvisor);

  program
    .command("schema")
    .description("print the JSON Schema of a config file kind")
    .argument("<kind>", Object.keys(SCHEMAS).join(" | "))
    .action((kind: string) => {
      if (!(kind in SCHEMAS)) {
        process.stderr.write(`tsvisor schema: unknown kind "${kind}": use ${Object.keys(SCHEMAS).join(" or ")}\n`);
        process.exit(EXIT.USAGE);
      }
      process.stdout.write(jsonSchema(kind as SchemaName));
    });
}
