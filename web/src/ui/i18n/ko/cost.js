// Korean text of the cost of each layer (web/src/ui/cost-view.js).
// The same keys in English: ../en/cost.js.
export default {
  'cost.title': '층별 비용',
  'cost.totals': '이미지 한 장에 파라미터 {params}개, 곱셈-덧셈 {macs}번',
  'cost.layer': '층',
  'cost.shape': '출력',
  'cost.params': '파라미터',
  'cost.macs': '곱셈-덧셈',
  'cost.ms': '시간 (ms)',
  'cost.total': '합계',
  'cost.note': '시간은 엔진 안에서 잰 값으로, 최근 {n}번 실행의 평균입니다 (브라우저 시계는 약 0.1 ms 단위로만 움직입니다). 곱셈-덧셈 수는 각 층의 모양에서 센 값입니다.',
};
