import { test } from 'node:test';
import assert from 'node:assert/strict';
import renovatePep440 from '@renovatebot/pep440';
import {
  baseVersionPep440,
  formatPep440,
  isPrereleasePep440,
  parsePep440Specifier,
  parsePep440SpecifierSet,
  pep440,
  pep440Satisfies,
  pep440SpecifierContains,
  pep440SpecifierSetContains,
  publicPep440,
  type Pep440Candidate,
} from './pep440.js';
import { VersionParseError } from './types.js';
import { holds, readRelations, readVector, Tally, vectorsAbsent } from './testing.js';

const DIR = 'pep440/';
const skip = vectorsAbsent(`${DIR}compare.txt`);

function json<T>(name: string): T {
  return JSON.parse(readVector(DIR + name)) as T;
}

function runCompare(): Tally {
  const t = new Tally();
  for (const r of readRelations(`${DIR}compare.txt`)) t.run(`line ${r.line}: ${r.text}`, () => holds(pep440.compare(r.a, r.b), r.op) !== r.negated);
  return t;
}

function runInvalid(): Tally {
  const t = new Tally();
  for (const v of json<{ cases: string[] }>('invalid-versions.json').cases) t.check(!pep440.isValid(v), `accepted invalid ${JSON.stringify(v)}`);
  return t;
}

function runNormalize(): Tally {
  const t = new Tally();
  for (const c of json<{ cases: { input: string; normalized: string }[] }>('normalize.json').cases) {
    t.run(`${JSON.stringify(c.input)} -> ${c.normalized}`, () => formatPep440(pep440.parse(c.input)) === c.normalized);
  }
  return t;
}

function num(d: string | null): number | null {
  return d === null ? null : Number(d);
}

function runProperties(): Tally {
  const t = new Tally();
  const props = json<{ properties: Record<string, [string, unknown][]> }>('version-properties.json').properties;
  for (const [prop, cases] of Object.entries(props)) {
    for (const [input, expected] of cases) {
      t.run(`${prop}(${input}) == ${JSON.stringify(expected)}`, () => {
        const v = pep440.parse(input);
        const actual: unknown = (() => {
          switch (prop) {
            case 'public':
              return publicPep440(v);
            case 'base_version':
              return baseVersionPep440(v);
            case 'epoch':
              return Number(v.epoch);
            case 'release':
              return v.release.map(Number);
            case 'local':
              return v.local ? v.local.join('.') : null;
            case 'pre':
              return v.pre ? [v.pre[0], Number(v.pre[1])] : null;
            case 'dev':
              return num(v.dev);
            case 'post':
              return num(v.post);
            case 'is_prerelease':
              return isPrereleasePep440(v);
            case 'is_devrelease':
              return v.dev !== null;
            case 'is_postrelease':
              return v.post !== null;
            default:
              throw new Error(`unknown property ${prop}`);
          }
        })();
        return JSON.stringify(actual) === JSON.stringify(expected);
      });
    }
  }
  return t;
}

interface ContainsCase {
  spec: string;
  version: string;
  expected: boolean;
  spec_prereleases: boolean | null;
  contains_prereleases: boolean | null;
  installed: boolean | null;
  api: 'Specifier' | 'SpecifierSet' | 'Specifier(Version obj)' | 'SpecifierSet(Version obj)';
}

function runContains(): Tally {
  const t = new Tally();
  for (const c of json<{ cases: ContainsCase[] }>('specifier-contains.json').cases) {
    t.run(`${c.api}(${JSON.stringify(c.spec)}, prereleases=${c.spec_prereleases}).contains(${JSON.stringify(c.version)}, prereleases=${c.contains_prereleases}, installed=${c.installed}) == ${c.expected}`, () => {
      const item: Pep440Candidate = c.api.endsWith('(Version obj)') ? pep440.parse(c.version) : c.version;
      if (c.api.startsWith('SpecifierSet')) {
        const set = parsePep440SpecifierSet(c.spec, c.spec_prereleases);
        return pep440SpecifierSetContains(set, item, { prereleases: c.contains_prereleases, installed: c.installed }) === c.expected;
      }
      return pep440SpecifierContains(parsePep440Specifier(c.spec, c.spec_prereleases), item, c.contains_prereleases) === c.expected;
    });
  }
  return t;
}

