// <cnn-pool-lab>: the same lab, opened on pooling (max or average), with the
// pooling controls. Same attributes and events as <cnn-conv-lab>.
import { CnnConvLab } from './conv-lab.js';

export class CnnPoolLab extends CnnConvLab {
  static defaults = Object.freeze({ mode: 'pool' });
  static defaultControls = Object.freeze(['input', 'size', 'pool', 'poolWindow', 'poolStride', 'poolPadding', 'poolCeil', 'poolIncludePad', 'animation', 'pytorch']);

  get regionKey() {
    return 'widget.region.poolLab';
  }
}
