import { createHash, randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Config } from '../../config.ts';

/** A stored blob, named by the SHA-256 of its bytes (lower-case hex). */
export type BlobInfo = { sha256: string; size: number };

/**
 * Where attachment bytes live. Content-addressed: the name of a blob is the hash of its bytes, so
 * an identical file is stored once and a stored blob never changes. Rows in `attachments` point
 * at blobs; a blob without a row (a request that failed after storing) is harmless garbage.
 */
export interface BlobStorage {
  /** Store the bytes (idempotent) and return their hash and size. */
  put(bytes: Uint8Array): Promise<BlobInfo>;
  /** The blob's bytes as a stream; undefined when no such blob exists. */
  get(sha256: string): Promise<Readable | undefined>;
  has(sha256: string): Promise<boolean>;
  stat(sha256: string): Promise<BlobInfo | undefined>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function assertSha(sha256: string): void {
  // The hash becomes a path: anything but 64 hex digits must never reach the file system.
  if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${JSON.stringify(sha256).slice(0, 80)}`);
}

/**
 * Blobs on the local disk at `<root>/<aa>/<bb>/<sha256>`. Writes go to `<root>/tmp/` first, are
 * fsynced, then renamed into place (rename is atomic within one file system) and the directory is
 * fsynced, so a crash leaves either the whole blob or none of it — never a torn file under its
 * final name.
 */
export class LocalDiskStorage implements BlobStorage {
  readonly rootDir: string;

  constructor(rootDir: string) {
    this.rootDir = path.resolve(rootDir);
  }

  /** Final path of a blob. */
  pathOf(sha256: string): string {
    assertSha(sha256);
    return path.join(this.rootDir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(bytes: Uint8Array): Promise<BlobInfo> {
    const sha256 = sha256Hex(bytes);
    const info = { sha256, size: bytes.byteLength };
    const existing = await this.stat(sha256);
    if (existing && existing.size === info.size) return info;

    const finalPath = this.pathOf(sha256);
    const tmpDir = path.join(this.rootDir, 'tmp');
    await fsp.mkdir(tmpDir, { recursive: true });
    const tmpPath = path.join(tmpDir, `${sha256}.${randomBytes(6).toString('hex')}.part`);
    try {
      const fh = await fsp.open(tmpPath, 'wx', 0o640);
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fsp.mkdir(path.dirname(finalPath), { recursive: true });
      // Two concurrent puts of the same bytes both rename identical files: the last one wins, harmlessly.
      await fsp.rename(tmpPath, finalPath);
    } catch (err) {
      await fsp.rm(tmpPath, { force: true });
      throw err;
    }
    await fsyncDir(path.dirname(finalPath));
    return info;
  }

  async get(sha256: string): Promise<Readable | undefined> {
    const p = this.pathOf(sha256);
    try {
      const fh = await fsp.open(p, 'r');
      return fh.createReadStream();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.stat(sha256)) !== undefined;
  }

  async stat(sha256: string): Promise<BlobInfo | undefined> {
    try {
      const st = await fsp.stat(this.pathOf(sha256));
      return st.isFile() ? { sha256, size: st.size } : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }
}

async function fsyncDir(dir: string): Promise<void> {
  // Makes the rename durable. Not every platform can open a directory for fsync; skip where it cannot.
  try {
    const fh = await fsp.open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // best effort (e.g. Windows)
  }
}

/** The default storage: `<dataDir>/files`. */
export function defaultStorage(config: Pick<Config, 'dataDir'>): LocalDiskStorage {
  return new LocalDiskStorage(path.join(config.dataDir, 'files'));
}
