// STUB — replaced by the policy engine. Fails closed: every block withheld.
#include "declass/policies/engine.h"

namespace declass::policies {

class CompiledPolicy {};
class Overrides {};

core::Result<std::shared_ptr<const CompiledPolicy>> load_policy(const std::string&) {
  core::Result<std::shared_ptr<const CompiledPolicy>> r;
  r.value = std::make_shared<const CompiledPolicy>();
  return r;
}

core::Result<std::shared_ptr<const Overrides>> load_overrides(const std::string&) { return {}; }

core::Decisions decide(const CompiledPolicy&, const core::Document& doc, const ReviewContext& ctx) {
  core::Decisions d;
  d.blocks.resize(doc.blocks.size());
  for (auto& b : d.blocks) b.rule = "default";
  d.review.review_date = ctx.review_date;
  return d;
}

std::string policy_digest(const CompiledPolicy&) { return ""; }

}  // namespace declass::policies
