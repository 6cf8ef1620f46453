// A small, strict PDF reader for verification: one classic xref table, a
// trailer, plain indirect objects, streams without filter or with
// FlateDecode. It reads what our writer produces and any other file of that
// shape, and *refuses* (returns false with a reason) anything it cannot read
// with confidence: xref streams, object streams, encryption, other filters,
// a stream length that lies, bytes between objects that are not blanks or
// comments, nesting deeper than kMaxDepth. The caller then falls back to
// PoDoFo, so a refusal costs time, never a check.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace declass::render::detail::pdf {

/// A direct object. Dictionaries keep their keys sorted (as PoDoFo's map
/// does, so the scan meets them in the same order); a repeated key is refused.
struct Object {
  enum Type : uint8_t { kNull, kBool, kNumber, kString, kName, kArray, kDict, kRef } type = kNull;
  bool boolean = false;
  bool integer = false;  ///< kNumber without a fraction, within int64
  int64_t int_value = 0;
  double number = 0;
  std::string text;               ///< kString: decoded bytes; kName: decoded name
  uint32_t num = 0;               ///< kRef
  uint16_t gen = 0;               ///< kRef
  std::vector<std::string> keys;  ///< kDict: sorted, unique
  std::vector<Object> items;      ///< kArray items; kDict values (parallel to keys)

  bool is_dict() const { return type == kDict; }
  /// The value of `key` in a dictionary, or nullptr.
  const Object* get(std::string_view key) const;
};

/// An indirect object, with its stream if it has one.
struct Indirect {
  uint32_t num = 0;
  uint16_t gen = 0;
  size_t offset = 0;  ///< of "N G obj"
  Object value;
  bool has_stream = false;
  std::string_view raw;  ///< the stream's bytes as stored (Length of them)
};

/// Empties this thread's cache of parsed objects (for tests).
void clear_object_cache();

class Reader {
 public:
  static constexpr int kMaxDepth = 64;

  /// Parses `bytes` (which must outlive the reader). False: not read with
  /// confidence; `why` says where and why ("offset N: ...").
  bool parse(std::string_view bytes, std::string* why);

  const Object& trailer() const { return trailer_; }
  /// The in-use objects in object-number order.
  const std::vector<Indirect>& objects() const { return objects_; }
  /// Object `num` (any generation, as PoDoFo looks it up), or nullptr.
  const Indirect* find(uint32_t num) const;
  /// `o` itself, or the object a reference names (nullptr if none).
  const Object* resolve(const Object* o) const;
  /// The decoded stream data of `o` into `out`; false if it cannot be
  /// decoded (a filter we do not read, corrupt deflate data).
  static bool decode(const Indirect& o, std::string* out);
  /// How decode() reads `o`: its raw bytes as they are, inflated, or not at all.
  enum class Filter : uint8_t { kNone, kFlate, kUnsupported };
  static Filter filter(const Indirect& o);
  /// Objects this reader took from the per-thread cache of objects read
  /// before (same bytes, compared in full), rather than parsed again.
  size_t object_cache_hits() const { return object_cache_hits_; }

 private:
  bool fail(size_t offset, const std::string& what);
  bool parse_xref(size_t at);
  bool parse_object(uint32_t num, uint16_t gen, size_t offset, Indirect* out);
  bool check_gaps();

  std::string_view bytes_;
  std::string* why_ = nullptr;
  Object trailer_;
  std::vector<Indirect> objects_;
  std::vector<uint32_t> index_;  // object number -> index into objects_ + 1 (0: none)
  size_t xref_at_ = 0;
  size_t object_cache_hits_ = 0;
  size_t trailer_end_ = 0;
  std::vector<std::pair<size_t, size_t>> spans_;  // [offset, end) of each object
};

}  // namespace declass::render::detail::pdf
