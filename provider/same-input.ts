import { LIST_INPUTS } from "./inputs";

/** Whether two stored values are the same, as diff compares them (absent and null alike). */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Collection and namespace ids are sets: a reordered list asks for the same operation. */
export function sameInput(key: string, a: unknown, b: unknown): boolean {
  if (!(LIST_INPUTS as readonly string[]).includes(key) || !Array.isArray(a) || !Array.isArray(b))
    return sameValue(a, b);
  return sameValue([...a].sort(), [...b].sort());
}
