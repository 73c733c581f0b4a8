// The host C library through koffi, loaded once per thread on first use. Modules in src/host/
// declare the functions they need against this handle.
import koffi from "koffi";

export type LibHandle = ReturnType<typeof koffi.load>;

let lib: LibHandle | undefined;

export function libc(): LibHandle {
  lib ??= koffi.load("libc.so.6");
  return lib;
}

/** errno of the last failing libc call made through koffi on this thread. */
export function errno(): number {
  return koffi.errno();
}

export { koffi };

let strerrorFn: ((e: number) => string) | undefined;
/** The C library's text for errno `e` ("Resource temporarily unavailable"). */
export function strerror(e: number): string {
  strerrorFn ??= libc().func("const char *strerror(int e)") as (e: number) => string;
  return strerrorFn(e);
}
