// The public part of the page: logs in (with the one-time code of the daemon's login link, or the
// token typed in), then loads the console itself, which only a logged-in browser may fetch.
const form = document.getElementById("login");
const errorLine = document.getElementById("login-error");

async function login(cred) {
  const r = await fetch("/api/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(cred) });
  if (r.ok) return true;
  const body = await r.json().catch(() => ({}));
  errorLine.textContent = body.error ?? `login failed (${r.status})`;
  return false;
}

async function loggedIn() {
  const r = await fetch("/api/zones", { headers: { accept: "application/json" } });
  return r.ok;
}

async function enter() {
  form.hidden = true;
  const app = await import("/app.js");
  app.start();
}

async function main() {
  // The code is in the fragment, so it never reaches a server log or a Referer; it works once.
  const code = /^#login=([\w-]+)$/.exec(location.hash)?.[1];
  if (code) {
    history.replaceState(null, "", location.pathname);
    if (await login({ code })) return enter();
  } else if (await loggedIn()) {
    return enter();
  }
  form.hidden = false;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (await login({ token: document.getElementById("token").value.trim() })) enter();
  });
}

main();
