/**
 * The public xAPI schema entries the simulator implements, copied (structure only: names, required, value
 * spaces, multiline, roles, registeredOnly) from /work/shared/reference/xapi-11.19-subset.json, itself
 * extracted from Cisco's published schema (cisco-ce/roomos.cisco.com, `schemas/11.19.1 August 2024.json`).
 * A published fact: do not edit by hand; the simulator validates every command against it.
 * Long (over 600 lines) because it is a data table copied entry by entry: splitting it would only hide
 * which entries the published schema holds.
 */
export interface SchemaValueSpace {
  type: string;
  Values?: readonly string[];
  MaxLength?: string;
  MinLength?: string;
  Max?: string;
  Min?: string;
  Step?: string;
  multiple?: string;
}

export interface SchemaParam {
  name: string;
  required: boolean;
  valuespace: SchemaValueSpace;
  default?: string;
}

export interface SchemaCommand {
  multiline: boolean;
  roles: readonly string[];
  params: readonly SchemaParam[];
  registeredOnly?: boolean;
}

export interface SchemaSubset {
  source: string;
  commands: Readonly<Record<string, SchemaCommand>>;
  status: Readonly<Record<string, { valuespace: SchemaValueSpace; registeredOnly: boolean }>>;
  configuration: Readonly<Record<string, { valuespace: SchemaValueSpace; default: string }>>;
}

