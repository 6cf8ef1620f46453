#include "pdf_inspect.h"

#include <podofo/podofo.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <set>

#include "pdf_lexer.h"
#include "pdf_reader.h"
#include "verify_text.h"

namespace declass::render::detail {

namespace {

using PoDoFo::PdfDictionary;
using PoDoFo::PdfName;
using PoDoFo::PdfObject;
using PoDoFo::PdfReference;

// Keys and type names a release PDF must never carry (docs/release-outputs.md).
const std::set<std::string, std::less<>>& forbidden_names() {
  static const std::set<std::string, std::less<>> k = {
      "AA",        "AcroForm",       "ActualText",    "Alt",       "Annot",
      "Annots",    "EmbeddedFile",   "EmbeddedFiles", "Encrypt",   "Filespec",
      "JS",        "JavaScript",     "Launch",        "Metadata",  "Names",
      "ObjStm",    "OpenAction",     "Outlines",      "PieceInfo", "Prev",
      "RichMedia", "StructTreeRoot", "SubmitForm",    "URI",       "XFA",
      "XRef",      "XRefStm"};
  return k;
}

// forbidden_names().count(name), with most names (/F1 on every line of a
// page) answered by their length and first byte alone.
bool forbidden_name(std::string_view name) {
  static const std::array<std::array<bool, 256>, 16> kMaybe = [] {
    std::array<std::array<bool, 256>, 16> t{};
    for (const std::string& n : forbidden_names())
      t[std::min<size_t>(n.size(), 15)][static_cast<unsigned char>(n[0])] = true;
    return t;
  }();
  if (name.empty() ||
      !kMaybe[std::min<size_t>(name.size(), 15)][static_cast<unsigned char>(name[0])])
    return false;
  return forbidden_names().count(name) > 0;
}

const std::set<std::string, std::less<>> kTrailerKeys = {"ID", "Info", "Root", "Size"};
const std::set<std::string, std::less<>> kCatalogKeys = {"Pages", "Type"};
const std::set<std::string, std::less<>> kInfoKeys = {"CreationDate", "ModDate", "Producer",
                                                      "Title"};
const std::set<std::string, std::less<>> kPageKeys = {"Contents", "MediaBox", "Parent", "Resources",
                                                      "Type"};

size_t count(std::string_view hay, std::string_view needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string_view::npos; at = hay.find(needle, at + 1))
    ++n;
  return n;
}

uint32_t code_of(const std::string& bytes) {
  uint32_t v = 0;
  for (const char c : bytes) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

FontMap parse_cmap(std::string_view cmap) {
  FontMap f;
  Lexer lx(cmap);
  enum { kNone, kChar, kRange, kSpace } mode = kNone;
  std::vector<Token> ops;
  for (Token t = lx.next(); t.kind != Token::kEnd; t = lx.next()) {
    if (t.kind == Token::kOther) {
      if (t.value == "beginbfchar")
        mode = kChar;
      else if (t.value == "beginbfrange")
        mode = kRange;
      else if (t.value == "begincodespacerange")
        mode = kSpace;
      else if (t.value.rfind("end", 0) == 0)
        mode = kNone;
      ops.clear();
      continue;
    }
    if (t.kind == Token::kArrayClose) {
      // bfrange with an array of destinations: lo hi [d0 d1 ...]
      if (mode == kRange && ops.size() >= 3) {
        const uint32_t lo = code_of(ops[0].value);
        for (size_t k = 2; k < ops.size(); ++k)
          f.to_text[lo + static_cast<uint32_t>(k - 2)] = utf16be_to_utf8(ops[k].value);
      }
      ops.clear();
      continue;
    }
    if (t.kind != Token::kString && t.kind != Token::kArrayOpen) continue;
    if (t.kind == Token::kArrayOpen) continue;
    ops.push_back(t);
    if (mode == kSpace && ops.size() == 2) {
      f.code_bytes = std::clamp(static_cast<int>(ops[0].value.size()), 1, 4);
      ops.clear();
    } else if (mode == kChar && ops.size() == 2) {
      f.to_text[code_of(ops[0].value)] = utf16be_to_utf8(ops[1].value);
      ops.clear();
    } else if (mode == kRange && ops.size() == 3) {
      // lo hi dst: dst's last unit counts up.
      const uint32_t lo = code_of(ops[0].value);
      const uint32_t hi = code_of(ops[1].value);
      std::string dst = ops[2].value;
      for (uint32_t c = lo; c <= hi && c - lo < 65536 && !dst.empty(); ++c) {
        f.to_text[c] = utf16be_to_utf8(dst);
        dst.back() = static_cast<char>(static_cast<unsigned char>(dst.back()) + 1);
      }
      ops.clear();
    }
  }
  return f;
}

// Subset tags ("ABCDEF+") are random-looking capitals: blank them out of the
// Windows-1252 channels so that they cannot pass for a withheld word. Two
// tags can never overlap (a tag's '+' is no capital), so the order of the
// blanking does not matter.
bool is_tag(std::string_view s, size_t plus) {
  if (plus < 6) return false;
  for (size_t k = plus - 6; k < plus; ++k)
    if (s[k] < 'A' || s[k] > 'Z') return false;
  return true;
}
bool has_tag(std::string_view s) {
  for (size_t i = s.find('+', 6); i != std::string_view::npos; i = s.find('+', i + 1))
    if (is_tag(s, i)) return true;
  return false;
}
std::string scrub_tags(std::string s) {
  for (size_t i = s.find('+', 6); i != std::string::npos; i = s.find('+', i + 1))
    if (is_tag(s, i))
      std::fill(s.begin() + static_cast<std::ptrdiff_t>(i - 6),
                s.begin() + static_cast<std::ptrdiff_t>(i + 1), ' ');
  return s;
}

std::string string_text(const PoDoFo::PdfString& s) {
  const std::string_view raw(s.GetString(), static_cast<size_t>(s.GetLength()));
  if (raw.size() >= 2 && static_cast<unsigned char>(raw[0]) == 0xFE &&
      static_cast<unsigned char>(raw[1]) == 0xFF)
    return utf16be_to_utf8(raw, 2);
  if (s.IsUnicode()) return s.GetStringUtf8();
  return cp1252_to_utf8(raw);
}

// The text of a string object's bytes: UTF-16BE after a byte order mark,
// else Windows-1252 (PDFDocEncoding is close enough for search).
std::string raw_string_text(std::string_view raw) {
  if (raw.size() >= 2 && static_cast<unsigned char>(raw[0]) == 0xFE &&
      static_cast<unsigned char>(raw[1]) == 0xFF)
    return utf16be_to_utf8(raw, 2);
  return cp1252_to_utf8(raw);
}

std::string ref_name(uint32_t num, uint32_t gen) {
  char buf[32] = "object ";
  char* p = std::to_chars(buf + 7, buf + 20, num).ptr;  // at most 10 digits each
  *p++ = ' ';
  p = std::to_chars(p, buf + sizeof buf, gen).ptr;
  return std::string(buf, p);
}
// An object's number and generation as one key (as ref_name() tells them apart).
uint64_t ref_key(uint32_t num, uint32_t gen) {
  return (uint64_t{num} << 32) | gen;
}
std::string ref_name(const PdfReference& r) {
  return ref_name(r.ObjectNumber(), r.GenerationNumber());
}

// Streams that repeat from document to document: the writer embeds the same
// font subset, ToUnicode map and CIDToGIDMap in every release with the same
// character set. Decoding is a pure function of a stream's stored bytes and
// filter, and so is everything derived here from the decoded bytes (the
// forbidden names in them, the font map of a ToUnicode stream, the word
// summaries of its channels), so an entry is served only for the same stored
// bytes, compared in full. The needles are still looked up in every document
// (through the summaries). Per thread, a few entries, the last used first.
struct CachedStream {
  uint64_t id = 0;
  pdf::Reader::Filter filter = pdf::Reader::Filter::kNone;
  std::string raw;
  std::string data;
  uint32_t uses = 0;  // documents that used it
  // Derived on demand (set once, then never changed: scans refer to them).
  bool names_done = false;
  std::vector<std::string> names;  // forbidden names in `data`, as names() meets them
  bool tags_done = false;
  bool has_tag = false;
  std::string scrubbed;           // scrub_tags(data) when has_tag
  std::unique_ptr<FontMap> font;  // `data` read as a ToUnicode map (finished)
  std::shared_ptr<const WordSummary> cp1252;
  std::shared_ptr<const WordSummary> utf16[2];
  struct Glyphs {
    uint64_t font;  // FontMap::cache_id
    uint8_t offset;
    std::shared_ptr<const WordSummary> summary;
  };
  std::vector<Glyphs> glyphs;
};

class StreamCache {
 public:
  static constexpr size_t kEntries = 4;
  // Small streams are cheap to decode and search; large ones not worth holding.
  static constexpr size_t kMinRaw = 256;
  static constexpr size_t kMaxRaw = size_t{1} << 20;
  static constexpr size_t kMaxData = size_t{4} << 20;

  std::shared_ptr<CachedStream> find(pdf::Reader::Filter f, std::string_view raw) {
    for (size_t i = 0; i < entries_.size(); ++i) {
      const CachedStream& e = *entries_[i];
      if (e.filter != f || e.raw.size() != raw.size() ||
          std::memcmp(e.raw.data(), raw.data(), raw.size()) != 0)
        continue;
      std::rotate(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(i),
                  entries_.begin() + static_cast<std::ptrdiff_t>(i + 1));
      ++hits_;
      return entries_.front();
    }
    return nullptr;
  }
  std::shared_ptr<CachedStream> insert(pdf::Reader::Filter f, std::string_view raw,
                                       std::string_view data) {
    if (f == pdf::Reader::Filter::kUnsupported || raw.size() < kMinRaw || raw.size() > kMaxRaw ||
        data.size() > kMaxData)
      return nullptr;
    auto e = std::make_shared<CachedStream>();
    e->id = ++last_id_;
    e->filter = f;
    e->raw.assign(raw);
    e->data.assign(data);
    entries_.insert(entries_.begin(), e);
    if (entries_.size() > kEntries) entries_.pop_back();
    return e;
  }
  void clear() { entries_.clear(); }
  uint64_t hits() const { return hits_; }

 private:
  std::vector<std::shared_ptr<CachedStream>> entries_;
  uint64_t last_id_ = 0;
  uint64_t hits_ = 0;
};

StreamCache& stream_cache() {
  thread_local StreamCache cache;
  return cache;
}

// The forbidden names of `syntax`, in order.
std::vector<std::string> forbidden_in(std::string_view syntax) {
  std::vector<std::string> out;
  for_each_name(syntax, [&](std::string_view name) {
    if (forbidden_name(name)) out.emplace_back(name);
  });
  return out;
}

// strtod() of a token (the C locale's: nothing here sets another), without
// the call for the plain decimals content streams are made of.
double number_of(std::string_view s) {
  size_t i = !s.empty() && s[0] == '-' ? 1 : 0;
  uint64_t whole = 0;
  size_t digits = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9' && digits < 11; ++i, ++digits)
    whole = whole * 10 + static_cast<uint64_t>(s[i] - '0');
  uint64_t frac = 0;
  size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.')
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9' && frac_digits < 4; ++i, ++frac_digits)
      frac = frac * 10 + static_cast<uint64_t>(s[i] - '0');
  if (i != s.size() || digits + frac_digits == 0)
    return std::strtod(std::string(s).c_str(), nullptr);
  static constexpr double kScale[] = {1, 10, 100, 1000, 10000};
  // At most 15 digits: exact in a double, and one division by an exact
  // power of ten rounds as strtod() does.
  const double v = static_cast<double>(whole * static_cast<uint64_t>(kScale[frac_digits]) + frac) /
                   kScale[frac_digits];
  return s[0] == '-' ? -v : v;
}

using FontsByName = std::map<std::string, const FontMap*, std::less<>>;

// An operator's (at most two) bytes as one number; 0 for longer ones.
constexpr uint16_t op_code(char a, char b = 0) {
  return static_cast<uint16_t>((static_cast<unsigned char>(a) << 8) |
                               static_cast<unsigned char>(b));
}
constexpr uint16_t op_code(std::string_view op) {
  return op.size() == 1 ? op_code(op[0]) : op.size() == 2 ? op_code(op[0], op[1]) : 0;
}
// What extract() does with a token outside an array: an operand (a number,
// "<<" or ">>", or anything but an "other" token), else an operator.
inline bool is_operand(Token::Kind kind, std::string_view v) {
  if (kind != Token::kOther) return true;
  return (!v.empty() &&
          ((v[0] >= '0' && v[0] <= '9') || v[0] == '-' || v[0] == '+' || v[0] == '.')) ||
         v == "<<" || v == ">>";
}
// The tokens of a content stream, lexed once for its strings and names
// (binary_channels()) and its page text (extract()).
struct ContentTokens {
  struct Tok {
    std::string_view v;  // the value: in the stream (numbers, operators) or in `text`
    uint32_t begin;      // of the value in `text`, if it is there
    Token::Kind kind;
    bool in_text;
  };
  std::vector<Tok> toks;
  std::string text;        // decoded strings and names, back to back
  size_t size = 0;         // of the stream
  bool usable = true;      // as extract() would lex the stream (no inline image)
  bool truncated = false;  // the stream ends inside a string
  bool moved = false;      // `text` grew into new room after views into it were made

  // `t` from a lexer made with views (its numbers and operators stay views
  // into the stream, which outlives the tokens).
  void add(const Token& t) {
    if (t.kind == Token::kOther && !t.other.empty()) {
      toks.push_back({t.other, 0, t.kind, false});
      return;
    }
    const auto begin = static_cast<uint32_t>(text.size());
    if (text.size() + t.value.size() > text.capacity()) moved = true;
    text += t.value;
    toks.push_back({std::string_view(text).substr(begin), begin, t.kind, true});
  }
  // After the last add(): if `text` moved, the views into it point into it
  // again. (It does not when its room was made for the stream's size, as
  // no value decodes longer than it is written.)
  void seal() {
    if (!moved) return;
    for (Tok& t : toks)
      if (t.in_text) t.v = std::string_view(text).substr(t.begin, t.v.size());
    moved = false;
  }
  static std::string_view value(const Tok& t) { return t.v; }
};

// The tokens extract() reads: inline image data (after BI outside an array)
// skipped up to EI.
void record_for_extract(std::string_view content, ContentTokens& out) {
  Lexer lx(content, true);
  bool in_array = false;
  Token t;
  for (lx.next(t); t.kind != Token::kEnd; lx.next(t)) {
    out.add(t);
    if (t.kind == Token::kArrayOpen) {
      in_array = true;
    } else if (t.kind == Token::kArrayClose) {
      in_array = false;
    } else if (!in_array && t.kind == Token::kOther && t.text() == "BI") {
      const size_t ei = content.find("EI", lx.pos());
      lx.skip_to(ei == std::string_view::npos ? content.size() : ei + 2);
    }
  }
  out.size = content.size();
  out.seal();
}

// Where a content stream stops being plain syntax outside its strings: its
// first comment and its first byte that is neither printable ASCII nor a
// blank (npos: none). The lexer notes both as it reads; this reads the bytes
// again for streams the lexer did not read to the end as syntax, and stops
// at the first of the two.
struct SyntaxFaults {
  size_t comment = std::string_view::npos;
  size_t binary = std::string_view::npos;
};
SyntaxFaults syntax_faults_slow(std::string_view data) {
  SyntaxFaults f;
  bool in_string = false;
  int depth = 0;
  bool in_hex = false;
  for (size_t i = 0; i < data.size(); ++i) {
    const auto c = static_cast<unsigned char>(data[i]);
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '(')
        ++depth;
      else if (c == ')' && --depth == 0)
        in_string = false;
      continue;
    }
    if (in_hex) {
      in_hex = c != '>';
      continue;
    }
    if (c == '(') {
      in_string = true;
      depth = 1;
    } else if (c == '<' && i + 1 < data.size() && data[i + 1] != '<') {
      in_hex = true;
    } else if (c == '<') {
      ++i;
    } else if (c == '%') {
      f.comment = i;
      break;
    } else if ((c < 0x20 && !pdf_space(static_cast<char>(c))) || c >= 0x7F) {
      f.binary = i;
      break;
    }
  }
  return f;
}

