// The error every engine call throws: its message is the engine's own (or the
// client's, for a value of the wrong type), naming the parameter and the value.
export class EngineError extends Error {
  constructor(message) {
    super(message);
    this.name = 'EngineError';
  }
}
