// Geometry: output shapes, parameter and multiply-add counts, padding and the
// unused rows/columns, checked against the worked examples of a first CNN
// lecture, and every invalid combination checked for a useful message.
// To add a case: write the input shape and spec as the lecture states them,
// then REQUIRE the numbers the lecture gives.
#include <string>

#include "geometry.hpp"
#include "helpers.hpp"

using namespace cnn;
using cnn_test::nchw;
using cnn_test::nf;

namespace {

Geometry conv(const Shape& in, int in_c, int out_c, int k, int stride = 1, int pad = 0, int dil = 1, int groups = 1) {
  Geometry g;
  const Status st = conv2d_geometry(in, LayerSpec::conv2d(in_c, out_c, k, stride, pad, dil, groups).conv, &g);
  INFO(st.message());
  REQUIRE(st.is_ok());
  return g;
}

std::string conv_error(const Shape& in, const Conv2dSpec& s) {
  Geometry g;
  const Status st = conv2d_geometry(in, s, &g);
  REQUIRE_FALSE(st.is_ok());
  return st.message();
}

}  // namespace

TEST_CASE("lecture: [64,1,28,28] with a 7x7 kernel, pad 0, stride 1 gives 22x22", "[geometry]") {
  const Geometry g = conv(nchw(64, 1, 28, 28), 1, 1, 7);
  REQUIRE(g.out == nchw(64, 1, 22, 22));
  REQUIRE(g.unused_rows == 0);
  REQUIRE(g.unused_cols == 0);
}

TEST_CASE("lecture: 32x32x3 with six 5x5 filters gives 28x28x6", "[geometry]") {
  const Geometry g = conv(nchw(1, 3, 32, 32), 3, 6, 5);
  REQUIRE(g.out == nchw(1, 6, 28, 28));
  REQUIRE(g.params == 6 * (5 * 5 * 3 + 1));
  REQUIRE(g.macs == int64_t(28) * 28 * 6 * 5 * 5 * 3);
}

TEST_CASE("lecture: ten 5x5 filters, stride 1, pad 2 on 32x32x3 keep 32x32 with 760 parameters", "[geometry]") {
  const Geometry g = conv(nchw(1, 3, 32, 32), 3, 10, 5, 1, 2);
  REQUIRE(g.out == nchw(1, 10, 32, 32));
  REQUIRE(g.params == 760);
  REQUIRE(g.weights == 750);
}

TEST_CASE("lecture: 56x56x64 with thirty-two 1x1 filters gives 56x56x32", "[geometry]") {
  const Geometry g = conv(nchw(1, 64, 56, 56), 64, 32, 1);
  REQUIRE(g.out == nchw(1, 32, 56, 56));
  REQUIRE(g.params == 32 * (64 + 1));
}

TEST_CASE("lecture: 2x2 max pool, stride 2 halves H and W, keeps channels, has no parameters", "[geometry]") {
  Geometry g;
  REQUIRE(pool2d_geometry(nchw(1, 6, 28, 28), LayerSpec::maxpool2d(2, 2).pool, true, &g).is_ok());
  REQUIRE(g.out == nchw(1, 6, 14, 14));
  REQUIRE(g.params == 0);
}

TEST_CASE("lecture: width 7, kernel 3, stride 3 gives 2 with one column unused", "[geometry]") {
  const Geometry g = conv(nchw(1, 1, 7, 7), 1, 1, 3, 3);
  REQUIRE(g.out.w() == 2);
  REQUIRE(g.unused_cols == 1);
  REQUIRE(g.unused_rows == 1);
}

TEST_CASE("the output-size formula over a sweep matches floor((in + 2p - d(k-1) - 1)/s) + 1", "[geometry]") {
  for (int in = 1; in <= 12; ++in)
    for (int k = 1; k <= 5; ++k)
      for (int s = 1; s <= 4; ++s)
        for (int p = 0; p <= 3; ++p)
          for (int d = 1; d <= 3; ++d) {
            const int span = d * (k - 1) + 1;
            Geometry g;
            const Status st = conv2d_geometry(nchw(1, 1, in, in), LayerSpec::conv2d(1, 1, k, s, p, d).conv, &g);
            if (span > in + 2 * p) {
              REQUIRE_FALSE(st.is_ok());
              continue;
            }
            REQUIRE(st.is_ok());
            const int expect = (in + 2 * p - d * (k - 1) - 1) / s + 1;
            REQUIRE(g.out.h() == expect);
            REQUIRE(g.unused_rows == in + 2 * p - ((expect - 1) * s + span));
          }
}

