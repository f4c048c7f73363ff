import { invalidArgument } from "./api-error";

/**
 * The list filter real clients send: AND-ed `field=value` or `field:value` terms (gcloud rewrites `:` to
 * `=`; Skia sends `metadata.operationState=SUCCESSFUL`). Only AND is supported, as gcloud documents.
 */

export type FilterField =
  | "done"
  | "metadata.operationState"
  | "metadata.collectionIds"
  | "metadata.@type"
  | "metadata.outputUriPrefix"
  | "metadata.inputUriPrefix";

const FIELDS: readonly FilterField[] = [
  "done",
  "metadata.operationState",
  "metadata.collectionIds",
  "metadata.@type",
  "metadata.outputUriPrefix",
  "metadata.inputUriPrefix",
];

export interface FilterTerm {
  field: FilterField;
  value: string;
}

export interface OperationFacts {
  done: boolean;
  state: string;
  collectionIds: string[];
  type: string;
  outputUriPrefix?: string;
  inputUriPrefix?: string;
}

export function parseFilter(filter: string | undefined): FilterTerm[] {
  const text = (filter ?? "").trim();
  if (text === "") return [];
  const terms: FilterTerm[] = [];
  // term := FIELD (= | :) VALUE, VALUE optionally double-quoted; terms joined by AND or whitespace.
  const pattern = /\s*([A-Za-z@._]+)\s*([=:])\s*("(?:[^"\\]|\\.)*"|[^\s"]+)\s*(?:AND\b)?/y;
  let index = 0;
  while (index < text.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (!match || match[0].length === 0) {
      throw invalidArgument("filter", `Invalid filter "${text}": expected AND-ed terms of the form field=value.`);
    }
    const field = match[1] as string;
    if (!FIELDS.includes(field as FilterField)) {
      throw invalidArgument("filter", `Invalid filter: unsupported field "${field}". Supported: ${FIELDS.join(", ")}.`);
    }
    let value = match[3] as string;
    if (value.startsWith('"')) value = JSON.parse(value) as string;
    if (value === "AND" || value === "OR") throw invalidArgument("filter", `Invalid filter "${text}".`);
    if (field === "done" && value !== "true" && value !== "false") {
      throw invalidArgument("filter", `Invalid filter: done must be true or false, got "${value}".`);
    }
    terms.push({ field: field as FilterField, value });
    index = pattern.lastIndex;
  }
  return terms;
}

export function matchesFilter(terms: readonly FilterTerm[], facts: OperationFacts): boolean {
  return terms.every((term) => {
    switch (term.field) {
      case "done":
        return String(facts.done) === term.value;
      case "metadata.operationState":
        return facts.state === term.value;
      case "metadata.collectionIds":
        return facts.collectionIds.includes(term.value);
      case "metadata.@type":
        return facts.type === term.value || facts.type.endsWith(`.${term.value}`);
      case "metadata.outputUriPrefix":
        return facts.outputUriPrefix === term.value;
      case "metadata.inputUriPrefix":
        return facts.inputUriPrefix === term.value;
      default:
        return false;
    }
  });
}

/**
 * Whether the filter asks about completion. The documented default hides finished successful operations
 * unless it does; a filter on `metadata.operationState` counts, since Skia's monitor finds SUCCESSFUL exports
 * with `metadata.operationState=SUCCESSFUL` alone.
 */
export function asksAboutCompletion(terms: readonly FilterTerm[]): boolean {
  return terms.some((t) => t.field === "done" || t.field === "metadata.operationState");
}
