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
}

/** A bounded in-memory log; old entries fall off so a long-running emulator does not grow without end. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private nextSeq = 1;

  constructor(private readonly capacity = 100_000) {}

  add(entry: Omit<RequestLogEntry, "seq">): RequestLogEntry {
    const full = { seq: this.nextSeq++, ...entry };
    this.entries.push(full);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return full;
  }

  since(seq: number): RequestLogEntry[] {
    return this.entries.filter((e) => e.seq > seq);
  }

  clear(): void {
    this.entries = [];
  }
}
