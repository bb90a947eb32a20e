export { SigningKey, loadPrivateKey, type PasswordSource } from './private.js';
export { VerificationKey, loadPublicKey } from './public.js';
export { generateKeyPair, writeKeyPair, type GeneratedKeyPair } from './generate.js';
export { decryptKey, encryptKey, parseEncryptedKey, DEFAULT_SCRYPT, SIGSTORE_ENCRYPTED_LABEL, COSIGN_ENCRYPTED_LABEL } from './encrypted.js';
export { passwordFromEnv, passwordOnce, readPassword } from './password.js';
export { keyAlgorithm, keyHint, describeAlgorithm, type KeyAlgorithm } from './algorithms.js';
