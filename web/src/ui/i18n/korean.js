// Korean particles after a word or a number. A particle such as 을/를 depends
// on whether the syllable it follows ends in a consonant (받침), and after a
// number that syllable is the last one of the number as it is read:
// 0 영, 1 일, 2 이, 3 삼, ... 10 십, 100 백, 1000 천, 10000 만, 1억, 1조.
// So 0을, 2를, 10을, 3으로, 7로 (ㄹ takes 로, as a vowel does).
//
// In a Korean UI string, a parameter followed by a particle is written with it:
// {n:을} gives "0을" or "2를" (any of the pair may be written: {n:를} is the same).

// The final consonant of the reading of each digit (true: the syllable has one):
// 영 일 이 삼 사 오 육 칠 팔 구.
const DIGIT_FINAL = ['ㅇ', 'ㄹ', '', 'ㅁ', '', '', 'ㄱ', 'ㄹ', 'ㄹ', ''];
// The final consonant of the unit a whole number's trailing zeros are read as:
// 십 (10), 백 (100), 천 (1000), 만 (10^4..10^7), 억 (10^8..10^11), 조 (10^12..).
const UNIT_FINAL = ['', 'ㅂ', 'ㄱ', 'ㄴ', 'ㄴ', 'ㄴ', 'ㄴ', 'ㄴ', 'ㄱ', 'ㄱ', 'ㄱ', 'ㄱ', '', '', '', ''];
const HANGUL_FINALS = ['', 'ㄱ', 'ㄲ', 'ㄳ', 'ㄴ', 'ㄵ', 'ㄶ', 'ㄷ', 'ㄹ', 'ㄺ', 'ㄻ', 'ㄼ', 'ㄽ', 'ㄾ', 'ㄿ', 'ㅀ',
  'ㅁ', 'ㅂ', 'ㅄ', 'ㅅ', 'ㅆ', 'ㅇ', 'ㅈ', 'ㅊ', 'ㅋ', 'ㅌ', 'ㅍ', 'ㅎ'];

/** The final consonant of a number written in digits as Korean reads it ('' for none). */
export function numberFinal(digits) {
  const m = /(\d+)(?:\.(\d+))?$/.exec(String(digits).replace(/(\d),(?=\d{3}(?!\d))/g, "$1"));
  if (!m) return null;
  if (m[2] !== undefined) return DIGIT_FINAL[Number(m[2].at(-1))];  // 1.5: 일 점 오, digit by digit after the point
  const whole = m[1].replace(/^0+(?=\d)/, '');
  if (/^0+$/.test(whole)) return DIGIT_FINAL[0];
  const zeros = whole.length - whole.replace(/0+$/, '').length;
  return zeros === 0 ? DIGIT_FINAL[Number(whole.at(-1))] : UNIT_FINAL[Math.min(zeros, UNIT_FINAL.length - 1)];
}

/**
 * The final consonant of the last syllable of a text as read ('' for none):
 * a number by its Korean reading, a Hangul syllable by its own; Latin
 * letters roughly as they are said (…l ㄹ, …m/n ㄴ, else none).
 */
export function finalOf(text) {
  const s = String(text).replace(/[\s)\]}'"”’.,:;!?%×·…]+$/u, '');
  if (/\d$/.test(s)) return numberFinal(s);
  const last = s.at(-1) ?? '';
  const code = last.codePointAt(0) ?? 0;
  if (code >= 0xac00 && code <= 0xd7a3) return HANGUL_FINALS[(code - 0xac00) % 28];
  if (/[lL]$/.test(last)) return 'ㄹ';
  if (/[mnMN]$/.test(last)) return 'ㄴ';
  return '';
}

// Each pair: [after a consonant, after a vowel]; (으)로 goes with 로 after ㄹ too.
const PAIRS = [['을', '를'], ['이', '가'], ['은', '는'], ['과', '와'], ['으로', '로'], ['이면', '면'], ['이다', '다'], ['이고', '고']];

/** The particle of `particle`'s pair that follows `text`: particle('0', '를') is '을'. */
export function particle(text, which) {
  const pair = PAIRS.find((p) => p.includes(which));
  if (!pair) throw new RangeError(`no Korean particle pair holds ${JSON.stringify(which)}`);
  const fin = finalOf(text);
  if (pair[0] === '으로') return fin === '' || fin === 'ㄹ' ? '로' : '으로';
  return fin === '' ? pair[1] : pair[0];
}

/** The text with its particle: withParticle(3, '로') is '3으로'. */
export function withParticle(text, which) {
  return `${text}${particle(text, which)}`;
}
