// A "newc" cpio archive (the initramfs format, Linux Documentation/driver-api/early-userspace/
// buffer-format.rst) built in memory: regular files, directories and device nodes, no root needed.

export interface CpioEntry {
  name: string; // without a leading "/"
  mode: number; // file type and permissions, e.g. 0o100755, 0o040755, 0o020600
  data?: Uint8Array;
  rdev?: [number, number]; // device nodes: major, minor
}

const hex8 = (n: number) => n.toString(16).padStart(8, "0");
const pad4 = (n: number) => (4 - (n % 4)) % 4;

export function cpioNewc(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const e of [...entries, { name: "TRAILER!!!", mode: 0 }]) {
    const data = Buffer.from(("data" in e && e.data) || new Uint8Array(0));
    const [maj, min] = ("rdev" in e && e.rdev) || [0, 0];
    const name = Buffer.from(`${e.name}\0`);
    const fields = [ino++, e.mode, 0, 0, 1, 0, data.length, 0, 0, maj, min, name.length, 0];
    const header = Buffer.from(`070701${fields.map(hex8).join("")}`);
    parts.push(header, name, Buffer.alloc(pad4(header.length + name.length)), data, Buffer.alloc(pad4(data.length)));
  }
  return Buffer.concat(parts);
}
