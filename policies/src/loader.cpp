// Policy loading: XML (pugixml) -> checked model -> compiled matchers.
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <filesystem>
#include <map>
#include <set>

#include "declass/policies/engine.h"
#include "policy_model.h"
#include "xml_util.h"

namespace declass::policies {

namespace {

constexpr int kMaxDepth = 32;  // condition nesting
constexpr int kMaxIncludeDepth = 16;
constexpr uint64_t kMaxTermBytes = 16ull << 20;  // all terms together
constexpr size_t kMaxTermLength = 1000;
constexpr int64_t kRegexMaxMem = 8 << 20;  // per pattern (RE2's default)
constexpr int64_t kSetMaxMem = 64 << 20;   // all patterns together

constexpr uint32_t bit(core::BlockKind k) {
  return 1u << static_cast<uint32_t>(k);
}
constexpr uint32_t kOmittable = bit(core::BlockKind::kPreamble) | bit(core::BlockKind::kNotice) |
                                bit(core::BlockKind::kPageBreak);

struct IdDef {
  Origin origin;
};

class Loader {
 public:
  Loader(const LoadOptions& options, Diags& diags) : options_(options), diags_(diags) {}

  std::shared_ptr<CompiledPolicy> load(const std::string& path, const std::string* text);

 private:
  void load_file(const std::string& path, const std::string* text, const XmlFile* from,
                 const pugi::xml_node* include_node, int depth, bool is_main);
  void policy_element(const XmlFile& xf, const pugi::xml_node& root, int depth, bool is_main);
  void settings_element(const XmlFile& xf, const pugi::xml_node& n, bool is_main);
  void terms_element(const XmlFile& xf, const pugi::xml_node& n);
  void pattern_element(const XmlFile& xf, const pugi::xml_node& n);
  void rule_element(const XmlFile& xf, const pugi::xml_node& n);
  bool condition(const XmlFile& xf, const pugi::xml_node& n, Condition& out, int depth);
  bool children_conditions(const XmlFile& xf, const pugi::xml_node& n, std::vector<Condition>& out,
                           int depth);
  bool define_id(const XmlFile& xf, const pugi::xml_node& n, std::string& id);
  void read_term_file(const XmlFile& xf, const pugi::xml_node& n, const std::string& file_attr,
                      ListDef& list, const TermSpec& proto);
  void add_term(std::string_view raw, const TermSpec& proto, ListDef& list, const TextFile& file,
                uint64_t offset);
  bool level_attr(const XmlFile& xf, const pugi::xml_node& n, const char* name,
                  std::optional<core::Level>& out);
  bool int_attr(const XmlFile& xf, const pugi::xml_node& n, const char* name, long min, long max,
                long& out);
  void list_refs(const XmlFile& xf, const pugi::xml_node& n, const char* attr,
                 std::vector<std::string>& names, Origin& where);
  void resolve(Condition& c);
  void resolve_names(const std::vector<std::string>& names, const Origin& where,
                     std::vector<uint32_t>& out);
  void compile();

  const LoadOptions& options_;
  Diags& diags_;
  std::deque<XmlFile> files_;               // stable addresses: diagnostics point into them
  std::vector<std::string> stack_;          // canonical paths being included
  std::map<std::string, Origin> included_;  // canonical path -> where first included
  std::map<std::string, IdDef> ids_;
  std::map<std::string, uint32_t> list_index_;
  std::vector<TermSpec> terms_;
  uint64_t term_bytes_ = 0;
  std::set<std::string> seen_terms_;  // "list\x1fterm" to drop duplicates inside a list
  bool settings_seen_ = false;
  EVP_MD_CTX* sha_ = nullptr;
  std::shared_ptr<CompiledPolicy> policy_;
};

std::string trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// Whitespace runs (incl. NBSP) -> one space, trimmed: the form normalize() gives the text.
std::string normalize_term(std::string_view s) {
  std::string out;
  bool space = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const bool nbsp = c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || nbsp) {
      if (nbsp) ++i;
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(c);
  }
  return out;
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 100) return false;
  for (char c : id)
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_' && c != '.')
      return false;
  return true;
}

std::optional<core::Level> level_from(std::string_view v) {
  std::string u;
  for (char c : v) u += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (u == "U" || u == "UNCLASSIFIED") return core::Level::kUnclassified;
  if (u == "C" || u == "CONFIDENTIAL") return core::Level::kConfidential;
  if (u == "S" || u == "SECRET") return core::Level::kSecret;
  if (u == "TS" || u == "TOP SECRET" || u == "TOP-SECRET") return core::Level::kTopSecret;
  return std::nullopt;
}

std::optional<uint32_t> control_from(std::string_view v) {
  std::string u;
  for (char c : v) u += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  using core::Control;
  static const std::pair<const char*, Control> kNames[] = {
      {"SBU", Control::kSbu},       {"FOUO", Control::kFouo},     {"NF", Control::kNoforn},
      {"NOFORN", Control::kNoforn}, {"OC", Control::kOrcon},      {"ORCON", Control::kOrcon},
      {"PR", Control::kPropin},     {"PROPIN", Control::kPropin}, {"RELIDO", Control::kRelido},
      {"FGI", Control::kFgi},       {"REL-TO", Control::kRelTo},  {"RELTO", Control::kRelTo},
      {"XD", Control::kExdis},      {"EXDIS", Control::kExdis},   {"ND", Control::kNodis},
      {"NODIS", Control::kNodis},   {"LIMDIS", Control::kLimdis}, {"STADIS", Control::kStadis},
      {"EFTO", Control::kEfto},
  };
  for (const auto& [n, c] : kNames)
    if (u == n) return static_cast<uint32_t>(c);
  return std::nullopt;
}