export const XAPI_11_19_SUBSET: SchemaSubset = {
  source:
    'Cisco published xAPI schema, cisco-ce/roomos.cisco.com schemas/11.19.1 August 2024.json: structure only (names, required, value spaces, multiline, roles; registeredOnly marks entries whose description says they apply only to Webex-registered devices)',
  commands: {
    'Conference ParticipantList Search': {
      multiline: false,
      roles: ['Admin', 'User'],
      params: [
        {
          name: 'CallId',
          required: false,
          valuespace: {
            Max: '65534',
            Min: '0',
            Step: '1',
            type: 'Integer',
          },
          default: '0',
        },
        {
          name: 'Limit',
          required: false,
          valuespace: {
            Max: '65534',
            Min: '0',
            Step: '1',
            type: 'Integer',
          },
          default: '1000',
        },
        {
          name: 'Offset',
          required: false,
          valuespace: {
            Max: '65534',
            Min: '0',
            Step: '1',
            type: 'Integer',
          },
          default: '0',
        },
        {
          name: 'PartialRosterId',
          required: false,
          valuespace: {
            Max: '65534',
            Min: '0',
            Step: '1',
            type: 'Integer',
          },
          default: '0',
        },
        {
          name: 'SearchString',
          required: false,
          valuespace: {
            MaxLength: '255',
            MinLength: '0',
            type: 'String',
          },
          default: '',
        },
      ],
    },
    'Security Certificates CA Add': {
      multiline: true,
      roles: ['Admin'],
      params: [],
    },
    'Security Certificates CA Show': {
      multiline: false,
      roles: ['Admin', 'User'],
      params: [
        {
          name: 'Format',
          required: false,
          valuespace: {
            Values: ['PEM', 'Text'],
            type: 'Literal',
          },
          default: 'Text',
        },
      ],
    },
    'Security Certificates Services Activate': {
      multiline: false,
      roles: ['Admin'],
      params: [
        {
          name: 'Fingerprint',
          required: true,
          valuespace: {
            MaxLength: '1024',
            MinLength: '0',
            type: 'String',
          },
        },
        {
          name: 'Purpose',
          required: true,
          valuespace: {
            Values: [
              '802.1X',
              'HTTPS',
              'Audit',
              'SIP',
              'Pairing',
              'WebexIdentity',
              'HttpClient',
              'HttpProxy',
            ],
            type: 'Literal',
          },
        },
      ],
    },
    'Security Certificates Services Add': {
      multiline: true,
      roles: ['Admin'],
      params: [
        {
          name: 'PrivateKeyPassword',
          required: false,
          valuespace: {
            MaxLength: '128',
            MinLength: '0',
            type: 'String',
          },
          default: '',
        },
      ],
    },
    'Security Certificates Services Deactivate': {
      multiline: false,
      roles: ['Admin'],
      params: [
        {
          name: 'Fingerprint',
          required: true,
          valuespace: {
            MaxLength: '1024',
            MinLength: '0',
            type: 'String',
          },
        },
        {
          name: 'Purpose',
          required: true,
          valuespace: {
            Values: [
              '802.1X',
              'HTTPS',
              'Audit',
              'SIP',
              'Pairing',
              'WebexIdentity',
              'HttpClient',
              'HttpProxy',
            ],
            type: 'Literal',
          },
        },
      ],
    },
    'Security Certificates Services Delete': {
      multiline: false,
      roles: ['Admin'],
      params: [
        {
          name: 'Fingerprint',
          required: true,
          valuespace: {
            MaxLength: '128',
            MinLength: '0',
            type: 'String',
          },
        },
      ],
    },
    'Security Certificates Services Show': {
      multiline: false,
      roles: ['Admin', 'User'],
      params: [
        {
          name: 'Filter',
          required: false,
          valuespace: {
            Values: [
              '802.1X',
              'HTTPS',
              'Audit',
              'SIP',
              'Pairing',
              'WebexIdentity',
              'HttpClient',
              'HttpProxy',
            ],
            type: 'Literal',
          },
        },
        {
          name: 'FingerprintAlgorithm',
          required: false,
          valuespace: {
            Values: ['SHA-1', 'SHA-256'],
            type: 'Literal',
          },
          default: 'SHA_1',
        },
        {
          name: 'Format',
          required: false,
          valuespace: {
            Values: ['PEM', 'Text'],
            type: 'Literal',
          },
          default: 'Text',
        },
      ],
    },
    'Security ClientSecret Populate': {
      multiline: false,
      roles: ['Admin'],
      params: [
        {
          name: 'Secret',
          required: true,
          valuespace: {
            MaxLength: '1024',
            MinLength: '0',
            type: 'String',
          },
        },
      ],
      registeredOnly: true,
    },
    'SystemUnit Boot': {
      multiline: false,
      roles: ['Admin', 'Integrator', 'User'],
      params: [
        {
          name: 'Action',
          required: false,
          valuespace: {
            Values: ['Restart', 'Shutdown'],
            type: 'Literal',
          },
          default: 'Restart',
        },
        {
          name: 'Force',
          required: false,
          valuespace: {
            Values: ['False', 'True'],
            type: 'Literal',
          },
          default: 'True',
        },
      ],
    },
    'SystemUnit FactoryReset': {
      multiline: false,
      roles: ['Admin', 'User'],
      params: [
        {
          name: 'Confirm',
          required: true,
          valuespace: {
            Values: ['Yes'],
            type: 'Literal',
          },
        },
        {
          name: 'Keep',
          required: false,
          valuespace: {
            Values: [
              'LocalSetup',
              'Network',
              'Webex',
              'Provisioning',
              'SerialPort',
              'Certificates',
              'HTTP',
              'RemoteSupportUser',
            ],
            multiple: '7',
            type: 'LiteralArray',
          },
        },
        {
          name: 'TrailingAction',
          required: false,
          valuespace: {
            Values: ['NoAction', 'Restart', 'Shutdown', 'WaitForUpgrade'],
            type: 'Literal',
          },
          default: 'Restart',
        },
      ],
    },
    'UserManagement User Passphrase Set': {
      multiline: false,
      roles: ['Admin'],
      params: [
        {
          name: 'NewPassphrase',
          required: true,
          valuespace: {
            MaxLength: '255',
            MinLength: '0',
            type: 'String',
          },
        },
        {
          name: 'Username',
          required: true,
          valuespace: {
            MaxLength: '127',
            MinLength: '0',
            type: 'String',
          },
        },
        {
          name: 'YourPassphrase',
          required: false,
          valuespace: {
            MaxLength: '255',
            MinLength: '0',
            type: 'String',
          },
        },
      ],
    },
    'Webex Registration Start': {
      multiline: false,
      roles: ['Admin'],
      params: [
        {
          name: 'AccountLinkMode',
          required: false,
          valuespace: {
            Values: ['Asynchronous'],
            type: 'Literal',
          },
        },
        {
          name: 'ActivationCode',
          required: true,
          valuespace: {
            MaxLength: '128',
            MinLength: '0',
            type: 'String',
          },
        },
        {
          name: 'RegistrationType',
          required: false,
          valuespace: {
            Values: ['Manual', 'Hotdesk', 'Personalization'],
            type: 'Literal',
          },
        },
        {
          name: 'SecurityAction',
          required: true,
          valuespace: {
            Values: ['Harden', 'NoAction'],
            type: 'Literal',
          },
        },
      ],
    },
  },
  status: {
    'Conference EndToEndEncryption Availability': {
      valuespace: {
        Values: ['Available', 'Unavailable'],
        type: 'Literal',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption ExternalIdentity CertificateChain Certificate[n] Fingerprint': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption ExternalIdentity CertificateChain Certificate[n] NotAfter': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption ExternalIdentity CertificateChain Certificate[n] NotBefore': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption ExternalIdentity CertificateChain Certificate[n] PrimaryName': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption ExternalIdentity CertificateChain Certificate[n] PublicKeyAlgorithm': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption ExternalIdentity CertificateChain Certificate[n] SerialNumber': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption ExternalIdentity CertificateChain Certificate[n] SignatureAlgorithm': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption ExternalIdentity CertificateChain Certificate[n] Subject[n] Name': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption ExternalIdentity CertificateChain Certificate[n] Validity': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption ExternalIdentity Identity': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption ExternalIdentity Status': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption ExternalIdentity Verification': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption InternalIdentity CertificateChain Certificate[n] Fingerprint': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption InternalIdentity CertificateChain Certificate[n] NotAfter': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption InternalIdentity CertificateChain Certificate[n] NotBefore': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption InternalIdentity CertificateChain Certificate[n] PrimaryName': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption InternalIdentity CertificateChain Certificate[n] PublicKeyAlgorithm': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption InternalIdentity CertificateChain Certificate[n] SerialNumber': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption InternalIdentity CertificateChain Certificate[n] SignatureAlgorithm': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption InternalIdentity CertificateChain Certificate[n] Subject[n] Name': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption InternalIdentity CertificateChain Certificate[n] Validity': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption InternalIdentity Identity': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption InternalIdentity Status': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'Conference EndToEndEncryption InternalIdentity Verification': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: true,
    },
    'SystemUnit Hardware Module DeviceId': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: false,
    },
    'SystemUnit Hardware Module SerialNumber': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: false,
    },
    'SystemUnit ProductId': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: false,
    },
    'SystemUnit ProductPlatform': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: false,
    },
    'SystemUnit ProductType': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: false,
    },
    'SystemUnit Software DisplayName': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: false,
    },
    'SystemUnit Software Name': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: false,
    },
    'SystemUnit Software OptionKeys AVIntegrator': {
      valuespace: {
        Values: ['True', 'False'],
        type: 'Literal',
      },
      registeredOnly: false,
    },
    'SystemUnit Software OptionKeys DeveloperPreview': {
      valuespace: {
        Values: ['True', 'False'],
        type: 'Literal',
      },
      registeredOnly: false,
    },
    'SystemUnit Software OptionKeys Encryption': {
      valuespace: {
        Values: ['True', 'False'],
        type: 'Literal',
      },
      registeredOnly: false,
    },
    'SystemUnit Software OptionKeys MultiSite': {
      valuespace: {
        Values: ['False', 'True', 'NotApplicable'],
        type: 'Literal',
      },
      registeredOnly: false,
    },
    'SystemUnit Software OptionKeys RemoteMonitoring': {
      valuespace: {
        Values: ['True', 'False'],
        type: 'Literal',
      },
      registeredOnly: false,
    },
    'SystemUnit Software ReleaseDate': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: false,
    },
    'SystemUnit Software Version': {
      valuespace: {
        type: 'String',
      },
      registeredOnly: false,
    },
    'Webex Status': {
      valuespace: {
        Values: ['Disabled', 'Error', 'Registered', 'Registering', 'Stopped'],
        type: 'Literal',
      },
      registeredOnly: false,
    },
  },
  configuration: {
    'Conference EndToEndEncryption Identity PreferredDomain': {
      valuespace: {
        MaxLength: '255',
        MinLength: '0',
        type: 'String',
      },
      default: '',
    },
    'NetworkServices HTTP Mode': {
      valuespace: {
        Values: ['HTTP+HTTPS', 'HTTPS', 'Off'],
        type: 'Literal',
      },
      default: 'HTTPS',
    },
    'NetworkServices SSH Mode': {
      valuespace: {
        Values: ['Off', 'On'],
        type: 'Literal',
      },
      default: 'On',
    },
    'SerialPort BaudRate': {
      valuespace: {
        Values: ['115200'],
        type: 'Literal',
      },
      default: '115200',
    },
    'SerialPort LoginRequired': {
      valuespace: {
        Values: ['Off', 'On'],
        type: 'Literal',
      },
      default: 'On',
    },
    'SerialPort Mode': {
      valuespace: {
        Values: ['Off', 'On'],
        type: 'Literal',
      },
      default: 'On',
    },
    'SystemUnit Name': {
      valuespace: {
        MaxLength: '50',
        MinLength: '0',
        type: 'String',
      },
      default: '',
    },
  },
};