TEST_CASE("'same' padding keeps the size at stride 1, splitting an odd total as PyTorch does", "[geometry]") {
  Conv2dSpec s = LayerSpec::conv2d(1, 1, 4).conv;
  s.padding = Padding::Same;
  Geometry g;
  REQUIRE(conv2d_geometry(nchw(1, 1, 9, 9), s, &g).is_ok());
  REQUIRE(g.out == nchw(1, 1, 9, 9));
  REQUIRE(g.pad_top == 1);
  REQUIRE(g.pad_bottom == 2);
  s.padding = Padding::Valid;
  s.pad_h = s.pad_w = 7;  // ignored by 'valid'
  REQUIRE(conv2d_geometry(nchw(1, 1, 9, 9), s, &g).is_ok());
  REQUIRE(g.out == nchw(1, 1, 6, 6));
}

TEST_CASE("groups and depthwise convolution count their parameters per group", "[geometry]") {
  const Geometry g = conv(nchw(1, 8, 10, 10), 8, 16, 3, 1, 1, 1, 4);
  REQUIRE(g.params == 16 * (2 * 3 * 3) + 16);
  const Geometry dw = conv(nchw(1, 8, 10, 10), 8, 8, 3, 1, 1, 1, 8);
  REQUIRE(dw.params == 8 * 9 + 8);
  REQUIRE(dw.macs == 8 * 100 * 9);
}

TEST_CASE("pooling: ceil_mode, padding and the dropped last window follow PyTorch", "[geometry]") {
  Geometry g;
  // 5 wide, k 2, s 2: floor -> 2, ceil -> 3.
  REQUIRE(pool2d_geometry(nchw(1, 1, 5, 5), LayerSpec::maxpool2d(2, 2).pool, true, &g).is_ok());
  REQUIRE(g.out.w() == 2);
  REQUIRE(g.unused_cols == 1);
  REQUIRE(pool2d_geometry(nchw(1, 1, 5, 5), LayerSpec::maxpool2d(2, 2, 0, true).pool, true, &g).is_ok());
  REQUIRE(g.out.w() == 3);
  // 4 wide, k 3, s 2, pad 1, ceil: ceil(3/2) + 1 = 3; the last window starts at 4 < 4 + 1: kept.
  REQUIRE(pool2d_geometry(nchw(1, 1, 4, 4), LayerSpec::maxpool2d(3, 2, 1, true).pool, true, &g).is_ok());
  REQUIRE(g.out.w() == 3);
  // 6 wide, k 2, s 2, pad 1, ceil: ceil(6/2) + 1 = 4; the last window starts at 6 < 6 + 1: kept.
  REQUIRE(pool2d_geometry(nchw(1, 1, 6, 6), LayerSpec::maxpool2d(2, 2, 1, true).pool, true, &g).is_ok());
  REQUIRE(g.out.w() == 4);
  REQUIRE(g.dropped_cols == 0);
  // 5 wide, k 2, s 2, pad 1, ceil: ceil(5/2) + 1 = 4, but the last window starts at 6 >= 5 + 1: dropped.
  REQUIRE(pool2d_geometry(nchw(1, 1, 5, 5), LayerSpec::maxpool2d(2, 2, 1, true).pool, true, &g).is_ok());
  REQUIRE(g.out.w() == 3);
  REQUIRE(g.dropped_cols == 1);
  REQUIRE(g.dropped_rows == 1);
  // only rows: 5 tall, 6 wide
  REQUIRE(pool2d_geometry(nchw(1, 1, 5, 6), LayerSpec::maxpool2d(2, 2, 1, true).pool, true, &g).is_ok());
  REQUIRE((g.dropped_rows == 1 && g.dropped_cols == 0));
  // never without ceil_mode
  REQUIRE(pool2d_geometry(nchw(1, 1, 5, 5), LayerSpec::maxpool2d(2, 2, 1).pool, true, &g).is_ok());
  REQUIRE((g.dropped_rows == 0 && g.dropped_cols == 0));
}

