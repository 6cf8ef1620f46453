#include "test_support.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "declass/core/classification.h"

namespace declass::render::testing {

core::Document make_document(std::string path, std::string text,
                             const std::vector<BlockSpec>& specs) {
  core::Document doc;
  doc.source = core::Source::from_utf8(std::move(path), std::move(text));
  const std::string_view t = doc.source.text();
  for (const BlockSpec& spec : specs) {
    core::Block b;
    b.kind = spec.kind;
    b.first_line = spec.first_line;
    b.last_line = spec.last_line;
    b.label = spec.label;
    for (uint32_t ln = spec.first_line; ln <= spec.last_line && ln <= doc.source.line_count();
         ++ln) {
      const uint32_t ls = doc.source.line_start(ln);
      const std::string_view lt = doc.source.line_text(ln);
      const size_t a = lt.find_first_not_of(" \t");
      if (a == std::string_view::npos) continue;
      const size_t z = lt.find_last_not_of(" \t");
      b.pieces.push_back({ls + static_cast<uint32_t>(a), ls + static_cast<uint32_t>(z + 1)});
    }
    if (!b.pieces.empty()) {
      b.span = {b.pieces.front().begin, b.pieces.back().end};
      uint32_t at = b.pieces.front().begin;
      if (!spec.label.empty() && t.substr(at, spec.label.size() + 1) == spec.label + ".") {
        b.label_span = {at, at + static_cast<uint32_t>(spec.label.size() + 1)};
        at = b.label_span.end;
        while (at < t.size() && t[at] == ' ') ++at;
      }
      if (b.kind == core::BlockKind::kParagraph && at < t.size() && t[at] == '(') {
        const size_t close = t.find(')', at);
        if (close != std::string_view::npos && close - at < 16) {
          core::PortionMark m;
          m.span = {at, static_cast<uint32_t>(close + 1)};
          m.text = std::string(t.substr(at + 1, close - at - 1));
          const core::MarkingParse mp = core::parse_portion_marking(m.text);
          if (mp.kind == core::MarkingParse::Kind::kMarking) {
            m.classification = mp.classification;
            b.mark = m;
            b.classification = mp.classification;
            b.marking = core::MarkingStatus::kMarked;
          }
        }
      }
    }
    doc.blocks.push_back(std::move(b));
  }
  doc.id = "TEST1";
  return doc;
}

core::Decisions release_all(const core::Document& doc) {
  core::Decisions d;
  d.blocks.resize(doc.blocks.size());
  for (auto& b : d.blocks) {
    b.action = core::Action::kRelease;
    b.rule = "test-release";
  }
  d.disposition = core::DocumentDisposition::kReleasedInFull;
  d.review.review_date = core::Date(2024, 5, 1);
  d.review.case_id = "F-2024-00001";
  d.review.reviewer = "JANE DOE";
  return d;
}

core::Document minister_cable() {
  static constexpr const char* kText =
      "SUBJECT: MEETING WITH THE MINISTER\n"                        // 1
      "\n"                                                          // 2
      "1. (C) The minister and the ambassador met in Tokyo.\n"      // 3
      "Kathleen Stephens attended.\n"                               // 4
      "\n"                                                          // 5
      "2. (C) The source QUILLFEATHER said the minister\n"          // 6
      "would resign, and Stephen Nagamine agreed with the plan.\n"  // 7
      "\n"                                                          // 8
      "3. (U) A released closing paragraph.\n";                     // 9
  return make_document("v.txt", kText,
                       {{core::BlockKind::kSubject, 1, 1, ""},
                        {core::BlockKind::kParagraph, 3, 4, "1"},
                        {core::BlockKind::kParagraph, 6, 7, "2"},
                        {core::BlockKind::kParagraph, 9, 9, "3"}});
}

core::Decisions minister_decisions(const core::Document& doc) {
  core::Decisions d = release_all(doc);
  withhold(d, 2, labels({b1("bd")}));
  redact(d, 1, span_of(doc, "Kathleen Stephens"), labels({b6()}));
  return d;
}

core::Span span_of(const core::Document& doc, std::string_view needle, int nth) {
  const std::string_view t = doc.source.text();
  size_t at = t.find(needle);
  for (int k = 0; k < nth && at != std::string_view::npos; ++k) at = t.find(needle, at + 1);
  if (at == std::string_view::npos) return {};
  return {static_cast<uint32_t>(at), static_cast<uint32_t>(at + needle.size())};
}

core::LabelSet labels(std::initializer_list<core::ExemptionLabel> l) {
  core::LabelSet s;
  for (const auto& x : l) s.add(x);
  return s;
}

void withhold(core::Decisions& d, size_t b, core::LabelSet l, std::string rule) {
  auto& bd = d.blocks.at(b);
  bd.action = core::Action::kWithhold;
  bd.labels = l;
  bd.rule = std::move(rule);
  bd.justification = "test justification";
  d.exemptions.merge(l);
  if (d.disposition == core::DocumentDisposition::kReleasedInFull)
    d.disposition = core::DocumentDisposition::kReleasedInPart;
}

void redact(core::Decisions& d, size_t b, core::Span span, core::LabelSet l, std::string rule) {
  auto& bd = d.blocks.at(b);
  bd.action = core::Action::kRedact;
  core::Redaction r;
  r.span = span;
  r.labels = l;
  r.rule = std::move(rule);
  r.match = "test-terms";
  bd.redactions.push_back(r);
  d.exemptions.merge(l);
  if (d.disposition == core::DocumentDisposition::kReleasedInFull)
    d.disposition = core::DocumentDisposition::kReleasedInPart;
}

std::string deflate(const std::string& s) {
  uLongf len = compressBound(static_cast<uLong>(s.size()));
  std::string out(len, '\0');
  compress2(reinterpret_cast<Bytef*>(out.data()), &len, reinterpret_cast<const Bytef*>(s.data()),
            static_cast<uLong>(s.size()), 6);
  out.resize(len);
  return out;
}

std::string make_pdf(const std::vector<std::string>& objects, const std::string& trailer_extra) {
  std::string out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (const size_t o : offsets) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", o);
    out += buf;
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R" +
         trailer_extra + " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

std::vector<std::string> corpus_files() {
  const std::string data = DECLASS_TEST_DATA;
  std::vector<std::string> out;
  for (const std::string& dir : {data + "/corpus", data + "/corpus/raw"})
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.is_regular_file() && e.path().extension() == ".txt") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace declass::render::testing

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace declass::render::testing {

std::string run(const std::string& command, int* status) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) {
    if (status) *status = -1;
    return out;
  }
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int rc = ::pclose(p);
  if (status) *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

TempDir::TempDir() {
  std::string templ = (std::filesystem::temp_directory_path() / "declass-test-XXXXXX").string();
  if (::mkdtemp(templ.data()) != nullptr) path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

bool write_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

std::string squash(std::string_view s) {
  std::string out;
  bool space = false;
  for (const char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace declass::render::testing
