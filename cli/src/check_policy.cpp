// `declass check-policy P.xml...`: load, check and compile each policy; print
// every problem positioned; exit non-zero if any policy has an error.
#include <ostream>

#include "declass/app/commands.h"
#include "declass/policies/engine.h"

namespace declass::app {

int run_check_policy(const CheckPolicyOptions& options, std::ostream& out, std::ostream& err) {
  int status = kExitOk;
  for (const auto& path : options.policies) {
    auto r = policies::load_policy(path);
    for (const auto& d : r.diagnostics) err << d.format() << '\n';
    if (!r.ok()) {
      status = kExitUsage;
      continue;
    }
    const policies::PolicyInfo info = policies::policy_info(**r.value);
    out << path << ": ok: \"" << info.name << "\""
        << (info.version.empty() ? "" : " " + info.version) << ", " << info.rules
        << (info.rules == 1 ? " rule, " : " rules, ") << info.lists
        << (info.lists == 1 ? " list or pattern, " : " lists and patterns, ") << info.terms
        << (info.terms == 1 ? " term, " : " terms, ") << info.files.size()
        << (info.files.size() == 1 ? " file" : " files") << "; sha256 " << info.digest << '\n';
  }
  return status;
}

}  // namespace declass::app
