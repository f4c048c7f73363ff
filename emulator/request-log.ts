import type { Endpoint, FaultKind } from "./behaviour";

/** One request as the emulator saw it: what tests use to assert ordering and to choose kill points. */
export interface RequestLogEntry {
  seq: number;
  timeMs: number;
  method: string;
  path: string;
  endpoint?: Endpoint;
  status: number;
  fault?: FaultKind;
  /** The operation a request created or addressed. */
  operation?: string;
  /** The billing project the request named (`x-goog-user-project`). */
  userProject?: string;
}

/**
 * A bounded in-memory log: a ring of the last `capacity` entries, so adding one costs the same however many
 * requests came before (a long-running emulator neither grows nor slows down). Sequence numbers keep counting
 * across evictions and `clear`, so `since(seq)` cursors stay valid.
 */
export class RequestLog {
  private readonly ring: (RequestLogEntry | undefined)[];
  /** Index of the oldest entry in the ring. */
  private head = 0;
  private count = 0;
  private nextSeq = 1;

  constructor(private readonly capacity = 100_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("capacity must be a positive integer");
    this.ring = new Array(capacity);
  }

  add(entry: Omit<RequestLogEntry, "seq">): RequestLogEntry {
    const full = { seq: this.nextSeq++, ...entry };
    if (this.count < this.capacity) {
      this.ring[(this.head + this.count) % this.capacity] = full;
      this.count++;
    } else {
      this.ring[this.head] = full;
      this.head = (this.head + 1) % this.capacity;
    }
    return full;
  }

  /** Entries with a sequence number above `seq`, oldest first (those still held). */
  since(seq: number): RequestLogEntry[] {
    const oldestSeq = this.nextSeq - this.count;
    const skip = Math.min(this.count, Math.max(0, Math.floor(seq) - oldestSeq + 1));
    const out: RequestLogEntry[] = [];
    for (let i = skip; i < this.count; i++) out.push(this.ring[(this.head + i) % this.capacity] as RequestLogEntry);
    return out;
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.head = 0;
    this.count = 0;
  }
}
