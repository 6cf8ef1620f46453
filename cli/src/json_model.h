// The JSON form of a Document (the `inspect --json` contract, docs/cli.md).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "declass/core/document.h"

namespace declass::app {

nlohmann::ordered_json document_json(const core::Document& doc, std::optional<core::Date> as_of);
nlohmann::ordered_json diagnostic_json(const core::Diagnostic& d);
nlohmann::ordered_json classification_json(const core::Classification& c);

}  // namespace declass::app
