import type { Readable } from "node:stream";

/** What a child process has written so far to stdout and to stderr, as text. */
export interface ChildOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** Collects a child's stdout and stderr (UTF-8) as they arrive. */
export function collectOutput(child: { stdout: Readable; stderr: Readable }): ChildOutput {
  const output = { stdout: "", stderr: "" };
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    output.stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    output.stderr += chunk;
  });
  return output;
}
