// `declass merge OUT SHARD_DIR...`: joins the runs of `batch --shard K/N` into
// the run a single machine would have made: every document exactly once, in
// the run's id order, Bates numbers continuous, logs and summary rebuilt.
// Shard directories are only read, never changed. See docs/scale-out.md.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "batch_plan.h"
#include "declass/app/atomic_file.h"
#include "declass/app/commands.h"
#include "manifest.h"
#include "pipeline.h"
#include "run_outputs.h"
#include "sha256.h"

namespace declass::app {

namespace {

namespace fs = std::filesystem;

struct ShardDoc {
  ManifestDoc doc;
  std::string dir;  ///< the shard directory it came from
};

bool read_file_bytes(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  *out = std::move(buf).str();
  return true;
}

}  // namespace

int run_merge(const MergeOptions& options, std::ostream& out, std::ostream& err) {
  const auto t0 = std::chrono::steady_clock::now();
  if (options.shard_dirs.empty()) {
    err << "declass: error: merge needs at least one shard directory\n";
    return kExitUsage;
  }
  std::string error;
  std::vector<ShardDoc> docs;
  std::optional<ManifestRun> run;
  std::set<uint32_t> shards_seen;
  uint32_t shard_count = 0;
  for (const auto& dir : options.shard_dirs) {
    const std::string path = (fs::path(dir) / "manifest.jsonl").string();
    auto loaded = load_manifest(path, /*repair=*/false, &error);
    if (!loaded) {
      err << "declass: error: " << error << '\n';
      return kExitInputError;
    }
    if (loaded->truncated_tail) {
      err << "declass: error: " << path
          << ": the shard's run did not finish (partial last line); resume it first\n";
      return kExitInputError;
    }
    std::string why;
    if (run && !run->same_run(loaded->run, /*ignore_shard=*/true, &why)) {
      err << "declass: error: " << dir << " is not a shard of the same run: " << why << '\n';
      return kExitInputError;
    }
    if (!run) run = loaded->run;
    auto spec = parse_shard(loaded->run.shard, &why);
    if (!spec) {
      err << "declass: error: " << path << ": bad shard '" << loaded->run.shard << "'\n";
      return kExitInputError;
    }
    if (shard_count == 0) shard_count = spec->count;
    if (spec->count != shard_count || !shards_seen.insert(spec->index).second) {
      err << "declass: error: " << dir << ": shard " << spec->text()
          << " given twice or from another split\n";
      return kExitInputError;
    }
    for (auto& d : loaded->docs) docs.push_back({std::move(d), dir});
  }
  if (shards_seen.size() != shard_count) {
    err << "declass: error: " << shards_seen.size() << " of " << shard_count
        << " shards given; missing:";
    for (uint32_t k = 1; k <= shard_count; ++k)
      if (!shards_seen.count(k)) err << ' ' << k << '/' << shard_count;
    err << '\n';
    return kExitInputError;
  }

  // Nothing missing, nothing twice: the seqs must be exactly 0..total-1.
  std::sort(docs.begin(), docs.end(),
            [](const ShardDoc& a, const ShardDoc& b) { return a.doc.seq < b.doc.seq; });
  for (size_t i = 0; i < docs.size(); ++i) {
    if (docs[i].doc.seq != i) {
      if (i > 0 && docs[i].doc.seq == docs[i - 1].doc.seq)
        err << "declass: error: document " << docs[i].doc.input << " appears in two shards\n";
      else
        err << "declass: error: document #" << i
            << " of the run is missing from every shard (unfinished shard?)\n";
      return kExitInputError;
    }
  }
  if (docs.size() != run->inputs_total) {
    err << "declass: error: the shards hold " << docs.size() << " documents; the run has "
        << run->inputs_total << '\n';
    return kExitInputError;
  }

  if (!make_directories(options.out_dir, &error)) {
    err << "declass: error: " << error << '\n';
    return kExitUsage;
  }
  const std::string manifest_path = (fs::path(options.out_dir) / "manifest.jsonl").string();
  if (fs::exists(manifest_path)) {
    err << "declass: error: " << manifest_path << " exists: merge into a new directory\n";
    return kExitUsage;
  }

  PipelineConfig config;
  parse_formats(run->formats, &config, &error);
  config.bates_prefix = run->bates_prefix;
  config.bates_digits = run->bates_digits;

  ManifestRun merged = *run;
  merged.shard = ShardSpec{}.text();
  ManifestWriter manifest;
  if (!manifest.open(manifest_path, &merged, &error)) {
    err << "declass: error: " << error << '\n';
    return kExitUsage;
  }
  uint64_t bates_next = 1;
  std::vector<ManifestDoc> pending;
  for (auto& sd : docs) {
    ManifestDoc& d = sd.doc;
    const uint64_t local_first = d.bates_first;
    if (d.pages > 0) {
      d.bates_first = bates_next;
      d.bates_last = bates_next + d.pages - 1;
      bates_next = d.bates_last + 1;
    }
    for (auto& o : d.outputs) {
      std::string bytes;
      const std::string src = (fs::path(sd.dir) / o.path).string();
      if (!read_file_bytes(src, &bytes) || sha256_hex(bytes) != o.sha256) {
        err << "declass: error: " << src << ": missing or changed since its shard recorded it\n";
        return kExitInputError;
      }
      if (o.kind == "pdf" &&
          !rebase_bates(config, d.pages, local_first, d.bates_first, &bytes, nullptr, nullptr)) {
        err << "declass: error: " << src << ": cannot renumber its Bates numbers\n";
        return kExitInputError;
      }
      if (!write_file_atomically((fs::path(options.out_dir) / o.path).string(), bytes, &error, {},
                                 false)) {
        err << "declass: error: " << error << '\n';
        return kExitInputError;
      }
      o.sha256 = sha256_hex(bytes);
      o.bytes = bytes.size();
    }
    if (!rebase_bates(config, d.pages, local_first, d.bates_first, nullptr, &d.log_csv,
                      &d.log_jsonl)) {
      err << "declass: error: " << d.input << ": cannot renumber its Vaughn index rows\n";
      return kExitInputError;
    }
    pending.push_back(std::move(d));
    if (pending.size() >= 256) {
      ::sync();
      if (!manifest.append(pending, &error)) {
        err << "declass: error: " << error << '\n';
        return kExitInputError;
      }
      pending.clear();
    }
  }
  ::sync();
  if (!manifest.append(pending, &error)) {
    err << "declass: error: " << error << '\n';
    return kExitInputError;
  }
  RunTotals totals;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!write_run_outputs(options.out_dir, manifest_path, config, secs, &totals, &error)) {
    err << "declass: error: " << error << '\n';
    return kExitInputError;
  }
  out << "declass merge: " << shard_count << " shards, " << totals.documents << " documents, "
      << totals.errors << " error" << (totals.errors == 1 ? "" : "s") << ", " << totals.pages
      << " pages -> " << options.out_dir << '\n';
  return totals.errors > 0 ? kExitInputError : kExitOk;
}

}  // namespace declass::app
