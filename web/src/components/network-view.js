// <cnn-network-view>: draw a digit and watch every layer of the network
// respond: its kind, shape, parameters and feature maps (the draw pad and
// the Playground's NetworkView; with cost="true" also the cost per layer).
// Attributes and events as <cnn-draw-classify>, plus cost.
import { CnnDrawClassify } from './draw-classify.js';

export class CnnNetworkView extends CnnDrawClassify {
  static options = { ...CnnDrawClassify.options, cost: null };

  get regionKey() {
    return 'widget.region.networkView';
  }

  containers(box) {
    const part = (name) => {
      const div = document.createElement('div');
      div.className = `cnn-part cnn-part-${name}`;
      box.append(div);
      return div;
    };
    const draw = part('draw');
    const network = part('network');
    return { draw, network, cost: this.config.cost ? part('cost') : null };
  }
}
