/**
 * The RoomOS words the tool, the contract and the simulator share, in one place: what a factory reset can
 * keep (and what each item keeps), what it does afterwards, what a service certificate can be used for, the
 * parameter limits of the published xAPI schema, and how the tool reaches a console. Pure data.
 */

/** What `xCommand SystemUnit FactoryReset Keep:` can preserve (the published schema's `Keep` value space). */
export const FACTORY_RESET_KEEP_ITEMS = [
  'LocalSetup',
  'Network',
  'Webex',
  'Provisioning',
  'SerialPort',
  'Certificates',
  'HTTP',
  'RemoteSupportUser',
] as const;
export type FactoryResetKeepItem = (typeof FACTORY_RESET_KEEP_ITEMS)[number];

/**
 * What each `Keep` item preserves, as the published schema lists it. Nothing keeps the local users and
 * their passwords, the system name or the Webex registration.
 */
export const FACTORY_RESET_KEEP_MEANS: Readonly<Record<FactoryResetKeepItem, string>> = {
  LocalSetup:
    'default and ring volume, time zone, user-interface language, video output overscan and camera presets (not the system name, users or SSH)',
  Network: 'the Network 1 settings and Wi-Fi allowed/enabled',
  Webex: 'the Webex service-override URLs (GdsBaseUrl, U2CBaseUrl) only, never the registration',
  Provisioning: 'the Provisioning Mode',
  SerialPort: 'the serial port Mode, BaudRate and LoginRequired',
  Certificates: 'the client and CA certificates',
  HTTP: 'NetworkServices HTTP Mode and the HTTPS settings',
  RemoteSupportUser: 'the remote support user',
};

/** What a factory reset always erases, whatever is kept. */
export const FACTORY_RESET_ALWAYS_ERASES =
  'the local users and their passwords, the system name, the Webex registration and the client secret';

/** What a factory reset does when it is done (the schema's `TrailingAction` value space). */
export const TRAILING_ACTIONS = ['NoAction', 'Restart', 'Shutdown', 'WaitForUpgrade'] as const;
export type TrailingAction = (typeof TRAILING_ACTIONS)[number];

/** The purposes a service certificate can be used for (the schema's `Purpose`/`Filter` value space). */
export const CERTIFICATE_PURPOSES = [
  '802.1X',
  'HTTPS',
  'Audit',
  'SIP',
  'Pairing',
  'WebexIdentity',
  'HttpClient',
  'HttpProxy',
] as const;
export type CertificatePurpose = (typeof CERTIFICATE_PURPOSES)[number];

/**
 * Longest values the device takes, characters (the published schema's `maxLength` of each parameter;
 * test/core/xapi/vocabulary.test.ts holds them against the schema table).
 */
export const XAPI_PARAMETER_LIMITS = {
  /** `Security ClientSecret Populate Secret:`. */
  secret: 1024,
  /** `Security Certificates Services Activate/Deactivate FingerprintBlob:`. */
  fingerprintBlob: 1024,
  /** `Security Certificates Services Delete Fingerprint:`. */
  deleteFingerprint: 128,
  /** `Webex Registration Start ActivationCode:`. */
  activationCode: 128,
  /** `Conference EndToEndEncryption Identity PreferredDomain`. */
  preferredDomain: 255,
} as const;

/**
 * How the tool reaches a device: its console (serial, SSH, a simulator's) or the Webex cloud's REST API
 * (`webex`). A plain secret may travel only over the physical console.
 */
export const LINK_KINDS = ['serial', 'ssh', 'sim', 'webex'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

/**
 * The Webex API scopes the tool asks for and the cloud simulator grants by default: those of the endpoints
 * the tool calls (docs/cloud.md).
 */
export const WEBEX_SCOPES = [
  'spark:xapi_commands',
  'spark:xapi_statuses',
  'spark-admin:devices_read',
  'spark-admin:devices_write',
  'identity:placeonetimepassword_create',
] as const;
