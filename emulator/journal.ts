import * as fs from "node:fs";

/**
 * An append-only file of lines, each one fsynced before `append` returns: the cost of recording a change is
 * one small write and one flush, whatever the size of the state.
 */
export class Journal {
  private constructor(
    private readonly fd: number,
    private bytes: number,
  ) {}

  /**
   * Opens (or creates) the journal and returns its complete lines. A last line without its newline is a write
   * that a kill interrupted before it was flushed, so never acknowledged: it is cut off.
   */
  static open(file: string): { journal: Journal; lines: string[] } {
    const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_APPEND, 0o600);
    fs.fchmodSync(fd, 0o600);
    const text = fs.readFileSync(fd, "utf8");
    const complete = text.lastIndexOf("\n") + 1;
    const kept = Buffer.byteLength(text.slice(0, complete));
    if (complete < text.length) {
      fs.ftruncateSync(fd, kept);
      fs.fsyncSync(fd);
    }
    const lines = text.slice(0, complete).split("\n");
    lines.pop();
    return { journal: new Journal(fd, kept), lines };
  }

  get size(): number {
    return this.bytes;
  }

  /** Appends the lines in one write and flushes them; on failure the journal is cut back to what it was. */
  append(lines: readonly string[]): void {
    const data = Buffer.from(lines.map((line) => `${line}\n`).join(""));
    try {
      fs.writeSync(this.fd, data);
      fs.fdatasyncSync(this.fd);
    } catch (error) {
      try {
        fs.ftruncateSync(this.fd, this.bytes);
      } catch {
        // Nothing more to do: the next load cuts a torn last line anyway.
      }
      throw error;
    }
    this.bytes += data.length;
  }

  /** Empties the journal (after a snapshot took in everything it held). */
  reset(): void {
    fs.ftruncateSync(this.fd, 0);
    fs.fsyncSync(this.fd);
    this.bytes = 0;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
