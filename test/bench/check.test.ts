/** bench:check's logic: a crafted results object against budgets, every way a line passes or fails. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type BenchResults,
  type BudgetFile,
  type FigureKey,
  type Figure,
  checkResults,
  figure,
  isBenchResults,
  median,
} from '../../bench/lib.js';

function fig(value: number, floor: number, details?: Record<string, number>): Figure {
  return figure({ label: 'x', unit: 'ms', value, floor, floorLabel: 'y', ...(details ? { details } : {}) });
}

function results(over: Partial<Record<FigureKey, Figure>> = {}): BenchResults {
  return {
    format: 'e2ee-prov-bench',
    version: 1,
    date: '2026-01-01T00:00:00.000Z',
    quick: true,
    machine: {
      cpus: 2,
      cpuModel: 'm',
      memoryMiB: 1,
      platform: 'linux x64',
      node: 'v20',
      uvThreadpoolSize: 4,
      loadAverage: { start: 0, end: 0 },
    },
    device: {},
    figures: {
      seal: fig(105, 100),
      open: fig(100, 100),
      eventLoop: fig(6, 1, { p99Ms: 6, maxMs: 19.99 }),
      provision: fig(1300, 1000),
      rotate: fig(1000, 1000),
      renew: fig(1300, 1000),
      batch: { ...fig(8, 10, { scalingN2: 0.9 }), higher: true },
      cloudRenew: fig(1200, 1000),
      fleetRenew: fig(1300, 1000),
      renderer: fig(2, 1, { bundleRatio: 1.5 }),
      rss: fig(3, 1, { provisionRatio: 2 }),
      ...over,
    },
  };
}

const budgets = JSON.parse(
  readFileSync(new URL('../../bench/budgets.json', import.meta.url), 'utf8'),
) as BudgetFile;

describe('bench:check', () => {
  it('ratios at their budgets exactly pass; the lines name each figure, what and the budget', () => {
    const r = checkResults(results(), budgets.target);
    expect(r.ok).toBe(true);
    expect(r.lines.map((l) => [l.figure, l.what, l.value, l.budget, l.ok])).toEqual([
      ['seal', 'ratio', 1.05, '<= 1.05', true],
      ['open', 'ratio', 1, '<= 1.05', true],
      ['eventLoop', 'p99Ms', 6, '<= 9.99', true],
      ['eventLoop', 'maxMs', 19.99, '<= 19.99', true],
      ['provision', 'ratio', 1.3, '<= 1.3', true],
      ['rotate', 'ratio', 1, '<= 1.3', true],
      ['renew', 'ratio', 1.3, '<= 1.3', true],
      ['batch', 'ratio', 0.8, '>= 0.8', true],
      ['batch', 'scalingN2', 0.9, '>= 0.8', true],
      ['cloudRenew', 'ratio', 1.2, '<= 1.2', true],
      ['fleetRenew', 'ratio', 1.3, '<= 1.3', true],
    ]);
  });

  it('the cloud figures: over the target fails it; the CI budgets are 2.5 (one renewal) and 4 (the fleet)', () => {
    const over = checkResults(
      results({ cloudRenew: fig(1201, 1000), fleetRenew: fig(1301, 1000) }),
      budgets.target,
    );
    expect(over.lines.filter((l) => !l.ok).map((l) => [l.figure, l.value])).toEqual([
      ['cloudRenew', 1.201],
      ['fleetRenew', 1.301],
    ]);
    const ci = (c: number, f: number) =>
      checkResults(results({ cloudRenew: fig(c, 1000), fleetRenew: fig(f, 1000) }), budgets.ci)
        .lines.filter((l) => l.figure === 'cloudRenew' || l.figure === 'fleetRenew')
        .map((l) => [l.figure, l.budget, l.ok]);
    expect(ci(2500, 4000)).toEqual([
      ['cloudRenew', '<= 2.5', true],
      ['fleetRenew', '<= 4', true],
    ]);
    expect(ci(2501, 4001)).toEqual([
      ['cloudRenew', '<= 2.5', false],
      ['fleetRenew', '<= 4', false],
    ]);
  });

  it('a ratio over its max, or a rate under its min, fails that line and the check', () => {
    const over = checkResults(results({ provision: fig(1301, 1000) }), budgets.target);
    expect(over.ok).toBe(false);
    expect(over.lines.filter((l) => !l.ok).map((l) => [l.figure, l.value])).toEqual([['provision', 1.301]]);
    const slow = checkResults(
      results({ batch: { ...fig(7.9, 10, { scalingN2: 0.79 }), higher: true } }),
      budgets.target,
    );
    expect(slow.lines.filter((l) => !l.ok).map((l) => [l.figure, l.what, l.value])).toEqual([
      ['batch', 'ratio', 0.79],
      ['batch', 'scalingN2', 0.79],
    ]);
  });

  it('a missing figure or detail, or a ratio that is not a number, fails instead of passing quietly', () => {
    const r = results();
    delete (r.figures as Partial<BenchResults['figures']>).rotate;
    r.figures.eventLoop = fig(6, 1, { p99Ms: 6 });
    r.figures.seal = fig(1, 0);
    const c = checkResults(r, budgets.target);
    expect(c.ok).toBe(false);
    expect(c.lines.filter((l) => !l.ok).map((l) => [l.figure, l.what, l.value])).toEqual([
      ['seal', 'ratio', null],
      ['eventLoop', 'maxMs', null],
      ['rotate', 'ratio', null],
    ]);
  });

  it('the CI budgets are looser than the targets: what meets the targets meets them, and more', () => {
    expect(checkResults(results(), budgets.ci).ok).toBe(true);
    const loose = checkResults(results({ provision: fig(1900, 1000), seal: fig(140, 100) }), budgets.ci);
    expect(loose.ok).toBe(true);
    expect(checkResults(results({ provision: fig(2001, 1000) }), budgets.ci).ok).toBe(false);
  });

  it('knows a results file by its format, and takes the median of odd and even lists', () => {
    expect(isBenchResults(results())).toBe(true);
    expect(isBenchResults({ ...results(), version: 2 })).toBe(false);
    expect(isBenchResults(null)).toBe(false);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
