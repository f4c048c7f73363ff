/**
 * The package as npm publishes it: `npm pack` of the built repository, made once per test process, so tests
 * install exactly what users get (the `files` list, the bins, the dependency ranges) and not the repo.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "./repo";

let tarball: string | undefined;

/** The absolute path of the packed tarball (in a temporary folder removed when the process exits). */
export function packedTarball(): string {
  if (tarball !== undefined && fs.existsSync(tarball)) return tarball;
  if (!fs.existsSync(path.join(repoRoot(), "dist", "provider", "index.js"))) {
    throw new Error("dist/ is missing: run `npm run build` before packing");
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "packed-"));
  process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", dir], {
    cwd: repoRoot(),
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const [packed] = JSON.parse(out) as { filename: string }[];
  if (!packed) throw new Error(`npm pack printed no package: ${out}`);
  tarball = path.join(dir, packed.filename);
  return tarball;
}
