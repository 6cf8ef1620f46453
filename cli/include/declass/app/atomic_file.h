// Writing outputs so that nothing is ever half-written or lost: temp file in the
// target directory, (read back,) fsync, rename over the target, fsync the
// directory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace declass::app {

/// Files that must never be overwritten (a run's inputs), by device and
/// inode, each looked up once when the set is made: asking whether a path
/// is one of them is one stat() and a binary search, however many there are.
class ProtectedFiles {
 public:
  ProtectedFiles() = default;
  explicit ProtectedFiles(const std::vector<std::string>& paths);
  /// The protected path that is the same file as `path`, or nullptr (also
  /// when `path` does not exist).
  const std::string* match(const std::string& path) const;
  bool empty() const { return files_.empty(); }

 private:
  struct File {
    uint64_t dev;
    uint64_t ino;
    std::string path;
  };
  std::vector<File> files_;  // sorted by (dev, ino)
};

/// Writes `bytes` to `path` atomically. Refuses (returns false, sets `error`) if
/// `path` is the same file as any of `protected_inputs` by device and inode, so
/// an input is never overwritten. Leaves no temp file behind on failure. With
/// `durable` false the caller makes the data durable later (e.g. one syncfs()
/// for a group of files, as the batch runner does before recording them).
/// With `verify_read_back` the temp file is read back through its own
/// descriptor before the rename; if it does not hold exactly `bytes`, it is
/// removed, `path` is neither created nor replaced, and `error` is
/// "PATH does not read back as written".
/// The temp file ".NAME.tmp-XXXXXX" is created with mode 0644 less the umask
/// (umask 022: 0644), like cp or an editor would.
bool write_file_atomically(const std::string& path, std::string_view bytes, std::string* error,
                           const ProtectedFiles& protected_inputs = {}, bool durable = true,
                           bool verify_read_back = false);

/// The streaming form, for outputs too large to hold in memory: write pieces,
/// then commit() renames into place. Destroyed without commit(): the temp file
/// is removed and the target is untouched. Same temp names and mode as
/// write_file_atomically.
class AtomicFileWriter {
 public:
  AtomicFileWriter() = default;
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  bool open(const std::string& path, std::string* error);
  bool write(std::string_view bytes, std::string* error);
  bool commit(std::string* error);  ///< fsync, rename, fsync the directory

 private:
  std::string path_;
  std::string tmp_;
  int fd_ = -1;
};

/// Creates `dir` and its parents if needed. False with `error` on failure.
bool make_directories(const std::string& dir, std::string* error);

}  // namespace declass::app