TEST_CASE("pooling with ceil_mode: a window may overhang the padded input by stride - 1, as in PyTorch", "[geometry]") {
  // PyTorch: out = floor((in + 2*pad - k + (ceil_mode ? stride - 1 : 0)) / stride) + 1, refused below 1.
  Geometry g;
  // 1 tall, k 2, s 2: (1 - 2 + 1) / 2 + 1 = 1 with ceil_mode; refused without.
  REQUIRE(pool2d_geometry(nchw(1, 1, 1, 12), LayerSpec::avgpool2d(2, 2, 0, true).pool, false, &g).is_ok());
  REQUIRE(g.out == nchw(1, 1, 1, 6));
  REQUIRE(g.unused_rows == 0);
  REQUIRE_FALSE(pool2d_geometry(nchw(1, 1, 1, 12), LayerSpec::avgpool2d(2, 2).pool, false, &g).is_ok());
  // 3 wide, a 5-wide window at stride 5: (3 - 5 + 4) / 5 + 1 = 1.
  Pool2dSpec s = LayerSpec::maxpool2d(5, 0, 0, true).pool;
  s.kernel_h = 1;
  REQUIRE(pool2d_geometry(nchw(1, 1, 3, 3), s, true, &g).is_ok());
  REQUIRE(g.out == nchw(1, 1, 3, 1));
  // 2 wide, 5-wide window at stride 4: (2 - 5 + 3) / 4 + 1 = 1; at stride 3 it overhangs by 3 > 2: refused.
  s.stride_h = 1;
  s.stride_w = 4;
  REQUIRE(pool2d_geometry(nchw(1, 1, 3, 2), s, true, &g).is_ok());
  REQUIRE(g.out == nchw(1, 1, 3, 1));
  s.stride_w = 3;
  const Status st = pool2d_geometry(nchw(1, 1, 3, 2), s, true, &g);
  REQUIRE_FALSE(st.is_ok());
  REQUIRE(st.message() ==
          "a 5-wide pooling window does not fit in the padded input, which is only 2 wide, even with ceil_mode "
          "(a window may overhang it by stride - 1 = 2)");
}

TEST_CASE("dense and flatten shapes", "[geometry]") {
  Geometry g;
  REQUIRE(flatten_geometry(nchw(2, 16, 5, 5), &g).is_ok());
  REQUIRE(g.out == nf(2, 400));
  REQUIRE(dense_geometry(nf(2, 400), LayerSpec::dense_layer(400, 64).dense, &g).is_ok());
  REQUIRE(g.out == nf(2, 64));
  REQUIRE(g.params == 400 * 64 + 64);
  REQUIRE(g.macs == 2 * 400 * 64);
}

// ---- invalid input: every case must fail with a message that names the problem.

TEST_CASE("a kernel bigger than the padded input is refused with the numbers", "[geometry][errors]") {
  Conv2dSpec s = LayerSpec::conv2d(1, 1, 7, 1, 1, 2).conv;
  const std::string m = conv_error(nchw(1, 1, 10, 10), s);
  INFO(m);
  REQUIRE(m.find("7-tall kernel with dilation 2 spans 13 pixels") != std::string::npos);
  REQUIRE(m.find("only 12 tall") != std::string::npos);
  const std::string m2 = conv_error(nchw(1, 1, 4, 4), LayerSpec::conv2d(1, 1, 5).conv);
  REQUIRE(m2.find("5-tall kernel does not fit") != std::string::npos);
}

