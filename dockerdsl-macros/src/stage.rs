//! Stages: `IDENT = FROM [--platform=P] BASE [AS "name"] { INSTR; ... }`, each expanded to
//! `let IDENT: Stage = Stage::from_..(name, base).push(..)...;`.

use crate::cursor::{self, Cursor, Result, error};
use crate::rules::suggest;
use crate::rules::{self, Invalid};
use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use std::collections::BTreeMap;

/// What the whole call shares: the crate path, the errors so far, and the stages declared.
pub(crate) struct Cx {
    pub(crate) krate: TokenStream,
    errors: Vec<syn::Error>,
    /// Every stage's name and identifier, to catch a stage given as a string.
    names: BTreeMap<String, String>,
}

impl Cx {
    pub(crate) fn push(&mut self, e: syn::Error) {
        self.errors.push(e);
    }

    /// Reports a failed rule on the user's token.
    pub(crate) fn check<T>(&mut self, span: Span, result: std::result::Result<T, Invalid>) {
        if let Err(e) = result {
            self.push(invalid(span, e));
        }
    }

    /// `"go-builder"` where a stage could be meant: the name or identifier of a stage in
    /// this call.
    pub(crate) fn not_a_stage_name(&mut self, text: &str, span: Span) -> bool {
        let ident = self
            .names
            .get(text)
            .cloned()
            .or_else(|| self.names.values().find(|i| i.as_str() == text).cloned());
        match ident {
            Some(ident) => {
                self.push(error(
                    span,
                    format!(
                        "{} names a stage declared in this call; refer to the stage by its identifier: `{ident}`",
                        rules::show(text)
                    ),
                ));
                false
            }
            None => true,
        }
    }
}

/// An error from a rule: its message, and its help on the next line.
pub(crate) fn invalid(span: Span, e: Invalid) -> syn::Error {
    match e.help {
        Some(help) => error(span, format!("{}\nhelp: {help}", e.message)),
        None => error(span, e.message),
    }
}

/// One stage, split out of the input before anything is parsed.
struct Declared {
    ident: Ident,
    header: Vec<TokenTree>,
    body: Group,
    name: String,
    name_span: Span,
}

pub(crate) fn expand(krate: TokenStream, input: Vec<TokenTree>) -> TokenStream {
    let mut cx = Cx {
        krate,
        errors: Vec::new(),
        names: BTreeMap::new(),
    };
    let declared = split(&mut cx, input);
    let mut seen: BTreeMap<String, Span> = BTreeMap::new();
    for d in &declared {
        if let Some(first) = seen.get(&d.name) {
            cx.push(error(
                d.name_span,
                format!(
                    "duplicate stage name `{}`: a stage above already has it\nhelp: give one of them another name with `AS \"...\"`",
                    d.name
                ),
            ));
            cx.push(error(
                *first,
                format!("stage `{}` first named here", d.name),
            ));
        } else {
            seen.insert(d.name.clone(), d.name_span);
        }
        cx.names
            .entry(d.name.clone())
            .or_insert_with(|| cursor::unraw(&d.ident));
    }
    let stages: Vec<TokenStream> = declared.iter().map(|d| stage(&mut cx, d)).collect();
    let errors = cx
        .errors
        .into_iter()
        .reduce(|mut a, b| {
            a.combine(b);
            a
        })
        .map(|e| e.to_compile_error());
    quote! {
        #errors
        #(#stages)*
    }
}

/// Splits the input into stages. The body is the brace group followed by the end, a `;` or
/// the next `IDENT =`; earlier brace groups in the header are `{expr}` values.
fn split(cx: &mut Cx, input: Vec<TokenTree>) -> Vec<Declared> {
    let mut out = Vec::new();
    let mut c = Cursor::new(input, Span::call_site());
    loop {
        while c.eat_punct(';').is_some() {}
        let Some(first) = c.next() else { break };
        let TokenTree::Ident(ident) = first else {
            cx.push(error(
                first.span(),
                "expected a stage: `name = FROM \"image\" { ... }`",
            ));
            skip_stage(&mut c);
            continue;
        };
        if c.expect_punct('=', "after the stage's identifier: `name = FROM ...`")
            .is_err()
        {
            cx.push(error(
                c.span(),
                format!("expected `=` after `{ident}`: `{ident} = FROM ...`"),
            ));
            skip_stage(&mut c);
            continue;
        }
        let mut header = Vec::new();
        let body = loop {
            match c.next() {
                None => break None,
                Some(TokenTree::Group(g))
                    if g.delimiter() == Delimiter::Brace && ends_stage(&c) =>
                {
                    break Some(g);
                }
                Some(t) => header.push(t),
            }
        };
        let Some(body) = body else {
            cx.push(error(
                ident.span(),
                format!("stage `{ident}` has no body: write its instructions in `{{ ... }}`"),
            ));
            break;
        };
        let (name, name_span) = stage_name(&header).unwrap_or_else(|| {
            let name = cursor::unraw(&ident);
            (name, ident.span())
        });
        out.push(Declared {
            ident,
            header,
            body,
            name,
            name_span,
        });
    }
    out
}

fn ends_stage(c: &Cursor) -> bool {
    match c.peek() {
        None => true,
        Some(TokenTree::Punct(p)) => p.as_char() == ';',
        Some(TokenTree::Ident(_)) => {
            matches!(c.peek_at(1), Some(TokenTree::Punct(p)) if p.as_char() == '=')
        }
        _ => false,
    }
}

fn skip_stage(c: &mut Cursor) {
    while let Some(t) = c.next() {
        if matches!(&t, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace) && ends_stage(c) {
            break;
        }
    }
}

