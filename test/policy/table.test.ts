// `i8x16 table` end to end on a tiny budget (1 episode capped at a few steps): the JSON report's structure and
// the SVG, run as the CLI runs (a separate process with forked episode workers).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TableReport } from '../../src/cli/table.js';

const ROOT = join(import.meta.dirname, '../..');

describe('i8x16 table', () => {
  it('--episodes 1 with a step cap writes the JSON and SVG report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'i8x16-table-'));
    const json = join(dir, 'table.json'), svg = join(dir, 'table.svg');
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'table', '--episodes', '1', '--seed', '3',
      '--max-steps', '25', '--no-tfjs', '--workers', '1', '--frames', '4', '--rounds', '1', '--json', json, '--svg', svg],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(stdout).toContain('full int8 (i8x16)');
    expect(stdout).toContain("the seed's published table");
    const r = JSON.parse(readFileSync(json, 'utf8')) as TableReport;
    expect(r.episodes).toBe(1);
    expect(r.seeds).toEqual([3]);
    expect(r.maxSteps).toBe(25);
    expect(r.builds.scalar).toBe(true);
    expect(r.rows.map((x) => x.key)).toEqual(['float32', 'float16', 'dynamic_int8', 'int8']);
    for (const row of r.rows) {
      expect(row.sizeBytes).toBeGreaterThan(1e6);
      expect(row.rewards).toHaveLength(1);
      expect(row.steps).toEqual([25]);
      expect(row.frames).toBe(25);
      expect(row.reward!.mean).toBe(row.rewards[0]);
      expect(row.agreement).toBeGreaterThanOrEqual(0);
      expect(row.agreement).toBeLessThanOrEqual(1);
      expect(row.inEpisodeMsP50).toBeGreaterThan(0);
      for (const b of ['scalar', 'simd', 'relaxed'] as const) {
        if (r.builds[b]) expect(row.msPerFrame[b]).toBeGreaterThan(0);
        else expect(row.msPerFrame[b]).toBeNull();
      }
    }
    expect(r.rows.find((x) => x.key === 'float32')!.agreement).toBe(1);
    // the full int8 row is 4× smaller than float32
    expect(r.rows.find((x) => x.key === 'int8')!.sizeBytes * 3).toBeLessThan(r.rows.find((x) => x.key === 'float32')!.sizeBytes);
    expect(r.seedTable.map((s) => s.reward)).toEqual([645.54, 538.88]);
    const s = readFileSync(svg, 'utf8');
    expect(s.startsWith('<svg')).toBe(true);
    expect(s).toContain('full int8 (i8x16)');
  });
});
