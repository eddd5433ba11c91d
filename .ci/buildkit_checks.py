"""BuildKit's build checks (`docker build --check`), the rules that a file's text decides.

BuildKit's checker itself cannot run here: it lives in BuildKit's Go frontend, which no
registry this machine reaches ships (no Go module proxy, no Debian package, no PyPI or npm
build). So the rules are written here from BuildKit's rule documentation and source
(frontend/dockerfile/linter/ruleset.go, frontend/dockerfile/docs/rules/*.md), on top of
BuildKit's own parser, and tests/integration/oracle.rs checks them against the verdicts BuildKit gave
on the shared corpus (`buildkit-verdicts.jsonl`) before trusting them on our output.

Not here: UndefinedVar and InvalidDefaultArgInFrom (they need BuildKit's variable
expansion and the base images' environment), CopyIgnoredFile and InvalidBaseImagePlatform
(build context, registry), InvalidDefinitionDescription (experimental).
"""

import re

RULES = (
    "ConsistentInstructionCasing",
    "DuplicateStageName",
    "ExposeInvalidFormat",
    "ExposeProtoCasing",
    "FromAsCasing",
    "FromPlatformFlagConstDisallowed",
    "JSONArgsRecommended",
    "LegacyKeyValueFormat",
    "MaintainerDeprecated",
    "MultipleInstructionsDisallowed",
    "NoEmptyContinuation",
    "RedundantTargetPlatform",
    "ReservedStageName",
    "SecretsUsedInArgOrEnv",
    "StageNameCasing",
    "UndefinedArgInFrom",
    "WorkdirRelativePath",
)

PLATFORM_ARGS = {
    "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
    "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
}
# convert.go getSecretsRegex: a secret word as a whole `_`-separated word, anywhere in the
# name (`(?:_|^)(?:...)(?:_|$)`, searched), so `MY_TOKEN_VALUE` is one too.
SECRET_WORDS = r"apikey|auth|credential|credentials|key|password|pword|passwd|secret|token"
SECRET = re.compile(rf"(?i)(?:_|^)(?:{SECRET_WORDS})(?:_|$)")
ALLOW = re.compile(r"(?i)(?:^|_)(?:public|file|version)(?:_|$)")
VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))")
DIRECTIVE = re.compile(r"^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$")


def self_consistent(word):
    return word == word.upper() or word == word.lower()


def escape_char(lines):
    for line in lines:
        m = DIRECTIVE.match(line.rstrip("\r"))
        if not m:
            break
        if m.group(1).lower() == "escape":
            return m.group(2)
    return "\\"


def skipped(value):
    """The rules a `check=` value skips (`skip=A,B` or `skip=all`), or None."""
    for part in value.split(";"):
        key, _, rules = part.strip().partition("=")
        if key.strip() == "skip":
            return {r.strip() for r in rules.split(",")}
    return set()


def file_skips(lines):
    for line in lines:
        m = DIRECTIVE.match(line.rstrip("\r"))
        if not m:
            break
        if m.group(1).lower() == "check":
            return skipped(m.group(2))
    return set()


def comment_skips(lines, start_line):
    """`# check=skip=...` in the comments right above an instruction apply to it alone."""
    out = set()
    n = start_line - 2
    while n >= 0 and lines[n].strip(" \t\r").startswith("#"):
        m = DIRECTIVE.match(lines[n].strip(" \t\r"))
        if m and m.group(1).lower() == "check":
            out |= skipped(m.group(2))
        n -= 1
    return out


def keyword(c):
    return c.original.split(None, 1)[0]


def flag(c, name):
    for f in c.flags:
        if f.startswith(f"--{name}="):
            return f[len(name) + 3:]
    return None


def empty_continuation(lines, c, escape):
    """An empty line inside the instruction's continuation lines (before any heredoc)."""
    n = c.start_line - 1
    while n < len(lines):
        line = lines[n].rstrip("\r").rstrip(" \t")
        if not line.endswith(escape) or line.endswith(escape * 2):
            return False
        n += 1
        while n < len(lines) and lines[n].strip(" \t\r").startswith("#"):
            n += 1
        if n < len(lines) and lines[n].strip(" \t\r") == "":
            # Only when the instruction goes on after the empty lines.
            rest = (l.strip(" \t\r") for l in lines[n:])
            return any(l and not l.startswith("#") for l in rest)


