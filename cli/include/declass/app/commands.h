// Every subcommand of `declass` as a function the tests can call directly.
// Each returns the process exit code (docs/cli.md).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace declass::app {

/// Exit codes shared by all subcommands.
enum ExitCode : int {
  kExitOk = 0,        ///< everything done, no errors
  kExitInputError = 1,///< at least one input had an error (others were still processed)
  kExitUsage = 2,     ///< bad command line or bad policy: nothing was done
  kExitLeak = 3,      ///< verification found withheld text in an output (outputs removed)
  kExitInternal = 4,  ///< a bug: an unexpected exception
};

struct InspectOptions {
  std::vector<std::string> files;
  bool json = false;
  std::string as_of;  ///< "YYYY-MM-DD" or empty
};

int run_inspect(const InspectOptions& options, std::ostream& out, std::ostream& err);

struct CheckPolicyOptions {
  std::vector<std::string> policies;
};

/// Loads and checks each policy; positioned errors on `err`; kExitUsage if any has an error.
int run_check_policy(const CheckPolicyOptions& options, std::ostream& out, std::ostream& err);

struct ExplainOptions {
  std::string policy;
  std::string as_of;      ///< "YYYY-MM-DD" (required)
  std::string case_id;
  std::string reviewer;
  std::string overrides;  ///< reviewer-overrides XML, or empty
  bool json = false;
  std::vector<std::string> files;
};

/// Prints every block's decision and why. kExitUsage for a bad policy, date or
/// overrides file; kExitInputError if a cable cannot be read or an override
/// names a paragraph it does not have (the other cables are still explained).
int run_explain(const ExplainOptions& options, std::ostream& out, std::ostream& err);

struct BatchOptions {
  std::string policy;
  std::string as_of;
  std::string out_dir;
  unsigned jobs = 0;            ///< 0: all cores
  std::string case_id;
  std::string reviewer;
  std::string overrides;
  std::string formats = "text,pdf,log";
  std::string bates_prefix = "DECL";
  unsigned bates_digits = 7;
  std::string shard;            ///< "K/N" or empty
  bool resume = false;
  bool progress = true;         ///< live progress line when stderr is a terminal
  std::vector<std::string> inputs;  ///< files, directories, "-" (paths on stdin)
};

/// `declass batch`: the whole run, resumable; see docs/batch.md.
int run_batch(const BatchOptions& options, std::istream& in, std::ostream& out, std::ostream& err);

struct MergeOptions {
  std::string out_dir;
  std::vector<std::string> shard_dirs;
};

/// `declass merge`: shard runs into one, Bates renumbered; see docs/scale-out.md.
int run_merge(const MergeOptions& options, std::ostream& out, std::ostream& err);

}  // namespace declass::app