class Scanner {
 public:
  explicit Scanner(PdfScan& out) : out_(out) {}

  void raw(std::string_view bytes) {
    const size_t eofs = count(bytes, "%%EOF");
    if (eofs != 1)
      out_.problems.push_back(std::to_string(eofs) +
                              " %%EOF markers; a complete rewrite has exactly 1");
    // "startxref" counted in the same pass: each one holds an "xref" after
    // "start", and every "xref" after "start" is one.
    size_t startxrefs = 0;
    size_t xrefs = 0;
    for (size_t at = bytes.find("xref"); at != std::string_view::npos;
         at = bytes.find("xref", at + 1)) {
      if (at == 0 || bytes[at - 1] == '\n' || bytes[at - 1] == '\r') ++xrefs;
      if (at >= 5 && bytes.compare(at - 5, 5, "start") == 0) ++startxrefs;
    }
    if (xrefs != 1 || startxrefs != 1)
      out_.problems.push_back(std::to_string(xrefs) + " xref tables and " +
                              std::to_string(startxrefs) +
                              " startxref; a complete rewrite has exactly 1 of each");
    const size_t trailers = count(bytes, "trailer");
    if (trailers != 1) out_.problems.push_back(std::to_string(trailers) + " trailers; expected 1");
    // Names outside stream data.
    std::string outside;
    outside.reserve(bytes.size());
    for (size_t i = 0; i < bytes.size();) {
      const size_t s = bytes.find("stream", i);
      if (s == std::string_view::npos) {
        outside.append(bytes.substr(i));
        break;
      }
      const bool keyword = (s == 0 || bytes[s - 1] != 'd') && s + 6 < bytes.size() &&
                           (bytes[s + 6] == '\r' || bytes[s + 6] == '\n');
      if (!keyword) {
        outside.append(bytes.substr(i, s + 6 - i));
        i = s + 6;
        continue;
      }
      outside.append(bytes.substr(i, s + 6 - i));
      const size_t e = bytes.find("endstream", s + 6);
      if (e == std::string_view::npos) {
        out_.problems.push_back("a stream without endstream");
        break;
      }
      i = e;
    }
    names(outside, "the file's objects");
    // The channel comes first; its bytes are set by raw_bytes() once the
    // file is parsed (or not).
    PdfChannel c;
    c.where = "raw bytes";
    c.source.encoding = Encoding::kCp1252;
    c.binary = true;
    raw_channel_ = out_.channels.size();
    out_.channels.push_back(std::move(c));
  }

