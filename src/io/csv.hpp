// Stage io, CSV: the fields of one line of the comma-separated files the engine writes and
// reads (measured data, results for reports). Fields may be double-quoted; quotes are
// dropped, commas inside them kept, a trailing carriage return ignored.
#pragma once
#include <string>
#include <vector>

namespace spineload {

std::vector<std::string> split_csv_line(const std::string& line);

}  // namespace spineload
