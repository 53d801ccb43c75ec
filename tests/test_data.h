// A file under tests/data, whole ("" when it cannot be read: the caller's REQUIRE says so).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace headroom::test {

inline std::string read_test_data(const std::string& relative_path) {
  std::ifstream in(std::string(HEADROOM_TEST_DATA_DIR) + "/" + relative_path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace headroom::test
