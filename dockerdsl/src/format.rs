//! `fmt`: a Dockerfile's text in the canonical form, keeping what the user wrote around the
//! instructions (comments, paragraph breaks).

use crate::parse::{ParseErrors, Position, SourceInstruction, lower_tree};
use crate::render::{self, Style};
use crate::syntax::{self, NodeKind};
use std::collections::BTreeMap;

/// Formats a Dockerfile: every instruction in the canonical form the renderer writes (see
/// the crate documentation, "Canonical form"), with the user's comments where they were and
/// one blank line wherever the user had one or more; stages are separated by one blank line.
/// The meaning under BuildKit's parser is kept, and formatting the result again gives it back
/// unchanged.
///
/// What comments tell BuildKit's build checks is kept too: the `# check=` comment right
/// before an instruction, an empty comment that ends the ones above it, a comment that
/// describes an `ARG` or a stage. So an `ARG A B` line with comments right before it stays
/// one line (they are BuildKit's for both names), and an indented comment, which BuildKit
/// reads with its `#` (it is then none of those), is written at the start of its line only
/// where that tells BuildKit nothing more; else indented by one space.
///
/// `Err` only when BuildKit itself refuses the file: a file the typed model cannot hold (two
/// stages with one name, `EXPOSE 8080:80`) is formatted all the same, the instructions the
/// model cannot hold kept as written.
///
/// ```
/// let text = "from alpine:3.20 as base\n# tools\nrun apk add curl\n\n\n\nenv A 1\n";
/// assert_eq!(
///     dockerdsl::format(text)?,
///     "FROM alpine:3.20 AS base\n# tools\nRUN apk add curl\n\nENV A=1\n"
/// );
/// # Ok::<(), dockerdsl::ParseErrors>(())
/// ```
///
/// ```
/// let skip = "# check=skip=SecretsUsedInArgOrEnv";
/// let text = format!("FROM alpine:3.20 AS app\n  {skip}\n  # note\nARG A_TOKEN\n{skip}\nARG B_TOKEN C_TOKEN\n");
/// assert_eq!(
///     dockerdsl::format(&text)?,
///     format!("FROM alpine:3.20 AS app\n {skip}\n# note\nARG A_TOKEN\n{skip}\nARG B_TOKEN C_TOKEN\n")
/// );
/// # Ok::<(), dockerdsl::ParseErrors>(())
/// ```
pub fn format(text: &str) -> Result<String, ParseErrors> {
    let mut errors = Vec::new();
    let tree = syntax::read_all(text, &mut errors);
    let parsed = lower_tree(&tree, errors, true)?;
    let df = parsed.dockerfile();
    let style = Style::canonical(df.escape().char());
    let by_line: BTreeMap<usize, &SourceInstruction> = parsed
        .instructions()
        .iter()
        .map(|i| (i.line(), i))
        .collect();

    // The output as pieces of text and paragraph breaks, the breaks collapsed at the end.
    let mut items: Vec<Option<String>> = Vec::new();
    let mut header = String::new();
    let mut has_header = render::header(df, None, &mut header);
    // A `syntax` or `check` line BuildKit's parser reads as a directive and its frontend
    // does not (an indented one, and those after it; the lowering records them) sets
    // nothing: kept after the header, indented, where it is again the parser's directive
    // and the frontend stops reading.
    for node in tree.nodes() {
        if let NodeKind::Directive { name, value } = node.kind() {
            let inert = parsed
                .unread
                .iter()
                .any(|u| u.directive && u.line == node.line());
            if inert {
                header.push_str(" # ");
                header.push_str(name);
                header.push('=');
                header.push_str(value);
                header.push('\n');
                has_header = true;
            }
        }
    }
    if has_header {
        items.push(Some(header));
        items.push(None);
    }
    // Where the text of the last instruction ends: a new stage's blank line goes there,
    // before the comments that lead into the stage.
    let mut after_instruction: Option<usize> = None;
    // Each node's next instruction, found in one pass from the end (a file of many comment
    // lines would take a search each).
    let mut next: Option<&syntax::Instruction<'_>> = None;
    let mut next_of: Vec<Option<&syntax::Instruction<'_>>> = tree
        .nodes()
        .iter()
        .rev()
        .map(|n| {
            let after = next;
            if let NodeKind::Instruction(i) = n.kind() {
                next = Some(i);
            }
            after
        })
        .collect();
    next_of.reverse();
    for (node, next) in tree.nodes().iter().zip(next_of) {
        match node.kind() {
            NodeKind::Directive { .. } | NodeKind::Ignored => {}
            NodeKind::Blank => items.push(None),
            NodeKind::Comment(c) => {
                let line = tree.text().get(node.span()).unwrap_or_default();
                items.push(Some(comment_line(line, c, next)));
            }
            NodeKind::Instruction(i) => {
                let Some(source) = by_line.get(&i.line()) else {
                    continue;
                };
                let mut out = String::new();
                let mut heredoc_end = false;
                match source.position() {
                    Position::GlobalArgs(range) => {
                        let args = df.args().get(range.clone()).unwrap_or_default();
                        if source.described.is_some() {
                            // Comments right before `ARG A B` are BuildKit's for every name
                            // on the line (`# check=skip=...`, a description): one line
                            // keeps them so.
                            render::push_args(&mut out, args, style.esc);
                            out.push('\n');
                        } else {
                            for arg in args {
                                render::push_arg(&mut out, arg, style.esc);
                                out.push('\n');
                            }
                        }
                    }
                    Position::From { stage } => {
                        if let Some(at) = after_instruction {
                            items.insert(at, None);
                        }
                        if let Some(s) = df.stages().get(*stage) {
                            render::from_line(s, None, &mut out);
                        }
                    }
                    Position::Instructions { stage, indices } => {
                        let Some(s) = df.stages().get(*stage) else {
                            continue;
                        };
                        let all = s.instructions().get(indices.clone()).unwrap_or_default();
                        if source.described.is_some() && all.len() > 1 {
                            // As for global `ARG`s above: only an `ARG` line becomes several
                            // instructions.
                            let args = all.iter().filter_map(|i| match i {
                                crate::Instruction::Arg(a) => Some(a),
                                _ => None,
                            });
                            render::push_args(&mut out, args, style.esc);
                            out.push('\n');
                            items.push(Some(out));
                            after_instruction = Some(items.len());
                            continue;
                        }
                        for instruction in all {
                            if matches!(instruction, crate::Instruction::Comment(_)) {
                                continue;
                            }
                            if heredoc_end {
                                out.push('\n');
                            }
                            heredoc_end = render::instruction_text(instruction, style, &mut out);
                        }
                    }
                    Position::AsWritten => {
                        // A stage's first line after a blank one, as the renderer writes it.
                        if source.keyword().eq_ignore_ascii_case("from") {
                            if let Some(at) = after_instruction {
                                items.insert(at, None);
                            }
                        }
                        // The bytes as they are (a heredoc's `\r`s are part of its meaning).
                        out.push_str(tree.text().get(i.span()).unwrap_or_else(|| i.text()));
                        out.push('\n');
                    }
                }
                items.push(Some(out));
                // A blank line after a heredoc terminator, as the renderer writes.
                if heredoc_end {
                    items.push(None);
                }
                after_instruction = Some(items.len());
            }
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for item in items {
        match item {
            None => blank = !out.is_empty(),
            Some(text) => {
                if blank {
                    out.push('\n');
                    blank = false;
                }
                out.push_str(&text);
            }
        }
    }
    // A comment that reads as a directive once it is the first line gets an empty comment
    // line before it, as the renderer does.
    render::end_directives(has_header, &mut out);
    Ok(out)
}

/// Comment line `line` (`comment`: its text after `#`), before `next`, as `fmt` writes it:
/// at the start of the line, or indented by one space where BuildKit reads it with its `#`
/// and at the start of the line it would say more.
fn comment_line(line: &str, comment: &str, next: Option<&syntax::Instruction<'_>>) -> String {
    let mut out = String::new();
    if syntax::comment::says_more_unindented(line, comment, next) {
        out.push(' ');
    }
    render::comment_text(comment, &mut out);
    out.push('\n');
    out
}
