// Positioned errors: every kind of bad policy names file:line:col exactly.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "doc_builder.h"

namespace declass::policies {
namespace {

using testing::errors_of;

struct BadPolicy {
  const char* name;
  const char* xml;
  const char* expected;  // the first error, formatted
};

// Each case is one kind of mistake. Lines are counted from the first line of
// the XML text; columns in code points.
const BadPolicy kBad[] = {
    {"malformed-xml", "<policy name=\"p\">\n  <rule id=\"r\">\n</policy>\n",
     "policy.xml:3:3: error: malformed XML: start-end tags mismatch [xml-syntax]"},
    {"wrong-root", "<rules name=\"p\"/>\n",
     "policy.xml:1:1: error: the root element is <rules>; expected <policy> [not-a-policy]"},
    {"unknown-element", "<policy name=\"p\">\n  <rulez id=\"r\"/>\n</policy>\n",
     "policy.xml:2:3: error: unknown element <rulez> in <policy>; expected include, settings, "
     "terms, pattern or rule [unknown-element]"},
    {"unknown-attribute",
     "<policy name=\"p\">\n  <rule id=\"r\" priorty=\"3\"><release/></rule>\n</policy>\n",
     "policy.xml:2:16: error: unknown attribute 'priorty' on <rule>; expected one of: id, priority "
     "[unknown-attribute]"},
    {"missing-name", "<policy version=\"1\">\n</policy>\n",
     "policy.xml:1:1: error: <policy> needs the attribute 'name' [missing-attribute]"},
    {"missing-rule-id", "<policy name=\"p\">\n  <rule><release/></rule>\n</policy>\n",
     "policy.xml:2:3: error: <rule> needs the attribute 'id' [missing-attribute]"},
    {"bad-priority",
     "<policy name=\"p\">\n  <rule id=\"r\" priority=\"high\"><release/></rule>\n</policy>\n",
     "policy.xml:2:26: error: bad priority 'high'; expected a whole number from -1000000 to "
     "1000000 [bad-value]"},
    {"missing-action",
     "<policy name=\"p\">\n  <rule id=\"r\"><when><declassified/></when></rule>\n</policy>\n",
     "policy.xml:2:3: error: rule 'r' has no action; expected withhold, redact, release or omit "
     "[missing-action]"},
    {"two-actions",
     "<policy name=\"p\">\n  <rule id=\"r\"><release/><withhold/></rule>\n</policy>\n",
     "policy.xml:2:26: error: a rule has exactly one action; this is its second "
     "[duplicate-action]"},
    {"bad-level",
     "<policy name=\"p\">\n  <rule id=\"r\"><when><portion "
     "min-level=\"X\"/></when><release/></rule>\n</policy>\n",
     "policy.xml:2:42: error: bad level 'X'; expected U, C, S or TS [bad-value]"},
    {"bad-kind",
     "<policy name=\"p\">\n  <rule id=\"r\">\n    <when><kind is=\"paragraph chapter\"/></when>\n  "
     "  <release/>\n  </rule>\n</policy>\n",
     "policy.xml:3:31: error: unknown block kind 'chapter'; expected preamble, notice, routing, "
     "banner, caption, addressee, eo-line, tags, subject, ref, classified-by, paragraph, "
     "sub-paragraph, signature or page-break [bad-value]"},
    {"unknown-condition",
     "<policy name=\"p\">\n  <rule id=\"r\"><when><colour "
     "is=\"red\"/></when><release/></rule>\n</policy>\n",
     "policy.xml:2:22: error: unknown condition <colour>; expected all, any, not, kind, portion, "
     "controls, declassified, declass, age, reasons, tags, origin, created, contains, issue or "
     "repeated [unknown-element]"},
    {"bad-regex",
     "<policy name=\"p\">\n  <pattern id=\"x\" exemption=\"B6\" regex=\"(ab\"/>\n</policy>\n",
     "policy.xml:2:41: error: RE2 rejects the pattern: missing ): (ab [bad-regex]"},
    {"regex-matches-empty",
     "<policy name=\"p\">\n  <pattern id=\"x\" exemption=\"B6\" regex=\"a*\"/>\n</policy>\n",
     "policy.xml:2:41: error: the pattern matches the empty string, so it would redact nothing or "
     "everything [empty-match]"},
    {"bad-exemption",
     "<policy name=\"p\">\n  <rule id=\"r\"><withhold exemption=\"B10\"/></rule>\n</policy>\n",
     "policy.xml:2:37: error: unknown exemption 'B10'; expected B1-B9, B7(A)-B7(F) "
     "[bad-exemption]"},
    {"b3-without-statute",
     "<policy name=\"p\">\n  <rule id=\"r\"><withhold exemption=\"B3\"/></rule>\n</policy>\n",
     "policy.xml:2:37: error: B3 needs the statute named in 'statute' (e.g. statute=\"INA "
     "222(f)\") [b3-without-statute]"},
    {"reasons-without-b1",
     "<policy name=\"p\">\n  <rule id=\"r\"><withhold exemption=\"B6\" "
     "reasons=\"b\"/></rule>\n</policy>\n",
     "policy.xml:2:41: error: 'reasons' is only for the B1 exemption [reasons-without-b1]"},
    {"bad-reasons",
     "<policy name=\"p\">\n  <rule id=\"r\"><withhold exemption=\"B1\" "
     "reasons=\"1.4(z)\"/></rule>\n</policy>\n",
     "policy.xml:2:50: error: bad reasons '1.4(z)'; expected \"from-cable\" or 1.4 letters a-h "
     "such as \"b d\" [bad-reasons]"},
    {"duplicate-id",
     "<policy name=\"p\">\n  <rule id=\"r\"><release/></rule>\n  <rule "
     "id=\"r\"><withhold/></rule>\n</policy>\n",
     "policy.xml:3:13: error: the id 'r' is already defined at policy.xml:2:3 [duplicate-id]"},
    {"unknown-list",
     "<policy name=\"p\">\n  <rule id=\"r\"><redact lists=\"nobody\" "
     "exemption=\"B6\"/></rule>\n</policy>\n",
     "policy.xml:2:31: error: no term list or pattern has the id 'nobody' [unknown-list]"},
    {"omit-content",
     "<policy name=\"p\">\n  <rule id=\"r\"><when><kind "
     "is=\"paragraph\"/></when><omit/></rule>\n</policy>\n",
     "policy.xml:2:51: error: omit is only for material that is not part of the record: put <kind "
     "is=\"...\"/> directly in <when>, naming only preamble, notice or page-break [omit-content]"},
    {"omit-unrestricted", "<policy name=\"p\">\n  <rule id=\"r\"><omit/></rule>\n</policy>\n",
     "policy.xml:2:16: error: omit is only for material that is not part of the record: put <kind "
     "is=\"...\"/> directly in <when>, naming only preamble, notice or page-break [omit-content]"},
    {"bad-date",
     "<policy name=\"p\">\n  <rule id=\"r\"><when><created "
     "before=\"2007-02-30\"/></when><release/></rule>\n</policy>\n",
     "policy.xml:2:39: error: bad date '2007-02-30'; expected YYYY-MM-DD [bad-date]"},
    {"bad-default", "<policy name=\"p\">\n  <settings default=\"redact\"/>\n</policy>\n",
     "policy.xml:2:22: error: bad default 'redact'; expected withhold or release [bad-value]"},
    {"bad-placeholder", "<policy name=\"p\">\n  <settings placeholder=\"big\"/>\n</policy>\n",
     "policy.xml:2:26: error: bad placeholder 'big'; expected proportional, quantized or fixed "
     "[bad-value]"},
    {"empty-any",
     "<policy name=\"p\">\n  <rule id=\"r\"><when><any/></when><release/></rule>\n</policy>\n",
     "policy.xml:2:22: error: <any> holds no condition [empty-condition]"},
    {"not-two-children",
     "<policy name=\"p\">\n  <rule "
     "id=\"r\"><when><not><declassified/><repeated/></not></when><release/></rule>\n</policy>\n",
     "policy.xml:2:22: error: <not> holds exactly one condition (use <not><any>...</any></not>) "
     "[bad-not]"},
    {"doctype", "<!DOCTYPE policy [<!ENTITY x \"y\">]>\n<policy name=\"p\"/>\n",
     "policy.xml:1:1: error: a document type declaration (<!DOCTYPE>) is not allowed in a policy "
     "[xml-doctype]"},
    {"unknown-entity",
     "<policy name=\"p\">\n  <rule "
     "id=\"r\"><release/><justification>&x;</justification></rule>\n</policy>\n",
     "policy.xml:2:41: error: unknown entity '&x;': only &lt; &gt; &amp; &apos; &quot; and "
     "character references are allowed [xml-entity]"},
    {"redact-list-without-exemption",
     "<policy name=\"p\">\n  <terms id=\"t\"><term>a</term></terms>\n  <rule id=\"r\"><redact "
     "lists=\"t\"/></rule>\n</policy>\n",
     "policy.xml:3:31: error: rule 'r' redacts list 't', which has no exemption; give one on the "
     "list or on <redact> [missing-exemption]"},
    {"bad-case",
     "<policy name=\"p\">\n  <terms id=\"t\" case=\"upper\"><term>a</term></terms>\n</policy>\n",
     "policy.xml:2:23: error: bad case 'upper'; expected sensitive or insensitive [bad-value]"},
    {"empty-term",
     "<policy name=\"p\">\n  <terms id=\"t\">\n    <term>  </term>\n  </terms>\n</policy>\n",
     "policy.xml:3:5: error: empty <term> [empty-term]"},
    {"bad-group",
     "<policy name=\"p\">\n  <pattern id=\"x\" exemption=\"B6\" regex=\"a(b)\" "
     "group=\"2\"/>\n</policy>\n",
     "policy.xml:2:54: error: group 2 does not exist; the pattern has 1 [bad-value]"},
    {"invalid-utf8", "<policy name=\"p\">\n  <rule id=\"\xC3(\"/>\n</policy>\n",
     "policy.xml:2:13: error: invalid UTF-8: policies must be UTF-8 [policy-encoding]"},
    {"bad-id", "<policy name=\"p\">\n  <rule id=\"a b\"><release/></rule>\n</policy>\n",
     "policy.xml:2:13: error: bad id 'a b'; use letters, digits, '-', '_' and '.' [bad-id]"},
    {"text-in-policy", "<policy name=\"p\">\n  hello\n</policy>\n",
     "policy.xml:2:3: error: unexpected text inside <policy> [unexpected-text]"},
    {"bad-control",
     "<policy name=\"p\">\n  <rule id=\"r\"><when><controls any=\"NOFORN "
     "SECRETISH\"/></when><withhold/></rule>\n</policy>\n",
     "policy.xml:2:44: error: unknown control 'SECRETISH'; expected NOFORN, REL-TO, ORCON, PROPIN, "
     "RELIDO, FGI, SBU, FOUO, EXDIS, NODIS, LIMDIS, STADIS or EFTO [bad-value]"},
    {"bad-declass-kind",
     "<policy name=\"p\">\n  <rule id=\"r\"><when><declass "
     "kind=\"soon\"/></when><withhold/></rule>\n</policy>\n",
     "policy.xml:2:37: error: unknown declassification kind 'soon'; expected date, na, exemption, "
     "oadr, mr, duration, event, declassified, downgrade, gds, unknown or missing [bad-value]"},
    {"bad-age",
     "<policy name=\"p\">\n  <rule id=\"r\"><when><age "
     "at-least=\"-3\"/></when><release/></rule>\n</policy>\n",
     "policy.xml:2:37: error: bad at-least '-3'; expected a whole number from 0 to 1000 "
     "[bad-value]"},
    {"settings-twice", "<policy name=\"p\">\n  <settings/>\n  <settings/>\n</policy>\n",
     "policy.xml:3:3: error: a second <settings> [duplicate-settings]"},
    {"unicode-column", "<policy name=\"pé\" bogus=\"1\">\n</policy>\n",
     "policy.xml:1:19: error: unknown attribute 'bogus' on <policy>; expected one of: name, "
     "version [unknown-attribute]"},
    {"files-disabled", "<policy name=\"p\">\n  <include href=\"other.xml\"/>\n</policy>\n",
     "policy.xml:2:3: error: includes are not allowed here [files-disabled]"},
};

TEST(LoaderErrors, EveryKindIsPositioned) {
  std::set<std::string> codes;
  for (const auto& c : kBad) {
    auto r = load_policy_text("policy.xml", c.xml, LoadOptions{false});
    EXPECT_FALSE(r.ok()) << c.name;
    ASSERT_FALSE(r.diagnostics.empty()) << c.name;
    EXPECT_EQ(r.diagnostics.front().format(), c.expected) << c.name;
    for (const auto& d : r.diagnostics) {
      EXPECT_GT(d.line, 0u) << c.name << ": " << d.format();
      EXPECT_GT(d.column, 0u) << c.name << ": " << d.format();
    }
    codes.insert(r.diagnostics.front().code);
  }
  EXPECT_GE(codes.size(), 20u);
}

}  // namespace
}  // namespace declass::policies
