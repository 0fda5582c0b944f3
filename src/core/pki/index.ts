/**
 * Certificates and keys for the device's identity: read them (PEM, DER, PKCS#12), check them against what the
 * device accepts, describe them, build the `add` payload, and make a new P-256 key and CSR. Pure: no file I/O.
 */
export { readCredentials } from './read.js';
export type { Credentials, CredentialsInput, CredentialSource, KeyFormat } from './read.js';
export { checkCredentials, inspectCredentials } from './check.js';
export type { CheckResult, CheckOptions, CredentialsReport, ChainEntry } from './check.js';
export { describeCertificate, describeKey, isP256, sha1Fingerprint, sha256Fingerprint } from './describe.js';
export type { CertificateReport, KeyDescription } from './describe.js';
export { buildAddPayload } from './payload.js';
export type { AddPayload } from './payload.js';
export { generateKeyAndCsr } from './csr.js';
export type { CsrRequest, KeyAndCsr } from './csr.js';
export { PkiError, PKI_ERROR_CODES, PKI_WARNING_CODES } from './errors.js';
export type { PkiErrorCode, PkiWarningCode, PkiIssue } from './errors.js';
