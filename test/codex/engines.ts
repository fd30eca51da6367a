/**
 * Both engines over one loopback mock server: each step queues the scripted responses it needs,
 * runs one engine for one turn, and returns the requests that turn made.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { createThread, defineTool, JsonlThreadStore } from 'turnstate';
import { openaiModel } from 'turnstate/openai';
import { startMockResponsesServer, type MockResponsesServer, type RecordedRequest, type ScriptedResponse } from 'turnstate/testing';
import { CODEX_MODEL, CODEX_PROVIDER, makeCodexHome, runCodex, type CodexRun } from './codex-cli.js';

/** One scenario: a mock server, a CODEX_HOME that is also turnstate's store home, a work dir. */
export class Bench {
  readonly #queue: ScriptedResponse[] = [];
  server!: MockResponsesServer;
  home!: string;
  workDir!: string;
  turnstateHome!: string;

  static async open(): Promise<Bench> {
    const bench = new Bench();
    bench.server = await startMockResponsesServer(() => bench.#queue.shift());
    bench.home = await makeCodexHome(bench.server.url);
    bench.workDir = join(bench.home, 'work');
    bench.turnstateHome = await mkdtemp(join(tmpdir(), 'turnstate-codex-ts-home-'));
    return bench;
  }

  async close(): Promise<void> {
    await this.server.close();
    await rm(this.home, { recursive: true, force: true });
    await rm(this.turnstateHome, { recursive: true, force: true });
  }

  /** Runs `codex <args>` answering from `responses`; throws with Codex's stderr when it fails. */
  async codex(bin: string, args: readonly string[], responses: ScriptedResponse[]): Promise<{ run: CodexRun; requests: RecordedRequest[] }> {
    const mark = this.server.requests.length;
    this.#queue.push(...responses);
    const run = await runCodex(bin, this.home, this.workDir, ['exec', '--json', '--skip-git-repo-check', '-s', 'danger-full-access', ...args]);
    const requests = this.server.requests.slice(mark);
    this.#assertServed(responses.length);
    if (run.code !== 0) throw new Error(`codex ${args.join(' ')} exited ${run.code}:\n${run.stderr.slice(-2000)}`);
    return { run, requests };
  }

  /** One turnstate turn (a new thread, or `resume` of a stored one) answering from `responses`. */
  async turnstate(text: string, responses: ScriptedResponse[], resume?: string): Promise<{ threadId: string; warnings: string[]; requests: RecordedRequest[] }> {
    const mark = this.server.requests.length;
    this.#queue.push(...responses);
    const model = openaiModel({ model: CODEX_MODEL, baseURL: this.server.url, apiKey: 'sk-dummy', providerId: CODEX_PROVIDER, requestMaxRetries: 0 });
    const thread = await createThread({
      model,
      store: new JsonlThreadStore({ home: this.home }),
      home: this.turnstateHome,
      cwd: this.workDir,
      approvalPolicy: 'never',
      sandboxPolicy: { type: 'danger-full-access' },
      tools: [lookupTool],
      ...(resume === undefined ? {} : { resume: { threadId: resume } }),
    });
    const warnings: string[] = [];
    const errors: string[] = [];
    await thread.submit({ type: 'user_input', items: [{ type: 'text', text }] });
    for await (const { msg } of thread.events()) {
      if (msg.type === 'warning') warnings.push(msg.message);
      if (msg.type === 'error') errors.push(msg.message);
      if (msg.type === 'task_complete' || msg.type === 'turn_aborted') break;
    }
    await thread.shutdown();
    this.#assertServed(responses.length);
    if (errors.length > 0) throw new Error(`turnstate turn failed: ${errors.join('; ')}`);
    return { threadId: thread.id, warnings, requests: this.server.requests.slice(mark) };
  }

  #assertServed(expected: number): void {
    if (this.#queue.length > 0 || this.server.unexpectedRequests.length > 0) {
      throw new Error(`script mismatch: ${this.#queue.length} of ${expected} responses unused, ${this.server.unexpectedRequests.length} unexpected request(s)`);
    }
  }
}

/** A host tool turnstate offers; Codex only ever sees its calls in history. */
export const lookupTool = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: ({ word }) => `${word}: a small test word`,
});
