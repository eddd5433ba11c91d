//! The graph of a Dockerfile's text, as BuildKit's `dockerfile2llb` resolves it: see the
//! [module documentation](super).

use super::{Graph, Node, Style};
use crate::expand::{self, Pattern, Piece};
use crate::rules::vocab::AUTOMATIC_ARGS;
use crate::syntax::words::{self, Split};
use crate::syntax::{self, Diagnostic, Instruction, ParseErrors};
use std::collections::{BTreeMap, BTreeSet};

/// One `FROM` and the instructions after it.
struct Stage<'t> {
    /// The `AS` name in lower case (BuildKit's `parseBuildStageName`).
    name: Option<String>,
    line: usize,
    column: usize,
    /// The base word as written.
    base: &'t str,
    /// `--platform`'s value as written.
    platform: Option<String>,
    instructions: Vec<(&'t Instruction<'t>, Split<'t>)>,
}

pub(super) fn graph(text: &str) -> Result<super::Graph, ParseErrors> {
    // What BuildKit refuses reading the file and its instructions.
    crate::parse::parse_faithfully(text)?;
    let tree = syntax::read(text)?;
    let escape = tree.escape();
    let mut errors = Vec::new();

    // The global scope: the platform arguments (unknown values) and the global ARGs'
    // defaults, each expanded with those before it (`buildMetaArgs`).
    let mut env: BTreeMap<String, Pattern> = AUTOMATIC_ARGS
        .iter()
        .map(|(name, _)| *name)
        .map(|name| (name.to_owned(), Pattern::var(name)))
        .collect();
    // The global ARGs declared, with a default or not: a build argument sets them.
    let mut declared: BTreeSet<String> = BTreeSet::new();
    let mut stages: Vec<Stage<'_>> = Vec::new();
    for i in tree.instructions() {
        let split = words::split_command(i.logical());
        if split.keyword.eq_ignore_ascii_case("from") {
            let (base, name) = match words::whitespace_words(split.args).as_slice() {
                [base] => (*base, None),
                [base, as_, name] if as_.eq_ignore_ascii_case("as") => {
                    (*base, Some(name.to_lowercase()))
                }
                // Refused above.
                _ => continue,
            };
            let platform = split
                .flags
                .iter()
                .find_map(|f| f.strip_prefix("--platform="))
                // `--platform=` is no platform (a variable that expands to nothing is
                // refused below).
                .filter(|p| !p.is_empty())
                .map(str::to_owned);
            stages.push(Stage {
                name,
                line: i.line(),
                column: i.column(),
                base,
                platform,
                instructions: Vec::new(),
            });
        } else if let Some(stage) = stages.last_mut() {
            stage.instructions.push((i, split));
        } else if split.keyword.eq_ignore_ascii_case("arg") {
            global_args(i, &split, escape, &mut env, &mut declared, &mut errors);
        }
    }

    let mut g = Graph::default();
    for (i, stage) in stages.iter().enumerate() {
        let name = stage.name.clone().unwrap_or_else(|| format!("stage-{i}"));
        g.stages.push(name);
    }
    // A label two stages share says which stage it is.
    let mut uses: BTreeMap<String, usize> = BTreeMap::new();
    for label in &g.stages {
        *uses.entry(label.clone()).or_default() += 1;
    }
    for (i, label) in g.stages.iter_mut().enumerate() {
        if uses.get(label.as_str()).is_some_and(|n| *n > 1) {
            label.push_str(&format!(" (stage {i})"));
        }
    }

    // `statesByName`, complete: references in instructions go to the last stage of a name.
    let all_names: BTreeMap<&str, usize> = stages
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((s.name.as_deref()?, i)))
        .collect();
    let last_named = |name: &str| all_names.get(name.to_lowercase().as_str()).copied();
    // `statesByName` as a FROM sees it: the stages before it, the latest of each name.
    let mut earlier: BTreeMap<&str, usize> = BTreeMap::new();
    // BuildKit's `deps` of each stage (its instructions' references, not its base, not the
    // ONBUILD triggers, which it adds later), with the instruction's line and column.
    let mut deps: Vec<Vec<(usize, usize, usize)>> = Vec::with_capacity(stages.len());
    for (i, stage) in stages.iter().enumerate() {
        let scope = Scope {
            escape,
            env: &env,
            declared: &declared,
        };
        let base = from(&mut g, &earlier, i, stage, &scope, &mut errors);
        if let Some(name) = stage.name.as_deref() {
            earlier.insert(name, i);
        }
        // The base stage's ONBUILD triggers run here.
        if let Some(b) = base {
            for (_, split) in &stages[b].instructions {
                if split.keyword.eq_ignore_ascii_case("onbuild") {
                    let inner = words::split_command(split.args);
                    references(&mut g, &inner, i, true, &last_named, stages.len());
                }
            }
        }
        let mut own = Vec::new();
        for (instruction, split) in &stage.instructions {
            if split.keyword.eq_ignore_ascii_case("onbuild") {
                let inner = words::split_command(split.args);
                references(&mut g, &inner, i, true, &last_named, stages.len());
            } else {
                let found = references(&mut g, split, i, false, &last_named, stages.len());
                own.extend(
                    found
                        .into_iter()
                        .map(|s| (s, instruction.line(), instruction.column())),
                );
            }
        }
        deps.push(own);
    }
    if errors.is_empty() {
        if let Some(d) = cycle(&deps, &g.stages) {
            errors.push(d);
        }
    }
    if errors.is_empty() {
        Ok(g)
    } else {
        Err(ParseErrors::new(errors))
    }
}

