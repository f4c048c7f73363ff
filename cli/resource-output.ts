import { stringify } from "yaml";
import { printableLines } from "../client/text";
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
    // JSON escapes C0 controls itself; the rest (DEL, C1, bidi) become the same escapes, still the same JSON.
    stream.write(`${printableLines(JSON.stringify(many ? resources : resources[0], null, 2))}\n`);
    return;
  }
  // YAML quotes C0 controls, not DEL, C1 or bidi controls: those are shown as escapes.
  stream.write(printableLines(resources.map((resource) => stringify(resource, { lineWidth: 0 })).join("---\n")));
}
