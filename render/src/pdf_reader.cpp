#include "pdf_reader.h"

#include <algorithm>
#include <cstdlib>
#include <numeric>

#include "flate.h"
#include "pdf_lexer.h"

namespace declass::render::detail::pdf {

namespace {

// A decoded stream larger than this is refused (PoDoFo then decides).
constexpr size_t kMaxDecoded = size_t{1} << 30;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// [+-]?(digits[.digits] | .digits): a PDF number, nothing else.
bool parse_number(std::string_view s, Object* out) {
  size_t i = s[0] == '+' || s[0] == '-' ? 1 : 0;
  size_t digits = 0;
  size_t dots = 0;
  for (size_t k = i; k < s.size(); ++k) {
    if (is_digit(s[k]))
      ++digits;
    else if (s[k] == '.')
      ++dots;
    else
      return false;
  }
  if (digits == 0 || dots > 1) return false;
  out->type = Object::kNumber;
  if (dots == 0 && digits <= 15) {
    // An integer of at most 15 digits is exact in a double: strtod()'s
    // value, the sign of a negative zero included.
    int64_t v = 0;
    for (size_t k = i; k < s.size(); ++k) v = v * 10 + (s[k] - '0');
    out->integer = true;
    out->int_value = s[0] == '-' ? -v : v;
    out->number = s[0] == '-' ? -static_cast<double>(v) : static_cast<double>(v);
    return true;
  }
  // strtod needs a terminated string; a number token is short.
  char buf[64];
  if (s.size() < sizeof buf) {
    s.copy(buf, s.size());
    buf[s.size()] = '\0';
    out->number = std::strtod(buf, nullptr);
  } else {
    out->number = std::strtod(std::string(s).c_str(), nullptr);
  }
  if (dots == 0 && digits <= 18) {
    int64_t v = 0;
    for (size_t k = i; k < s.size(); ++k) v = v * 10 + (s[k] - '0');
    out->integer = true;
    out->int_value = s[0] == '-' ? -v : v;
  }
  return true;
}

bool is_uint(const Token& t, uint64_t limit, uint64_t* v) {
  const std::string_view s = t.text();
  if (t.kind != Token::kOther || s.empty() || s.size() > 10) return false;
  uint64_t x = 0;
  for (const char c : s) {
    if (!is_digit(c)) return false;
    x = x * 10 + static_cast<uint64_t>(c - '0');
  }
  if (x > limit) return false;
  *v = x;
  return true;
}

// The items and keys of the arrays and dictionaries being read, for every
// depth at once: a container's items are read onto the end of the stack and
// moved into an exactly sized vector at its close, so a container costs one
// allocation (two for a dictionary) instead of one per doubling. Per thread
// and kept warm across files: the verifier reads every PDF it writes.
struct ParseScratch {
  std::vector<Object> items;
  std::vector<std::string> keys;
  std::vector<size_t> order;
};
ParseScratch& parse_scratch() {
  thread_local ParseScratch s;
  return s;
}

// A value read with the lexer; false on anything but clean syntax.
class ValueParser {
 public:
  explicit ValueParser(Lexer& lx) : lx_(lx), scratch_(parse_scratch()) {}

  bool value(Object* out, int depth) {
    if (depth > Reader::kMaxDepth) return false;
    Token t;
    lx_.next(t);
    if (lx_.truncated()) return false;
    switch (t.kind) {
      case Token::kEnd:
      case Token::kArrayClose:
        return false;
      case Token::kString:
        out->type = Object::kString;
        out->text = std::move(t.value);
        return true;
      case Token::kName:
        out->type = Object::kName;
        out->text = std::move(t.value);
        return true;
      case Token::kArrayOpen:
        return array(out, depth);
      case Token::kOther:
        break;
    }
    const std::string_view word = t.text();
    if (word == "<<") return dict(out, depth);
    if (word == "true" || word == "false") {
      out->type = Object::kBool;
      out->boolean = word == "true";
      return true;
    }
    if (word == "null") return true;
    if (!parse_number(word, out)) return false;
    // "N G R": a reference (look ahead two tokens, else step back).
    if (out->integer && out->int_value >= 0 && out->int_value <= 0x7FFFFFFF && word[0] != '+') {
      const size_t at = lx_.pos();
      Token g;
      Token r;
      lx_.next(g);
      uint64_t gen = 0;
      if (is_uint(g, 65535, &gen)) {
        lx_.next(r);
        if (r.kind == Token::kOther && r.text() == "R") {
          out->type = Object::kRef;
          out->num = static_cast<uint32_t>(out->int_value);
          out->gen = static_cast<uint16_t>(gen);
          return true;
        }
      }
      lx_.skip_to(at);
    }
    return true;
  }

