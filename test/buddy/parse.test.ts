/**
 * Seed 000's unit tests of the buddy observer, as vitest cases: the output schema (sent only
 * when the model follows schemas) and the reply parser they define.
 */
import { describe, expect, it } from 'vitest';
import { buddyReactionFormat, buddySettings, observes, parseBuddyReaction } from '../../src/buddy/index.js';
import { modelCapabilities } from '../../src/model/capabilities.js';
import { ProtocolParseError } from '../../src/errors.js';

describe('buddy observer output schema', () => {
  it('is the closed {say: string} schema when the model supports output schemas', () => {
    expect(buddyReactionFormat(true)).toEqual({
      type: 'json_schema',
      name: 'buddy_reaction',
      strict: true,
      schema: { type: 'object', additionalProperties: false, properties: { say: { type: 'string' } }, required: ['say'] },
    });
  });

  it('is left out when the model does not', () => {
    expect(buddyReactionFormat(false)).toBeNull();
  });

  it('follows the capability table: known structured-output models yes, unknown slugs no', () => {
    expect(['gpt-5.1', 'gpt-4.1', 'o3', 'gpt-4', 'o1-mini', 'gpt-test'].map((slug) => modelCapabilities(slug).outputSchema)).toEqual([true, true, true, false, false, false]);
  });
});

describe('parseBuddyReaction', () => {
  it('accepts short JSON', () => {
    expect(parseBuddyReaction('{"say":"Nice and tidy!"}', 80)).toBe('Nice and tidy!');
  });

  it('puts multi-line text on one line', () => {
    expect(parseBuddyReaction('{"say":"Tiny\\ncheer"}', 80)).toBe('Tiny cheer');
  });

  it('truncates by characters, ending with an ellipsis', () => {
    expect(parseBuddyReaction('{"say":"abcdef"}', 4)).toBe('abc…');
  });

  it('rejects null and forbidden text', () => {
    expect(parseBuddyReaction('{"say":null}', 80)).toBeNull();
    expect(parseBuddyReaction('{"say":"system prompt vibes"}', 80)).toBeNull();
    expect(parseBuddyReaction('{"say":"```code```"}', 80)).toBeNull();
  });

  // The rest of the seed parser's behaviour, case by case.
  it('gives nothing for a missing, blank or non-string say, or a reply that is not a JSON object', () => {
    expect(parseBuddyReaction('{}', 80)).toBeNull();
    expect(parseBuddyReaction('{"say":"   "}', 80)).toBeNull();
    expect(parseBuddyReaction('{"say":42}', 80)).toBeNull();
    expect(parseBuddyReaction('["say"]', 80)).toBeNull();
    expect(parseBuddyReaction('Nice!', 80)).toBeNull();
  });

  it('trims the reply and the reaction, and ignores other fields', () => {
    expect(parseBuddyReaction('  {"say":"  Whee  ","mood":"happy"}\n', 80)).toBe('Whee');
  });

  it('compares forbidden phrases without case', () => {
    expect(parseBuddyReaction('{"say":"Mind the SANDBOX"}', 80)).toBeNull();
    expect(parseBuddyReaction('{"say":"Love that API Key energy"}', 80)).toBeNull();
  });

  it('counts Unicode code points, turns each CR and LF into a space, and treats a limit below 1 as 1', () => {
    expect(parseBuddyReaction('{"say":"🦉🦉🦉"}', 3)).toBe('🦉🦉🦉');
    expect(parseBuddyReaction('{"say":"🦉🦉🦉🦉"}', 3)).toBe('🦉🦉…');
    expect(parseBuddyReaction('{"say":"a\\r\\nb"}', 80)).toBe('a  b');
    expect(parseBuddyReaction('{"say":"ab"}', 0)).toBe('…');
  });
});

describe('buddy options', () => {
  it('fills the defaults and trims the name', () => {
    expect(buddySettings({ name: ' Pixel ' })).toEqual({ name: 'Pixel', species: 'buddy', muted: false, model: null, maxReactionChars: 80 });
    expect(buddySettings({ name: 'Pixel', species: 'owl', muted: true, observer: { model: ' gpt-5-mini ', maxReactionChars: 12 } })).toEqual({
      name: 'Pixel',
      species: 'owl',
      muted: true,
      model: 'gpt-5-mini',
      maxReactionChars: 12,
    });
  });

  it('observes only finished turns of a named, unmuted buddy', () => {
    expect(observes(buddySettings({ name: 'Pixel' }), true)).toBe(true);
    expect(observes(buddySettings({ name: 'Pixel' }), false)).toBe(false);
    expect(observes(buddySettings({ name: '  ' }), true)).toBe(false);
    expect(observes(buddySettings({ name: 'Pixel', muted: true }), true)).toBe(false);
  });

  it('refuses options of the wrong shape with a typed error', () => {
    expect(() => buddySettings({ name: 'Pixel', observer: { maxReactionChars: 0 } })).toThrow(ProtocolParseError);
    expect(() => buddySettings({ species: 'owl' })).toThrow(/invalid buddy options: name/);
    expect(() => buddySettings({ name: 'Pixel', colour: 'red' })).toThrow(ProtocolParseError);
  });
});
