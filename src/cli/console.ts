// The zone console on the user's terminal: raw mode, QEMU-style escapes (Ctrl-A x quits,
// Ctrl-A Ctrl-A sends a literal Ctrl-A).
const CTRL_A = 0x01;

export interface ConsoleAttachment {
  detach(): void;
}

export function attachConsole(onInput: (data: Uint8Array) => void, onQuit: () => void): ConsoleAttachment {
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  if (raw) stdin.setRawMode(true);
  let escaped = false;
  const onData = (chunk: Buffer) => {
    const out: number[] = [];
    for (const b of chunk) {
      if (escaped) {
        escaped = false;
        if (b === 0x78 /* x */) { onQuit(); return; }
        if (b === CTRL_A) out.push(CTRL_A);
        else if (b === 0x68 /* h */) process.stderr.write("\r\nC-a x  quit\r\nC-a C-a  send C-a\r\n");
        continue;
      }
      if (b === CTRL_A) { escaped = true; continue; }
      out.push(b);
    }
    if (out.length) onInput(Uint8Array.from(out));
  };
  stdin.on("data", onData);
  stdin.resume();
  return {
    detach() {
      stdin.off("data", onData);
      if (raw) stdin.setRawMode(false);
      stdin.pause();
    },
  };
}