 private:
  // Reads one value onto the scratch item stack (its own items go above it
  // while it is read, so it is read into a local first).
  bool push_value(int depth) {
    Object v;
    if (!value(&v, depth)) return false;
    scratch_.items.push_back(std::move(v));
    return true;
  }

  // Moves the scratch items from `base` on into `dest`, sized to fit.
  void take_items(size_t base, std::vector<Object>& dest) {
    std::vector<Object>& items = scratch_.items;
    dest.reserve(items.size() - base);
    for (size_t k = base; k < items.size(); ++k) dest.push_back(std::move(items[k]));
    items.resize(base);
  }

  bool array(Object* out, int depth) {
    out->type = Object::kArray;
    const size_t base = scratch_.items.size();
    Token t;
    for (;;) {
      const size_t at = lx_.pos();
      lx_.next(t);
      if (t.kind == Token::kArrayClose) break;
      bool ok = t.kind != Token::kEnd;
      if (ok) {
        lx_.skip_to(at);
        ok = push_value(depth + 1);
      }
      if (!ok) {
        scratch_.items.resize(base);
        return false;
      }
    }
    take_items(base, out->items);
    return true;
  }

  bool dict(Object* out, int depth) {
    out->type = Object::kDict;
    std::vector<Object>& items = scratch_.items;
    std::vector<std::string>& keys = scratch_.keys;
    const size_t base = items.size();
    const size_t key_base = keys.size();
    auto drop = [&] {
      items.resize(base);
      keys.resize(key_base);
      return false;
    };
    Token t;
    for (;;) {
      lx_.next(t);
      if (t.kind == Token::kOther && t.text() == ">>") break;
      if (t.kind != Token::kName) return drop();
      keys.push_back(std::move(t.value));
      if (!push_value(depth + 1)) return drop();
    }
    const size_t n = keys.size() - key_base;
    // PoDoFo writes its keys sorted: then they move over in order.
    bool sorted = true;
    for (size_t k = key_base + 1; k < keys.size() && sorted; ++k) sorted = keys[k - 1] < keys[k];
    if (sorted) {
      out->keys.reserve(n);
      for (size_t k = key_base; k < keys.size(); ++k) out->keys.push_back(std::move(keys[k]));
      keys.resize(key_base);
      take_items(base, out->items);
      return true;
    }
    std::vector<size_t>& order = scratch_.order;
    order.resize(n);
    std::iota(order.begin(), order.end(), key_base);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
    out->keys.reserve(n);
    out->items.reserve(n);
    for (const size_t k : order) {
      if (!out->keys.empty() && out->keys.back() == keys[k]) return drop();  // a repeated key
      out->keys.push_back(std::move(keys[k]));
      out->items.push_back(std::move(items[k - key_base + base]));
    }
    items.resize(base);
    keys.resize(key_base);
    return true;
  }

  Lexer& lx_;
  ParseScratch& scratch_;
};

// Objects read before, by the bytes the parser read for them: the writer
// puts the same font dictionaries, descriptors and CMap dictionaries into
// every release with the same character set. parse_object() is a pure
// function of the bytes its lexer reads, [offset, offset + read), so an
// object whose bytes at its offset equal an entry's, compared in full, reads
// as that entry did. An entry first holds only the bytes; it is parsed into
// the entry when the same bytes come again (most objects that differ from
// file to file are never copied). Per thread, a few entries per object
// number, the last used first.
struct CachedObject {
  uint16_t gen = 0;
  bool parsed = false;
  bool has_stream = false;
  std::string bytes;  // what the parser read, from "N G obj"
  size_t end = 0;     // endobj: where the object ends; stream: where its data starts
  Object value;
};
class ObjectCache {
 public:
  static constexpr uint32_t kMaxNum = 1024;
  static constexpr size_t kPerNum = 4;
  static constexpr size_t kMaxBytes = 4096;