TEST_CASE("zero or negative stride, dilation, kernel or padding is refused", "[geometry][errors]") {
  const Shape in = nchw(1, 1, 8, 8);
  for (int bad : {0, -1, -100}) {
    Conv2dSpec s = LayerSpec::conv2d(1, 1, 3).conv;
    s.stride_w = bad;
    REQUIRE(conv_error(in, s).find("stride") != std::string::npos);
    s = LayerSpec::conv2d(1, 1, 3).conv;
    s.dilation_h = bad;
    REQUIRE(conv_error(in, s).find("dilation") != std::string::npos);
    s = LayerSpec::conv2d(1, 1, 3).conv;
    s.kernel_h = bad;
    REQUIRE(conv_error(in, s).find("kernel") != std::string::npos);
  }
  Conv2dSpec s = LayerSpec::conv2d(1, 1, 3).conv;
  s.pad_h = -1;
  REQUIRE(conv_error(in, s).find("padding") != std::string::npos);
  s = LayerSpec::conv2d(1, 1, 3, 2).conv;
  s.padding = Padding::Same;
  REQUIRE(conv_error(in, s).find("'same'") != std::string::npos);
  Geometry g;
  Status st = pool2d_geometry(in, LayerSpec::maxpool2d(2, -1).pool, true, &g);
  REQUIRE_FALSE(st.is_ok());
  REQUIRE(st.message().find("stride") != std::string::npos);
  st = pool2d_geometry(in, LayerSpec::maxpool2d(2, 2, 2).pool, true, &g);
  REQUIRE_FALSE(st.is_ok());
  REQUIRE(st.message().find("more than half") != std::string::npos);
}

TEST_CASE("channel mismatch and groups that do not divide are refused", "[geometry][errors]") {
  const std::string m = conv_error(nchw(1, 1, 28, 28), LayerSpec::conv2d(3, 8, 3).conv);
  REQUIRE(m.find("expects 3 input channels") != std::string::npos);
  REQUIRE(m.find("has 1") != std::string::npos);
  REQUIRE(conv_error(nchw(1, 6, 8, 8), LayerSpec::conv2d(6, 8, 3, 1, 0, 1, 4).conv).find("groups=4 does not divide in_channels=6") !=
          std::string::npos);
  REQUIRE(conv_error(nchw(1, 8, 8, 8), LayerSpec::conv2d(8, 6, 3, 1, 0, 1, 4).conv).find("out_channels=6") !=
          std::string::npos);
}

TEST_CASE("a dense input size that does not match is refused with both numbers", "[geometry][errors]") {
  Geometry g;
  Status st = dense_geometry(nf(1, 144), LayerSpec::dense_layer(400, 64).dense, &g);
  REQUIRE_FALSE(st.is_ok());
  REQUIRE(st.message().find("expects 400 inputs") != std::string::npos);
  REQUIRE(st.message().find("gets 144") != std::string::npos);
  st = dense_geometry(nchw(1, 16, 5, 5), LayerSpec::dense_layer(400, 64).dense, &g);
  REQUIRE_FALSE(st.is_ok());
  REQUIRE(st.message().find("flatten") != std::string::npos);
}

TEST_CASE("sizes that would overflow index arithmetic are refused", "[geometry][errors]") {
  Shape s;
  Status st = Shape::nchw(1 << 20, 1 << 20, 1 << 20, 1 << 20, &s);
  REQUIRE_FALSE(st.is_ok());
  REQUIRE(st.message().find("larger than the limit") == std::string::npos);  // each dim is allowed...
  REQUIRE(st.message().find("more than") != std::string::npos);              // ...the product is not
  REQUIRE_FALSE(Shape::nchw(1, 1, int64_t(1) << 40, 1, &s).is_ok());
  REQUIRE_FALSE(Shape::nchw(0, 1, 1, 1, &s).is_ok());
  REQUIRE_FALSE(Shape::nchw(1, -3, 1, 1, &s).is_ok());
  // A legal input whose output would be too large.
  Geometry g;
  st = conv2d_geometry(nchw(1, 1, 8192, 8192), LayerSpec::conv2d(1, 65536, 1).conv, &g);
  REQUIRE_FALSE(st.is_ok());
  REQUIRE(st.message().find("output") != std::string::npos);
  // Weights too many.
  st = conv2d_geometry(nchw(1, 65536, 3, 3), LayerSpec::conv2d(65536, 65536, 3, 1, 1).conv, &g);
  REQUIRE_FALSE(st.is_ok());
  REQUIRE(st.message().find("weights") != std::string::npos);
}