std::optional<core::DeclassKind> declass_kind_from(std::string_view v) {
  static const std::pair<const char*, core::DeclassKind> kNames[] = {
      {"date", core::DeclassKind::kDate},
      {"na", core::DeclassKind::kNotApplicable},
      {"exemption", core::DeclassKind::kExemption},
      {"oadr", core::DeclassKind::kOadr},
      {"mr", core::DeclassKind::kManualReview},
      {"duration", core::DeclassKind::kDuration},
      {"event", core::DeclassKind::kEvent},
      {"declassified", core::DeclassKind::kDeclassified},
      {"downgrade", core::DeclassKind::kDowngrade},
      {"gds", core::DeclassKind::kGds},
      {"unknown", core::DeclassKind::kUnknown},
      {"missing", core::DeclassKind::kMissing},
  };
  for (const auto& [n, k] : kNames)
    if (v == n) return k;
  return std::nullopt;
}

std::optional<core::MarkingStatus> marking_from(std::string_view v) {
  if (v == "marked") return core::MarkingStatus::kMarked;
  if (v == "garbled") return core::MarkingStatus::kGarbled;
  if (v == "inherited") return core::MarkingStatus::kInherited;
  if (v == "not-portion") return core::MarkingStatus::kNotPortion;
  return std::nullopt;
}

int action_rank(core::Action a) {
  switch (a) {
    case core::Action::kWithhold:
      return 3;
    case core::Action::kRedact:
      return 2;
    case core::Action::kRelease:
      return 1;
    case core::Action::kOmit:
      return 0;
  }
  return 3;
}

}  // namespace

std::shared_ptr<CompiledPolicy> Loader::load(const std::string& path, const std::string* text) {
  policy_ = std::make_shared<CompiledPolicy>();
  policy_->path = path;
  policy_->settings.default_labels.b1_from_cable = true;  // B1 with the cable's reasons
  if (text == nullptr) {
    // The main file is on the include stack, so including it again is a cycle.
    std::error_code ec;
    const std::string canon = std::filesystem::weakly_canonical(path, ec).string();
    stack_.push_back(ec ? path : canon);
  }
  sha_ = EVP_MD_CTX_new();
  EVP_DigestInit_ex(sha_, EVP_sha256(), nullptr);
  load_file(path, text, nullptr, nullptr, 0, true);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  EVP_DigestFinal_ex(sha_, md, &md_len);
  EVP_MD_CTX_free(sha_);
  sha_ = nullptr;
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned int i = 0; i < md_len; ++i) {
    policy_->digest += kHex[md[i] >> 4];
    policy_->digest += kHex[md[i] & 15];
  }
  if (diags_.has_errors()) return nullptr;
  // Resolve list references now that every file has defined its lists.
  for (Rule& rule : policy_->rules) {
    resolve(rule.when);
    resolve_names(rule.list_names, rule.list_origin, rule.lists);
  }
  // Redactions need labels: from the list or from the action.
  for (size_t r = 0; r < policy_->rules.size(); ++r) {
    Rule& rule = policy_->rules[r];
    if (rule.action != core::Action::kRedact) continue;
    for (uint32_t li : rule.lists) {
      if (!policy_->lists[li].labels.empty() || !rule.labels.empty()) continue;
      diags_.error_at(rule.list_origin, "missing-exemption",
                      "rule '" + rule.id + "' redacts list '" + policy_->lists[li].id +
                          "', which has no exemption; give one on the list or on <redact>");
    }
  }
  if (diags_.has_errors()) return nullptr;
  compile();
  if (diags_.has_errors()) return nullptr;
  return policy_;
}

void Loader::load_file(const std::string& path, const std::string* text, const XmlFile* from,
                       const pugi::xml_node* include_node, int depth, bool is_main) {
  files_.emplace_back();
  XmlFile& xf = files_.back();
  xf.file.path = path;
  if (text != nullptr) {
    xf.file.text = *text;
  } else {
    std::string problem;
    if (!read_file_bytes(path, xf.file.text, problem)) {
      if (from != nullptr)
        diags_.error(from->file, from->value_offset(*include_node, "href"), "missing-include",
                     problem);
      else
        diags_.error_at_file(path, "io-error", problem);
      return;
    }
  }
  if (xf.file.text.size() > kMaxFileBytes) {
    diags_.error_at_file(path, "policy-too-large",
                         "the policy is larger than " + std::to_string(kMaxFileBytes) + " bytes");
    return;
  }
  xf.file.index_lines();
  EVP_DigestUpdate(sha_, xf.file.text.data(), xf.file.text.size());
  policy_->files.push_back(path);
  if (!parse_xml(xf, diags_)) return;
  pugi::xml_node root = xf.doc.document_element();
  if (!root || std::string_view(root.name()) != "policy") {
    diags_.error(xf.file, root ? xf.element_offset(root) : 0, "not-a-policy",
                 root ? "the root element is <" + std::string(root.name()) + ">; expected <policy>"
                      : std::string("no <policy> element"));
    return;
  }
  policy_element(xf, root, depth, is_main);
}

