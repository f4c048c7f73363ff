import type * as provider from "@pulumi/pulumi/provider";
import { boundaryError } from "../provider/boundary-error";
import { createContext } from "../provider/context";
import { RESOURCE_KINDS, type ResourceKind } from "../provider/kinds";
import { engineReporter } from "../provider/reporter";
import { ProviderProcess } from "../provider/runtime";
import { StartJournal } from "../provider/start-journal";
import { PLUGIN_CONFIG_KEYS, PLUGIN_NAME } from "./config-keys";
import { importedInputs } from "./import-inputs";
import { plaintextSecretError, pluginConfig } from "./plugin-config";
import type { ConfigureFacts } from "./request-hooks";
import { engineTimeoutSeconds } from "./request-hooks";

/** The resource types the plugin serves, by the name after `firestore-operations:index:`. */
export const PLUGIN_RESOURCES: Readonly<Record<string, ResourceKind>> = {
  FirestoreExport: "export",
  FirestoreImport: "import",
  FirestoreBulkDelete: "bulkDelete",
  FirestoreOperation: "adopted",
};

type Props = Record<string, unknown>;
type Timeouts = { create?: string; delete?: string };

/**
 * The provider plugin: the four resources as custom resources of their own type, each on the same lifecycle as
 * the dynamic provider (provider/): a create starts (or adopts) the operation and, with `waitFor: "done"`, waits
 * for it in the same call. What the dynamic provider gets from a second step, the plugin gets from the engine:
 * - the engine's Cancel (first Ctrl-C) stops the wait, and the create fails as an initialization failure that
 *   keeps the resource (its id is the operation) in state; the next `up` updates it, which waits again;
 * - a run killed mid-wait leaves its start journal entry (keyed by the provider resource's id, which the engine
 *   gives each stack instance's provider, and the URN), so the next create finds the operation and starts nothing;
 * - `customTimeouts` arrive with each request and stand in for `timeouts` the resource leaves out.
 */
export class FirestoreOperationsPlugin implements provider.Provider {
  readonly #stopWaiting = new AbortController();
  readonly #process: ProviderProcess;
  readonly #schema: string;
  /** The provider resource's id (request-hooks.ts): with the URN, keys the start journal. */
  #stackInstance: string | undefined;

  constructor(
    readonly version: string,
    schema: string,
    engineAddress: string | undefined,
    journal: StartJournal | undefined = StartJournal.fromEnvironment(),
  ) {
    this.#schema = schema;
    this.#process = new ProviderProcess(
      (settings) => createContext(settings, engineReporter(engineAddress), {}, journal, this.#stopWaiting.signal),
      PLUGIN_CONFIG_KEYS,
    );
  }

  /** Configure, as the engine sent it: a problem with a setting is reported by the first method that needs it. */
  configure(facts: ConfigureFacts): void {
    this.#stackInstance = facts.id;
    const config = pluginConfig(facts.args);
    this.#process.configure({ get: (key) => config.values[key] });
    const refused = plaintextSecretError(config);
    if (refused) this.#process.refuse(refused);
  }

  async getSchema(): Promise<string> {
    return this.#schema;
  }

  /** The engine's Cancel: every wait in flight stops; start requests finish and are recorded; nothing is cancelled. */
  async cancel(): Promise<void> {
    this.#stopWaiting.abort(new Error("Ctrl-C"));
  }

  async check(urn: string, olds: Props, news: Props): Promise<provider.CheckResult> {
    const kind = kindOf(urn);
    const result = await this.#process.providerFor(kind).check(olds, { ...withoutOwnFields(news), resourceUrn: urn });
    const inputs = result.inputs as Props;
    // Timeouts the resource leaves out are not stored: customTimeouts, sent with each request, stand in for them.
    const given = news.timeouts as Timeouts | undefined;
    const timeouts = { ...(inputs.timeouts as Timeouts | undefined) };
    if (given?.create === undefined) delete timeouts.create;
    if (given?.delete === undefined) delete timeouts.delete;
    if (Object.keys(timeouts).length > 0) inputs.timeouts = timeouts;
    else delete inputs.timeouts;
    return { inputs, failures: result.failures ?? [] };
  }

  async diff(id: string, urn: string, olds: Props, news: Props): Promise<provider.DiffResult> {
    return this.#process.providerFor(kindOf(urn)).diff(id, olds as never, { ...news, resourceUrn: urn });
  }

