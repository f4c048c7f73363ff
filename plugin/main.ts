/**
 * The provider plugin's entry point: `pulumi-resource-firestore-operations`, started by the Pulumi engine with its
 * own address as an argument (and logging flags before it).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as provider from "@pulumi/pulumi/provider";
import { FirestoreOperationsPlugin } from "./plugin-provider";
import { passDroppedRequestFields } from "./request-hooks";

/** The package's root: schema.json and package.json sit there (dist/plugin/main.js is two levels down). */
const PACKAGE_ROOT = path.join(__dirname, "..", "..");

export function main(args: string[] = process.argv.slice(2)): Promise<void> {
  const { version } = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as {
    version: string;
  };
  const schemaFile = path.join(PACKAGE_ROOT, "schema.json");
  const schema = fs.existsSync(schemaFile) ? fs.readFileSync(schemaFile, "utf8") : "{}";
  const engineAddress = args.find((arg) => /^[\w.-]+:\d+$/.test(arg));
  const plugin = new FirestoreOperationsPlugin(version, schema, engineAddress);
  passDroppedRequestFields((facts) => plugin.configure(facts));
  return provider.main(plugin, args);
}

if (require.main === module) void main();
