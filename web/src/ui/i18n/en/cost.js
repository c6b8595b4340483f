// English text of the cost of each layer (web/src/ui/cost-view.js).
// The same keys in Korean: ../ko/cost.js.
export default {
  'cost.title': 'Cost per layer',
  'cost.totals': '{params} parameters and {macs} multiply-adds per image',
  'cost.layer': 'Layer',
  'cost.shape': 'Output',
  'cost.params': 'Parameters',
  'cost.macs': 'Multiply-adds',
  'cost.ms': 'Time (ms)',
  'cost.total': 'Total',
  'cost.note': 'Times are measured inside the engine, as the mean of the last {n} {n|run|runs} (the browser\'s clock only ticks in steps of about 0.1 ms); multiply-adds are counted from each layer\'s shape.',
};
