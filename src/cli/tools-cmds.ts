// `tsvisor check`, `tsvisor import` and `tsvisor schema`: config tools that need no daemon.
import { writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "commander";
import { ConfigError } from "../config/zone-config.js";
import { loadSystemConfig, type SystemConfig } from "../config/system-config.js";
import { formatSize } from "../config/size.js";
import { importHvisor } from "../config/import/hvisor.js";
import { importAxvisor } from "../config/import/axvisor.js";
import type { ImportResult } from "../config/import/common.js";
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

function runImport(fn: (file: string) => ImportResult, file: string, out: string | undefined): number {
  let r: ImportResult;
  try {
    r = fn(file);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`tsvisor import: ${e.message}\n`);
    return EXIT.CONFIG;
  }
  for (const n of r.notes) process.stderr.write(`tsvisor import: ${file}: ${n}\n`);
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

export function registerToolCommands(program: Command): void {
  program
    .command("check")
    .description("validate zone files together (as the daemon would place them) and print every problem")
    .argument("<zone.toml...>")
    .option("--system <system.toml>", "the daemon's system file (zone0 CPUs, pool size)")
    .option("--json", "print the result as JSON (problems and placed zones) on stdout")
    .action((files: string[], o: { system?: string; json?: boolean }) => {
      const problems: string[] = [];
      let system: SystemConfig;
      try {
        system = loadSystemConfig(o.system);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        problems.push(...e.message.split("\n"));
        system = loadSystemConfig(undefined);
      }
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
  imp.command("hvisor")
    .description("an hvisor-tool zone config (JSON, riscv)")
    .argument("<zone.json>")
    .option("-o, --output <zone.toml>", "write the zone file here instead of stdout")
    .action((file: string, o: { output?: string }) => process.exit(runImport(importHvisor, file, o.output)));
  imp.command("axvisor")
    .description("an AxVisor VM config (TOML, riscv64)")
    .argument("<vm.toml>")
    .option("-o, --output <zone.toml>", "write the zone file here instead of stdout")
    .action((file: string, o: { output?: string }) => process.exit(runImport(importAxvisor, file, o.output)));

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
