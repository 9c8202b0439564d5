// What every fuzz target holds a parser to: for any bytes it returns or throws spineload's
// own InputError (exit 2, naming the file, line and field). Any other exception escapes and aborts the run, as a crash, a sanitizer report, a leak or a
// hang (-timeout) do: each is a finding. Inputs are text files, so the bytes are the text.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/errors.hpp"

namespace spineload::fuzz {

inline std::string text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

template <class F>
int expect_input_errors_only(F&& parse) {
  try {
    parse();
  } catch (const InputError&) {
  }
  return 0;
}

}  // namespace spineload::fuzz