def check(text, commands):
    """(rule, line) for each finding, in file order."""
    lines = text.split("\n")
    escape = escape_char(lines)
    out = []
    cmds = list(commands)
    words = [keyword(c) for c in cmds]
    upper = sum(1 for w in words if w == w.upper())
    lower = sum(1 for w in words if w == w.lower())
    majority_lower = lower > upper
    global_args = set()
    stages = []  # dicts: name, workdir_set, counts, shell
    seen_names = set()
    for c, word in zip(cmds, words):
        line = c.start_line
        if not self_consistent(word) or word != (word.lower() if majority_lower else word.upper()):
            out.append(("ConsistentInstructionCasing", line))
        if empty_continuation(lines, c, escape):
            out.append(("NoEmptyContinuation", line))
        cmd = c.cmd.upper()
        if cmd == "ARG" and not stages:
            for w in c.value:
                name = w.split("=", 1)[0]
                global_args.add(name)
        if cmd == "FROM":
            base = c.value[0] if c.value else ""
            name = ""
            if len(c.value) == 3:
                as_word, name = c.value[1], c.value[2]
                if self_consistent(word) and self_consistent(as_word) and (
                    (word == word.upper()) != (as_word == as_word.upper())
                ):
                    out.append(("FromAsCasing", line))
                if name != name.lower():
                    out.append(("StageNameCasing", line))
                lname = name.lower()
                if lname in ("scratch", "context"):
                    out.append(("ReservedStageName", line))
                if lname in seen_names:
                    out.append(("DuplicateStageName", line))
                seen_names.add(lname)
            platform = flag(c, "platform")
            if platform is not None:
                if platform in ("$TARGETPLATFORM", "${TARGETPLATFORM}"):
                    out.append(("RedundantTargetPlatform", line))
                elif "$" not in platform and not any(
                    part and part in name for part in re.split(r"[/,]", platform)
                ):
                    out.append(("FromPlatformFlagConstDisallowed", line))
            for text_part in [base] + ([platform] if platform else []):
                for m in VARIABLE.finditer(text_part):
                    var = m.group(1) or m.group(2)
                    if var not in global_args and var not in PLATFORM_ARGS:
                        out.append(("UndefinedArgInFrom", line))
            parent = next((s for s in stages if s["name"] == base.lower()), None)
            stages.append({
                "name": name.lower(),
                "workdir_set": parent["workdir_set"] if parent else False,
                "shell": parent["shell"] if parent else False,
                "single": {},
            })
            continue
        if not stages:
            continue
        stage = stages[-1]
        if cmd == "MAINTAINER":
            out.append(("MaintainerDeprecated", line))
        if cmd in ("ENV", "LABEL") and not re.match(r"^\S*=", c.original.split(None, 1)[1].lstrip()):
            out.append(("LegacyKeyValueFormat", line))
        if cmd in ("ARG", "ENV"):
            names = [w.split("=", 1)[0] for w in c.value] if cmd == "ARG" else c.value[0::2]
            for n in names:
                if SECRET.search(n) and not ALLOW.search(n):
                    out.append(("SecretsUsedInArgOrEnv", line))
        if cmd == "SHELL":
            stage["shell"] = True
        if cmd in ("CMD", "ENTRYPOINT") and not c.json and not stage["shell"]:
            out.append(("JSONArgsRecommended", line))
        if cmd in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
            stage["single"].setdefault(cmd, []).append(line)
        if cmd == "WORKDIR":
            # dispatchWorkdir checks only the first WORKDIR of a stage chain: "every instance
            # is fixed by fixing the first one".
            path = c.value[0] if c.value else ""
            if not stage["workdir_set"] and not path.startswith(("/", "$")):
                out.append(("WorkdirRelativePath", line))
            stage["workdir_set"] = True
        if cmd == "EXPOSE":
            for p in c.value:
                if ":" in p:
                    out.append(("ExposeInvalidFormat", line))
                proto = p.split("/", 1)[1] if "/" in p else ""
                if proto != proto.lower():
                    out.append(("ExposeProtoCasing", line))
    for stage in stages:
        for lines_of in stage["single"].values():
            for line in lines_of[:-1]:
                out.append(("MultipleInstructionsDisallowed", line))
    skip = file_skips(lines)
    starts = {c.start_line for c in cmds}
    out = [
        (rule, line) for rule, line in out
        if "all" not in skip and rule not in skip
        and not ({"all", rule} & (comment_skips(lines, line) if line in starts else set()))
    ]
    return sorted(set(out), key=lambda f: (f[1], f[0]))
