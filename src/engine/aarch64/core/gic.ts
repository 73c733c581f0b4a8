// The GICv3 CPU interface (ICC_*_EL1) of this vCPU, and the generic timers that drive its PPIs,
// over the GIC state the zone shares (../layout.ts GIC_*; the VMM thread's GICD/GICR models,
// ../gic.ts, keep the same state). One security state, group 1 only (IGROUPR reads as ones),
// 5 priority bits (32 groups: AP1R0 is the whole active-priority state), affinity routing.
import {
  C_WAKE, C_IRQ_HINT, C_ICC_PMR, C_ICC_IGRPEN1, C_ICC_CTLR, C_ICC_AP1R0, C_CNTV_CTL, C_CNTP_CTL,
  C_CNTV_CVAL, C_CNTP_CVAL, CPU_REGION_OFF, CPU_STRIDE, GICD_CTLR_OFF, GIC_SPIS, GIC_SPI_ENABLE,
  GIC_SPI_PENDING, GIC_SPI_LEVEL, GIC_SPI_ACTIVE, GIC_SPI_EDGE, GIC_SPI_PRIO, GIC_SPI_ROUTE, GIC_REDIST,
  GIC_REDIST_STRIDE, GR_ENABLE, GR_PENDING, GR_LEVEL, GR_ACTIVE, GR_EDGE, GR_PRIO, MAX_CPUS,
} from "../layout";
import { cpu } from "./state";

export const SPURIOUS: u32 = 1023;
const VTIMER_INTID: u32 = 27;
const PTIMER_INTID: u32 = 30;
const GRP1_ENABLED: u32 = 2; // GICD_CTLR.EnableGrp1NS

/** This vCPU's index (its region's place) and its redistributor's state. */
@inline function vcpuIndex(): u32 {
  return <u32>((cpu - <usize>CPU_REGION_OFF) / <usize>CPU_STRIDE);
}
@inline function redist(v: u32): usize {
  return <usize>GIC_REDIST + <usize>v * <usize>GIC_REDIST_STRIDE;
}

// The highest-priority pending interrupt found by scan().
let bestId: u32 = SPURIOUS;
let bestPrio: u32 = 0x100;

/** Pending for delivery: latched, or a level-sensitive line held high; enabled; not active. */
@inline function ready(pend: u32, level: u32, edge: u32, enable: u32, active: u32): u32 {
  return (pend | (level & ~edge)) & enable & ~active;
}

function consider(bits: u32, firstId: u32, prios: usize): void {
  while (bits != 0) {
    const i = ctz<u32>(bits);
    bits &= bits - 1;
    const p = <u32>load<u8>(prios + i) & 0xf8;
    if (p < bestPrio) {
      bestPrio = p;
      bestId = firstId + i;
    }
  }
}

/** The highest-priority interrupt pending for this vCPU (bestId, bestPrio), SPURIOUS if none. */
function scan(): void {
  bestId = SPURIOUS;
  bestPrio = 0x100;
  if ((atomic.load<u32>(<usize>GICD_CTLR_OFF) & GRP1_ENABLED) == 0) return;
  const r = redist(vcpuIndex());
  consider(ready(atomic.load<u32>(r + GR_PENDING), atomic.load<u32>(r + GR_LEVEL), load<u32>(r + GR_EDGE),
    load<u32>(r + GR_ENABLE), atomic.load<u32>(r + GR_ACTIVE)), 0, r + GR_PRIO);
  const me = <u8>vcpuIndex();
  for (let w: u32 = 0; w < <u32>(GIC_SPIS / 32); w++) {
    const o = <usize>(w << 2);
    let bits = ready(atomic.load<u32>(<usize>GIC_SPI_PENDING + o), atomic.load<u32>(<usize>GIC_SPI_LEVEL + o),
      load<u32>(<usize>GIC_SPI_EDGE + o), load<u32>(<usize>GIC_SPI_ENABLE + o), atomic.load<u32>(<usize>GIC_SPI_ACTIVE + o));
    // Only the SPIs routed here.
    let mine: u32 = 0;
    while (bits != 0) {
      const i = ctz<u32>(bits);
      bits &= bits - 1;
      if (load<u8>(<usize>GIC_SPI_ROUTE + (w << 5) + i) == me) mine |= 1 << i;
    }
    consider(mine, 32 + (w << 5), <usize>GIC_SPI_PRIO + (w << 5));
  }
}

/** The priority this vCPU runs at: its highest active priority, or idle (0x100). */
@inline function runningPriority(): u32 {
  const ap = load<u32>(cpu + C_ICC_AP1R0);
  return ap == 0 ? 0x100 : ctz<u32>(ap) << 3;
}

/** Whether the highest pending interrupt may be signalled: group 1 enabled, above the mask and the running priority. */
export function irqSignalled(): bool {
  pollTimers();
  atomic.store<i32>(cpu + C_IRQ_HINT, 0);
  if (load<u32>(cpu + C_ICC_IGRPEN1) == 0) return false;
  scan();
  return bestId != SPURIOUS && bestPrio < load<u32>(cpu + C_ICC_PMR) && bestPrio < runningPriority();
}

/** Whether anything may have changed since the last irqSignalled (another thread's hint). */
@inline export function irqHint(): bool {
  return atomic.load<i32>(cpu + C_IRQ_HINT) != 0;
}

@inline function bitOf(intid: u32): u32 {
  return 1 << (intid & 31);
}

