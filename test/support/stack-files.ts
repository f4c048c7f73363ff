/**
 * The files the Pulumi CLI keeps for a stack, read and written directly where a test only needs the file: each
 * saves one run of the CLI (a third of a CPU-second, most of it the CLI starting). The stack config file
 * (`Pulumi.<stack>.yaml`) is what `pulumi config set --plaintext` writes, and the file backend's checkpoint holds
 * what `pulumi stack export` prints (test/e2e/pulumi-cli.smoke.test.ts checks both against the CLI).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Document, parse, parseDocument } from "yaml";

/** The project name in the program's Pulumi.yaml: the namespace of its config keys and the state file's folder. */
export function projectName(programDir: string): string {
  const { name } = parse(fs.readFileSync(path.join(programDir, "Pulumi.yaml"), "utf8")) as { name?: unknown };
  if (typeof name !== "string" || name === "") throw new Error(`${programDir}/Pulumi.yaml has no project name`);
  return name;
}

/**
 * Sets plaintext config values in the stack's config file (`undefined` removes the key, as `pulumi config rm`),
 * keeping what else it holds (the secrets provider's salt, other keys). A key without a namespace is the
 * project's, as `pulumi config set` takes it.
 */
export function setStackConfig(
  programDir: string,
  stackName: string,
  values: Record<string, string | undefined>,
): void {
  const file = path.join(programDir, `Pulumi.${stackName}.yaml`);
  const document = fs.existsSync(file) ? parseDocument(fs.readFileSync(file, "utf8")) : new Document({});
  const project = projectName(programDir);
  for (const [key, value] of Object.entries(values)) {
    const configKey = ["config", key.includes(":") ? key : `${project}:${key}`];
    if (value === undefined) document.deleteIn(configKey);
    else document.setIn(configKey, value);
  }
  fs.writeFileSync(file, document.toString());
}

/**
 * The stack's state as `pulumi stack export` prints it (`{ version, deployment }`), from the file backend in
 * `stateDir` (PULUMI_BACKEND_URL=file://<stateDir>). Read between CLI runs: a running update rewrites the file.
 */
// biome-ignore lint/suspicious/noExplicitAny: the state file's JSON.
export function readStackState(stateDir: string, programDir: string, stackName: string): any {
  const file = path.join(stateDir, ".pulumi", "stacks", projectName(programDir), `${stackName}.json`);
  if (!fs.existsSync(file)) {
    throw new Error(`no state file ${file} (a gzipped or legacy-layout backend is not read here)`);
  }
  const { version, checkpoint } = JSON.parse(fs.readFileSync(file, "utf8"));
  return { version, deployment: checkpoint?.latest };
}
