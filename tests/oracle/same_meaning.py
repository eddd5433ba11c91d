"""Whether two Dockerfiles mean the same to BuildKit's parser.

Reads JSON from stdin: a list of {"name", "original", "formatted"} (file paths). Both files
are parsed with the PyPI `dockerfile` package (BuildKit's Go parser; JSON arguments read as
BuildKit reads them today, `buildkit_json.py`), each instruction is
reduced to what BuildKit then acts on, and the two lists are compared. Prints one JSON line
per file: {"name", "same", "detail"}.

What is normalised, on both sides, is exactly what the canonical form changes on purpose
(see the crate documentation, "Reading Dockerfiles"):
- keyword case; `AS` case; stage names lower-cased; a stage without a name gets one
  (`stage-N`), so names are compared only where the original has one;
- stage references (`--from`, mount `from`, `FROM <stage>`) by stage position, so `--from=0`
  and `--from=builder` are the same reference;
- quotes and escapes of words (BuildKit's lexer removes them; `$` is kept);
- `ENV`/`LABEL` legacy `key value` form vs `key=value`; `MAINTAINER x` vs
  `LABEL org.opencontainers.image.authors=x`; several `ARG`s on one line vs one per line;
- JSON vs whitespace-separated form of COPY/ADD/VOLUME paths;
- flag order, `--flag` vs `--flag=true`, absent vs `=false` for boolean flags, octal modes,
  Go durations, mount option spellings and defaults (`dst`/`destination`/`target`,
  `src`/`source`, `ro`/`readonly`, `rw`/`readwrite`, `type=bind`, a secret's default id,
  tmpfs sizes in bytes);
- heredoc delimiters and quoting style (only whether the body is substituted counts),
  `<<-` (leading tabs stripped from the body), and a RUN that is only a heredoc
  (its body is the script);
- `EXPOSE 80/tcp` vs `80`, protocol case;
- comments, blank lines, line continuations (BuildKit joins them before reading).
"""

import json
import os
import re
import sys

import dockerfile

from buildkit_json import modern

DIRECTIVE = re.compile(r"^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$")


def escape_of(text):
    esc = "\\"
    for line in text.lstrip("\ufeff").split("\n"):
        m = DIRECTIVE.match(line.strip())
        if not m or m.group(1).lower() not in ("syntax", "escape", "check"):
            break
        if m.group(1).lower() == "escape":
            esc = m.group(2)
    return esc


def unquote(word, esc):
    """BuildKit's lexer quote removal, without substitution; each variable braced first, so
    that a name a quote ends stays the name it is (`"$a2"g` is `${a2}g`, not `$a2g`)."""
    return unquote_text(braced(word, esc), esc)


