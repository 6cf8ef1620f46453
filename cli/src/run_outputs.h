// The files a run ends with, rebuilt from its manifest so that a resumed or
// merged run ends byte-identical to an uninterrupted one: log.jsonl, log.csv
// (the Vaughn index) and summary.json.
#pragma once

#include <cstdint>
#include <map>
#include <string>

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

/// Streams the manifest at `manifest_path` (documents in run order) into
/// DIR/log.jsonl and DIR/log.csv (when the log format is on) and writes
/// DIR/summary.json, each atomically. Memory does not grow with the run.
bool write_run_outputs(const std::string& out_dir, const std::string& manifest_path,
                       const PipelineConfig& config, double seconds, RunTotals* totals,
                       std::string* error);

}  // namespace declass::app