function runSpecifierValidity(): Tally {
  const t = new Tally();
  const data = json<{ cases: string[]; valid_examples: string[] }>('specifier-invalid.json');
  for (const s of data.cases) {
    t.check(
      (() => {
        try {
          parsePep440Specifier(s);
          return false;
        } catch (e) {
          return e instanceof VersionParseError;
        }
      })(),
      `accepted invalid specifier ${JSON.stringify(s)}`,
    );
  }
  for (const s of data.valid_examples) t.run(`rejected valid specifier ${JSON.stringify(s)}`, () => parsePep440Specifier(s).operator.length > 0);
  return t;
}

const res = skip
  ? null
  : {
      compare: runCompare(),
      invalid: runInvalid(),
      normalize: runNormalize(),
      properties: runProperties(),
      contains: runContains(),
      specValidity: runSpecifierValidity(),
    };

test(`pep440/compare.txt ordering: ${res?.compare.summary() ?? 'skipped'}`, { skip }, (t) => {
  t.diagnostic(`pep440 compare: ${res!.compare.summary()}`);
  assert.deepEqual(res!.compare.failures, []);
  assert.equal(res!.compare.total, 4187);
});

test(`pep440/invalid-versions.json rejected: ${res?.invalid.summary() ?? 'skipped'}`, { skip }, () => {
  assert.deepEqual(res!.invalid.failures, []);
  assert.equal(res!.invalid.total, 20);
});

test(`pep440/normalize.json canonical strings: ${res?.normalize.summary() ?? 'skipped'}`, { skip }, () => {
  assert.deepEqual(res!.normalize.failures, []);
  assert.equal(res!.normalize.total, 149);
});

test(`pep440/version-properties.json: ${res?.properties.summary() ?? 'skipped'}`, { skip }, () => {
  assert.deepEqual(res!.properties.failures, []);
});

test(`pep440/specifier-contains.json membership: ${res?.contains.summary() ?? 'skipped'}`, { skip }, (t) => {
  t.diagnostic(`pep440 specifier contains: ${res!.contains.summary()}`);
  assert.deepEqual(res!.contains.failures, []);
  assert.equal(res!.contains.total, 512);
});

test(`pep440/specifier-invalid.json (31 invalid + 9 valid examples): ${res?.specValidity.summary() ?? 'skipped'}`, { skip }, () => {
  assert.deepEqual(res!.specValidity.failures, []);
  assert.equal(res!.specValidity.total, 40);
});

test('pep440: agrees with @renovatebot/pep440 on the sorted upstream list (cross-check)', { skip }, () => {
  const versions = readVector(`${DIR}versions-sorted.txt`)
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
  for (let i = 0; i < versions.length; i++) {
    for (let j = 0; j < versions.length; j++) {
      assert.equal(pep440.compare(versions[i]!, versions[j]!), Math.sign(renovatePep440.compare(versions[i]!, versions[j]!)), `${versions[i]} vs ${versions[j]}`);
    }
  }
});

test('pep440: precision and local-label edge cases the library gets wrong', () => {
  // Arbitrary-precision numbers.
  assert.equal(pep440.compare('1.99999999999999999999', '1.99999999999999999998'), 1);
  // "1e5" and "0x1f" are alphanumeric local segments, not numbers.
  assert.equal(pep440.compare('1.0+1e5', '1.0+100000'), -1);
  assert.equal(pep440.compare('1.0+0x1f', '1.0+31'), -1);
  assert.throws(() => pep440.compare('not-a-version', '1.0'), VersionParseError);
  assert.equal(pep440Satisfies('2.0.1', '>=2.0,<2.1'), true);
  assert.equal(pep440Satisfies('2.1.0rc1', '<2.1'), false);
  assert.equal(pep440Satisfies('2.0.post1', '>2.0'), false);
  assert.equal(pep440Satisfies('1.4.5', '~=1.4.2'), true);
  assert.equal(pep440Satisfies('1.5.0', '~=1.4.2'), false);
  assert.throws(() => pep440Satisfies('1.0', '=>1.0'), VersionParseError);
});