  // The entry for these bytes at `b[offset]`, or nullptr.
  CachedObject* find(uint32_t num, uint16_t gen, std::string_view b, size_t offset) {
    if (num >= buckets_.size()) return nullptr;
    std::vector<CachedObject>& bucket = buckets_[num];
    for (size_t k = 0; k < bucket.size(); ++k) {
      CachedObject& e = bucket[k];
      if (e.gen != gen || e.bytes.size() > b.size() - offset ||
          b.compare(offset, e.bytes.size(), e.bytes) != 0)
        continue;
      std::rotate(bucket.begin(), bucket.begin() + static_cast<std::ptrdiff_t>(k),
                  bucket.begin() + static_cast<std::ptrdiff_t>(k + 1));
      return &bucket.front();
    }
    return nullptr;
  }
  // A new entry of the bytes only (not parsed yet), or nullptr.
  CachedObject* add(uint32_t num, uint16_t gen, std::string_view bytes) {
    if (num >= kMaxNum || bytes.size() > kMaxBytes) return nullptr;
    if (num >= buckets_.size()) buckets_.resize(num + 1);
    std::vector<CachedObject>& bucket = buckets_[num];
    if (bucket.size() >= kPerNum) bucket.pop_back();
    bucket.insert(bucket.begin(), CachedObject{});
    CachedObject& e = bucket.front();
    e.gen = gen;
    e.bytes.assign(bytes);
    return &e;
  }
  void clear() { buckets_.clear(); }

 private:
  std::vector<std::vector<CachedObject>> buckets_;
};
ObjectCache& object_cache() {
  thread_local ObjectCache cache;
  return cache;
}

// Blanks and comments only, in [from, to).
bool only_blanks(std::string_view b, size_t from, size_t to) {
  for (size_t i = from; i < to; ++i) {
    if (pdf_space(b[i])) continue;
    if (b[i] != '%') return false;
    while (i < to && b[i] != '\n' && b[i] != '\r') ++i;
  }
  return true;
}

}  // namespace

const Object* Object::get(std::string_view key) const {
  if (type != kDict) return nullptr;
  auto it = std::lower_bound(keys.begin(), keys.end(), key,
                             [](const std::string& k, std::string_view v) { return k < v; });
  if (it == keys.end() || *it != key) return nullptr;
  return &items[static_cast<size_t>(it - keys.begin())];
}

bool Reader::fail(size_t offset, const std::string& what) {
  if (why_ != nullptr) *why_ = "offset " + std::to_string(offset) + ": " + what;
  return false;
}

const Indirect* Reader::find(uint32_t num) const {
  if (num >= index_.size() || index_[num] == 0) return nullptr;
  return &objects_[index_[num] - 1];
}

const Object* Reader::resolve(const Object* o) const {
  if (o == nullptr || o->type != Object::kRef) return o;
  const Indirect* i = find(o->num);
  return i != nullptr && i->gen == o->gen ? &i->value : nullptr;
}

bool Reader::parse(std::string_view bytes, std::string* why) {
  bytes_ = bytes;
  why_ = why;
  if (bytes.substr(0, 5) != "%PDF-") return fail(0, "no %PDF- header");
  // The end: startxref, its offset, %%EOF, at most a line break.
  size_t end = bytes.size();
  while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) --end;
  if (bytes.size() - end > 2 || end < 5 || bytes.substr(end - 5, 5) != "%%EOF")
    return fail(end, "the file does not end with %%EOF");
  const size_t sx = bytes.rfind("startxref", end);
  if (sx == std::string_view::npos) return fail(end, "no startxref");
  size_t i = sx + 9;
  while (i < end && pdf_space(bytes[i])) ++i;
  uint64_t xref = 0;
  size_t digits = 0;
  for (; i < end && is_digit(bytes[i]) && digits < 12; ++i, ++digits)
    xref = xref * 10 + static_cast<uint64_t>(bytes[i] - '0');
  if (digits == 0 || !only_blanks(bytes, i, end - 5) || xref >= sx)
    return fail(sx, "a bad startxref");
  if (!parse_xref(static_cast<size_t>(xref))) return false;
  if (!only_blanks(bytes, trailer_end_, sx))
    return fail(trailer_end_, "bytes between the trailer and startxref");
  return check_gaps();
}

