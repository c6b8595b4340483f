// Catch2's main, in its own translation unit: it takes ~30 s to compile under em++.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
