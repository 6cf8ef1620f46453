#include "declass/render/text_writer.h"

#include "stamp.h"

namespace declass::render {

std::string write_text_body(const ReleaseView& view) {
  std::string out;
  for (const ViewLine& line : view.lines()) {
    out += detail::line_text(line);
    out += '\n';
  }
  return out;
}

std::string write_text(const ReleaseView& view) {
  const std::string rule(80, '=');
  std::string out;
  out += detail::kUnclassified;
  out += '\n';
  for (const std::string& l : detail::stamp_lines(view.stamp())) out += l + '\n';
  out += rule + '\n';
  out += write_text_body(view);
  out += rule + '\n';
  out += detail::kUnclassified;
  out += '\n';
  return out;
}

}  // namespace declass::render
