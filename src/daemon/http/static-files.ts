// The page's files, from web/ and the vendored libraries in node_modules (xterm.js): a fixed
// table, read once at start, so no request path ever reaches the file system. Only the login
// shell is public; the rest is served to a logged-in browser only.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const WEB_DIR = fileURLToPath(new URL("../../../../web/", import.meta.url));
const require = createRequire(import.meta.url);
const XTERM_DIR = dirname(dirname(require.resolve("@xterm/xterm")));
const FIT_DIR = dirname(dirname(require.resolve("@xterm/addon-fit")));

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};

export interface StaticFile {
  body: Buffer;
  type: string;
  /** Served without a login (the login shell itself). */
  public: boolean;
}

const PUBLIC = ["/", "/login.js", "/style.css"];
const FILES: Record<string, string> = {
  "/": join(WEB_DIR, "index.html"),
  "/login.js": join(WEB_DIR, "login.js"),
  "/style.css": join(WEB_DIR, "style.css"),
  "/app.js": join(WEB_DIR, "app.js"),
  "/api.js": join(WEB_DIR, "api.js"),
  "/overview.js": join(WEB_DIR, "overview.js"),
  "/zone-page.js": join(WEB_DIR, "zone-page.js"),
  "/console-view.js": join(WEB_DIR, "console-view.js"),
  "/load-chart.js": join(WEB_DIR, "load-chart.js"),
  "/start-page.js": join(WEB_DIR, "start-page.js"),
  "/toml-fields.js": join(WEB_DIR, "toml-fields.js"),
  "/events-page.js": join(WEB_DIR, "events-page.js"),
  "/vendor/xterm.mjs": join(XTERM_DIR, "lib", "xterm.mjs"),
  "/vendor/xterm.css": join(XTERM_DIR, "css", "xterm.css"),
  "/vendor/addon-fit.mjs": join(FIT_DIR, "lib", "addon-fit.mjs"),
};

export function loadStaticFiles(): Map<string, StaticFile> {
  const out = new Map<string, StaticFile>();
  for (const [url, path] of Object.entries(FILES)) {
    const ext = path.slice(path.lastIndexOf(".") + 1);
    out.set(url, { body: readFileSync(path), type: TYPES[ext] ?? "application/octet-stream", public: PUBLIC.includes(url) });
  }
  return out;
}
