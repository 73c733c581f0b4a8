// The zone control block: the architecture-free part of a zone's shared memory, through which
// the zone's owner, its VMM thread and every engine's vCPU threads talk (doorbell, run state,
// console rings, the MMIO request ring). Every engine keeps it at ZONE_CTL_OFF of the zone's one
// shared WebAssembly.Memory; what lies around it (vCPU state, guest RAM) is the engine's layout.
// Compiled by AssemblyScript into the riscv64 core as well as by tsc, so it holds plain integer
// constants only (no imports, no types). The protocol over it lives in zone-control.ts.

export const ZONE_CTL_OFF = 0x000f0000; // 64 KiB
/** WebAssembly's page size: zone memory grows in these. */
export const WASM_PAGE = 0x10000;

// ---- byte offsets from ZONE_CTL_OFF; i32 words unless noted ----
export const ZC_DOORBELL = 0x00; // bumped (Atomics.add + notify) by anyone needing the VMM thread
export const ZC_STATE = 0x04; // ZONE_* run state below
export const ZC_EXIT_CODE = 0x08; // guest-provided exit status with ZONE_FAILURE (see there)
export const ZC_VMM_SLEEPING = 0x0c; // 1 while the VMM thread waits on the doorbell (ring() skips the wake otherwise)
export const ZC_TIME_ORIGIN = 0x10; // f64: performance.timeOrigin + now() of zone start, ms
// Words the engine's core owns (riscv64: the LR/SC lock serialising SC against watched stores,
// and the number of harts).
export const ZC_LR_LOCK = 0x20; // i32 spin lock
export const ZC_NHARTS = 0x24; // i32 number of vCPUs in the zone
export const ZC_CONIN_HEAD = 0x40; // console input ring (host -> guest UART), written by host
export const ZC_CONIN_TAIL = 0x44; // consumed by VMM
// The console UART's status register as the VMM last saw it, so a vCPU polling it (console
// output) needs no round trip: status | ZC_SHADOW_VALID, or 0 while reading it would have side
// effects. Which register it is belongs to the machine (riscv64: the 16550's LSR).
export const ZC_UART_LSR = 0x60;
export const ZC_SHADOW_VALID = 0x100;
// MMIO requests of all vCPUs: one FIFO ring served in order by the VMM thread, so MMIO from
// different vCPUs reaches devices in the order the vCPUs' own synchronisation gave them (a
// fence before a lock release needs no waiting). A vCPU reserves an entry (Atomics.add on
// ZC_MMIO_HEAD), fills it and publishes it (seq = index + 1); the VMM serves published entries,
// moves ZC_MMIO_TAIL and notifies it. Stores are posted; a load waits for the tail to pass it.
// Entry (i32): { seq, vcpu, op (MMIO_STORE / MMIO_LOAD), size, addr lo, addr hi, data lo, data hi }.
// A load's answer goes to the vCPU's answer slot, three i32 { 0 ok / 1 access fault, data lo,
// data hi } the engine places in its vCPU state (Engine.loadAnswerOffset).
export const ZC_MMIO_HEAD = 0x64;
export const ZC_MMIO_TAIL = 0x68;
export const ZC_MMIO_RING = 0x2000;
export const MMIO_RING_ENTRIES = 256;
export const MMIO_ENTRY_BYTES = 32;
export const MMIO_STORE = 0;
export const MMIO_LOAD = 1;
export const ZC_CONIN_BUF = 0x100; // CONIN_SIZE bytes
export const ZC_CONIN_SIZE = 0x1000;
// Console output ring (guest -> host), the only way console bytes leave a zone: producers are
// the vCPU threads (firmware console calls) and the VMM thread (UART, virtio-console),
// serialised by a spin lock; the one consumer is the zone's owner thread. A full ring
// back-pressures the guest.
export const ZC_CONOUT_HEAD = 0x70; // i32 free-running: bytes committed (owner waits on it)
export const ZC_CONOUT_TAIL = 0x74; // i32 free-running: bytes consumed (vCPUs wait on it for room)
export const ZC_CONOUT_LOCK = 0x78; // i32 producers' lock: 0 free, 1 held, 2 held with waiters
export const ZC_CONOUT_READER = 0x7c; // i32: 1 while the owner waits for data (producers notify HEAD)
export const ZC_CONOUT_WANT_ROOM = 0x80; // i32: 1 once a producer found the ring full (the owner rings the doorbell when it frees room)
export const ZC_CONOUT_BUF = 0x8000; // ZC_CONOUT_SIZE bytes, to the end of the 64 KiB control block
export const ZC_CONOUT_SIZE = 0x8000;

// ---- the zone's run state (ZC_STATE): RUNNING until the first thread ends the zone ----
export const ZONE_RUNNING = 0;
export const ZONE_POWEROFF = 1;
export const ZONE_REBOOT = 2;
export const ZONE_ERROR = 3;
// The guest powered off reporting failure; ZC_EXIT_CODE holds its exit status (test finisher
// FAIL: >= 0, 0 = none given) or EXIT_CODE_FIRMWARE_FAILURE (a firmware call, such as SBI SRST,
// reporting a failure without a status).
export const ZONE_FAILURE = 4;
export const EXIT_CODE_FIRMWARE_FAILURE = -1;
