// `declass batch`: a whole release run over many cables — parallel, ordered by
// cable id, resumable after a kill, shardable. See docs/batch.md.
//
// Shape of a run:
//   plan    every input is read once (in parallel) for its id and SHA-256; the
//           inputs are ordered by (id, path) and named; the shard is selected.
//   process workers take documents in order and run the pipeline; results wait
//           in a bounded window so memory does not grow with the corpus.
//   commit  Bates numbers are assigned strictly in order (under the lock) and
//           the assigning worker writes the document's outputs (temp +
//           rename); the main thread, in order, makes every few documents'
//           outputs durable with one syncfs() and then appends and fdatasyncs
//           their manifest lines. A document is done only when its manifest
//           line is durable.
//   finish  log.csv, log.jsonl and summary.json: built as the manifest grows
//           (and from its recorded part on --resume), renamed into place.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "batch_plan.h"
#include "declass/app/atomic_file.h"
#include "declass/app/commands.h"
#include "declass/core/document.h"
#include "declass/policies/engine.h"
#include "manifest.h"
#include "pipeline.h"
#include "run_outputs.h"
#include "sha256.h"

namespace declass::app {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Reads a whole input of at most `max_bytes`. A larger one is an error, but
// is still hashed (in pieces, never held whole) so the manifest records it.
bool read_bytes(const std::string& path, uint64_t max_bytes, std::string* bytes,
                std::string* sha256, std::string* error) {
  bytes->clear();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0) {
    *error = path + ": error: cannot read input: " + std::strerror(errno) + " [io-error]";
    if (fd >= 0) ::close(fd);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    *error = path + ": error: cannot read input: not a regular file [io-error]";
    ::close(fd);
    return false;
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  // Reads into `buf` from `at` until end of file or `buf` is full.
  auto read_into = [&](std::string& buf, size_t at) -> ssize_t {
    size_t got = at;
    while (got < buf.size()) {
      const ssize_t n = ::read(fd, buf.data() + got, buf.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return -1;
      if (n == 0) break;
      got += static_cast<size_t>(n);
    }
    return static_cast<ssize_t>(got - at);
  };
  bool ok = true;
  if (size <= max_bytes) {
    bytes->resize(static_cast<size_t>(size) + 1);  // a spare byte shows a file that grew
    const ssize_t n = read_into(*bytes, 0);
    if (n < 0)
      ok = false;
    else
      bytes->resize(static_cast<size_t>(n));
  }
  if (ok && (size > max_bytes || bytes->size() > max_bytes)) {
    Sha256 hash;
    hash.update(*bytes);
    uint64_t total = bytes->size();
    std::string chunk(1u << 20, '\0');
    for (ssize_t n; (n = read_into(chunk, 0)) != 0;) {
      if (n < 0) {
        ok = false;
        break;
      }
      hash.update(std::string_view(chunk.data(), static_cast<size_t>(n)));
      total += static_cast<uint64_t>(n);
    }
    if (ok) {
      *sha256 = hash.hex();
      *error = path + ": error: file is " + std::to_string(total) +
               " bytes; the limit for a cable is " + std::to_string(max_bytes) +
               " (--max-bytes) [input-too-large]";
      bytes->clear();
      ::close(fd);
      return false;
    }
  }
  const int read_errno = errno;
  ::close(fd);
  if (!ok) {
    *error = path + ": error: cannot read input: " + std::strerror(read_errno) + " [io-error]";
    return false;
  }
  *sha256 = sha256_hex(*bytes);
  return true;
}

std::string first_error(const std::vector<core::Diagnostic>& diags) {
  for (const auto& d : diags)
    if (d.severity == core::Severity::kError) return d.format();
  return "unreadable input";
}

// Runs fn(i) for i in [0, n) on `jobs` threads.
template <class Fn>
void parallel_for(size_t n, unsigned jobs, Fn fn) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) fn(i);
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
}

