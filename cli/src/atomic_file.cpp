#include "declass/app/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace declass::app {

namespace {

std::string errno_text(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

bool make_directories(const std::string& dir, std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    if (error) *error = "cannot create directory " + dir + ": " + ec.message();
    return false;
  }
  return true;
}

ProtectedFiles::ProtectedFiles(const std::vector<std::string>& paths) {
  for (const std::string& p : paths) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0)
      files_.push_back({static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino), p});
  }
  std::sort(files_.begin(), files_.end(), [](const File& a, const File& b) {
    return a.dev != b.dev ? a.dev < b.dev : a.ino < b.ino;
  });
}

const std::string* ProtectedFiles::match(const std::string& path) const {
  struct stat st {};
  if (files_.empty() || ::stat(path.c_str(), &st) != 0) return nullptr;
  const auto dev = static_cast<uint64_t>(st.st_dev);
  const auto ino = static_cast<uint64_t>(st.st_ino);
  auto it = std::lower_bound(files_.begin(), files_.end(), std::pair(dev, ino),
                             [](const File& f, const std::pair<uint64_t, uint64_t>& k) {
                               return f.dev != k.first ? f.dev < k.first : f.ino < k.second;
                             });
  return it != files_.end() && it->dev == dev && it->ino == ino ? &it->path : nullptr;
}

bool write_file_atomically(const std::string& path, std::string_view bytes, std::string* error,
                           const ProtectedFiles& protected_inputs, bool durable) {
  if (const std::string* input = protected_inputs.match(path)) {
    if (error) *error = "refusing to overwrite input file " + *input;
    return false;
  }
  const std::filesystem::path p(path);
  const std::string dir = p.has_parent_path() ? p.parent_path().string() : std::string(".");
  std::string tmp = dir + "/." + p.filename().string() + ".tmp-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    if (error) *error = errno_text(("cannot create temp file in " + dir).c_str());
    return false;
  }
  bool ok = write_all(fd, bytes) && ::fchmod(fd, 0644) == 0 && (!durable || ::fsync(fd) == 0);
  const int saved = errno;
  ok = (::close(fd) == 0) && ok;
  if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) ok = false;
  if (!ok) {
    errno = saved ? saved : errno;
    if (error) *error = errno_text(("cannot write " + path).c_str());
    ::unlink(tmp.c_str());
    return false;
  }
  if (!durable) return true;
  // Make the rename itself durable.
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return true;
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

bool AtomicFileWriter::open(const std::string& path, std::string* error) {
  path_ = path;
  const std::filesystem::path p(path);
  const std::string dir = p.has_parent_path() ? p.parent_path().string() : std::string(".");
  tmp_ = dir + "/." + p.filename().string() + ".tmp-XXXXXX";
  fd_ = ::mkstemp(tmp_.data());
  if (fd_ < 0) {
    if (error) *error = errno_text(("cannot create temp file in " + dir).c_str());
    return false;
  }
  return true;
}

bool AtomicFileWriter::write(std::string_view bytes, std::string* error) {
  if (fd_ >= 0 && write_all(fd_, bytes)) return true;
  if (error) *error = errno_text(("cannot write " + path_).c_str());
  return false;
}

bool AtomicFileWriter::commit(std::string* error) {
  if (fd_ < 0) return false;
  const bool ok = ::fchmod(fd_, 0644) == 0 && ::fsync(fd_) == 0;
  const bool closed = ::close(fd_) == 0;
  fd_ = -1;
  if (!ok || !closed || ::rename(tmp_.c_str(), path_.c_str()) != 0) {
    if (error) *error = errno_text(("cannot write " + path_).c_str());
    ::unlink(tmp_.c_str());
    return false;
  }
  const std::filesystem::path p(path_);
  const std::string dir = p.has_parent_path() ? p.parent_path().string() : std::string(".");
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return true;
}

}  // namespace declass::app
