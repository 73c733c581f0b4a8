// Rate limiting for diagnostics a guest can trigger at will: unsupported SBI calls, a virtio
// driver cycling through resets and refused features, ... Without it a guest fills the host's
// log (and the message queue to the zone's owner) as fast as it can loop.
//
// Each message kind has a token bucket (a burst, then a steady rate); all kinds of one limiter
// also share a bucket, so a guest inventing new kinds (a million distinct SBI call numbers) gets
// no more lines than one flooding a single kind. Held-back messages are counted, and the count is
// reported in one "suppressed" line when the kind is allowed again (next to that message) or has
// been quiet for a refill period (tick()). Only `kinds` kinds are tracked: the least recently used
// one gives way, and its count moves to a shared "other kinds" count. Every line emitted, summaries
// included, takes a token from the shared bucket (a message and the summary before it share one).
//
// One limiter per zone thread (each vCPU thread, the VMM thread): no cross-thread state, bounded
// per thread, so a zone logs at most (threads x the shared rate).

export interface LogLimits {
  /** Messages of one kind let through at once, then `perSecond`. */
  burst: number;
  perSecond: number;
  /** Kinds tracked at once (least recently used evicted). */
  kinds: number;
  /** Lines of all kinds together: a burst, then `totalPerSecond`. */
  totalBurst: number;
  totalPerSecond: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = { burst: 10, perSecond: 1, kinds: 32, totalBurst: 40, totalPerSecond: 4 };

/** How often tick() looks for quiet kinds at most (ms). */
const SCAN_EVERY_MS = 100;

interface Bucket {
  tokens: number;
  at: number; // time of the last refill
  suppressed: number; // held back since the last report
  lastSuppressed: number; // time of the last message held back
}

export class LogLimiter {
  private readonly buckets = new Map<string, Bucket>(); // insertion order = least recently used first
  private readonly total: Bucket;
  private other = 0; // held back for kinds no longer tracked
  private pending = 0; // kinds with a count to report (tick() is a no-op at 0)
  private lastScan = 0;
  /** Statistics: lines emitted and messages held back so far. */
  emitted = 0;
  suppressed = 0;

  constructor(private readonly emit: (line: string) => void, private readonly limits: LogLimits = DEFAULT_LOG_LIMITS,
    private readonly now: () => number = () => performance.now()) {
    for (const [k, v] of Object.entries(limits)) {
      if (!(v > 0)) throw new Error(`log limiter: ${k} must be positive, got ${v}`);
    }
    this.total = { tokens: limits.totalBurst, at: now(), suppressed: 0, lastSuppressed: 0 };
  }

  /**
   * Log `msg` unless its kind (or the limiter as a whole) is over its rate. A function is called
   * only when the message is let through (no garbage per held-back message on hot paths).
   */
  log(kind: string, msg: string | (() => string)): void {
    const t = this.now();
    const b = this.touch(kind, t);
    refill(b, t, this.limits.burst, this.limits.perSecond);
    refill(this.total, t, this.limits.totalBurst, this.limits.totalPerSecond);
    if (b.tokens >= 1 && this.total.tokens >= 1) {
      b.tokens--;
      this.total.tokens--;
      this.report(kind, b);
      this.line(typeof msg === "string" ? msg : msg());
      return;
    }
    if (b.suppressed++ === 0) this.pending++;
    b.lastSuppressed = t;
    this.suppressed++;
  }

  /** Report kinds that have been quiet for a refill period. Cheap to call often (a loop's turn). */
  tick(): void {
    if (this.pending === 0 && this.other === 0) return;
    const t = this.now();
    if (t - this.lastScan < SCAN_EVERY_MS) return;
    this.lastScan = t;
    const quiet = 1000 / this.limits.perSecond;
    for (const [kind, b] of this.buckets) {
      if (b.suppressed === 0 || t - b.lastSuppressed < quiet) continue;
      if (!this.take(t)) return;
      this.report(kind, b);
    }
    if (this.other > 0 && this.take(t)) this.reportOther();
  }

  /** Report every count still held (the thread is ending), whatever the rates. */
  flush(): void {
    for (const [kind, b] of this.buckets) this.report(kind, b);
    if (this.other > 0) this.reportOther();
  }

  /** The bucket of `kind`, now the most recently used; a new one may evict the oldest. */
  private touch(kind: string, t: number): Bucket {
    let b = this.buckets.get(kind);
    if (b !== undefined) {
      this.buckets.delete(kind);
    } else {
      if (this.buckets.size >= this.limits.kinds) {
        const [oldKind, old] = this.buckets.entries().next().value as [string, Bucket];
        this.buckets.delete(oldKind);
        if (old.suppressed > 0) {
          this.other += old.suppressed;
          this.pending--;
        }
      }
      b = { tokens: this.limits.burst, at: t, suppressed: 0, lastSuppressed: 0 };
    }
    this.buckets.set(kind, b);
    return b;
  }

  private take(t: number): boolean {
    refill(this.total, t, this.limits.totalBurst, this.limits.totalPerSecond);
    if (this.total.tokens < 1) return false;
    this.total.tokens--;
    return true;
  }

  private report(kind: string, b: Bucket): void {
    if (b.suppressed === 0) return;
    this.line(`${kind}: ${b.suppressed} similar message${b.suppressed === 1 ? "" : "s"} suppressed`);
    b.suppressed = 0;
    this.pending--;
  }

  private reportOther(): void {
    this.line(`${this.other} more message${this.other === 1 ? "" : "s"} of other kinds suppressed`);
    this.other = 0;
  }

  private line(s: string): void {
    this.emitted++;
    this.emit(s);
  }
}

function refill(b: Bucket, t: number, burst: number, perSecond: number): void {
  b.tokens = Math.min(burst, b.tokens + ((t - b.at) * perSecond) / 1000);
  b.at = t;
}
