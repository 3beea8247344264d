/**
 * The running demo's address book: `npm start` writes it as soon as the emulators are up, and
 * `engage … --local` reads it, so nobody has to copy endpoints and a table name out of a log.
 * Kept in the working directory (`.engage/local.json`, git-ignored); ENGAGE_LOCAL_FILE overrides.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

export const LocalEndpoints = z.object({
  version: z.literal(1),
  region: z.string().min(1),
  dynamodbEndpoint: z.url(),
  sesEndpoint: z.url(),
  tableName: z.string().min(3),
  /** The SES emulator's mail viewer. */
  viewerUrl: z.url().optional(),
  /** The local web console (dashboard, campaigns, customers, previews). */
  consoleUrl: z.url().optional(),
  /** Where the shopper links in mail point (unsubscribe, surveys). */
  linksUrl: z.url().optional(),
  /** Which process wrote it, and when: a stale file after a crash is recognisable. */
  pid: z.number().int().optional(),
  writtenAt: z.string().optional(),
});
export type LocalEndpoints = z.infer<typeof LocalEndpoints>;

export const localEndpointsFile = (cwd: string = process.cwd()): string => process.env.ENGAGE_LOCAL_FILE ?? join(cwd, '.engage', 'local.json');

/** Written atomically (temp file + rename): a CLI reading it meanwhile sees the old or the new file. */
export function writeLocalEndpoints(e: Omit<LocalEndpoints, 'version' | 'pid' | 'writtenAt'>, file: string = localEndpointsFile()): string {
  const full: LocalEndpoints = LocalEndpoints.parse({ version: 1, ...e, pid: process.pid, writtenAt: new Date().toISOString() });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(full, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}

export class NoLocalSystemError extends Error {
  override name = 'NoLocalSystemError';
}

export function readLocalEndpoints(file: string = localEndpointsFile()): LocalEndpoints {
  if (!existsSync(file)) throw new NoLocalSystemError(`no local system found (${file} is missing): start one with \`npm start\`, which writes it`);
  const parsed = LocalEndpoints.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new NoLocalSystemError(`${file} is not a local endpoints file: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
