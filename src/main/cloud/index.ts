/** The Webex cloud as a device transport: the REST client, the cloud device, the sign-in. */
export * from './client.js';
export * from './device.js';
export * from './errors.js';
export * from './login.js';
export * from './oauth.js';
