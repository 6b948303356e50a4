#!/bin/bash
# Validate the tool's JSON documents against their schemas (docs/schema/,
# written from docs/json.md) with Debian's python3-jsonschema.
#   scripts/json-check.sh [--install] [DIR]
# DIR (default $PTWALK_OUT/demo, what `make demo` brings back: the demo's
# step-N.json and json/, one document per command) is searched for *.json;
# each is validated against docs/schema/COMMAND.schema.json, COMMAND being
# its "command" member. Every kind must be there at least once: info, maps,
# walk, whatis, kernel, sharing, tables, alloc, frames, html (also the
# document an explorer page embeds), trace (JSON lines: *.jsonl, every
# line a document), trace-page (the document a trace page embeds),
# demo-step. The module's names (flags, cache types, non-present kinds,
# kernel regions) are checked against their one definition, the tables of
# include/ptwalk/format.h, which the schemas name instead of listing them
# again. First, broken copies of a real maps document must be rejected, or
# the check itself is broken.
#   --install  apt-get install python3-jsonschema first if missing (root)
# Prints one line per document. Exit 0 all valid, 1 an invalid or missing
# document (or a check that accepts a broken one), 4 the validator is
# missing and could not be installed (the caller decides whether that is
# a skip).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

install=0
while [ $# -gt 0 ]; do
	case $1 in
	--install) install=1 ;;
	-h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) die "json-check: unknown option $1" ;;
	*) break ;;
	esac
	shift
