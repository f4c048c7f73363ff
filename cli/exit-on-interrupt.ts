import { EXIT } from "./exit-codes";

/**
 * While a command waits, Ctrl-C stops the waiting, not the operation: say so, then exit 130.
 * Returns the function that removes the handler once the wait is over.
 */
export function exitOnInterrupt(explain: () => void): () => void {
  const listener = (): void => {
    explain();
    process.exit(EXIT.INTERRUPTED);
  };
  process.once("SIGINT", listener);
  return () => {
    process.off("SIGINT", listener);
  };
}
