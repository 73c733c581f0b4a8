// The web console over HTTPS: a self-signed certificate made here with openssl, the daemon on a
// non-loopback address (all of them: 0.0.0.0) as --http then allows, login and /api over TLS,
// and the refusals of certificate and key files, one line each, before anything listens.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, DaemonProcess } from "./helpers/daemon.js";
import type { ZoneList } from "../src/daemon/api-types.js";

const tmp = mkdtempSync(join(tmpdir(), "tsvisor-web-tls-"));
const sys = join(tmp, "system.toml");
const pem = (name: string) => join(tmp, name);
let d: DaemonProcess;
let url: URL;
let token: string;

/** A self-signed certificate for 127.0.0.1 and its key (and `other` with a key of its own). */
function makeCert(name: string): void {
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", pem(`${name}-key.pem`), "-out", pem(`${name}-cert.pem`), "-days", "2", "-subj", "/CN=127.0.0.1",
    "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "pipe" });
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request to 127.0.0.1 over TLS, trusting only the test's certificate. */
function https(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: "127.0.0.1", port: url.port, method, path, headers, ca: readFileSync(pem("web-cert.pem")), agent: false },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
    req.on("error", reject);
    req.end(body);
  });
}

before(async () => {
  writeFileSync(sys, '[zone0]\nhost_cpus = []\n[pool]\nmemory = "1G"\n');
  makeCert("web");
  makeCert("other");
  d = await DaemonProcess.start(join(tmp, "d.sock"), sys, {},
    ["--http", "0.0.0.0:0", "--http-tls-cert", pem("web-cert.pem"), "--http-tls-key", pem("web-key.pem")]);
  const m = /web console on (\S+) \(one-time login: \S+ ; token (\S+),/.exec(d.stdout);
  assert.ok(m, d.stdout);
  url = new URL(m[1]);
  token = m[2];
});
after(async () => {
  await d?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test("on a non-loopback address with a certificate: the printed address is https", () => {
  assert.equal(url.protocol, "https:");
  assert.equal(url.hostname, "0.0.0.0");
});

test("login and /api over TLS: the session cookie is Secure and opens the API", async () => {
  const origin = `https://127.0.0.1:${url.port}`;
  assert.equal((await https("GET", "/api/zones")).status, 401);
  const login = await https("POST", "/api/login", { "content-type": "application/json", origin }, JSON.stringify({ token }));
  assert.equal(login.status, 200, login.body);
  const cookie = String(login.headers["set-cookie"]);
  assert.match(cookie, /; Secure/);
  const r = await https("GET", "/api/zones", { cookie: cookie.split(";")[0] });
  assert.equal(r.status, 200, r.body);
  assert.deepEqual((JSON.parse(r.body) as ZoneList).zones, []);
  assert.equal(r.headers["referrer-policy"], "no-referrer");
  const page = await https("GET", "/");
  assert.equal(page.status, 200);
  assert.match(page.body, /<html/i);
});

test("plain HTTP to the HTTPS port gets no page", async () => {
  const r = await new Promise<Reply | Error>((resolve) => {
    const req = httpRequest({ host: "127.0.0.1", port: url.port, path: "/api/zones", agent: false }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", (e) => resolve(e));
    req.end();
  });
  // The TLS server takes the plain request for a broken handshake and drops the connection.
  assert.ok(r instanceof Error, `answered: ${JSON.stringify(r)}`);
});

test("certificate and key refusals: one line each, naming the option and file, and nothing left behind", () => {
  writeFileSync(pem("junk.pem"), "not a certificate\n");
  const run = (cert: string, key: string) => {
    const r = spawnSync("node", [CLI, "daemon", "--socket", join(tmp, "x.sock"), "--system", sys, "--http", "127.0.0.1:0",
      "--http-tls-cert", cert, "--http-tls-key", key], { encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.equal(existsSync(join(tmp, "x.sock")), false);
    assert.equal(existsSync(join(tmp, "x.sock.web-token")), false);
    return r.stderr.trim();
  };
  const cert = pem("web-cert.pem"), key = pem("web-key.pem");
  assert.equal(run(cert, pem("missing.pem")), `tsvisor: --http-tls-key: ${pem("missing.pem")}: file not found`);
  assert.match(run(tmp, key), /^tsvisor: --http-tls-cert: .*: it is a directory, not a regular file$/);
  assert.match(run(pem("junk.pem"), key), /^tsvisor: --http-tls-cert .*junk\.pem: not a PEM certificate \(.*\): give the certificate/);
  assert.match(run(key, cert), /^tsvisor: --http-tls-cert .*web-key\.pem: not a PEM certificate/, "swapped");
  assert.match(run(cert, pem("junk.pem")), /^tsvisor: --http-tls-key .*junk\.pem: not an unencrypted PEM private key/);
  assert.match(run(cert, pem("other-key.pem")), /^tsvisor: --http-tls-key .*other-key\.pem is not the key of --http-tls-cert .*web-cert\.pem/);
  const half = spawnSync("node", [CLI, "daemon", "--socket", join(tmp, "x.sock"), "--system", sys, "--http", "127.0.0.1:0",
    "--http-tls-key", key], { encoding: "utf8", timeout: 30_000 });
  assert.match(half.stderr, /^tsvisor: --http-tls-cert and --http-tls-key go together/);
});
