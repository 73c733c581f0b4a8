// The thread of an FdPoller (see fd-poller.ts): poll(2) with a timeout so a stop is seen promptly.
import { parentPort, workerData } from "node:worker_threads";
import { ARMED, STOP, type FdPollerData } from "./fd-poller.js";
import { errno, libc } from "./libc.js";

const POLLIN = 0x1;
const POLLERR = 0x8;
const POLLHUP = 0x10;
const POLLNVAL = 0x20;
const EINTR = 4;
const TIMEOUT_MS = 200;

const d = workerData as FdPollerData;
const poll = libc().func("int poll(_Inout_ uint8_t *fds, unsigned long n, int timeout)") as
  (fds: Uint8Array, n: number, timeout: number) => number;
const pfd = new Uint8Array(8);
const dv = new DataView(pfd.buffer);
dv.setInt32(0, d.fd, true);
dv.setInt16(4, POLLIN, true);

while (Atomics.load(d.ctl, STOP) === 0) {
  if (Atomics.load(d.ctl, ARMED) === 0) {
    Atomics.wait(d.ctl, ARMED, 0, TIMEOUT_MS);
    continue;
  }
  dv.setInt16(6, 0, true);
  const r = poll(pfd, 1, TIMEOUT_MS);
  if (r < 0) {
    if (errno() === EINTR) continue;
    parentPort?.postMessage(`fd poller: poll failed (errno ${errno()})`);
    break;
  }
  if (r === 0) continue;
  const rev = dv.getInt16(6, true);
  if (rev & (POLLERR | POLLHUP | POLLNVAL)) {
    parentPort?.postMessage(`fd poller: fd ${d.fd} failed (revents 0x${rev.toString(16)})`);
    break;
  }
  Atomics.store(d.ctl, ARMED, 0);
  Atomics.add(d.bell, d.bellIndex, 1);
  Atomics.notify(d.bell, d.bellIndex);
}
