import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { pae } from './pae.js';
import { envelopeToJSON, parseEnvelope, serializeEnvelope } from './envelope.js';
import { signEnvelope } from './sign.js';
import { verifyEnvelope } from './verify.js';
import { SigningKey } from '../keys/private.js';
import { VerificationKey } from '../keys/public.js';
import { PlimsollError } from '../../util/errors.js';

function keyPair(): { signer: SigningKey; verifier: VerificationKey } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { signer: new SigningKey(privateKey, 'test'), verifier: new VerificationKey(publicKey, 'test.pub') };
}
const T = 'application/vnd.in-toto+json';

test('PAE is the protocol.md example byte for byte', () => {
  assert.equal(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString(), 'DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  assert.equal(pae('t', Buffer.alloc(0)).toString(), 'DSSEv1 1 t 0 ');
  // LEN counts UTF-8 bytes
  assert.equal(pae('ä', Buffer.from('x')).toString(), 'DSSEv1 2 ä 1 x');
});

test('sign → serialize → parse → verify; tampering with payload, type or signature fails', () => {
  const { signer, verifier } = keyPair();
  const env = signEnvelope(T, Buffer.from('{"a":1}'), signer);
  const back = parseEnvelope(serializeEnvelope(env), 'env');
  const ok = verifyEnvelope(back, { keys: [{ key: verifier }], payloadTypes: [T] }, 'env');
  assert.equal(ok.payload.toString(), '{"a":1}');
  assert.deepEqual(ok.ignored, []);

  const tampered = { ...back, payload: Buffer.from('{"a":2}') };
  assert.throws(() => verifyEnvelope(tampered, { keys: [{ key: verifier }], payloadTypes: [T] }, 'env'), (e: unknown) => e instanceof PlimsollError && e.code === 'VERIFY_FAILED' && /none of its 1 signature verifies/.test(e.message));
  const retyped = { ...back, payloadType: 'text/plain' };
  assert.throws(() => verifyEnvelope(retyped, { keys: [{ key: verifier }], payloadTypes: [T, 'text/plain'] }, 'env'), /none of its 1 signature/);
  assert.throws(() => verifyEnvelope(back, { keys: [{ key: verifier }], payloadTypes: ['text/plain'] }, 'env'), /payloadType "application\/vnd.in-toto\+json" is not accepted/);
  const sig = Buffer.from(back.signatures[0]!.sig);
  sig[sig.length - 3]! ^= 1;
  assert.throws(() => verifyEnvelope({ ...back, signatures: [{ sig }] }, { keys: [{ key: verifier }], payloadTypes: [T] }, 'env'), /none of its 1 signature/);
});

test('extra signatures: a foreign one beside a valid one is ignored and reported; foreign ones alone fail; one key twice counts once', () => {
  const a = keyPair();
  const b = keyPair();
  const payload = Buffer.from('{}');
  const byA = signEnvelope(T, payload, a.signer);
  const byB = signEnvelope(T, payload, b.signer);
  const both = { ...byA, signatures: [...byB.signatures, ...byA.signatures] };
  const r = verifyEnvelope(both, { keys: [{ key: a.verifier }], payloadTypes: [T] }, 'env');
  assert.deepEqual(r.ignored, [0]);
  assert.throws(() => verifyEnvelope({ ...byB, signatures: [...byB.signatures, ...byB.signatures] }, { keys: [{ key: a.verifier }], payloadTypes: [T] }, 'env'), /none of its 2 signatures verifies with the given key/);
  const twice = { ...byA, signatures: [...byA.signatures, ...signEnvelope(T, payload, a.signer).signatures] };
  assert.throws(() => verifyEnvelope(twice, { keys: [{ key: a.verifier }, { key: b.verifier }], threshold: 2, payloadTypes: [T] }, 'env'), /only 1 distinct trusted key signed it, 2 are required/);
  assert.equal(verifyEnvelope(both, { keys: [{ key: a.verifier }, { key: b.verifier }], threshold: 2, payloadTypes: [T] }, 'env').keys.length, 2);
});

test('envelope parsing refuses malformed input', () => {
  const bad = (j: unknown, re: RegExp) => assert.throws(() => parseEnvelope(Buffer.from(JSON.stringify(j)), 'e'), re);
  bad([], /must be a JSON object/);
  bad({ payload: 'e30=', signatures: [{ sig: 'AA==' }] }, /no payloadType/);
  bad({ payloadType: T, payload: 'e30=', signatures: [] }, /no signatures/);
  bad({ payloadType: T, payload: 'e30=', signatures: [{ sig: '!!' }] }, /not valid base64/);
  bad({ payloadType: T, payload: 'e30=', signatures: Array(65).fill({ sig: 'AA==' }) }, /more than 64/);
  assert.throws(() => parseEnvelope(Buffer.from('{'), 'e'), /not valid JSON/);
  assert.deepEqual(Object.keys(envelopeToJSON({ payloadType: T, payload: Buffer.from('x'), signatures: [{ sig: Buffer.from('y') }] })), ['payloadType', 'payload', 'signatures']);
});
