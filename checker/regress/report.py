"""Reporters for a regression run: terminal table, JSON, JUnit XML, Markdown."""
import json
import xml.etree.ElementTree as ET

from .run import as_dicts


def _pct(value):
    return "-" if value is None else f"{100 * value:.1f}%"


_GROUPS = (("category", "by_category"), ("family", "by_family"), ("topic", "by_topic"), ("edition", "by_edition"))


def _rows(summary):
    rows = [("overall", summary["overall"])]
    for label, key in _GROUPS:
        rows += [(f"{label} {k}", v) for k, v in summary.get(key, {}).items()]
    return rows


_HEAD = ("scope", "items", "addressed", "agree", "agreement", "balanced acc.", "strict bal. acc.", "overturns found",
         "citation", "reason")


def _cells(name, s):
    return (name, str(s["items"]), f"{s['addressed']} ({_pct(s['addressed_share'])})", str(s["agree"]),
            _pct(s["agreement"]), _pct(s["balanced_accuracy"]), _pct(s["strict_balanced_accuracy"]),
            f"{s['overturns_found']}/{s['overturned']}", f"{s['citation_matches']}/{s['citations_compared']}",
            f"{s['reasons_found']}/{s['reasons_compared']}")


def _confusion(s):
    c = s["confusion"]
    return ["confusion (real \\ engine):   upheld  overturned  not addressed",
            *(f"  {real:12} {c[real]['upheld']:14} {c[real]['overturned']:11} {c[real]['not_addressed']:14}"
              for real in ("upheld", "overturned"))]


def render_text(results, summary, changed, errors):
    rows = [_HEAD] + [_cells(n, s) for n, s in _rows(summary)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_HEAD))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines += [""] + _confusion(summary["overall"])
    disagreements = [r for r in results if r.addressed and not r.agrees]
    if disagreements:
        lines += ["", "disagreements:"]
        lines += [f"  {r.key}: real {r.real}, engine {r.engine} ({r.determination}, {r.grounds}; {r.topic})"
                  for r in disagreements]
    missing = [r for r in results if not r.addressed]
    if missing:
        lines += ["", "not addressed by the library (not counted as disagreements):"]
        lines += [f"  {r.key}: {r.description}" for r in missing]
    if changed:
        lines += ["", "changed since the baseline:"] + [f"  {k}: {a} -> {b}" for k, a, b in changed]
    if errors:
        lines += ["", "cases that could not be read:"] + [f"  {e}" for _, e in errors]
    return "\n".join(lines) + "\n"


def render_md(results, summary, changed, errors):
    lines = ["| " + " | ".join(_HEAD) + " |", "|" + "---|" * len(_HEAD)]
    lines += ["| " + " | ".join(_cells(n, s)) + " |" for n, s in _rows(summary)]
    lines += ["", "```"] + _confusion(summary["overall"]) + ["```"]
    disagreements = [r for r in results if r.addressed and not r.agrees]
    if disagreements:
        lines += ["", "Disagreements:", ""] + [f"- `{r.key}`: real {r.real}, engine {r.engine} ({r.topic})"
                                               for r in disagreements]
    if changed:
        lines += ["", "Changed since the baseline:", ""] + [f"- `{k}`: {a} → {b}" for k, a, b in changed]
    if errors:
        lines += ["", "Unreadable cases:", ""] + [f"- {e}" for _, e in errors]
    return "\n".join(lines) + "\n"


def render_json(results, summary, changed, errors):
    return json.dumps({"summary": summary, "items": as_dicts(results),
                       "changed": [{"item": k, "before": a, "now": b} for k, a, b in changed],
                       "errors": [e for _, e in errors]}, indent=2, sort_keys=True) + "\n"


def render_junit(results, summary, changed, errors):
    suite = ET.Element("testsuite", name="mtus-check regress", tests=str(len(results) + len(errors)),
                       failures=str(sum(1 for r in results if r.addressed and not r.agrees)),
                       errors=str(len(errors)), skipped=str(sum(1 for r in results if not r.addressed)))
    for r in results:
        case = ET.SubElement(suite, "testcase", classname=r.case, name=f"{r.item_id}: {r.description}")
        if not r.addressed:
            ET.SubElement(case, "skipped", message="not addressed by the rule library")
        elif not r.agrees:
            ET.SubElement(case, "failure", message=f"real {r.real}, engine {r.engine}").text = (
                f"determination {r.determination}; topic {r.topic}; failing criteria: {', '.join(r.failing) or 'none'}")
    for path, err in errors:
        ET.SubElement(ET.SubElement(suite, "testcase", classname=path, name="load"), "error", message=err)
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


REPORTERS = {"text": render_text, "md": render_md, "json": render_json, "junit": render_junit}
