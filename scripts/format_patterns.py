"""Rewrite models/relation_patterns.json in its reviewable layout: one named set and one pattern
node per line.

python scripts/format_patterns.py
"""

import json
from pathlib import Path

PATTERNS = Path(__file__).resolve().parent.parent / "models" / "relation_patterns.json"


def entries(name: str, items: dict, render) -> list[str]:
    """A JSON object of `items` at the top level of the file, each item rendered by `render`."""
    lines = [f"  {json.dumps(name)}: {{"]
    for n, (key, value) in enumerate(items.items()):
        comma = "," if n < len(items) - 1 else ""
        lines.append(f"    {json.dumps(key)}: {render(value)}{comma}")
    lines.append("  }")
    return lines


def nodes(pattern: list[dict]) -> str:
    body = [f"      {json.dumps(node, ensure_ascii=False)}" for node in pattern]
    return "[\n" + ",\n".join(body) + "\n    ]"


def words(values: list[str]) -> str:
    return json.dumps(values, ensure_ascii=False)


def dump(table: dict) -> str:
    lines = ["{", f'  "_comment": {json.dumps(table["_comment"], ensure_ascii=False)},']
    sets = entries("sets", table.get("sets", {}), words)
    sets[-1] += ","
    lines += sets + entries("patterns", table["patterns"], nodes) + ["}"]
    return "\n".join(lines) + "\n"


def main() -> None:
    table = json.loads(PATTERNS.read_text(encoding="utf-8"))
    PATTERNS.write_text(dump(table), encoding="utf-8")


if __name__ == "__main__":
    main()
