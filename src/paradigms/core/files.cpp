#include "paradigms/core/files.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include "paradigms/core/error.h"

namespace fs = std::filesystem;

namespace paradigms {

void write_atomically(const fs::path& path, const std::function<void(const fs::path&)>& write) {
  static std::atomic<unsigned> counter{0};
  if (path.has_parent_path()) {
    std::error_code error;
    fs::create_directories(path.parent_path(), error);
    if (error) {
      throw InputError("cannot write " + in_quotes(path.string()) + ": cannot create its folder (" +
                       error.message() + ")");
    }
  }
  errno = 0;
  const fs::path tmp = path.string() + ".tmp." + std::to_string(::getpid()) + "." +
                       std::to_string(counter.fetch_add(1));
  try {
    write(tmp);
    fs::rename(tmp, path);
  } catch (const std::exception& error) {
    // The stream's errno tells the reason (permission, full disk); the target is what the
    // user named, not the temporary file.
    const int saved_errno = errno;
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw InputError(
        "cannot write " + in_quotes(path.string()) + ": " +
        (saved_errno != 0 ? std::string(std::strerror(saved_errno)) : std::string(error.what())));
  }
}

void write_text_atomically(const fs::path& path, const std::string& content) {
  write_atomically(path, [&](const fs::path& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    out << content;
    out.close();
    check_input(static_cast<bool>(out), "cannot write " + in_quotes(tmp.string()));
  });
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  check_input(static_cast<bool>(in), "cannot read " + in_quotes(path.string()));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string file_identity(const fs::path& path) {
  std::error_code error;
  const fs::path absolute = fs::weakly_canonical(fs::absolute(path), error);
  const auto size = fs::file_size(path, error);
  check_input(!error, "cannot stat " + in_quotes(path.string()) + ": " + error.message());
  const auto mtime = fs::last_write_time(path, error).time_since_epoch().count();
  return absolute.string() + "|" + std::to_string(size) + "|" + std::to_string(mtime);
}

fs::path default_cache_dir() {
  if (const char* dir = std::getenv("PARADIGMS_CACHE"); dir && *dir) return dir;
  if (const char* dir = std::getenv("XDG_CACHE_HOME"); dir && *dir) {
    return fs::path(dir) / "paradigms";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return fs::path(home) / ".cache" / "paradigms";
  }
  return ".paradigms-cache";
}

}  // namespace paradigms
