/**
 * Runs test files with node:test's run() in the order given, `--concurrency N` at a time, and prints the spec
 * report; exits 1 when any test fails. scripts/test.sh uses it instead of `node --test` because Node 20's CLI
 * sorts the files by name, so the longest file (kill points, under reliability/) would start last.
 *
 *   node dist/test/support/run-files.js [--concurrency N] FILE...
 */
import * as path from "node:path";
import { run } from "node:test";
import { spec } from "node:test/reporters";

const args = process.argv.slice(2);
let concurrency = 1;
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--concurrency") concurrency = Number(args[++i]);
  else files.push(path.resolve(args[i] as string));
}
if (!Number.isInteger(concurrency) || concurrency < 1 || files.length === 0) {
  console.error("usage: run-files.js [--concurrency N] FILE...");
  process.exit(2);
}

let failed = false;
const stream = run({ files, concurrency });
stream.on("test:fail", () => {
  failed = true;
});
stream.on("end", () => {
  if (failed) process.exitCode = 1;
});
stream.compose(new spec()).pipe(process.stdout);