/** The words holding `intid`'s state: its redistributor's (SGI/PPI) or the SPI bitmaps (offset to add). */
@inline function stateWord(intid: u32, redistField: u32, spiField: usize): usize {
  return intid < 32 ? redist(vcpuIndex()) + redistField : spiField + <usize>(((intid - 32) >> 5) << 2);
}

/** ICC_IAR1_EL1: acknowledge the highest pending interrupt (active, its priority running), or SPURIOUS. */
export function acknowledge(): u32 {
  if (!irqSignalled()) return SPURIOUS;
  const id = bestId;
  const bit = bitOf(id);
  const edge = id < 16 || (load<u32>(stateWord(id, GR_EDGE, <usize>GIC_SPI_EDGE)) & bit) != 0;
  if (edge) atomic.and<u32>(stateWord(id, GR_PENDING, <usize>GIC_SPI_PENDING), ~bit);
  atomic.or<u32>(stateWord(id, GR_ACTIVE, <usize>GIC_SPI_ACTIVE), bit);
  store<u32>(cpu + C_ICC_AP1R0, load<u32>(cpu + C_ICC_AP1R0) | (1 << (bestPrio >> 3)));
  return id;
}

/** ICC_HPPIR1_EL1: the highest pending interrupt, whatever the masks. */
export function highestPending(): u32 {
  pollTimers();
  scan();
  return bestId;
}

export function deactivate(intid: u32): void {
  if (intid >= 32 + GIC_SPIS) return;
  atomic.and<u32>(stateWord(intid, GR_ACTIVE, <usize>GIC_SPI_ACTIVE), ~bitOf(intid));
}

/** ICC_EOIR1_EL1: drop the running priority; with EOImode 0, deactivate too. */
export function endOfInterrupt(intid: u32): void {
  const ap = load<u32>(cpu + C_ICC_AP1R0);
  store<u32>(cpu + C_ICC_AP1R0, ap & (ap - 1));
  if ((load<u32>(cpu + C_ICC_CTLR) & 2) == 0) deactivate(intid);
}

/** Wake vCPU v's thread: something may be pending for it. */
export function kick(v: u32): void {
  const base = <usize>CPU_REGION_OFF + <usize>v * <usize>CPU_STRIDE;
  atomic.store<i32>(base + C_IRQ_HINT, 1);
  atomic.add<i32>(base + C_WAKE, 1);
  atomic.notify(base + C_WAKE, 1);
}

/** ICC_SGI1R_EL1: SGI `INTID` to the vCPUs of the target list in cluster Aff1 (or all others, IRM). */
export function sendSgi(v: u64, vcpus: u32): void {
  const intid = <u32>(v >> 24) & 15;
  const aff1 = <u32>(v >> 16) & 0xff;
  const list = <u32>v & 0xffff;
  const all = ((v >> 40) & 1) != 0;
  const me = vcpuIndex();
  // Aff2 and Aff3 are 0 for every vCPU here (machine.ts mpidrOf: 16 vCPUs a cluster).
  if (!all && ((v >> 32) & 0xff) != 0) return;
  if (!all && ((v >> 48) & 0xff) != 0) return;
  for (let t: u32 = 0; t < vcpus && t < <u32>MAX_CPUS; t++) {
    const hit = all ? t != me : (t >> 4) == aff1 && (list & (1 << (t & 15))) != 0;
    if (!hit) continue;
    atomic.or<u32>(redist(t) + GR_PENDING, 1 << intid);
    kick(t);
  }
}

// ---- the generic timers ----
const COUNTER_PER_MS: f64 = 62_500;
@external("env", "now") declare function hostNow(): f64; // ms since the zone's start

@inline export function counter(): u64 {
  return <u64>(hostNow() * COUNTER_PER_MS);
}

/** A timer's CNT*_CTL as read: ENABLE, IMASK and ISTATUS (the condition met). */
export function timerCtl(ctlOff: usize, cvalOff: usize): u32 {
  const ctl = load<u32>(cpu + ctlOff) & 3;
  const met = (ctl & 1) != 0 && counter() >= load<u64>(cpu + cvalOff);
  return ctl | (met ? 4 : 0);
}

/** Drive the timer PPIs' levels from the timers (ISTATUS and not IMASK). */
export function pollTimers(): void {
  const r = redist(vcpuIndex());
  const v = timerCtl(C_CNTV_CTL, C_CNTV_CVAL);
  const p = timerCtl(C_CNTP_CTL, C_CNTP_CVAL);
  let level = atomic.load<u32>(r + GR_LEVEL) & ~(bitOf(VTIMER_INTID) | bitOf(PTIMER_INTID));
  if ((v & 6) == 4) level |= bitOf(VTIMER_INTID);
  if ((p & 6) == 4) level |= bitOf(PTIMER_INTID);
  atomic.store<u32>(r + GR_LEVEL, level); // only this vCPU's thread writes its PPI levels
}

/** Milliseconds until the next enabled, unmasked timer fires (for WFI), or -1 when none is armed. */
export function msToTimer(): f64 {
  let best: f64 = -1;
  for (let i = 0; i < 2; i++) {
    const ctl = load<u32>(cpu + (i == 0 ? C_CNTV_CTL : C_CNTP_CTL));
    if ((ctl & 3) != 1) continue;
    const cval = load<u64>(cpu + (i == 0 ? C_CNTV_CVAL : C_CNTP_CVAL));
    const now = counter();
    const ms: f64 = cval <= now ? 0 : <f64>(cval - now) / COUNTER_PER_MS;
    if (best < 0 || ms < best) best = ms;
  }
  return best;
}
