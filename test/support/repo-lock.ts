import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "./repo";

/**
 * Runs `body` while holding a lock named `name` for this repository checkout, across processes: for tests
 * that write into the repository itself (the quick start's Pulumi.<stack>.yaml next to the root Pulumi.yaml),
 * which the Node 20 and Node 22 legs of `npm test` would otherwise do at the same moment. The lock is a folder
 * (mkdir is atomic) holding the owner's pid; one left by a process that died is taken over.
 */
export async function withRepoLock<T>(name: string, body: () => Promise<T>, timeoutMs = 10 * 60_000): Promise<T> {
  const key = createHash("sha256").update(fs.realpathSync(repoRoot())).digest("hex").slice(0, 16);
  const lock = path.join(os.tmpdir(), `firestore-ops-${key}-${name}.lock`);
  const owner = path.join(lock, "pid");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(owner, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let pid = Number.NaN;
    try {
      pid = Number(fs.readFileSync(owner, "utf8"));
    } catch {
      // being written, or being removed
    }
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) fs.rmSync(lock, { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error(`lock ${lock} still held (pid ${pid}) after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  try {
    return await body();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
