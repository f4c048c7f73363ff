import * as fs from "node:fs";
import * as path from "node:path";

/** How a test runs the Pulumi CLI in the stack's folder: exit code and output, whatever the code. */
export type RunPulumi = (args: string[]) => Promise<{ code: number; output: string }>;

/**
 * Zero-byte metadata files (`*.attrs`) under a file backend's `.pulumi` folder. Pulumi's file backend writes a
 * stack file atomically (a temporary file, then a rename) but its `.attrs` sidecar in place, so a CLI killed
 * between the two leaves it empty, and every later command on the stack fails with `failed to load checkpoint:
 * EOF`. The sidecar holds only the file's content type and checksum: deleting it is safe.
 */
export function emptyMetadataFiles(stateDir: string): string[] {
  const root = path.join(stateDir, ".pulumi");
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true })
    .map((entry) => path.join(root, String(entry)))
    .filter((file) => file.endsWith(".attrs") && fs.statSync(file).size === 0);
}

/** The checkpoint files of every stack in a file backend (a stack's `.bak` and history are not checkpoints). */
function checkpointFiles(stateDir: string): string[] {
  const stacks = path.join(stateDir, ".pulumi", "stacks");
  if (!fs.existsSync(stacks)) return [];
  return fs
    .readdirSync(stacks, { recursive: true })
    .map((entry) => path.join(stacks, String(entry)))
    .filter((file) => file.endsWith(".json"));
}

/**
 * What docs/troubleshooting.md tells a user to do after a killed `pulumi` run on a file backend, in its order:
 * delete an empty `.attrs` file the kill left, `pulumi cancel` if the stack is locked, `pulumi refresh
 * --clear-pending-creates` if the state holds pending creates. Each step must succeed. Returns the steps taken,
 * for the test's report ("nothing" when none was needed).
 */
export async function followAdviceAfterKill(stateDir: string, pulumi: RunPulumi): Promise<string> {
  const steps: string[] = [];
  const emptied = emptyMetadataFiles(stateDir);
  for (const file of emptied) fs.rmSync(file);
  if (emptied.length > 0) steps.push(`rm ${emptied.map((file) => path.basename(file)).join(" ")} (empty)`);

  const run = async (args: string[]) => {
    const { code, output } = await pulumi(args);
    if (code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${code}:\n${output}`);
    steps.push(`pulumi ${args[0]}`);
  };
  const locks = path.join(stateDir, ".pulumi", "locks");
  if (fs.existsSync(locks) && fs.readdirSync(locks, { recursive: true }).some((f) => String(f).endsWith(".json"))) {
    await run(["cancel", "--yes", "--non-interactive"]);
  }
  const pendingCreates = checkpointFiles(stateDir).some((file) => {
    const pending = JSON.parse(fs.readFileSync(file, "utf8")).checkpoint?.latest?.pending_operations ?? [];
    return pending.some((p: { type: string }) => p.type === "creating");
  });
  if (pendingCreates) {
    await run(["refresh", "--yes", "--non-interactive", "--skip-preview", "--clear-pending-creates"]);
  }
  return steps.join(", ") || "nothing";
}
