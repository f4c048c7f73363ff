/**
 * The Python program (python/driver.py) for a plugin project: Pulumi's Python SDK from the cached venv
 * (scripts/install-python-env.sh), and the generated SDK, sdk/python, pip-installed for this run from a copy
 * outside the repo (pip builds in the source folder). The install is the one users make (`pip install
 * sdk/python`) less the dependency download: `--no-deps --no-build-isolation --no-index` into a folder of its own
 * on PYTHONPATH, then `pip check` proves that the venv meets every requirement the SDK declares.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { PluginProject } from "../../support/plugin-project";
import { repoRoot } from "../../support/repo";
import { runCommand } from "../../support/user-project";
import type { DriverLaunch } from "./automation-driver";
import { installedPath } from "./install-output";

export async function pythonProgram(project: PluginProject, projectName: string): Promise<DriverLaunch> {
  const python = await installedPath("install-python-env.sh", "PULUMI_PYTHON");
  const work = path.join(path.dirname(project.dir), "python");
  const sdkCopy = path.join(work, "sdk");
  const site = path.join(work, "site-packages");
  fs.cpSync(path.join(repoRoot(), "sdk", "python"), sdkCopy, { recursive: true });
  const pip = async (args: string[], env: NodeJS.ProcessEnv) => {
    const result = await runCommand(python, ["-m", "pip", ...args], work, env);
    if (result.code !== 0)
      throw new Error(`pip ${args.join(" ")} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
    return result;
  };
  const quiet = ["--quiet", "--disable-pip-version-check"];
  await pip(
    ["install", ...quiet, "--no-deps", "--no-build-isolation", "--no-index", "--target", site, sdkCopy],
    process.env,
  );
  const env = { ...project.env, PYTHONPATH: site, PYTHONUNBUFFERED: "1" };
  await pip(["check", ...quiet], env);
  const driver = path.join(project.dir, "driver.py");
  fs.copyFileSync(path.join(repoRoot(), "test", "plugin", "programs", "python", "driver.py"), driver);
  return { command: python, args: [driver, project.dir, projectName, project.stackName], env, cwd: project.dir };
}
