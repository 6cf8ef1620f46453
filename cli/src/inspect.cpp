// `declass inspect`: print the model of each cable (text dump or JSON lines).
#include <ostream>

#include "declass/app/commands.h"
#include "declass/core/document.h"
#include "declass/core/model_dump.h"
#include "json_model.h"

namespace declass::app {

int run_inspect(const InspectOptions& options, std::ostream& out, std::ostream& err) {
  std::optional<core::Date> as_of;
  if (!options.as_of.empty()) {
    as_of = core::parse_iso_date(options.as_of);
    if (!as_of) {
      err << "declass: error: --as-of '" << options.as_of
          << "' is not a date of the form YYYY-MM-DD\n";
      return kExitUsage;
    }
  }
  int status = kExitOk;
  for (const auto& path : options.files) {
    core::Result<core::Document> r = core::read_file(path);
    for (const auto& d : r.diagnostics)
      if (d.severity == core::Severity::kError) err << d.format() << '\n';
    if (!r.value) {
      status = kExitInputError;
      if (options.json) {
        nlohmann::ordered_json j;
        j["path"] = path;
        j["error"] = true;
        nlohmann::ordered_json diags = nlohmann::ordered_json::array();
        for (const auto& d : r.diagnostics) diags.push_back(diagnostic_json(d));
        j["diagnostics"] = diags;
        out << j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
      }
      continue;
    }
    if (options.json) {
      out << document_json(*r.value, as_of)
                 .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
          << '\n';
    } else {
      out << core::dump_model(*r.value, as_of);
    }
  }
  return status;
}

}  // namespace declass::app
