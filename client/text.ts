/** Small text helpers for messages and paths, safe on hostile input (bounded output, linear time). */

/** A value for an error message: quoted and cut, so a 1 MB input never becomes a 1 MB message. */
export function quote(value: unknown, max = 60): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  const cut = text.length > max ? `${text.slice(0, max)}...` : text;
  return typeof value === "string" ? `"${cut}"` : cut;
}

/** Drops trailing slashes without a regex (`/\/+$/` is quadratic on long runs of slashes). */
export function trimTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === "/") end--;
  return text.slice(0, end);
}
