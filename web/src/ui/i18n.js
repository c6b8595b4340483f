// Every piece of UI text, in English and Korean. Components never hold
// strings of their own: they call t(lang, key, params). Korean uses the terms
// of Korean lecture notes: 합성곱, 필터, 스트라이드, 패딩, 풀링, 특성 맵.
//
// To add a string: add the key to both tables (a test checks they match).
// Parameters are written {name} and filled from `params` as text, never HTML.

export const LANGS = Object.freeze(['en', 'ko']);

export const STRINGS = {
  en: {
    'app.title': 'CNN playground',
    'engine.loading': 'Loading the engine…',
    'engine.failed': 'The engine failed to load: {message}',

    // the playground page
    'page.lang': 'Language',
    'page.intro': 'Draw a digit. A real convolutional network, running in your browser, reads it as you draw, and shows you what every layer sees.',
    'section.draw': 'Draw and classify',
    'section.network': 'Inside the network, layer by layer',
    'section.networkIntro': 'Each layer turns the maps before it into new ones. Hover over or tap a map to enlarge it.',
    'section.cost': 'What it costs',

    'pad.title': 'Draw here',
    'pad.label': 'Drawing pad: draw a digit with the mouse, a finger or a pen',
    'pad.clear': 'Clear',
    'pad.undo': 'Undo stroke',
    'pad.hint': 'Esc clears the pad, Ctrl+Z undoes the last stroke.',

    'model.label': 'Model',
    'model.digits': 'Handwritten digits (MNIST)',
    'model.fashion': 'Clothing (Fashion-MNIST)',
    'model.loading': 'Loading the model “{name}”…',
    'model.ready': 'Model: {name}',
    'model.untrained': 'The trained model “{name}” is not available: this network has random weights, so its guesses mean nothing.',
    'model.failed': 'The model failed to load: {message}',
    'run.failed': 'The network could not run: {message}',

    'samples.title': 'Real MNIST digits',
    'samples.titleFashion': 'Real Fashion-MNIST images',
    'samples.note': 'Held-out images the network never trained on: pick one to compare with your own drawing.',
    'samples.none': 'No sample images are available for this model.',
    'samples.pick': 'Sample {n}: {label}',

    'labels.fashion.0': 'T-shirt/top',
    'labels.fashion.1': 'Trouser',
    'labels.fashion.2': 'Pullover',
    'labels.fashion.3': 'Dress',
    'labels.fashion.4': 'Coat',
    'labels.fashion.5': 'Sandal',
    'labels.fashion.6': 'Shirt',
    'labels.fashion.7': 'Sneaker',
    'labels.fashion.8': 'Bag',
    'labels.fashion.9': 'Ankle boot',

    'probs.title': 'The network says',
    'probs.bars': 'Probability of each class',
    'probs.empty': 'Draw a digit',
    'probs.sure': '{percent}% sure',
    'probs.timing': 'Last update: {total} ms from the pen to these bars and maps (the network itself: {engine} ms)',

    'prep.title': 'What the network receives',
    'prep.switch': 'Prepare like MNIST',
    'prep.centreMark': 'centre of the image',
    'prep.comMark': 'centre of mass of the ink',
    'prep.crop': '1. Crop to the ink: {w}×{h} of {size}×{size}',
    'prep.crop.none': '1. Crop to the ink',
    'prep.fit': '2. Longer side to 20 px: {w}×{h}',
    'prep.fit.none': '2. Longer side to 20 px',
    'prep.input': '3. Centre of mass to the centre (moved {dx}, {dy}): the 28×28 input',
    'prep.input.empty': '3. The 28×28 input',
    'prep.off': 'Preparation off: the whole pad shrunk to 28×28, wherever the digit is. Compare the guess!',
    'prep.sample': 'A real MNIST image: already 28×28 and centred',

    'net.waiting': 'The layers appear here once the model has loaded.',
    'net.params': '{n} parameters',
    'net.mapsLabel': 'Layer {layer} ({name}): {maps} feature maps. Arrow keys pick one, Enter keeps it enlarged.',
    'net.filters': 'The {n} filters ({k} weights each): map k below is filter k slid over the input',

    'layer.input': 'Input',
    'layer.input.about': 'The 28×28 image, one channel of brightness.',
    'layer.conv2d': 'Convolution',
    'layer.conv2d.about': '{outC} filters of {k}×{inC}, stride {stride}, padding {pad}: each output map is one filter slid over all {inC} input channels (line up, multiply, add).',
    'layer.maxpool2d': 'Max pooling',
    'layer.maxpool2d.about': '{k} window, stride {stride}: keeps the largest value of each window. No weights; the channels stay.',
    'layer.avgpool2d': 'Average pooling',
    'layer.avgpool2d.about': '{k} window, stride {stride}: the mean of each window. No weights; the channels stay.',
    'layer.relu': 'ReLU',
    'layer.relu.about': 'max(0, x): negative values become 0, the rest pass.',
    'layer.leaky_relu': 'Leaky ReLU',
    'layer.leaky_relu.about': 'Negative values are scaled down instead of cut to 0.',
    'layer.sigmoid': 'Sigmoid',
    'layer.sigmoid.about': 'Squashes every value into 0..1.',
    'layer.tanh': 'Tanh',
    'layer.tanh.about': 'Squashes every value into −1..1.',
    'layer.flatten': 'Flatten',
    'layer.flatten.about': 'The maps laid end to end as one vector (one row per channel here). Nothing is computed.',
    'layer.dense': 'Fully connected',
    'layer.dense.about': '{inF} inputs → {outF} outputs: every output is a weighted sum of every input, plus a bias.',
    'layer.softmax': 'Softmax',
    'layer.softmax.about': 'Turns the scores into probabilities that add up to 1.',

    'legend.diverging': 'blue < 0 < orange',
    'legend.sequential': '0 (dark) to the largest value (yellow)',
    'legend.gray': 'ink brightness, 0 to 1',
    'legend.weights': 'weights: blue < 0 < orange',

    'zoom.title': 'Enlarged',
    'zoom.hint': 'Point at a map to enlarge it; click to keep it here.',
    'zoom.none': 'Point at a feature map.',
    'zoom.map': 'Layer {layer} ({name}): map {map} of {maps}, {h}×{w}',
    'zoom.vector': 'Layer {layer} ({name}): {n} values',
    'zoom.value': 'at ({x}, {y}): {v}',

    'cost.title': 'Cost per layer',
    'cost.totals': '{params} parameters and {macs} multiply-adds per image',
    'cost.layer': 'Layer',
    'cost.shape': 'Output',
    'cost.params': 'Parameters',
    'cost.macs': 'Multiply-adds',
    'cost.ms': 'Time (ms)',
    'cost.total': 'Total',
    'cost.note': 'Times are measured inside the engine, as the mean of the last {n} runs (the browser\'s clock only ticks in steps of about 0.1 ms); multiply-adds are counted from each layer\'s shape.',
  },
  ko: {
    'app.title': 'CNN 놀이터',
    'engine.loading': '엔진을 불러오는 중…',
    'engine.failed': '엔진을 불러오지 못했습니다: {message}',

    'page.lang': '언어',
    'page.intro': '숫자를 그려 보세요. 브라우저에서 실행되는 진짜 합성곱 신경망이 그리는 동안 숫자를 읽고, 각 층이 무엇을 보는지 보여 줍니다.',
    'section.draw': '그리고 분류하기',
    'section.network': '신경망 속을 한 층씩',
    'section.networkIntro': '각 층은 앞 층의 특성 맵을 새 특성 맵으로 바꿉니다. 맵 위에 마우스를 올리거나 탭하면 크게 보입니다.',
    'section.cost': '계산 비용',

    'pad.title': '여기에 그리세요',
    'pad.label': '그림판: 마우스, 손가락, 펜으로 숫자를 그리세요',
    'pad.clear': '지우기',
    'pad.undo': '한 획 되돌리기',
    'pad.hint': 'Esc로 모두 지우고, Ctrl+Z로 마지막 획을 되돌립니다.',

    'model.label': '모델',
    'model.digits': '손글씨 숫자 (MNIST)',
    'model.fashion': '옷 (Fashion-MNIST)',
    'model.loading': '“{name}” 모델을 불러오는 중…',
    'model.ready': '모델: {name}',
    'model.untrained': '학습된 “{name}” 모델이 없습니다. 이 신경망의 가중치는 무작위라서 예측에 의미가 없습니다.',
    'model.failed': '모델을 불러오지 못했습니다: {message}',
    'run.failed': '신경망을 실행하지 못했습니다: {message}',

    'samples.title': '진짜 MNIST 숫자',
    'samples.titleFashion': '진짜 Fashion-MNIST 이미지',
    'samples.note': '신경망이 학습에 쓰지 않은 이미지입니다. 하나를 골라 직접 그린 것과 비교해 보세요.',
    'samples.none': '이 모델에는 예시 이미지가 없습니다.',
    'samples.pick': '예시 {n}: {label}',

    'labels.fashion.0': '티셔츠/상의',
    'labels.fashion.1': '바지',
    'labels.fashion.2': '풀오버',
    'labels.fashion.3': '드레스',
    'labels.fashion.4': '코트',
    'labels.fashion.5': '샌들',
    'labels.fashion.6': '셔츠',
    'labels.fashion.7': '운동화',
    'labels.fashion.8': '가방',
    'labels.fashion.9': '앵클 부츠',

    'probs.title': '신경망의 판단',
    'probs.bars': '클래스별 확률',
    'probs.empty': '숫자를 그려 보세요',
    'probs.sure': '확신 {percent}%',
    'probs.timing': '마지막 갱신: 펜에서 이 막대와 특성 맵까지 {total} ms (신경망 계산만: {engine} ms)',

    'prep.title': '신경망이 받는 입력',
    'prep.switch': 'MNIST처럼 전처리',
    'prep.centreMark': '이미지의 중심',
    'prep.comMark': '잉크의 무게중심',
    'prep.crop': '1. 잉크만 잘라내기: {size}×{size} 중 {w}×{h}',
    'prep.crop.none': '1. 잉크만 잘라내기',
    'prep.fit': '2. 긴 변을 20 px로: {w}×{h}',
    'prep.fit.none': '2. 긴 변을 20 px로',
    'prep.input': '3. 무게중심을 가운데로 (이동 {dx}, {dy}): 28×28 입력',
    'prep.input.empty': '3. 28×28 입력',
    'prep.off': '전처리 끔: 숫자가 어디에 있든 그림판 전체를 28×28로 줄입니다. 예측을 비교해 보세요!',
    'prep.sample': '진짜 MNIST 이미지: 이미 28×28이고 가운데 정렬됨',

    'net.waiting': '모델을 불러오면 여기에 층들이 나타납니다.',
    'net.params': '매개변수 {n}개',
    'net.mapsLabel': '{layer}층 ({name}): 특성 맵 {maps}개. 화살표 키로 고르고 Enter로 확대를 고정합니다.',
    'net.filters': '필터 {n}개 (각각 {k} 가중치): 아래의 k번 특성 맵은 k번 필터를 입력 위로 밀며 얻은 것입니다',

    'layer.input': '입력',
    'layer.input.about': '28×28 이미지, 밝기 채널 하나.',
    'layer.conv2d': '합성곱',
    'layer.conv2d.about': '{k}×{inC} 필터 {outC}개, 스트라이드 {stride}, 패딩 {pad}: 각 출력 특성 맵은 필터 하나를 입력 채널 {inC}개 전체 위로 밀며 얻습니다 (맞추고, 곱하고, 더하기).',
    'layer.maxpool2d': '최대 풀링',
    'layer.maxpool2d.about': '{k} 창, 스트라이드 {stride}: 각 창의 가장 큰 값을 남깁니다. 가중치가 없고 채널 수는 그대로입니다.',
    'layer.avgpool2d': '평균 풀링',
    'layer.avgpool2d.about': '{k} 창, 스트라이드 {stride}: 각 창의 평균. 가중치가 없고 채널 수는 그대로입니다.',
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

    'cost.title': '층별 비용',
    'cost.totals': '이미지 한 장에 매개변수 {params}개, 곱셈-덧셈 {macs}번',
    'cost.layer': '층',
    'cost.shape': '출력',
    'cost.params': '매개변수',
    'cost.macs': '곱셈-덧셈',
    'cost.ms': '시간 (ms)',
    'cost.total': '합계',
    'cost.note': '시간은 엔진 안에서 잰 값으로, 최근 {n}번 실행의 평균입니다 (브라우저 시계는 약 0.1 ms 단위로만 움직입니다). 곱셈-덧셈 수는 각 층의 모양에서 센 값입니다.',
  },
};

/** Picks a supported language from a tag such as "ko-KR"; English otherwise. */
export function pickLang(tag) {
  const base = String(tag ?? '').toLowerCase().split(/[-_]/)[0];
  return LANGS.includes(base) ? base : 'en';
}

/** The text for `key` in `lang` (falling back to English), with {params} filled in. */
export function t(lang, key, params = {}) {
  const table = STRINGS[pickLang(lang)];
  const template = table[key] ?? STRINGS.en[key];
  if (template === undefined) return key;
  return template.replace(/\{(\w+)\}/g, (m, name) => (Object.hasOwn(params, name) ? String(params[name]) : m));
}
