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
  'engine.onnx_unsupported_op': '노드 {node} “{name}”은(는) {op} 연산인데, 가져오기 도구에 이 연산의 층이 없습니다. 읽을 수 있는 연산: Conv, MaxPool, AveragePool, Relu, LeakyRelu, Sigmoid, Tanh, Flatten, Gemm, MatMul과 Add, BatchNormalization, Softmax, LogSoftmax, Dropout, 그리고 flatten의 모양 연산.',
  'engine.onnx_asymmetric_padding': '노드 {node} “{name}”({op})의 패딩이 고르지 않습니다 (위 {top}, 아래 {bottom}, 왼쪽 {left}, 오른쪽 {right}). PyTorch의 층은 양쪽을 똑같이 패딩합니다.',
  'engine.onnx_branch': '노드 {node} “{name}”({op})은(는) 데이터에서 계산한 두 값을 더합니다 (잔차 연결). 이 엔진의 신경망은 층이 한 줄로 이어진 구조입니다.',
  'engine.onnx_opset': '이 모델은 ONNX opset {opset:을} 씁니다. 가져오기 도구는 opset {min}부터 {max}까지 읽습니다 (torch.onnx.export(..., opset_version=13)).',
  'engine.onnx_damaged': '읽을 수 있는 ONNX 모델이 아닙니다: {bytes}바이트가 손상되었거나 잘렸습니다.',
  'engine.labels_count': '모델의 레이블은 {labels}개인데, 신경망의 출력은 {outputs}개입니다.',
  'engine.normalize_count': '입력 정규화의 평균이 {means}개, 표준편차가 {stds}개입니다. 각각 하나, 또는 입력 채널마다 하나({channels}개)가 필요합니다.',
  'engine.normalize_value': '채널 {channel}의 입력 정규화 값({which})이 {value}입니다. 평균은 유한한 수, 표준편차는 0보다 큰 유한한 수여야 합니다.',
};
