"""Rewrite models/relation_patterns.json in its reviewable layout: one pattern node per line.

python scripts/format_patterns.py
"""

import json
from pathlib import Path

PATTERNS = Path(__file__).resolve().parent.parent / "models" / "relation_patterns.json"


def dump(table: dict) -> str:
    lines = ["{", f'  "_comment": {json.dumps(table["_comment"], ensure_ascii=False)},']
    lines.append('  "patterns": {')
    patterns = list(table["patterns"].items())
    for n, (name, nodes) in enumerate(patterns):
        lines.append(f"    {json.dumps(name)}: [")
        body = [f"      {json.dumps(node, ensure_ascii=False)}" for node in nodes]
        lines.append(",\n".join(body))
        lines.append("    ]" + ("," if n < len(patterns) - 1 else ""))
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


def main() -> None:
    table = json.loads(PATTERNS.read_text(encoding="utf-8"))
    PATTERNS.write_text(dump(table), encoding="utf-8")


if __name__ == "__main__":
    main()
