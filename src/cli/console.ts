// The zone console on the user's terminal: raw mode, QEMU-style escapes. Ctrl-A x quits (`run`),
// Ctrl-A d detaches (`zone console`), Ctrl-A Ctrl-A sends a literal Ctrl-A, Ctrl-A h lists them.
const CTRL_A = 0x01;

export interface ConsoleAttachment {
  detach(): void;
}

export interface ConsoleKeys {
  /** C-a x: end the zone (foreground `run`). */
  quit?: () => void;
  /** C-a d: leave the console, the zone keeps running (`zone console`). */
  detach?: () => void;
}

export function attachConsole(onInput: (data: Uint8Array) => void, keys: ConsoleKeys): ConsoleAttachment {
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  if (raw) stdin.setRawMode(true);
  const help = [keys.quit && "C-a x  quit", keys.detach && "C-a d  detach (the zone keeps running)", "C-a C-a  send C-a"]
    .filter(Boolean).join("\r\n");
  let escaped = false;
  const onData = (chunk: Buffer) => {
    const out: number[] = [];
    for (const b of chunk) {
      if (escaped) {
        escaped = false;
        const action = b === 0x78 /* x */ ? keys.quit : b === 0x64 /* d */ ? keys.detach : undefined;
        if (action) {
          if (out.length) onInput(Uint8Array.from(out));
          action();
          return;
        }
        if (b === CTRL_A) out.push(CTRL_A);
        else if (b === 0x68 /* h */) process.stderr.write(`\r\n${help}\r\n`);
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
