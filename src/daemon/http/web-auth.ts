// Who may use the web console: the holder of the daemon's web token. The token is made at start
// and written next to the API socket (mode 0600, so only the socket's owner can read it); a
// one-time login code in the printed URL saves pasting it. Logging in gives the browser a session
// cookie (HttpOnly, SameSite=Strict); scripts may send "Authorization: Bearer <token>" instead.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";

export const SESSION_COOKIE = "tsvisor_session";
/** Sessions kept at once; the oldest goes first (a browser that logs in again gets a new one). */
export const MAX_SESSIONS = 64;

const secret = () => randomBytes(32).toString("base64url");
const digest = (s: string) => createHash("sha256").update(s).digest();

/** Compare secrets in constant time (over their hashes, so lengths do not leak either). */
function same(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The token file of the daemon on `socket`. */
export function tokenFileOf(socket: string): string {
  return `${socket}.web-token`;
}

export class WebAuth {
  readonly token = secret();
  private loginCode: string | undefined = secret();
  private readonly sessions = new Set<string>();

  constructor(readonly tokenFile: string) {
    rmSync(tokenFile, { force: true }); // a file left by an earlier daemon may have other modes
    writeFileSync(tokenFile, `${this.token}\n`, { mode: 0o600, flag: "wx" });
  }

  /** The code of the one-time login URL (undefined once used). */
  get oneTimeCode(): string | undefined {
    return this.loginCode;
  }

  /** A session for the holder of the token, or of the one-time code (which is then used up). */
  login(cred: { token?: string; code?: string }): string | undefined {
    let ok = cred.token !== undefined && same(cred.token, this.token);
    if (!ok && cred.code !== undefined && this.loginCode !== undefined && same(cred.code, this.loginCode)) {
      this.loginCode = undefined;
      ok = true;
    }
    if (!ok) return undefined;
    const s = secret();
    this.sessions.add(s);
    if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.values().next().value!);
    return s;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  logout(req: IncomingMessage): void {
    const s = sessionOf(req);
    if (s !== undefined) this.sessions.delete(s);
  }

  /** How the request proved itself: a session cookie, the bearer token, or not at all. */
  check(req: IncomingMessage): "session" | "bearer" | undefined {
    const auth = req.headers.authorization;
    if (auth?.startsWith("Bearer ") && same(auth.slice(7), this.token)) return "bearer";
    const s = sessionOf(req);
    if (s !== undefined && [...this.sessions].some((x) => same(x, s))) return "session";
    return undefined;
  }

  remove(): void {
    rmSync(this.tokenFile, { force: true });
  }
}

function sessionOf(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, v] = part.trim().split("=", 2);
    if (k === SESSION_COOKIE && v) return v;
  }
  return undefined;
}

export function sessionCookie(session: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}`;
}
