import type * as pulumi from "@pulumi/pulumi";
import type { ResourceKind } from "./kinds";

/**
 * The part of the provider that Pulumi serializes into state (`__provider`) and runs again at refresh and
 * destroy time, possibly months later. It holds no logic, credentials or clients: each call requires the
 * package installed next to the program (resolved from the program's folder, which also lets a program
 * inside this repository resolve the package itself) and forwards to it.
 */
export function serializableProvider(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  // One object per kind: Pulumi caches serialized providers by identity, so a stack of 100 exports
  // serializes the shim once.
  let shim = shims.get(kind);
  if (!shim) {
    shim = createShim(kind);
    shims.set(kind, shim);
  }
  return shim;
}

const shims = new Map<ResourceKind, pulumi.dynamic.ResourceProvider>();

function createShim(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  const load = () => {
    const { createRequire } = require("node:module");
    const { join } = require("node:path");
    const requireFromProgram = createRequire(join(process.cwd(), "__pulumi_firestore_operations__.js"));
    try {
      return requireFromProgram("pulumi-firestore-operations/runtime").providerFor(kind);
    } catch (error) {
      throw new Error(
        `This resource needs the npm package pulumi-firestore-operations, installed in ${process.cwd()} (npm install pulumi-firestore-operations): ${error}`,
      );
    }
  };
  return {
    configure: async (request) => load().configure(request),
    check: async (olds, news) => load().check(olds, news),
    diff: async (id, olds, news) => load().diff(id, olds, news),
    create: async (inputs) => load().create(inputs),
    read: async (id, props) => load().read(id, props),
    update: async (id, olds, news) => load().update(id, olds, news),
    delete: async (id, props) => load().delete(id, props),
  };
}
