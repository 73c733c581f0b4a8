// The local exclusive monitor (Arm ARM B2.9): what the last LDXR read, until a STXR, CLREX,
// exception entry or exception return clears it. exclusive.ts uses it.
export let monitorAddr: u64 = 0;
export let monitorSize: u32 = 0; // 0: open (no exclusive access pending)
export let monitorLo: u64 = 0;
export let monitorHi: u64 = 0;

export function armMonitor(addr: u64, size: u32, lo: u64, hi: u64): void {
  monitorAddr = addr;
  monitorSize = size;
  monitorLo = lo;
  monitorHi = hi;
}

export function clearMonitor(): void {
  monitorSize = 0;
}
