// One layer on its own (the lab): its geometry, its parameter shapes and one
// output cell explained. A layer spec arrives as a record (schema.hpp).
#include <cstring>

#include "../schema.hpp"
#include "boundary.hpp"

using namespace cnn;
using namespace cnn::wasm;

// Geometry of one layer for an input shape; writes geometry_record() to info_out.
CNN_EXPORT int cnn_layer_geometry(const double* record, int n, int c, int h, int w, double* info_out) {
  LayerSpec s;
  Shape in;
  Geometry g;
  Status st = decode_spec_record(record, &s);
  if (st) st = shape_arg(n, c, h, w, &in);
  if (st) st = layer_geometry(in, s, &g);
  if (!st) return fail(st);
  if (info_out) write_record(geometry_record(), g, info_out);
  return 0;
}

namespace {
std::vector<double> g_explain_terms;
}  // namespace

// The terms of the last explained cell (term_record() each), until the next call.
CNN_EXPORT const double* cnn_explain_terms() { return g_explain_terms.data(); }

// One output cell of one conv or pooling layer, explained (engine/explain.hpp).
// Returns the number of terms (or -1) and writes explain_record() to
// summary_out. Pooling takes no weight or bias (null, count 0).
CNN_EXPORT int cnn_explain_cell(const double* record, int n, int c, int h, int w, const float* input,
                                int input_count, const float* weight, int weight_count, const float* bias,
                                int bias_count, int cell_n, int cell_c, int cell_y, int cell_x, double* summary_out) {
  LayerSpec s;
  Shape in;
  CellExplanation e;
  Status st = decode_spec_record(record, &s);
  if (st) st = shape_arg(n, c, h, w, &in);
  if (st)
    st = explain_cell(in, s, input, input_count, weight, weight_count, bias, bias_count, cell_n, cell_c, cell_y,
                      cell_x, &e);
  if (!st) return fail(st);
  const auto& fields = term_record();
  g_explain_terms.assign(e.terms.size() * fields.size(), 0.0);
  for (size_t i = 0; i < e.terms.size(); ++i) write_record(fields, e.terms[i], &g_explain_terms[i * fields.size()]);
  if (summary_out) write_record(explain_record(), e, summary_out);
  return int(e.terms.size());
}

// An activation's value and slope at `count` inputs (engine/explain.hpp):
// writes out[count] and slope[count].
CNN_EXPORT int cnn_activation_slopes(const double* record, const float* in, int count, float* out, float* slope) {
  LayerSpec s;
  Status st = decode_spec_record(record, &s);
  if (st) st = activation_slopes(s, in, count, out, slope);
  if (!st) return fail(st);
  return 0;
}
