// Reading YAML with errors that name the file, line and field (io stage helpers).
#pragma once
#include <cstdint>
#include <yaml-cpp/yaml.h>

#include <Eigen/Core>
#include <initializer_list>
#include <string>
#include <vector>

namespace spineload::yaml {

// Parses text; a syntax error becomes an InputError with the file and line.
YAML::Node parse(const std::string& text, const std::string& file);
// Reads a file from disk and parses it (InputError when unreadable).
YAML::Node parse_file(const std::string& path);
// Reads a whole input file. Only regular files of at most kMaxInputBytes are read (a device,
// pipe or folder, or a larger file, is an InputError naming it): nothing the project reads
// comes near it, and an endless stream would otherwise fill memory.
inline constexpr std::uintmax_t kMaxInputBytes = std::uintmax_t{256} << 20;
std::string read_text_file(const std::string& path);

int line_of(const YAML::Node& node);  // 1-based, 0 when unknown

// A field of a map; throws InputError naming `context.key` when absent.
YAML::Node require(const YAML::Node& map, const std::string& key, const std::string& file,
                   const std::string& context);
// Rejects keys not in `allowed`, suggesting the nearest allowed spelling.
void check_keys(const YAML::Node& map, std::initializer_list<const char*> allowed,
                const std::string& file, const std::string& context);
void check_keys(const YAML::Node& map, const std::vector<std::string>& allowed,
                const std::string& file, const std::string& context);

// A mapping's key as text (YAML also allows a list or a map as a key: an InputError naming
// `context`, the mapping that holds it).
std::string key_of(const YAML::Node& key, const std::string& file, const std::string& context = "");

double as_double(const YAML::Node& node, const std::string& file, const std::string& field);
// A mapping of name: number ("ratios", "disc_area_cm2"), each name checked as text and each
// number named `field.name`, with its line for checks the caller makes.
struct NamedNumber {
  std::string name;
  double value = 0;
  int line = 0;
};
std::vector<NamedNumber> as_named_numbers(const YAML::Node& map, const std::string& file, const std::string& field);

// A whole number in [lo, hi] (a count, a seed): an InputError otherwise, before any cast
// (casting 1e300 or -2000 to an integer type is undefined).
long long as_whole(const YAML::Node& node, const std::string& file, const std::string& field, long long lo, long long hi);
std::string as_string(const YAML::Node& node, const std::string& file, const std::string& field);
bool as_bool(const YAML::Node& node, const std::string& file, const std::string& field);
Eigen::Vector3d as_vector3(const YAML::Node& node, const std::string& file,
                           const std::string& field);

// The closest of `candidates` to `word` by edit distance, or "" when none is close.
std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace spineload::yaml
