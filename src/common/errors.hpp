// Errors at the boundary: bad input is reported with file, line and field.
#pragma once
#include <stdexcept>
#include <string>

namespace spineload {

// Raised for invalid user input (files, options, postures). The CLI prints what() and
// exits with code 2, writing no output.
class InputError : public std::runtime_error {
 public:
  InputError(std::string file, int line, std::string field, const std::string& message)
      : std::runtime_error(format(file, line, field, message)),
        file_(std::move(file)), line_(line), field_(std::move(field)), message_(message) {}
  const std::string& file() const { return file_; }
  int line() const { return line_; }          // 1-based; 0 when unknown
  const std::string& field() const { return field_; }
  const std::string& message() const { return message_; }  // without file, line and field

 private:
  static std::string format(const std::string& file, int line, const std::string& field,
                            const std::string& message) {
    std::string s;
    s.append(file.empty() ? "<input>" : file.c_str());
    if (line > 0) s.append(":").append(std::to_string(line));
    if (!field.empty()) s.append(": field '").append(field).append("'");
    s.append(": ").append(message);
    return s;
  }
  std::string file_;
  int line_;
  std::string field_;
  std::string message_;
};

}  // namespace spineload
