// The policy engine's public surface: load (parse + check + compile) an XML
// policy once, then decide on any number of documents, from any number of
// threads. See docs/policy-language.md.
#pragma once

#include <memory>
#include <string>

#include "declass/core/decisions.h"
#include "declass/core/diagnostic.h"
#include "declass/core/document.h"

namespace declass::policies {

class CompiledPolicy;  // immutable once built; share by std::shared_ptr<const CompiledPolicy>
class Overrides;       // reviewer overrides (XML), immutable once loaded

/// Everything a decision depends on besides the document and the policy.
struct ReviewContext {
  core::Date review_date;
  std::string case_id;
  std::string reviewer;
  std::shared_ptr<const Overrides> overrides;  ///< may be null
};

/// Loads, checks and compiles the policy at `path` (includes and list files are
/// resolved relative to it). On any error the value is empty and every problem
/// is reported as `policy.xml:LINE:COL: error: ... [code]`; nothing runs.
core::Result<std::shared_ptr<const CompiledPolicy>> load_policy(const std::string& path);

/// Loads a reviewer-overrides file. Errors as for load_policy.
core::Result<std::shared_ptr<const Overrides>> load_overrides(const std::string& path);

/// Decides every block of `doc`. Deterministic; thread-safe on a shared policy.
core::Decisions decide(const CompiledPolicy& policy, const core::Document& doc,
                       const ReviewContext& context);

/// Hex SHA-256 of the policy's bytes after includes and list files, for manifests.
std::string policy_digest(const CompiledPolicy& policy);

}  // namespace declass::policies
