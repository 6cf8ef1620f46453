// Reviewer overrides: per cable, release or withhold a paragraph, a kind of
// block or a span, with the reviewer's reason. They win over the policy.
#include <cctype>

#include "declass/policies/engine.h"
#include "policy_model.h"
#include "xml_util.h"

namespace declass::policies {

namespace {

bool parse_position(std::string_view v, core::Position& out) {
  const size_t colon = v.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= v.size() || v.size() > 20)
    return false;
  uint64_t line = 0, col = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i == colon) continue;
    if (std::isdigit(static_cast<unsigned char>(v[i])) == 0) return false;
    uint64_t& t = i < colon ? line : col;
    t = t * 10 + static_cast<uint64_t>(v[i] - '0');
  }
  if (line == 0 || col == 0 || line > 0xFFFFFFFFu || col > 0xFFFFFFFFu) return false;
  out = {static_cast<uint32_t>(line), static_cast<uint32_t>(col)};
  return true;
}

void entry(const XmlFile& xf, const pugi::xml_node& n, Overrides::Cable& cable, Diags& diags) {
  const std::string_view name = n.name();
  if (name != "release" && name != "withhold") {
    diags.error(
        xf.file, xf.element_offset(n), "unknown-element",
        "unknown element <" + std::string(name) + "> in <cable>; expected release or withhold");
    return;
  }
  const bool release = name == "release";
  if (release)
    check_attributes(xf, n, {"paragraph", "kind", "from", "to", "reason"}, diags);
  else
    check_attributes(
        xf, n, {"paragraph", "kind", "from", "to", "reason", "exemption", "reasons", "statute"},
        diags);
  check_no_text(xf, n, diags);
  OverrideEntry e;
  e.release = release;
  e.origin = xf.origin(n);
  const int targets = (n.attribute("paragraph") ? 1 : 0) + (n.attribute("kind") ? 1 : 0) +
                      ((n.attribute("from") || n.attribute("to")) ? 1 : 0);
  if (targets != 1) {
    diags.error(
        xf.file, xf.element_offset(n), "override-target",
        "<" + std::string(name) + "> names exactly one of: paragraph, kind, or from and to");
    return;
  }
  if (auto a = n.attribute("paragraph")) {
    e.target = OverrideEntry::Target::kParagraph;
    e.paragraph = a.value();
    if (e.paragraph.empty() || e.paragraph.find(' ') != std::string::npos)
      diags.error(xf.file, xf.value_offset(n, "paragraph"), "bad-value",
                  "bad paragraph '" + e.paragraph + "'; expected a label such as \"3\" or \"3.A\"");
  } else if (auto k = n.attribute("kind")) {
    e.target = OverrideEntry::Target::kKind;
    const auto kind = core::block_kind_from_string(k.value());
    if (!kind)
      diags.error(xf.file, xf.value_offset(n, "kind"), "bad-value",
                  "unknown block kind '" + std::string(k.value()) + "'");
    else
      e.kind = *kind;
  } else {
    e.target = OverrideEntry::Target::kSpan;
    if (require_attribute(xf, n, "from", diags) && require_attribute(xf, n, "to", diags)) {
      if (!parse_position(n.attribute("from").value(), e.from))
        diags.error(xf.file, xf.value_offset(n, "from"), "bad-value",
                    "bad position; expected LINE:COLUMN");
      if (!parse_position(n.attribute("to").value(), e.to))
        diags.error(xf.file, xf.value_offset(n, "to"), "bad-value",
                    "bad position; expected LINE:COLUMN");
    }
  }
  if (require_attribute(xf, n, "reason", diags)) {
    e.reason = n.attribute("reason").value();
    if (e.reason.find_first_not_of(" \t") == std::string::npos)
      diags.error(xf.file, xf.value_offset(n, "reason"), "bad-value",
                  "the reviewer's reason is empty");
  }
  if (!release) parse_labels(xf, n, "", e.labels, diags);
  cable.entries.push_back(std::move(e));
}

core::Result<std::shared_ptr<const Overrides>> load(const std::string& path,
                                                    const std::string* text) {
  core::Result<std::shared_ptr<const Overrides>> out;
  Diags diags;
  XmlFile xf;
  xf.file.path = path;
  std::string problem;
  if (text != nullptr) {
    xf.file.text = *text;
  } else if (!read_file_bytes(path, xf.file.text, problem)) {
    diags.error_at_file(path, "io-error", problem);
    out.diagnostics = std::move(diags.all());
    return out;
  }
  xf.file.index_lines();
  auto ov = std::make_shared<Overrides>();
  ov->path = path;
  if (parse_xml(xf, diags)) {
    pugi::xml_node root = xf.doc.document_element();
    if (!root || std::string_view(root.name()) != "overrides") {
      diags.error(xf.file, root ? xf.element_offset(root) : 0, "not-overrides",
                  "expected an <overrides> element");
    } else {
      check_attributes(xf, root, {}, diags);
      check_no_text(xf, root, diags);
      for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element) continue;
        if (std::string_view(c.name()) != "cable") {
          diags.error(
              xf.file, xf.element_offset(c), "unknown-element",
              "unknown element <" + std::string(c.name()) + "> in <overrides>; expected cable");
          continue;
        }
        check_attributes(xf, c, {"id"}, diags);
        check_no_text(xf, c, diags);
        if (!require_attribute(xf, c, "id", diags)) continue;
        Overrides::Cable cable;
        cable.id = c.attribute("id").value();
        for (pugi::xml_node e = c.first_child(); e; e = e.next_sibling())
          if (e.type() == pugi::node_element) entry(xf, e, cable, diags);
        ov->cables.push_back(std::move(cable));
      }
    }
  }
  out.diagnostics = std::move(diags.all());
  if (!diags.has_errors()) out.value = std::move(ov);
  return out;
}

}  // namespace

core::Result<std::shared_ptr<const Overrides>> load_overrides(const std::string& path) {
  return load(path, nullptr);
}

core::Result<std::shared_ptr<const Overrides>> load_overrides_text(const std::string& path,
                                                                   const std::string& xml) {
  return load(path, &xml);
}

}  // namespace declass::policies
