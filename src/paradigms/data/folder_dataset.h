#pragma once
// A folder of class folders: ROOT/<label>/**/<file>.{wav,flac,ogg,...}. The class names are
// the folder names, sorted; the items are every audio file below them, in sorted order.

#include <string>

#include "paradigms/data/dataset.h"

namespace paradigms::data {

/// Loads the folder dataset under `root`. Throws InputError when `root` is missing or not a
/// folder, or when no audio is found. Files with an unknown extension, files outside a class
/// folder and class folders without audio are reported as problems (errors when strict).
/// Hidden entries (names starting with '.') are ignored.
Dataset load_folder_dataset(const std::string& root, const LoadOptions& options = {});

}  // namespace paradigms::data
