/**
 * Patch writes from a child process inside the same bubblewrap sandbox as shell commands:
 * the writable roots are bound read-write, every `.git` read-only, everything else
 * read-only, so the kernel refuses a write that a symlink (however fast it was swapped in)
 * would carry out of the roots. The child is `node` running `commitWrites` over an
 * `anchoredPatchFs` (symlinks followed: the kernel holds the boundary; directory descriptors
 * keep each target's temp file, rename and rollback in one directory). Their own source is
 * handed to `node -e`: both are self-contained, and this way the child runs exactly the
 * engine's code whether the engine runs from sources or from `dist`.
 *
 * One child serves a burst of patches (requests and answers are JSON lines over its stdio)
 * and is closed once idle, when its turn is aborted, or on `close()`; it runs with
 * `--die-with-parent` in its own PID namespace, so it never outlives the engine.
 *
 * Invariant: a request is answered only after the child committed or fully rolled back.
 *
 * Codex applies patches the same way: it runs its own executable as the patch applier under
 * the sandbox that guards its commands.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { sandboxEnv, wrapCommand, type SandboxSpec } from '../sandbox/spec.js';
import { commitWrites, type PatchWrite } from './apply.js';
import { anchoredPatchFs } from './nofollow-fs.js';

const CHILD_SOURCE = `'use strict';
const fsp = require('node:fs/promises');
const path = require('node:path');
const crypto = require('node:crypto');
const { constants, existsSync, realpathSync } = require('node:fs');
const commitWrites = ${commitWrites.toString()};
const anchoredPatchFs = ${anchoredPatchFs.toString()};
const deps = { fsp, path, constants, procFd: existsSync('/proc/self/fd') };
const base = process.cwd();
const realBase = realpathSync(base);
const tools = { dirname: path.dirname, basename: path.basename, join: path.join, tag: () => crypto.randomBytes(4).toString('hex') };
const reply = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
let chain = Promise.resolve();
const lines = require('node:readline').createInterface({ input: process.stdin });
lines.on('line', (line) => {
  chain = chain.then(async () => {
    const req = JSON.parse(line);
    const writes = req.writes.map((w) => ({ path: w.path, after: w.after === null ? undefined : w.base64 ? Buffer.from(w.after, 'base64') : w.after }));
    const fs = anchoredPatchFs(deps, base, realBase, { follow: true });
    try {
      await commitWrites(writes, fs, tools);
      reply({ id: req.id, ok: true });
    } catch (e) {
      reply({ id: req.id, ok: false, code: e && e.code, path: e && e.path, message: String(e && e.message) });
    } finally {
      await fs.close();
    }
  });
});
lines.on('close', () => chain.then(() => process.exit(0)));
`;

/**
 * Why a sandboxed write failed: the child's error (`code` such as `EROFS`, `path`) or the
 * child itself (no code). `applyPatch` turns it into `PatchApplyError('patch_write_failed')`.
 * @example
 * new SandboxedWriteError('EROFS: read-only file system', 'EROFS', '/outside/x').code; // 'EROFS'
 */
export class SandboxedWriteError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly path: string | undefined,
  ) {
    super(message);
    this.name = 'SandboxedWriteError';
  }
}

type Child = ChildProcessByStdio<Writable, Readable, Readable>;
interface Pending {
  resolve(): void;
  reject(e: Error): void;
}

/** Options of `SandboxedPatchWriter`. */
export interface SandboxedPatchWriterOptions {
  /** Close the child after this long without a request (default 500 ms). */
  idleMs?: number;
  /** The node executable (default: this process's). */
  nodePath?: string;
}

/**
 * Commits patch writes inside a bwrap sandbox (see the module comment).
 * @example
 * const writer = new SandboxedPatchWriter(sandboxSpecFor(policy, cwd));
 * await applyPatch(plan, { cwd, writer: writer.write });
 * writer.close();
 */
export class SandboxedPatchWriter {
  #child: Child | undefined;
  #pending = new Map<number, Pending>();
  #nextId = 0;
  #idle: NodeJS.Timeout | undefined;
  #stderr = '';
  readonly #spec: Extract<SandboxSpec, { kind: 'bwrap' }>;
  readonly #idleMs: number;
  readonly #nodePath: string;

  constructor(spec: Extract<SandboxSpec, { kind: 'bwrap' }>, options: SandboxedPatchWriterOptions = {}) {
    this.#spec = spec;
    this.#idleMs = options.idleMs ?? 500;
    this.#nodePath = options.nodePath ?? process.execPath;
  }

  /** Commits `writes` all-or-nothing in the sandbox; rejects with a `SandboxedWriteError`. */
  readonly write = (writes: readonly PatchWrite[]): Promise<void> => {
    clearTimeout(this.#idle);
    const child = this.#child ?? this.#start();
    const id = this.#nextId++;
    const wire = writes.map((w) =>
      w.after === undefined ? { path: w.path, after: null } : typeof w.after === 'string' ? { path: w.path, after: w.after } : { path: w.path, after: Buffer.from(w.after).toString('base64'), base64: true },
    );
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      child.stdin.write(`${JSON.stringify({ id, writes: wire })}\n`);
    }).finally(() => {
      if (this.#pending.size === 0 && this.#child === child) this.#idle = setTimeout(() => this.close(), this.#idleMs);
    });
  };

  /** Whether a child process is running. */
  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Ends the child (it finishes the request in hand first). Safe to call more than once. */
  close(): void {
    clearTimeout(this.#idle);
    const child = this.#child;
    this.#child = undefined;
    child?.stdin.end();
  }

  #start(): Child {
    const [program, ...args] = wrapCommand([this.#nodePath, '-e', CHILD_SOURCE], this.#spec);
    const child = spawn(program as string, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...sandboxEnv(this.#spec) } });
    this.#child = child;
    this.#stderr = '';
    child.stderr.on('data', (c: Buffer) => (this.#stderr = (this.#stderr + c.toString('utf8')).slice(-2000)));
    child.stdin.on('error', () => undefined); // reported through 'close' below
    createInterface({ input: child.stdout }).on('line', (line) => this.#answer(line));
    const fail = (why: string) => {
      if (this.#child === child) this.#child = undefined;
      for (const [id, p] of this.#pending) {
        this.#pending.delete(id);
        p.reject(new SandboxedWriteError(`the sandboxed patch writer ${why}${this.#stderr ? `: ${this.#stderr.trim()}` : ''}`, undefined, undefined));
      }
    };
    child.on('error', (e) => fail(`could not start (${e.message})`));
    child.on('close', (code, signal) => fail(`exited (${code ?? signal})`));
    return child;
  }

  #answer(line: string): void {
    let msg: { id: number; ok: boolean; code?: string; path?: string; message?: string };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      return;
    }
    const p = this.#pending.get(msg.id);
    if (!p) return;
    this.#pending.delete(msg.id);
    if (msg.ok) p.resolve();
    else p.reject(new SandboxedWriteError(msg.message ?? 'write failed', msg.code, msg.path));
  }
}
