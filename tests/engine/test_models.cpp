// The shipped models (web/models/*.cnnm), in this build of the engine (native,
// and compiled to wasm under Node): each loads, describes itself (name, data
// set, one label per output) and classifies its data set's held-out split at
// least as well as its bar: 98.5% for the digits, 88% for Fashion-MNIST; the
// accuracy it states in its metadata is the one measured here.
// Needs build/data/ (node tools/prepare_data.js; scripts/test.sh makes it).
// To add a model: append it to kShipped with its data set and its bar.
#include <cstdlib>
#include <string>

#include "../../tools/dataset.hpp"
#include "helpers.hpp"
#include "model_io.hpp"

using namespace cnn;

namespace {

struct Shipped {
  const char* model;
  const char* data;
  double min_accuracy;
};
const Shipped kShipped[] = {
    {"web/models/digits.cnnm", "build/data/mnist.cnnd", 0.985},
    {"web/models/fashion.cnnm", "build/data/fashion.cnnd", 0.88},
};

std::string path(const char* rel) { return std::string(CNN_SOURCE_DIR) + "/" + rel; }

}  // namespace

TEST_CASE("every shipped model loads and reaches its held-out accuracy", "[models]") {
  for (const Shipped& s : kShipped) {
    INFO(s.model);
    std::vector<uint8_t> bytes;
    Status st = read_file(path(s.model), &bytes);
    INFO(st.message());
    REQUIRE(st.is_ok());
    std::unique_ptr<Network> net;
    ModelInfo info;
    st = load_model(bytes.data(), bytes.size(), &net, &info);
    INFO(st.message());
    REQUIRE(st.is_ok());
    cnn_tools::Dataset d;
    st = cnn_tools::load_dataset(path(s.data), &d);
    INFO(st.message());
    REQUIRE(st.is_ok());
    REQUIRE(info.get("dataset") == d.name);
    REQUIRE_FALSE(info.get("name").empty());
    REQUIRE(info.labels == d.classes);
    REQUIRE(info.in_c == d.channels);
    REQUIRE(info.in_h == d.height);
    REQUIRE(info.in_w == d.width);
    int64_t correct = 0;
    st = cnn_tools::evaluate(*net, d, d.train_count, d.heldout_count(), &correct);
    REQUIRE(st.is_ok());
    const double acc = double(correct) / double(d.heldout_count());
    INFO("held-out accuracy " << acc << " (" << correct << "/" << d.heldout_count() << ")");
    REQUIRE(acc >= s.min_accuracy);
    // The stated figure is the measured one: "0.9875 (1975/2000 held-out samples)".
    const std::string stated = info.get("heldout_accuracy");
    REQUIRE(stated.find("(" + std::to_string(correct) + "/" + std::to_string(d.heldout_count()) + " ") !=
            std::string::npos);
    REQUIRE(info.get("heldout_correct") == std::to_string(correct));
    REQUIRE(info.get("heldout_total") == std::to_string(d.heldout_count()));
  }
}
