import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";

/** One start POST, as written before it was sent and completed once the server named the operation. */
export interface StartRecord {
  /** The resource the start is for: the URN of the component users declare. */
  resource: string;
  /** The request (method, database, body) as canonical JSON: a changed request is another start. */
  request: string;
  /** Our clock when the POST was about to be sent. */
  sentAtMs: number;
  /** The operation the server answered with; missing while the POST is in flight (or was when we died). */
  operationName?: string;
}

/**
 * A durable local record of every start POST. The engine records a create's id only once the create returns,
 * so when a run dies with a start POST in flight (SIGKILL, a second Ctrl-C, a crashed CI runner) the stack
 * cannot say which operation it started: this journal can. An entry is written (fsync, rename) before the POST
 * is sent and completed with the operation name when the answer arrives; the next create of the same resource
 * reads it first, and the entry is dropped once a later step sees the operation in the stack's state.
 */
export class StartJournal {
  /** Names each write's temporary file: two writes of one entry may overlap. */
  private writes = 0;

  constructor(readonly dir: string) {}

  /** `$FIRESTORE_OPS_STATE_DIR`, else `$XDG_STATE_HOME/pulumi-firestore-operations`, else ~/.local/state/... */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): StartJournal {
    const base =
      env.FIRESTORE_OPS_STATE_DIR ||
      path.join(env.XDG_STATE_HOME || path.join(os.homedir(), ".local", "state"), "pulumi-firestore-operations");
    return new StartJournal(path.join(base, "starts"));
  }

  read(resource: string): StartRecord | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.file(resource), "utf8");
    } catch {
      return undefined;
    }
    try {
      const record = JSON.parse(text) as StartRecord;
      return record.resource === resource && typeof record.sentAtMs === "number" ? record : undefined;
    } catch {
      return undefined; // a torn file cannot happen (rename is atomic); anything else unreadable is no evidence
    }
  }

  /**
   * Durable once it resolves: the POST that follows may be the last thing this process does. Asynchronous, so
   * that the other resources of an update go on while the disk syncs (one provider process serves them all).
   */
  async write(record: StartRecord): Promise<void> {
    await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = this.file(record.resource);
    const temp = `${file}.${process.pid}.${++this.writes}.tmp`;
    const handle = await fsp.open(temp, "w", 0o600);
    try {
      await handle.writeFile(JSON.stringify(record));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(temp, file);
    const dir = await fsp.open(this.dir, "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  /** Drops the resource's entry; with `operationName`, only an entry for that operation. */
  async remove(resource: string, operationName?: string): Promise<void> {
    if (operationName !== undefined && this.read(resource)?.operationName !== operationName) return;
    await fsp.rm(this.file(resource), { force: true });
  }

  private file(resource: string): string {
    return path.join(this.dir, `${createHash("sha256").update(resource).digest("hex").slice(0, 32)}.json`);
  }
}
