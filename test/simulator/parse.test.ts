import { describe, expect, it } from 'vitest';
import { jsonTree } from '../../src/simulator/format.js';
import { parseLine, splitResultId } from '../../src/simulator/parse.js';

describe('console line parsing', () => {
  it('splits verb, path words and parameters; quoted, bare, colon-joined', () => {
    expect(parseLine('xCommand Dial Number: "alice@example.com" Protocol:H320')).toEqual({
      verb: 'xCommand',
      words: ['Dial'],
      params: [
        { key: 'Number', value: 'alice@example.com', quoted: true },
        { key: 'Protocol', value: 'H320', quoted: false },
      ],
    });
    expect(parseLine('xCommand HttpClient Post Url: https://example.com:8443/x').params).toEqual([
      { key: 'Url', value: 'https://example.com:8443/x', quoted: false },
    ]);
    expect(parseLine('xCommand UserInterface Message Alert Display Text:"say \\"hi\\""').params[0]).toEqual({
      key: 'Text',
      value: 'say "hi"',
      quoted: true,
    });
  });

  it('repeats keys for arrays and splits indexed and slashed paths', () => {
    const p = parseLine('xCommand SystemUnit FactoryReset Confirm: Yes Keep: Network Keep: SerialPort');
    expect(p.params.map((x) => `${x.key}=${x.value}`)).toEqual([
      'Confirm=Yes',
      'Keep=Network',
      'Keep=SerialPort',
    ]);
    expect(parseLine('xStatus Network[1]/IPv4 Address').words).toEqual(['Network', '1', 'IPv4', 'Address']);
    expect(parseLine('xFeedback register /Status/Audio').words).toEqual(['register', 'Status', 'Audio']);
  });

  it('takes the resultId tag off the end, however it is spelled', () => {
    expect(splitResultId('xStatus A | resultId="x 1"')).toEqual({ line: 'xStatus A', resultId: 'x 1' });
    expect(splitResultId('xStatus A|resultid=ab12')).toEqual({ line: 'xStatus A', resultId: 'ab12' });
    expect(splitResultId('xStatus A')).toEqual({ line: 'xStatus A' });
  });

  it('reports an unterminated quote and stray values', () => {
    expect(parseLine('xConfiguration SystemUnit Name: "open').error).toMatch(/Unterminated/);
    expect(parseLine('xConfiguration SystemUnit Name: My Room').error).toMatch(/Unexpected value/);
  });
});

describe('JSON trees', () => {
  it('nests leaves, and indexed nodes become arrays of objects with id', () => {
    expect(
      jsonTree([
        { path: ['Details', 1, 'Fingerprint'], value: 'aa' },
        { path: ['Details', 2, 'Fingerprint'], value: 'bb' },
        { path: ['Details', 1, 'Version'], value: '3', bare: true },
        { path: ['Format'], value: 'Text', bare: true },
      ]),
    ).toEqual({
      Details: [
        { id: '1', Fingerprint: { Value: 'aa' }, Version: { Value: '3' } },
        { id: '2', Fingerprint: { Value: 'bb' } },
      ],
      Format: { Value: 'Text' },
    });
  });
});
