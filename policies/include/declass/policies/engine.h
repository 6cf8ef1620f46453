// The policy engine's public surface: load (parse + check + compile) an XML
// policy once, then decide on any number of documents, from any number of
// threads. See docs/policy-language.md.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

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

/// How a policy may be loaded.
struct LoadOptions {
  bool allow_files =
      true;  ///< false: <include> and list files are errors (fuzzing, untrusted text)
};

/// As load_policy(path), with options.
core::Result<std::shared_ptr<const CompiledPolicy>> load_policy(const std::string& path,
                                                                const LoadOptions& options);

/// Loads a policy from memory; `path` names it in messages and anchors
/// relative includes. Errors as for load_policy; never throws on bad input.
core::Result<std::shared_ptr<const CompiledPolicy>> load_policy_text(
    const std::string& path, const std::string& xml, const LoadOptions& options = {});

/// What a loaded policy is, for headers and manifests.
struct PolicyInfo {
  std::string name;
  std::string version;
  std::string digest;
  std::vector<std::string> files;  ///< every file read, in load order
  size_t rules = 0;
  size_t lists = 0;  ///< term lists and patterns
  size_t terms = 0;  ///< terms over all lists
};
PolicyInfo policy_info(const CompiledPolicy& policy);

/// Loads a reviewer-overrides file. Errors as for load_policy.
core::Result<std::shared_ptr<const Overrides>> load_overrides(const std::string& path);

/// Loads reviewer overrides from memory; `path` names them in messages.
core::Result<std::shared_ptr<const Overrides>> load_overrides_text(const std::string& path,
                                                                   const std::string& xml);

/// Decides every block of `doc`. Deterministic; thread-safe on a shared policy.
core::Decisions decide(const CompiledPolicy& policy, const core::Document& doc,
                       const ReviewContext& context);

/// As decide(), but first checks the reviewer overrides against `doc`: an
/// override naming a paragraph or span the cable does not have is an error
/// (no value, positioned at the override) and nothing is decided.
core::Result<core::Decisions> decide_checked(const CompiledPolicy& policy,
                                             const core::Document& doc,
                                             const ReviewContext& context);

/// Hex SHA-256 of the policy's bytes after includes and list files, for manifests.
std::string policy_digest(const CompiledPolicy& policy);

}  // namespace declass::policies