void Loader::policy_element(const XmlFile& xf, const pugi::xml_node& root, int depth,
                            bool is_main) {
  check_attributes(xf, root, {"name", "version"}, diags_);
  if (require_attribute(xf, root, "name", diags_) && is_main) {
    policy_->name = root.attribute("name").value();
    policy_->version = root.attribute("version").value();
    if (trim(policy_->name).empty())
      diags_.error(xf.file, xf.value_offset(root, "name"), "bad-value", "the policy name is empty");
  }
  check_no_text(xf, root, diags_);
  for (pugi::xml_node n = root.first_child(); n; n = n.next_sibling()) {
    if (n.type() != pugi::node_element) continue;
    const std::string_view name = n.name();
    if (name == "include") {
      check_attributes(xf, n, {"href"}, diags_);
      if (!require_attribute(xf, n, "href", diags_)) continue;
      if (!options_.allow_files) {
        diags_.error(xf.file, xf.element_offset(n), "files-disabled",
                     "includes are not allowed here");
        continue;
      }
      const std::string href = n.attribute("href").value();
      if (href.empty()) {
        diags_.error(xf.file, xf.value_offset(n, "href"), "bad-value", "'href' is empty");
        continue;
      }
      const std::filesystem::path base = std::filesystem::path(xf.file.path).parent_path();
      const std::string target = (base / href).lexically_normal().string();
      std::error_code ec;
      std::string canon = std::filesystem::weakly_canonical(target, ec).string();
      if (ec) canon = target;
      if (std::find(stack_.begin(), stack_.end(), canon) != stack_.end() ||
          canon == std::filesystem::weakly_canonical(xf.file.path, ec).string()) {
        std::string chain;
        for (const auto& s : stack_) chain += std::filesystem::path(s).filename().string() + " -> ";
        chain += std::filesystem::path(canon).filename().string();
        diags_.error(xf.file, xf.value_offset(n, "href"), "include-cycle",
                     "include cycle: " + chain);
        continue;
      }
      if (auto it = included_.find(canon); it != included_.end()) {
        diags_.error(xf.file, xf.value_offset(n, "href"), "include-twice",
                     "'" + href + "' is already included (at " + it->second.text() + ")");
        continue;
      }
      if (depth + 1 > kMaxIncludeDepth) {
        diags_.error(xf.file, xf.element_offset(n), "include-too-deep",
                     "includes nested deeper than " + std::to_string(kMaxIncludeDepth) + " levels");
        continue;
      }
      included_[canon] = xf.origin(n);
      stack_.push_back(canon);
      load_file(target, nullptr, &xf, &n, depth + 1, false);
      stack_.pop_back();
    } else if (name == "settings") {
      settings_element(xf, n, is_main);
    } else if (name == "terms") {
      terms_element(xf, n);
    } else if (name == "pattern") {
      pattern_element(xf, n);
    } else if (name == "rule") {
      rule_element(xf, n);
    } else {
      diags_.error(xf.file, xf.element_offset(n), "unknown-element",
                   "unknown element <" + std::string(name) +
                       "> in <policy>; expected include, settings, terms, pattern or rule");
    }
  }
}

void Loader::settings_element(const XmlFile& xf, const pugi::xml_node& n, bool is_main) {
  check_attributes(xf, n,
                   {"default", "default-exemption", "default-reasons", "default-statute",
                    "placeholder", "placeholder-step"},
                   diags_);
  check_no_text(xf, n, diags_);
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element)
      diags_.error(xf.file, xf.element_offset(c), "unknown-element",
                   "<settings> takes no elements");
  if (!is_main) {
    diags_.error(xf.file, xf.element_offset(n), "settings-in-include",
                 "<settings> belongs in the main policy, not in an included module");
    return;
  }
  if (settings_seen_) {
    diags_.error(xf.file, xf.element_offset(n), "duplicate-settings", "a second <settings>");
    return;
  }
  settings_seen_ = true;
  Settings& s = policy_->settings;
  if (auto a = n.attribute("default")) {
    const std::string_view v = a.value();
    if (v == "withhold")
      s.default_action = core::Action::kWithhold;
    else if (v == "release")
      s.default_action = core::Action::kRelease;
    else
      diags_.error(xf.file, xf.value_offset(n, "default"), "bad-value",
                   "bad default '" + std::string(v) + "'; expected withhold or release");
  }
  if (n.attribute("default-exemption")) {
    LabelSpec labels;
    if (parse_labels(xf, n, "default-", labels, diags_)) s.default_labels = labels;
  } else if (n.attribute("default-reasons") || n.attribute("default-statute")) {
    LabelSpec labels;
    parse_labels(xf, n, "default-", labels, diags_);
  }
  if (auto a = n.attribute("placeholder")) {
    const std::string_view v = a.value();
    if (v == "proportional")
      s.placeholder = core::PlaceholderStyle::kProportional;
    else if (v == "quantized")
      s.placeholder = core::PlaceholderStyle::kQuantized;
    else if (v == "fixed")
      s.placeholder = core::PlaceholderStyle::kFixed;
    else
      diags_.error(
          xf.file, xf.value_offset(n, "placeholder"), "bad-value",
          "bad placeholder '" + std::string(v) + "'; expected proportional, quantized or fixed");
  }
  long step = 5;
  if (int_attr(xf, n, "placeholder-step", 1, 1000, step))
    s.placeholder_step = static_cast<uint32_t>(step);
}

bool Loader::int_attr(const XmlFile& xf, const pugi::xml_node& n, const char* name, long min,
                      long max, long& out) {
  const pugi::xml_attribute a = n.attribute(name);
  if (!a) return false;
  const std::string v = a.value();
  bool ok = !v.empty() && v.size() <= 9;
  size_t i = 0;
  if (ok && (v[0] == '-' || v[0] == '+')) i = 1;
  ok = ok && i < v.size();
  for (size_t k = i; ok && k < v.size(); ++k)
    ok = std::isdigit(static_cast<unsigned char>(v[k])) != 0;
  long value = ok ? std::stol(v) : 0;
  if (!ok || value < min || value > max) {
    diags_.error(xf.file, xf.value_offset(n, name), "bad-value",
                 "bad " + std::string(name) + " '" + v + "'; expected a whole number from " +
                     std::to_string(min) + " to " + std::to_string(max));
    return false;
  }
  out = value;
  return true;
}