  // The raw channel's bytes: the file without `decoded`, the data of streams
  // that were decoded (their decoded bytes are channels of their own, which
  // hold every byte a deflate stream stores as it is: searching its
  // compressed form again finds nothing more but costs most of the file).
  // Each cut leaves a line break, so no word spans it, and keeps the last
  // two bytes, which inflate() allows after the deflate data unread.
  void raw_bytes(std::string_view bytes, std::vector<std::string_view> decoded) {
    std::sort(decoded.begin(), decoded.end(),
              [](std::string_view a, std::string_view b) { return a.data() < b.data(); });
    std::string kept;
    kept.reserve(bytes.size());
    size_t from = 0;
    for (const std::string_view d : decoded) {
      const auto at = static_cast<size_t>(d.data() - bytes.data());
      if (at < from || at > bytes.size() || d.size() > bytes.size() - at || d.size() <= 2)
        continue;  // overlapping or not a view into `bytes`: cut nothing
      kept.append(bytes.substr(from, at - from));
      kept += '\n';
      from = at + d.size() - 2;
    }
    kept.append(bytes.substr(from));
    out_.channels[raw_channel_].source.bytes =
        out_.buffers.emplace_back(scrub_tags(std::move(kept)));
  }

  void names(std::string_view syntax, const std::string& where) {
    for (const std::string& n : forbidden_in(syntax))
      add_problem("forbidden name /" + n + " in " + where);
  }
  void names(CachedStream& e, const std::string& where) {
    if (!e.names_done) {
      e.names = forbidden_in(e.data);
      e.names_done = true;
    }
    for (const std::string& n : e.names) add_problem("forbidden name /" + n + " in " + where);
  }

  void add_problem(std::string p) {
    if (std::find(out_.problems.begin(), out_.problems.end(), p) == out_.problems.end())
      out_.problems.push_back(std::move(p));
  }

  // Strings and names anywhere inside an object (dictionaries and arrays).
  void walk(const PdfObject& o, const std::string& where, bool binary_strings) {
    if (o.IsDictionary()) {
      for (const auto& [key, value] : o.GetDictionary().GetKeys()) {
        if (forbidden_name(key.GetName()))
          add_problem("forbidden key /" + key.GetName() + " in " + where);
        walk(*value, where, binary_strings || key.GetName() == "ID");
      }
    } else if (o.IsArray()) {
      for (const PdfObject& v : o.GetArray()) walk(v, where, binary_strings);
    } else if (o.IsName()) {
      if (forbidden_name(o.GetName().GetName()))
        add_problem("forbidden name /" + o.GetName().GetName() + " in " + where);
    } else if (o.IsString() || o.IsHexString()) {
      PdfChannel c;
      c.where = where + " string";
      c.source.bytes = out_.buffers.emplace_back(string_text(o.GetString()));
      c.binary = binary_strings;
      out_.channels.push_back(std::move(c));
    }
  }

