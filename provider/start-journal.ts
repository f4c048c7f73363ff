import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { FirestoreOperationsError, markClass } from "../client/errors";

/** Whose start an entry records: the stack instance (provider/stack-instance.ts) and the resource in it. */
export interface StartOwner {
  /** The id of the stack instance's StackInstance resource: new for every backend's stack and recreated stack. */
  stack: string;
  /** The URN of the component users declare. */
  resource: string;
}

/** One start POST, as written before it was sent and completed once the server named the operation. */
export interface StartRecord extends StartOwner {
  /** A digest of the request (method, database, body) as canonical JSON: a changed request is another start. */
  request: string;
  /** Our clock when the POST was about to be sent. */
  sentAtMs: number;
  /** The operation the server answered with; missing while the POST is in flight (or was when we died). */
  operationName?: string;
}

/**
 * How long an entry counts as evidence, and is kept. An entry only matters to the next run of its stack after a
 * crash; after 30 days it could not prove anything anyway: Firestore deletes finished operations after about 30
 * days, and no export, import or bulk delete runs that long, so the operation it names is gone from the server.
 */
export const ENTRY_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** An entry is a few hundred bytes (a URN, a digest, a name); anything larger was not written by us. */
export const MAX_ENTRY_BYTES = 64 * 1024;

/** Each write looks at this many directory entries at most, and checks this many of them for expiry. */
const PRUNE_SCAN_NAMES = 4096;
export const PRUNE_CHECKS = 32;

/** The fix every folder problem names. */
const FOLDER_FIX =
  "set FIRESTORE_OPS_STATE_DIR to a folder that only you can write (the journal is created in it, mode 0700)";

/**
 * The start journal's folder (FIRESTORE_OPS_STATE_DIR, or its parent) is one we must not trust: someone else could
 * plant or read entries. Thrown before a start is sent; its message names the folder, the problem and the fix.
 */
export class JournalFolderError extends FirestoreOperationsError {
  override name = "JournalFolderError";
  constructor(folder: string, problem: string) {
    super(`The start journal folder ${folder} ${problem}: it is not used; ${FOLDER_FIX}.`);
  }
}
markClass(JournalFolderError, "JournalFolderError");

/** The digest a record's `request` holds: entries stay small, and hold none of the request. */
export function requestFingerprint(database: string, method: string, body: unknown): string {
  return createHash("sha256").update(JSON.stringify({ database, method, body })).digest("hex");
}

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = fs.constants;

/** The sticky bit (S_ISVTX), which Node's constants leave out. */
const STICKY = 0o1000;

/**
 * A durable local record of every start POST. The engine records a create's id only once the create returns,
 * so when a run dies with a start POST in flight (SIGKILL, a second Ctrl-C, a crashed CI runner) the stack
 * cannot say which operation it started: this journal can. An entry is written (fsync, rename) before the POST
 * is sent and completed with the operation name when the answer arrives; the next create of the same resource
 * in the same stack instance reads it first, and the entry is dropped once a later call sees the operation in
 * the stack's state. Entries are keyed by the stack instance as well as the URN: a URN names neither the
 * backend nor the incarnation of the stack, so another backend's stack of the same name, or a stack recreated
 * after `pulumi stack rm`, must never resume (or later cancel) this one's operation.
 *
 * The folder is checked, never trusted: ours (our uid), not writable by group or others; files are opened
 * without following links, only regular files are read (a FIFO cannot block us), reads are bounded, and
 * temporary names are random and created exclusively, so nothing planted is followed or overwritten.
 */
export class StartJournal {
  constructor(readonly dir: string) {}

