/**
 * Fuzzing the batch file readers (src/main/workflows): parseCsv and readBatchFile, on text and on bytes
 * (not UTF-8, a BOM): records, or ERR_WORKFLOW_BATCH_FILE naming a line, fast.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readBatchFile } from '../../src/main/workflows/batch.js';
import { parseCsv } from '../../src/main/workflows/csv.js';
import { NUM_RUNS, bytesInput, params, returnsOrCoded, textInput, timeout } from './harness.js';

const SAMPLES = [
  'target,cert,key\r\nserial:/dev/ttyUSB0,dev.pem,dev.key\r\nssh://admin@10.0.0.5,"room 2.pem",\r\n',
  '\ufefftarget,cert,key,passphrase_file,secret_file,enc,factory_reset,backup,activation_code_file,password_file\n' +
    'sim:?serial=FOC1,/abs/cert.pem,k.pem,pass.txt,secret.txt,A256GCM,yes,b.json,code.txt,pw.txt\n' +
    'sim:?serial=FOC2,"a ""quoted"" name.pem",,,,A128GCM,no,,,\n',
  'Target, Cert , Factory-Reset\n"ssh://u@h:2222","multi\nline.pem", y\n\n',
  'target,cert\rsim:,c.pem\r',
];

const input = fc.oneof(
  { weight: 4, arbitrary: textInput(SAMPLES) },
  { weight: 1, arbitrary: bytesInput(SAMPLES.map((s) => new TextEncoder().encode(s))) },
);

describe(`fuzz: CSV and batch file readers (${NUM_RUNS} cases each)`, () => {
  it(
    'parseCsv returns records or throws ERR_WORKFLOW_BATCH_FILE with a line',
    () => {
      fc.assert(
        fc.property(input, (data) => {
          const r = returnsOrCoded(() => parseCsv(data, 'devices.csv'));
          if (!r.ok) expect(r.code).toBe('ERR_WORKFLOW_BATCH_FILE');
        }),
        params(),
      );
    },
    timeout(),
  );

  it(
    'readBatchFile returns rows or throws ERR_WORKFLOW_BATCH_FILE or ERR_WORKFLOW_BATCH_PATH_OUTSIDE',
    () => {
      fc.assert(
        fc.property(input, (data) => {
          const r = returnsOrCoded(() => readBatchFile(data, { file: 'devices.csv', baseDir: '/tmp/batch' }));
          if (!r.ok) expect(['ERR_WORKFLOW_BATCH_FILE', 'ERR_WORKFLOW_BATCH_PATH_OUTSIDE']).toContain(r.code);
          // Whatever a row holds, its paths stay in the CSV's folder.
          if (r.ok)
            for (const row of r.value)
              for (const p of [
                row.cert,
                row.key,
                row.passphraseFile,
                row.secretFile,
                row.backup,
                row.activationCodeFile,
                row.passwordFile,
                row.simStateFile,
              ])
                if (p !== undefined) expect(p === '/tmp/batch' || p.startsWith('/tmp/batch/')).toBe(true);
        }),
        params(),
      );
    },
    timeout(),
  );
});
