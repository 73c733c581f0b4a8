// How the CLI ends on errors nothing else handled. Users see one line and how to get more — never
// a stack trace unless they ask (TSVISOR_DEBUG=1). A closed stdout or stderr (`tsvisor ... |
// head -1`) ends the process quietly, with the status a process killed by SIGPIPE has.
import { EXIT } from "./exit-codes.js";

const debug = () => Boolean(process.env.TSVISOR_DEBUG) && process.env.TSVISOR_DEBUG !== "0";

/** What to print for an error that is a bug: its message, or the stack trace under TSVISOR_DEBUG=1. */
export function internalErrorText(e: unknown, withStack = debug()): string {
  if (withStack && e instanceof Error && e.stack) return `internal error: ${e.stack}`;
  const msg = (e instanceof Error ? e.message : String(e)).split("\n")[0];
  return `internal error: ${msg} (a bug in tsvisor: TSVISOR_DEBUG=1 prints where it happened)`;
}

/** Print the one line (stderr may be gone too: then just exit) and end with EXIT.INTERNAL. */
export function dieOfInternalError(e: unknown): never {
  try {
    process.stderr.write(`tsvisor: ${internalErrorText(e)}\n`);
  } catch {
    // nowhere left to say it
  }
  process.exit(EXIT.INTERNAL);
}

let survive: ((e: unknown) => void) | undefined;

/** The daemon: report unexpected errors through `handler` and go on (one bad request must not end every zone). */
export function surviveInternalErrors(handler: (e: unknown) => void): void {
  survive = handler;
}

/** Once, at start: closed output ends the process quietly; uncaught errors become one line. */
export function installErrorHandlers(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(EXIT.PIPE_CLOSED);
      dieOfInternalError(e);
    });
  }
  const uncaught = (e: unknown) => (survive ? survive(e) : dieOfInternalError(e));
  process.on("uncaughtException", uncaught);
  process.on("unhandledRejection", uncaught);
}
