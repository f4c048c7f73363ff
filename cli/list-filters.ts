/**
 * The API hides finished successful operations unless the filter mentions completion, so what to list is
 * said with explicit `done` queries: in flight (`done=false`) by default, both halves with --all.
 */

/** `done` or `metadata.operationState` as a filter term, written `=` or `:` as gcloud allows. */
const MENTIONS_COMPLETION = /(^|[\s(])(done|metadata\.operationState)\s*[=:]/;

export interface ListPlan {
  /** The filters to send; their results are merged. */
  queries: string[];
  /** Whether finished operations were left out (so an empty answer can point at --all). */
  inFlightOnly: boolean;
}

export function planList(userFilter: string | undefined, all: boolean): ListPlan {
  const filter = userFilter?.trim() ?? "";
  // The user already said which operations they want; adding a done term could only contradict it.
  if (MENTIONS_COMPLETION.test(filter)) return { queries: [filter], inFlightOnly: false };
  // AIP-160: AND binds looser than OR, so prefixing a term never changes what the user's filter means.
  const and = (term: string): string => (filter === "" ? term : `${term} AND ${filter}`);
  return all
    ? { queries: [and("done=false"), and("done=true")], inFlightOnly: false }
    : { queries: [and("done=false")], inFlightOnly: true };
}
