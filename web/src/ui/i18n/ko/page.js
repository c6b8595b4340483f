// Korean text of the playground page itself (index.html, app.js): its intro,
// the engine line and the headings of the draw, network and cost sections.
// The same keys in English: ../en/page.js.
export default {
  'page.lang': '언어',
  'page.engine': '엔진 {version}, SIMD를 쓰는 웹어셈블리({arch}, 벡터 하나에 실수 {width}개), 워커 스레드 하나.',
  'page.intro': '숫자를 그려 보세요. 브라우저에서 실행되는 실제 합성곱 신경망이 그리는 동안 숫자를 읽고, 각 층이 무엇을 보는지 보여 줍니다.',
  'section.draw': '그리고 분류하기',
  'section.network': '신경망 속을 한 층씩',
  'section.networkIntro': '각 층은 앞 층의 특성 맵을 새 특성 맵으로 바꿉니다. 맵 위에 마우스를 올리거나 탭하면 크게 보입니다.',
  'section.cost': '계산 비용',
};
