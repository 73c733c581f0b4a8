// Runs `npm run demo` as a user would and types into the guest shell once it appears: proves the
// README's first command reaches a working shell (and powers off cleanly) with nothing else typed.
import { spawn } from "node:child_process";

const TIMEOUT_MS = 75 * 60 * 1000; // a fresh machine builds the guest first (minutes)
// Its own process group, so a timeout can end npm and the tsvisor it runs alike.
const child = spawn("npm", ["run", "demo"], { stdio: ["pipe", "pipe", "inherit"], detached: true });
let seen = "";
let step = 0;
const t0 = Date.now();
const timer = setTimeout(() => {
  console.error(`drive-demo: no guest shell after ${TIMEOUT_MS / 60000} min; killing the demo`);
  process.kill(-child.pid, "SIGKILL");
}, TIMEOUT_MS);

child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  seen = (seen + chunk.toString("latin1")).slice(-4096); // bounded: only the tail matters
  if (step === 0 && /tsvisor:~# $/.test(seen)) {
    step = 1;
    console.error(`\ndrive-demo: guest shell after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    child.stdin.write("echo FIRST-HOUR=$((6*7)) $(uname -m)\n");
  } else if (step === 1 && /FIRST-HOUR=42 riscv64/.test(seen)) {
    step = 2;
    child.stdin.write("exit\n");
  }
});

child.on("exit", (code, signal) => {
  clearTimeout(timer);
  if (step === 2 && code === 0) {
    console.error(`drive-demo: the guest ran a command and powered off; npm run demo exited 0 after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    process.exit(0);
  }
  console.error(`drive-demo: failed (reached step ${step} of 2; npm run demo exited ${code ?? signal})`);
  process.exit(1);
});