  // The same two for the strict reader's objects.
  void walk(const pdf::Object& o, const std::string& where, bool binary_strings) {
    switch (o.type) {
      case pdf::Object::kDict:
        for (size_t k = 0; k < o.keys.size(); ++k) {
          if (forbidden_name(o.keys[k]))
            add_problem("forbidden key /" + o.keys[k] + " in " + where);
          walk(o.items[k], where, binary_strings || o.keys[k] == "ID");
        }
        break;
      case pdf::Object::kArray:
        for (const pdf::Object& v : o.items) walk(v, where, binary_strings);
        break;
      case pdf::Object::kName:
        if (forbidden_name(o.text)) add_problem("forbidden name /" + o.text + " in " + where);
        break;
      case pdf::Object::kString: {
        PdfChannel c;
        c.where = where + " string";
        c.source.bytes = out_.buffers.emplace_back(raw_string_text(o.text));
        c.binary = binary_strings;
        out_.channels.push_back(std::move(c));
        break;
      }
      default:
        break;
    }
  }
  void allow_only(const pdf::Object* o, const std::set<std::string, std::less<>>& allowed,
                  const std::string& what) {
    if (o == nullptr || !o->is_dict()) return;
    for (const std::string& key : o->keys)
      if (!allowed.count(key)) add_problem("unexpected key /" + key + " in the " + what);
  }

  void allow_only(const PdfObject* o, const std::set<std::string, std::less<>>& allowed,
                  const std::string& what) {
    if (o == nullptr || !o->IsDictionary()) return;
    for (const auto& [key, value] : o->GetDictionary().GetKeys()) {
      (void)value;
      if (!allowed.count(key.GetName()))
        add_problem("unexpected key /" + key.GetName() + " in the " + what);
    }
  }

  // One channel of a stream's bytes read as `e` (through font `font`, 1-based;
  // 0: none), from byte `offset`.
  static PdfChannel binary_channel(uint32_t stream, Encoding e, std::string_view bytes,
                                   const char* suffix, uint8_t offset, uint32_t font,
                                   const std::deque<FontMap>& fonts) {
    PdfChannel c;
    c.stream = stream;
    c.suffix = suffix;
    c.font = font;
    c.tail = offset != 0 ? " (odd)" : "";
    c.source.encoding = e;
    c.source.bytes = bytes;
    c.source.offset = offset;
    c.source.font = font != 0 ? &fonts[font - 1] : nullptr;
    c.binary = true;
    return c;
  }

  // Guesses at text inside decoded stream bytes. A content stream is parsed:
  // its strings (literal and hex) are decoded as Windows-1252, as UTF-16BE and
  // through every font; its bytes outside strings are plain syntax, searched
  // as Windows-1252. Any other stream (font programs, CMaps, unknown) is raw
  // data: searched as Windows-1252, as UTF-16BE and as glyph codes of every
  // font, at both byte alignments.
  void binary_channels(std::string_view data, const std::string& where,
                       const std::deque<FontMap>& fonts, bool content, bool check_names,
                       CachedStream* cached = nullptr) {
    const auto stream = static_cast<uint32_t>(out_.streams.size());
    out_.streams.push_back(where);
    const WordSummary* summary = nullptr;
    auto channel = [&](Encoding e, std::string_view bytes, const char* suffix, uint8_t offset = 0,
                       uint32_t font = 0, const std::vector<uint32_t>* breaks = nullptr) {
      PdfChannel c = binary_channel(stream, e, bytes, suffix, offset, font, fonts);
      c.source.summary = summary;
      c.source.breaks = breaks;
      out_.channels.push_back(std::move(c));
    };
    if (cached != nullptr && !content) {
      cached_channels(*cached, fonts);
      return;
    }
    channel(Encoding::kCp1252,
            has_tag(data)
                ? std::string_view(out_.buffers.emplace_back(scrub_tags(std::string(data))))
                : data,
            " as Windows-1252");
    if (!content) {
      channel(Encoding::kUtf16be, data, " as UTF-16BE");
      channel(Encoding::kUtf16be, data, " as UTF-16BE", 1);
      for (size_t k = 0; k < fonts.size(); ++k) {
        const auto font = static_cast<uint32_t>(k + 1);
        channel(Encoding::kGlyphs, data, " as glyph codes of font ", 0, font);
        channel(Encoding::kGlyphs, data, " as glyph codes of font ", 1, font);
      }
      return;
    }
    // Every string, each decoded every way; pieces joined by a blank so that
    // one string's end never glues to the next (the matcher decodes each
    // piece on its own and puts a blank after it).
    std::string& strings = out_.buffers.emplace_back();
    std::vector<uint32_t>& ends = out_.breaks.emplace_back();
    // One pass of the lexer: the strings, and the names (as names() would
    // check them; it does not skip inline images, so when one is skipped
    // here the names are checked again the long way).
    Lexer lx(data, true);
    std::vector<std::string> forbidden;
    bool skipped_image = false;
    ContentTokens& tokens =
        *lexed_.emplace_back(data.data(), std::make_unique<ContentTokens>()).second;
    tokens.size = data.size();
    // Room from the stream's size rather than by doubling: most tokens take 3
    // bytes or more of a stream (value and blank), and none takes more text
    // (a value never decodes longer than it is written).
    tokens.toks.reserve(data.size() / 3 + 1);
    tokens.text.reserve(data.size());
    strings.reserve(data.size());
    Token t;
    for (lx.next(t); t.kind != Token::kEnd; lx.next(t)) {
      tokens.add(t);
      if (t.kind == Token::kName) {
        if (check_names && forbidden_name(t.value)) forbidden.push_back(t.value);
        continue;
      }
      if (t.kind == Token::kOther && t.text() == "BI") {
        const size_t ei = data.find("EI", lx.pos());
        lx.skip_to(ei == std::string::npos ? data.size() : ei + 2);
        skipped_image = true;
        tokens.usable = false;  // extract() skips an image only outside arrays
        continue;
      }
      if (t.kind != Token::kString || t.value.empty()) continue;
      strings += t.value;
      ends.push_back(static_cast<uint32_t>(strings.size()));
    }
    tokens.truncated = lx.truncated();
    tokens.seal();
    if (check_names && skipped_image) {
      names(data, where);
    } else {
      for (const std::string& n : forbidden) add_problem("forbidden name /" + n + " in " + where);
    }
    // Outside strings a content stream is plain syntax: printable ASCII and
    // blanks. Anything else (binary bytes, comments) could only hide data.
    const SyntaxFaults f = skipped_image || lx.truncated()
                               ? syntax_faults_slow(data)
                               : SyntaxFaults{lx.first_comment(), lx.first_binary()};
    if (f.comment < f.binary) {
      add_problem(where + ": a comment in a content stream");
    } else if (f.binary != std::string_view::npos &&
               // binary data right after an inline image's ID is the image's
               data.compare(f.binary >= 3 ? f.binary - 3 : 0, 3, " ID") != 0 &&
               data.find("BI", 0) == std::string::npos) {
      add_problem(where + ": binary bytes outside strings in a content stream");
    }
    if (!ends.empty()) {
      channel(Encoding::kCp1252, strings, " strings as Windows-1252", 0, 0, &ends);
      channel(Encoding::kUtf16be, strings, " strings as UTF-16BE", 0, 0, &ends);
      // A font whose one-byte codes in these strings all decode as
      // Windows-1252 does (our release PDFs' font, mostly) gives the very
      // text of the Windows-1252 channel: searched once.
      std::array<bool, 256> present{};
      {
        // Four tables, so that no store waits for the one before it.
        std::array<std::array<uint8_t, 256>, 4> seen{};
        const auto* b = reinterpret_cast<const unsigned char*>(strings.data());
        size_t i = 0;
        for (; i + 4 <= strings.size(); i += 4) {
          seen[0][b[i]] = 1;
          seen[1][b[i + 1]] = 1;
          seen[2][b[i + 2]] = 1;
          seen[3][b[i + 3]] = 1;
        }
        for (; i < strings.size(); ++i) seen[0][b[i]] = 1;
        // Merged eight bytes at a time (each byte 0 or 1).
        std::array<uint8_t, 256> any{};
        for (size_t w = 0; w < 256; w += 8) {
          uint64_t m = 0;
          for (const auto& table : seen) {
            uint64_t x = 0;
            std::memcpy(&x, table.data() + w, 8);
            m |= x;
          }
          std::memcpy(any.data() + w, &m, 8);
        }
        for (size_t c = 0; c < 256; ++c) present[c] = any[c] != 0;
      }
      for (size_t k = 0; k < fonts.size(); ++k) {
        if (fonts[k].reads_as_cp1252(present)) continue;
        channel(Encoding::kGlyphs, strings, " strings as glyph codes of font ", 0,
                static_cast<uint32_t>(k + 1), &ends);
      }
    }
  }

