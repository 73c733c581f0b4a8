// A network namespace with one end of a zone's TAP link in it, for guest <-> host network tests.
// Only addresses inside the namespace the test creates are used.
import { execFileSync, spawn } from "node:child_process";

export function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Fail with a precise reason when this host cannot create namespaces or TAP devices. */
export function requireNetAdmin(): void {
  const probe = `tsvprobe${process.pid % 100000}`;
  try {
    sh("ip", ["netns", "add", probe]);
  } catch (e) {
    throw new Error(`cannot create a network namespace (ip netns add): ${(e as Error).message.split("\n")[0]}: run as root with CAP_SYS_ADMIN/CAP_NET_ADMIN`);
  }
  sh("ip", ["netns", "del", probe]);
}

export class NetNs {
  constructor(readonly name: string) {
    sh("ip", ["netns", "add", name]);
    sh("ip", ["-n", name, "link", "set", "lo", "up"]);
  }

  /** Move host interface `dev` into the namespace and give it `cidr`. */
  adopt(dev: string, cidr: string): void {
    sh("ip", ["link", "set", dev, "netns", this.name]);
    sh("ip", ["-n", this.name, "addr", "add", cidr, "dev", dev]);
    sh("ip", ["-n", this.name, "link", "set", dev, "up"]);
  }

  /**
   * A TCP sink on addr:port inside the namespace: resolves with the bytes received and their sha256
   * once the peer closes. `listening` resolves when it accepts connections.
   */
  tcpSink(addr: string, port: number, timeoutMs: number): { listening: Promise<void>; result: Promise<{ bytes: number; sha256: string; ms: number }> } {
    const code = `
      const net = require("node:net"), crypto = require("node:crypto");
      const srv = net.createServer((s) => {
        const h = crypto.createHash("sha256"); let n = 0; const t0 = Date.now();
        s.on("data", (d) => { h.update(d); n += d.length; });
        s.on("end", () => { console.log(JSON.stringify({ bytes: n, sha256: h.digest("hex"), ms: Date.now() - t0 })); s.end(); srv.close(); });
      });
      srv.listen(${port}, ${JSON.stringify(addr)}, () => console.log("LISTENING"));
      setTimeout(() => { console.log(JSON.stringify({ error: "timeout" })); process.exit(1); }, ${timeoutMs}).unref();`;
    const child = spawn("ip", ["netns", "exec", this.name, process.execPath, "-e", code], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let onListen: () => void = () => {};
    const listening = new Promise<void>((r) => { onListen = r; });
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("LISTENING")) onListen();
    });
    child.stderr.on("data", (d: Buffer) => { err += d.toString(); });
    const result = new Promise<{ bytes: number; sha256: string; ms: number }>((resolve, reject) => {
      child.on("exit", () => {
        const line = out.split("\n").find((l) => l.startsWith("{"));
        if (!line) return reject(new Error(`tcp sink failed: ${err || out}`));
        const r = JSON.parse(line) as { bytes: number; sha256: string; ms: number; error?: string };
        if (r.error) reject(new Error(`tcp sink: ${r.error}`));
        else resolve(r);
      });
    });
    return { listening, result };
  }

  delete(): void {
    try { sh("ip", ["netns", "del", this.name]); } catch { /* already gone */ }
  }
}
