// What `tsvisor daemon --http ADDR:PORT [--http-tls-cert F --http-tls-key F] [--http-root-dir D]`
// asks for, checked before anything listens: one line naming the option and the fix.
import { isIP } from "node:net";
import { createSecureContext } from "node:tls";
import { statSync, realpathSync } from "node:fs";
import { resolve } from "node:path";
import { readUserFileSync, UserFileError } from "../../host/user-file.js";

export class WebOptionError extends Error {}

export interface WebOptions {
  host: string;
  port: number;
  /** PEM certificate chain and key: the console is served over HTTPS. */
  tls?: { cert: Buffer; key: Buffer };
  /** The only directory whose files a config sent from the browser may name (real path). */
  rootDir?: string;
}

/** 127.0.0.0/8 and ::1: only this machine can connect. */
export function isLoopback(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

function parseAddress(addr: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(addr);
  const host = m?.[1] ?? m?.[2];
  const port = m ? Number(m[3]) : NaN;
  if (!host || !isIP(host) || !(port >= 0 && port <= 65535)) {
    throw new WebOptionError(`--http ${addr}: give an IP address and port, e.g. --http 127.0.0.1:8080 (IPv6: --http [::1]:8080; port 0: any free port)`);
  }
  return { host, port };
}

const TLS_FILE = { maxBytes: 1024 * 1024, limit: "the 1M a certificate or key file may have" };

function readPem(opt: string, path: string): Buffer {
  try {
    return readUserFileSync(path, TLS_FILE);
  } catch (e) {
    if (e instanceof UserFileError) throw new WebOptionError(`${opt}: ${e.message}`);
    throw e;
  }
}

const sslReason = (e: unknown) => (e as { reason?: string }).reason ?? (e as Error).message;

/** The certificate and key as the HTTPS server will take them: each way they can be wrong, by option. */
function checkTls(certFile: string, keyFile: string, cert: Buffer, key: Buffer): void {
  try {
    createSecureContext({ cert });
  } catch (e) {
    throw new WebOptionError(`--http-tls-cert ${certFile}: not a PEM certificate (${sslReason(e)}): ` +
      "give the certificate (chain) in PEM, the file that starts with -----BEGIN CERTIFICATE-----");
  }
  try {
    createSecureContext({ key });
  } catch (e) {
    throw new WebOptionError(`--http-tls-key ${keyFile}: not an unencrypted PEM private key (${sslReason(e)}): ` +
      "give the key in PEM without a passphrase, the file that starts with -----BEGIN PRIVATE KEY-----");
  }
  try {
    createSecureContext({ cert, key });
  } catch (e) {
    throw new WebOptionError(`--http-tls-key ${keyFile} is not the key of --http-tls-cert ${certFile} (${sslReason(e)}): ` +
      "give the key the certificate was made with");
  }
}

export function webOptions(o: { http: string; httpTlsCert?: string; httpTlsKey?: string; httpRootDir?: string }): WebOptions {
  const { host, port } = parseAddress(o.http);
  if (Boolean(o.httpTlsCert) !== Boolean(o.httpTlsKey)) {
    throw new WebOptionError("--http-tls-cert and --http-tls-key go together: give both (PEM files), or neither");
  }
  if (!isLoopback(host) && !o.httpTlsCert) {
    throw new WebOptionError(`--http ${o.http}: ${host} is not a loopback address: serving the web console beyond this machine ` +
      "needs HTTPS: add --http-tls-cert FILE --http-tls-key FILE, or listen on 127.0.0.1");
  }
  const tls = o.httpTlsCert && o.httpTlsKey
    ? { cert: readPem("--http-tls-cert", o.httpTlsCert), key: readPem("--http-tls-key", o.httpTlsKey) } : undefined;
  if (tls) checkTls(o.httpTlsCert!, o.httpTlsKey!, tls.cert, tls.key);
  let rootDir: string | undefined;
  if (o.httpRootDir !== undefined) {
    try {
      rootDir = realpathSync(resolve(o.httpRootDir));
      if (!statSync(rootDir).isDirectory()) throw new Error("not a directory");
    } catch (e) {
      throw new WebOptionError(`--http-root-dir ${o.httpRootDir}: ${(e as Error).message}: give an existing directory`);
    }
  }
  return { host, port, ...(tls ? { tls } : {}), ...(rootDir ? { rootDir } : {}) };
}
