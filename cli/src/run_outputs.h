// The files a run ends with, rebuilt from its manifest so that a resumed or
// merged run ends byte-identical to an uninterrupted one: log.jsonl, log.csv
// (the Vaughn index) and summary.json.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pipeline.h"

namespace declass::app {

inline constexpr const char* kToolVersion = "declass 0.1.0";

/// Parses "--format text,pdf,log" into `config`. False and `error` on an
/// unknown or empty list.
bool parse_formats(const std::string& formats, PipelineConfig* config, std::string* error);

struct RunTotals {
  uint64_t documents = 0;
  uint64_t errors = 0;
  uint64_t pages = 0;
  std::map<std::string, uint64_t> by_disposition;
  std::map<std::string, uint64_t> by_exemption;
  std::map<std::string, uint64_t> warnings_by_code;  ///< reader diagnostics, all documents
};

class AtomicFileWriter;
struct ManifestDoc;

/// log.jsonl, log.csv and summary.json built document by document, in run
/// order, as a batch commits them: the same bytes as write_run_outputs() over
/// the finished manifest, without reading it again (on a large run that
/// second reading was serial time at the end). Logs go to temp files that
/// finish() renames into place; destroying the writer before removes them.
class RunOutputWriter {
 public:
  RunOutputWriter();
  ~RunOutputWriter();
  RunOutputWriter(const RunOutputWriter&) = delete;
  RunOutputWriter& operator=(const RunOutputWriter&) = delete;

  bool open(const std::string& out_dir, const PipelineConfig& config, std::string* error);
  /// The next document of the run (documents must come in manifest order).
  bool add(const ManifestDoc& d, std::string* error);
  /// One document from its manifest fields.
  bool add(bool ok, const std::vector<std::string>& warnings, uint32_t pages,
           const std::string& disposition, const std::vector<std::string>& exemptions,
           const std::string& log_jsonl, const std::string& log_csv, std::string* error);
  /// Commits the logs and writes summary.json.
  bool finish(double seconds, std::string* error);
  const RunTotals& totals() const { return totals_; }

 private:
  std::string out_dir_;
  bool want_log_ = false;
  std::unique_ptr<AtomicFileWriter> jsonl_, csv_;
  RunTotals totals_;
};

/// Streams the manifest at `manifest_path` (documents in run order) into
/// DIR/log.jsonl and DIR/log.csv (when the log format is on) and writes
/// DIR/summary.json, each atomically. Memory does not grow with the run.
bool write_run_outputs(const std::string& out_dir, const std::string& manifest_path,
                       const PipelineConfig& config, double seconds, RunTotals* totals,
                       std::string* error);

}  // namespace declass::app
