// Pieces of the PDF writer that tests reach for (no PoDoFo in here).
#pragma once

#include <cstdarg>
#include <string>

namespace declass::render::detail {

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