bool Loader::define_id(const XmlFile& xf, const pugi::xml_node& n, std::string& id) {
  if (!require_attribute(xf, n, "id", diags_)) return false;
  id = n.attribute("id").value();
  if (!valid_id(id)) {
    diags_.error(xf.file, xf.value_offset(n, "id"), "bad-id",
                 "bad id '" + id + "'; use letters, digits, '-', '_' and '.'");
    return false;
  }
  const Origin here = xf.origin(n);
  auto [it, fresh] = ids_.emplace(id, IdDef{here});
  if (!fresh) {
    diags_.error(xf.file, xf.value_offset(n, "id"), "duplicate-id",
                 "the id '" + id + "' is already defined at " + it->second.origin.text());
    return false;
  }
  return true;
}

void Loader::add_term(std::string_view raw, const TermSpec& proto, ListDef& list,
                      const TextFile& file, uint64_t offset) {
  std::string t = normalize_term(raw);
  if (t.empty()) return;
  if (t.size() > kMaxTermLength) {
    diags_.error(file, offset, "term-too-long",
                 "term of " + std::to_string(t.size()) + " bytes; the limit is " +
                     std::to_string(kMaxTermLength));
    return;
  }
  if (!proto.case_sensitive && has_unfolded_letters(t))
    diags_.warning(
        file, offset, "term-case",
        "term '" + t + "' has letters whose case is not folded: it matches only as written");
  if (!seen_terms_.insert(list.id + '\x1f' + t).second) return;
  term_bytes_ += t.size();
  if (term_bytes_ > kMaxTermBytes) {
    if (term_bytes_ - t.size() <= kMaxTermBytes)
      diags_.error(file, offset, "terms-too-large",
                   "the term lists exceed " + std::to_string(kMaxTermBytes) + " bytes together");
    return;
  }
  TermSpec spec = proto;
  spec.text = std::move(t);
  terms_.push_back(std::move(spec));
  ++list.term_count;
}

void Loader::read_term_file(const XmlFile& xf, const pugi::xml_node& n,
                            const std::string& file_attr, ListDef& list, const TermSpec& proto) {
  if (!options_.allow_files) {
    diags_.error(xf.file, xf.attribute_offset(n, "file"), "files-disabled",
                 "list files are not allowed here");
    return;
  }
  const std::string target =
      (std::filesystem::path(xf.file.path).parent_path() / file_attr).lexically_normal().string();
  TextFile tf;
  tf.path = target;
  std::string problem;
  if (!read_file_bytes(target, tf.text, problem)) {
    diags_.error(xf.file, xf.value_offset(n, "file"), "missing-list-file", problem);
    return;
  }
  tf.index_lines();
  EVP_DigestUpdate(sha_, tf.text.data(), tf.text.size());
  policy_->files.push_back(target);
  if (auto bad = invalid_utf8_at(tf.text)) {
    diags_.error(tf, *bad, "list-encoding", "invalid UTF-8: list files must be UTF-8");
    return;
  }
  size_t pos = tf.text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  while (pos < tf.text.size()) {
    size_t end = tf.text.find('\n', pos);
    if (end == std::string::npos) end = tf.text.size();
    std::string_view line(tf.text.data() + pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t first = line.find_first_not_of(" \t");
    if (first != std::string_view::npos && line[first] != '#') {
      if (line.substr(first, 2) == "\\#")
        line = line.substr(first + 1);  // a term starting with '#'
      if (line.find('\0') != std::string_view::npos)
        diags_.error(tf, pos, "list-encoding", "NUL byte in a list file");
      else
        add_term(line, proto, list, tf, pos + first);
    }
    pos = end + 1;
  }
}

void Loader::terms_element(const XmlFile& xf, const pugi::xml_node& n) {
  check_attributes(xf, n, {"id", "exemption", "reasons", "statute", "case", "match", "file"},
                   diags_);
  std::string id;
  const bool id_ok = define_id(xf, n, id);
  ListDef list;
  list.id = id;
  list.kind = ListKind::kTerms;
  list.origin = xf.origin(n);
  parse_labels(xf, n, "", list.labels, diags_);
  TermSpec proto;
  proto.list = static_cast<uint32_t>(policy_->lists.size());
  if (auto a = n.attribute("case")) {
    const std::string_view v = a.value();
    if (v == "sensitive")
      proto.case_sensitive = true;
    else if (v != "insensitive")
      diags_.error(xf.file, xf.value_offset(n, "case"), "bad-value",
                   "bad case '" + std::string(v) + "'; expected sensitive or insensitive");
  }
  if (auto a = n.attribute("match")) {
    const std::string_view v = a.value();
    if (v == "substring")
      proto.whole_word = false;
    else if (v != "word")
      diags_.error(xf.file, xf.value_offset(n, "match"), "bad-value",
                   "bad match '" + std::string(v) + "'; expected word or substring");
  }
  check_no_text(xf, n, diags_);
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    if (std::string_view(c.name()) != "term") {
      diags_.error(xf.file, xf.element_offset(c), "unknown-element",
                   "unknown element <" + std::string(c.name()) + "> in <terms>; expected <term>");
      continue;
    }
    check_attributes(xf, c, {}, diags_);
    for (pugi::xml_node g = c.first_child(); g; g = g.next_sibling())
      if (g.type() == pugi::node_element)
        diags_.error(xf.file, xf.element_offset(g), "unknown-element", "<term> holds text only");
    const std::string value = c.text().get();
    if (normalize_term(value).empty()) {
      diags_.error(xf.file, xf.element_offset(c), "empty-term", "empty <term>");
      continue;
    }
    add_term(value, proto, list, xf.file, xf.element_offset(c));
  }
  if (auto a = n.attribute("file")) read_term_file(xf, n, a.value(), list, proto);
  if (list.term_count == 0 && !n.attribute("file") && !diags_.has_errors())
    diags_.error(xf.file, xf.element_offset(n), "empty-list",
                 "term list '" + id + "' has no terms");
  if (!id_ok) return;
  list_index_[id] = static_cast<uint32_t>(policy_->lists.size());
  policy_->lists.push_back(std::move(list));
}

