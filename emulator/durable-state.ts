import * as fs from "node:fs";
import * as path from "node:path";
import { Journal } from "./journal";
import {
  type PersistedState,
  parseJournalEntry,
  parseSnapshot,
  replay,
  type StateChange,
  StateLoadError,
} from "./persisted-state";

/** The journal is folded into a new snapshot once it is larger than this and than the last snapshot. */
export const DEFAULT_COMPACT_AFTER_BYTES = 4 * 1024 * 1024;

export type StateContents = Omit<PersistedState, "version" | "journalSeq">;

/**
 * --data-dir durability: a snapshot (`state.json`) plus an append-only journal (`journal.ndjson`) of the changes
 * since. Every change is one fsynced journal line before the request that made it is answered, so a kill -9 at
 * any moment loses no acknowledged change, and the cost of a change does not grow with the number of operations.
 * When the journal outgrows both a floor and the last snapshot, the state is written to a new snapshot and the
 * journal emptied: each journal byte pays for at most one snapshot byte, so compaction stays a constant cost per
 * change on average. Files are private to the user (0600, the folder 0700): the state holds the token secret.
 */
export class DurableState {
  readonly snapshotFile: string;
  readonly journalFile: string;
  private journal: Journal | undefined;
  private seq = 0;
  private snapshotBytes = 0;
  /** Snapshots written since start (the one at start included): tests check that compaction happened. */
  compactions = 0;

  constructor(
    readonly dataDir: string,
    private readonly compactAfterBytes = DEFAULT_COMPACT_AFTER_BYTES,
  ) {
    if (!Number.isSafeInteger(compactAfterBytes) || compactAfterBytes < 1) {
      throw new TypeError(`compactAfterBytes must be a whole number of bytes >= 1, got ${compactAfterBytes}`);
    }
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dataDir, 0o700);
    this.snapshotFile = path.join(dataDir, "state.json");
    this.journalFile = path.join(dataDir, "journal.ndjson");
  }

  /** The state as of the last acknowledged change; undefined for a new data dir. Throws StateLoadError. */
  load(): PersistedState | undefined {
    try {
      return this.read();
    } catch (error) {
      this.close();
      throw error;
    }
  }

  private read(): PersistedState | undefined {
    let text: string | undefined;
    try {
      text = fs.readFileSync(this.snapshotFile, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        throw new StateLoadError(`cannot read ${this.snapshotFile}: ${(error as Error).message}`);
      }
    }
    const { journal, lines } = Journal.open(this.journalFile);
    this.journal = journal;
    if (text === undefined) {
      if (lines.length > 0) {
        throw new StateLoadError(`${this.journalFile} has changes but ${this.snapshotFile} is missing`);
      }
      return undefined;
    }
    const snapshot = parseSnapshot(text, this.snapshotFile);
    this.snapshotBytes = Buffer.byteLength(text);
    this.seq = snapshot.journalSeq;
    const changes: StateChange[] = [];
    for (const [index, line] of lines.entries()) {
      const entry = parseJournalEntry(line);
      if ("problem" in entry) throw new StateLoadError(`${this.journalFile} line ${index + 1}: ${entry.problem}`);
      // Entries up to the snapshot's are in it already (a kill between the snapshot and emptying the journal).
      if (entry.seq <= snapshot.journalSeq) continue;
      changes.push(entry.change);
      this.seq = entry.seq;
    }
    return replay(snapshot, changes);
  }

  /** Records changes durably (one write, one flush); when this returns, a kill -9 cannot lose them. */
  append(changes: readonly StateChange[]): void {
    if (changes.length === 0) return;
    const journal = this.opened();
    const lines = changes.map((change) => JSON.stringify({ seq: ++this.seq, ...change }));
    try {
      journal.append(lines);
    } catch (error) {
      this.seq -= lines.length;
      throw error;
    }
  }

  /** Compacts when the journal has outgrown both the floor and the last snapshot; `contents` is read only then. */
  compactIfDue(contents: () => StateContents): void {
    if (this.opened().size > Math.max(this.compactAfterBytes, this.snapshotBytes)) this.compact(contents());
  }

  /** Writes the whole state as the new snapshot (temp file, fsync, rename, fsync the folder), then empties the journal. */
  compact(contents: StateContents): void {
    const journal = this.opened();
    const snapshot: PersistedState = {
      databases: contents.databases,
      operations: contents.operations,
      backups: contents.backups ?? [],
      auth: contents.auth,
      version: 2,
      journalSeq: this.seq,
    };
    const text = JSON.stringify(snapshot);
    const temp = `${this.snapshotFile}.tmp`;
    const fd = fs.openSync(temp, "w", 0o600);
    try {
      fs.fchmodSync(fd, 0o600);
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, this.snapshotFile);
    const dir = fs.openSync(this.dataDir, "r");
    try {
      fs.fsyncSync(dir);
    } finally {
      fs.closeSync(dir);
    }
    journal.reset();
    this.snapshotBytes = Buffer.byteLength(text);
    this.compactions++;
  }

  close(): void {
    this.journal?.close();
    this.journal = undefined;
  }

  private opened(): Journal {
    if (!this.journal) throw new Error("DurableState: load() must come first");
    return this.journal;
  }
}
