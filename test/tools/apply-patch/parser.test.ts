import { describe, expect, it } from 'vitest';
import { parsePatch } from '../../../src/tools/apply-patch/index.js';
import { PatchParseError } from '../../../src/tools/errors.js';

const lines = (...l: string[]) => l.join('\n');

function parseError(text: string): PatchParseError {
  try {
    parsePatch(text);
  } catch (e) {
    if (e instanceof PatchParseError) return e;
    throw e;
  }
  throw new Error('expected a parse error');
}

describe('parsePatch — grammar', () => {
  it('parses add, delete and update-with-move in one patch', () => {
    const patch = lines(
      '*** Begin Patch',
      '*** Add File: path/add.py',
      '+abc',
      '+def',
      '*** Delete File: path/delete.py',
      '*** Update File: path/update.py',
      '*** Move to: path/update2.py',
      '@@ def f():',
      '-    pass',
      '+    return 123',
      '*** End Patch',
    );
    expect(parsePatch(patch).hunks).toEqual([
      { type: 'add', path: 'path/add.py', content: 'abc\ndef\n', line: 2 },
      { type: 'delete', path: 'path/delete.py', line: 5 },
      {
        type: 'update',
        path: 'path/update.py',
        movePath: 'path/update2.py',
        line: 6,
        chunks: [{ context: 'def f():', oldLines: ['    pass'], newLines: ['    return 123'], isEndOfFile: false, line: 8 }],
      },
    ]);
  });

  it('parses several chunks, a bare @@, context lines and an end-of-file marker', () => {
    const patch = lines(
      '*** Begin Patch',
      '*** Update File: a.txt',
      '@@',
      ' one',
      '-two',
      '+TWO',
      '@@ section',
      ' x',
      '+y',
      '*** End of File',
      '*** End Patch',
    );
    const [hunk] = parsePatch(patch).hunks;
    expect(hunk).toMatchObject({
      type: 'update',
      movePath: undefined,
      chunks: [
        { context: undefined, oldLines: ['one', 'two'], newLines: ['one', 'TWO'], isEndOfFile: false, line: 3 },
        { context: 'section', oldLines: ['x'], newLines: ['x', 'y'], isEndOfFile: true, line: 7 },
      ],
    });
  });

  it('accepts a first chunk without @@ and reads an empty line as empty context', () => {
    const patch = lines('*** Begin Patch', '*** Update File: f.py', ' import foo', '', '+bar', '*** End Patch');
    expect(parsePatch(patch).hunks[0]).toMatchObject({
      chunks: [{ context: undefined, oldLines: ['import foo', ''], newLines: ['import foo', '', 'bar'] }],
    });
  });

  it('treats a unified-diff range after @@ as no context', () => {
    const patch = lines('*** Begin Patch', '*** Update File: f', '@@ -1,2 +1,2 @@', '-a', '+b', '*** End Patch');
    expect(parsePatch(patch).hunks[0]).toMatchObject({ chunks: [{ context: undefined }] });
  });

  it('tolerates a heredoc wrapper, surrounding whitespace and padded markers', () => {
    const patch = "\n  <<'EOF'\n*** Begin Patch  \n*** Add File: a\n+x\n  *** End Patch\nEOF\n\n";
    expect(parsePatch(patch).hunks).toEqual([{ type: 'add', path: 'a', content: 'x\n', line: 4 }]);
    expect(parsePatch('<<EOF\n*** Begin Patch\n*** Delete File: b\n*** End Patch\nEOF').hunks).toHaveLength(1);
  });

  it('skips blank lines between file sections', () => {
    const patch = lines('*** Begin Patch', '*** Add File: a', '+x', '', '*** Delete File: b', '', '*** End Patch');
    expect(parsePatch(patch).hunks.map((h) => h.type)).toEqual(['add', 'delete']);
  });

  it('parses CRLF patches and an empty patch body', () => {
    expect(parsePatch('*** Begin Patch\r\n*** Add File: a\r\n+x\r\n*** End Patch\r\n').hunks).toEqual([
      { type: 'add', path: 'a', content: 'x\n', line: 2 },
    ]);
    expect(parsePatch('*** Begin Patch\n*** End Patch').hunks).toEqual([]);
  });
});

describe('parsePatch — errors carry line numbers', () => {
  it.each([
    ['missing begin marker', 'bad', 1, /first line of the patch must be '\*\*\* Begin Patch'/],
    ['missing end marker', '*** Begin Patch\n*** Add File: a\n+x', 3, /last line of the patch must be '\*\*\* End Patch'/],
    ['empty input', '   \n', 1, /empty/],
    ['unknown hunk header', '*** Begin Patch\n*** Frobnicate: a\n*** End Patch', 2, /not a valid hunk header/],
    ['empty update', '*** Begin Patch\n*** Update File: t.py\n*** End Patch', 2, /update of 't.py' has no changes/],
    ['second chunk without @@', '*** Begin Patch\n*** Update File: t\n@@\n-a\n+b\n\nzzz\n*** End Patch', 7, /expected a '@@' chunk header/],
    ['bad first line in chunk', '*** Begin Patch\n*** Update File: t\n@@\nzzz\n*** End Patch', 4, /unexpected line 'zzz'/],
    ['end-of-file marker with no lines', '*** Begin Patch\n*** Update File: t\n@@\n*** End of File\n*** End Patch', 4, /no lines before the end-of-file/],
    ['add without a path', '*** Begin Patch\n*** Add File:   \n+x\n*** End Patch', 2, /needs a file path/],
    ['line numbers count blank lines before the patch', '\n\n*** Begin Patch\n*** Nope\n*** End Patch', 4, /not a valid hunk header/],
  ])('%s', (_name, text, line, message) => {
    const err = parseError(text);
    expect(err.code).toBe('patch_parse_error');
    expect(err.fault).toBe('model');
    expect(err.line).toBe(line);
    expect(err.message).toMatch(message);
    expect(err.message).toContain(`line ${line}`);
  });
});
