import type { en } from './en.js';

export const ko: typeof en = {
  title: 'E2EE ID 프로비저너',
  nav: { inspect: '블롭 검사' },
  inspect: {
    heading: '블롭 검사',
    help: '블롭을 붙여 넣으면 헤더를 읽습니다. 비밀은 필요하지 않으며 묻지 않습니다.',
    label: '블롭',
    button: '검사',
    action: '동작',
    enc: '암호화',
    salt: '솔트',
    saltBytes: '바이트',
    ciphertext: '암호문',
    canonical: '장치가 기대하는 헤더 형식',
    yes: '예',
    no: '아니요',
  },
  errors: {
    ERR_JWE_PARTS:
      '블롭 전체가 아닙니다. 블롭은 점으로 구분된 다섯 부분으로 되어 있습니다. 다시 복사하십시오.',
    ERR_JWE_BASE64URL: '블롭 일부가 손상되었습니다(허용되지 않는 문자). 다시 복사하십시오.',
    ERR_JWE_HEADER_NOT_JSON: '블롭의 헤더를 읽을 수 없습니다. 블롭 전체를 다시 복사하십시오.',
    ERR_JWE_DECRYPTION_FAILED: '복호화에 실패했습니다. 비밀이 틀렸거나 블롭이 변경되었습니다.',
    ERR_INTERNAL: '예기치 않은 오류가 발생했습니다. 신고해 주십시오.',
  },
};
