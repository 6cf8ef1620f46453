// STUB — replaced by the cable reader.
#include "declass/core/document.h"

namespace declass::core {

Document read_document(Source source) {
  Document doc;
  doc.source = std::move(source);
  return doc;
}

}  // namespace declass::core