class Progress {
 public:
  Progress(std::ostream& err, bool enabled, size_t total)
      : err_(err), enabled_(enabled), total_(total), start_(Clock::now()) {}
  void update(size_t done, size_t errors, bool force = false) {
    if (!enabled_) return;
    const auto now = Clock::now();
    if (!force && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    const double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
    const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
    char line[160];
    std::snprintf(line, sizeof line, "\r%zu/%zu done  %.0f cables/s  ETA %.0fs  %zu error%s   ",
                  done, total_, rate, eta, errors, errors == 1 ? "" : "s");
    err_ << line << std::flush;
  }
  void finish() {
    if (enabled_) err_ << '\n';
  }

 private:
  std::ostream& err_;
  bool enabled_;
  size_t total_;
  Clock::time_point start_;
  Clock::time_point last_{};
};

// "LINE:COL code" for every warning or error of the decoder and the reader,
// capped so that a garbage file cannot bloat the manifest.
std::vector<std::string> warning_codes(const std::vector<core::Diagnostic>& decode,
                                       const std::vector<core::Diagnostic>& read) {
  constexpr size_t kMax = 100;
  std::vector<std::string> out;
  size_t more = 0;
  for (const auto* list : {&decode, &read})
    for (const core::Diagnostic& d : *list) {
      if (d.severity == core::Severity::kNote) continue;
      if (out.size() == kMax) {
        ++more;
        continue;
      }
      out.push_back(std::to_string(d.line) + ":" + std::to_string(d.column) + " " + d.code);
    }
  if (more > 0) out.push_back("+" + std::to_string(more) + " more");
  return out;
}

// The largest Bates number that fits `digits` digits.
uint64_t max_bates(uint32_t digits) {
  uint64_t m = 1;
  for (uint32_t i = 0; i < digits; ++i) m *= 10;
  return m - 1;
}

// A kill between creating an output's temp file and renaming it leaves the
// temp file behind (".NAME.tmp-XXXXXX", see atomic_file.cpp); a resumed run
// removes them. Returns how many.
size_t remove_stale_temp_files(const std::string& dir) {
  size_t removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const size_t at = name.rfind(".tmp-");
    if (name.size() < 2 || name[0] != '.' || at == std::string::npos || at == 0 ||
        name.size() - at != 11)
      continue;
    if (!std::all_of(name.begin() + static_cast<std::ptrdiff_t>(at) + 5, name.end(),
                     [](unsigned char c) { return std::isalnum(c) != 0; }))
      continue;
    std::error_code rm;
    if (it->is_regular_file(rm) && fs::remove(it->path(), rm)) ++removed;
  }
  return removed;
}

struct Slot {
  PipelineResult result;
  std::vector<std::string> warnings;
  double ms_read = 0;
};

}  // namespace

