// The daemon's log of zone state changes (starts, reboots, stops, errors), kept in a bounded ring:
// the web console's Events page and each zone's state history are views of it. Listeners are told
// of each new entry; a listener that throws is dropped, never the daemon.
import type { ZoneState } from "./api-types.js";

export interface ZoneEvent {
  /** Increases by one per entry: a client that missed some sees the gap. */
  seq: number;
  /** ISO time. */
  at: string;
  zoneId: number;
  zone: string;
  state: ZoneState;
  reason?: string;
}

export type ZoneEventListener = (e: ZoneEvent) => void;

/** How many entries the daemon keeps; older ones are dropped (counted in `dropped`). */
export const ZONE_EVENTS_KEPT = 1000;

export class ZoneEventLog {
  private readonly ring: ZoneEvent[] = [];
  private readonly listeners = new Set<ZoneEventListener>();
  private next = 1;
  dropped = 0;

  constructor(private readonly capacity = ZONE_EVENTS_KEPT) {}

  add(zoneId: number, zone: string, state: ZoneState, reason?: string): void {
    const e: ZoneEvent = { seq: this.next++, at: new Date().toISOString(), zoneId, zone, state, ...(reason !== undefined ? { reason } : {}) };
    this.ring.push(e);
    if (this.ring.length > this.capacity) {
      this.ring.shift();
      this.dropped++;
    }
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        this.listeners.delete(l);
      }
    }
  }

  /** Every kept entry, oldest first; with a zone: only that zone's (same id and name). */
  entries(zone?: { id: number; name: string }): ZoneEvent[] {
    return zone ? this.ring.filter((e) => e.zoneId === zone.id && e.zone === zone.name) : [...this.ring];
  }

  /** Follow new entries; returns the function that stops following. */
  listen(l: ZoneEventListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}
