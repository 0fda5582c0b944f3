/**
 * The window's words in English: every heading, label, sentence and error text, grouped by screen, with
 * `{name}` placeholders for values. Long and repetitive by design: it is a catalogue, one entry per
 * message, and `ko.ts` holds the same entries in Korean (test/renderer/i18n.test.ts checks that both have
 * the same keys and placeholders), so the two files mirror each other entry for entry.
 */
export const en = {
  title: 'E2EE Identity Provisioner',
  nav: {
    label: 'Sections',
    provision: 'Provision',
    rotate: 'Rotate secret',
    inventory: 'Inventory',
    console: 'Console',
    inspect: 'Blob inspector',
    meeting: 'Meeting check',
    fleet: 'Fleet',
  },
  meeting: {
    heading: 'Meeting check',
    help: 'Join the end-to-end encrypted meeting from this device (and from the others to compare), then check: the tool reads from each device what it reports of the call, this device and every participant, and follows joins and code changes. What a device does not report is said, never guessed.',
    fromInventory: 'Device {serial}, expected to appear as {identity}.',
    inventoryOther: 'The connected device is {connected}, not {serial}: connect to {serial} first.',
    inventoryNotConnected: 'Connect to {serial} first (Provision tab), then check it here.',
    checkConnected: 'Check the connected device instead',
    inventoryMismatch: 'It appears as {identity}, not as {cn}, the identity the journal recorded.',
    inventoryMatch: 'It appears as {cn}, the identity the journal recorded.',
    notConnected: 'Connect to the device first (Provision tab).',
    others: 'Other devices in the same meeting, to compare',
    otherTarget: 'Device target',
    otherPassword: 'Login password',
    otherCloud:
      'A device of the Fleet screen’s list: {target} (read through the Webex cloud, again every few seconds while watching).',
    add: 'Add a device',
    remove: 'Remove',
    start: 'Check and watch',
    stop: 'Stop watching',
    watching: 'Watching for joins and security code changes…',
    encrypted: 'end-to-end encrypted',
    notEncrypted: 'NOT end-to-end encrypted',
    encryptionNotReported: 'encryption not reported',
    identity: 'Identity',
    noIdentity: 'no identity',
    identityNotReported: 'identity not reported',
    sessionType: 'Session type',
    sessionTypeNotE2ee: '{id} (not an end-to-end encrypted session type)',
    e2ee: 'End-to-end encryption',
    notReported: 'not reported',
    noCall: 'not in a call',
    securityCode: 'Security code',
    codeNotReported: 'not reported by this device: compare the code on the screens',
    target: 'Connection',
    serial: 'serial {serial}',
    allGood: 'Every check passed.',
    failures: 'Failed checks: {n}.',
    warnings: 'Warnings: {n}.',
    details: 'Details',
    participants: 'Participants ({n})',
    name: 'Name',
    verificationHeading: 'Verification',
    certificate: 'Certificate',
    certLine: 'subject {subject}; issuer {issuer}; valid {from} to {to}; fingerprint {fingerprint}',
    certRaw: 'certificate information as given: {raw}',
    verdict: 'Verdict',
    compare: 'Comparison',
    compareHeading: 'Compared ({n} devices)',
    updates: 'Seen while watching',
    verification: {
      webex: 'Webex-verified',
      external: 'externally verified',
      unverified: 'unverified',
      unknown: 'verification “{raw}”',
      unreported: 'verification not reported',
    },
    why: {
      sessionType: 'The session type is not an E2EE type.',
      noIdentity: 'This device has no identity.',
    },
    findings: {
      'no-call': 'The device is not in a call: join the meeting from it, then check again.',
      encrypted: 'The call is end-to-end encrypted (status {status}, media {media}, group {group}).',
      'not-encrypted': 'The call is not end-to-end encrypted (status {status}). {why}',
      'encryption-unknown':
        'The device reports the end-to-end encryption status “{status}”, which this tool does not know: check the lock icon on the device.',
      'encryption-not-reported':
        'The device does not report whether the call is end-to-end encrypted: check the lock icon on its screen.',
      'session-type': 'Session type {id}: {name}.',
      'session-type-raw': 'Session type as the device reports it: {raw}.',
      'wrong-session-type':
        'The meeting’s session type {id} is not an end-to-end encrypted session type (Table 1): schedule it as {suggested} ({suggestedId}) or another type of Table 1.',
      'no-identity':
        'This device has no externally issued identity: provision its certificate, then check again.',
      'identity-not-reported':
        'This device does not report its end-to-end encryption identity (it does only once registered to Webex).',
      'identity-differs':
        'This device’s identity is {identity}, not {expected}, the identity provisioned on it: provision it again, then check again.',
      'identity-unverified':
        'This device’s identity {identity} reads as not verified (“{status}”): check its certificate chain, then provision it again.',
      'identity-word': 'This device’s identity {identity} reads “{status}”, a word this tool does not know.',
      self: 'This device appears as {identity}, {verification}.',
      'self-missing': 'This device’s identity {identity} is not among the participants’ identities.',
      participant: 'Participant {name}: {identity}, {verification}.',
      'security-code': 'Security code now: {code}.',
      'no-security-code': 'The device does not report a security code: compare the code on the screens.',
      'code-changed': 'The security code changed when {name} joined: {before} → {after}.',
      'code-unchanged': 'The security code did not change when {name} joined: it is still {after}.',
      'join-not-seen': 'No participant has joined while watching yet: a join shows whether the code changes.',
      'codes-match': 'All {count} devices show the same security code: {code}.',
      'codes-differ': 'The devices do not show the same security code.',
      'codes-not-reported':
        'Not every device reports the security code: compare the codes on the devices’ screens.',
      'rosters-match': 'All devices list the same {count} participants.',
      'rosters-differ': 'The devices list different participants.',
    },
    update: {
      added: '{name} joined ({identity}, {verification})',
      deleted: '{name} left ({identity}, {verification})',
      updated: '{name} changed ({identity}, {verification})',
      code: 'Security code changed: {before} → {after}',
      codeAfterJoin: 'Security code changed: {before} → {after} (after {name} joined)',
    },
  },
  common: {
    yes: 'yes',
    no: 'no',
    refresh: 'Refresh',
    next: 'Next',
    back: 'Back',
    code: 'Code',
    none: 'none',
    working: 'Working…',
    cancel: 'Cancel',
    fieldLimit: 'This field takes at most {n} characters: it is full, and anything past that was not taken.',
    edgeSpace:
      'This starts or ends with a space. It is kept as typed: make sure you mean it, as it is easy to miss when typed again.',
    notKnown: 'not known',
  },
  device: {
    heading: 'Device',
    help: 'Connect the laptop to the device’s console (USB or serial), or use SSH. For training, use the built-in simulator.',
    target: 'Device target',
    ports: 'Serial ports found',
    noPorts: 'No serial port found.',
    findPorts: 'Find serial ports',
    password: 'Login password (leave empty for a factory-reset device)',
    connect: 'Connect',
    disconnect: 'Disconnect',
    connected: 'Connected to {target}',
    notConnected: 'Not connected',
    product: 'Product',
    software: 'Software',
    serial: 'Serial number',
    name: 'System name',
    webex: 'Webex registration',
    secret: 'Client secret',
    secretStored: 'stored in {label}',
    secretNone: 'none stored for this device',
    secretPending: 'a change is pending: the next action settles it',
    keychainProblem: 'The keychain cannot be used',
    hostKeyHeading: 'A device this computer has not seen before',
    hostKeyQuestion:
      'The SSH host key of {where} is not known yet. Compare this fingerprint with the one the device shows (on its screen or web page) before you connect:',
    hostKeyAccept: 'It matches: trust this device and connect',
    hostKeyRefuse: 'Do not connect',
    targetShort: 'Connection',
    linkLegend: 'How the laptop reaches the device',
    links: { serial: 'Serial port (USB console)', ssh: 'SSH over the network', sim: 'Training simulator' },
    choosePort: 'Choose a port…',
    portField: 'Port',
    portHelp: 'As the system names it: /dev/ttyACM0, /dev/ttyUSB0, or COM3 on Windows.',
    sshField: 'Address',
    sshHelp: 'admin@10.0.0.5 (a port after a colon, if not 22).',
    simField: 'Simulator',
    simHelp: 'sim: is a Room Kit for training; options like sim:?serial=FOC0000TEST name another one.',
    osKeychain: 'the OS keychain',
    webexStates: {
      Stopped: 'not registered',
      Starting: 'starting',
      Registering: 'registering',
      Registered: 'registered',
      Error: 'registration failed',
      Disabled: 'disabled',
    } as Record<string, string>,
  },
  wizard: {
    heading: 'Provision a device',
    stepsLabel: 'Wizard steps',
    pages: { device: 'Device', certificate: 'Certificate', options: 'Options', run: 'Run' },
    certHeading: 'Certificate and key',
    certHelp:
      'Choose the certificate the CA issued for this device, and its private key if it is a separate file. PKCS#12 files hold both.',
    chooseCert: 'Choose certificate file…',
    chooseKey: 'Choose key file (if separate)…',
    chosen: 'Chosen: {name}',
    notChosen: 'nothing chosen',
    passphrase: 'Key passphrase or PKCS#12 password (if any)',
    check: 'Check the certificate',
    reportHeading: 'What the certificate says',
    acceptable: 'The device will accept this certificate and key.',
    notAcceptable: 'The device would refuse this certificate or key.',
    cn: 'Identity (CN) others will see',
    san: 'Subject alternative names (SAN)',
    issuer: 'Issuer',
    serialNo: 'Serial',
    validity: 'Valid',
    validRange: { one: '{from} to {to} ({n} day left)', other: '{from} to {to} ({n} days left)' },
    validExpired: '{from} to {to} (expired)',
    sha1: 'SHA-1 fingerprint',
    sha256: 'SHA-256 fingerprint',
    key: 'Key',
    keyEncrypted: 'encrypted',
    keyMatches: 'Key matches certificate',
    chain: 'Chain in the file verifies',
    errors: 'Problems',
    warnings: 'Warnings',
    optionsHeading: 'Options',
    secretLegend: 'Client secret',
    secretGenerate:
      'Generate a strong secret (recommended; offered at the end until you confirm you saved it)',
    secretGiven: 'Use a secret I type',
    secretValue: 'Secret to populate',
    enc: 'Blob encryption',
    backup: 'Back up the configuration to a file first',
    factoryReset: 'Factory reset the device first',
    keepHeading: 'What the factory reset keeps (nothing, unless you choose)',
    keepNames: {
      LocalSetup: 'LocalSetup',
      Network: 'Network',
      Webex: 'Webex',
      Provisioning: 'Provisioning',
      SerialPort: 'SerialPort',
      Certificates: 'Certificates',
      HTTP: 'HTTP',
      RemoteSupportUser: 'RemoteSupportUser',
    },
    keepItems: {
      LocalSetup:
        'default and ring volume, time zone, user-interface language, video output overscan and camera presets (not the system name, users or SSH)',
      Network: 'the Network 1 settings and Wi-Fi allowed/enabled',
      Webex: 'the Webex service-override URLs only, never the registration',
      Provisioning: 'the Provisioning Mode',
      SerialPort: 'the serial port Mode, BaudRate and LoginRequired',
      Certificates: 'the client and CA certificates',
      HTTP: 'NetworkServices HTTP Mode and the HTTPS settings',
      RemoteSupportUser: 'the remote support user',
    },
    keepNever:
      'Always erased, whatever is kept: the local users and their passwords, the system name, the Webex registration and the client secret.',
    registerFirst:
      'Register first (for a device that takes a client secret only once registered): needs the activation code; registers with SecurityAction NoAction.',
    wrapLongLines:
      'Wrap long lines (not proven on real devices): when the certificate is longer than the console carries on one line, send it over several lines, only after harmless probes show that the device joins them. Otherwise the run stops before adding anything, with the secret kept. Without this choice such a certificate is refused before any change.',
    restoreName: 'Restore the device’s name from the backup afterwards',
    activationCode: 'Webex activation code (optional)',
    allowPlain: 'Allow the first secret to travel in clear over the network (SSH)',
    runHeading: 'Run',
    plan: 'Show the plan (dry run)',
    start: 'Provision',
    stop: 'Stop',
    resume: 'Resume',
    planHeading: 'Plan',
    progressHeading: 'Progress',
    planIncluded: 'will run',
    planSkipped: 'left out: {reason}',
    warningsHeading: 'Warnings',
    notesHeading: 'Notes',
    done: 'Provisioned: {product} {serial} now shows “{identity}”, valid until {expires}.',
    stoppedHeading: 'Stopped',
    failedHeading: 'Did not finish',
    stoppedAt: 'You stopped the provisioning of {product} {serial} at “{step}”.',
    failedAt: 'The provisioning of {product} {serial} failed at “{step}”.',
    deviceHas: 'Already done on the device: {done}.',
    deviceUntouched: 'Nothing was changed on the device.',
    stoppedHint: 'Resume goes on from there: steps the device already has are skipped.',
    resumeHint:
      'Fix the cause shown at the failed step, then Resume: steps the device already has are skipped.',
    reconnectHint:
      'The device is not connected now. Plug {serial} back in and Resume (it logs in again), or connect it on the Device page first.',
    nextHandover: 'Next: hand the new secret over (below), then go on to the next device.',
    nextOne: 'Next: the next device.',
    details: 'Details: the device’s facts, steps, warnings and notes',
    othersWaiting: 'Secrets still waiting for other devices: {serials}',
    fingerprint: 'Fingerprint',
    expires: 'Valid until',
    registered: 'Registered to Webex',
    backupFile: 'Backup file',
    needDevice: 'Connect to a device first.',
    needCheck: 'Check the certificate first.',
    needAcceptable: 'The certificate check says the device would refuse these files: fix them first.',
    blockersLabel: 'What stops the run',
    stepState: { current: 'current page', done: 'done', blocked: 'needs attention', open: 'not done yet' },
    resetLegend: 'Factory reset',
    resetNo: 'Do not reset: provision the device as it is',
    resetAsked:
      'Before the reset you are asked again, with the device named: you confirm it by typing its serial number.',
    advanced: 'Advanced',
    codeState: {
      empty: '16 digits from Control Hub; leave empty to register later.',
      ok: 'Looks right: 16 digits.',
      partial: 'Keep typing: the code has 16 digits.',
      bad: 'Only digits, with hyphens or spaces between groups: 16 digits in all.',
    },
    runTarget: 'Device: {product}, serial {serial}, at {target}',
    startWithReset: 'Factory reset and provision…',
    meetingCheck: 'Meeting check',
    nextDevice: 'Next device',
    successHeading: 'Done',
    noResumeHint: 'Resume cannot help here: the device or the files must change first (see the failed step).',
    starting: 'starting',
    progressNow: 'Step {n} of {total}: {title}',
    elapsed: 'Elapsed {time}',
    progressLabel: 'Progress of the provisioning',
    announce: 'Step {n}, {title}: {state}',
    resetDialog: {
      heading: 'Factory reset this device?',
      lost: 'Erased for good: the configuration, the certificates, the client secret, the local users and their passwords, the system name and the Webex registration.',
      kept: 'Kept: {items}.',
      keptNone: 'Nothing is kept.',
      afterPartial:
        'A provisioning of this device stopped partway: the reset also erases what it did, including the new client secret.',
      typeSerial: 'Type the serial number {serial} to confirm',
      confirm: 'Factory reset {serial}',
    },
  },
  steps: {
    precheck: 'Check the device and the certificate',
    backup: 'Back up the configuration',
    'factory-reset': 'Factory reset',
    'populate-secret': 'Populate the client secret',
    'add-certificate': 'Add the certificate and key',
    'match-fingerprint': 'Find the certificate in the device’s list',
    activate: 'Activate it for WebexIdentity',
    verify: 'Verify the identity',
    restore: 'Restore chosen configuration',
    'register-first': 'Register to Webex first',
    register: 'Register to Webex',
    'verify-registered': 'Verify the identity as registered',
    handover: 'Handover sheet',
  } as Record<string, string>,
  /** Why the plan leaves a step out, by step: the options that would include it. */
  leftOut: {
    backup: 'the backup is not chosen',
    'factory-reset': 'no factory reset chosen',
    restore: 'nothing to restore',
    'register-first': 'the standard order registers last',
    register: 'no activation code given',
    'verify-registered': 'the device is not registered now',
  } as Record<string, string>,
  status: {
    pending: 'waiting',
    running: 'running',
    done: 'done',
    skipped: 'skipped',
    failed: 'failed',
    stopped: 'stopped',
    'not-run': 'not run',
  },
  rotate: {
    heading: 'Rotate the client secret',
    help: 'The new secret is stored in the keychain before the device is told, so the device is never locked out.',
    newLegend: 'New secret',
    generate: 'Generate one (recommended)',
    given: 'Use a secret I type',
    newValue: 'New secret',
    current: 'Current secret (the keychain holds none for this device)',
    enc: 'Blob encryption',
    run: 'Rotate the secret',
    done: 'The device {serial} now holds the new secret; the keychain has it.',
    strength: 'Strength: {rating}, about {bits} bits',
    settled: 'An earlier unfinished change was settled first: the device held the {holds} secret.',

    newAgain: 'New secret, again',
    mismatch: 'The two entries differ: type the new secret twice the same way.',
    noSecretHere:
      'The keychain holds no secret for this device. If the device has never had one (new, or factory reset), provision it instead: that sets its first secret. If it has one, type it here.',
    ratings: { weak: 'weak', fair: 'fair', strong: 'strong' },
    holds: { new: 'new', previous: 'previous' },
    confirmHeading: 'Change this device’s client secret?',
    confirmLost:
      'The current secret stops working on this device; the new one is kept in the keychain before the device is told.',
    confirm: 'Change the secret on {serial}',
    needDevice: 'Connect to the device first.',
  },
  reveal: {
    heading: 'Hand over the new client secret of {product} {serial}',
    ready:
      'The device holds a new secret that nobody has confirmed saving yet. The app keeps it until you do, whatever else you do meanwhile.',
    show: 'Reveal the new secret',
    label: 'New client secret for {serial}',
    hide: 'Hide it',
    warn: 'Write it down or save the sheet for the device’s owner now. Without it, the device can only be factory reset.',
    copy: 'Copy',
    copied: 'Copied. The clipboard is cleared in {s} seconds.',
    printWith: 'Print the handover sheet with the secret',
    printWithout: 'Print the sheet without the secret',
    saveWith: 'Save the sheet with the secret…',
    saveWithout: 'Save the sheet without the secret…',
    sheetGroup: 'Handover sheet',
    sheetTitle: 'Handover sheet: the device’s end-to-end encryption identity',
    sheetSecret: 'Client secret',
    sheetKeepSafe: 'Keep this sheet safe: the secret unlocks the device.',
    savedWith: 'Saved with the secret as {name}: keep that file safe.',
    savedWithout: 'Saved without the secret as {name}.',
    ackLabel: 'To confirm you saved it, type the secret’s last group ({n} characters)',
    ack: 'I have saved it',
    waitingLabel: 'A secret waits to be saved',
    waiting: 'The new secret of {serial} is not confirmed as saved yet.',
    goTo: 'Show it',
  },
  statusBar: {
    connected: 'Connected: {target}',
    disconnected: 'No device connected',
    keychainOk: 'Keychain ready',
    keychainBad: 'Keychain unavailable ({code})',
    journalOk: { one: 'Journal intact, {n} record', other: 'Journal intact, {n} records' },
    journalBad: 'Journal has problems: see Inventory',
    checking: 'checking…',
    secretsWaiting: {
      one: '{n} new secret not yet confirmed as saved',
      other: '{n} new secrets not yet confirmed as saved',
    },
  },
  inventory: {
    meeting: 'Meeting check',
    heading: 'Inventory',
    help: 'Derived from the journal, the record of everything done to devices. No secret is shown here.',
    empty: 'The journal names no device yet.',
    serial: 'Serial',
    product: 'Product',
    identity: 'Identity',
    fingerprint: 'Fingerprint',
    expires: 'Valid until',
    state: 'State',
    last: 'Last action',
    keychain: 'Keychain',
    hasSecret: 'secret stored',
    noSecret: 'no secret',
    pending: 'change pending',
    records: { one: '{n} journal record', other: '{n} journal records' },
    verify: 'Verify the journal',
    verifyOk: {
      one: 'The journal is intact: {n} record, chain and anchor check.',
      other: 'The journal is intact: {n} records, chain and anchor check.',
    },
    verifyBad: 'The journal has problems:',
    line: 'line {n}',
    export: 'Export as CSV…',
    exported: { one: 'Exported {n} device to {name}.', other: 'Exported {n} devices to {name}.' },
    filter: 'Filter (serial, product, identity, state)',
    onlyExpiring: 'Only certificates ending within {days} days',
    expiring: 'ends soon',
    noMatch: 'No device matches the filter.',
    actions: {
      'secret.populate-plain': 'first secret set',
      'secret.rotate': 'secret rotated',
      'cert.add': 'certificate added',
      'cert.activate': 'certificate activated',
      'cert.deactivate': 'certificate deactivated',
      'cert.delete': 'certificate deleted',
      'config.backup': 'configuration backed up',
      'device.factory-reset': 'factory reset',
      'device.register': 'registered to Webex',
      'device.provision': 'provisioned',
      'device.renew': 'certificate renewed',
    } as Record<string, string>,
    results: {
      ok: 'done',
      failed: 'failed',
      unknown: 'outcome unknown',
      abandoned: 'abandoned',
      started: 'started',
    } as Record<string, string>,
    states: {
      seen: 'seen',
      'secret-set': 'secret set',
      'certificate-added': 'certificate added',
      active: 'identity active',
      deactivated: 'deactivated',
      'factory-reset': 'factory reset',
      unsettled: 'outcome unknown: connect to settle',
    } as Record<string, string>,
  },
  console: {
    heading: 'Console',
    help: 'What the tool and the device said to each other. Secrets are redacted, blobs shortened.',
    logLabel: 'Console transcript',
    empty: 'Nothing yet: connect to a device.',
    sent: 'sent',
    received: 'received',
    note: 'note',
    capture: 'Record a device capture',
    capturing: 'Recording…',
    captureHelp:
      'Asks the connected device a fixed set of read-only questions and saves its answers (serial numbers, names and addresses replaced) to a file. Send that file to the tool’s maintainers when you report how this device model behaves. Nothing on the device changes.',
    captured: 'Saved {n} answers to {file}.',
    lineWhole: 'Console lines of {n} bytes arrived whole.',
    lineCut: 'The console carries lines of {whole} bytes; {cut} bytes are cut.',
    captureFailed: 'These probes got no answer: {ids}.',
    captureUnavailable:
      'Read through the Webex cloud: these entries need a console and are listed in the file as not available through the cloud: {ids}.',
    probeAddRefusals:
      'Also ask how the device refuses a certificate Add (three attempts that cannot change it: junk on one line, the same wrapped, a blob under a secret it does not hold)',
  },
  inspect: {
    heading: 'Inspect a blob',
    help: 'Paste a blob to read its header. No secret is needed, and none is asked for.',
    label: 'Blob',
    button: 'Inspect',
    action: 'Action',
    enc: 'Encryption',
    salt: 'Salt',
    bytes: '{n} bytes',
    ciphertext: 'Ciphertext size',
    canonical: 'Header as the device expects',
    yes: 'yes',
    no: 'no',
  },
  warnings: {
    WARN_MODEL_UNLISTED:
      'This model is not on the list of devices known to support external identities. Go on only if Cisco lists it.',
    WARN_DEVICE_REGISTERED:
      'The device is already registered to Webex. The procedure expects an unregistered device: factory reset it first, or go on knowing it is registered.',
    WARN_DEVICE_ON_NETWORK:
      'The device is reached over the network. Keep a new device off the network until its identity is in place.',
    WARN_PLAIN_SECRET_OVER_NETWORK: 'The first secret will travel in clear over the network, as you allowed.',
    WARN_SECRET_KEPT:
      'The device already holds the secret the keychain has for it; the one you typed was not used. Rotate the secret to change it.',
    WARN_E2EE_STATUS_UNAVAILABLE:
      'The device lists the certificate as its WebexIdentity. It reports the E2EE identity status only once registered.',
    WARN_SECRET_WEAK:
      'This secret is weak: anyone who copies a blob made with it could guess it. Prefer a generated one.',
    WARN_SECRET_WHITESPACE_EDGE:
      'This secret begins or ends with a space, which is easy to lose when it is typed again.',
    WARN_SECRET_NOT_NFC:
      'This secret has Unicode characters in decomposed form; another keyboard may produce different bytes.',
    WARN_CERT_EXPIRING_SOON: 'The certificate expires within 30 days: plan its renewal.',
    WARN_CERT_SELF_SIGNED:
      'The certificate is self-signed: the device wants one issued by a public CA, so meetings will not show it as verified.',
    WARN_CERT_NO_CN: 'The certificate has no common name (CN): others in the meeting will see no identity.',
    WARN_CERT_IS_CA: 'This is a CA certificate, not a device certificate.',
    WARN_CERT_KEY_USAGE:
      'The certificate’s key usage does not include what an identity needs (digital signature).',
    WARN_CHAIN_BROKEN:
      'The certificates in the file do not form one chain; the device gets only the ones on the chain.',
    WARN_CHAIN_CERT_EXPIRED: 'A CA certificate in the file has expired.',
    WARN_LINE_LIMIT:
      'This console carries short lines. As chosen, the certificate goes wrapped over several lines if harmless probes show that the device joins them; they run once the secret is in place. If they show otherwise or cannot tell, the run stops before adding anything, with the secret kept; then use SSH.',
    WARN_RENEW_NEW_NAME:
      'The new certificate names another device than the active identity: others in meetings will see the new name.',
    WARN_HARDEN:
      'SecurityAction Harden turns off every local user, including the one this tool logs in as: registration comes last, and afterwards the console is closed to the tool.',
    WARN_HARDEN_NO_CONSOLE:
      'The device no longer answers at the console after registering with Harden: check its identity in Control Hub.',
    WARN_RESET_SKIPPED:
      'The device already uses this certificate and holds the keychain’s secret: it is not reset again.',
    WARN_ENCRYPTION_OPTION_OFF:
      'The device has no Encryption option key: its identity cannot be used in encrypted meetings until the key is installed.',
    WARN_NO_ACTIVE_IDENTITY:
      'The device has no active external identity now; the new certificate becomes its first.',
    WARN_OLD_CERT_KEPT:
      'The old certificate was not added by this tool, so it is kept (deactivated) on the device.',
    WARN_ROLLED_BACK: 'The old certificate is active again.',
    WARN_JOURNAL_TORN_TAIL:
      'The journal’s last line was cut off by a crash; it is repaired on the next write.',
    WARN_JOURNAL_HEAD_LAGS: 'The journal’s anchor is one record behind, as after a crash; nothing is lost.',
  } as Record<string, string>,
  fleet: {
    heading: 'Fleet (Webex cloud)',
    signInHelp:
      'Sign in to the Webex cloud with an access token of an administrator ({site}, or your integration). The token is checked, kept in the OS keychain and never shown again.',
    token: 'Access token',
    apiBase: 'API base',
    apiBaseHelp: 'Leave empty for {url}. {government} has its own.',
    signIn: 'Sign in',
    signOut: 'Sign out',
    oauthHeading: 'Sign in with Webex',
    oauthHelp:
      'Sign in in your browser through your Webex integration ({site}). Its redirect URI must be {redirect}. The tokens are kept in the OS keychain and renewed by the app; they are never shown.',
    clientId: 'Client ID',
    clientSecret: 'Client secret (when the integration has one)',
    redirectPort: 'Redirect port',
    redirectPortHelp: 'The port of the integration’s redirect URI. Leave empty for 8921.',
    oauthSignIn: 'Sign in with Webex',
    oauthWaiting:
      'Waiting for the browser… Sign in there and accept; this screen goes on by itself. Cancel stops waiting.',
    tokenHeading: 'Sign in with an access token',
    signedInOAuth:
      'Signed in with OAuth through the integration {clientId}; the access token expires at {expiry} and the app renews it.',
    signedInAs: 'Signed in as {name} ({email}) at {apiBase}.',
    filters: 'Filters',
    tags: 'Tags',
    tagsHelp: 'Separated by commas; a device must have all of them.',
    within: 'Expires within (days)',
    status: 'Connection status',
    anyStatus: 'any',
    list: 'List devices',
    counts: '{shown} of {all} devices shown; {selected} selected.',
    tableCaption: 'Devices by certificate expiry, soonest first',
    select: 'Select',
    selectDevice: 'Select {serial} ({name})',
    serial: 'Serial number',
    name: 'Name',
    product: 'Product',
    connection: 'Connection',
    identity: 'Identity',
    noIdentity: 'none',
    expiry: 'Certificate expiry',
    expiryUnknown: 'not reported',
    expiresIn: '{date} (in {days} days)',
    expired: '{date} (expired {days} days ago)',
    keychain: 'Secret in keychain',
    renewSelected: 'Renew selected',
    rotateSelected: 'Rotate secret for selected',
    checkMeeting: 'Check meeting',
    checkMeetingHelp:
      'Select one connected device: its meeting is read through the Webex cloud (end-to-end encryption, identities, the security code).',
    meetingHeading: 'Meeting check: {serial} ({name})',
    meetingReading: 'Reading the meeting through the Webex cloud…',
    capture: 'Capture',
    captureHelp:
      'Select one connected device: a fixed set of read-only questions is asked through the Webex cloud and the answers (serial numbers, names and addresses replaced) saved to a file in the app’s data folder, to send to the tool’s maintainers. Nothing on the device changes.',
    captureHeading: 'Capture: {serial} ({name})',
    captureReading: 'Reading the device through the Webex cloud…',
    watchMeeting: 'Watch',
    stopWatching: 'Stop watching',
    pollSeconds: 'Read again every (seconds)',
    pollInvalid: 'Give a whole number of seconds from {min} to {max}.',
    watchingMeeting:
      'Watching {serial} ({name}): its meeting is read through the Webex cloud every {n} s; joins and security code changes appear below.',
    renewHeading: 'Renew the certificates',
    renewHelp:
      'Choose each device’s new certificate (and its key, when it is a separate file). The key’s passphrase is sent once when the renewal starts.',
    rotateHeading: 'Rotate the client secrets',
    rotateHelp:
      'Each device gets a newly generated client secret through the cloud. The new secret is kept in the OS keychain.',
    chooseEach: 'Choose a certificate file for every selected device.',
    deviceLine: '{serial} — {name}',
    confirmRenew: 'Renew the certificate of {n} devices?',
    confirmRotate: 'Rotate the client secret of {n} devices?',
    confirmRenewWhat:
      'Each device’s new certificate is added and activated in place of the current one, through the Webex cloud.',
    confirmRotateWhat:
      'Each device’s client secret is replaced through the Webex cloud. The new secrets stay in the OS keychain.',
    confirmRenewButton: 'Renew these devices',
    confirmRotateButton: 'Rotate these secrets',
    running: 'Working on the devices…',
    outcome: 'Outcome',
    state: {
      waiting: 'waiting',
      running: 'in progress',
      done: 'done',
      failed: 'failed',
      skipped: 'already done in this run',
    },
    fingerprint: 'fingerprint {fingerprint}',
    rotatedKept:
      'The new client secrets are kept in the OS keychain. Renewals and rotations of these devices use them from there.',
    workspaceId: 'Workspace ID',
    getCode: 'Get activation code',
    codeFilled: 'An activation code was filled in; it expires at {expiry}.',
    signInFirst: 'Sign in to the Webex cloud on the Fleet screen first, then get the code here.',
  },
  errors: {
    ERR_APP_OAUTH_CLIENT_ID:
      'That is not a client id. Copy the integration’s client id from developer.webex.com (one word), then sign in again.',
    ERR_APP_BROWSER_UNAVAILABLE:
      'The sign-in page could not be opened in a browser. Check that a default browser is set, or sign in with an access token.',
    ERR_APP_FLEET_NOT_LISTED:
      'That device is not in the last list of devices. List the devices again, then choose.',
    ERR_APP_FLEET_NO_CERTIFICATE:
      'Choose the certificate file for every selected device first. Nothing was started.',
    ERR_JWE_PARTS: 'This is not a whole blob: a blob has five parts separated by dots. Copy it again.',
    ERR_JWE_BASE64URL: 'Part of this blob is damaged (a character that does not belong). Copy it again.',
    ERR_JWE_HEADER_NOT_JSON: 'The blob’s header cannot be read. Copy the blob again, whole.',
    ERR_JWE_DECRYPTION_FAILED: 'Decryption failed: the secret is wrong, or the blob was altered.',
    ERR_JWE_ALG: 'The blob’s header names another algorithm than "dir", the only one the device takes.',
    ERR_JWE_ENC: 'The blob’s encryption is not A128GCM or A256GCM, the only ones the device takes.',
    ERR_JWE_KDF: 'The blob’s header has no usable cisco-kdf (salt and version): no key can be derived.',
    ERR_JWE_KDF_VERSION: 'The blob’s cisco-kdf version is not "1", the only version.',
    ERR_JWE_SALT_TOO_SHORT: 'The blob’s salt is shorter than the device requires.',
    ERR_JWE_ACTION: 'The blob’s cisco-action is not add, populate, activate or deactivate.',
    ERR_JWE_IV_LENGTH: 'The blob’s IV has the wrong length for AES-GCM.',
    ERR_JWE_TAG_LENGTH: 'The blob’s tag has the wrong length for AES-GCM.',
    ERR_JWE_ENCRYPTED_KEY_NOT_EMPTY:
      'The blob’s second part must be empty: the key is derived from the secret.',
    ERR_JWE_HEADER_ORDER: 'The blob’s header is not in the order the device expects.',
    ERR_JWE_PAYLOAD_NOT_UTF8: 'The blob’s content is not text.',
    ERR_KEY_PASSPHRASE_EMPTY: 'The passphrase is empty. Give one and keep it safe.',
    ERR_ROTATE_NOT_APPLIED:
      'The connection was lost before the device took the new secret; it still holds the current one (checked). Rotate again.',
    ERR_JOURNAL_SECRET_REFUSED:
      'The journal refused a record that looked like it held a secret. Please report it.',
    ERR_JOURNAL_RECORD_INVALID: 'The journal refused a malformed record. Please report it.',
    ERR_UNKNOWN: 'Something unexpected went wrong. Please report it.',
    ERR_INTERNAL: 'Something unexpected went wrong. Please report it.',
    ERR_IPC_BAD_INPUT: 'The window sent a request main could not accept. Please report it.',
    ERR_IPC_UNTRUSTED_SENDER:
      'This request did not come from the application’s own window, so it was refused.',
    ERR_APP_MEETING_OTHER_DEVICE:
      'The connected device is not the one chosen for the meeting check: connect to the chosen device, then check again.',
    ERR_APP_NOT_CONNECTED: 'No device is connected. Connect to the device first.',
    ERR_APP_BUSY: 'Another action is still running on the device. Wait for it to finish, or stop it.',
    ERR_APP_NO_CERTIFICATE: 'Choose the device certificate file first.',
    ERR_APP_CREDENTIALS_UNCHECKED: 'Check the certificate and key before provisioning.',
    ERR_APP_OPTIONS: 'Restoring the device name needs the configuration backup: turn the backup on.',
    ERR_APP_ACK_MISMATCH:
      'That is not the secret’s last group. Look at the secret you saved and type its last group again.',
    ERR_APP_RESET_NOT_THIS_DEVICE:
      'The factory reset was confirmed for another device. Nothing was done: confirm it again for the device now connected.',
    ERR_APP_CREDENTIALS_REFUSED:
      'The certificate check says the device would refuse these files. Fix what it lists, check again, then provision.',
    ERR_APP_NO_REPORT: 'There is no handover sheet for this device in this window.',
    ERR_APP_NO_CLIPBOARD: 'This window cannot use the clipboard. Write the secret down instead.',
    ERR_APP_SECRET_MISMATCH: 'The two entries differ: type the new secret twice the same way.',
    ERR_APP_NO_SECRET_HERE:
      'The keychain holds no secret for this device. If it never had one, provision it instead; otherwise type its current secret.',
    ERR_APP_NOTHING_TO_REVEAL:
      'There is no new secret to show: a generated secret is shown only once. It is kept in the keychain.',
    ERR_DEVICE_TARGET: 'That is not a device target. Use serial:/dev/ttyACM0, ssh://admin@host, or sim:.',
    ERR_DEVICE_LOGIN_FAILED:
      'The device refused the login. Check the password (a factory-reset device has none) and try again.',
    ERR_DEVICE_PORT_BUSY:
      'Another program is using this serial port. Close it (a terminal, another copy of this tool) and connect again.',
    ERR_DEVICE_PORT_MISSING: 'The serial port is not there. Check the cable, then find the ports again.',
    ERR_DEVICE_PORT_PERMISSION:
      'This user may not open the serial port. On Linux, join the dialout group and log in again.',
    ERR_DEVICE_UNREACHABLE:
      'The device cannot be reached at that address. Check the address and the network.',
    ERR_DEVICE_HOST_KEY:
      'The device’s SSH host key is not the one pinned for it. Make sure it is the right device before you go on.',
    ERR_DEVICE_TIMEOUT:
      'The device did not answer in time. Check the cable and that the device is on, then run the step again.',
    ERR_DEVICE_DISCONNECTED:
      'The connection to the device was lost. Reconnect the cable, connect again, and Resume.',
    ERR_DEVICE_CLOSED: 'The connection to the device is closed. Connect again.',
    ERR_DEVICE_COMMAND_FAILED: 'The device refused the command. The console view shows its reason.',
    ERR_DEVICE_PARAMETER: 'A value is too long or malformed for the device.',
    ERR_DEVICE_ACTIVATION_CODE:
      'That is not an activation code: copy the 16-digit code from Control Hub (hyphens or spaces between the groups are fine). Nothing was done.',
    ERR_DEVICE_CONTROL_CHARACTER:
      'The password holds a line break or another control character, which would type a command into the device. Nothing was sent: type the password again without it.',
    ERR_DEVICE_NOT_RECOGNIZED: 'The device did not recognize a command: its software may be too old.',
    ERR_DEVICE_UNEXPECTED_OUTPUT:
      'The device answered in a way the tool does not understand. The console view shows what it said.',
    ERR_DEVICE_LINE_TOO_LONG: 'A command would be longer than the console takes; nothing was sent.',
    ERR_VAULT_UNAVAILABLE:
      'The OS keychain cannot be reached. Install or start a keyring (on Linux: GNOME Keyring or KeePassXC), then try again.',
    ERR_VAULT_LOCKED: 'The OS keychain is locked. Unlock it, then try again.',
    ERR_VAULT_NO_SECRET:
      'The keychain holds no secret for this device. Type its current secret, or import it from an escrow file.',
    ERR_VAULT_WRITE_LOST:
      'The keychain accepts entries but does not keep them; it cannot be used for client secrets.',
    ERR_VAULT_BAD_SERIAL: 'The device reported a serial number that cannot be used as a keychain name.',
    ERR_JOURNAL_TAMPERED:
      'The journal was edited and cannot be trusted. Keep it for inspection and start a new one.',
    ERR_JOURNAL_TRUNCATED: 'The end of the journal is missing. Keep it for inspection and start a new one.',
    ERR_JOURNAL_IO:
      'The journal cannot be read or written. Check the disk and the data folder’s permissions.',
    ERR_JOURNAL_LOCKED: 'Another copy of the tool is writing the journal. Close it and try again.',
    ERR_WORKFLOW_MODEL_UNSUPPORTED:
      'This device model cannot join end-to-end encrypted meetings with an external identity. Only Board, Desk Pro, Desk, Room Kit and Room Kit Mini can.',
    ERR_WORKFLOW_SOFTWARE_UNKNOWN:
      'The device’s software version holds no release number the tool can read. Check it on the device and report the text.',
    ERR_WORKFLOW_IDENTITY_AMBIGUOUS:
      'The device lists several certificates for WebexIdentity and the tool cannot tell which is the identity. Name it by its fingerprint.',
    ERR_WORKFLOW_NOT_ADDED_BY_TOOL:
      'This certificate was not added by this tool, so the tool does not delete it. Delete it on the device’s web interface if it must go.',
    ERR_WORKFLOW_CHAIN_CERTIFICATE:
      'That fingerprint belongs to a chain (CA) certificate, not to the identity itself. Name the identity’s own fingerprint.',
    ERR_WORKFLOW_NEEDS_REGISTRATION:
      'The device takes a client secret only once registered to Webex. Use the register-first order: register, then populate, add, activate and verify.',
    ERR_WORKFLOW_POPULATE_REFUSED:
      'The device refused the first client secret, with words the tool does not know (shown below). Read them: factory reset the device if it holds a secret, or register it first if it asks for that.',
    ERR_WORKFLOW_REGISTRATION_FAILED:
      'The Webex registration failed. Check the activation code (it is used once and expires) and the device’s network, then run the step again.',
    ERR_WORKFLOW_DEVICE_HARDENED:
      'The device was registered with SecurityAction Harden, which turned off its local users: the tool can no longer log in. Manage it from Control Hub, or factory reset it.',
    ERR_WORKFLOW_SOFTWARE_TOO_OLD:
      'The device’s software is too old: external identities need RoomOS 10.6.1 or later. Upgrade it first.',
    ERR_WORKFLOW_CERT_REJECTED:
      'The certificate cannot go on the device. Ask the CA for one the device accepts (see the problems below).',
    ERR_WORKFLOW_BATCH_ACTION:
      'A row of the batch file asks what its target cannot do: a webex: device is renewed, never provisioned, and a renew row takes no provisioning columns. Correct the named line and column; nothing was sent.',
    ERR_WORKFLOW_CERT_IN_USE:
      'This certificate or key is already on another device. Every device needs its own: ask the CA for a new one.',
    ERR_WORKFLOW_CONFIRMATION_REQUIRED: 'A factory reset erases the device: confirm it explicitly.',
    ERR_WORKFLOW_ADD_LINE_TOO_LONG:
      'The certificate is longer than this console carries on one line. Nothing on the device was changed. Connect over SSH (a direct cable keeps the device off the network; only the first secret needs the serial console), use a chain that fits (an ECDSA intermediate), or choose “Wrap long lines” to have the device probed first.',
    ERR_WORKFLOW_WRAP_NOT_JOINED:
      'Harmless probes did not show that the device joins a certificate wrapped over several lines (the details say what they learnt). Nothing was added or activated, and the secret is kept. Connect over SSH and resume, or use a chain that fits.',
    ERR_WORKFLOW_RENEW_NEW_NAME:
      'The new certificate names another device than the active identity. Nothing was changed. Check that it is the certificate for this device.',
    ERR_WORKFLOW_PLAIN_SECRET_OVER_NETWORK:
      'The first secret travels in clear, so it is populated at the serial console only. Connect over serial, or allow it explicitly.',
    ERR_WORKFLOW_SECRET_UNKNOWN:
      'The tool does not know the device’s client secret. Import it, or factory reset the device.',
    ERR_WORKFLOW_SECRET_HELD:
      'The device already has a client secret that the keychain does not hold. Factory reset it (an option), or import its secret.',
    ERR_WORKFLOW_FINGERPRINT_NOT_LISTED:
      'The device does not list the certificate. Resume; if it persists, the device did not take it.',
    ERR_WORKFLOW_VERIFY_FAILED:
      'The device does not show the identity as expected. Resume to try the activation again.',
    ERR_WORKFLOW_DEVICE_CHANGED:
      'A different device answered. Check the cable and connect to the right device.',
    ERR_WORKFLOW_CANCELLED: 'Stopped as you asked. Resume to go on from there.',
    ERR_WORKFLOW_NOTHING_TO_RESUME: 'There is nothing to resume: start the provisioning.',
    ERR_WORKFLOW_INPUT_READ: 'A chosen file cannot be read. Choose it again.',
    ERR_SIM_STATE_FILE: 'The simulator’s state file cannot be used. Choose a file in a folder that exists.',
    ERR_INPUT_NOT_FILE:
      'The chosen file is not a regular file (a pipe, a socket or a device): nothing was read. Choose a file.',
    ERR_DATA_DIR_UNUSABLE:
      'The data folder is under /proc or /sys, where nothing can be kept. Set E2EE_PROV_HOME to a folder of your own.',
    ERR_INPUT_READ: 'A file cannot be read (missing, a folder, or not allowed). Choose it again.',
    ERR_INPUT_TOO_LARGE:
      'The chosen file is far larger than such a file can be: it is the wrong file. Choose the right one.',
    ERR_CLOUD_AUTH:
      'The Webex cloud did not accept the sign-in: the token is wrong or expired. Sign in again.',
    ERR_CLOUD_FORBIDDEN:
      'The Webex cloud refused the request: the token lacks a scope it needs. Sign in with a token an organisation admin granted the xAPI and device scopes.',
    ERR_CLOUD_NOT_FOUND:
      'The Webex cloud knows no such device. Check its serial number or device id in Control Hub.',
    ERR_CLOUD_DEVICE_AMBIGUOUS:
      'Several devices of the organisation have that serial number. Name one by its device id.',
    ERR_CLOUD_RATE_LIMITED:
      'The Webex cloud kept answering “too many requests”. Try again later, or with fewer devices at once.',
    ERR_CLOUD_DEVICE_UNREACHABLE:
      'The device is not online in the Webex cloud, or did not answer. Bring it online and try again; the next run finds out whether a sent command ran.',
    ERR_CLOUD_HTTP:
      'The Webex cloud refused the request. Try again later; if it persists, give the trackingId to Webex support.',
    ERR_CLOUD_NETWORK:
      'The Webex cloud did not answer. Check the network connection (and a proxy), then try again.',
    ERR_CLOUD_BAD_ANSWER:
      'The Webex cloud answered something the tool cannot read. Check the API address and try again later.',
    ERR_CLOUD_COMMAND_UNAVAILABLE:
      'The device does not offer this command through the Webex cloud. Use its console for this step; nothing was sent.',
    ERR_CLOUD_PLAIN_SECRET_REFUSED:
      'A first client secret is never sent through the Webex cloud. Provision the device at its console first; nothing was sent.',
    ERR_CLOUD_FACTORY_RESET_REFUSED:
      'A factory reset is never sent through the Webex cloud. Reset the device at its console; nothing was sent.',
    ERR_CLOUD_REGISTER_REFUSED:
      'A device reached through the Webex cloud is registered already; nothing was sent.',
    ERR_CLOUD_PROVISION_REFUSED:
      'A device is never provisioned through the Webex cloud: provision it at its console first. Nothing was sent.',
    ERR_CLOUD_CONFIGURATION_UNAVAILABLE:
      'The tool does not read or change configuration through the Webex cloud. Do it at the device’s console or in Control Hub; nothing was sent.',
    ERR_CLOUD_NO_SECRET:
      'The keychain holds no client secret for this device: provision it at its console first, or import its secret.',
    ERR_CLOUD_NOT_SIGNED_IN: 'The tool is not signed in to the Webex cloud. Sign in first.',
    ERR_CLOUD_TOKEN_INVALID: 'The token file holds no usable access token. Put the token alone on one line.',
    ERR_CLOUD_API_BASE: 'That address cannot be the Webex API: it must be an https address.',
    ERR_CLOUD_OAUTH_STATE:
      'The browser came back with an answer that does not belong to this sign-in. Nothing was kept. Sign in again.',
    ERR_CLOUD_OAUTH_DENIED:
      'Webex did not grant the sign-in. Sign in as an organisation administrator and accept.',
    ERR_CLOUD_OAUTH_TIMEOUT: 'No answer came back from the browser in time. Sign in again.',
    ERR_CLOUD_OAUTH_PORT:
      "Another program uses the port the browser's answer comes back to. Close it, or use the port your integration registered.",
    ERR_CLOUD_OAUTH_CANCELLED:
      'The sign-in was cancelled; nothing was kept. Sign in again when you are ready.',
    ERR_CLOUD_OAUTH_GRANT:
      "Webex refused to give an access token. Check the client id, the client secret and the integration's redirect address.",
    ERR_ROTATE_REJECTED: 'The device refused the new secret; it still holds the current one.',
    ERR_ROTATE_OUTCOME_UNKNOWN:
      'The device did not answer, so it may hold either secret. Both are in the keychain: connect again and rotate, and the tool finds out which.',
    ERR_ROTATE_SECRET_UNKNOWN:
      'The device accepts neither the keychain’s secret nor the pending one. Import its secret from an escrow file, or factory reset it.',
    ERR_ROTATE_CURRENT_WRONG:
      'The device does not accept that as its current secret; nothing was changed. If the device never had a secret (new, or factory reset), there is nothing to rotate: provision it. Otherwise check the secret and type it again.',
    ERR_ROTATE_SAME_SECRET: 'The new secret is the current one. Choose another.',
    ERR_SECRET_EMPTY: 'The secret is empty. Type one, or let the tool generate one.',
    ERR_SECRET_TOO_LONG: 'The secret is too long for the device. Choose a shorter one.',
    ERR_SECRET_NOT_UTF8: 'The secret contains a broken character. Type it again.',
    ERR_SECRET_CONTROL_CHARACTER: 'The secret contains a control character nobody can type. Remove it.',
    ERR_SECRET_WEAK:
      'This secret is too easy to guess: nothing was sent to the device. Choose a longer one, or let the app generate one.',
    ERR_CERT_MISSING: 'The file holds no certificate. Choose the certificate file the CA issued.',
    ERR_CERT_PARSE: 'The certificate cannot be read; the file may be damaged. Choose it again.',
    ERR_KEY_PARSE: 'The private key cannot be read; it may be damaged or still encrypted.',
    ERR_KEY_MULTIPLE: 'The file holds more than one private key. Give only the device’s key.',
    ERR_KEY_PASSPHRASE_REQUIRED: 'The private key is encrypted: type its passphrase and check again.',
    ERR_KEY_PASSPHRASE_WRONG: 'The passphrase does not open the private key. Type it again.',
    ERR_P12_PARSE: 'The PKCS#12 file cannot be read; it may be damaged.',
    ERR_P12_PASSWORD_REQUIRED: 'The PKCS#12 file needs its password: type it and check again.',
    ERR_P12_PASSWORD_WRONG: 'The password does not open the PKCS#12 file. Type it again.',
    ERR_KEY_MISSING: 'No private key was given. Choose the key file, or a file that holds the key.',
    ERR_CERT_KEY_NOT_P256:
      'The certificate’s key is not ECDSA P-256, the only kind the device accepts. Ask the CA for a P-256 certificate.',
    ERR_CERT_KEY_MISMATCH: 'The private key does not belong to this certificate. Choose the matching key.',
    ERR_CERT_EXPIRED: 'The certificate has expired. Ask the CA for a new one.',
    ERR_CERT_NOT_YET_VALID:
      'The certificate is not valid yet. Check the computer’s clock, or wait until it is.',
    ERR_FLEET_INCOMPLETE:
      'Some devices of the fleet run failed; the others went on. Each device’s row says why. Run it again with the same run id to resume: the devices that are done are skipped.',
  } as Record<string, string>,
  /** What main said by code: step details, reasons and notes. */
  said: {
    PRECHECK_OK: '{product}, {software}, serial {serial}; certificate {cn}',
    BACKUP_EXISTS: 'the backup file of this device exists already',
    BACKUP_SAVED: 'configuration nodes saved to {file}: {n}',
    RESET_EARLIER: 'the device was reset earlier in this provisioning',
    RESET_SETTLED:
      'the reset an interrupted run started had taken (the device is factory-fresh): it is not repeated',
    RESET_NOT_NEEDED: 'the device is already provisioned with this certificate',
    RESET_DONE: 'the device restarted and answered again',
    SECRET_HELD_SETTLED:
      'the device already holds the secret stored for it; the pending copy an interrupted run left is settled',
    SECRET_HELD: 'the device already holds the secret stored for it',
    SECRET_TAKEN_EARLIER: 'the device took the secret in an earlier run; it is now stored',
    SECRET_GENERATED_SET: 'a generated secret was populated, and stored for the device',
    SECRET_GIVEN_SET: 'your secret was populated, and stored for the device',
    CERT_PRESENT: 'the device already has this certificate',
    CERT_ADDED: '{cn} (intermediate certificates with it: {n})',
    CERT_LISTED: 'listed as certificate {index}, fingerprint {fingerprint}',
    CERT_ACTIVE: 'the certificate is already active for WebexIdentity',
    IDENTITY_VERIFIED: 'certificate {fingerprint} is used for WebexIdentity',
    RESTORE_NONE: 'the backup holds none of the chosen nodes',
    RESTORE_DONE: 'configuration nodes restored: {n}',
    REGISTERED_HARDENED: 'registered with Harden: the console is closed to the tool',
    HANDOVER_WRITTEN: 'written to {file}',
    HANDOVER_WRITTEN_SECRET: 'written to {file} (it holds the secret: keep it safe)',
    EXTERNAL_IDENTITY: 'external identity {identity}: {status}',
    ALREADY_REGISTERED: 'the device is already registered',
    REGISTERED_HARDEN: 'registered with SecurityAction Harden: local users are now off',
    REGISTERED: 'registered to Webex',
    NOTE_RESETTING: 'Resetting: the device restarts and the tool logs in again when it answers.',
    NOTE_RESUMING: 'Resuming the provisioning started {at}: steps the device already has are skipped.',
    NOTE_REGISTERING:
      'Registering to Webex (SecurityAction {action}); the device answers when registration succeeded or failed, which can take up to {minutes} min.',
  } as Record<string, string>,
};
