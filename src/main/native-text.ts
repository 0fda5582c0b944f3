/**
 * The words of the windows the operating system draws for main (file dialogs, the question on quit), in
 * the language the window reports (`app.language`). Everything else the person reads comes from the
 * renderer's catalogues.
 */
import type { AppLanguage } from '../contract/index.js';

export interface NativeText {
  chooseCertificate: string;
  chooseKey: string;
  certificates: string;
  privateKeys: string;
  allFiles: string;
  saveHandover: string;
  exportInventory: string;
  quitTitle: string;
  quitMessage: (serials: string) => string;
  quitDetail: string;
  quitStay: string;
  quitLeave: string;
  /** The handover sheet as saved: its title, the labels of its lines, and the words around the secret. */
  sheet: {
    title: string;
    product: string;
    serial: string;
    software: string;
    identity: string;
    fingerprint: string;
    notAfter: string;
    enc: string;
    provisionedAt: string;
    registered: string;
    yes: string;
    no: string;
    unknown: string;
    secret: string;
    keepSafe: string;
  };
}

export const NATIVE_TEXT: Record<AppLanguage, NativeText> = {
  en: {
    chooseCertificate: 'Choose the device certificate',
    chooseKey: 'Choose the private key',
    certificates: 'Certificates',
    privateKeys: 'Private keys',
    allFiles: 'All files',
    saveHandover: 'Save the handover sheet',
    exportInventory: 'Export the inventory',
    quitTitle: 'A new client secret is not saved yet',
    quitMessage: (serials) => `The new client secret of ${serials} has not been acknowledged.`,
    quitDetail:
      'It is in the keychain, but the device owner needs it. Stay, reveal it and confirm you saved it; if you quit, it can be read only from the keychain.',
    quitStay: 'Stay and save the secret',
    quitLeave: 'Quit anyway',
    sheet: {
      title: 'Handover sheet: the device’s end-to-end encryption identity',
      product: 'Device',
      serial: 'Serial number',
      software: 'Software',
      identity: 'Identity (CN)',
      fingerprint: 'Fingerprint',
      notAfter: 'Valid until',
      enc: 'Encryption',
      provisionedAt: 'Provisioned',
      registered: 'Registered',
      yes: 'yes',
      no: 'no',
      unknown: 'not known',
      secret: 'Client secret',
      keepSafe: 'Keep this sheet safe: the secret unlocks the device.',
    },
  },
  ko: {
    chooseCertificate: '장치 인증서 선택',
    chooseKey: '개인 키 선택',
    certificates: '인증서',
    privateKeys: '개인 키',
    allFiles: '모든 파일',
    saveHandover: '인계서 저장',
    exportInventory: '장치 목록 내보내기',
    quitTitle: '새 클라이언트 비밀이 아직 저장되지 않았습니다',
    quitMessage: (serials) => `${serials}의 새 클라이언트 비밀이 아직 저장 확인되지 않았습니다.`,
    quitDetail:
      '키체인에는 있지만 장치 소유자에게 필요합니다. 머물러서 비밀을 표시하고 저장했음을 확인하십시오. 종료하면 키체인에서만 읽을 수 있습니다.',
    quitStay: '머물러서 비밀 저장',
    quitLeave: '그래도 종료',
    sheet: {
      title: '인계서: 장치의 종단 간 암호화 ID',
      product: '장치',
      serial: '일련번호',
      software: '소프트웨어',
      identity: 'ID(CN)',
      fingerprint: '지문',
      notAfter: '만료일',
      enc: '암호화',
      provisionedAt: '프로비저닝 일시',
      registered: 'Webex 등록',
      yes: '예',
      no: '아니요',
      unknown: '알 수 없음',
      secret: '클라이언트 비밀',
      keepSafe: '이 인계서를 안전하게 보관하십시오. 이 비밀로 장치를 열 수 있습니다.',
    },
  },
};
