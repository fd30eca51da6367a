/**
 * A hostile buddy observer reply: control characters (terminal escapes, bell, NUL, tabs),
 * Unicode line and paragraph separators and bidirectional overrides never reach the
 * `buddy_reaction` text, which stays one printable line within the limit; a reply that never
 * ends is cut off instead of buffered.
 */
import { describe, expect, it } from 'vitest';
import { BUDDY_REPLY_LIMIT, BuddyReplyTooLongError, collectReplyText, parseBuddyReaction, replyLimit } from '../../src/buddy/index.js';
import type { ModelClient, ModelRequest } from '../../src/model/types.js';

const reply = (say: string) => JSON.stringify({ say });

describe('parseBuddyReaction on a hostile say', () => {
  it('turns control, separator and bidi-override characters into spaces', () => {
    expect(parseBuddyReaction(reply('hi\u001b[2J\u0007there\u0000!'), 80)).toBe('hi [2J there !');
    expect(parseBuddyReaction(reply('one\u2028two\u2029three\u0085four\tfive\u000bsix'), 80)).toBe('one two three four five six');
    expect(parseBuddyReaction(reply('ok \u202egnp.exe\u202c done'), 80)).toBe('ok  gnp.exe  done');
  });

  it('a say made only of control characters is nothing', () => {
    expect(parseBuddyReaction(reply('\u001b\u0007\u2028'), 80)).toBeNull();
  });

  it('a huge say is cut to the limit and holds no line break', () => {
    const out = parseBuddyReaction(reply(`${'ab\n'.repeat(1_000_000)}`), 60)!;
    expect(Array.from(out)).toHaveLength(60);
    expect(out).not.toMatch(/[\r\n]/);
  });
});

describe('an observer that never stops streaming', () => {
  it('is cut off at the reply limit: the request stops and fails with BuddyReplyTooLongError', async () => {
    let sent = 0;
    let closed = false;
    const model = {
      model: 'm',
      providerId: 'p',
      async *stream() {
        try {
          for (;;) {
            sent++;
            yield { type: 'output_text_delta' as const, delta: '{"say":"' + 'a'.repeat(1000) };
          }
        } finally {
          closed = true;
        }
      },
    } as unknown as ModelClient;
    const reply = collectReplyText(model, {} as ModelRequest, new AbortController().signal, replyLimit(80));
    await expect(reply).rejects.toThrow(BuddyReplyTooLongError);
    expect(closed).toBe(true);
    expect(sent).toBe(Math.floor(BUDDY_REPLY_LIMIT / 1008) + 1);
  });
});

describe('forbidden phrases in disguise', () => {
  it('are still found through zero-width characters, soft hyphens, fullwidth letters and doubled spaces', () => {
    for (const say of ['my sys\u200btem prompt says hi', 'the sand\u00adbox is cosy', 'ｓｙｓｔｅｍ ｐｒｏｍｐｔ leaked', 'an api   key!', 'a tool\u2060 call']) {
      expect(parseBuddyReaction(reply(say), 80)).toBeNull();
    }
    expect(parseBuddyReaction(reply('Nice 👩\u200d💻 work'), 80)).toBe('Nice 👩\u200d💻 work');
  });
});
