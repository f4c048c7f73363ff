import { createRequire } from "node:module";
import { ProgressThrottle } from "../client/progress-throttle";
import { scrubPatterns } from "../client/redaction";
import { printableLines } from "../client/text";

/** Messages a provider method shows the user while it works. */
export interface Reporter {
  info(message: string): void;
  /** `urn`: the resource the warning is about (the engine shows it under that resource). */
  warn(message: string, urn?: string): void;
  /** A status line that replaces the previous one (ephemeral in the Pulumi CLI): progress, not history. */
  status(message: string): void;
}

export const SILENT: Reporter = { info() {}, warn() {}, status() {} };

interface EngineLogClient {
  log(request: unknown, callback: (error: unknown) => void): void;
}

/**
 * Logs through the Pulumi engine. The dynamic provider host is started with the engine's address as its
 * first argument but does not wire `pulumi.log` to it, so we open our own client with the SDK's own gRPC
 * stubs. Anything that goes wrong here falls back to stderr: reporting must never fail a provider method.
 */
export function engineReporter(engineAddress: string | undefined = process.argv[2]): Reporter {
  let client: EngineLogClient | undefined;
  let proto: { LogRequest: new () => Record<string, (value: unknown) => void> } | undefined;
  if (engineAddress && /^[\w.-]+:\d+$/.test(engineAddress)) {
    try {
      const requireFromPulumi = createRequire(require.resolve("@pulumi/pulumi"));
      const grpc = requireFromPulumi("@grpc/grpc-js") as {
        credentials: { createInsecure(): unknown };
      };
      const services = requireFromPulumi("./proto/engine_grpc_pb") as {
        EngineClient: new (address: string, credentials: unknown) => EngineLogClient;
      };
      proto = requireFromPulumi("./proto/engine_pb") as typeof proto;
      client = new services.EngineClient(engineAddress, grpc.credentials.createInsecure());
    } catch {
      client = undefined;
    }
  }
  const send = (severity: number, text: string, ephemeral: boolean, urn?: string): void => {
    // Messages quote servers (an operation's error, a refused request): nothing that looks like a secret passes,
    // nor anything that could drive the terminal (client/text.ts).
    const message = printableLines(scrubPatterns(text));
    if (!client || !proto) {
      if (!ephemeral) process.stderr.write(`${message}\n`);
      return;
    }
    const request = new proto.LogRequest();
    request.setSeverity?.(severity);
    request.setMessage?.(message);
    request.setEphemeral?.(ephemeral);
    if (urn) request.setUrn?.(urn);
    client.log(request, () => {});
  };
  return {
    info: (message) => send(1, message, false),
    warn: (message, urn) => send(2, message, false, urn),
    status: (message) => send(1, message, true),
  };
}

/** Progress lines through the reporter, throttled (client/progress-throttle.ts). */
export function progressStatus(
  reporter: Reporter,
  throttle: ProgressThrottle = new ProgressThrottle(),
): (state: string, line: string) => void {
  return (state, line) => {
    if (throttle.due(state)) reporter.status(line);
  };
}

/**
 * How messages name a resource: the dynamic provider host passes no URN, so the component passes its own as an
 * input; resources of 0.1.0 have none until their next update.
 */
export function resourceLabel(urn: string | undefined): string {
  return urn ? urn.slice(urn.lastIndexOf("::") + 2) : "operation";
}

/**
 * Said when a wait starts. In dynamic mode the first Ctrl-C never reaches the provider (the host acknowledges the
 * engine's Cancel and ignores it, and the engine waits for steps in flight); the second terminates the engine,
 * which kills the provider without writing its checkpoint. The provider plugin gets the Cancel and stops waiting
 * (`stoppable`). The operation is recorded either way.
 */
export function ctrlCDuringWait(rerun: string, stoppable = false): string {
  return stoppable
    ? `${CTRL_C_STOPS}: the operation keeps running, stays recorded in the stack, and the next ${rerun} waits again.`
    : `${CTRL_C_HINT} (Pulumi does not pass the first to dynamic providers): the operation stays recorded in the stack and the next ${rerun} waits again.`;
}

/** The short form, on the progress lines of a wait: in Pulumi's interactive display only those show while it runs. */
export const CTRL_C_HINT = "Ctrl-C cannot stop this wait; a second Ctrl-C is safe";

/** The plugin's short form: the engine's Cancel reaches it. */
export const CTRL_C_STOPS = "Ctrl-C stops this wait, not the operation";

/** A progress line of a wait: the Ctrl-C hint only while the operation runs, not on the line that says it ended. */
export function waitProgressLine(done: boolean, line: string, stoppable = false): string {
  return done ? line : `${line}; ${stoppable ? CTRL_C_STOPS : CTRL_C_HINT}`;
}
