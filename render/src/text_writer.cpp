#include "declass/render/text_writer.h"

#include "stamp.h"

namespace declass::render {

std::string write_text_body(const ReleaseView& view) {
  size_t size = 0;
  for (const ViewLine& line : view.lines()) {
    for (const Segment& s : line.segments) size += s.text.size();
    ++size;
  }
  std::string out;
  out.reserve(size);
  for (const ViewLine& line : view.lines()) {
    for (const Segment& s : line.segments) out += s.text;
    out += '\n';
  }
  return out;
}

std::string write_text(const ReleaseView& view) {
  const std::string rule(80, '=');
  std::string body = write_text_body(view);
  std::string out;
  out.reserve(body.size() + 512);
  out += detail::kUnclassified;
  out += '\n';
  for (const std::string& l : detail::stamp_lines(view.stamp())) out += l + '\n';
  out += rule + '\n';
  out += body;
  out += rule + '\n';
  out += detail::kUnclassified;
  out += '\n';
  return out;
}

}  // namespace declass::render
