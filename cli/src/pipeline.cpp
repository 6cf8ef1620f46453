// INTERIM: decide is real; rendering is a placeholder until render/ lands
// (then this file calls make_release_view + the writers + verify).
#include "pipeline.h"

#include <chrono>

#include "declass/core/decisions.h"

namespace declass::app {

PipelineResult run_pipeline(const PipelineConfig& config, const core::Document& doc, uint64_t) {
  PipelineResult r;
  const auto t0 = std::chrono::steady_clock::now();
  const core::Decisions d = policies::decide(*config.policy, doc, config.context);
  r.ms_decide = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  r.ok = true;
  r.id = doc.id;
  r.disposition = std::string(core::to_string(d.disposition));
  for (const auto& l : d.exemptions.labels()) r.exemptions.push_back(l.text());
  if (config.want_text) r.outputs.push_back({"text", ".txt", doc.id + "\n" + r.disposition + "\n"});
  return r;
}

bool renumber_bates(std::string&, const PipelineConfig&, uint32_t, uint64_t from_first, uint64_t to_first) {
  return from_first == to_first;
}

}  // namespace declass::app
