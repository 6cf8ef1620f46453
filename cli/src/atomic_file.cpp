#include "declass/app/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "atomic_file_internal.h"

namespace declass::app {

namespace internal {

void (*after_write_for_testing)(int fd) = nullptr;

namespace {

constexpr uint64_t kNames = 56800235584ull;  // 62^6 six-character names
constexpr uint32_t kMaxTries = 100;

// Where this process's names start: the pid and the clock, mixed, so that two
// runs writing into one directory rarely try the same name (O_EXCL settles it
// when they do). Names are told apart within the process by a counter, not by
// random draws: no getrandom() per file.
uint64_t seed() {
  static const uint64_t s = [] {
    uint64_t x = static_cast<uint64_t>(::getpid()) << 32 ^
                 static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    x += 0x9E3779B97F4A7C15ull;  // splitmix64
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
  }();
  return s;
}

std::atomic<uint64_t> counter{0};

}  // namespace

std::string temp_path(const std::string& path, uint64_t n) {
  static constexpr char kDigits[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const size_t slash = path.rfind('/');
  std::string tmp =
      slash == std::string::npos ? std::string("./.") : path.substr(0, slash + 1) + ".";
  tmp.append(path, slash == std::string::npos ? 0 : slash + 1);
  tmp += ".tmp-";
  uint64_t v = (seed() % kNames + n % kNames) % kNames;
  for (int i = 0; i < 6; ++i, v /= 62) tmp += kDigits[v % 62];
  return tmp;
}

uint64_t next_temp_number() {
  return counter.load();
}

int create_temp_file(const std::string& path, std::string* tmp, std::string* error) {
  for (uint32_t tries = 0;; ++tries) {
    *tmp = temp_path(path, counter.fetch_add(1));
    const int fd = ::open(tmp->c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) return fd;
    if (errno != EEXIST || tries + 1 == kMaxTries) break;
  }
  const int saved = errno;
  tmp->clear();
  const std::filesystem::path p(path);
  const std::string dir = p.has_parent_path() ? p.parent_path().string() : std::string(".");
  if (error) *error = "cannot create temp file in " + dir + ": " + std::strerror(saved);
  errno = saved;
  return -1;
}

}  // namespace internal

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

// True if the file open as `fd` holds exactly `bytes`, read from offset 0
// into a buffer one byte larger so that a file that grew reads past the size.
// A read that stops short at exactly the size is the end of a regular file:
// no second read to see 0 bytes, no fstat.
bool reads_back_as(int fd, std::string_view bytes) {
  thread_local std::string buf;
  const size_t want = bytes.size() + 1;
  if (buf.size() < want) buf.resize(want);
  size_t got = 0;
  bool failed = false;
  for (;;) {
    const ssize_t n = ::pread(fd, buf.data() + got, want - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) failed = true;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
    if (got >= bytes.size()) break;  // short of the extra byte: the end; or past the size
  }
  const bool same =
      !failed && got == bytes.size() && std::memcmp(buf.data(), bytes.data(), got) == 0;
  if (buf.capacity() > (size_t{1} << 22)) std::string().swap(buf);  // keep no huge buffer
  return same;
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
                           const ProtectedFiles& protected_inputs, bool durable,
                           bool verify_read_back) {
  if (const std::string* input = protected_inputs.match(path)) {
    if (error) *error = "refusing to overwrite input file " + *input;
    return false;
  }
  std::string tmp;
  const int fd = internal::create_temp_file(path, &tmp, error);
  if (fd < 0) return false;
  bool ok = write_all(fd, bytes);
  int saved = ok ? 0 : errno;
  if (ok && internal::after_write_for_testing) internal::after_write_for_testing(fd);
  if (ok && verify_read_back) {
    if (!reads_back_as(fd, bytes)) {
      // Before the rename: a file that is not what was verified never
      // appears under its name, and an older file there stays as it was.
      ::close(fd);
      ::unlink(tmp.c_str());
      if (error) *error = path + " does not read back as written";
      return false;
    }
  }
  if (ok && durable && ::fsync(fd) != 0) {
    ok = false;
    saved = errno;
  }
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
  const std::filesystem::path p(path);
  const std::string dir = p.has_parent_path() ? p.parent_path().string() : std::string(".");
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
  fd_ = internal::create_temp_file(path, &tmp_, error);
  return fd_ >= 0;
}

bool AtomicFileWriter::write(std::string_view bytes, std::string* error) {
  if (fd_ >= 0 && write_all(fd_, bytes)) return true;
  if (error) *error = errno_text(("cannot write " + path_).c_str());
  return false;
}

bool AtomicFileWriter::commit(std::string* error) {
  if (fd_ < 0) return false;
  const bool ok = ::fsync(fd_) == 0;
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
