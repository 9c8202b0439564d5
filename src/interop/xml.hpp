// Small helpers over tinyxml2 shared by the OpenSim readers: trimmed element text, its
// words, and parsing with the file and line in the error.
#pragma once
#include <tinyxml2.h>

#include <sstream>
#include <string>
#include <vector>

#include "common/errors.hpp"

namespace spineload::xml {

// The element's text, trimmed: its text nodes joined, comments between them skipped (as
// OpenSim reads `<mass> 2 <!-- kg --> </mass>`; tinyxml2's GetText sees only a first text
// node, so a comment before the number hid it and the default was taken).
inline std::string text(const tinyxml2::XMLElement* e) {
  if (!e) return "";
  std::string s;
  for (const tinyxml2::XMLNode* n = e->FirstChild(); n; n = n->NextSibling())
    if (const tinyxml2::XMLText* t = n->ToText()) s += t->Value();
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

inline std::vector<std::string> words(const tinyxml2::XMLElement* e) {
  std::vector<std::string> v;
  std::istringstream in(text(e));
  std::string w;
  while (in >> w) v.push_back(w);
  return v;
}

// Parses `content` into `doc`; malformed XML is an InputError at the parser's line.
inline void parse(tinyxml2::XMLDocument& doc, const std::string& content, const std::string& file) {
  if (doc.Parse(content.c_str(), content.size()) != tinyxml2::XML_SUCCESS)
    throw InputError(file, doc.ErrorLineNum(), "", std::string("malformed XML: ") + doc.ErrorStr());
  // Only a declaration or comments: well-formed for tinyxml2, but no document to read.
  if (!doc.RootElement()) throw InputError(file, 1, "", "no XML element in the file");
}

}  // namespace spineload::xml
