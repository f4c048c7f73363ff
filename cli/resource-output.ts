import { stringify } from "yaml";
import type { ProgressStream } from "./progress-printer";

/**
 * `--format json|yaml`: the API's resources as it sent them, the way gcloud prints them. JSON: one value, or
 * an array for several. YAML: one document per resource, `---` between them (gcloud's list output).
 */
export function writeResources(
  stream: ProgressStream,
  format: "json" | "yaml",
  resources: unknown[],
  many: boolean,
): void {
  if (format === "json") {
    stream.write(`${JSON.stringify(many ? resources : resources[0], null, 2)}\n`);
    return;
  }
  stream.write(resources.map((resource) => stringify(resource, { lineWidth: 0 })).join("---\n"));
}
