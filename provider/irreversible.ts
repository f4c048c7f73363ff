import { UNKNOWN } from "./check";
import type { ResourceKind } from "./kinds";

/**
 * The warning `preview` shows for each planned import and bulk delete (a create, or a replace that starts a new
 * one): neither can be undone, and cancelling does not roll back what was already written or deleted. Shown
 * from check (a create: no old inputs) and diff (a replace), the provider methods the engine calls in a preview;
 * `pulumi up` calls them again for its update (see README "Lifecycle semantics").
 */
export function irreversibleWarning(
  kind: ResourceKind,
  inputs: Record<string, unknown>,
  label: string,
): string | undefined {
  if (kind !== "import" && kind !== "bulkDelete") return undefined;
  const database = known(inputs.database) ? String(inputs.database) : "a database known only when it is deployed";
  const collections = collectionText(inputs.collectionIds);
  if (kind === "import") {
    const source = known(inputs.inputUriPrefix) ? ` from ${String(inputs.inputUriPrefix)}` : "";
    return (
      `${label}: this import into ${database} (${collections})${source} cannot be undone: it overwrites documents ` +
      "with the same ids and adds the others, and cancelling it does not roll back what it already wrote."
    );
  }
  return (
    `${label}: this bulk delete of ${collections} in ${database} cannot be undone: deleted documents cannot be ` +
    "restored unless point-in-time recovery (PITR) covers them, and cancelling it does not bring back what it " +
    "already deleted."
  );
}

function known(value: unknown): boolean {
  return value !== undefined && value !== UNKNOWN && value !== "";
}

function collectionText(value: unknown): string {
  if (!Array.isArray(value) || value.length === 0)
    return value === UNKNOWN ? "collections known only when it is deployed" : "all collections";
  if (value.includes(UNKNOWN)) return "collections known only when it is deployed";
  return `collection${value.length === 1 ? "" : "s"} ${value.join(", ")}`;
}