  // The channels of a stream other than a content stream, as above, from a
  // cache entry. From its second document on, each channel comes with its
  // word summary (computed once), so that the search looks its needles up in
  // the summary instead of decoding the stream again.
  void cached_channels(CachedStream& e, const std::deque<FontMap>& fonts) {
    const auto stream = static_cast<uint32_t>(out_.streams.size() - 1);
    const bool summarize_now = ++e.uses >= 2;
    if (!e.tags_done) {
      e.has_tag = has_tag(e.data);
      if (e.has_tag) e.scrubbed = scrub_tags(e.data);
      e.tags_done = true;
    }
    auto channel = [&](Encoding enc, std::string_view bytes, const char* suffix, uint8_t offset,
                       uint32_t font, std::shared_ptr<const WordSummary>* summary) {
      PdfChannel c = binary_channel(stream, enc, bytes, suffix, offset, font, fonts);
      if (summary != nullptr && summarize_now) {
        if (*summary == nullptr) *summary = summarize(c.source);
        c.source.summary = summary->get();
        out_.keep.push_back(*summary);  // the entry may drop it for another font
      }
      out_.channels.push_back(std::move(c));
    };
    const std::string_view data = e.data;
    channel(Encoding::kCp1252, e.has_tag ? std::string_view(e.scrubbed) : data, " as Windows-1252",
            0, 0, &e.cp1252);
    channel(Encoding::kUtf16be, data, " as UTF-16BE", 0, 0, &e.utf16[0]);
    channel(Encoding::kUtf16be, data, " as UTF-16BE", 1, 0, &e.utf16[1]);
    for (size_t k = 0; k < fonts.size(); ++k) {
      const auto font = static_cast<uint32_t>(k + 1);
      const uint64_t id = fonts[k].cache_id;
      for (const uint8_t offset : {uint8_t{0}, uint8_t{1}}) {
        // A font map not from the cache has no identity to key a summary by.
        std::shared_ptr<const WordSummary>* summary = nullptr;
        if (id != 0) {
          auto it = std::find_if(e.glyphs.begin(), e.glyphs.end(),
                                 [&](const auto& g) { return g.font == id && g.offset == offset; });
          if (it == e.glyphs.end()) {
            if (e.glyphs.size() >= 8) e.glyphs.erase(e.glyphs.begin());
            e.glyphs.push_back({id, offset, nullptr});
            it = e.glyphs.end() - 1;
          }
          summary = &it->summary;
        }
        channel(Encoding::kGlyphs, data, " as glyph codes of font ", offset, font, summary);
      }
    }
  }

  // The text an extractor gets from a content stream: every string shown,
  // decoded through the font selected at that point. Like an extractor, two
  // pieces are joined without a blank when the second starts where the first
  // ended on the same baseline ("(QUILLF) -20 (EATHER)", or two Tj side by side).
  std::string extract(std::string_view content, const FontsByName& fonts) {
    ContentTokens tokens;
    record_for_extract(content, tokens);
    return extract({&tokens}, fonts);
  }
  // The same from the stream's tokens as binary_channels() lexed them (for a
  // page of one content stream; nullptr if it did not, or skipped an image).
  const ContentTokens* lexed(std::string_view data) const {
    for (const auto& [at, tokens] : lexed_)
      if (at == data.data() && tokens->size == data.size())
        return tokens->usable ? tokens.get() : nullptr;
    return nullptr;
  }
  // The same from streams' tokens, read one stream after the other.
  std::string extract(const std::vector<const ContentTokens*>& parts, const FontsByName& fonts) {
    std::string out;
    const FontMap* font = nullptr;
    std::vector<ContentTokens::Tok> operands;
    bool in_array = false;
    std::vector<ContentTokens::Tok> array_items;
    static const FontMap kOneByte = [] {
      FontMap f;
      f.code_bytes = 1;
      f.advance = 0.6;
      for (uint32_t c = 0; c < 256; ++c)
        f.to_text[c] = cp1252_to_utf8(std::string(1, static_cast<char>(c)));
      return f;
    }();
    double size = 0;
    double scale = 1;
    double leading = 0;
    double x = 0, y = 0, line_x = 0, line_y = 0;
    double last_end = 0, last_y = 0;
    bool have_last = false;
    auto value = [](const ContentTokens::Tok& t) { return ContentTokens::value(t); };
    auto num = [&](const ContentTokens::Tok& t) { return number_of(value(t)); };
    auto show = [&](std::string_view s) {
      const FontMap* f = font != nullptr ? font : &kOneByte;
      const double em = size * scale;
      const bool join =
          have_last && std::abs(y - last_y) < 0.5 && std::abs(x - last_end) < 0.25 * std::abs(em);
      if (!join && !out.empty()) out += ' ';
      f->decode_append(out, s);
      x += static_cast<double>(s.size() / static_cast<size_t>(f->code_bytes)) * f->advance * em;
      last_end = x;
      last_y = y;
      have_last = true;
    };
    auto next_line = [&]() {
      line_y -= leading;
      x = line_x;
      y = line_y;
    };
    for (const ContentTokens* part : parts)
      for (const ContentTokens::Tok& t : part->toks) {
        if (t.kind == Token::kArrayOpen) {
          in_array = true;
          array_items.clear();
          continue;
        }
        if (t.kind == Token::kArrayClose) {
          in_array = false;
          continue;
        }
        if (in_array) {
          array_items.push_back(t);
          continue;
        }
        const std::string_view v = value(t);
        if (is_operand(t.kind, v)) {
          operands.push_back(t);
          continue;
        }
        const size_t n = operands.size();
        // Operators by their (at most two) bytes; only text operators matter
        // here, anything else (paths, colours, states) just drops its operands.
        constexpr auto code = [](char a, char b = 0) { return op_code(a, b); };
        const uint16_t opc = op_code(v);
        switch (opc) {
          case code('T', 'f'):
            if (n >= 2 && operands[n - 2].kind == Token::kName) {
              auto it = fonts.find(value(operands[n - 2]));
              font = it != fonts.end() ? it->second : nullptr;
              size = num(operands[n - 1]);
            }
            break;
          case code('B', 'T'):
            x = y = line_x = line_y = 0;
            scale = 1;
            have_last = false;
            break;
          case code('T', 'm'):
            if (n >= 6) {
              scale = num(operands[n - 6]) != 0 ? num(operands[n - 6]) : 1;
              x = line_x = num(operands[n - 2]);
              y = line_y = num(operands[n - 1]);
            }
            break;
          case code('T', 'd'):
          case code('T', 'D'):
            if (n >= 2) {
              line_x += num(operands[n - 2]) * scale;
              line_y += num(operands[n - 1]) * scale;
              if (opc == code('T', 'D')) leading = -num(operands[n - 1]) * scale;
              x = line_x;
              y = line_y;
            }
            break;
          case code('T', 'L'):
            if (n >= 1) leading = num(operands[n - 1]) * scale;
            break;
          case code('T', '*'):
            next_line();
            break;
          case code('T', 'j'):
            if (n >= 1 && operands[n - 1].kind == Token::kString) show(value(operands[n - 1]));
            break;
          case code('\''):
          case code('"'):
            if (n >= 1 && operands[n - 1].kind == Token::kString) {
              next_line();
              show(value(operands[n - 1]));
            }
            break;
          case code('T', 'J'):
            for (const ContentTokens::Tok& item : array_items) {
              if (item.kind == Token::kString)
                show(value(item));
              else if (item.kind == Token::kOther)
                x -= number_of(value(item)) / 1000 * size * scale;
            }
            array_items.clear();
            break;
          default:
            break;
        }
        // BI: record_for_extract() skipped its image data.
        operands.clear();
      }
    return out;
  }

