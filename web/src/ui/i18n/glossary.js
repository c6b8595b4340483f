// The Korean terms of the whole page: one term for each idea, the one the
// Korean lecture notes use. A test holds every Korean UI string to it: a
// string that uses a rejected variant fails.
//
// To add a term: { term, rejected: [patterns] }; a pattern is a RegExp (so
// that 창 can be refused without refusing 팽창).
export const GLOSSARY = Object.freeze([
  { term: '파라미터', rejected: [/매개\s?변수/] },
  { term: '윈도', rejected: [/(?<!팽)창/u, /윈도우/] },
  { term: '신경망', rejected: [/네트워크/] },
  { term: '합성곱', rejected: [/컨볼루션|콘볼루션|컨벌루션|합성 곱|진짜 합성곱/] },
  { term: '필터', rejected: [/휠터/] },
  { term: '스트라이드', rejected: [/보폭|스트라이더/] },
  { term: '패딩', rejected: [/덧대기|채우기 칸/] },
  { term: '풀링', rejected: [/통합층|폴링/] },
  { term: '특성 맵', rejected: [/특징\s?맵|피처\s?맵|특성맵|특성 지도|특징 지도/] },
  { term: '활성화 함수', rejected: [/활성\s함수|활성함수|활성화함수/] },
  { term: '교차상관', rejected: [/교차\s상관|상호\s?상관|크로스\s?코릴레이션/] },
  { term: '편향', rejected: [/바이어스|편차값/] },
]);
