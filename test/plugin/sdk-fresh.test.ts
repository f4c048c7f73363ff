import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { repoRoot } from "../support/repo";

// The Python and Go SDKs in sdk/ are generated from schema.json and committed (users install them from the
// repository): this regenerates them into a temporary folder and fails, naming the files, when the committed ones
// differ. The first run on a machine builds the generator (minutes); later runs take about a second.

const LANGUAGES = ["python", "go"] as const;
const REGENERATE = "bash scripts/gen-sdk.sh";

const root = repoRoot();
const generated = fs.mkdtempSync(path.join(os.tmpdir(), "firestore-ops-sdk-"));
after(() => fs.rmSync(generated, { recursive: true, force: true }));

/** Every file under dir, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

/** The files of sdk/LANGUAGE a commit would hold: tracked, or new and not ignored (a build's leftovers are). */
function committedFiles(language: string): string[] {
  const listed = execFileSync(
    "git",
    ["ls-files", "--cached", "--others", "--exclude-standard", "--deduplicate", "--", `sdk/${language}`],
    { cwd: root, encoding: "utf8" },
  );
  const prefix = `sdk/${language}/`;
  return listed
    .split("\n")
    .filter((file) => file.startsWith(prefix) && fs.existsSync(path.join(root, file)))
    .map((file) => file.slice(prefix.length));
}

test("sdk/python and sdk/go are what scripts/gen-sdk.sh generates from schema.json", { timeout: 30 * 60_000 }, () => {
  execFileSync("bash", [path.join(root, "scripts", "gen-sdk.sh"), "--out", generated], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
  const stale: string[] = [];
  for (const language of LANGUAGES) {
    const fresh = filesUnder(path.join(generated, language));
    // The generator ran and wrote each SDK's package description: an empty folder would compare as "no files".
    assert.ok(fresh.includes(language === "python" ? "pyproject.toml" : "go.mod"), `${language}: ${fresh}`);
    const committed = new Set(committedFiles(language));
    for (const file of fresh) {
      const name = `sdk/${language}/${file}`;
      if (!committed.has(file)) stale.push(`${name} (missing)`);
      else if (!fs.readFileSync(path.join(root, name)).equals(fs.readFileSync(path.join(generated, language, file))))
        stale.push(`${name} (differs)`);
      committed.delete(file);
    }
    for (const file of committed) stale.push(`sdk/${language}/${file} (not generated: remove it)`);
  }
  assert.deepEqual(
    stale,
    [],
    `the SDKs in sdk/ are stale: run \`${REGENERATE}\` and commit the result. Files:\n  ${stale.join("\n  ")}`,
  );
});
