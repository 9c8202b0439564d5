// Data files compiled into the binary, so `spineload demo` needs no installed files. The
// text is generated at configure time from data/ (cmake/EmbedData.cmake); the data files
// stay the single source of every number.
#pragma once
#include <string_view>
#include <utility>
#include <vector>

namespace spineload::embedded {

std::string_view female_adult_model_yaml();
std::string_view female_adult_muscles_yaml();
std::string_view pregnancy_yaml();
std::string_view fatigue_yaml();
std::string_view trunk_strength_yaml();
std::string_view infant_growth_yaml();
std::string_view niosh_yaml();
std::string_view task_library_yaml();
std::string_view gait_yaml();
std::string_view claims_yaml();
std::string_view population_yaml();
// (name, YAML text) of the demo postures, in the order the demo shows them.
const std::vector<std::pair<std::string_view, std::string_view>>& demo_postures();
// (name, YAML text) of the validation set: wilke1999 plus its extra postures.
const std::vector<std::pair<std::string_view, std::string_view>>& validation_files();

}  // namespace spineload::embedded