void Loader::pattern_element(const XmlFile& xf, const pugi::xml_node& n) {
  check_attributes(xf, n, {"id", "exemption", "reasons", "statute", "regex", "case", "group"},
                   diags_);
  check_no_text(xf, n, diags_);
  std::string id;
  const bool id_ok = define_id(xf, n, id);
  ListDef list;
  list.id = id;
  list.kind = ListKind::kPattern;
  list.origin = xf.origin(n);
  list.case_sensitive = true;
  parse_labels(xf, n, "", list.labels, diags_);
  if (auto a = n.attribute("case")) {
    const std::string_view v = a.value();
    if (v == "insensitive")
      list.case_sensitive = false;
    else if (v != "sensitive")
      diags_.error(xf.file, xf.value_offset(n, "case"), "bad-value",
                   "bad case '" + std::string(v) + "'; expected sensitive or insensitive");
  }
  long group = 0;
  if (int_attr(xf, n, "group", 0, 100, group)) list.group = static_cast<int>(group);
  if (!require_attribute(xf, n, "regex", diags_)) return;
  list.regex = n.attribute("regex").value();
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(kRegexMaxMem);
  o.set_case_sensitive(list.case_sensitive);
  auto re = std::make_unique<RE2>(list.regex, o);
  if (!re->ok()) {
    diags_.error(xf.file, xf.value_offset(n, "regex"), "bad-regex",
                 "RE2 rejects the pattern: " + re->error());
    return;
  }
  if (list.regex.empty() || RE2::FullMatch("", *re)) {
    diags_.error(xf.file, xf.value_offset(n, "regex"), "empty-match",
                 "the pattern matches the empty string, so it would redact nothing or everything");
    return;
  }
  if (list.group > re->NumberOfCapturingGroups()) {
    diags_.error(xf.file, xf.value_offset(n, "group"), "bad-value",
                 "group " + std::to_string(list.group) + " does not exist; the pattern has " +
                     std::to_string(re->NumberOfCapturingGroups()));
    return;
  }
  list.re = std::move(re);
  if (!id_ok) return;
  list_index_[id] = static_cast<uint32_t>(policy_->lists.size());
  policy_->lists.push_back(std::move(list));
}

void Loader::list_refs(const XmlFile& xf, const pugi::xml_node& n, const char* attr,
                       std::vector<std::string>& names, Origin& where) {
  names = split_list(n.attribute(attr).value());
  const core::Position p = xf.file.position(xf.value_offset(n, attr));
  where = Origin{xf.file.path, p.line, p.column};
  if (names.empty())
    diags_.error(xf.file, xf.value_offset(n, attr), "bad-value",
                 std::string("'") + attr + "' names no list");
}

void Loader::resolve_names(const std::vector<std::string>& names, const Origin& where,
                           std::vector<uint32_t>& out) {
  for (const auto& id : names) {
    auto it = list_index_.find(id);
    if (it == list_index_.end()) {
      diags_.error_at(where, "unknown-list", "no term list or pattern has the id '" + id + "'");
      continue;
    }
    if (std::find(out.begin(), out.end(), it->second) == out.end()) out.push_back(it->second);
  }
}

void Loader::resolve(Condition& c) {
  if (c.kind == CondKind::kContains) resolve_names(c.list_names, c.list_origin, c.lists);
  for (Condition& child : c.children) resolve(child);
}

bool Loader::level_attr(const XmlFile& xf, const pugi::xml_node& n, const char* name,
                        std::optional<core::Level>& out) {
  const pugi::xml_attribute a = n.attribute(name);
  if (!a) return true;
  out = level_from(a.value());
  if (!out) {
    diags_.error(xf.file, xf.value_offset(n, name), "bad-value",
                 "bad level '" + std::string(a.value()) + "'; expected U, C, S or TS");
    return false;
  }
  return true;
}

bool Loader::children_conditions(const XmlFile& xf, const pugi::xml_node& n,
                                 std::vector<Condition>& out, int depth) {
  bool ok = check_no_text(xf, n, diags_);
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    Condition cond;
    if (condition(xf, c, cond, depth + 1))
      out.push_back(std::move(cond));
    else
      ok = false;
  }
  return ok;
}

