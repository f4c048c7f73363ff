/** A Markdown table; cells are written as given (callers format numbers). */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cellText = (cell: string | number) => String(cell).replace(/\|/g, "\\|").replace(/\n/g, " ");
  const line = (cells: (string | number)[]) => `| ${cells.map(cellText).join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}
