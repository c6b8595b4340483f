// Korean text of the engine's failures that carry a code (engine/geometry.cpp
// gives each its named numbers): errorText() in ../../i18n.js picks
// engine.<code>.<axis>, else engine.<code>.
// The same keys in English: ../en/engine.js.
export default {
  'engine.value_too_small': '{field:은} {min} 이상이어야 하는데, {value:이} 주어졌습니다.',
  'engine.value_too_small.height': '{field}(높이)는 {min} 이상이어야 하는데, {value:이} 주어졌습니다.',
  'engine.value_too_small.width': '{field}(너비)는 {min} 이상이어야 하는데, {value:이} 주어졌습니다.',
  'engine.value_too_large': '{field} {value:은} 한도 {max:을} 넘습니다.',
  'engine.value_too_large.height': '{field}(높이) {value:은} 한도 {max:을} 넘습니다.',
  'engine.value_too_large.width': '{field}(너비) {value:은} 한도 {max:을} 넘습니다.',
  'engine.same_needs_stride_1': "padding='same'은 스트라이드 1에서만 크기를 유지합니다 (PyTorch도 다른 스트라이드는 받지 않습니다). 지금 스트라이드는 {stride_h}×{stride_w}입니다.",
  'engine.groups_do_not_divide': '{field}={channels:이} groups={groups:로} 나누어떨어지지 않습니다.',
  'engine.pool_padding_too_big.height': '풀링 패딩 {padding:이} 윈도 높이 {window}의 절반보다 큽니다: PyTorch처럼 {max}까지만 됩니다.',
  'engine.pool_padding_too_big.width': '풀링 패딩 {padding:이} 윈도 너비 {window}의 절반보다 큽니다: PyTorch처럼 {max}까지만 됩니다.',
  'engine.needs_image': '{kind:은} 이미지 입력(채널 × 높이 × 너비)이 필요한데, 입력이 값 {features}개짜리 1차원 벡터입니다.',
  'engine.channels_do_not_match': '합성곱은 입력 채널 {expected}개(in_channels)를 기대하지만, 입력의 채널은 {got}개입니다.',
  'engine.kernel_too_big.height': '높이 {kernel}인 커널이 패딩을 두른 입력에 들어가지 않습니다: 입력의 높이가 {padded}뿐입니다 ({size} + 패딩 {pad_before} + {pad_after}).',
  'engine.kernel_too_big.width': '너비 {kernel}인 커널이 패딩을 두른 입력에 들어가지 않습니다: 입력의 너비가 {padded}뿐입니다 ({size} + 패딩 {pad_before} + {pad_after}).',
  'engine.dilated_kernel_too_big.height': '높이 {kernel}인 커널은 팽창 {dilation:으로} {span}행에 걸치는데, 패딩을 두른 입력의 높이는 {padded}뿐입니다 ({size} + 패딩 {pad_before} + {pad_after}).',
  'engine.dilated_kernel_too_big.width': '너비 {kernel}인 커널은 팽창 {dilation:으로} {span}열에 걸치는데, 패딩을 두른 입력의 너비는 {padded}뿐입니다 ({size} + 패딩 {pad_before} + {pad_after}).',
  'engine.pool_window_too_big.height': '높이 {window}인 풀링 윈도가 패딩을 두른 입력에 들어가지 않습니다: 입력의 높이가 {padded}뿐입니다 ({size} + 패딩 {padding} + {padding}).',
  'engine.pool_window_too_big.width': '너비 {window}인 풀링 윈도가 패딩을 두른 입력에 들어가지 않습니다: 입력의 너비가 {padded}뿐입니다 ({size} + 패딩 {padding} + {padding}).',
  'engine.dense_needs_flat': '완전연결 층은 특성 {in_features}개짜리 1차원 입력이 필요한데, 입력이 {shape}입니다 (앞에 flatten 층을 넣으세요).',
  'engine.dense_in_features': '완전연결 층은 입력 {expected}개(in_features)를 기대하지만, {got}개를 받습니다.',
};
