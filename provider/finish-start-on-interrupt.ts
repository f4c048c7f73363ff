/**
 * What the dynamic provider process does when Pulumi terminates it. A second Ctrl-C makes the engine send the
 * provider's process group SIGINT, then SIGKILL about 5 s later (it sends the same SIGINT at every normal
 * shutdown too). Node's default is to die at once; the one thing worth those seconds is a start POST in flight,
 * whose answer names the operation for the start journal. Anything else (a wait, a cancel already sent) is
 * recorded already and can die at once.
 */
const inFlight = new Set<Promise<unknown>>();
/** Under the engine's ~5 s between SIGINT and SIGKILL. */
const GRACE_MS = 4_000;
let installed = false;

/** Runs `work` as a start POST that a SIGINT lets finish, within the grace period. */
export async function finishStartOnInterrupt<T>(work: Promise<T>): Promise<T> {
  install();
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  inFlight.add(settled);
  try {
    return await work;
  } finally {
    inFlight.delete(settled);
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("SIGINT", onInterrupt);
}

function onInterrupt(): void {
  const exit = () => {
    process.off("SIGINT", onInterrupt);
    process.kill(process.pid, "SIGINT");
  };
  if (inFlight.size === 0) {
    exit();
    return;
  }
  const grace = new Promise((resolve) => setTimeout(resolve, GRACE_MS));
  // Each of these promises settles only once its answer is in the journal.
  void Promise.race([Promise.all([...inFlight]), grace]).then(exit);
}
