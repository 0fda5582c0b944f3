// @peculiar/x509 resolves its parsers through tsyringe, which needs the Reflect metadata polyfill loaded
// before the library itself (its README: "Reflect Polyfill Required").
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