def unquote_text(word, esc):
    """The quote removal alone."""
    out = []
    i = 0
    if word.startswith("\ufeff"):
        word = word[1:]
    while i < len(word):
        c = word[i]
        if c == "'":
            j = word.find("'", i + 1)
            if j < 0:
                return ("UNTERMINATED", word)
            out.append(word[i + 1 : j])
            i = j + 1
        elif c == '"':
            i += 1
            while i < len(word) and word[i] != '"':
                if word[i] == esc and i + 1 < len(word) and word[i + 1] in ('"', "$", esc):
                    out.append(word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            i += 1
        elif c == esc:
            if i + 1 < len(word):
                out.append(word[i + 1])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def braced(word, esc):
    """Each `$NAME` written `${NAME}`, so that taking quotes and escapes off cannot join a
    name with what follows it (`"a:$V"0` is `a:` V `0`); the formatter writes it so."""
    out = []
    i = 0
    while i < len(word):
        c = word[i]
        if c == "'":
            j = word.find("'", i + 1)
            j = len(word) if j < 0 else j + 1
            out.append(word[i:j])
            i = j
        elif c == esc:
            out.append(word[i : i + 2])
            i += 2
        elif c == "$" and word[i + 1 : i + 2] == "{":
            depth = 0
            j = i + 1
            while j < len(word):
                if word[j] == "{":
                    depth += 1
                elif word[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            out.append(word[i : j + 1])
            i = j + 1
        elif c == "$" and i + 1 < len(word) and word[i + 1] in "@*#?-$!":
            out.append(word[i : i + 2])
            i += 2
        elif c == "$" and i + 1 < len(word) and word[i + 1].isdigit():
            j = i + 1
            while j < len(word) and word[j].isdigit():
                j += 1
            out.append("${" + word[i + 1 : j] + "}")
            i = j
        elif c == "$" and i + 1 < len(word) and (word[i + 1].isalpha() or word[i + 1] == "_"):
            j = i + 1
            while j < len(word) and (word[j].isalnum() or word[j] == "_"):
                j += 1
            out.append("${" + word[i + 1 : j] + "}")
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


HEREDOC = re.compile(r"^(\d*)<<(-?)([^<]*)$")


def heredoc_word(word):
    m = HEREDOC.match(word)
    if not m or not m.group(3):
        return None
    rest = m.group(3)
    name = unquote(rest, "\\")
    quoted = any(q in rest for q in "'\"")
    return (name, not quoted, m.group(2) == "-")


def chomp(content):
    return "".join(line.lstrip("\t") for line in content.splitlines(keepends=True))


def parse_bool(v):
    """Go's strconv.ParseBool, as a mount option reads a value (`ro=1`)."""
    return v in ("1", "t", "T", "true", "TRUE", "True")


def flag_bool(v):
    """A boolean flag as BuildKit's BFlags reads it: `true` in any case (`t` is refused)."""
    return v.lower() == "true"


def duration_ns(s):
    if s == "0":
        return 0
    units = {"ns": 1, "us": 1e3, "µs": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9}
    total = 0.0
    for num, unit in re.findall(r"([0-9.]+)([a-zµμ]+)", s):
        total += float(num) * units[unit]
    return round(total)


def ram_bytes(s):
    m = re.match(r"^([0-9.]+)\s*([kmgtp]?)i?b?$", s.lower())
    if not m:
        return s
    mult = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50}[m.group(2)]
    return int(float(m.group(1)) * mult)


def csv_fields(s):
    import csv

    return next(csv.reader([s]))


class Stages:
    """Stage names in file order, for resolving references by position. A `FROM` word is
    looked up among the stages before it (BuildKit resolves a base as it adds the stage);
    `--from` and a mount's `from` among all the stages of the file, the last of a name
    winning (BuildKit resolves them once every stage is added: `statesByName`)."""

    def __init__(self, all_names):
        self.names = []
        self.all_names = all_names

    def ref(self, x):
        return self._ref(x, self.names)

    def ref_any(self, x):
        return self._ref(x, self.all_names)

    @staticmethod
    def _ref(x, names):
        if x.isdigit():
            return ("stage", int(x))
        low = x.lower()
        for i in range(len(names) - 1, -1, -1):
            if names[i] == low:
                return ("stage", i)
        return ("external", x)


# String flags BuildKit reads as unset when they are given empty (`--from=`).
EMPTY_IS_UNSET = {
    "from", "chown", "chmod", "checksum", "platform",
    "interval", "timeout", "start-period", "start-interval", "retries",
}


def flags_of(cmd):
    out = {}
    for f in cmd.flags:
        body = f[2:]
        k, eq, v = body.partition("=")
        if eq and v == "" and k in EMPTY_IS_UNSET:
            continue
        out.setdefault(k, []).append(v if eq else None)
    return out


def mount(value, stages):
    opts = {}
    for field in csv_fields(value):
        k, eq, v = field.partition("=")
        k = k.lower()
        k = {"dst": "target", "destination": "target", "src": "source", "readonly": "ro"}.get(k, k)
        if k in ("rw", "readwrite"):
            opts["ro"] = not (parse_bool(v) if eq else True)
            continue
        if k in ("ro", "required"):
            opts[k] = parse_bool(v) if eq else True
            continue
        opts[k] = v
    typ = opts.get("type", "bind")
    opts["type"] = typ
    if typ == "bind":
        opts.setdefault("ro", True)
    else:
        opts.setdefault("ro", False)
    opts.setdefault("required", False)
    if opts.get("from") == "":
        del opts["from"]  # `from=` is unset
    if "from" in opts:
        opts["from"] = stages.ref_any(opts["from"])
    if "mode" in opts:
        opts["mode"] = int(opts["mode"], 8)
    for k in ("uid", "gid"):
        if k in opts:
            opts[k] = int(opts[k])
    if "size" in opts:
        opts["size"] = ram_bytes(opts["size"])
    if typ == "secret":
        sid = opts.pop("id", None) or opts.pop("source", None)
        if sid is None:
            sid = opts.get("target", "").rsplit("/", 1)[-1]
        opts["id"] = sid
    return sorted(opts.items(), key=lambda kv: kv[0])


def words_unquoted(values, esc):
    return [unquote(v, esc) for v in values]


def norm(cmd, esc, stages):
    """One instruction reduced to what BuildKit acts on."""
    kw = cmd.cmd.lower()
    flags = flags_of(cmd)
    v = list(cmd.value)
    if kw == "from":
        image = unquote(v[0], esc)
        name = v[2].lower() if len(v) == 3 else None
        base = stages.ref(image) if image.lower() != "scratch" else ("scratch",)
        stages.names.append(name)
        return ("from", flags.get("platform"), base, name)
    if kw == "maintainer":
        return ("label", [("org.opencontainers.image.authors", v[0])])
    if kw in ("env", "label"):
        pairs = [(unquote(v[i], esc), unquote(v[i + 1], esc)) for i in range(0, len(v), 2)]
        return (kw, pairs)
    if kw == "arg":
        out = []
        for w in v:
            k, eq, d = w.partition("=")
            out.append((unquote(k, esc), unquote(d, esc) if eq else None))
        return ("arg", out)
    if kw == "onbuild":
        inner = cmd.original.split(None, 1)[1]
        sub = dockerfile.parse_string(inner + "\n")
        return ("onbuild", norm(modern(sub[0], esc), esc, stages))
    if kw in ("run", "cmd", "entrypoint", "shell"):
        docs = [(d.name, d.content) for d in cmd.heredocs]
        extra = ()
        if kw == "run":
            mounts = [mount(m, stages) for m in (flags.get("mount") or [])]
            extra = (mounts, flags.get("network"), flags.get("security"))
        if cmd.json:
            return (kw, "exec", v, extra)
        if docs and len(v) == 1 and heredoc_word(v[0]) and len(docs) == 1:
            _, _, ch = heredoc_word(v[0])
            return (kw, "script", chomp(docs[0][1]) if ch else docs[0][1], extra)
        if docs:
            marks = [heredoc_word(w) for w in re.split(r"\s+", v[0]) if heredoc_word(w)]
            bodies = [chomp(c) if m[2] else c for m, (_, c) in zip(marks, docs)]
            return (kw, "heredocs", v[0], bodies, extra)
        return (kw, "shell", v[0] if v else "", extra)
    if kw in ("copy", "add"):
        docs = {d.name: d.content for d in cmd.heredocs}
        items = []
        for w in v:
            hd = None if cmd.json else heredoc_word(w)
            if hd:
                name, expand, ch = hd
                content = docs.get(name, "")
                items.append(("heredoc", name, expand, chomp(content) if ch else content))
            else:
                items.append(unquote(w, esc))
        f = {}
        for k, vals in flags.items():
            if k in ("link", "parents", "keep-git-dir", "unpack"):
                b = flag_bool(vals[0]) if vals[0] is not None else True
                if k in ("link", "parents") and not b:
                    continue
                f[k] = b
            elif k == "chmod":
                m = vals[0]
                f[k] = int(m, 8) if re.fullmatch(r"[0-7]+", m) else m
            elif k == "from":
                f[k] = stages.ref_any(vals[0])
            elif k == "exclude":
                f[k] = vals
            else:
                f[k] = vals[0]
        return (kw, sorted(f.items()), items)
    if kw == "volume":
        return (kw, words_unquoted(v, esc))
    if kw in ("user", "workdir", "stopsignal"):
        return (kw, unquote(v[0], esc))
    if kw == "expose":
        ports = []
        for p in v:
            p = unquote(p, esc)
            if "/" in p:
                port, proto = p.rsplit("/", 1)
                p = port if proto.lower() == "tcp" else port + "/" + proto.lower()
            # BuildKit reads the numbers (parsePortRange): `0100` is 100, `80-80` is 80.
            m = re.fullmatch(r"(\d+)(?:-(\d+))?(/.*)?", p)
            if m:
                start, end = int(m.group(1)), int(m.group(2) or m.group(1))
                p = (str(start) if start == end else f"{start}-{end}") + (m.group(3) or "")
            ports.append(p)
        return (kw, ports)
    if kw == "healthcheck":
        f = {}
        for k, vals in flags.items():
            f[k] = int(vals[0]) if k == "retries" else duration_ns(vals[0])
        typ = v[0].upper()
        if typ == "NONE":
            return (kw, "NONE")
        rest = v[1:]
        return (kw, sorted(f.items()), "exec" if cmd.json else "shell", rest)
    return (kw, v)


def reduce(path):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    esc = escape_of(text)
    cmds = [modern(c, esc) for c in dockerfile.parse_file(path)]
    stages = Stages(
        [
            c.value[2].lower() if len(c.value) == 3 else None
            for c in cmds
            if c.cmd.lower() == "from"
        ]
    )
    out = []
    for c in cmds:
        n = norm(c, esc, stages)
        if n[0] == "arg" and len(n[1]) > 1:
            out.extend(("arg", [a]) for a in n[1])
        else:
            out.append(n)
    return out


def alike(x, y):
    """The same instruction, where a stage without a name may have been given one."""
    return x == y or (x[0] == "from" and x[:3] == y[:3] and x[3] is None)


def main():
    jobs = json.load(sys.stdin)
    for job in jobs:
        try:
            a = reduce(job["original"])
            b = reduce(job["formatted"])
            same = len(a) == len(b) and all(alike(x, y) for x, y in zip(a, b))
            detail = ""
            if not same:
                for i, (x, y) in enumerate(zip(a, b)):
                    if not alike(x, y):
                        detail = f"instruction {i + 1}: {x!r} != {y!r}"
                        break
                else:
                    detail = f"{len(a)} instructions != {len(b)}"
        except Exception as e:  # a parse error is a difference, reported as such
            same, detail = False, f"{type(e).__name__}: {e}"
        print(json.dumps({"name": job["name"], "same": same, "detail": detail}), flush=True)


if __name__ == "__main__":
    main()
