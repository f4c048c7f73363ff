/**
 * Runs one of the repo's install scripts (scripts/install-python-env.sh, scripts/install-go-sdk.sh): each installs
 * into the tools cache only what is missing and prints `NAME=<path>` as its last line.
 */
import * as path from "node:path";
import { repoRoot } from "../../support/repo";
import { runCommand } from "../../support/user-project";

/** The path the script prints as `name=...`; fails with the script's output if it fails or prints none. */
export async function installedPath(script: string, name: string): Promise<string> {
  const result = await runCommand("bash", [path.join(repoRoot(), "scripts", script)], repoRoot(), process.env);
  const printed = new RegExp(`^${name}=(.+)$`, "m").exec(result.stdout)?.[1];
  if (result.code !== 0 || printed === undefined) {
    throw new Error(`scripts/${script} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return printed;
}
