#include "json_model.h"

#include "declass/core/authority.h"

namespace declass::app {

using nlohmann::ordered_json;

namespace {

ordered_json controls_json(const core::Classification& c) {
  ordered_json list = ordered_json::array();
  for (uint32_t bit = 1; bit != 0 && bit <= static_cast<uint32_t>(core::Control::kEfto);
       bit <<= 1) {
    if ((c.controls & bit) == 0) continue;
    const auto control = static_cast<core::Control>(bit);
    if (control == core::Control::kRelTo) {
      std::string rel = "REL TO USA";
      for (const auto& country : c.rel_to)
        if (country != "USA") rel += ", " + country;
      list.push_back(rel);
    } else {
      list.push_back(std::string(core::name(control)));
    }
  }
  return list;
}

ordered_json date_or_null(const std::optional<core::Date>& d) {
  return d ? ordered_json(core::format_iso_date(*d)) : ordered_json(nullptr);
}

}  // namespace

ordered_json classification_json(const core::Classification& c) {
  ordered_json j;
  j["level"] = std::string(core::abbrev(c.level));
  j["controls"] = controls_json(c);
  j["text"] = c.text();
  return j;
}

ordered_json diagnostic_json(const core::Diagnostic& d) {
  ordered_json j;
  j["severity"] = std::string(core::to_string(d.severity));
  j["code"] = d.code;
  j["line"] = d.line;
  j["column"] = d.column;
  j["message"] = d.message;
  return j;
}

ordered_json document_json(const core::Document& doc, std::optional<core::Date> as_of) {
  ordered_json j;
  j["path"] = doc.source.path();
  j["id"] = doc.id;
  j["layout"] = std::string(core::to_string(doc.layout));
  j["created"] = doc.created.empty() ? ordered_json(nullptr) : ordered_json(doc.created);
  j["origin"] = doc.origin;
  j["classification"] = classification_json(doc.classification);

  ordered_json decl;
  decl["text"] = doc.declass.text;
  decl["kind"] = std::string(core::to_string(doc.declass.kind));
  decl["date"] = date_or_null(doc.declass.date);
  decl["exemptions"] = doc.declass.exemptions;
  decl["effective_date"] = date_or_null(doc.declass_eval.effective_date);
  decl["computable"] = doc.declass_eval.computable;
  if (as_of) decl["declassified_as_of"] = core::declassified_as_of(doc.declass_eval, *as_of);
  j["declassification"] = decl;

  j["tags"] = doc.tags;
  j["subject"] = doc.subject;
  if (doc.classified_by) {
    ordered_json cb;
    cb["name"] = doc.classified_by->name;
    ordered_json reasons = ordered_json::array();
    for (char r : doc.classified_by->reasons) reasons.push_back(std::string(1, r));
    cb["reasons"] = reasons;
    cb["derived"] = doc.classified_by->derived;
    j["classified_by"] = cb;
  } else {
    j["classified_by"] = nullptr;
  }

  ordered_json paragraphs = ordered_json::array();
  for (const auto& b : doc.blocks) {
    if (b.kind != core::BlockKind::kParagraph && b.kind != core::BlockKind::kSubParagraph) continue;
    ordered_json p;
    p["kind"] = std::string(core::to_string(b.kind));
    p["label"] = b.label;
    p["marking"] = b.mark ? ordered_json(b.mark->text) : ordered_json(nullptr);
    p["marking_status"] = std::string(core::to_string(b.marking));
    p["level"] = std::string(core::abbrev(b.classification.level));
    p["controls"] = controls_json(b.classification);
    p["line"] = b.first_line;
    p["text"] = core::block_text(doc, b);
    paragraphs.push_back(std::move(p));
  }
  j["paragraphs"] = paragraphs;

  ordered_json diags = ordered_json::array();
  for (const auto& d : doc.diagnostics) diags.push_back(diagnostic_json(d));
  j["diagnostics"] = diags;
  return j;
}

}  // namespace declass::app
