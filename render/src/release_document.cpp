// One document, end to end: view, writers, verification. Used by `declass
// redact` (and meant for the batch pipeline) so that every output is checked
// before anyone can write it.
#include "declass/render/log_writer.h"
#include "declass/render/release_builder.h"
#include "declass/render/text_writer.h"

namespace declass::render {

ReleasedDocument release_document(const core::Document& doc, const core::Decisions& decisions,
                                  const ReleaseOptions& options, PdfWriter* pdf_writer) {
  ReleasedDocument out;
  const ReleaseView view = make_release_view(doc, decisions);
  out.id = view.stamp().document_id;
  out.disposition = view.stamp().disposition;
  out.exemptions = view.stamp().exemptions;

  // The log cites page numbers: the PDF's layout when one is drawn, else only
  // the numbers (counting rows is far cheaper than building them).
  PageNumbers numbers;
  bool have_numbers = false;
  const uint64_t bates_before = pdf_writer != nullptr ? pdf_writer->next_bates() : 0;
  if (options.pdf) {
    if (pdf_writer == nullptr) {
      core::Diagnostic d;
      d.code = "pdf-error";
      d.path = doc.source.path();
      d.message = "no pdf writer";
      out.errors.push_back(std::move(d));
    } else {
      core::Result<PdfOutput> r = pdf_writer->write(view);
      for (core::Diagnostic& d : r.diagnostics) {
        if (d.path.empty()) d.path = doc.source.path();
        out.errors.push_back(std::move(d));
      }
      if (r.value) {
        out.pdf = std::move(r.value->bytes);
        out.pages = r.value->pages;
        out.first_bates = r.value->first_bates;
        numbers.pages = static_cast<uint32_t>(r.value->layout.pages.size());
        numbers.placeholder_pages = std::move(r.value->layout.placeholder_pages);
        have_numbers = true;
      }
    }
  }
  if (!have_numbers && options.log) numbers = page_numbers(view);
  if (options.text) out.text = write_text(view);
  if (options.log) {
    LogOptions lo;
    lo.bates = options.bates;
    if (options.pdf && out.first_bates != 0) lo.first_bates = out.first_bates;
    write_logs(view, numbers, lo, &out.log_csv, &out.log_jsonl);
  }

  if (options.verify) {
    const WithheldMaterial material = collect_withheld(doc, decisions, {options.bates.prefix});
    auto check = [&](const std::string& bytes, OutputKind kind, const std::string& name) {
      if (bytes.empty()) return;
      for (Finding& f : verify_output(material, kind, bytes, name).findings)
        out.findings.push_back(std::move(f));
    };
    check(out.text, OutputKind::kText, out.id + ".txt");
    check(out.pdf, OutputKind::kPdf, out.id + ".pdf");
    check(out.log_csv, OutputKind::kLog, "log.csv rows of " + out.id);
    check(out.log_jsonl, OutputKind::kLog, "log.jsonl rows of " + out.id);
  }
  if (!out.ok()) {
    out.text.clear();
    out.pdf.clear();
    out.log_csv.clear();
    out.log_jsonl.clear();
    if (pdf_writer != nullptr) pdf_writer->set_next_bates(bates_before);
  }
  return out;
}

}  // namespace declass::render
