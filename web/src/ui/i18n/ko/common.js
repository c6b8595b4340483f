// Korean text that any piece may show: the page's title and the engine's
// loading state.
// The same keys in English: ../en/common.js.
export default {
  'app.title': 'CNN 놀이터',
  'engine.loading': '엔진을 불러오는 중…',
  'engine.failed': '엔진을 불러오지 못했습니다: {message}',
};
