#pragma once
// Errors thrown by the library. The library never prints: callers (the trainer, the CLI)
// decide what to log. Messages are one line and name the input and what was expected.

#include <stdexcept>
#include <string>

namespace paradigms {

/// A user-supplied input (file, folder, option value) is unusable.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A configuration key or value is invalid.
class ConfigError : public InputError {
 public:
  using InputError::InputError;
};

/// Throws InputError(message) when `condition` is false.
void check_input(bool condition, const std::string& message);

/// Quotes a path or name for an error message: 'like this'.
std::string in_quotes(const std::string& text);

}  // namespace paradigms
