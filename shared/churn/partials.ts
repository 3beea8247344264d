/**
 * Where each refit segment leaves its partial sample and statistics for the fit: the private
 * refit bucket in AWS (a segment's sample can reach megabytes, far past a 400 KB table item), a
 * folder locally (no S3 emulator; as the report archive). One object per segment and cursor: the
 * object a segment's invocation reads is the one written by the invocation that stopped at its
 * cursor, so a retried invocation starts again from the same state and counts nobody twice.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Cursor } from '../customers/port.js';
import { runName, type RunFinish } from '../platform/bulk.js';
import type { StoredBasePartial } from './base-partial.js';
import type { SampleRow } from './sample.js';

export interface RefitPartial {
  base: StoredBasePartial;
  /** This segment's bottom-k candidates, in key order. */
  sample: SampleRow[];
}

export interface RefitPartials {
  get(key: string): Promise<RefitPartial | undefined>;
  put(key: string, partial: RefitPartial): Promise<void>;
}

type Run = Pick<RunFinish, 'scheduledTime' | 'totalSegments'>;

/** refit/<run>/<segment>-of-<segments>/<after>.json; `final` once the segment is done. */
export function partialKey(run: Run, segment: number, after: Cursor | 'final'): string {
  const at = after === 'final' ? 'final' : createHash('sha256').update(JSON.stringify(after)).digest('hex').slice(0, 32);
  return `refit/${runName('model-refit', run.scheduledTime)}/${segment}-of-${run.totalSegments}/${at}.json`;
}

export class S3RefitPartials implements RefitPartials {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async get(key: string): Promise<RefitPartial | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return JSON.parse(await out.Body!.transformToString()) as RefitPartial;
    } catch (e) {
      if (e instanceof NoSuchKey) return undefined;
      throw e;
    }
  }

  async put(key: string, partial: RefitPartial): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: JSON.stringify(partial), ContentType: 'application/json' }));
  }
}

export class FolderRefitPartials implements RefitPartials {
  constructor(private readonly dir: string) {}

  async get(key: string): Promise<RefitPartial | undefined> {
    try {
      return JSON.parse(await readFile(join(this.dir, key), 'utf8')) as RefitPartial;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async put(key: string, partial: RefitPartial): Promise<void> {
    const path = join(this.dir, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, JSON.stringify(partial));
  }
}
