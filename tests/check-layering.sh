#!/bin/sh
# Enforces the one-way flow reader -> model -> engine -> renderer (design.md):
# core knows nothing of policies, rendering, XML, regexes, PDF or JSON; policies
# and render know only core; only render/src/pdf_*.cpp touches PoDoFo; the
# writers' headers never see the document type.
root=${1:-.}
cd "$root" || exit 2
fail=0
check() {  # check <description> <grep -E pattern> <paths...>
  desc=$1; pat=$2; shift 2
  hits=$(grep -rnE "$pat" "$@" 2>/dev/null)
  if [ -n "$hits" ]; then
    echo "layering violation: $desc"
    echo "$hits"
    fail=1
  fi
}
inc='^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]'
check "core includes another module or a format library" \
  "$inc(declass/(policies|render|app)|pugixml|re2/|podofo|nlohmann|CLI/)" core
check "policies includes render, the app, PoDoFo or JSON" \
  "$inc(declass/(render|app)|podofo|nlohmann|CLI/)" policies
check "render includes policies, the app, pugixml or RE2" \
  "$inc(declass/(policies|app)|pugixml|re2/|CLI/)" render
pdf_other=$(grep -rlE "${inc}podofo" render 2>/dev/null | grep -vE '^render/src/pdf_[a-z_]*\.(cpp|h)$')
if [ -n "$pdf_other" ]; then
  echo "layering violation: PoDoFo included outside render/src/pdf_*.cpp:"
  echo "$pdf_other"
  fail=1
fi
# Writers see only the ReleaseView: no writer header may include the document model.
for h in render/include/declass/render/*.h; do
  [ -e "$h" ] || continue
  case "$h" in */release_builder.h|*/verify.h) continue ;; esac
  if grep -qE "${inc}declass/core/document\.h" "$h"; then
    echo "layering violation: writer header $h includes declass/core/document.h"
    fail=1
  fi
done
[ $fail -eq 0 ] && echo "layering ok"
exit $fail
