import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createThread, defaultBaseInstructions, type CreateThreadOptions } from 'turnstate';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'turnstate-instructions-'));
  await mkdir(path.join(root, 'repo', '.git'), { recursive: true });
  await mkdir(path.join(root, 'repo', 'app'));
  await mkdir(path.join(root, 'home'));
  await writeFile(path.join(root, 'repo', 'AGENTS.md'), 'Run npm test before finishing.');
  await writeFile(path.join(root, 'home', 'AGENTS.md'), 'Answer briefly.');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function firstRequest(options: Partial<CreateThreadOptions>) {
  const model = scriptedModel([scriptedTurn.reply('ok')]);
  const thread = await createThread({ model, cwd: path.join(root, 'repo', 'app'), home: path.join(root, 'home'), builtinTools: false, ...options });
  await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'hi' }] });
  for await (const { msg } of thread.events()) if (msg.type === 'task_complete') break;
  await thread.shutdown();
  const texts = (model.requests[0]?.input ?? []).flatMap((item) => (item.type === 'message' && item.role === 'user' ? item.content.map((c) => ('text' in c ? c.text : '')) : []));
  return { request: model.requests[0], agents: texts.filter((t) => t.startsWith('# AGENTS.md instructions for')), rolloutPath: thread.rolloutPath };
}

describe('instructions a thread sends', () => {
  it('sends the default base instructions, records them in session_meta, and sends discovered AGENTS.md files as user instructions', async () => {
    const { request, agents, rolloutPath } = await firstRequest({});
    expect(request?.instructions).toBe(defaultBaseInstructions());
    const cwd = path.join(root, 'repo', 'app');
    expect(agents).toEqual([`# AGENTS.md instructions for ${cwd}\n\n<instructions>\nAnswer briefly.\n\n--- AGENTS.md ---\n\nRun npm test before finishing.\n</instructions>`]);
    const meta = JSON.parse((await readFile(rolloutPath!, 'utf8')).split('\n')[0] ?? '') as { type: string; payload: { base_instructions: { text: string } } };
    expect(meta.type).toBe('session_meta');
    expect(meta.payload.base_instructions.text).toBe(defaultBaseInstructions());
  });

  it('sends no project instructions with projectDoc: false, and the host base instructions when given', async () => {
    const { request, agents } = await firstRequest({ projectDoc: false, baseInstructions: 'Host prompt.' });
    expect(request?.instructions).toBe('Host prompt.');
    expect(agents).toEqual([]);
  });
});
