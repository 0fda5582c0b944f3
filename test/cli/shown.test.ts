/** The `--json` allow-list: only the fields named are printed, whatever else a result carries. */
import { describe, expect, it } from 'vitest';
import { provisionResultShape } from '../../src/cli/json-shapes.js';
import { type Shape, shown } from '../../src/cli/shown.js';
import type { ProvisionResult } from '../../src/main/workflows/provision.js';

describe('shown: an allow-list of fields', () => {
  const result: ProvisionResult = {
    workflow: 'provision',
    runId: 'r1',
    ok: true,
    dryRun: false,
    steps: [
      {
        id: 'populate-secret',
        title: 'Populate',
        status: 'failed',
        error: { code: 'ERR_X', message: 'm', details: { mayHaveRun: true, nested: { secret: 'N3sted' } } },
      },
    ],
    warnings: [],
    report: {
      serialNumber: 'FOC1',
      productId: 'Room Kit',
      softwareVersion: 'ce11',
      identity: 'a.example',
      fingerprint: 'ab',
      notAfter: '2030-01-01T00:00:00.000Z',
      enc: 'A128GCM',
      provisionedAt: '2026-01-01T00:00:00.000Z',
      registered: false,
      clientSecret: 'H4ndedOver',
    },
    newSecret: 'G3nerated',
    heldSecret: 'G3nerated',
  };

  it('provision: heldSecret and the handover clientSecret never; newSecret only when it did not go to a file', () => {
    const toFile = shown(result, provisionResultShape(true));
    expect(JSON.stringify(toFile)).not.toContain('G3nerated');
    expect(JSON.stringify(toFile)).not.toContain('H4ndedOver');
    expect(Object.keys(toFile as object).sort()).toEqual([
      'dryRun',
      'ok',
      'report',
      'runId',
      'steps',
      'warnings',
      'workflow',
    ]);
    const shownOnce = shown(result, provisionResultShape(false)) as Record<string, unknown>;
    expect(shownOnce.newSecret).toBe('G3nerated');
    expect(shownOnce.heldSecret).toBeUndefined();
    expect((shownOnce.report as Record<string, unknown>).clientSecret).toBeUndefined();
    // Free-form details keep their scalars only: a nested object is left out.
    expect((shownOnce.steps as { error: { details: unknown } }[])[0]!.error.details).toEqual({
      mayHaveRun: true,
    });
  });

  it('a field added to a value but not to its list is not printed; an object where a scalar was listed neither', () => {
    type T = { a: string; b: string | { inner: string } };
    const shape: Shape<T> = { a: true, b: { inner: true } };
    const value = { a: 'x', b: { inner: 'y', extra: 'z' }, added: 'S3cret' } as T;
    expect(shown(value, shape)).toEqual({ a: 'x', b: { inner: 'y' } });
    const scalarOnly: Shape<{ a: string; b: string }> = { a: true, b: false };
    expect(shown({ a: { hidden: 'S3cret' } as unknown as string, b: 'left out' }, scalarOnly)).toEqual({});
  });
});
