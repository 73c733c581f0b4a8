// tsvisor command line.
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import type { RunOptions } from "./run.js";
import { EXIT, exitTableText } from "./exit-codes.js";
import { dieOfInternalError, installErrorHandlers } from "./fatal.js";

installErrorHandlers();

const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };

const program = new Command();
program.name("tsvisor").description("a partitioning hypervisor: zones with statically partitioned resources")
  .version(`tsvisor ${pkg.version} (engine: riscv64 software (AssemblyScript/wasm); node ${process.version})`, "-V, --version")
  .addHelpText("after", `\nExit status (see docs/cli.md):\n${exitTableText()}\n`)
  // Commander's own errors (unknown option, missing argument) are usage errors; its help and
  // version output are not errors. Subcommands made after this inherit it.
  .exitOverride((e: CommanderError) => {
    process.exit(e.exitCode === 0 ? EXIT.OK : EXIT.USAGE);
  });

program
  .command("run")
  .description("boot one zone in the foreground, console on this terminal (C-a x quits); exits with the guest's status")
  .argument("[zone.toml]", "zone configuration file")
  .option("--kernel <file>", "what to boot: a Linux Image, an ELF executable or a raw binary (overrides the config; without a config its header picks the architecture)")
  .option("--format <f>", "auto (default: told from the file), image, elf or raw (raw loads at 0x80200000)")
  .option("--initrd <file>", "initramfs to pass to the kernel")
  .option("--append <cmdline>", "kernel command line")
  .option("--mem <size>", "guest memory, QEMU style: 256M, 1G")
  .option("--cpus <n>", "number of vCPUs")
  .option("--name <name>", "zone name")
  .action(async (file: string | undefined, opts: RunOptions) => {
    // Loaded when needed: every command's modules at start would cost each command ~30-50 ms.
    const [{ resolveRunConfig, runZone }, { ConfigError }, { BootError }] = await Promise.all([
      import("./run.js"), import("../config/zone-config.js"), import("../engine/boot-error.js")]);
    let code: number;
    try {
      code = await runZone(resolveRunConfig(file, opts));
    } catch (e) {
      if (e instanceof ConfigError || e instanceof BootError) {
        process.stderr.write(`tsvisor: ${e.message}\n`);
        code = e instanceof ConfigError ? EXIT.CONFIG : EXIT.START;
      } else {
        throw e;
      }
    }
    process.exit(code);
  });

// `tsvisor run` (the one command whose start-up a user waits for each time) needs none of the
// daemon, zone and config-tool commands: they are loaded for every other command line.
// Each command line loads the command modules it names (both for help and anything unknown).
const ZONE_COMMANDS = ["zone", "daemon"];
const TOOL_COMMANDS = ["check", "import", "schema"];
const first = process.argv[2];
if (first !== "run") {
  if (!TOOL_COMMANDS.includes(first)) (await import("./zone-cmds.js")).registerZoneCommands(program);
  if (!ZONE_COMMANDS.includes(first)) (await import("./tools-cmds.js")).registerToolCommands(program);
}

// Every error a user can cause is handled where it happens (one line, its exit status); what
// arrives here is a bug.
program.parseAsync(process.argv).catch(dieOfInternalError);
