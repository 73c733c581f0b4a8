// Messages zone threads post to the zone's owner (main thread / daemon). Console output does not
// go this way: it has a bounded ring in shared memory (zone-control.ts), so a guest cannot queue
// unbounded messages.
export type ZoneThreadMessage =
  | { type: "log"; msg: string }
  | { type: "error"; reason: string } // the zone must end in state `error`
  | { type: "ready"; vcpu: number; tid: number } // a vCPU thread is pinned and about to run
  | { type: "exited" };
