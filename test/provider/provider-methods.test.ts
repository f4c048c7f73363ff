/**
 * The provider methods are listed twice: in provider/runtime.ts (PROVIDER_METHODS, which it wraps for the engine)
 * and in the shim that state holds (provider/shim.ts), which runs from its source text alone and so cannot import
 * the list. These tests tie the two together.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { LifecycleContext } from "../../provider/context";
import { type ProviderKind, RESOURCE_KINDS } from "../../provider/kinds";
import { PROVIDER_METHODS, ProviderProcess } from "../../provider/runtime";
import { providerModuleText } from "../../provider/shim";

const KINDS: readonly ProviderKind[] = [...RESOURCE_KINDS, "wait", "stackInstance"];

/** The object the shim's `handler()` returns, evaluated from its text as a CommonJS module; nothing is required. */
function shimProvider(kind: ProviderKind): Record<string, unknown> {
  const module = { exports: {} as { handler?: () => Record<string, unknown> } };
  const required: string[] = [];
  new Function("module", "exports", "require", providerModuleText(kind))(module, module.exports, (id: string) => {
    required.push(id);
    throw new Error(`the shim required ${id} before any method was called`);
  });
  const handler = module.exports.handler;
  assert.equal(typeof handler, "function", "the shim exports handler()");
  const provider = (handler as () => Record<string, unknown>)();
  assert.deepEqual(required, [], "building the provider requires nothing");
  return provider;
}

describe("the provider methods: the shim's list and the runtime's agree", () => {
  for (const kind of KINDS) {
    test(`${kind}: the shim forwards configure and exactly the runtime's provider methods`, () => {
      const provider = shimProvider(kind);
      assert.deepEqual(Object.keys(provider), ["configure", ...PROVIDER_METHODS]);
      for (const method of Object.keys(provider)) assert.equal(typeof provider[method], "function", method);
    });

    test(`${kind}: the runtime wraps every provider method the shim forwards to`, () => {
      const runtime = new ProviderProcess(() => ({}) as LifecycleContext);
      const provider = runtime.providerFor(kind) as unknown as Record<string, unknown>;
      for (const method of Object.keys(shimProvider(kind))) {
        assert.ok(Object.hasOwn(provider, method), `${kind}: the runtime's provider has its own ${method}`);
        assert.equal(typeof provider[method], "function", method);
      }
    });
  }
});