bool Loader::condition(const XmlFile& xf, const pugi::xml_node& n, Condition& out, int depth) {
  if (depth > kMaxDepth) {
    diags_.error(xf.file, xf.element_offset(n), "condition-too-deep",
                 "conditions nested deeper than " + std::to_string(kMaxDepth) + " levels");
    return false;
  }
  const std::string_view name = n.name();
  const size_t errors = diags_.error_count();
  auto no_children = [&] {
    check_no_text(xf, n, diags_);
    for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling())
      if (c.type() == pugi::node_element)
        diags_.error(xf.file, xf.element_offset(c), "unknown-element",
                     "<" + std::string(name) + "> takes no elements");
  };
  auto need_one_of = [&](std::initializer_list<const char*> attrs) {
    for (const char* a : attrs)
      if (n.attribute(a)) return;
    std::string list;
    for (const char* a : attrs) list += (list.empty() ? "'" : " or '") + std::string(a) + "'";
    diags_.error(xf.file, xf.element_offset(n), "missing-attribute",
                 "<" + std::string(name) + "> needs " + list);
  };
  auto strings = [&](const char* attr, std::vector<std::string>& into) {
    if (auto a = n.attribute(attr)) {
      into = split_list(a.value());
      if (into.empty())
        diags_.error(xf.file, xf.value_offset(n, attr), "bad-value",
                     std::string("'") + attr + "' is empty");
    }
  };
  if (name == "all" || name == "any" || name == "not") {
    out.kind = name == "all" ? CondKind::kAll : name == "any" ? CondKind::kAny : CondKind::kNot;
    check_attributes(xf, n, {}, diags_);
    children_conditions(xf, n, out.children, depth);
    if (out.children.empty() && diags_.error_count() == errors)
      diags_.error(xf.file, xf.element_offset(n), "empty-condition",
                   "<" + std::string(name) + "> holds no condition");
    if (out.kind == CondKind::kNot && out.children.size() > 1)
      diags_.error(xf.file, xf.element_offset(n), "bad-not",
                   "<not> holds exactly one condition (use <not><any>...</any></not>)");
  } else if (name == "kind") {
    out.kind = CondKind::kKind;
    check_attributes(xf, n, {"is"}, diags_);
    no_children();
    if (require_attribute(xf, n, "is", diags_)) {
      const auto kinds = split_list(n.attribute("is").value());
      if (kinds.empty())
        diags_.error(xf.file, xf.value_offset(n, "is"), "bad-value", "'is' is empty");
      for (const auto& k : kinds) {
        const auto bk = core::block_kind_from_string(k);
        if (!bk)
          diags_.error(
              xf.file, xf.token_offset(n, "is", k), "bad-value",
              "unknown block kind '" + k +
                  "'; expected preamble, notice, routing, banner, caption, addressee, eo-line, "
                  "tags, "
                  "subject, ref, classified-by, paragraph, sub-paragraph, signature or page-break");
        else
          out.mask |= bit(*bk);
      }
    }
  } else if (name == "portion") {
    out.kind = CondKind::kPortion;
    check_attributes(xf, n, {"min-level", "max-level", "marking"}, diags_);
    no_children();
    need_one_of({"min-level", "max-level", "marking"});
    level_attr(xf, n, "min-level", out.min_level);
    level_attr(xf, n, "max-level", out.max_level);
    if (out.min_level && out.max_level && *out.min_level > *out.max_level)
      diags_.error(xf.file, xf.value_offset(n, "max-level"), "bad-value",
                   "max-level is below min-level");
    if (auto a = n.attribute("marking")) {
      const auto ms = split_list(a.value());
      if (ms.empty())
        diags_.error(xf.file, xf.value_offset(n, "marking"), "bad-value", "'marking' is empty");
      for (const auto& m : ms) {
        const auto st = marking_from(m);
        if (!st)
          diags_.error(xf.file, xf.token_offset(n, "marking", m), "bad-value",
                       "unknown marking status '" + m +
                           "'; expected marked, garbled, inherited or not-portion");
        else
          out.mask |= 1u << static_cast<uint32_t>(*st);
      }
    }
  } else if (name == "controls") {
    out.kind = CondKind::kControls;
    check_attributes(xf, n, {"any", "all"}, diags_);
    no_children();
    need_one_of({"any", "all"});
    for (const char* attr : {"any", "all"}) {
      std::vector<std::string> names;
      strings(attr, names);
      for (const auto& c : names) {
        const auto bits = control_from(c);
        if (!bits) {
          diags_.error(xf.file, xf.token_offset(n, attr, c), "bad-value",
                       "unknown control '" + c +
                           "'; expected NOFORN, REL-TO, ORCON, PROPIN, RELIDO, FGI, SBU, FOUO, "
                           "EXDIS, NODIS, "
                           "LIMDIS, STADIS or EFTO");
          continue;
        }
        (std::string_view(attr) == "any" ? out.controls_any : out.controls_all) |= *bits;
      }
    }
  } else if (name == "declassified" || name == "repeated") {
    out.kind = name == "declassified" ? CondKind::kDeclassified : CondKind::kRepeated;
    check_attributes(xf, n, {}, diags_);
    no_children();
  } else if (name == "declass") {
    out.kind = CondKind::kDeclass;
    check_attributes(xf, n, {"kind", "codes"}, diags_);
    no_children();
    need_one_of({"kind", "codes"});
    std::vector<std::string> kinds;
    strings("kind", kinds);
    for (const auto& k : kinds) {
      const auto dk = declass_kind_from(k);
      if (!dk)
        diags_.error(xf.file, xf.token_offset(n, "kind", k), "bad-value",
                     "unknown declassification kind '" + k +
                         "'; expected date, na, exemption, oadr, mr, duration, event, "
                         "declassified, downgrade, "
                         "gds, unknown or missing");
      else
        out.mask |= 1u << static_cast<uint32_t>(*dk);
    }
    strings("codes", out.any);
  } else if (name == "age") {
    out.kind = CondKind::kAge;
    check_attributes(xf, n, {"at-least", "under", "from"}, diags_);
    no_children();
    need_one_of({"at-least", "under"});
    long v = 0;
    if (int_attr(xf, n, "at-least", 0, 1000, v)) out.at_least = static_cast<int>(v);
    if (int_attr(xf, n, "under", 0, 1000, v)) out.under = static_cast<int>(v);
    if (auto a = n.attribute("from")) {
      const std::string_view f = a.value();
      if (f == "december-31")
        out.from_december = true;
      else if (f != "creation")
        diags_.error(xf.file, xf.value_offset(n, "from"), "bad-value",
                     "bad from '" + std::string(f) + "'; expected creation or december-31");
    }
  } else if (name == "reasons") {
    out.kind = CondKind::kReasons;
    check_attributes(xf, n, {"any", "all"}, diags_);
    no_children();
    need_one_of({"any", "all"});
    for (const char* attr : {"any", "all"}) {
      std::vector<std::string> letters;
      strings(attr, letters);
      std::string& into = std::string_view(attr) == "any" ? out.reasons_any : out.reasons_all;
      for (const auto& l : letters) {
        if (l.size() != 1 || std::tolower(static_cast<unsigned char>(l[0])) < 'a' ||
            std::tolower(static_cast<unsigned char>(l[0])) > 'h') {
          diags_.error(xf.file, xf.token_offset(n, attr, l), "bad-value",
                       "bad reason '" + l + "'; expected 1.4 letters a-h separated by spaces");
          continue;
        }
        into += static_cast<char>(std::tolower(static_cast<unsigned char>(l[0])));
      }
    }
  } else if (name == "tags" || name == "issue") {
    out.kind = name == "tags" ? CondKind::kTags : CondKind::kIssue;
    check_attributes(xf, n, {"any", "all"}, diags_);
    no_children();
    need_one_of({"any", "all"});
    strings("any", out.any);
    strings("all", out.all);
  } else if (name == "origin") {
    out.kind = CondKind::kOrigin;
    check_attributes(xf, n, {"is"}, diags_);
    no_children();
    if (require_attribute(xf, n, "is", diags_)) {
      out.any.push_back(trim(n.attribute("is").value()));
      if (out.any.back().empty())
        diags_.error(xf.file, xf.value_offset(n, "is"), "bad-value", "'is' is empty");
    }
  } else if (name == "created") {
    out.kind = CondKind::kCreated;
    check_attributes(xf, n, {"before", "after"}, diags_);
    no_children();
    need_one_of({"before", "after"});
    for (const char* attr : {"before", "after"}) {
      if (auto a = n.attribute(attr)) {
        auto d = parse_date_strict(a.value());
        if (!d)
          diags_.error(xf.file, xf.value_offset(n, attr), "bad-date",
                       "bad date '" + std::string(a.value()) + "'; expected YYYY-MM-DD");
        else
          (std::string_view(attr) == "before" ? out.before : out.after) = d;
      }
    }
  } else if (name == "contains") {
    out.kind = CondKind::kContains;
    check_attributes(xf, n, {"lists"}, diags_);
    no_children();
    if (require_attribute(xf, n, "lists", diags_))
      list_refs(xf, n, "lists", out.list_names, out.list_origin);
  } else {
    diags_.error(xf.file, xf.element_offset(n), "unknown-element",
                 "unknown condition <" + std::string(name) +
                     ">; expected all, any, not, kind, portion, controls, declassified, declass, "
                     "age, reasons, "
                     "tags, origin, created, contains, issue or repeated");
    return false;
  }
  return diags_.error_count() == errors;
}

