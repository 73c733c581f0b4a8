// Test helpers: a `tsvisor daemon` child process on a private socket, the CLI against it, and
// scripted console sessions.
import "./test-cache.js";
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath } from "node:url";

export const CLI = fileURLToPath(new URL("../../../bin/tsvisor.js", import.meta.url));

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

export class DaemonProcess {
  readonly log: string[] = [];
  /** What the daemon printed on stdout (its start lines). */
  stdout = "";
  private constructor(readonly child: ChildProcessWithoutNullStreams, readonly socket: string) {}

  /** `args`: more daemon options (e.g. --http). */
  static async start(socket: string, system: string, env: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<DaemonProcess> {
    const child = spawn("node", [CLI, "daemon", "--socket", socket, "--system", system, ...args], { env: { ...process.env, ...env } });
    const d = new DaemonProcess(child, socket);
    child.stderr.on("data", (c: Buffer) => d.log.push(c.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (c: Buffer) => {
        d.stdout += c.toString();
        if (d.stdout.includes("listening on")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`daemon exited with ${code}: ${d.log.join("")}`)));
    });
    return d;
  }

  get pid(): number {
    return this.child.pid!;
  }

  cli(...args: string[]): CliResult {
    const [cmd, ...rest] = args;
    const full = cmd === "zone" ? ["zone", rest[0], "--socket", this.socket, ...rest.slice(1)] : args;
    const r = spawnSync("node", [CLI, ...full], { encoding: "utf8", timeout: 60000, input: "" });
    return { code: r.status, out: r.stdout, err: r.stderr };
  }

  /** Attach to a zone's console, type each `send` once `when` shows up (after the previous step), return at exit. */
  console(ref: string, steps: { when: string; send: string }[], timeoutMs = 60000): Promise<CliResult> {
    const p = spawn("node", [CLI, "zone", "console", "--socket", this.socket, ref]);
    let out = "", err = "", cursor = 0, i = 0;
    const pump = () => {
      while (i < steps.length) {
        const at = out.indexOf(steps[i].when, cursor);
        if (at < 0) return;
        cursor = at + steps[i].when.length;
        p.stdin.write(steps[i++].send);
      }
    };
    p.stdout.on("data", (c: Buffer) => {
      out += c.toString("latin1");
      pump();
    });
    p.stderr.on("data", (c: Buffer) => (err += c.toString()));
    return new Promise<CliResult>((resolve) => {
      const t = setTimeout(() => {
        err += `\n(test: console timed out at step ${i})`;
        p.kill();
      }, timeoutMs);
      p.on("exit", (code) => {
        clearTimeout(t);
        resolve({ code, out, err });
      });
    });
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.child.kill("SIGTERM");
    return new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
  }
}
