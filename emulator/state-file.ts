import * as fs from "node:fs";
import * as path from "node:path";
import type { AuthState } from "./auth";
import type { DatabaseRecord } from "./dataset";
import type { OperationRecord } from "./operation";

/** Everything that must survive a restart with --data-dir. */
export interface PersistedState {
  version: 1;
  databases: DatabaseRecord[];
  operations: OperationRecord[];
  auth: AuthState;
}

/**
 * Writes the whole state atomically (temp file, fsync, rename, fsync the folder) before a mutating request
 * is answered, so a kill -9 at any moment loses no acknowledged operation.
 */
export class StateFile {
  readonly file: string;

  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, "state.json");
  }

  load(): PersistedState | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    const state = JSON.parse(text) as PersistedState;
    if (state.version !== 1) throw new Error(`${this.file}: unsupported state version ${String(state.version)}`);
    return state;
  }

  save(state: PersistedState): void {
    const temp = `${this.file}.tmp`;
    const fd = fs.openSync(temp, "w");
    try {
      fs.writeSync(fd, JSON.stringify(state));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, this.file);
    const dir = fs.openSync(path.dirname(this.file), "r");
    try {
      fs.fsyncSync(dir);
    } finally {
      fs.closeSync(dir);
    }
  }
}