void Loader::rule_element(const XmlFile& xf, const pugi::xml_node& n) {
  check_attributes(xf, n, {"id", "priority"}, diags_);
  check_no_text(xf, n, diags_);
  Rule rule;
  const bool id_ok = define_id(xf, n, rule.id);
  rule.origin = xf.origin(n);
  long priority = 0;
  if (int_attr(xf, n, "priority", -1000000, 1000000, priority))
    rule.priority = static_cast<int>(priority);
  int actions = 0;
  bool when_seen = false, just_seen = false;
  pugi::xml_node action_node;
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    const std::string_view name = c.name();
    if (name == "when") {
      if (when_seen) {
        diags_.error(xf.file, xf.element_offset(c), "duplicate-element",
                     "a rule has at most one <when>");
        continue;
      }
      when_seen = true;
      check_attributes(xf, c, {}, diags_);
      rule.has_when = true;
      rule.when.kind = CondKind::kAll;
      children_conditions(xf, c, rule.when.children, 0);
    } else if (name == "withhold" || name == "redact" || name == "release" || name == "omit") {
      if (++actions > 1) {
        diags_.error(xf.file, xf.element_offset(c), "duplicate-action",
                     "a rule has exactly one action; this is its second");
        continue;
      }
      action_node = c;
      check_no_text(xf, c, diags_);
      for (pugi::xml_node g = c.first_child(); g; g = g.next_sibling())
        if (g.type() == pugi::node_element)
          diags_.error(xf.file, xf.element_offset(g), "unknown-element",
                       "<" + std::string(name) + "> takes no elements");
      if (name == "withhold") {
        rule.action = core::Action::kWithhold;
        check_attributes(xf, c, {"exemption", "reasons", "statute"}, diags_);
        if (c.attribute("exemption")) {
          parse_labels(xf, c, "", rule.labels, diags_);
        } else {
          if (c.attribute("reasons") || c.attribute("statute"))
            parse_labels(xf, c, "", rule.labels, diags_);
          rule.labels = LabelSpec{};  // filled from the settings in compile()
        }
      } else if (name == "redact") {
        rule.action = core::Action::kRedact;
        check_attributes(xf, c, {"lists", "exemption", "reasons", "statute"}, diags_);
        parse_labels(xf, c, "", rule.labels, diags_);
        if (require_attribute(xf, c, "lists", diags_))
          list_refs(xf, c, "lists", rule.list_names, rule.list_origin);
      } else {
        rule.action = name == "release" ? core::Action::kRelease : core::Action::kOmit;
        check_attributes(xf, c, {}, diags_);
      }
    } else if (name == "justification") {
      if (just_seen) {
        diags_.error(xf.file, xf.element_offset(c), "duplicate-element",
                     "a rule has at most one <justification>");
        continue;
      }
      just_seen = true;
      check_attributes(xf, c, {}, diags_);
      for (pugi::xml_node g = c.first_child(); g; g = g.next_sibling())
        if (g.type() == pugi::node_element)
          diags_.error(xf.file, xf.element_offset(g), "unknown-element",
                       "<justification> holds text only");
      rule.justification = normalize_term(c.text().get());
    } else {
      diags_.error(
          xf.file, xf.element_offset(c), "unknown-element",
          "unknown element <" + std::string(name) +
              "> in <rule>; expected when, withhold, redact, release, omit or justification");
    }
  }
  if (actions == 0) {
    diags_.error(
        xf.file, xf.element_offset(n), "missing-action",
        "rule '" + rule.id + "' has no action; expected withhold, redact, release or omit");
    return;
  }
  if (rule.action == core::Action::kOmit) {
    // Omit is for page furniture only: the rule itself must say so, through a
    // <kind> directly in <when> naming only non-record kinds.
    bool limited = false;
    for (const Condition& c : rule.when.children)
      if (c.kind == CondKind::kKind && c.mask != 0 && (c.mask & ~kOmittable) == 0) limited = true;
    if (!limited)
      diags_.error(xf.file, xf.element_offset(action_node), "omit-content",
                   "omit is only for material that is not part of the record: put <kind "
                   "is=\"...\"/> directly in "
                   "<when>, naming only preamble, notice or page-break");
  }
  if (!id_ok) return;
  rule.order = policy_->rules.size();
  policy_->rules.push_back(std::move(rule));
}

}  // namespace declass::policies

