import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { bucketNameProblem, objectNameProblem } from "./gs-uri";

/** The Cloud Storage side of exports and imports, so partial and complete outputs are observable. */
export interface StoredObject {
  bucket: string;
  name: string;
  size: number;
}

export interface ObjectStore {
  /** Throws InvalidObjectNameError for a name Cloud Storage would refuse. */
  write(bucket: string, name: string, data: string): void;
  read(bucket: string, name: string): string | undefined;
  list(bucket: string, prefix: string): StoredObject[];
}

/** A write Cloud Storage itself would refuse (400): the caller's fault, not the emulator's. */
export class InvalidObjectNameError extends Error {
  override readonly name = "InvalidObjectNameError";
}

function checkName(bucket: string, name: string): void {
  const problem = bucketNameProblem(bucket) ?? objectNameProblem(name);
  if (problem) throw new InvalidObjectNameError(problem);
}

export class MemoryObjectStore implements ObjectStore {
  private readonly objects = new Map<string, string>();

  write(bucket: string, name: string, data: string): void {
    checkName(bucket, name);
    this.objects.set(`${bucket}/${name}`, data);
  }

  read(bucket: string, name: string): string | undefined {
    return this.objects.get(`${bucket}/${name}`);
  }

  list(bucket: string, prefix: string): StoredObject[] {
    const out: StoredObject[] = [];
    for (const [key, data] of this.objects) {
      if (!key.startsWith(`${bucket}/${prefix}`)) continue;
      out.push({ bucket, name: key.slice(bucket.length + 1), size: Buffer.byteLength(data) });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }
}

/** What one object file holds: the name is inside, since a file name cannot carry every object name. */
interface ObjectFile {
  name: string;
  data: string;
}

/**
 * Objects as files `<root>/<bucket>/<sha256 of the name>`, written atomically so a kill never leaves half a file.
 * Hashing the name is what makes every valid object name storable: Cloud Storage allows 1024-byte names with
 * segments longer than a file name may be, and both `a` and `a/b` as objects, which a file tree cannot hold.
 */
export class DirectoryObjectStore implements ObjectStore {
  constructor(private readonly root: string) {}

  write(bucket: string, name: string, data: string): void {
    checkName(bucket, name);
    const file = this.fileOf(bucket, name);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const temp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(temp, JSON.stringify({ name, data } satisfies ObjectFile), { mode: 0o600 });
    fs.renameSync(temp, file);
  }

  read(bucket: string, name: string): string | undefined {
    if (bucketNameProblem(bucket)) return undefined;
    const stored = readObjectFile(this.fileOf(bucket, name));
    return stored?.name === name ? stored.data : undefined;
  }

  list(bucket: string, prefix: string): StoredObject[] {
    if (bucketNameProblem(bucket)) return [];
    const dir = path.join(this.root, bucket);
    let files: string[];
    try {
      files = fs.readdirSync(dir);
    } catch {
      return [];
    }
    const out: StoredObject[] = [];
    for (const file of files) {
      if (file.includes(".tmp-")) continue;
      const stored = readObjectFile(path.join(dir, file));
      if (stored?.name.startsWith(prefix)) {
        out.push({ bucket, name: stored.name, size: Buffer.byteLength(stored.data) });
      }
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  private fileOf(bucket: string, name: string): string {
    // Bucket names are validated (no "/", no "." or ".." alone), so the bucket folder never leaves the root.
    return path.join(this.root, bucket, createHash("sha256").update(name).digest("hex"));
  }
}

function readObjectFile(file: string): ObjectFile | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<ObjectFile>;
    return typeof parsed.name === "string" && typeof parsed.data === "string"
      ? { name: parsed.name, data: parsed.data }
      : undefined;
  } catch {
    return undefined;
  }
}
