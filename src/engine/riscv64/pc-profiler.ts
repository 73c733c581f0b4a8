// Developer aid (TSVISOR_PROFILE=prefix): samples the guest pc at the end of every short run()
// slice (with the host time the slice took), and drains the core's ring of sampled pcs of
// instructions the interpreter ran instead of a compiled block.
// `node dist/bench/pc-report.js <file> <System.map>` turns the dump into a per-symbol table.
import { writeFileSync } from "node:fs";
import * as L from "./layout.js";
import type { HartView } from "./hart-view.js";

// Distinct pcs kept per table: the guest picks the pcs, so past this, samples of new pcs are
// only counted (the dump says how many); a profile of real code has far fewer.
const MAX_PCS = 1 << 18;

export class PcProfiler {
  private readonly hits = new Map<bigint, [number, number]>();
  private readonly interpreted = new Map<bigint, number>();
  private drained = 0;
  private untracked = 0;

  constructor(private readonly hart: HartView) {}

  sample(pc: bigint, ms: number): void {
    const h = this.hits.get(pc);
    if (h) { h[0]++; h[1] += ms; } else if (this.hits.size < MAX_PCS) this.hits.set(pc, [1, ms]);
    else this.untracked++;
    const head = this.hart.load32(L.H_PROF_HEAD);
    for (let i = Math.max(this.drained, head - L.PROF_RING_ENTRIES); i < head; i++) {
      const at = this.hart.load64(L.H_PROF_RING + (i & (L.PROF_RING_ENTRIES - 1)) * 8);
      const n = this.interpreted.get(at);
      if (n !== undefined || this.interpreted.size < MAX_PCS) this.interpreted.set(at, (n ?? 0) + L.PROF_EVERY);
      else this.untracked++;
    }
    this.drained = head;
  }

  save(path: string): void {
    const rows = [...this.hits].map(([pc, [n, ms]]) => [pc.toString(16), n, ms, this.interpreted.get(pc) ?? 0]);
    for (const [pc, n] of this.interpreted) if (!this.hits.has(pc)) rows.push([pc.toString(16), 0, 0, n]);
    if (this.untracked > 0) rows.push(["untracked", this.untracked, 0, 0]);
    writeFileSync(path, JSON.stringify(rows));
  }
}