bool Reader::parse_xref(size_t at) {
  std::string_view b = bytes_;
  if (b.substr(at, 4) != "xref") return fail(at, "startxref does not point to an xref table");
  xref_at_ = at;
  size_t i = at + 4;
  struct Entry {
    uint32_t num;
    uint16_t gen;
    size_t offset;
  };
  std::vector<Entry> entries;
  for (;;) {
    while (i < b.size() && pdf_space(b[i])) ++i;
    if (b.substr(i, 7) == "trailer") break;
    // A subsection header: first number and count.
    uint64_t first = 0;
    uint64_t count = 0;
    size_t d = 0;
    for (; i < b.size() && is_digit(b[i]) && d < 10; ++i, ++d)
      first = first * 10 + static_cast<uint64_t>(b[i] - '0');
    if (d == 0 || i >= b.size() || b[i] != ' ') return fail(i, "a bad xref subsection header");
    ++i;
    d = 0;
    for (; i < b.size() && is_digit(b[i]) && d < 10; ++i, ++d)
      count = count * 10 + static_cast<uint64_t>(b[i] - '0');
    if (d == 0) return fail(i, "a bad xref subsection header");
    if (i < b.size() && b[i] == ' ') ++i;
    if (i + 1 < b.size() && b[i] == '\r' && b[i + 1] == '\n')
      i += 2;
    else if (i < b.size() && (b[i] == '\n' || b[i] == '\r'))
      ++i;
    else
      return fail(i, "a bad xref subsection header");
    if (count > (b.size() - i) / 20 || first + count > (uint64_t{1} << 23))
      return fail(i, "an xref subsection larger than the file");
    for (uint64_t k = 0; k < count; ++k, i += 20) {
      const std::string_view e = b.substr(i, 20);
      bool ok =
          e[10] == ' ' && e[16] == ' ' && (e[17] == 'n' || e[17] == 'f') &&
          ((e[18] == ' ' && (e[19] == '\n' || e[19] == '\r')) || (e[18] == '\r' && e[19] == '\n'));
      uint64_t off = 0;
      uint64_t gen = 0;
      for (size_t c = 0; c < 10 && ok; ++c) {
        ok = is_digit(e[c]);
        off = off * 10 + static_cast<uint64_t>(e[c] - '0');
      }
      for (size_t c = 11; c < 16 && ok; ++c) {
        ok = is_digit(e[c]);
        gen = gen * 10 + static_cast<uint64_t>(e[c] - '0');
      }
      if (!ok) return fail(i, "a bad xref entry");
      if (e[17] == 'f') continue;
      const uint64_t num = first + k;
      if (num == 0 || gen > 65535 || off >= at) return fail(i, "a bad in-use xref entry");
      entries.push_back(
          {static_cast<uint32_t>(num), static_cast<uint16_t>(gen), static_cast<size_t>(off)});
    }
  }
  // The trailer dictionary.
  const size_t t0 = i + 7;
  Lexer lx(b.substr(t0), true);
  ValueParser vp(lx);
  if (!vp.value(&trailer_, 0) || !trailer_.is_dict())
    return fail(t0, "the trailer is not a dictionary");
  trailer_end_ = t0 + lx.pos();
  for (const char* k : {"Prev", "XRefStm", "Encrypt"})
    if (trailer_.get(k) != nullptr) return fail(t0, std::string("a trailer with /") + k);

  // The objects, by number.
  std::sort(entries.begin(), entries.end(),
            [](const Entry& x, const Entry& y) { return x.num < y.num; });
  index_.assign(entries.empty() ? 0 : entries.back().num + 1, 0);
  objects_.resize(entries.size());
  for (size_t k = 0; k < entries.size(); ++k) {
    if (index_[entries[k].num] != 0) return fail(xref_at_, "an object listed twice");
    index_[entries[k].num] = static_cast<uint32_t>(k + 1);
  }
  for (size_t k = 0; k < entries.size(); ++k)
    if (!parse_object(entries[k].num, entries[k].gen, entries[k].offset, &objects_[k]))
      return false;
  // Stream lengths given as references, now that every object is read.
  for (Indirect& o : objects_) {
    if (!o.has_stream) continue;
    const Object* len = resolve(o.value.get("Length"));
    const size_t data = static_cast<size_t>(o.raw.data() - b.data());
    if (len == nullptr || len->type != Object::kNumber || !len->integer || len->int_value < 0 ||
        static_cast<uint64_t>(len->int_value) > b.size() - data)
      return fail(o.offset, "a stream without a usable /Length");
    const auto n = static_cast<size_t>(len->int_value);
    // After the data: an optional line break, then endstream, then endobj.
    size_t e = data + n;
    if (b.substr(e, 2) == "\r\n")
      e += 2;
    else if (e < b.size() && (b[e] == '\n' || b[e] == '\r'))
      ++e;
    if (b.substr(e, 9) != "endstream")
      return fail(e, "the stream's /Length does not end at endstream");
    Lexer after(b.substr(e + 9), true);
    Token t;
    after.next(t);
    if (t.kind != Token::kOther || t.text() != "endobj")
      return fail(e + 9, "endstream without endobj");
    o.raw = b.substr(data, n);
    spans_.emplace_back(o.offset, e + 9 + after.pos());
  }
  return true;
}

void clear_object_cache() {
  object_cache().clear();
}

