// Where the API socket lives, and whether a socket can be trusted. A client that talks to a
// socket another user made hands that user its zone configs (paths, command lines) and believes
// the answers. So before anything is sent, the socket and every directory above it must belong to
// the caller or root, and no directory on the way may let another user replace its entries
// (group/other write without the sticky bit) — the rules OpenSSH applies to authorized_keys. The
// daemon holds its socket directory to the same rules before it listens, and its default
// directory must be private (mode 0700).
import { lstatSync, mkdirSync, readFileSync, realpathSync, type Stats } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileErrnoError, fileKind } from "./user-file.js";

/** sockaddr_un.sun_path holds 108 bytes, the terminating NUL included. */
export const SOCKET_PATH_MAX = 107;

export class SocketPathError extends Error {}

export function checkSocketPathLength(path: string): void {
  const n = Buffer.byteLength(path);
  if (n > SOCKET_PATH_MAX) {
    throw new SocketPathError(`socket path ${path} is ${n} bytes: a Unix socket path has at most ${SOCKET_PATH_MAX}: choose a shorter --socket`);
  }
}

const myUid = () => process.getuid?.() ?? 0;

/** The directory of the default socket for a non-root user: private to that user. */
export function privateSocketDir(uid = myUid(), env: NodeJS.ProcessEnv = process.env): string {
  if (uid === 0) return "/run/tsvisor";
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, "tsvisor");
  return join(env.TMPDIR || "/tmp", `tsvisor-${uid}`);
}

/** TSVISOR_SOCKET, else tsvisor.sock in privateSocketDir(). */
export function defaultSocketPath(uid = myUid(), env: NodeJS.ProcessEnv = process.env): string {
  return env.TSVISOR_SOCKET || join(privateSocketDir(uid, env), "tsvisor.sock");
}

function userName(uid: number): string {
  try {
    const line = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.split(":")[2] === String(uid));
    if (line) return `${line.split(":")[0]} (uid ${uid})`;
  } catch {
    // no passwd file: the number alone
  }
  return `uid ${uid}`;
}

const octal = (mode: number) => `0${(mode & 0o7777).toString(8)}`;

/** Owned by uid (or by root, unless `rootToo` is false); else the message says by whom. */
function checkOwner(path: string, st: Stats, uid: number, fix: string, rootToo = true): void {
  if (st.uid === uid || (rootToo && st.uid === 0)) return;
  const notBy = uid === 0 ? "not by root" : `not by you (uid ${uid})${rootToo ? " or root" : ""}`;
  throw new SocketPathError(`${path}: owned by ${userName(st.uid)}, ${notBy}: ${fix}`);
}

/** Each directory from `dir` up to / belongs to uid or root, and nobody else can replace its entries. */
function checkDirChain(dir: string, uid: number, fix: string): void {
  for (let d = dir; ; d = dirname(d)) {
    const st = lstatSync(d);
    checkOwner(d, st, uid, fix);
    if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) {
      throw new SocketPathError(`${d}: mode ${octal(st.mode)} lets other users replace what is in it: chmod go-w ${d}, or ${fix}`);
    }
    if (d === "/") return;
  }
}

/**
 * The daemon, before it listens on `path`: the directory is created (0700) if missing and must
 * pass the owner rules; the default directory must also be private. A socket already there must
 * be the user's (or root's): removing it is left to the caller.
 */
export function prepareSocketDir(path: string, uid = myUid()): void {
  checkSocketPathLength(path);
  const dir = dirname(path);
  const strict = dir === privateSocketDir(uid);
  const fix = "remove it (as root) if you did not make it, or choose another --socket";
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new SocketPathError(`${dir}: cannot create the socket's directory: ${fileErrnoError(dir, e).reason}: choose another --socket`);
  }
  if (strict) {
    const st = lstatSync(dir);
    if (!st.isDirectory()) throw new SocketPathError(`${dir}: it is ${fileKind(st)}, not a directory: ${fix}`);
    checkOwner(dir, st, uid, fix, false);
    if ((st.mode & 0o077) !== 0) throw new SocketPathError(`${dir}: mode ${octal(st.mode)} lets other users in: chmod 700 ${dir}`);
  }
  checkDirChain(realpathSync(dir), uid, fix);
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  checkOwner(path, st, uid, "another user put it there: remove it (as root), or choose another --socket");
}

/**
 * The client, before it sends anything: `path` must be a socket owned by the caller or root, in
 * directories that pass the owner rules. Returns the path to connect to, with symbolic links in
 * the directories resolved (so the path checked is the path used). ENOENT is passed on as is.
 */
export function trustedSocketPath(path: string, uid = myUid()): string {
  checkSocketPathLength(path);
  const real = join(realpathSync(dirname(path)), basename(path));
  checkSocketPathLength(real);
  const fix = `another user could have put a fake daemon there, so nothing was sent to ${path}: remove it (as root) or use another --socket`;
  checkDirChain(dirname(real), uid, fix);
  const st = lstatSync(real);
  if (!st.isSocket()) throw new SocketPathError(`${path}: it is ${fileKind(st)}, not a socket: remove it or use another --socket`);
  checkOwner(path, st, uid, fix);
  return real;
}
