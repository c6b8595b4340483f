// Korean text of taking a network away from the page (모델 파일과 ONNX 내려받기,
// PyTorch 코드와 복사 버튼). The same keys in English: ../en/export.js.
export default {
  'export.title': '이 신경망 가져가기',
  'export.note': 'ONNX 파일(opset 13)은 ONNX Runtime과 PyTorch 도구에서 열리며, 클래스 이름과 모델 설명이 메타데이터에 들어 있습니다. PyTorch 코드는 같은 층을 만들고, load_onnx_weights()가 그 파일에서 가중치를 읽어 옵니다.',
  'export.cnnm': '모델 저장 (.cnnm)',
  'export.onnx': 'ONNX로 내려받기',
  'export.working': '{file} 만드는 중…',
  'export.saved': '{file} 저장함 ({kb} KB).',
  'export.failed': '파일을 만들지 못했습니다: {message}',
  'export.none': '아직 열린 신경망이 없습니다.',
  'export.pytorch': '같은 신경망을 PyTorch로 (nn.Sequential)',
  'export.copy': '코드 복사',
  'export.copied': '복사했습니다.',
  'export.copyFailed': '브라우저가 복사를 허용하지 않았습니다. 코드를 선택해 직접 복사하세요.',
};
