// Messages zone threads post to the zone's owner (main thread / daemon).
export type ZoneThreadMessage =
  | { type: "console"; data: Uint8Array }
  | { type: "log"; msg: string }
  | { type: "error"; reason: string } // the zone must end in state `error`
  | { type: "ready"; hart: number; tid: number } // a vCPU thread is pinned and about to run
  | { type: "exited" };
