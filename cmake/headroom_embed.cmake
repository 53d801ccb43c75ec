# headroom_embed_text(target symbol file): compiles `file` into the target as
# `std::string_view symbol()` so the core reads its data without file I/O at run time.
function(headroom_embed_text target symbol file)
  set(_out "${CMAKE_CURRENT_BINARY_DIR}/embedded/${symbol}.cpp")
  add_custom_command(
    OUTPUT "${_out}"
    COMMAND "${CMAKE_COMMAND}" -DIN=${file} -DOUT=${_out} -DSYMBOL=${symbol}
            -P "${PROJECT_SOURCE_DIR}/cmake/headroom_embed_run.cmake"
    DEPENDS "${file}" "${PROJECT_SOURCE_DIR}/cmake/headroom_embed_run.cmake"
    COMMENT "embed ${file}" VERBATIM)
  target_sources(${target} PRIVATE "${_out}")
endfunction()