/// `validateCircularDependency`: the first stage, in file order, from which the references
/// lead back to a stage on the way; at the instruction that leaves it. (A reference to a
/// later stage is refused before; a mount without `from=` in a stage named `scratch` refers
/// to itself.)
fn cycle(deps: &[Vec<(usize, usize, usize)>], labels: &[String]) -> Option<Diagnostic> {
    fn visit(
        s: usize,
        deps: &[Vec<(usize, usize, usize)>],
        visited: &mut [bool],
        path: &mut [bool],
    ) -> bool {
        if visited[s] {
            return false;
        }
        visited[s] = true;
        path[s] = true;
        for &(d, _, _) in &deps[s] {
            if path[d] || visit(d, deps, visited, path) {
                return true;
            }
        }
        path[s] = false;
        false
    }
    let mut visited = vec![false; deps.len()];
    // Emptied again by each visit that finds no cycle.
    let mut path = vec![false; deps.len()];
    for s in 0..deps.len() {
        if visit(s, deps, &mut visited, &mut path) {
            let (line, column) = deps[s].first().map_or((0, 0), |&(_, l, c)| (l, c));
            let name = labels[s].split(" (stage ").next().unwrap_or_default();
            return Some(
                Diagnostic::new(
                    line,
                    column,
                    format!("circular dependency detected on stage: {name}"),
                )
                .with_help("a stage cannot use itself, directly or through other stages"),
            );
        }
    }
    None
}

/// A global `ARG`: each `NAME=default` into the scope, its default expanded; a `NAME` alone
/// leaves what the scope has (a platform argument keeps its unknown value).
fn global_args(
    i: &Instruction<'_>,
    split: &Split<'_>,
    escape: char,
    env: &mut BTreeMap<String, Pattern>,
    declared: &mut BTreeSet<String>,
    errors: &mut Vec<Diagnostic>,
) {
    for word in words::parse_words(split.args, escape) {
        let Some((key, value)) = word.split_once('=') else {
            declared.insert(word);
            continue;
        };
        declared.insert(key.to_owned());
        let lookup = |name: &str| env.get(name).cloned();
        match expand::expand(value, escape, &lookup) {
            Ok(p) => {
                env.insert(key.to_owned(), p);
            }
            Err(e) => errors.push(Diagnostic::new(i.line(), i.column(), e)),
        }
    }
}

/// The global scope a `FROM` line is expanded in.
struct Scope<'s> {
    escape: char,
    /// The platform arguments (unknown) and the global ARGs' defaults.
    env: &'s BTreeMap<String, Pattern>,
    /// The global ARGs declared, with a default or not.
    declared: &'s BTreeSet<String>,
}

