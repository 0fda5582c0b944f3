/** The fleet: every device the Webex sign-in reaches, listed by certificate expiry, renewed and rotated in bulk. */
export * from './list.js';
export * from './run.js';
export * from './result-csv.js';
export * from './errors.js';
export * from './file.js';
