// The error every engine call throws: its message is the engine's own (or the
// client's, for a value of the wrong type), naming the parameter and the value.
// A failure the engine gives a code also carries it, with its named numbers
// (e.code 'kernel_too_big', e.params { axis: 'height', kernel: 7, padded: 5, ... }),
// so that a page can say it in its reader's language; code is '' otherwise.
export class EngineError extends Error {
  constructor(message, { code = '', params = {} } = {}) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    this.params = params;
  }
}