/// Draws stage `i`'s `FROM`: the base the global defaults give (solid), and the candidate
/// stages (dotted). Returns the base stage, if the base is one.
///
/// When a variable of the word is one the build sets (a declared global `ARG`, a platform
/// argument: [`expand::settable`], the rule `check` and `parse` read such a file by), what the
/// defaults make of it is no refusal: `ARG BASE` / `FROM ${BASE}` builds with
/// `--build-arg BASE=...`. The word is then drawn as written, dotted: its value is the
/// build's.
fn from(
    g: &mut Graph,
    earlier: &BTreeMap<&str, usize>,
    i: usize,
    stage: &Stage<'_>,
    scope: &Scope<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let (escape, env) = (scope.escape, scope.env);
    let settable =
        |word: &str| expand::settable(word, escape, &|name| scope.declared.contains(name));
    let lookup = |name: &str| env.get(name).cloned();
    // `--platform` is expanded as the base is; BuildKit refuses a value that cannot be, or
    // that comes out empty. (Whether the value is a platform is containerd's parser's to
    // say, which accepts more than `os/arch`: not checked here.)
    if let Some(p) = &stage.platform {
        let refusal = match expand::expand(p, escape, &lookup) {
            Err(e) => Some(format!("failed to process arguments for platform : {e}")),
            Ok(v) if v.known().is_some_and(|v| v.is_empty()) => {
                Some(format!("empty platform value from expression {p}"))
            }
            Ok(_) => None,
        };
        if let Some(message) = refusal.filter(|_| !settable(p)) {
            errors.push(
                Diagnostic::new(stage.line, stage.column, message)
                    .with_help("give the argument a default, or pass it with --build-arg"),
            );
        }
    }
    let by_build_arg = settable(stage.base);
    let any = expand::expand(stage.base, escape, &|name: &str| Some(Pattern::var(name))).ok();
    // Set when the defaults make of the word what BuildKit refuses, and a build argument
    // could make it another: drawn as written, dotted.
    let mut from_build_arg = false;
    let resolved = match expand::expand(stage.base, escape, &lookup) {
        Ok(p) => p,
        Err(_) if by_build_arg => {
            from_build_arg = true;
            any.clone().unwrap_or_default()
        }
        Err(e) => {
            errors.push(Diagnostic::new(stage.line, stage.column, e));
            return None;
        }
    };
    // The defaults a resolved word was made with: `FROM VARIANT=slim`.
    let label = match any.as_ref().map(Pattern::vars).unwrap_or_default() {
        vars if vars.is_empty() => "FROM".to_owned(),
        vars => {
            let values: Vec<String> = vars
                .iter()
                .map(|v| match env.get(*v) {
                    None => format!("{v} unset"),
                    Some(p) => format!("{v}={}", p.display()),
                })
                .collect();
            format!("FROM {}", values.join(", "))
        }
    };
    let mut base = None;
    match resolved.known().filter(|_| !from_build_arg) {
        Some(v) if v.is_empty() && by_build_arg => from_build_arg = true,
        Some(v) if v.is_empty() => {
            errors.push(
                Diagnostic::new(
                    stage.line,
                    stage.column,
                    format!("base name ({}) should not be blank", stage.base),
                )
                .with_help("give the argument a default, or pass it with --build-arg"),
            );
            return None;
        }
        // `addState`: the latest stage of that name before this one, the name as expanded
        // (no change of case: `FROM Builder` is an image).
        Some(v) => match earlier.get(v.as_str()).copied() {
            Some(s) => {
                g.edge(Node::Stage(s), i, label, Style::Solid);
                base = Some(s);
            }
            None if v == "scratch" => {}
            // `resolveBaseImage` parses every base that is not a stage, used or not.
            None => match crate::rules::image(&v) {
                Ok(_) => {
                    let node = g.external(&v);
                    g.edge(node, i, label, Style::Solid);
                }
                Err(_) if by_build_arg => from_build_arg = true,
                Err(why) => {
                    let mut d = Diagnostic::new(
                        stage.line,
                        stage.column,
                        format!(
                            "failed to parse stage name {}: invalid reference format",
                            expand::go_quote(&v)
                        ),
                    );
                    d = d.with_help(why.message);
                    errors.push(d);
                }
            },
        },
        None => {}
    }

    // Candidates: what the word names for other values of the arguments (any argument can be
    // set with --build-arg), and, when a platform argument left it unresolved, for each
    // platform.
    // By stage index: drawn in file order.
    let mut candidates: BTreeMap<usize, String> = BTreeMap::new();
    let patterns = [Some(&resolved).filter(|_| !from_build_arg), any.as_ref()];
    for pattern in patterns.into_iter().flatten() {
        if pattern.vars().is_empty() || !pattern.has_literal() {
            continue;
        }
        for (name, &s) in earlier {
            if Some(s) == base || candidates.contains_key(&s) {
                continue;
            }
            if let Some(capture) = pattern.matches(name) {
                candidates.insert(s, candidate_label(pattern, capture));
            }
        }
    }
    if from_build_arg && candidates.is_empty() {
        // No base without a build argument, and no stage it could name: the word as
        // written, its value the build's.
        let node = g.external(stage.base);
        // The arguments to pass, as `docker build` takes them: `FROM --build-arg BASE`.
        let vars = any.as_ref().map(Pattern::vars).unwrap_or_default();
        let label = match vars.as_slice() {
            [] => "FROM --build-arg".to_owned(),
            vars => format!("FROM --build-arg {}", vars.join(", ")),
        };
        g.edge(node, i, label, Style::Candidate);
    } else if !from_build_arg && resolved.known().is_none() && candidates.is_empty() {
        // Unresolved, and no stage it could name: an image, as written.
        let node = g.external(&resolved.display());
        g.edge(node, i, "FROM", Style::Solid);
    }
    for (s, label) in candidates {
        g.edge(Node::Stage(s), i, label, Style::Candidate);
    }
    base
}