bool Reader::parse_object(uint32_t num, uint16_t gen, size_t offset, Indirect* out) {
  std::string_view b = bytes_;
  ObjectCache& cache = object_cache();
  CachedObject* hit = cache.find(num, gen, b, offset);
  if (hit != nullptr && hit->parsed) {
    out->num = num;
    out->gen = gen;
    out->offset = offset;
    out->value = hit->value;
    if (hit->has_stream) {
      out->has_stream = true;
      out->raw = b.substr(offset + hit->end, 0);
    } else {
      spans_.emplace_back(offset, offset + hit->end);
    }
    ++object_cache_hits_;
    return true;
  }
  // Keeps what was read: the bytes up to `read` (from `offset`; the lexer
  // looked at the byte after its last token too).
  auto keep = [&](size_t read, bool has_stream, size_t end) {
    if (read > b.size() - offset) return;  // the lexer met the end of the file
    const std::string_view bytes = b.substr(offset, read);
    if (hit == nullptr) {
      cache.add(num, gen, bytes);
      return;
    }
    hit->parsed = true;
    hit->has_stream = has_stream;
    hit->end = end;
    hit->value = out->value;
  };
  Lexer lx(b.substr(offset), true);
  Token t;
  uint64_t v = 0;
  lx.next(t);
  if (!is_uint(t, UINT32_MAX, &v) || v != num) return fail(offset, "the xref points elsewhere");
  lx.next(t);
  if (!is_uint(t, 65535, &v) || v != gen) return fail(offset, "the xref points elsewhere");
  lx.next(t);
  if (t.kind != Token::kOther || t.text() != "obj") return fail(offset, "no obj keyword");
  out->num = num;
  out->gen = gen;
  out->offset = offset;
  ValueParser vp(lx);
  if (!vp.value(&out->value, 0)) return fail(offset, "an object that cannot be read");
  // Object and cross-reference streams hold objects this reader does not
  // read: leave them to PoDoFo.
  if (const Object* type = out->value.get("Type"); type != nullptr && type->type == Object::kName &&
                                                   (type->text == "ObjStm" || type->text == "XRef"))
    return fail(offset, "an object or xref stream");
  lx.next(t);
  if (t.kind == Token::kOther && t.text() == "endobj") {
    spans_.emplace_back(offset, offset + lx.pos());
    keep(lx.pos() + 1, false, lx.pos());
    return true;
  }
  if (t.kind != Token::kOther || t.text() != "stream" || !out->value.is_dict())
    return fail(offset, "an object without endobj");
  const size_t stream_end = lx.pos();  // of the stream keyword, from `offset`
  size_t data = offset + stream_end;
  if (b.substr(data, 2) == "\r\n")
    data += 2;
  else if (data < b.size() && b[data] == '\n')
    ++data;
  else
    return fail(data, "stream not followed by a line break");
  out->has_stream = true;
  out->raw = b.substr(data, 0);  // the length is checked once every object is read
  // The line break test read the two bytes after "stream".
  keep(stream_end + 2, true, data - offset);
  return true;
}

bool Reader::check_gaps() {
  // Every byte before the xref table belongs to the header, an object, or
  // blanks and comments between them: nothing is left unread.
  std::sort(spans_.begin(), spans_.end());
  size_t at = 0;
  for (const auto& [from, to] : spans_) {
    if (from < at) return fail(from, "objects overlap");
    if (!only_blanks(bytes_, at, from)) return fail(at, "bytes outside any object");
    at = to;
  }
  if (at > xref_at_) return fail(xref_at_, "an object runs into the xref table");
  if (!only_blanks(bytes_, at, xref_at_)) return fail(at, "bytes outside any object");
  return true;
}

Reader::Filter Reader::filter(const Indirect& o) {
  const Object* filter = o.value.get("Filter");
  if (filter != nullptr && filter->type == Object::kArray && filter->items.size() == 1)
    filter = &filter->items[0];
  if (filter == nullptr) return Filter::kNone;
  if (filter->type != Object::kName || filter->text != "FlateDecode" ||
      o.value.get("DecodeParms") != nullptr)
    return Filter::kUnsupported;
  return Filter::kFlate;
}

bool Reader::decode(const Indirect& o, std::string* out) {
  out->clear();
  switch (filter(o)) {
    case Filter::kNone:
      out->assign(o.raw);
      return true;
    case Filter::kFlate:
      // Only a clean end of the deflate data, with at most a line break after it.
      return inflate(o.raw, 2, kMaxDecoded, out);
    case Filter::kUnsupported:
      break;
  }
  return false;
}

}  // namespace declass::render::detail::pdf
