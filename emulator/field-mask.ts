import { ApiError } from "./api-error";

/**
 * The `fields` system parameter (partial responses): a comma-separated selection where `a/b` or `a.b` selects a
 * nested field and `a(b,c)` selects several sub-fields; arrays apply the selection to every element.
 */

/** `true`: the whole value. */
export type Selection = Map<string, Selection | true>;

function invalid(mask: string, why: string): ApiError {
  const shown = mask.length > 200 ? `${mask.slice(0, 200)}…` : mask;
  const message = `Invalid field selection ${JSON.stringify(shown)}: ${why}.`;
  return new ApiError("INVALID_ARGUMENT", message, { fieldViolations: [{ field: "fields", description: message }] });
}

const camel = (name: string): string => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** `a(b(c(...)))` and `a.b.c...` nest at most this deep: deeper is refused rather than recursed into. */
export const MAX_FIELD_MASK_DEPTH = 32;

/** One field name at `lastIndex` (sticky: no copy of the rest of the mask per name, so parsing stays linear). */
const FIELD_NAME = /[A-Za-z0-9_@$*]+/y;

export function parseFieldMask(mask: string): Selection {
  let at = 0;
  const parseList = (depth: number): Selection => {
    if (depth > MAX_FIELD_MASK_DEPTH) throw invalid(mask, `parentheses nest deeper than ${MAX_FIELD_MASK_DEPTH}`);
    const selection: Selection = new Map();
    for (;;) {
      const path: string[] = [];
      for (;;) {
        FIELD_NAME.lastIndex = at;
        const match = FIELD_NAME.exec(mask);
        if (!match) throw invalid(mask, `expected a field name at offset ${at}`);
        path.push(camel(match[0]));
        if (path.length > MAX_FIELD_MASK_DEPTH) throw invalid(mask, `a path is deeper than ${MAX_FIELD_MASK_DEPTH}`);
        at += match[0].length;
        if (mask[at] !== "/" && mask[at] !== ".") break;
        at++;
      }
      let leaf: Selection | true = true;
      if (mask[at] === "(") {
        at++;
        leaf = parseList(depth + 1);
        if (mask[at] !== ")") throw invalid(mask, `expected ")" at offset ${at}`);
        at++;
      }
      merge(selection, path, leaf);
      if (mask[at] === ",") {
        at++;
        continue;
      }
      if (depth > 0 && mask[at] === ")") return selection;
      if (depth === 0 && at === mask.length) return selection;
      throw invalid(mask, `unexpected "${mask[at] ?? "end"}" at offset ${at}`);
    }
  };
  return parseList(0);
}

function merge(into: Selection, path: string[], leaf: Selection | true): void {
  const [head, ...rest] = path as [string, ...string[]];
  const existing = into.get(head);
  if (existing === true) return;
  if (rest.length === 0) {
    if (leaf === true || existing === undefined) {
      into.set(head, leaf);
      return;
    }
    for (const [key, value] of leaf) merge(existing, [key], value);
    return;
  }
  const child: Selection = existing ?? new Map();
  into.set(head, child);
  merge(child, rest, leaf);
}

/**
 * Keeps the selected fields. An Any keeps its `@type` whenever anything inside it is kept, or clients could not
 * decode it (what Google sends there is unverified). Names that match nothing select nothing.
 */
export function applyFieldMask(value: unknown, selection: Selection): unknown {
  if (Array.isArray(value)) return value.map((item) => applyFieldMask(item, selection));
  if (typeof value !== "object" || value === null) return value;
  const source = value as Record<string, unknown>;
  if (selection.get("*") === true) return value;
  const out: Record<string, unknown> = {};
  if (typeof source["@type"] === "string") out["@type"] = source["@type"];
  for (const [key, sub] of selection) {
    if (!(key in source)) continue;
    out[key] = sub === true ? source[key] : applyFieldMask(source[key], sub);
  }
  if (Object.keys(out).length === 1 && "@type" in out && selection.get("@type") === undefined) return {};
  return out;
}
