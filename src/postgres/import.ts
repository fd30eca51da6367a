/**
 * Copies a rollout tree on disk (a turnstate home, or a Codex home: both keep
 * `sessions/YYYY/MM/DD/rollout-*.jsonl` and `archived_sessions/`) into another `ThreadStore`,
 * typically the PostgreSQL one. Each file goes through the rollout codec and `create`, so the
 * target holds exactly what the file store reads; archived threads stay archived. Threads the
 * target already has are left alone, which makes a re-run resume an interrupted import.
 */
import { errorMessage } from '../persistence/errors.js';
import { JsonlThreadStore } from '../persistence/file-store.js';
import type { ThreadStore } from '../persistence/store.js';

/**
 * Options of `importRolloutTree`.
 * @example
 * await importRolloutTree({ home: `${homedir()}/.codex`, store: postgresThreadStore({ connectionString }) });
 */
export interface ImportRolloutTreeOptions {
  /** The home whose `sessions/` and `archived_sessions/` are read. */
  home: string;
  /** Where the threads go. */
  store: ThreadStore;
  /** Told about each thread as it is handled. */
  onThread?: (entry: { threadId: string; path: string; outcome: 'imported' | 'exists' | 'failed' }) => void;
}

/**
 * What an import did. `skippedLines` counts lines the codec could not read (torn, unknown
 * kinds); `failed` lists files that could not be imported, with the error's code.
 * @example
 * const { imported, existing, failed }: ImportReport = await importRolloutTree({ home, store });
 */
export interface ImportReport {
  imported: number;
  existing: number;
  skippedLines: number;
  failed: Array<{ path: string; code: string; message: string }>;
}

/**
 * Imports every rollout under `home` into `store`, active threads then archived ones.
 * @example
 * const report = await importRolloutTree({ home: '/home/me/.turnstate', store });
 * console.log(`${report.imported} imported, ${report.existing} already there`);
 */
export async function importRolloutTree(options: ImportRolloutTreeOptions): Promise<ImportReport> {
  const source = new JsonlThreadStore({ home: options.home });
  const report: ImportReport = { imported: 0, existing: 0, skippedLines: 0, failed: [] };
  for (const archived of [false, true]) {
    let cursor: string | null = null;
    do {
      const page = await source.list({ pageSize: 500, cursor, archived });
      for (const entry of page.threads) {
        const outcome = await importOne(source, options.store, entry.path, archived, report);
        options.onThread?.({ threadId: entry.threadId, path: entry.path, outcome });
      }
      cursor = page.nextCursor;
    } while (cursor !== null);
  }
  return report;
}

async function importOne(source: JsonlThreadStore, target: ThreadStore, path: string, archived: boolean, report: ImportReport): Promise<'imported' | 'exists' | 'failed'> {
  try {
    const rollout = await source.read({ path });
    if ((await target.findPath(rollout.threadId)) !== null) {
      report.existing++;
      return 'exists';
    }
    // Lines before the first session_meta (possible in a damaged file) cannot lead a thread.
    const start = rollout.lines.findIndex((line) => line.type === 'session_meta');
    await target.create(rollout.lines.slice(start));
    if (archived) await target.archive(rollout.threadId);
    report.imported++;
    report.skippedLines += rollout.skipped.length + start;
    return 'imported';
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unknown';
    report.failed.push({ path, code, message: errorMessage(error) });
    return 'failed';
  }
}
