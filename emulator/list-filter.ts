import { invalidArgument } from "./api-error";

/**
 * The list filter real clients send: AND-ed `field=value` or `field:value` terms (gcloud rewrites `:` to
 * `=` and parenthesises AND-ed groups; Skia sends `metadata.operationState=SUCCESSFUL`). Only AND is supported,
 * as gcloud documents.
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

/** Parentheses nest at most this deep (gcloud nests one level per AND-ed group). */
export const MAX_FILTER_DEPTH = 64;

const FIELD_CHARACTERS = /[A-Za-z0-9@._]/;

/**
 * Parses AND-ed `field=value` terms, grouped in parentheses as gcloud sends them (`done=true AND
 * (metadata.operationState=SUCCESSFUL AND metadata.collectionIds=users)`, also `(done=true)`); OR and NOT are
 * refused. One pass over the text, no backtracking: its time is linear in its length.
 */
export function parseFilter(filter: string | undefined): FilterTerm[] {
  const text = (filter ?? "").trim();
  if (text === "") return [];
  const invalid = (why: string) => invalidArgument("filter", `Invalid filter ${quoteFilter(text)}: ${why}.`);
  const terms: FilterTerm[] = [];
  let at = 0;
  let depth = 0;
  let expectTerm = true;
  const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);
  const skipSpace = () => {
    while (isSpace(text[at])) at++;
  };
  while (true) {
    skipSpace();
    if (at >= text.length) break;
    const c = text[at] as string;
    if (!expectTerm) {
      if (c === ")") {
        if (depth === 0) throw invalid(`unbalanced ")" at offset ${at}`);
        depth--;
        at++;
        continue;
      }
      const word = readWhile(text, at, (ch) => /[A-Za-z]/.test(ch));
      const keywordEnds = (length: number) =>
        at + length >= text.length || isSpace(text[at + length]) || text[at + length] === "(";
      if (word === "AND" && keywordEnds(3)) {
        at += 3;
      } else if (word === "OR" && keywordEnds(2)) {
        throw invalid("OR is not supported; only AND-ed terms are");
      }
      // Terms separated by whitespace alone are AND-ed too.
      expectTerm = true;
      continue;
    }
    if (c === "(") {
      if (++depth > MAX_FILTER_DEPTH) throw invalid(`parentheses nest deeper than ${MAX_FILTER_DEPTH}`);
      at++;
      continue;
    }
    if (c === "-" || (readWhile(text, at, (ch) => /[A-Za-z]/.test(ch)) === "NOT" && isSpace(text[at + 3]))) {
      throw invalid('NOT (and "-") is not supported; only AND-ed terms are');
    }
    const field = readWhile(text, at, (ch) => FIELD_CHARACTERS.test(ch));
    if (field === "") throw invalid(`expected a term of the form field=value at offset ${at}`);
    if (field === "AND" || field === "OR") throw invalid(`expected a term before ${field} at offset ${at}`);
    at += field.length;
    skipSpace();
    if (text[at] !== "=" && text[at] !== ":") throw invalid(`expected "=" or ":" after ${field} at offset ${at}`);
    at++;
    skipSpace();
    let value: string;
    if (text[at] === '"') {
      const close = closingQuote(text, at);
      if (close < 0) throw invalid(`unterminated string at offset ${at}`);
      try {
        value = JSON.parse(text.slice(at, close + 1)) as string;
      } catch {
        throw invalid(`malformed string at offset ${at}`);
      }
      at = close + 1;
    } else {
      value = readWhile(text, at, (ch) => !isSpace(ch) && ch !== '"');
      at += value.length;
      // A bare value ends before the parentheses that close its groups: `(done=true)`.
      while (depth > 0 && value.endsWith(")")) {
        value = value.slice(0, -1);
        depth--;
      }
      if (value === "") throw invalid(`expected a value after ${field} at offset ${at}`);
      if (value.endsWith(")")) throw invalid(`unbalanced ")" at offset ${at - 1} (quote a value that ends in ")")`);
    }
    if (!FIELDS.includes(field as FilterField)) {
      throw invalidArgument("filter", `Invalid filter: unsupported field "${field}". Supported: ${FIELDS.join(", ")}.`);
    }
    if (field === "done" && value !== "true" && value !== "false") {
      throw invalidArgument("filter", `Invalid filter: done must be true or false, got ${quoteFilter(value)}.`);
    }
    terms.push({ field: field as FilterField, value });
    expectTerm = false;
  }
  if (expectTerm) throw invalid(terms.length === 0 ? "expected a term of the form field=value" : "ends after AND");
  if (depth !== 0) throw invalid(`${depth} unclosed "("`);
  return terms;
}

/** The run of characters from `at` that `accept` takes. */
function readWhile(text: string, at: number, accept: (c: string) => boolean): string {
  let end = at;
  while (end < text.length && accept(text[end] as string)) end++;
  return text.slice(at, end);
}

/** The index of the `"` closing the string that opens at `open`, skipping backslash escapes; -1 if none. */
function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

function quoteFilter(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
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
