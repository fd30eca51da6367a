/** Shared helpers for persistence tests: fixture files, item builders, temp homes. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { EventMsg, type ResponseItem } from '../../../src/protocol/index.js';
import type { RolloutItem, SessionMeta } from '../../../src/persistence/index.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/rollouts/', import.meta.url));

export const fixturePath = (name: string): string => join(FIXTURES, name);
export const readFixture = (name: string): Promise<string> => readFile(fixturePath(name), 'utf8');

export const user = (text: string): ResponseItem => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
export const assistant = (text: string): ResponseItem => ({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });
export const developer = (text: string): ResponseItem => ({ type: 'message', role: 'developer', content: [{ type: 'input_text', text }] });

export const response = (payload: ResponseItem): RolloutItem => ({ type: 'response_item', payload });
/** An event item, parsed so zod defaults are filled in as when read back. */
export const event = (payload: z.input<typeof EventMsg>): RolloutItem => ({ type: 'event_msg', payload: EventMsg.parse(payload) });

export function sessionMeta(id: string, at = new Date(Date.UTC(2026, 3, 25, 10, 0, 0))): SessionMeta {
  return { id, timestamp: at.toISOString(), cwd: '/work/app', originator: 'turnstate-test', cli_version: '0.1.0', source: 'cli' };
}

/** A temporary turnstate home, removed by `cleanup`. */
export async function tempHome(prefix = 'turnstate-'): Promise<{ home: string; cleanup: () => Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), prefix));
  return { home, cleanup: () => rm(home, { recursive: true, force: true }) };
}
