import * as readline from "node:readline";
import type { ProgressStream } from "./progress-printer";

/** Where a confirmation is read from: the terminal, when there is one. */
export type PromptInput = NodeJS.ReadableStream & { isTTY?: boolean };

/**
 * Asks a yes/no question on a terminal; only "y" or "yes" is a yes, and so the end of input is a no. The
 * caller asks only when `input.isTTY`: a run without a terminal must never wait for an answer nobody can give.
 */
export async function confirm(question: string, input: PromptInput, output: ProgressStream): Promise<boolean> {
  output.write(`${question} [y/N] `);
  const lines = readline.createInterface({ input, terminal: false });
  try {
    const answer = await new Promise<string>((resolve) => {
      lines.once("line", resolve);
      lines.once("close", () => resolve(""));
    });
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    lines.close();
  }
}