  async create(urn: string, news: Props): Promise<provider.CreateResult> {
    const kind = kindOf(urn);
    const declared = news.timeouts as Timeouts | undefined;
    const inputs = {
      ...news,
      resourceUrn: urn,
      ...(this.#stackInstance ? { stackInstance: this.#stackInstance } : {}),
    };
    const timeouts = effectiveTimeouts(declared, "create");
    const started = await this.#process.providerFor(kind).create({ ...inputs, timeouts });
    const outs = withTimeouts(started.outs as Props, declared);
    if (news.waitFor !== "done") return { id: started.id, outs };
    return { id: started.id, outs: await this.waitForDone(started.id, outs, urn, timeouts, declared) };
  }

  async read(id: string, urn: string, props?: Props): Promise<provider.ReadResult> {
    const kind = kindOf(urn);
    const known = props && Object.keys(props).length > 0 ? props : undefined;
    if (known) return this.#process.providerFor(kind).read(id, known as never) as Promise<provider.ReadResult>;
    // `pulumi import`: nothing is known but the id, the operation's name.
    let inputs: Props;
    try {
      const view = await this.#process.context().client.get(id);
      inputs = { ...importedInputs(kind, view), resourceUrn: urn };
    } catch (error) {
      throw boundaryError(error, this.#process.redactor(), PLUGIN_CONFIG_KEYS);
    }
    const read = await this.#process.providerFor(kind).read(id, inputs as never);
    const { resourceUrn: _urn, ...declared } = inputs;
    return { id, props: read.props as Props, inputs: declared };
  }

  async update(id: string, urn: string, olds: Props, news: Props): Promise<provider.UpdateResult> {
    const kind = kindOf(urn);
    const declared = news.timeouts as Timeouts | undefined;
    const updated = await this.#process.providerFor(kind).update(id, olds as never, {
      ...news,
      resourceUrn: urn,
      stackInstance: olds.stackInstance ?? this.#stackInstance,
    });
    const outs = withTimeouts(updated.outs as Props, declared);
    // A wait that was stopped or failed (an initialization failure), or `waitFor` changed to "done": wait now.
    if (news.waitFor !== "done" || outs.done === true) return { outs };
    return { outs: await this.waitForDone(id, outs, urn, effectiveTimeouts(declared, "update"), declared) };
  }

  async delete(id: string, urn: string, props: Props): Promise<void> {
    const timeouts = effectiveTimeouts(props.timeouts as Timeouts | undefined, "delete");
    await this.#process.providerFor(kindOf(urn)).delete(id, { ...props, timeouts } as never);
  }

  /** The wait of `waitFor: "done"`: the wait step's (provider/wait-provider.ts), in the same call. */
  private async waitForDone(
    id: string,
    outs: Props,
    urn: string,
    timeouts: Timeouts,
    declared: Timeouts | undefined,
  ): Promise<Props> {
    try {
      const waited = await this.#process
        .providerFor("wait")
        .update(id, outs as never, { operationName: id, timeouts, resourceUrn: urn });
      return withTimeouts(waited.outs as Props, declared);
    } catch (error) {
      // An initialization failure keeps the resource, with these properties, in state.
      const failure = error as { properties?: Props };
      if (failure.properties) failure.properties = withTimeouts(failure.properties, declared);
      throw error;
    }
  }
}

/** The kind a URN's type names; the type is the last of a parent chain (`a$b$type`). */
export function kindOf(urn: string): ResourceKind {
  const type = urn.split("::")[2]?.split("$").pop() ?? "";
  const [pkg, module, name] = type.split(":");
  const kind = pkg === PLUGIN_NAME && module === "index" && name ? PLUGIN_RESOURCES[name] : undefined;
  if (!kind || !RESOURCE_KINDS.includes(kind)) {
    throw new Error(`unknown resource type ${type}: this plugin serves ${Object.keys(PLUGIN_RESOURCES).join(", ")}`);
  }
  return kind;
}

/** Fields the plugin sets itself: a program cannot choose the URN or the stack instance its journal is keyed by. */
function withoutOwnFields(news: Props): Props {
  const { resourceUrn: _urn, stackInstance: _stack, __provider: _provider, ...rest } = news;
  return rest;
}

/** The declared timeouts, with the engine's customTimeouts (seconds) for what they leave out. */
function effectiveTimeouts(declared: Timeouts | undefined, operation: "create" | "update" | "delete"): Timeouts {
  const seconds = engineTimeoutSeconds();
  const fromEngine = seconds === undefined ? undefined : `${Math.ceil(seconds)}s`;
  const out: Timeouts = { ...declared };
  const key = operation === "delete" ? "delete" : "create";
  if (out[key] === undefined && fromEngine) out[key] = fromEngine;
  return out;
}

/** Stored outputs keep the timeouts as declared: effective ones would be a difference at every diff. */
function withTimeouts(outs: Props, declared: Timeouts | undefined): Props {
  const { timeouts: _effective, ...rest } = outs;
  return declared && Object.keys(declared).length > 0 ? { ...rest, timeouts: declared } : rest;
}