  /** `$FIRESTORE_OPS_STATE_DIR`, else `$XDG_STATE_HOME/pulumi-firestore-operations`, else ~/.local/state/... */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): StartJournal {
    const base =
      env.FIRESTORE_OPS_STATE_DIR ||
      path.join(env.XDG_STATE_HOME || path.join(os.homedir(), ".local", "state"), "pulumi-firestore-operations");
    return new StartJournal(path.join(base, "starts"));
  }

  /** The owner's unexpired entry; throws JournalFolderError for a folder we must not use. */
  read(owner: StartOwner): StartRecord | undefined {
    if (!this.checkFolder()) return undefined;
    const text = readRegularFile(this.file(owner));
    if (text === undefined) return undefined;
    let record: StartRecord;
    try {
      record = JSON.parse(text) as StartRecord;
    } catch {
      return undefined; // a torn file cannot happen (rename is atomic); anything else unreadable is no evidence
    }
    if (
      typeof record !== "object" ||
      record === null ||
      record.stack !== owner.stack ||
      record.resource !== owner.resource ||
      typeof record.request !== "string" ||
      typeof record.sentAtMs !== "number" ||
      (record.operationName !== undefined && typeof record.operationName !== "string")
    ) {
      return undefined;
    }
    return Date.now() - record.sentAtMs > ENTRY_TTL_MS ? undefined : record;
  }

  /**
   * Durable once it resolves: the POST that follows may be the last thing this process does. Asynchronous, so
   * that the other resources of an update go on while the disk syncs (one provider process serves them all).
   */
  async write(record: StartRecord): Promise<void> {
    const text = JSON.stringify(record);
    if (Buffer.byteLength(text) > MAX_ENTRY_BYTES) {
      throw new Error(`the start journal entry for ${record.resource} would exceed ${MAX_ENTRY_BYTES} bytes`);
    }
    await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
    this.checkFolder();
    // Random and exclusive: a name planted in advance (a link to a file of ours) makes the open fail, never write.
    const temp = path.join(this.dir, `.${randomBytes(12).toString("hex")}.tmp`);
    const handle = await fsp.open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(temp, this.file(record)); // replaces whatever is at the name, never writes through it
    const dir = await fsp.open(this.dir, O_RDONLY | O_NOFOLLOW);
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    await this.prune().catch(() => undefined); // housekeeping: never the write's failure
  }

  /**
   * Drops the owner's entry; with `operationName`, only an entry for that operation. A folder we must not trust
   * is left alone, without an error: this is housekeeping for diff, refresh and destroy, which must not fail
   * over it, and nothing is ever read from such a folder (the next start refuses it, saying why).
   */
  async remove(owner: StartOwner, operationName?: string): Promise<void> {
    try {
      if (!this.checkFolder()) return;
    } catch (error) {
      if (error instanceof JournalFolderError) return;
      throw error;
    }
    if (operationName !== undefined && this.read(owner)?.operationName !== operationName) return;
    await fsp.rm(this.file(owner), { force: true }); // unlinks a link itself, never its target
  }

  private file(owner: StartOwner): string {
    const key = createHash("sha256")
      .update(JSON.stringify([owner.stack, owner.resource]))
      .digest("hex");
    return path.join(this.dir, `${key.slice(0, 32)}.json`);
  }

  /**
   * False when the folder does not exist yet (nothing recorded); throws JournalFolderError when it, or the
   * folder holding it, is not ours alone. The parent counts too: whoever can write it can swap the folder.
   */
  private checkFolder(): boolean {
    let folder: fs.Stats;
    try {
      folder = fs.lstatSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
    if (!folder.isDirectory()) throw new JournalFolderError(this.dir, "is not a folder (a link or a file)");
    const uid = process.getuid?.();
    if (uid === undefined) return true; // Windows: no uid, and mode bits that say nothing about who can write
    if (folder.uid !== uid) {
      throw new JournalFolderError(this.dir, `belongs to uid ${folder.uid}, not to this user (uid ${uid})`);
    }
    if ((folder.mode & 0o022) !== 0) {
      throw new JournalFolderError(this.dir, `can be written by others (mode ${modeText(folder.mode)})`);
    }
    const parentPath = path.dirname(this.dir);
    const parent = fs.statSync(parentPath);
    if (parent.uid !== uid && parent.uid !== 0) {
      throw new JournalFolderError(parentPath, `belongs to uid ${parent.uid}, not to this user (uid ${uid}) or root`);
    }
    // A sticky folder (like /tmp) lets others add names, never rename or remove ours.
    if ((parent.mode & 0o022) !== 0 && (parent.mode & STICKY) === 0) {
      throw new JournalFolderError(parentPath, `can be written by others (mode ${modeText(parent.mode)})`);
    }
    return true;
  }

  /**
   * Removes expired files, so that the folder stays small without a separate job. Bounded: at most
   * PRUNE_SCAN_NAMES names are listed and PRUNE_CHECKS of them, picked at random, are looked at; a write adds one
   * entry, so expired ones go faster than new ones come.
   */
  private async prune(): Promise<void> {
    const names: string[] = [];
    const listing = await fsp.opendir(this.dir);
    for await (const entry of listing) {
      names.push(entry.name);
      if (names.length >= PRUNE_SCAN_NAMES) break; // leaving the loop closes the listing
    }
    const cutoff = Date.now() - ENTRY_TTL_MS;
    for (let i = 0; i < PRUNE_CHECKS && names.length > 0; i++) {
      const [name] = names.splice(Math.floor(Math.random() * names.length), 1);
      const file = path.join(this.dir, name as string);
      const stats = await fsp.lstat(file).catch(() => undefined);
      if (stats && !stats.isDirectory() && stats.mtimeMs < cutoff) await fsp.rm(file, { force: true });
    }
  }
}

/**
 * The text of a regular file at `file`, or undefined for anything else: a link is not followed (O_NOFOLLOW), a
 * FIFO or device is opened without blocking (O_NONBLOCK) and then refused, and a file larger than an entry can
 * be is not read.
 */
function readRegularFile(file: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch {
    return undefined; // absent, or a link (ELOOP)
  }
  try {
    const stats = fs.fstatSync(fd);
    if (!stats.isFile() || stats.size > MAX_ENTRY_BYTES) return undefined;
    const buffer = Buffer.alloc(MAX_ENTRY_BYTES + 1);
    let length = 0;
    for (;;) {
      const read = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > MAX_ENTRY_BYTES) return undefined; // it grew after fstat
    }
    return buffer.toString("utf8", 0, length);
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

function modeText(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, "0");
}