int run_batch(const BatchOptions& options, std::istream& in, std::ostream& out, std::ostream& err) {
  const auto t_start = Clock::now();
  // ---- options ----
  const std::optional<core::Date> as_of = core::parse_iso_date(options.as_of);
  if (!as_of) {
    err << "declass: error: --as-of '" << options.as_of
        << "' is not a date of the form YYYY-MM-DD\n";
    return kExitUsage;
  }
  ShardSpec shard;
  if (!options.shard.empty()) {
    std::string why;
    auto s = parse_shard(options.shard, &why);
    if (!s) {
      err << "declass: error: " << why << '\n';
      return kExitUsage;
    }
    shard = *s;
  }
  PipelineConfig config;
  std::string formats_error;
  if (!parse_formats(options.formats, &config, &formats_error)) {
    err << "declass: error: " << formats_error << '\n';
    return kExitUsage;
  }
  if (options.bates_digits < 1 || options.bates_digits > 12) {
    err << "declass: error: --bates-digits must be between 1 and 12\n";
    return kExitUsage;
  }
  config.bates_prefix = options.bates_prefix;
  config.bates_digits = options.bates_digits;
  const unsigned jobs =
      options.jobs > 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());

  auto policy = policies::load_policy(options.policy);
  for (const auto& d : policy.diagnostics) err << d.format() << '\n';
  if (!policy.value) return kExitUsage;
  config.policy = *policy.value;
  config.context.review_date = *as_of;
  config.context.case_id = options.case_id;
  config.context.reviewer = options.reviewer;
  if (!options.overrides.empty()) {
    auto ov = policies::load_overrides(options.overrides);
    for (const auto& d : ov.diagnostics) err << d.format() << '\n';
    if (!ov.value) return kExitUsage;
    config.context.overrides = *ov.value;
  }

  // ---- plan ----
  std::vector<std::string> input_errors;
  const std::vector<std::string> paths =
      collect_inputs(options.inputs, in, &input_errors, options.out_dir);
  for (const auto& e : input_errors) err << "declass: error: " << e << '\n';
  if (!input_errors.empty()) return kExitUsage;
  if (paths.empty()) {
    err << "declass: error: no input files\n";
    return kExitUsage;
  }

  std::vector<PlannedDoc> plan(paths.size());
  parallel_for(paths.size(), jobs, [&](size_t i) {
    PlannedDoc& p = plan[i];
    p.path = paths[i];
    std::string bytes;
    if (!read_bytes(p.path, options.max_bytes, &bytes, &p.input_sha256, &p.read_error)) {
      p.id = fs::path(p.path).stem().string();
      return;
    }
    p.size = bytes.size();
    core::Result<core::Source> src = core::decode(p.path, bytes);
    if (!src.value) {
      p.read_error = first_error(src.diagnostics);
      p.id = fs::path(p.path).stem().string();
      return;
    }
    const std::string id = core::read_document_id(std::move(*src.value));
    p.id = id.empty() ? fs::path(p.path).stem().string() : id;
  });
  order_and_name(plan);
  const std::string digest = plan_digest(plan);

  std::vector<size_t> mine;  // indices into plan (= seq) of this shard, in order
  for (size_t i = 0; i < plan.size(); ++i)
    if (in_shard(plan[i].id, shard)) mine.push_back(i);

  ManifestRun run;
  run.tool_version = kToolVersion;
  run.policy = options.policy;
  run.policy_sha256 = policies::policy_digest(*config.policy);
  run.review_date = options.as_of;
  run.case_id = options.case_id;
  run.reviewer = options.reviewer;
  run.formats = options.formats;
  run.bates_prefix = options.bates_prefix;
  run.bates_digits = options.bates_digits;
  run.shard = shard.text();
  run.inputs_total = plan.size();
  run.plan_sha256 = digest;

  // ---- resume ----
  std::string error;
  if (!make_directories(options.out_dir, &error)) {
    err << "declass: error: " << error << '\n';
    return kExitUsage;
  }
  const std::string manifest_path = (fs::path(options.out_dir) / "manifest.jsonl").string();
  size_t first_todo = 0;  // index into `mine`
  uint64_t bates_next = 1;
  size_t errors_before = 0;
  ManifestWriter manifest;
  RunOutputWriter run_outputs;  // opened once stale temp files are gone
  if (fs::exists(manifest_path)) {
    if (!options.resume) {
      err << "declass: error: " << manifest_path
          << " exists: this directory holds a run; use --resume to continue it or choose a new "
             "--out\n";
      return kExitUsage;
    }
    auto loaded = load_manifest(manifest_path, /*repair=*/true, &error);
    if (!loaded) {
      err << "declass: error: " << error << '\n';
      return kExitUsage;
    }
    std::string why;
    if (!loaded->run.same_run(run, /*ignore_shard=*/false, &why)) {
      err << "declass: error: cannot resume: " << manifest_path << " records another run: " << why
          << '\n';
      return kExitUsage;
    }
    // Commits are strictly in order, so what is done is a prefix of this shard.
    for (const auto& d : loaded->docs) {
      if (first_todo >= mine.size() || d.seq != mine[first_todo] ||
          d.input != plan[mine[first_todo]].path) {
        err << "declass: error: cannot resume: manifest entry for " << d.input
            << " does not follow the run's order\n";
        return kExitUsage;
      }
      if (d.pages > 0) bates_next = d.bates_last + 1;
      if (d.status != "ok") ++errors_before;
      ++first_todo;
    }
    if (!manifest.open(manifest_path, nullptr, &error)) {
      err << "declass: error: " << error << '\n';
      return kExitUsage;
    }
    if (loaded->truncated_tail) err << "declass: note: dropped a partial last manifest line\n";
    if (const size_t n = remove_stale_temp_files(options.out_dir); n > 0)
      err << "declass: note: removed " << n << " unfinished temp file" << (n == 1 ? "" : "s")
          << " of the interrupted run\n";
    err << "declass: resuming: " << first_todo << " of " << mine.size()
        << " documents already done\n";
    bool ok = run_outputs.open(options.out_dir, config, &error);
    for (size_t i = 0; ok && i < loaded->docs.size(); ++i)
      ok = run_outputs.add(loaded->docs[i], &error);
    if (!ok) {
      err << "declass: error: " << error << '\n';
      return kExitInputError;
    }
  } else if (!manifest.open(manifest_path, &run, &error) ||
             !run_outputs.open(options.out_dir, config, &error)) {
    err << "declass: error: " << error << '\n';
    return kExitUsage;
  }

  // No output may replace an input: an input whose directory is the output
  // directory and whose name an output would take is refused, not overwritten.
  // (Outputs are renamed into place, so an input elsewhere that merely shares
  // an inode with a target, through a hard link, is never modified.) Names are
  // compared case-folded, which also covers case-insensitive file systems.
  std::set<std::string> input_names_in_out;
  {
    struct stat od {};
    if (::stat(options.out_dir.c_str(), &od) == 0) {
      std::map<std::string, bool> dir_is_out;
      for (const auto& p : plan) {
        const fs::path path(p.path);
        std::string dir = path.parent_path().string();
        if (dir.empty()) dir = ".";
        auto [it, fresh] = dir_is_out.try_emplace(dir, false);
        if (fresh) {
          struct stat ds {};
          it->second =
              ::stat(dir.c_str(), &ds) == 0 && ds.st_dev == od.st_dev && ds.st_ino == od.st_ino;
        }
        if (it->second) input_names_in_out.insert(fold_case(path.filename().string()));
      }
    }
  }

  // ---- process, write, commit ----
  // Workers read, decide and render documents in any order. Bates numbers are
  // then assigned strictly in run order (under the lock: cheap arithmetic and
  // a label rewrite), after which the worker that assigned a document also
  // writes its outputs (temp + rename), so the file-system work is spread over
  // the workers. The main thread only appends manifest lines in order.
  const size_t todo = mine.size() - first_todo;
  const size_t window = std::max<size_t>(64, size_t{jobs} * 16);
  // Workers wake the main thread once per this many written documents (and
  // at the end or on a disk error), not per document: on a VM a futex wake
  // cost about as much as writing a text release. The main thread also
  // looks on its own every kMainPoll, so nothing waits long.
  constexpr size_t kWakeBatch = 16;
  constexpr auto kMainPoll = std::chrono::milliseconds(50);
  const uint64_t bates_max = max_bates(config.bates_digits);
  std::mutex mu;
  std::condition_variable written_cv, space_cv;
  std::map<size_t, Slot> slots;  // rendered, waiting for their Bates numbers
  struct Written {
    ManifestDoc m;
    bool leak = false;
  };
  std::map<size_t, Written> written;  // outputs written, waiting for the manifest
  size_t assign_next = first_todo;    // next document (position in `mine`) to number
  size_t committed = first_todo;
  size_t written_total = 0;  // documents in `written` so far, and disk failures
  std::atomic<size_t> next{first_todo};
  bool abort = false;
  size_t io_failed_at = SIZE_MAX;  // first document whose outputs could not be written
  std::string io_error;

  // One Pipeline per worker: PdfWriter is not thread-safe.
  std::vector<std::unique_ptr<Pipeline>> pipelines;
  for (unsigned t = 0; t < jobs; ++t) {
    auto p = Pipeline::create(config);
    for (const auto& d : p.diagnostics) err << d.format() << '\n';
    if (!p.value) return kExitUsage;
    pipelines.push_back(std::move(*p.value));
  }

  // The manifest entry of document k (position in `mine`) and its final Bates
  // numbers. Runs under `mu`, strictly in order of k.
  auto assign = [&](size_t k, Slot& slot) {
    const PlannedDoc& p = plan[mine[k]];
    ManifestDoc m;
    m.seq = mine[k];
    m.input = p.path;
    m.input_sha256 = p.input_sha256;
    m.id = p.id;
    m.name = p.name;
    m.ms_read = slot.ms_read;
    m.warnings = std::move(slot.warnings);
    PipelineResult& r = slot.result;
    m.ms_decide = r.ms_decide;
    m.ms_render = r.ms_render;
    if (!r.ok || r.leak) {
      m.status = "error";
      m.error = r.leak ? r.error + " (outputs discarded)" : r.error;
      return m;
    }
    for (const auto& o : r.outputs)
      if (input_names_in_out.count(fold_case(m.name + o.extension)) > 0) {
        m.status = "error";
        m.error = (fs::path(options.out_dir) / (m.name + o.extension)).string() +
                  ": error: refusing to overwrite an input file [output-is-input]";
        return m;
      }
    m.status = "ok";
    m.disposition = r.disposition;
    m.exemptions = r.exemptions;
    m.pages = r.pages;
    if (r.pages > 0) {
      std::string* pdf = nullptr;
      for (auto& o : r.outputs)
        if (o.kind == "pdf") pdf = &o.bytes;
      const uint64_t last = bates_next + r.pages - 1;
      if (last > bates_max ||
          !rebase_bates(config, r.pages, 1, bates_next, pdf, &r.log_csv, &r.log_jsonl)) {
        m.status = "error";
        m.error = p.path + ": error: Bates number " + std::to_string(last) +
                  " does not fit --bates-digits " + std::to_string(config.bates_digits) +
                  " [bates-overflow]";
        m.pages = 0;
        return m;
      }
      m.bates_first = bates_next;
      m.bates_last = last;
      bates_next = last + 1;
    }
    m.log_csv = std::move(r.log_csv);
    m.log_jsonl = std::move(r.log_jsonl);
    return m;
  };

  // Writes the outputs of an assigned document (outside the lock). False if
  // the disk failed: that stops the run, as it is not the document's fault.
  auto write_outputs = [&](ManifestDoc& m, std::vector<PipelineOutput>& outputs, std::string* why) {
    if (m.status != "ok") return true;
    for (const auto& o : outputs) {
      const std::string rel = m.name + o.extension;
      if (!write_file_atomically((fs::path(options.out_dir) / rel).string(), o.bytes, why, {},
                                 /*durable=*/false))
        return false;
      m.outputs.push_back({o.kind, rel, sha256_hex(o.bytes), o.bytes.size()});
    }
    return true;
  };

  auto worker = [&](Pipeline* pipeline) {
    for (;;) {
      size_t k;
      {
        std::unique_lock lock(mu);
        space_cv.wait(lock, [&] {
          return abort || next.load() < committed + window || next.load() >= mine.size();
        });
        if (abort) return;
        k = next.fetch_add(1);
        if (k >= mine.size()) return;
      }
      const PlannedDoc& p = plan[mine[k]];
      Slot slot;
      const auto t0 = Clock::now();
      if (!p.read_error.empty()) {
        slot.result.error = p.read_error;
      } else {
        std::string bytes;
        std::string read_error;
        std::string sha256;
        if (!read_bytes(p.path, options.max_bytes, &bytes, &sha256, &read_error)) {
          slot.result.error = read_error;
        } else if (sha256 != p.input_sha256) {
          slot.result.error =
              p.path + ": error: input changed while the run was planned [input-changed]";
        } else {
          core::Result<core::Source> src = core::decode(p.path, bytes);
          if (!src.value) {
            slot.result.error = first_error(src.diagnostics);
          } else {
            core::Document doc = core::read_document(std::move(*src.value));
            slot.ms_read = ms_since(t0);
            slot.warnings = warning_codes(src.diagnostics, doc.diagnostics);
            // Provisional Bates numbers from 1; assign() rebases them in order.
            slot.result = pipeline->run(doc);
          }
        }
      }
      if (slot.ms_read == 0) slot.ms_read = ms_since(t0);

      // Number every document whose predecessors are all numbered (this one
      // and any that were waiting for it), then write them.
      struct Assigned {
        size_t k;
        ManifestDoc m;
        bool leak;
        std::vector<PipelineOutput> outputs;
      };
      std::vector<Assigned> to_write;
      {
        std::lock_guard lock(mu);
        slots[k] = std::move(slot);
        for (auto it = slots.find(assign_next); it != slots.end(); it = slots.find(assign_next)) {
          ManifestDoc m = assign(assign_next, it->second);
          to_write.push_back({assign_next, std::move(m), it->second.result.leak,
                              std::move(it->second.result.outputs)});
          slots.erase(it);
          ++assign_next;
        }
      }
      bool wake = false;
      for (Assigned& a : to_write) {
        std::string why;
        const bool ok = write_outputs(a.m, a.outputs, &why);
        a.outputs.clear();
        std::lock_guard lock(mu);
        if (!ok) {
          if (a.k < io_failed_at) {
            io_failed_at = a.k;
            io_error = why;
          }
        } else {
          written[a.k] = {std::move(a.m), a.leak};
        }
        ++written_total;
        wake = wake || !ok || written.size() >= kWakeBatch || written_total == todo;
      }
      if (wake) written_cv.notify_all();
    }
  };

  std::vector<std::thread> threads;
  for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(worker, pipelines[t].get());

  Progress progress(err, options.progress && ::isatty(2) != 0, mine.size());
  size_t errors = errors_before;
  size_t leaks = 0;
  std::vector<ManifestDoc> pending;
  auto last_flush = Clock::now();
  int dir_fd = ::open(options.out_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  bool io_failed = false;

  auto flush = [&]() -> bool {
    if (pending.empty()) return true;
    // One syncfs() makes every output of the group durable before the group's
    // manifest lines claim them.
    if (dir_fd >= 0 && ::syncfs(dir_fd) != 0) {
      err << "declass: error: cannot sync outputs: " << std::strerror(errno) << '\n';
      return false;
    }
    if (!manifest.append(pending, &error)) {
      err << "declass: error: " << error << '\n';
      return false;
    }
    for (const ManifestDoc& d : pending)
      if (!run_outputs.add(d, &error)) {
        err << "declass: error: " << error << '\n';
        return false;
      }
    pending.clear();
    last_flush = Clock::now();
    return true;
  };

  for (size_t k = first_todo; k < mine.size() && !io_failed; ++k) {
    Written w;
    {
      std::unique_lock lock(mu);
      while (!written_cv.wait_for(lock, kMainPoll,
                                  [&] { return written.count(k) > 0 || io_failed_at == k; })) {
      }
      if (io_failed_at == k) {
        err << "declass: error: " << io_error << '\n';
        io_failed = true;  // the disk is the problem, not the document: stop
        break;
      }
      w = std::move(written[k]);
      written.erase(k);
      committed = k + 1;
    }
    space_cv.notify_all();
    if (w.m.status != "ok") {
      ++errors;
      if (w.leak) ++leaks;
      err << w.m.error << '\n';
    }
    pending.push_back(std::move(w.m));
    if (pending.size() >= 64 || Clock::now() - last_flush > std::chrono::seconds(1)) {
      if (!flush()) io_failed = true;
    }
    progress.update(k + 1, errors);
  }
  if (!io_failed && !flush()) io_failed = true;
  {
    std::lock_guard lock(mu);
    abort = true;
  }
  space_cv.notify_all();
  for (auto& t : threads) t.join();
  if (dir_fd >= 0) ::close(dir_fd);
  progress.update(mine.size(), errors, true);
  progress.finish();
  if (io_failed) {
    err << "declass: error: run stopped; rerun with --resume to continue\n";
    return kExitInputError;
  }

  // ---- finish: logs and summary, as the manifest holds them ----
  if (!run_outputs.finish(ms_since(t_start) / 1000.0, &error)) {
    err << "declass: error: " << error << '\n';
    return kExitInputError;
  }
  const RunTotals& totals = run_outputs.totals();
  out << "declass batch: " << totals.documents << " documents (" << todo << " processed now), "
      << totals.errors << " error" << (totals.errors == 1 ? "" : "s") << ", " << totals.pages
      << " pages -> " << options.out_dir << '\n';
  if (leaks > 0) return kExitLeak;
  return totals.errors > 0 ? kExitInputError : kExitOk;
}

}  // namespace declass::app
