// Writing outputs so that nothing is ever half-written or lost: temp file in the
// target directory, fsync, rename over the target, fsync the directory.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace declass::app {

/// Writes `bytes` to `path` atomically. Refuses (returns false, sets `error`) if
/// `path` is the same file as any of `protected_inputs` by device and inode, so
/// an input is never overwritten. Leaves no temp file behind on failure.
bool write_file_atomically(const std::string& path, std::string_view bytes, std::string* error,
                           const std::vector<std::string>& protected_inputs = {});

/// Creates `dir` and its parents if needed. False with `error` on failure.
bool make_directories(const std::string& dir, std::string* error);

}  // namespace declass::app
