// Catch2 v2 main (Debian ships 2.13, which has no Catch2WithMain target).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
