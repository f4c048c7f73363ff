/**
 * The package as npm publishes it: `npm pack` of the built repository, so tests install exactly what users get
 * (the `files` list, the bins, the dependency ranges) and not the repo. Packed once per `npm test` run when
 * scripts/test.sh hands its tarball over (FIRESTORE_OPS_PACKED_TARBALL), else once per test process.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "./repo";

let tarball: string | undefined;

/**
 * The absolute path of the packed tarball. A tarball handed over must be this version's and newer than the
 * build it packs (dist/provider/index.js), so a stale one is refused rather than installed.
 */
export function packedTarball(): string {
  if (tarball !== undefined && fs.existsSync(tarball)) return tarball;
  const built = path.join(repoRoot(), "dist", "provider", "index.js");
  if (!fs.existsSync(built)) {
    throw new Error("dist/ is missing: run `npm run build` before packing");
  }
  const given = process.env.FIRESTORE_OPS_PACKED_TARBALL;
  if (given) {
    const { name, version } = JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8"));
    if (path.basename(given) !== `${name}-${version}.tgz`) {
      throw new Error(`FIRESTORE_OPS_PACKED_TARBALL=${given} is not ${name}-${version}.tgz`);
    }
    if (!fs.existsSync(given) || fs.statSync(given).mtimeMs < fs.statSync(built).mtimeMs) {
      throw new Error(`FIRESTORE_OPS_PACKED_TARBALL=${given} is missing or older than the build`);
    }
    tarball = given;
    return tarball;
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