 private:
  PdfScan& out_;
  size_t raw_channel_ = 0;
  // Content streams as binary_channels() lexed them, by their data.
  std::vector<std::pair<const char*, std::unique_ptr<ContentTokens>>> lexed_;
};

// The scan over the strict reader's objects: the same checks and channels,
// in the same order, as the PoDoFo scan below. False (with `out` as it was)
// if a stream cannot be decoded or the page tree cannot be walked: PoDoFo
// then reads the file.
bool scan_parsed(const pdf::Reader& rd, PdfScan& out, Scanner& sc, std::string* why) {
  const std::vector<pdf::Indirect>& objects = rd.objects();
  const size_t buffers_before = out.buffers.size();
  auto give_up = [&](const std::string& reason) {
    out.buffers.resize(buffers_before);
    *why = reason;
    return false;
  };
  auto indirect = [&](const pdf::Object* o) -> const pdf::Indirect* {
    if (o == nullptr || o->type != pdf::Object::kRef) return nullptr;
    const pdf::Indirect* i = rd.find(o->num);
    return i != nullptr && i->gen == o->gen ? i : nullptr;
  };
  // Every stream decoded once, before anything is reported.
  std::vector<std::string_view> data(objects.size());
  std::vector<std::shared_ptr<CachedStream>> cached(objects.size());
  StreamCache& cache = stream_cache();
  for (size_t k = 0; k < objects.size(); ++k) {
    if (!objects[k].has_stream) continue;
    if (auto e = cache.find(pdf::Reader::filter(objects[k]), objects[k].raw); e != nullptr) {
      data[k] = e->data;
      out.keep.push_back(e);
      cached[k] = std::move(e);
      continue;
    }
    std::string& d = out.buffers.emplace_back();
    if (!pdf::Reader::decode(objects[k], &d))
      return give_up(ref_name(objects[k].num, objects[k].gen) + ": a stream it cannot decode");
    data[k] = d;
  }
  auto data_of = [&](const pdf::Indirect* o) {
    return data[static_cast<size_t>(o - objects.data())];
  };
  const pdf::Object& trailer = rd.trailer();
  const pdf::Object* catalog = rd.resolve(trailer.get("Root"));
  if (catalog == nullptr || !catalog->is_dict()) return give_up("no document catalog");
  // The page tree, depth first, as the page numbers run.
  std::vector<const pdf::Object*> pages;
  std::vector<uint32_t> path;  // object numbers of the nodes above (cycles)
  bool tree_ok = true;
  auto walk_tree = [&](auto&& self, const pdf::Object* ref, int depth) -> void {
    const pdf::Indirect* node = indirect(ref);
    if (node == nullptr || !node->value.is_dict() || depth > pdf::Reader::kMaxDepth ||
        std::find(path.begin(), path.end(), node->num) != path.end() ||
        pages.size() > objects.size()) {
      tree_ok = false;
      return;
    }
    const pdf::Object* type = node->value.get("Type");
    if (type != nullptr && type->type == pdf::Object::kName && type->text == "Page") {
      pages.push_back(&node->value);
      return;
    }
    const pdf::Object* kids = rd.resolve(node->value.get("Kids"));
    if (kids == nullptr || kids->type != pdf::Object::kArray) {
      tree_ok = false;
      return;
    }
    path.push_back(node->num);
    for (const pdf::Object& kid : kids->items)
      if (tree_ok) self(self, &kid, depth + 1);
    path.pop_back();
  };
  walk_tree(walk_tree, catalog->get("Pages"), 0);
  const pdf::Object* root_pages = rd.resolve(catalog->get("Pages"));
  const pdf::Object* count = root_pages != nullptr ? root_pages->get("Count") : nullptr;
  if (!tree_ok || count == nullptr || !count->integer ||
      count->int_value != static_cast<int64_t>(pages.size()))
    return give_up("a page tree it cannot walk");

  out.loaded = true;
  out.pages = static_cast<uint32_t>(pages.size());
  sc.allow_only(&trailer, kTrailerKeys, "trailer");
  sc.walk(trailer, "trailer", false);
  sc.allow_only(catalog, kCatalogKeys, "document catalog");
  if (const pdf::Object* info = rd.resolve(trailer.get("Info")); info != nullptr)
    sc.allow_only(info, kInfoKeys, "info dictionary");

  // Fonts first: their maps decode every stream.
  std::deque<FontMap>& font_maps = out.fonts;
  std::map<uint64_t, size_t> map_of_font;  // font object ref_key() -> font_maps index
  std::set<uint64_t> font_programs;        // ref_key()s of embedded font files (binary)
  for (const pdf::Indirect& o : objects) {
    const pdf::Object& d = o.value;
    if (!d.is_dict()) continue;
    // The keys /FontFile, /FontFile2, /FontFile3 and /ToUnicode, in one
    // pass over the keys rather than a search for each.
    const pdf::Object* to_unicode = nullptr;
    for (size_t k = 0; k < d.keys.size(); ++k) {
      const std::string& key = d.keys[k];
      const pdf::Object& v = d.items[k];
      if (key == "ToUnicode") {
        to_unicode = &v;
      } else if ((key == "FontFile2" || key == "FontFile" || key == "FontFile3") &&
                 v.type == pdf::Object::kRef) {
        font_programs.insert(ref_key(v.num, v.gen));
      }
    }
    const pdf::Indirect* cm = indirect(to_unicode);
    if (cm == nullptr || !cm->has_stream) continue;
    map_of_font[ref_key(o.num, o.gen)] = font_maps.size();
    FontMap fm;
    if (CachedStream* e = cached[static_cast<size_t>(cm - objects.data())].get(); e != nullptr) {
      if (e->font == nullptr) {
        e->font = std::make_unique<FontMap>(parse_cmap(e->data));
        e->font->finish();
        e->font->cache_id = e->id;
      }
      fm = *e->font;
    } else {
      fm = parse_cmap(data_of(cm));
    }
    fm.advance = 0.6;  // simple fonts: assume a monospace-like advance
    if (const pdf::Object* desc = d.get("DescendantFonts"); desc != nullptr) {
      const pdf::Object* arr = rd.resolve(desc);
      if (arr != nullptr && arr->type == pdf::Object::kArray && !arr->items.empty()) {
        const pdf::Object* cid = rd.resolve(&arr->items[0]);
        fm.advance = 1.0;  // the CID default width is 1000
        if (cid != nullptr && cid->is_dict())
          if (const pdf::Object* dw = cid->get("DW");
              dw != nullptr && dw->type == pdf::Object::kNumber && dw->integer)
            fm.advance = static_cast<double>(dw->int_value) / 1000.0;
      }
    }
    fm.finish();
    font_maps.push_back(std::move(fm));
  }
  // Content streams, to be parsed rather than guessed at.
  std::set<uint64_t> contents;  // ref_key()s
  for (const pdf::Object* page : pages) {
    const pdf::Object* c = page->get("Contents");
    if (c == nullptr) continue;
    if (c->type == pdf::Object::kRef) contents.insert(ref_key(c->num, c->gen));
    if (c->type == pdf::Object::kArray)
      for (const pdf::Object& e : c->items)
        if (e.type == pdf::Object::kRef) contents.insert(ref_key(e.num, e.gen));
  }
  for (const pdf::Indirect& o : objects) {
    const std::string where = ref_name(o.num, o.gen);
    sc.walk(o.value, where, false);
    if (!o.has_stream) continue;
    const std::string_view d = data_of(&o);
    const uint64_t key = ref_key(o.num, o.gen);
    const bool font_program = font_programs.count(key) > 0;
    const std::string where_stream = where + " stream";
    // A content stream's names are checked by binary_channels() as it lexes it.
    const bool content = contents.count(key) > 0;
    std::shared_ptr<CachedStream>& e = cached[static_cast<size_t>(&o - objects.data())];
    if (e == nullptr && !content) {
      // Streams other than page contents repeat from document to document.
      e = cache.insert(pdf::Reader::filter(o), o.raw, d);
      if (e != nullptr) out.keep.push_back(e);
    }
    if (!font_program && !content) {
      if (e != nullptr)
        sc.names(*e, where_stream);
      else
        sc.names(d, where_stream);
    }
    sc.binary_channels(d, where_stream, font_maps, content, content && !font_program,
                       content ? nullptr : e.get());
  }
  // Page text as an extractor sees it.
  for (size_t p = 0; p < pages.size(); ++p) {
    const pdf::Object& page = *pages[p];
    sc.allow_only(&page, kPageKeys, "page " + std::to_string(p + 1) + " dictionary");
    // Resources may be inherited from the nodes above.
    const pdf::Object* res = nullptr;
    const pdf::Object* node = &page;
    for (int up = 0; node != nullptr && up <= pdf::Reader::kMaxDepth; ++up) {
      res = rd.resolve(node->get("Resources"));
      if (res != nullptr) break;
      node = rd.resolve(node->get("Parent"));
    }
    FontsByName fonts;
    if (res != nullptr && res->is_dict()) {
      const pdf::Object* fd = rd.resolve(res->get("Font"));
      if (fd != nullptr && fd->is_dict())
        for (size_t k = 0; k < fd->keys.size(); ++k)
          if (const pdf::Object& ref = fd->items[k]; ref.type == pdf::Object::kRef)
            if (auto it = map_of_font.find(ref_key(ref.num, ref.gen)); it != map_of_font.end())
              fonts[fd->keys[k]] = &font_maps[it->second];
    }
    std::string content;
    // The streams' tokens, if binary_channels() kept them.
    std::vector<const ContentTokens*> tokens;
    bool lexed = false;
    const pdf::Object* c = page.get("Contents");
    const pdf::Object* resolved = rd.resolve(c);
    if (resolved != nullptr && resolved->type == pdf::Object::kArray) {
      // The streams joined by line breaks lex as the streams one by one when
      // none ends inside a string: their tokens are read one after the other.
      lexed = true;
      for (const pdf::Object& e : resolved->items)
        if (const pdf::Indirect* s = indirect(&e); s != nullptr && s->has_stream) {
          const ContentTokens* t = sc.lexed(data_of(s));
          if (t == nullptr || t->truncated) {
            lexed = false;
            break;
          }
          tokens.push_back(t);
        }
      for (const pdf::Object& e : resolved->items) {
        const pdf::Indirect* s = indirect(&e);
        if (!lexed && s != nullptr && s->has_stream) {
          content += data_of(s);
          content += '\n';
        }
      }
    } else if (const pdf::Indirect* s = indirect(c); s != nullptr && s->has_stream) {
      const ContentTokens* t = sc.lexed(data_of(s));
      lexed = t != nullptr;
      if (lexed)
        tokens.push_back(t);
      else
        content = data_of(s);
    }
    PdfChannel text;
    text.where = "page " + std::to_string(p + 1) + " text";
    text.source.bytes =
        out.buffers.emplace_back(lexed ? sc.extract(tokens, fonts) : sc.extract(content, fonts));
    out.channels.push_back(std::move(text));
  }
  return true;
}

