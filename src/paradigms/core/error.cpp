#include "paradigms/core/error.h"

namespace paradigms {

void check_input(bool condition, const std::string& message) {
  if (!condition) throw InputError(message);
}

std::string in_quotes(const std::string& text) { return "'" + text + "'"; }

}  // namespace paradigms
