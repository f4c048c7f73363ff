/**
 * The Go program (go/main.go) for a plugin project: built against the generated SDK, sdk/go, and Pulumi's Go SDK
 * by scripts/install-go-sdk.sh (cached, keyed by everything it is built from, so a changed SDK is always what runs).
 */
import type { PluginProject } from "../../support/plugin-project";
import type { DriverLaunch } from "./automation-driver";
import { installedPath } from "./install-output";

export async function goProgram(project: PluginProject, projectName: string): Promise<DriverLaunch> {
  const driver = await installedPath("install-go-sdk.sh", "GO_PROGRAM");
  return { command: driver, args: [project.dir, projectName, project.stackName], env: project.env, cwd: project.dir };
}
