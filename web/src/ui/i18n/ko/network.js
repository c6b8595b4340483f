// Korean text of the network, layer by layer (web/src/ui/network-view.js; the
// layer names also in cost-view.js): maps, layers, colour legends, the enlarged map.
// The same keys in English: ../en/network.js.
export default {
  'net.waiting': '모델을 불러오면 여기에 층들이 나타납니다.',
  'net.params': '파라미터 {n}개',
  'net.mapsLabel': '{layer}층 ({name}): 특성 맵 {maps}개. 화살표 키로 고르고 Enter로 확대를 고정합니다.',
  'net.filters': '필터 {n}개 (각각 {k} 가중치): 아래의 k번 특성 맵은 k번 필터를 입력 위로 밀며 얻은 것입니다',

  'layer.input': '입력',
  'layer.input.about': '28×28 이미지, 밝기 채널 하나.',
  'layer.conv2d': '합성곱',
  'layer.conv2d.about': '{k}×{inC} 필터 {outC}개, 스트라이드 {stride}, 패딩 {pad}: 각 출력 특성 맵은 필터 하나를 입력 채널 {inC}개 전체 위로 밀며 얻습니다 (맞추고, 곱하고, 더하기).',
  'layer.maxpool2d': '최대 풀링',
  'layer.maxpool2d.about': '{k} 윈도, 스트라이드 {stride}: 각 윈도의 가장 큰 값을 남깁니다. 가중치가 없고 채널 수는 그대로입니다.',
  'layer.avgpool2d': '평균 풀링',
  'layer.avgpool2d.about': '{k} 윈도, 스트라이드 {stride}: 각 윈도의 평균. 가중치가 없고 채널 수는 그대로입니다.',
  'layer.relu': 'ReLU',
  'layer.relu.about': 'max(0, x): 음수는 0이 되고 나머지는 그대로 통과합니다.',
  'layer.leaky_relu': 'Leaky ReLU',
  'layer.leaky_relu.about': '음수를 0으로 자르지 않고 작게 줄입니다.',
  'layer.sigmoid': '시그모이드',
  'layer.sigmoid.about': '모든 값을 0..1 사이로 눌러 담습니다.',
  'layer.tanh': 'Tanh',
  'layer.tanh.about': '모든 값을 −1..1 사이로 눌러 담습니다.',
  'layer.flatten': '펼치기 (Flatten)',
  'layer.flatten.about': '특성 맵들을 한 줄의 벡터로 이어 붙입니다 (여기서는 채널마다 한 행). 계산은 없습니다.',
  'layer.dense': '완전 연결',
  'layer.dense.about': '입력 {inF}개 → 출력 {outF}개: 각 출력은 모든 입력의 가중합에 편향을 더한 값입니다.',
  'layer.softmax': '소프트맥스',
  'layer.softmax.about': '점수를 합이 1인 확률로 바꿉니다.',

  'legend.diverging': '파랑 < 0 < 주황',
  'legend.sequential': '0 (어두움)부터 최댓값 (노랑)까지',
  'legend.gray': '잉크 밝기, 0부터 1까지',
  'legend.weights': '가중치: 파랑 < 0 < 주황',

  'zoom.title': '확대',
  'zoom.hint': '특성 맵을 가리키면 크게 보입니다. 클릭하면 고정됩니다.',
  'zoom.none': '특성 맵을 가리켜 보세요.',
  'zoom.map': '{layer}층 ({name}): 특성 맵 {maps}개 중 {map}번, {h}×{w}',
  'zoom.vector': '{layer}층 ({name}): 값 {n}개',
  'zoom.value': '({x}, {y}) 위치: {v}',
};