std::string filtered(const PdfObject* o) {
  char* buf = nullptr;
  PoDoFo::pdf_long len = 0;
  o->GetStream()->GetFilteredCopy(&buf, &len);
  std::string s(buf != nullptr ? buf : "", buf != nullptr ? static_cast<size_t>(len) : 0);
  PoDoFo::podofo_free(buf);
  return s;
}

}  // namespace

double pdf_number(const std::string& token) {
  return number_of(token);
}

uint64_t stream_cache_hits() {
  return stream_cache().hits();
}
void clear_stream_cache() {
  stream_cache().clear();
  pdf::clear_object_cache();
}

PdfScan scan_pdf(std::string_view bytes, PdfReaderChoice choice) {
  PdfScan out;
  Scanner sc(out);
  sc.raw(bytes);
  // Our own reader first; PoDoFo for whatever it does not read with confidence.
  if (choice != PdfReaderChoice::kPodofo) {
    pdf::Reader rd;
    std::string why;
    if (rd.parse(bytes, &why) && scan_parsed(rd, out, sc, &why)) {
      out.reader = PdfReaderChoice::kStrict;
      // scan_parsed() decoded every stream (else PoDoFo reads the file).
      std::vector<std::string_view> decoded;
      for (const pdf::Indirect& o : rd.objects())
        if (o.has_stream) decoded.push_back(o.raw);
      sc.raw_bytes(bytes, decoded);
      return out;
    }
    out.fallback_reason = why;
  }
  out.reader = PdfReaderChoice::kPodofo;
  sc.raw_bytes(bytes, {});  // every byte: this path decodes streams as PoDoFo finds them
  PoDoFo::PdfError::EnableLogging(false);
  try {
    PoDoFo::PdfMemDocument doc;
    doc.LoadFromBuffer(bytes.data(), static_cast<long>(bytes.size()));
    out.loaded = true;
    out.pages = static_cast<uint32_t>(doc.GetPageCount());
    const PdfObject* trailer = doc.GetTrailer();
    sc.allow_only(trailer, kTrailerKeys, "trailer");
    if (trailer != nullptr) sc.walk(*trailer, "trailer", false);
    sc.allow_only(doc.GetCatalog(), kCatalogKeys, "document catalog");
    if (doc.GetInfo() != nullptr)
      sc.allow_only(doc.GetInfo()->GetObject(), kInfoKeys, "info dictionary");

    // Each stream is inflated once: the CMaps for the fonts, every stream for
    // its channels, the content streams again for the page text.
    std::map<const PdfObject*, std::string_view> inflated;
    auto data_of = [&](const PdfObject* o) -> std::string_view {
      if (auto it = inflated.find(o); it != inflated.end()) return it->second;
      const std::string_view d = out.buffers.emplace_back(filtered(o));
      inflated.emplace(o, d);
      return d;
    };
    // Fonts first: their maps decode every stream.
    std::deque<FontMap>& font_maps = out.fonts;
    std::map<std::string, size_t> map_of_font;  // font object ref -> font_maps index
    std::set<std::string> font_programs;        // refs of embedded font files (binary)
    for (PdfObject* o : doc.GetObjects()) {
      if (!o->IsDictionary()) continue;
      const PdfDictionary& d = o->GetDictionary();
      if (const PdfObject* ff = d.GetKey("FontFile2"); ff && ff->IsReference())
        font_programs.insert(ref_name(ff->GetReference()));
      if (const PdfObject* ff = d.GetKey("FontFile"); ff && ff->IsReference())
        font_programs.insert(ref_name(ff->GetReference()));
      if (const PdfObject* ff = d.GetKey("FontFile3"); ff && ff->IsReference())
        font_programs.insert(ref_name(ff->GetReference()));
      const PdfObject* tu = d.GetKey("ToUnicode");
      if (tu == nullptr || !tu->IsReference()) continue;
      const PdfObject* cm = doc.GetObjects().GetObject(tu->GetReference());
      if (cm == nullptr || !cm->HasStream()) continue;
      map_of_font[ref_name(o->Reference())] = font_maps.size();
      FontMap fm = parse_cmap(data_of(cm));
      fm.advance = 0.6;  // simple fonts: assume a monospace-like advance
      if (const PdfObject* desc = d.GetKey("DescendantFonts"); desc != nullptr) {
        const PdfObject* arr =
            desc->IsReference() ? doc.GetObjects().GetObject(desc->GetReference()) : desc;
        if (arr != nullptr && arr->IsArray() && !arr->GetArray().empty()) {
          const PdfObject& first = arr->GetArray()[0];
          const PdfObject* cid =
              first.IsReference() ? doc.GetObjects().GetObject(first.GetReference()) : &first;
          fm.advance = 1.0;  // the CID default width is 1000
          if (cid != nullptr && cid->IsDictionary())
            if (const PdfObject* dw = cid->GetDictionary().GetKey("DW");
                dw != nullptr && dw->IsNumber())
              fm.advance = static_cast<double>(dw->GetNumber()) / 1000.0;
        }
      }
      fm.finish();
      font_maps.push_back(std::move(fm));
    }
    // Content streams, to be parsed rather than guessed at.
    std::set<std::string> contents;
    for (int p = 0; p < doc.GetPageCount(); ++p) {
      PoDoFo::PdfPage* page = doc.GetPage(p);
      const PdfObject* c =
          page != nullptr ? page->GetObject()->GetDictionary().GetKey("Contents") : nullptr;
      if (c == nullptr) continue;
      if (c->IsReference()) contents.insert(ref_name(c->GetReference()));
      if (c->IsArray())
        for (const PdfObject& e : c->GetArray())
          if (e.IsReference()) contents.insert(ref_name(e.GetReference()));
    }
    for (PdfObject* o : doc.GetObjects()) {
      const std::string where = ref_name(o->Reference());
      sc.walk(*o, where, false);
      if (!o->HasStream()) continue;
      std::string_view data;
      try {
        data = data_of(o);
      } catch (const PoDoFo::PdfError&) {
        sc.add_problem(where + ": the stream cannot be decoded");
        continue;
      }
      // A content stream's names are checked by binary_channels() as it lexes it.
      const bool content = contents.count(where) > 0;
      if (!font_programs.count(where) && !content) sc.names(data, where + " stream");
      sc.binary_channels(data, where + " stream", font_maps, content,
                         content && !font_programs.count(where));
    }
    // Page text as an extractor sees it.
    for (int p = 0; p < doc.GetPageCount(); ++p) {
      PoDoFo::PdfPage* page = doc.GetPage(p);
      if (page == nullptr) continue;
      sc.allow_only(page->GetObject(), kPageKeys, "page " + std::to_string(p + 1) + " dictionary");
      FontsByName fonts;
      if (PdfObject* res = page->GetResources(); res != nullptr && res->IsDictionary()) {
        PdfObject* fd = res->GetDictionary().GetKey("Font");
        if (fd != nullptr && fd->IsReference()) fd = doc.GetObjects().GetObject(fd->GetReference());
        if (fd != nullptr && fd->IsDictionary())
          for (const auto& [name, ref] : fd->GetDictionary().GetKeys())
            if (ref->IsReference())
              if (auto it = map_of_font.find(ref_name(ref->GetReference()));
                  it != map_of_font.end())
                fonts[name.GetName()] = &font_maps[it->second];
      }
      std::string content;
      PdfObject* c = page->GetContents();
      if (c != nullptr && c->IsArray()) {
        for (const PdfObject& e : c->GetArray()) {
          const PdfObject* s = e.IsReference() ? doc.GetObjects().GetObject(e.GetReference()) : &e;
          if (s != nullptr && s->HasStream()) {
            content += data_of(s);
            content += '\n';
          }
        }
      } else if (c != nullptr && c->HasStream()) {
        content = data_of(c);
      }
      PdfChannel text;
      text.where = "page " + std::to_string(p + 1) + " text";
      text.source.bytes = out.buffers.emplace_back(sc.extract(content, fonts));
      out.channels.push_back(std::move(text));
    }
  } catch (const PoDoFo::PdfError& e) {
    const char* what = PoDoFo::PdfError::ErrorMessage(e.GetError());
    out.error = what != nullptr ? what : "pdf library error";
  }
  return out;
}

}  // namespace declass::render::detail