/// The name after `AS`, if the header has one.
fn stage_name(header: &[TokenTree]) -> Option<(String, Span)> {
    let at = header
        .iter()
        .position(|t| matches!(t, TokenTree::Ident(i) if i == "AS"))?;
    let TokenTree::Literal(l) = header.get(at + 1)? else {
        return None;
    };
    match syn::Lit::new(l.clone()) {
        syn::Lit::Str(s) => Some((s.value(), l.span())),
        _ => None,
    }
}

fn stage(cx: &mut Cx, d: &Declared) -> TokenStream {
    let k = cx.krate.clone();
    let name = &d.name;
    let base = header(cx, d).unwrap_or_else(|e| {
        cx.push(e);
        quote!(#k::Stage::from_scratch(#name))
    });
    let mut instructions = Vec::new();
    for tokens in split_instructions(&d.body) {
        let span = tokens.first().map_or(d.body.span_close(), TokenTree::span);
        let mut c = Cursor::new(tokens, span);
        match crate::instruction::parse(cx, &mut c) {
            Ok(i) => instructions.push(i),
            Err(e) => cx.push(e),
        }
    }
    let ident = &d.ident;
    // The binding carries the user's identifier, so that later code (and rustc's "a local
    // variable with a similar name exists") sees it as the user's variable.
    let binding = quote_spanned!(ident.span()=> let #ident: #k::Stage);
    quote! {
        #binding = #base #(.push(#instructions))*;
    }
}

/// The instructions of a body: its tokens split at each top-level `;`.
fn split_instructions(body: &Group) -> Vec<Vec<TokenTree>> {
    let mut out = vec![Vec::new()];
    for t in body.stream() {
        match &t {
            TokenTree::Punct(p) if p.as_char() == ';' => out.push(Vec::new()),
            _ => {
                if let Some(last) = out.last_mut() {
                    last.push(t);
                }
            }
        }
    }
    out.retain(|i| !i.is_empty());
    out
}

/// `FROM [--platform=P] BASE [AS "name"]` as the stage's constructor call.
fn header(cx: &mut Cx, d: &Declared) -> Result<TokenStream> {
    let k = cx.krate.clone();
    let name = &d.name;
    let mut c = Cursor::new(d.header.clone(), d.body.span_open());
    match c.next() {
        Some(TokenTree::Ident(i)) if i == "FROM" => {}
        Some(TokenTree::Ident(i)) => {
            let help = suggest::help(&i.to_string(), &["FROM"], |c| format!("`{c}`"));
            return Err(error(
                i.span(),
                format!("expected `FROM`, found `{i}`\nhelp: {help}"),
            ));
        }
        other => {
            return Err(error(
                other.map_or(d.ident.span(), |t| t.span()),
                format!("expected `FROM` after `{} =`", d.ident),
            ));
        }
    }
    let mut platform = None;
    while crate::instruction::known_flag(&mut c, "FROM", crate::rules::flags("FROM"))?.is_some() {
        c.expect_punct('=', "after `--platform`")?;
        let value = crate::instruction::value(&mut c, "a platform")?;
        if let Some((text, span)) = value.literal() {
            cx.check(span, rules::platform(&text));
        }
        let v = value.tokens();
        platform = Some(quote!(.on_platform(#v)));
    }
    let base = match c.next() {
        Some(TokenTree::Literal(l)) => {
            let span = l.span();
            let Some(text) = crate::instruction::string(&l) else {
                return Err(error(
                    span,
                    "expected an image reference as a string literal",
                ));
            };
            if text == *name || text == cursor::unraw(&d.ident) {
                // Refused when the Dockerfile is made too: BuildKit would take the stage.
                cx.push(error(
                    span,
                    format!(
                        "image {} has the name of this stage\nhelp: add a tag (\"{text}:<tag>\"), or name the stage with `AS \"...\"`",
                        rules::show(&text)
                    ),
                ));
            } else if cx.not_a_stage_name(&text, span) {
                cx.check(span, rules::image(&text));
            }
            quote!(#k::Stage::from_image(#name, #l))
        }
        Some(TokenTree::Ident(i)) if i == "scratch" => quote!(#k::Stage::from_scratch(#name)),
        Some(TokenTree::Ident(i)) if i == "AS" => {
            return Err(error(i.span(), "expected the base before `AS`"));
        }
        Some(TokenTree::Ident(i)) => quote!(#k::Stage::from_stage(#name, &#i)),
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
            // Spanned on the expression, so that a type error underlines it, not the call.
            let e = cursor::expr(&g);
            quote_spanned!(g.span()=> #k::Stage::new(#name, #e))
        }
        other => {
            return Err(error(
                other.map_or(d.body.span_open(), |t| t.span()),
                "expected a base: an image (\"alpine:3.20\"), `scratch`, a stage, or `{expr}`",
            ));
        }
    };
    if let Some(as_span) = c.peek_ident().filter(|i| *i == "AS").map(Ident::span) {
        c.next();
        match c.next() {
            Some(TokenTree::Literal(l)) if crate::instruction::string(&l).is_some() => {
                cx.check(l.span(), rules::stage_name(name));
            }
            other => {
                return Err(error(
                    other.map_or(as_span, |t| t.span()),
                    "expected the stage's name as a string after `AS`: `AS \"name\"`",
                ));
            }
        }
    } else {
        cx.check(
            d.ident.span(),
            rules::stage_name(name).map_err(|mut e| {
                e.help = Some(format!(
                    "{}; or name the stage with `AS \"...\"`",
                    e.help.unwrap_or_default()
                ));
                e
            }),
        );
    }
    c.finish("in the stage header")?;
    Ok(quote!(#base #platform))
}
