// One document through the release pipeline: decide -> release view ->
// writers -> verification (render::release_document). `batch` runs one
// Pipeline per worker thread. Outputs are made with provisional Bates numbers
// starting at 1; the committer, which knows the run order, rebases them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "declass/core/document.h"
#include "declass/policies/engine.h"

namespace declass::render {
class PdfWriter;
}

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
  bool leak = false;  ///< verification found withheld material: outputs were dropped
  std::string error;  ///< formatted diagnostics when !ok
  std::string id;
  std::string disposition;
  std::vector<std::string> exemptions;
  uint32_t pages = 0;  ///< PDF pages (0 without a PDF)
  std::vector<PipelineOutput> outputs;
  std::string log_csv;  ///< Vaughn index rows (no header), Bates from 1
  std::string log_jsonl;
  double ms_decide = 0, ms_render = 0;
};

class Pipeline {
 public:
  /// Loads what each worker needs (the PDF font). Errors as diagnostics.
  static core::Result<std::unique_ptr<Pipeline>> create(const PipelineConfig& config);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  /// Decides and renders `doc`. Never throws for bad input.
  PipelineResult run(const core::Document& doc);

 private:
  explicit Pipeline(const PipelineConfig& config);
  const PipelineConfig& config_;
  std::unique_ptr<render::PdfWriter> pdf_;
};

/// Moves a document's outputs from provisional Bates numbers (first page
/// `from_first`) to `to_first`: the PDF's page labels and the log rows' Bates
/// column, same prefix and width. False if the numbers do not fit the width or
/// the outputs do not hold the expected labels.
bool rebase_bates(const PipelineConfig& config, uint32_t pages, uint64_t from_first,
                  uint64_t to_first, std::string* pdf, std::string* log_csv,
                  std::string* log_jsonl);

}  // namespace declass::app
