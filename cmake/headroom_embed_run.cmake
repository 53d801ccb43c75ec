# Writes a .cpp holding IN's bytes as a char array (raw strings have length limits on some
# compilers; a hex array has none).
file(READ "${IN}" _hex HEX)
string(LENGTH "${_hex}" _len)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
math(EXPR _count "${_len} / 2")
file(WRITE "${OUT}.tmp"
  "// Generated from ${IN}; do not edit.\n#include <string_view>\nnamespace headroom::embedded {\n"
  "static const char k_data[] = {${_bytes} 0};\n"
  "std::string_view ${SYMBOL}() { return std::string_view(k_data, ${_count}); }\n}\n")
file(RENAME "${OUT}.tmp" "${OUT}")
