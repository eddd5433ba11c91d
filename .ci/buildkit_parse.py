"""BuildKit's own parser as a line-oriented service for the oracle tests
(tests/integration/oracle.rs).

Reads one JSON object per line on stdin, `{"text": "<Dockerfile>"}`, and answers with one
JSON line: `{"ok": [instruction, ...]}` or `{"error": "<parser message>"}`. (BuildKit's build
checks come from BuildKit itself: `bklint`, tests/integration/common/bklint.rs.) Each instruction
is what the PyPI package `dockerfile` (a wrapper of BuildKit's Go parser) returns: keyword,
flags, json, value, heredoc bodies; an argument text that starts with a JSON array is read
as BuildKit reads it today (`tests/oracle/buildkit_json.py`). The wrapper reports neither the flags nor the heredocs of
an instruction inside `ONBUILD`, so the inner instruction is parsed again on its own (its
physical lines, after the file's parser directives) and returned as `inner`.

One long-lived process serves a whole test run: starting Python and the Go runtime once per
Dockerfile would cost more than the parsing.
"""

import json
import os
import re
import sys

import dockerfile

# The reading of JSON arguments BuildKit has today, shared with tests/oracle/same_meaning.py.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "oracle"))
from buildkit_json import modern  # noqa: E402

# BuildKit's `reDirective` (frontend/dockerfile/parser/directives.go).
DIRECTIVE = re.compile(r"^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$")
ONBUILD = re.compile(r"^[ \t]*onbuild[ \t]+", re.IGNORECASE)


def directives(lines):
    """The parser-directive lines at the top of the file."""
    out = []
    for line in lines:
        if not DIRECTIVE.match(line.rstrip("\r")):
            break
        out.append(line)
    return out


def command(c):
    return {
        "cmd": c.cmd.upper(),
        "sub_cmd": c.sub_cmd.upper() if c.sub_cmd else None,
        "json": c.json,
        "flags": list(c.flags),
        "value": list(c.value),
        "heredocs": [h.content for h in c.heredocs],
    }


def parse(text):
    lines = text.split("\n")
    head = directives(lines)
    esc = "\\"
    for line in head:
        m = DIRECTIVE.match(line.rstrip("\r"))
        if m.group(1).lower() == "escape":
            esc = m.group(2)
    out = []
    commands = [modern(c, esc) for c in dockerfile.parse_string(text)]
    for c in commands:
        item = command(c)
        if item["cmd"] == "ONBUILD":
            own = lines[c.start_line - 1 : c.end_line]
            own[0] = ONBUILD.sub("", own[0], count=1)
            inner = dockerfile.parse_string("\n".join(head + ["FROM scratch"] + own) + "\n")
            if len(inner) != 2:
                raise ValueError(f"ONBUILD at line {c.start_line} holds {len(inner) - 1} instructions")
            item["inner"] = command(modern(inner[1], esc))
        out.append(item)
    return {"ok": out}


def main():
    for line in sys.stdin:
        try:
            request = json.loads(line)
            answer = parse(request["text"])
        except (dockerfile.GoParseError, ValueError) as e:
            answer = {"error": str(e)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
