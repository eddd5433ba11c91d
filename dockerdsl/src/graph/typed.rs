//! The graph of a [`Dockerfile`] value: its stages are unique and their references are
//! stage values already.

use super::{Graph, Node, Style};
use crate::model::dockerfile::Dockerfile;
use crate::model::instruction::Instruction;
use crate::model::source::Source;
use crate::model::stage::{Base, Stage};
use crate::render::source_name;

pub(super) fn graph(df: &Dockerfile) -> Graph {
    let mut g = Graph {
        stages: df.stages().iter().map(|s| s.name().to_owned()).collect(),
        ..Graph::default()
    };
    let index = |s: &Stage| df.stages().iter().position(|x| x.name() == s.name());
    let node = |src: &Source, g: &mut Graph| match src {
        Source::Stage(s) => index(s).map(Node::Stage),
        other => Some(g.external(source_name(other))),
    };
    for (i, stage) in df.stages().iter().enumerate() {
        let base = match stage.base() {
            Base::Scratch => None,
            Base::Stage(s) => index(s).map(Node::Stage),
            Base::Image(img) => node(&Source::Image(img.clone()), &mut g),
            Base::Context(c) => node(&Source::Context(c.clone()), &mut g),
        };
        if let Some(from) = base {
            g.edge(from, i, "FROM", Style::Solid);
        }
        for instruction in stage.instructions() {
            let label = match instruction {
                Instruction::Run(_) => "RUN --mount",
                Instruction::OnBuild(_) => "ONBUILD",
                _ => "COPY --from",
            };
            for src in instruction.sources() {
                if let Some(from) = node(src, &mut g) {
                    g.edge(from, i, label, Style::Dashed);
                }
            }
        }
    }
    g
}
