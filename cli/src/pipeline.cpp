#include "pipeline.h"

#include <chrono>

#include "declass/core/decisions.h"
#include "declass/render/bates.h"
#include "declass/render/pdf_writer.h"
#include "declass/render/release_builder.h"

namespace declass::app {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

render::BatesOptions bates_options(const PipelineConfig& c) {
  render::BatesOptions b;
  b.prefix = c.bates_prefix;
  b.digits = c.bates_digits;
  return b;
}

}  // namespace

Pipeline::Pipeline(const PipelineConfig& config) : config_(config) {}
Pipeline::~Pipeline() = default;

core::Result<std::unique_ptr<Pipeline>> Pipeline::create(const PipelineConfig& config) {
  core::Result<std::unique_ptr<Pipeline>> r;
  std::unique_ptr<Pipeline> p(new Pipeline(config));
  if (config.want_pdf) {
    render::PdfOptions po;
    po.bates = bates_options(config);
    auto w = render::PdfWriter::create(po);
    r.diagnostics = std::move(w.diagnostics);
    if (!w.value) return r;
    p->pdf_ = std::move(*w.value);
  }
  r.value = std::move(p);
  return r;
}

PipelineResult Pipeline::run(const core::Document& doc) {
  PipelineResult r;
  r.id = doc.id;
  auto t0 = Clock::now();
  const core::Decisions decisions = policies::decide(*config_.policy, doc, config_.context);
  r.ms_decide = ms_since(t0);

  t0 = Clock::now();
  render::ReleaseOptions ro;
  ro.text = config_.want_text;
  ro.pdf = config_.want_pdf;
  ro.log = config_.want_log;
  ro.verify = config_.verify;
  ro.bates = bates_options(config_);
  if (pdf_) pdf_->set_next_bates(1);  // provisional: the committer rebases
  render::ReleasedDocument rel = render::release_document(doc, decisions, ro, pdf_.get());
  r.ms_render = ms_since(t0);

  r.disposition = std::string(core::to_string(rel.disposition));
  for (const auto& l : rel.exemptions.labels()) r.exemptions.push_back(l.text());
  if (rel.leaked()) {
    r.leak = true;
    r.error = doc.source.path() +
              ": error: withheld material found in an output; outputs discarded [leak]";
    for (const auto& f : rel.findings) r.error += "\n  " + f.message;
    return r;
  }
  if (!rel.errors.empty()) {
    for (const auto& d : rel.errors) r.error += (r.error.empty() ? "" : "\n") + d.format();
    return r;
  }
  r.ok = true;
  r.pages = rel.pages;
  if (config_.want_text) r.outputs.push_back({"text", ".txt", std::move(rel.text)});
  if (config_.want_pdf) r.outputs.push_back({"pdf", ".pdf", std::move(rel.pdf)});
  r.log_csv = std::move(rel.log_csv);
  r.log_jsonl = std::move(rel.log_jsonl);
  return r;
}

bool rebase_bates(const PipelineConfig& config, uint32_t pages, uint64_t from_first,
                  uint64_t to_first, std::string* pdf, std::string* log_csv,
                  std::string* log_jsonl) {
  if (from_first == to_first || pages == 0) return true;
  const render::BatesOptions b = bates_options(config);
  return (pdf == nullptr || pdf->empty() ||
          render::rebase_pdf_bates(*pdf, b, pages, from_first, to_first)) &&
         (log_csv == nullptr || render::rebase_log_bates(*log_csv, b, from_first, to_first)) &&
         (log_jsonl == nullptr || render::rebase_log_bates(*log_jsonl, b, from_first, to_first));
}

}  // namespace declass::app
