import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../test/support/repo";

/**
 * This package as it was at a git revision, built into a temporary folder, for comparing builds in the same run
 * (the machine is too noisy to compare figures of different runs). It shares this checkout's node_modules, so
 * the program, both builds and the dynamic provider load one copy of @pulumi/pulumi.
 */
export function buildPreviousPackage(revision: string): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-previous-build-"));
  try {
    const archive = execFileSync("git", ["archive", "--format=tar", revision], { cwd: repoRoot(), maxBuffer: 1 << 30 });
    execFileSync("tar", ["-x", "-C", dir], { input: archive });
    fs.symlinkSync(path.join(repoRoot(), "node_modules"), path.join(dir, "node_modules"), "dir");
    execFileSync(process.execPath, [path.join(repoRoot(), "node_modules", "typescript", "bin", "tsc"), "-p", dir], {
      stdio: "inherit",
    });
    return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
