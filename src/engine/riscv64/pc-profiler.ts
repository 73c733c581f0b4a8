// Developer aid (TSVISOR_PROFILE=prefix): samples the guest pc at the end of every short run()
// slice (with the host time the slice took), and drains the core's ring of sampled pcs of
// instructions the interpreter ran instead of a compiled block.
// `node dist/bench/pc-report.js <file> <System.map>` turns the dump into a per-symbol table.
import { writeFileSync } from "node:fs";
import * as L from "./layout.js";
import type { HartView } from "./hart-view.js";

export class PcProfiler {
  private readonly hits = new Map<bigint, [number, number]>();
  private readonly interpreted = new Map<bigint, number>();
  private drained = 0;

  constructor(private readonly hart: HartView) {}

  sample(pc: bigint, ms: number): void {
    const h = this.hits.get(pc);
    if (h) { h[0]++; h[1] += ms; } else this.hits.set(pc, [1, ms]);
    const head = this.hart.load32(L.H_PROF_HEAD);
    for (let i = Math.max(this.drained, head - L.PROF_RING_ENTRIES); i < head; i++) {
      const at = this.hart.load64(L.H_PROF_RING + (i & (L.PROF_RING_ENTRIES - 1)) * 8);
      this.interpreted.set(at, (this.interpreted.get(at) ?? 0) + L.PROF_EVERY);
    }
    this.drained = head;
  }

  save(path: string): void {
    const rows = [...this.hits].map(([pc, [n, ms]]) => [pc.toString(16), n, ms, this.interpreted.get(pc) ?? 0]);
    for (const [pc, n] of this.interpreted) if (!this.hits.has(pc)) rows.push([pc.toString(16), 0, 0, n]);
    writeFileSync(path, JSON.stringify(rows));
  }
}
