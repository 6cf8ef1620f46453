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

}  // namespace declass::app
