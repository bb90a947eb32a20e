/**
 * Keys without third-party data: generation in cosign's format, an independent decryption from the
 * format's specification, wrong password, truncated / re-encoded / tampered files, key types, and
 * that no secret ends up in messages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, scryptSync } from 'node:crypto';
import { inspect } from 'node:util';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { PlimsollError } from '../../util/errors.js';
import { DEFAULT_SCRYPT, encryptKey, generateKeyPair, loadPrivateKey, loadPublicKey } from './index.js';

const FAST = { N: 1024, r: 8, p: 1 };
const pw = (p: string) => async () => p;
const code = (c: string, re?: RegExp) => (e: unknown) => e instanceof PlimsollError && e.code === c && (!re || re.test(e.message));

test('generated pair: ENCRYPTED SIGSTORE PRIVATE KEY with cosign default scrypt params; decrypts by the spec independently', () => {
  const pair = generateKeyPair('correct horse');
  assert.match(pair.privatePem, /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
  assert.match(pair.publicPem, /^-----BEGIN PUBLIC KEY-----\n/);
  // independent decryption: PEM → base64 JSON → scrypt(password, salt, N, r, p, 32) → secretbox open → PKCS#8
  const body = pair.privatePem.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
  const j = JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
  assert.deepEqual(Object.keys(j), ['kdf', 'cipher', 'ciphertext']);
  assert.equal(j.kdf.name, 'scrypt');
  assert.deepEqual(j.kdf.params, { N: 32768, r: 8, p: 1 });
  assert.deepEqual(DEFAULT_SCRYPT, { N: 32768, r: 8, p: 1 });
  assert.equal(j.cipher.name, 'nacl/secretbox');
  const salt = Buffer.from(j.kdf.salt, 'base64');
  const nonce = Buffer.from(j.cipher.nonce, 'base64');
  assert.equal(salt.length, 32);
  assert.equal(nonce.length, 24);
  const k = scryptSync('correct horse', salt, 32, { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  const der = Buffer.from(xsalsa20poly1305(k, nonce).decrypt(Buffer.from(j.ciphertext, 'base64')));
  const priv = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  assert.equal(priv.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.equal(createPublicKey(priv).export({ format: 'pem', type: 'spki' }), pair.publicPem);
});

test('round trip: load, sign, verify with the .pub; wrong password fails closed', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = encryptKey(privateKey.export({ format: 'der', type: 'pkcs8' }), 'pw', FAST);
  const key = await loadPrivateKey(pem, 'k.key', pw('pw'));
  const pub = loadPublicKey(createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }), 'k.pub');
  assert.equal(key.hint, pub.hint);
  assert.ok(pub.verify(Buffer.from('m'), key.sign(Buffer.from('m'))));
  assert.ok(!pub.verify(Buffer.from('n'), key.sign(Buffer.from('m'))));
  await assert.rejects(loadPrivateKey(pem, 'k.key', pw('wrong')), code('PASSWORD_WRONG', /password is wrong/));
  await assert.rejects(loadPrivateKey(pem, 'k.key', pw('')), code('PASSWORD_WRONG'));
});

test('truncated, re-encoded and tampered key files fail closed with KEY_INVALID / PASSWORD_WRONG', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = encryptKey(privateKey.export({ format: 'der', type: 'pkcs8' }), 'pw', FAST);
  const lines = pem.trimEnd().split('\n');
  const body = lines.slice(1, -1).join('');
  // truncated: END line lost
  await assert.rejects(loadPrivateKey(lines.slice(0, 3).join('\n'), 'k', pw('pw')), code('KEY_INVALID', /no END line; the file is truncated/));
  // truncated body (a line lost)
  await assert.rejects(loadPrivateKey([lines[0], ...lines.slice(2)].join('\n'), 'k', pw('pw')), code('KEY_INVALID'));
  // re-encoded body: URL-safe base64 alphabet
  const urlsafe = body.replace(/\+/g, '-').replace(/\//g, '_');
  if (urlsafe !== body) await assert.rejects(loadPrivateKey(`${lines[0]}\n${urlsafe}\n${lines.at(-1)}`, 'k', pw('pw')), code('KEY_INVALID', /base64/));
  // re-encoded JSON: ciphertext as hex instead of base64
  const j = JSON.parse(Buffer.from(body, 'base64').toString());
  const hexed = { ...j, ciphertext: Buffer.from(j.ciphertext, 'base64').toString('hex') };
  const rewrap = (o: unknown) => `${lines[0]}\n${Buffer.from(JSON.stringify(o)).toString('base64')}\n${lines.at(-1)}\n`;
  // (hex digits are base64 characters too: it decodes to other bytes, and authentication fails)
  await assert.rejects(loadPrivateKey(rewrap(hexed), 'k', pw('pw')), (e) => code('KEY_INVALID')(e) || code('PASSWORD_WRONG', /modified/)(e));
  // short nonce, other KDF, hostile scrypt cost
  await assert.rejects(loadPrivateKey(rewrap({ ...j, cipher: { ...j.cipher, nonce: Buffer.alloc(12).toString('base64') } }), 'k', pw('pw')), code('KEY_INVALID', /nonce is 12 bytes/));
  await assert.rejects(loadPrivateKey(rewrap({ ...j, kdf: { ...j.kdf, name: 'pbkdf2' } }), 'k', pw('pw')), code('KEY_INVALID', /scrypt/));
  await assert.rejects(loadPrivateKey(rewrap({ ...j, kdf: { ...j.kdf, params: { N: 2 ** 30, r: 8, p: 1 } } }), 'k', pw('pw')), code('KEY_INVALID', /exceed plimsoll's limits/));
  await assert.rejects(loadPrivateKey(rewrap({ ...j, kdf: { ...j.kdf, params: { N: 1000, r: 8, p: 1 } } }), 'k', pw('pw')), code('KEY_INVALID', /power of two/));
  // one flipped ciphertext bit: authentication fails (indistinguishable from a wrong password)
  const ct = Buffer.from(j.ciphertext, 'base64');
  ct[20]! ^= 1;
  await assert.rejects(loadPrivateKey(rewrap({ ...j, ciphertext: ct.toString('base64') }), 'k', pw('pw')), code('PASSWORD_WRONG', /modified/));
  // a different label
  await assert.rejects(loadPrivateKey(pem.replace(/ENCRYPTED SIGSTORE PRIVATE KEY/g, 'ENCRYPTED FOO KEY'), 'k', pw('pw')), code('KEY_INVALID', /not a private key plimsoll can sign with/));
  // trailing garbage after the DER of a plain PKCS#8 key
  const der = Buffer.concat([privateKey.export({ format: 'der', type: 'pkcs8' }), Buffer.from([0, 0])]);
  await assert.rejects(loadPrivateKey(`-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----\n`, 'k', pw('')), code('KEY_INVALID', /trailing bytes/));
});

test('key types: P-256/P-384/Ed25519/RSA-2048 accepted; P-224, secp256k1, RSA-1024 refused; public keys are not private keys', async () => {
  const gen = (t: string, o: object) => generateKeyPairSync(t as 'ec', o as { namedCurve: string });
  for (const [t, o, alg] of [
    ['ec', { namedCurve: 'P-256' }, 'ECDSA P-256 SHA256'],
    ['ec', { namedCurve: 'P-384' }, 'ECDSA P-384 SHA384'],
    ['ed25519', {}, 'Ed25519'],
    ['rsa', { modulusLength: 2048 }, 'RSA-2048 PKCS#1 v1.5 SHA256'],
  ] as const) {
    const { privateKey, publicKey } = gen(t, o);
    const key = await loadPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, 'k', pw(''));
    assert.match(String(key), new RegExp(`^${alg.replace(/[+#]/g, '\\$&')} key `));
    const pub = loadPublicKey(publicKey.export({ format: 'pem', type: 'spki' }), 'p');
    assert.ok(pub.verify(Buffer.from('x'), key.sign(Buffer.from('x'))), alg);
  }
  for (const [t, o, re] of [
    ['ec', { namedCurve: 'P-224' }, /P-224 is not allowed/],
    ['ec', { namedCurve: 'secp256k1' }, /secp256k1 is not allowed/],
    ['rsa', { modulusLength: 1024 }, /RSA key size 1024/],
  ] as const) {
    const { privateKey } = gen(t, o);
    await assert.rejects(loadPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, 'k', pw('')), code('KEY_INVALID', re));
  }
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await assert.rejects(loadPrivateKey(publicKey.export({ format: 'pem', type: 'spki' }) as string, 'k', pw('')), code('KEY_INVALID', /this is a public key/));
  assert.throws(() => loadPublicKey(privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, 'p'), code('KEY_INVALID', /this is a private key/));
  assert.throws(() => loadPublicKey('garbage', 'p'), code('KEY_INVALID'));
});

test('no secret in messages or in the key object', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = encryptKey(privateKey.export({ format: 'der', type: 'pkcs8' }), 'hunter2-secret', FAST);
  const key = await loadPrivateKey(pem, 'k', pw('hunter2-secret'));
  const d = (privateKey.export({ format: 'jwk' }) as { d: string }).d;
  for (const shown of [String(key), JSON.stringify({ key }), inspect(key, { depth: 5, showHidden: true })]) {
    assert.ok(!shown.includes(d), 'private scalar not shown');
    assert.ok(!shown.includes('hunter2'), 'password not shown');
  }
  try {
    await loadPrivateKey(pem, 'k', pw('hunter2-wrong'));
    assert.fail('expected failure');
  } catch (e) {
    assert.ok(!(e as Error).message.includes('hunter2'));
  }
});
