import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";

/** What the engine's Configure request holds that the SDK's provider server drops. */
export interface ConfigureFacts {
  /**
   * The provider resource's id: a UUID the engine gives each provider resource when it first creates it, kept in
   * the stack's state, so new for every stack instance (another backend, a stack recreated after `stack rm`).
   */
  id: string | undefined;
  /** The provider's inputs: its namespace's config keys without the namespace (`project`), secrets still wrapped. */
  args: Record<string, unknown>;
}

/** The engine's timeout of the create, update or delete running in this async context (customTimeouts), seconds. */
const requestTimeout = new AsyncLocalStorage<number>();

/** The `customTimeouts` the engine sent with the current create, update or delete; undefined when none. */
export function engineTimeoutSeconds(): number | undefined {
  const seconds = requestTimeout.getStore();
  return seconds !== undefined && seconds > 0 ? seconds : undefined;
}

type Handler = (call: { request: Record<string, () => unknown> }, callback: unknown) => unknown;

/**
 * The SDK's provider server (`@pulumi/pulumi/provider`, 3.248) answers Configure without passing it on, and calls
 * create, update and delete without the request's timeout. Both are in the gRPC request: this wraps the server's
 * handlers as it registers them with gRPC, so the provider sees them, and leaves everything else as it was. Call
 * before `provider.main`.
 */
export function passDroppedRequestFields(onConfigure: (facts: ConfigureFacts) => void): void {
  const requireFromSdk = createRequire(require.resolve("@pulumi/pulumi"));
  const grpc = requireFromSdk("@grpc/grpc-js") as {
    Server: { prototype: { addService(service: unknown, implementation: object): void } };
  };
  const { ResourceProviderService } = requireFromSdk("./proto/provider_grpc_pb") as {
    ResourceProviderService: unknown;
  };
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (service: unknown, implementation: object): void {
    if (service !== ResourceProviderService) {
      addService.call(this, service, implementation);
      return;
    }
    const server = implementation as Record<string, Handler>;
    const wrapped = Object.create(implementation) as Record<string, Handler>;
    wrapped.configure = (call, callback) => {
      const request = call.request;
      const args = (request.getArgs?.() as { toJavaScript(): Record<string, unknown> } | undefined)?.toJavaScript();
      onConfigure({ id: (request.getId?.() as string | undefined) || undefined, args: args ?? {} });
      return (server.configure as Handler).call(implementation, call, callback);
    };
    for (const method of ["create", "update", "delete"]) {
      wrapped[method] = (call, callback) =>
        requestTimeout.run(Number(call.request.getTimeout?.() ?? 0), () =>
          (server[method] as Handler).call(implementation, call, callback),
        );
    }
    addService.call(this, service, wrapped);
  };
}
