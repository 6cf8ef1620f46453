// One document through the whole release pipeline: read -> decide -> release
// view -> writers -> verification. Shared by `redact` and `batch` so both
// produce byte-identical outputs for the same document.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "declass/core/document.h"
#include "declass/policies/engine.h"

namespace declass::app {

struct PipelineConfig {
  std::shared_ptr<const policies::CompiledPolicy> policy;
  policies::ReviewContext context;
  bool want_text = true;
  bool want_pdf = true;
  bool want_log = true;
  std::string bates_prefix = "DECL";
  uint32_t bates_digits = 7;
  bool verify = true;  ///< check every output for withheld text before it is kept
};

struct PipelineOutput {
  std::string kind;       ///< "text" or "pdf"
  std::string extension;  ///< ".txt" or ".pdf"
  std::string bytes;
};

struct PipelineResult {
  bool ok = false;
  bool leak = false;      ///< verification found withheld material: outputs must not be kept
  std::string error;      ///< formatted diagnostic when !ok
  std::string id;
  std::string disposition;
  std::vector<std::string> exemptions;
  uint32_t pages = 0;     ///< PDF pages (0 without a PDF)
  std::vector<PipelineOutput> outputs;
  nlohmann::ordered_json log = nlohmann::ordered_json::array();  ///< Vaughn index rows
  double ms_decide = 0, ms_render = 0, ms_verify = 0;
};

/// Runs decide + render + verify on an already-read document. `bates_first` is
/// the Bates number of the document's first page. Never throws for bad input.
PipelineResult run_pipeline(const PipelineConfig& config, const core::Document& doc,
                            uint64_t bates_first);

/// Rewrites the Bates numbers in a PDF made by run_pipeline so that its first
/// page carries `to_first` instead of `from_first` (same prefix and width).
/// False if the PDF does not hold the expected numbers.
bool renumber_bates(std::string& pdf, const PipelineConfig& config, uint32_t pages,
                    uint64_t from_first, uint64_t to_first);

}  // namespace declass::app
