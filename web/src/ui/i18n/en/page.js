// English text of the playground page itself (index.html, app.js): its intro,
// the engine line and the headings of the draw, network and cost sections.
// The same keys in Korean: ../ko/page.js.
export default {
  'page.lang': 'Language',
  'page.engine': 'Engine {version}, WebAssembly with SIMD ({arch}, {width} floats per vector), one Worker thread.',
  'page.intro': 'Draw a digit. A real convolutional network, running in your browser, reads it as you draw, and shows you what every layer sees.',
  'section.draw': 'Draw and classify',
  'section.network': 'Inside the network, layer by layer',
  'section.networkIntro': 'Each layer turns the maps before it into new ones. Hover over or tap a map to enlarge it.',
  'section.cost': 'What it costs',
};
