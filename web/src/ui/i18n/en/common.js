// English text that any piece may show: the page's title and the engine's
// loading state.
// The same keys in Korean: ../ko/common.js.
export default {
  'app.title': 'CNN playground',
  'engine.loading': 'Loading the engine…',
  'engine.failed': 'The engine failed to load: {message}',
};