/// `FROM OS=windows` when one argument gives the name, else `FROM A=?, B=?`.
fn candidate_label(pattern: &Pattern, capture: Option<&str>) -> String {
    let plain = matches!(
        pattern.0.iter().find(|p| !matches!(p, Piece::Lit(_))),
        Some(Piece::Var(_))
    );
    match (pattern.vars().as_slice(), capture) {
        ([var], Some(value)) if plain && pattern.unknowns() == 1 => format!("FROM {var}={value}"),
        (vars, _) => format!(
            "FROM {}",
            vars.iter()
                .map(|v| format!("{v}=?"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The stages and images an instruction (COPY, RUN, or the one after ONBUILD) refers to:
/// `COPY --from=` by name or index (`toCommand`), a mount's `from=` by name only
/// (`detectRunMount`), drawn dashed into stage `to`. Returns the stages among them.
fn references(
    g: &mut Graph,
    split: &Split<'_>,
    to: usize,
    onbuild: bool,
    last_named: &dyn Fn(&str) -> Option<usize>,
    count: usize,
) -> Vec<usize> {
    let mut stages = Vec::new();
    let keyword = split.keyword.to_ascii_lowercase();
    let label = if onbuild {
        "ONBUILD"
    } else if keyword == "copy" {
        "COPY --from"
    } else {
        "RUN --mount"
    };
    match keyword.as_str() {
        "copy" => {
            for flag in &split.flags {
                let Some(from) = crate::rules::vocab::copy_from(flag) else {
                    continue;
                };
                // strconv.Atoi: a number is an index (refused above when it names no
                // earlier stage).
                let node = match from.parse::<i64>() {
                    Ok(n) => match usize::try_from(n) {
                        Ok(n) if n < count => Some(Node::Stage(n)),
                        _ => None,
                    },
                    Err(_) => Some(match last_named(from) {
                        Some(s) => Node::Stage(s),
                        None => g.external(from),
                    }),
                };
                if let Some(node) = node {
                    if let Node::Stage(s) = node {
                        stages.push(s);
                    }
                    g.edge(node, to, label, Style::Dashed);
                }
            }
        }
        "run" => {
            for flag in &split.flags {
                let Some(mount) = flag.strip_prefix("--mount=") else {
                    continue;
                };
                let from = crate::rules::vocab::mount_from(mount);
                match from {
                    Some(from) => {
                        let node = match last_named(&from) {
                            Some(s) => {
                                stages.push(s);
                                Node::Stage(s)
                            }
                            None => g.external(&from),
                        };
                        g.edge(node, to, label, Style::Dashed);
                    }
                    // Without `from`, BuildKit looks up a stage named `scratch` (and mounts
                    // it, for a cache mount): a file with such a stage depends on it.
                    None => {
                        if let Some(s) = last_named("scratch") {
                            stages.push(s);
                            g.edge(Node::Stage(s), to, label, Style::Dashed);
                        }
                    }
                }
            }
        }
        _ => {}
    }
    stages
}
