// Pieces of the PDF writer that tests reach for (no PoDoFo in here).
#pragma once

#include <cstdarg>
#include <string>

namespace declass::render {
class PdfWriter;
}

namespace declass::render::detail {

/// What tests may see and switch of a PdfWriter's shortcuts. The font
/// objects and the pages normally go into the document as raw bodies of the
/// bytes PoDoFo writes for them, in a lean document (no PdfMemDocument),
/// with the info values as raw data too; with build_objects() the writer
/// builds them key by key in a PdfMemDocument instead, with PdfStrings,
/// which must give the very same file.
struct PdfWriterTestAccess {
  static void build_objects(PdfWriter& writer);
  /// True if the writer copies raw bodies in (the check at its creation passed).
  static bool raw_pages(const PdfWriter& writer);
  /// True if the writer's documents are lean (no PdfMemDocument; the check
  /// at its creation passed). build_objects() turns this off too.
  static bool lean_documents(const PdfWriter& writer);
};

/// Appends printf(`format`, `args`) to `out` for the conversions PoDoFo's
/// serializer uses (`%%`, `%c`, `%s`, and `%d %i %u` with the flags `-0+ `,
/// a width, a precision and the lengths `hh h l ll z j t`), byte for byte as
/// vsnprintf() would. False, with `out` unchanged and `args` partly consumed,
/// for anything else (floating point, `#`, `*`, a null `%s`): the caller then
/// formats with vsnprintf() from its own copy of the arguments.
bool append_format(std::string& out, const char* format, va_list args);

/// append_format(), falling back to vsnprintf() for what it does not take.
void append_vformat(std::string& out, const char* format, va_list args);

}  // namespace declass::render::detail