done
[ $# -le 1 ] || die "json-check: at most one DIR"
dir=${1:-$PTWALK_OUT/demo}
schemas=$PTWALK_TOP/docs/schema

# Debian's interpreter: python3-jsonschema installs for it, not for another
# python3 that may come first in PATH. PYTHON overrides.
py=${PYTHON:-/usr/bin/python3}
have_validator() {
	"$py" -c 'import jsonschema; jsonschema.Draft202012Validator' 2>/dev/null
}
if ! have_validator && [ $install = 1 ]; then
	apt_install json-check python3-jsonschema
fi
have_validator || { log "json-check: python3-jsonschema is not installed (for $py)"; exit 4; }

[ -d "$dir" ] || die "json-check: no directory $dir (run make demo)"
mapfile -t files < <(cd "$dir" && find . \( -name '*.json' -o -name '*.jsonl' -o -name '*.html' \) -type f |
	sed 's|^\./||' | sort)
[ ${#files[@]} -gt 0 ] || die "json-check: no JSON documents in $dir"

# The driver: jsonschema's Draft202012Validator does the validating; this
# only picks each document's schema, loads the $ref'd schema files and
# prints the outcome.
cd "$dir" || exit 1
"$py" - "$schemas" "$PTWALK_TOP/include/ptwalk/format.h" "${files[@]}" <<'EOF'
import copy, json, os, re, sys, warnings
from importlib.metadata import version
import jsonschema
from jsonschema import Draft202012Validator, RefResolver, exceptions

warnings.simplefilter("ignore", DeprecationWarning)  # RefResolver, in jsonschema >= 4.18
schema_dir, format_h, files = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3:]
REQUIRED = ["info", "maps", "walk", "whatis", "kernel", "sharing", "tables", "alloc",
            "frames", "html", "trace", "trace-page", "demo-step"]
DATA_OPEN = '<script id="ptwalk-data" type="application/json">'
store = {}
for name in sorted(os.listdir(schema_dir)):
    if name.endswith(".schema.json"):
        with open(os.path.join(schema_dir, name)) as f:
            store["file://" + os.path.join(schema_dir, name)] = json.load(f)

# The names the module prints are defined once, in the format header: the
# schema says where, and the check validates against the header's lists.
def header_names(macro):
    """The strings of a name table #define (PTW_FLAG_NAMES...) in format.h."""
    with open(format_h) as f:
        m = re.search(r"^#define %s\b((?:.*\\\n)*.*)$" % macro, f.read(), re.M)
    found = re.findall(r'=\s*"([^"]+)"', m.group(1)) if m else []
    if not found:
        sys.exit("json schema: no %s in %s" % (macro, format_h))
    return found
common = store["file://" + os.path.join(schema_dir, "common.schema.json")]["$defs"]
common["flagName"]["enum"] = header_names("PTW_FLAG_NAMES")
common["cache"]["enum"] = header_names("PTW_CACHE_NAMES")
common["nonpresentKind"]["enum"] = header_names("PTW_NP_NAMES")
common["kernelRegion"]["enum"] = [n for n in header_names("PTW_REGION_NAMES")
                                  if n not in ("user", "non-canonical")]
for uri, schema in store.items():
    Draft202012Validator.check_schema(schema)

def errors(doc):
    """The validator's errors for doc, against the schema its command names."""
    if not isinstance(doc, dict) or not isinstance(doc.get("command"), str):
        return ["$: not an object with a string \"command\" member"]
    uri = "file://" + os.path.join(schema_dir, doc["command"] + ".schema.json")
    if uri not in store:
        return ["$.command: no schema %s.schema.json for command %r" % (doc["command"], doc["command"])]
    v = Draft202012Validator(store[uri], resolver=RefResolver(uri, store[uri], store=store))
    errs = sorted(v.iter_errors(doc), key=exceptions.relevance)
    return ["%s: %s" % (e.json_path if hasattr(e, "json_path") else
                        "$" + "".join("[%r]" % p for p in e.absolute_path),
                        e.message if len(e.message) < 300 else e.message[:300] + "...")
            for e in errs]

def load(path):
    """A JSON file, or the document an explorer page (.html) embeds."""
    try:
        with open(path) as f:
            if not path.endswith(".html") and not path.endswith(".jsonl"):
                return json.load(f), None
            text = f.read()
        if path.endswith(".jsonl"):
            return [json.loads(line) for line in text.splitlines()], None
        start = text.find(DATA_OPEN)
        end = text.find("</script>", start)
        if start < 0 or end < 0:
            return None, "no ptwalk-data script in the page"
        return json.loads(text[start + len(DATA_OPEN):end]), None
    except (OSError, ValueError) as e:
        return None, "not JSON: %s" % e

print("json schema: jsonschema %s (%s), schemas in %s" % (version("jsonschema"),
      os.path.dirname(jsonschema.__file__), schema_dir), flush=True)
failed = False
docs = {path: load(path) for path in files}

# The check must be able to fail: broken copies of a real maps document.
maps = [p for p in files if isinstance(docs[p][0], dict) and docs[p][0].get("command") == "maps"]
maps.sort(key=lambda p: os.path.basename(p) != "maps.json")
real = next((p for p in maps if not errors(docs[p][0])), None)
if real is None:
    print("json schema: SELF-TEST FAILED: no valid maps document to break")
    failed = True
else:
    def version1(d): d["ptwalk_json"] = 1
    def pa_number(d):
        run = next(r for v in d["vma"] for r in v["run"] if "pa" in r)
        run["pa"] = int(run["pa"], 16)
    def bad_flag(d):
        run = next(r for v in d["vma"] for r in v["run"])
        run["flags"] = run["flags"] + ["presnt"]
    def bad_cache(d):
        run = next(r for v in d["vma"] for r in v["run"])
        run["cache"] = "WX"
    def no_vmas(d): del d["vma"]
    for what, mutate in [("ptwalk_json 1", version1), ("a run's pa a number", pa_number),
                         ("a flag 'presnt'", bad_flag), ("a cache type 'WX'", bad_cache),
                         ("no vmas", no_vmas)]:
        broken = copy.deepcopy(docs[real][0])
        try:
            mutate(broken)
        except StopIteration:
            print("json schema: SELF-TEST FAILED: %s has no run to break (%s)" % (real, what))
            failed = True
            continue
        errs = errors(broken)
        if errs:
            print("json schema: self-test: %s with %s: rejected (%s)" % (real, what, errs[0]))
        else:
            print("json schema: SELF-TEST FAILED: %s with %s was accepted" % (real, what))
            failed = True

kinds = {}
for path in files:
    doc, err = docs[path]
    if isinstance(doc, list):
        # JSON lines: each line a document; the file is valid when all are.
        errs = [err] if err else [] if doc else ["$: no line"]
        for i, line in enumerate(doc):
            errs += ["line %d: %s" % (i + 1, e) for e in errors(line)]
        doc = doc[0] if doc else None
    else:
        errs = [err] if err else errors(doc)
    if isinstance(doc, dict) and isinstance(doc.get("command"), str):
        kinds[doc["command"]] = kinds.get(doc["command"], 0) + 1
    if not errs:
        print("json schema: %s: valid (%s)" % (path, doc["command"]))
        continue
    failed = True
    print("json schema: %s: INVALID: %s" % (path, errs[0]))
    for e in errs[1:5]:
        print("    also: %s" % e)
    if len(errs) > 5:
        print("    ... %d errors in all" % len(errs))
for kind in REQUIRED:
    if kind not in kinds:
        print("json schema: MISSING: no %s document" % kind)
        failed = True
print("json schema: %d documents, %s" % (len(files), ", ".join(
      "%s %d" % (k, kinds[k]) for k in sorted(kinds))))
sys.exit(1 if failed else 0)
EOF
rc=$?
[ $rc -le 1 ] || { log "json-check: the validator failed (status $rc)"; rc=1; }
if [ $rc = 0 ]; then
	log "json-check: all documents valid"
else
	log "json-check: FAILED"
fi
exit $rc
