// Host TAP devices for virtio-net: opened through /dev/net/tun with IFF_TAP | IFF_NO_PI |
// IFF_VNET_HDR (12-byte virtio_net_hdr, so guest checksum/TSO offload reaches the host kernel).
// The owner thread opens the TAP (clear errors before the guest runs); the VMM thread reads and
// writes it by fd, non-blocking, through koffi.
import { closeSync, constants, openSync } from "node:fs";
import { errno, libc } from "./libc.js";

const TUNSETIFF = 0x400454ca;
const TUNSETOFFLOAD = 0x400454d0;
const TUNSETVNETHDRSZ = 0x400454d8;
const IFF_TAP = 0x0002;
const IFF_NO_PI = 0x1000;
const IFF_VNET_HDR = 0x4000;
const IFNAMSIZ = 16;
const EAGAIN = 11;

interface Fns {
  ioctlPtr: (fd: number, req: number, type: string, arg: Uint8Array) => number;
  ioctlVal: (fd: number, req: number, type: string, arg: number) => number;
  read: (fd: number, buf: Uint8Array, n: number) => number;
  write: (fd: number, buf: Uint8Array, n: number) => number;
  strerror: (e: number) => string;
}
let fns: Fns | undefined;
function f(): Fns {
  if (fns) return fns;
  const lib = libc();
  const ioctl = lib.func("int ioctl(int fd, unsigned long req, ...)") as (...a: unknown[]) => number;
  fns = {
    ioctlPtr: (fd, req, type, arg) => ioctl(fd, req, type, arg),
    ioctlVal: (fd, req, type, arg) => ioctl(fd, req, type, arg),
    read: lib.func("long read(int fd, _Out_ uint8_t *buf, size_t n)") as Fns["read"],
    write: lib.func("long write(int fd, const uint8_t *buf, size_t n)") as Fns["write"],
    strerror: lib.func("const char *strerror(int e)") as Fns["strerror"],
  };
  return fns;
}

/**
 * Attach to (or create) TAP device `name`. Returns its fd (non-blocking, vnet header of 12 bytes).
 * Throws with what went wrong and how to fix it.
 */
export function openTap(name: string): number {
  if (name.length === 0 || name.length >= IFNAMSIZ || !/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new Error(`TAP name "${name}" must be 1-15 letters, digits, '.', '_' or '-'`);
  }
  let fd: number;
  try {
    fd = openSync("/dev/net/tun", constants.O_RDWR | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new Error("/dev/net/tun not found: load the tun module (modprobe tun) or create the node (mknod /dev/net/tun c 10 200)");
    if (code === "EACCES" || code === "EPERM") throw new Error("permission denied opening /dev/net/tun: run as root, or make it accessible to this user");
    throw new Error(`cannot open /dev/net/tun: ${(e as Error).message}`);
  }
  const ifr = new Uint8Array(40);
  ifr.set(new TextEncoder().encode(name));
  new DataView(ifr.buffer).setUint16(IFNAMSIZ, IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, true);
  const fail = (what: string): never => {
    const e = errno();
    closeSync(fd);
    let hint = f().strerror(e);
    if (e === 1) hint = "permission denied: run as root (CAP_NET_ADMIN), or create it for this user first: ip tuntap add dev " + name + " mode tap user $(id -un)";
    else if (e === 16) hint = "device busy: another process has it open";
    else if (e === 22) hint = "invalid argument: is " + name + " an existing interface that is not a TAP (or a TUN device)?";
    throw new Error(`TAP ${name}: ${what} failed: ${hint}`);
  };
  if (f().ioctlPtr(fd, TUNSETIFF, "uint8_t *", ifr) < 0) fail("TUNSETIFF");
  const hdr = new Uint8Array(4);
  new DataView(hdr.buffer).setInt32(0, 12, true);
  if (f().ioctlPtr(fd, TUNSETVNETHDRSZ, "uint8_t *", hdr) < 0) fail("TUNSETVNETHDRSZ");
  // No receive offloads: frames from the host arrive checksummed and unsegmented.
  if (f().ioctlVal(fd, TUNSETOFFLOAD, "unsigned long", 0) < 0) fail("TUNSETOFFLOAD");
  return fd;
}

/** Frames to and from a TAP fd (vnet header included). */
export class TapIo {
  sendErrors = 0;
  lastSendErrno = 0;

  constructor(readonly fd: number) {}

  send(frame: Uint8Array): boolean {
    if (f().write(this.fd, frame, frame.length) === frame.length) return true;
    this.sendErrors++;
    this.lastSendErrno = errno();
    return false;
  }

  /** Length of the frame read into dst; 0 when none is pending (or on error). */
  receive(dst: Uint8Array): number {
    const n = f().read(this.fd, dst, dst.length);
    if (n > 0) return n;
    if (n < 0 && errno() !== EAGAIN) this.lastSendErrno = errno();
    return 0;
  }
}
