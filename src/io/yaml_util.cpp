#include "io/yaml_util.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <fmt/format.h>

#include "common/errors.hpp"

namespace spineload::yaml {

YAML::Node parse(const std::string& text, const std::string& file) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(file, e.mark.line + 1, "", "malformed YAML: " + e.msg);
  }
}

std::string read_text_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) throw InputError(path, 0, "", "cannot open file");
  if (!fs::is_regular_file(st))
    throw InputError(path, 0, "", "not a regular file: a device, pipe or folder cannot be read as an input");
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) throw InputError(path, 0, "", "cannot read the file's size: " + ec.message());
  if (size > kMaxInputBytes)
    throw InputError(path, 0, "", fmt::format("{} bytes: larger than the {} MiB an input file may have", size, kMaxInputBytes >> 20));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, 0, "", "cannot open file");
  // Never more than the size found above, even if the file grows while it is read.
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

YAML::Node parse_file(const std::string& path) { return parse(read_text_file(path), path); }

int line_of(const YAML::Node& node) {
  if (!node.IsDefined()) return 0;
  const YAML::Mark m = node.Mark();
  return m.line >= 0 ? m.line + 1 : 0;
}

YAML::Node require(const YAML::Node& map, const std::string& key, const std::string& file,
                   const std::string& context) {
  if (!map.IsMap())
    throw InputError(file, line_of(map), context, "expected a mapping of fields");
  YAML::Node v = map[key];
  if (!v.IsDefined() || v.IsNull())
    throw InputError(file, line_of(map), context.empty() ? key : context + "." + key,
                     "required field is missing");
  return v;
}

std::string nearest(const std::string& word, const std::vector<std::string>& candidates) {
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t sub = prev[j - 1] + (std::tolower(a[i - 1]) != std::tolower(b[j - 1]));
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      }
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::string key_of(const YAML::Node& key, const std::string& file, const std::string& context) {
  // YAML allows a list or a map as a key ("? [a, b]: 1"); a field name is text.
  if (!key.IsScalar())
    throw InputError(file, line_of(key), context, "a field name must be text, not a list or a mapping");
  return as_string(key, file, context);
}

void check_keys(const YAML::Node& map, const std::vector<std::string>& allowed,
                const std::string& file, const std::string& context) {
  if (!map.IsMap())
    throw InputError(file, line_of(map), context, "expected a mapping of fields");
  for (const auto& kv : map) {
    const std::string key = key_of(kv.first, file, context);
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string msg = "unknown field";
    const std::string guess = nearest(key, allowed);
    if (!guess.empty()) msg += " (did you mean '" + guess + "'?)";
    throw InputError(file, line_of(kv.first), context.empty() ? key : context + "." + key, msg);
  }
}

void check_keys(const YAML::Node& map, std::initializer_list<const char*> allowed,
                const std::string& file, const std::string& context) {
  check_keys(map, std::vector<std::string>(allowed.begin(), allowed.end()), file, context);
}

double as_double(const YAML::Node& node, const std::string& file, const std::string& field) {
  double v = 0;
  if (!node.IsScalar() || !YAML::convert<double>::decode(node, v))
    throw InputError(file, line_of(node), field, "expected a number");
  if (!std::isfinite(v)) throw InputError(file, line_of(node), field, "must be a finite number");
  return v;
}

namespace {

// Whether `s` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const int n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;  // bytes that follow
    if (n < 0 || i + static_cast<std::size_t>(n) >= s.size()) return false;
    unsigned cp = n == 0 ? c : c & (0x3F >> n);
    for (int k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      if ((d >> 6) != 0x2) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += static_cast<std::size_t>(n) + 1;
  }
  return true;
}

}  // namespace

std::vector<NamedNumber> as_named_numbers(const YAML::Node& map, const std::string& file, const std::string& field) {
  if (!map.IsMap()) throw InputError(file, line_of(map), field, "expected a mapping of name: number");
  std::vector<NamedNumber> out;
  for (const auto& kv : map) {
    NamedNumber n;
    n.name = key_of(kv.first, file, field);
    n.value = as_double(kv.second, file, field + "." + n.name);
    n.line = line_of(kv.second);
    out.push_back(std::move(n));
  }
  return out;
}

long long as_whole(const YAML::Node& node, const std::string& file, const std::string& field, long long lo, long long hi) {
  const double v = as_double(node, file, field);
  if (!(v >= static_cast<double>(lo) && v <= static_cast<double>(hi)) || v != std::floor(v))
    throw InputError(file, line_of(node), field, fmt::format("expected a whole number from {} to {}", lo, hi));
  return static_cast<long long>(v);
}

std::string as_string(const YAML::Node& node, const std::string& file, const std::string& field) {
  if (!node.IsScalar()) throw InputError(file, line_of(node), field, "expected text");
  // Text goes on into JSON and reports, which must be UTF-8.
  if (!valid_utf8(node.Scalar())) throw InputError(file, line_of(node), field, "not valid UTF-8 text");
  return node.Scalar();
}

bool as_bool(const YAML::Node& node, const std::string& file, const std::string& field) {
  bool v = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, v))
    throw InputError(file, line_of(node), field, "expected true or false");
  return v;
}

Eigen::Vector3d as_vector3(const YAML::Node& node, const std::string& file,
                           const std::string& field) {
  if (!node.IsSequence() || node.size() != 3)
    throw InputError(file, line_of(node), field, "expected a list of three numbers [x, y, z]");
  return {as_double(node[0], file, field), as_double(node[1], file, field),
          as_double(node[2], file, field)};
}

}  // namespace spineload::yaml
