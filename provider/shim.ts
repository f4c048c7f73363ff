import type { ProviderKind } from "./kinds";

/**
 * The part of the provider that lives in state (`__provider`) and runs again at refresh and destroy time,
 * possibly months later: a CommonJS module whose `handler()` returns the provider object, which is the
 * contract the dynamic provider host loads (`requireFromString(text).handler()`). It holds no logic,
 * credentials or clients: each call requires the package installed next to the program and forwards to it,
 * so fixes reach resources created by older versions.
 *
 * It is not made by `pulumi.runtime.serializeFunction`: that wraps every captured function in ~160 bytes
 * (2.5 KB for this shim), and `__provider` is stored twice per resource and rewritten at every checkpoint.
 * The shim captures nothing, so its source text is the module.
 */
export function providerModuleText(kind: ProviderKind): string {
  return `exports.handler = () => (${forwardToInstalledPackage.toString()})(${JSON.stringify(kind)});\n`;
}

/**
 * Runs inside the dynamic provider host from its source text alone: it may use only its parameter, globals
 * and `require`, and holds no comments (they would be stored too). The package is resolved from the
 * program's folder (the host's working directory), where the user installed it. Its methods are configure
 * plus runtime.ts's PROVIDER_METHODS, written out because nothing can be imported here;
 * test/provider/provider-methods.test.ts checks that the two lists agree.
 */
function forwardToInstalledPackage(kind: ProviderKind): Record<string, Forward> {
  const call = async (method: string, args: unknown[]) => {
    let runtime: typeof import("./runtime");
    try {
      runtime = require("node:module").createRequire(require("node:path").join(process.cwd(), "_"))(
        "pulumi-firestore-operations/runtime",
      );
    } catch (error) {
      throw new Error(`This resource needs the npm package pulumi-firestore-operations in ${process.cwd()}: ${error}`);
    }
    const provider = runtime.providerFor(kind) as unknown as Record<string, Forward>;
    return (provider[method] as Forward)(...args);
  };
  const provider: Record<string, Forward> = {};
  for (const method of ["configure", "check", "diff", "create", "read", "update", "delete"]) {
    provider[method] = (...args) => call(method, args);
  }
  return provider;
}

// biome-ignore lint/suspicious/noExplicitAny: forwards whatever the host passes and returns.
type Forward = (...args: unknown[]) => Promise<any>;