namespace declass::policies {

namespace {

bool reads_text(const Condition& c) {
  if (c.kind == CondKind::kContains) return true;
  for (const Condition& child : c.children)
    if (reads_text(child)) return true;
  return false;
}

}  // namespace

void Loader::compile() {
  CompiledPolicy& p = *policy_;
  for (Rule& r : p.rules) {
    if (r.action == core::Action::kWithhold && r.labels.empty())
      r.labels = p.settings.default_labels;
    if (r.action == core::Action::kRedact || reads_text(r.when)) p.needs_text = true;
  }
  // Precedence: higher priority first; at equal priority the more restrictive
  // action; then policy order. Computed once, used for every block.
  p.rank.resize(p.rules.size());
  for (uint32_t i = 0; i < p.rank.size(); ++i) p.rank[i] = i;
  std::stable_sort(p.rank.begin(), p.rank.end(), [&](uint32_t a, uint32_t b) {
    const Rule& x = p.rules[a];
    const Rule& y = p.rules[b];
    if (x.priority != y.priority) return x.priority > y.priority;
    return action_rank(x.action) > action_rank(y.action);
  });
  // Every term of every list into one automaton.
  p.terms.build(terms_);
  terms_.clear();
  // Every pattern into one RE2::Set (which patterns occur in a block), then
  // each pattern's own RE2 finds where.
  std::vector<uint32_t> patterns;
  for (uint32_t i = 0; i < p.lists.size(); ++i)
    if (p.lists[i].kind == ListKind::kPattern) patterns.push_back(i);
  if (!patterns.empty()) {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(kSetMaxMem);
    auto set = std::make_unique<RE2::Set>(o, RE2::UNANCHORED);
    for (uint32_t li : patterns) {
      const ListDef& l = p.lists[li];
      std::string error;
      const std::string re = (l.case_sensitive ? "" : "(?i)") + l.regex;
      if (set->Add(re, &error) < 0) {
        diags_.error_at(l.origin, "bad-regex", "RE2 rejects the pattern in a set: " + error);
        return;
      }
      p.set_to_list.push_back(li);
    }
    if (!set->Compile()) {
      diags_.error_at(p.lists[patterns.front()].origin, "patterns-too-large",
                      "the patterns together exceed RE2's memory budget of " +
                          std::to_string(kSetMaxMem) + " bytes");
      return;
    }
    p.pattern_set = std::move(set);
    std::vector<std::pair<std::string, bool>> specs;
    for (uint32_t li : p.set_to_list)
      specs.emplace_back(p.lists[li].regex, p.lists[li].case_sensitive);
    p.prefilter.build(specs);
  }
}

core::Result<std::shared_ptr<const CompiledPolicy>> load_policy(const std::string& path,
                                                                const LoadOptions& options) {
  core::Result<std::shared_ptr<const CompiledPolicy>> out;
  Diags diags;
  Loader loader(options, diags);
  std::shared_ptr<CompiledPolicy> p = loader.load(path, nullptr);
  out.diagnostics = std::move(diags.all());
  if (p) out.value = std::move(p);
  return out;
}

core::Result<std::shared_ptr<const CompiledPolicy>> load_policy(const std::string& path) {
  return load_policy(path, LoadOptions{});
}

core::Result<std::shared_ptr<const CompiledPolicy>> load_policy_text(const std::string& path,
                                                                     const std::string& xml,
                                                                     const LoadOptions& options) {
  core::Result<std::shared_ptr<const CompiledPolicy>> out;
  Diags diags;
  Loader loader(options, diags);
  std::shared_ptr<CompiledPolicy> p = loader.load(path, &xml);
  out.diagnostics = std::move(diags.all());
  if (p) out.value = std::move(p);
  return out;
}

std::string policy_digest(const CompiledPolicy& policy) {
  return policy.digest;
}

PolicyInfo policy_info(const CompiledPolicy& policy) {
  PolicyInfo info;
  info.name = policy.name;
  info.version = policy.version;
  info.digest = policy.digest;
  info.files = policy.files;
  info.rules = policy.rules.size();
  info.lists = policy.lists.size();
  info.terms = policy.terms.size();
  return info;
}

}  // namespace declass::policies
