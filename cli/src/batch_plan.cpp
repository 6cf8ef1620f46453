#include "batch_plan.h"

#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <istream>
#include <map>

#include "sha256.h"

namespace declass::app {

namespace fs = std::filesystem;

std::optional<ShardSpec> parse_shard(std::string_view text, std::string* error) {
  const size_t slash = text.find('/');
  ShardSpec s;
  auto number = [](std::string_view t, uint32_t* out) {
    if (t.empty()) return false;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), *out);
    return ec == std::errc() && p == t.data() + t.size();
  };
  if (slash == std::string_view::npos || !number(text.substr(0, slash), &s.index) ||
      !number(text.substr(slash + 1), &s.count) || s.count == 0 || s.count > 100000 ||
      s.index == 0 || s.index > s.count) {
    if (error)
      *error = "--shard '" + std::string(text) + "' is not K/N with 1 <= K <= N (e.g. 1/4)";
    return std::nullopt;
  }
  return s;
}

uint64_t stable_hash(std::string_view bytes) {
  uint64_t h = 14695981039346656037ull;
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

bool in_shard(std::string_view id, const ShardSpec& shard) {
  return stable_hash(id) % shard.count == shard.index - 1;
}

namespace {

bool hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

// Identity of a directory (device, inode), if it exists.
struct DirId {
  bool valid = false;
  dev_t dev = 0;
  ino_t ino = 0;
};

DirId dir_id(const std::string& path) {
  DirId d;
  struct stat st {};
  if (!path.empty() && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    d.valid = true;
    d.dev = st.st_dev;
    d.ino = st.st_ino;
  }
  return d;
}

void walk(const fs::path& dir, const DirId& skip, std::vector<std::string>* out,
          std::vector<std::string>* errors) {
  std::vector<std::string> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
  if (ec) {
    errors->push_back(dir.string() + ": " + ec.message());
    return;
  }
  for (; it != end; it.increment(ec)) {
    if (ec) {
      errors->push_back(dir.string() + ": " + ec.message());
      break;
    }
    if (hidden(it->path())) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (skip.valid && it->is_directory(ec)) {
      const DirId d = dir_id(it->path().string());
      if (d.valid && d.dev == skip.dev && d.ino == skip.ino) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec)) found.push_back(it->path().string());
  }
  std::sort(found.begin(), found.end());
  out->insert(out->end(), found.begin(), found.end());
}

void add_arg(const std::string& arg, const DirId& skip, std::vector<std::string>* out,
             std::vector<std::string>* errors) {
  std::error_code ec;
  const fs::file_status st = fs::status(arg, ec);
  if (ec || !fs::exists(st)) {
    errors->push_back(arg + ": no such file or directory");
  } else if (fs::is_directory(st)) {
    walk(arg, skip, out, errors);
  } else {
    out->push_back(arg);  // a special file is read (and rejected) like any other input
  }
}

}  // namespace

std::vector<std::string> collect_inputs(const std::vector<std::string>& args,
                                        std::istream& stdin_list, std::vector<std::string>* errors,
                                        const std::string& skip_dir) {
  std::vector<std::string> out;
  std::vector<std::string> local_errors;
  if (errors == nullptr) errors = &local_errors;
  const DirId skip = dir_id(skip_dir);
  for (const auto& arg : args) {
    if (arg == "-") {
      std::string line;
      while (std::getline(stdin_list, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) add_arg(line, skip, &out, errors);
      }
    } else {
      add_arg(arg, skip, &out, errors);
    }
  }
  return out;
}

std::string safe_name(std::string_view id) {
  std::string out;
  out.reserve(std::min<size_t>(id.size(), 100));
  for (char c : id) {
    if (out.size() >= 100) break;
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    out += ok ? c : '_';
  }
  while (!out.empty() && out[0] == '.') out[0] = '_';
  if (out.empty()) out = "unnamed";
  return out;
}

std::string fold_case(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

void order_and_name(std::vector<PlannedDoc>& docs) {
  std::stable_sort(docs.begin(), docs.end(), [](const PlannedDoc& a, const PlannedDoc& b) {
    if (a.id != b.id) return a.id < b.id;
    return a.path < b.path;
  });
  // Case-insensitive, so two ids never share a file on a case-folding file system.
  std::map<std::string, uint32_t> seen;
  for (auto& d : docs) {
    const std::string base = safe_name(d.id);
    const uint32_t n = ++seen[fold_case(base)];
    d.name = n == 1 ? base : base + "~" + std::to_string(n);
  }
}

std::string plan_digest(const std::vector<PlannedDoc>& docs) {
  Sha256 h;
  for (const auto& d : docs) {
    h.update(d.id);
    h.update("\t");
    h.update(d.path);
    h.update("\t");
    h.update(d.input_sha256);
    h.update("\n");
  }
  return h.hex();
}

}  // namespace declass::app
