// Temp files of atomic_file.cpp, shared with the streamed logs of redact.cpp,
// and the one test hook.
#pragma once

#include <cstdint>
#include <string>

namespace declass::app::internal {

/// The temp file name for `path` with sequence number `n`: ".NAME.tmp-XXXXXX"
/// in the same directory, six letters or digits (the form mkstemp made and
/// batch --resume removes), from this process's seed and `n`.
std::string temp_path(const std::string& path, uint64_t n);

/// The sequence number the next temp file tries first (for tests).
uint64_t next_temp_number();

/// Creates a new temp file for `path` (see temp_path) with
/// O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC and mode 0644, so the umask applies as it
/// does for cp or an editor. A name that exists is never reused: the next
/// number is tried. Returns the descriptor and sets `tmp`; -1 with `error`
/// ("cannot create temp file in DIR: ...") on failure.
int create_temp_file(const std::string& path, std::string* tmp, std::string* error);

/// Test hook: when set, write_file_atomically calls it with the temp file's
/// descriptor after writing, before any read-back (a test damages the file
/// there to see the read-back refuse it). Never set outside tests.
extern void (*after_write_for_testing)(int fd);

}  // namespace declass::app::internal
