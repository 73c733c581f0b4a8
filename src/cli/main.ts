// tsvisor command line.
import { Command } from "commander";
import { ConfigError } from "../config/zone-config.js";
import { BootError } from "../engine/riscv64/loader.js";
import { resolveRunConfig, runZone, type RunOptions } from "./run.js";
import { registerZoneCommands } from "./zone-cmds.js";
import { registerToolCommands } from "./tools-cmds.js";
import { dieOfInternalError, installErrorHandlers } from "./fatal.js";

installErrorHandlers();

const program = new Command();
program.name("tsvisor").description("a partitioning hypervisor: zones with statically partitioned resources");

program
  .command("run")
  .description("boot one zone in the foreground, console on this terminal (C-a x quits)")
  .argument("[zone.toml]", "zone configuration file")
  .option("--kernel <file>", "what to boot: a riscv64 Linux Image, an ELF executable or a raw binary (overrides the config)")
  .option("--format <f>", "auto (default: told from the file), image, elf or raw (raw loads at 0x80200000)")
  .option("--initrd <file>", "initramfs to pass to the kernel")
  .option("--append <cmdline>", "kernel command line")
  .option("--mem <size>", "guest memory, QEMU style: 256M, 1G")
  .option("--cpus <n>", "number of vCPUs")
  .option("--name <name>", "zone name")
  .action(async (file: string | undefined, opts: RunOptions) => {
    let code: number;
    try {
      code = await runZone(resolveRunConfig(file, opts));
    } catch (e) {
      if (e instanceof ConfigError || e instanceof BootError) {
        process.stderr.write(`tsvisor: ${e.message}\n`);
        code = 2;
      } else {
        throw e;
      }
    }
    process.exit(code);
  });

registerZoneCommands(program);
registerToolCommands(program);

// Every error a user can cause is handled where it happens (one line, exit 1 or 2); what arrives
// here is a bug.
program.parseAsync(process.argv).catch(dieOfInternalError);
