//! One instruction: parsed, its literals checked, and expanded to a value that converts
//! into `dockerdsl::Instruction` (a builder value such as `Run`, or an `Instruction`).

use crate::cursor::{self, Cursor, Flag, Result, error};
use crate::rules::{self, Check};
use crate::rules::{suggest, vocab};
use crate::stage::{Cx, invalid};
use proc_macro2::{Delimiter, Group, Literal, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};

/// A value: a string literal (checked now) or `{expr}` (checked when the Dockerfile is made).
pub(crate) enum Value {
    Lit(Literal, String),
    Expr(Group),
}

impl Value {
    pub(crate) fn literal(&self) -> Option<(String, Span)> {
        match self {
            Value::Lit(l, s) => Some((s.clone(), l.span())),
            Value::Expr(_) => None,
        }
    }

    /// The value as an argument of a builder method (`impl Into<String>`).
    pub(crate) fn tokens(&self) -> TokenStream {
        match self {
            Value::Lit(l, _) => TokenTree::Literal(l.clone()).into(),
            Value::Expr(g) => cursor::expr(g),
        }
    }

    /// The value as a `Text`: a literal borrowed, an expression converted as a `String`.
    fn string(&self, k: &TokenStream) -> TokenStream {
        match self {
            Value::Lit(l, _) => quote!(#k::Text::from_static(#l)),
            Value::Expr(g) => {
                let e = cursor::expr(g);
                quote!(#k::__private::string(#e))
            }
        }
    }
}

/// The text of a string literal (`"..."`, `r"..."`), or `None` for any other literal.
pub(crate) fn string(l: &Literal) -> Option<String> {
    match syn::Lit::new(l.clone()) {
        syn::Lit::Str(s) if s.suffix().is_empty() => Some(s.value()),
        _ => None,
    }
}

/// `STRING | {expr}`.
pub(crate) fn value(c: &mut Cursor, what: &str) -> Result<Value> {
    match c.next() {
        Some(TokenTree::Literal(l)) => match string(&l) {
            Some(s) => Ok(Value::Lit(l, s)),
            None => Err(error(
                l.span(),
                format!("expected {what} as a string literal, or `{{expr}}`"),
            )),
        },
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => Ok(Value::Expr(g)),
        Some(t) => Err(error(
            t.span(),
            format!("expected {what} as a string literal, or `{{expr}}`; found `{t}`"),
        )),
        None => Err(error(c.span(), format!("expected {what}"))),
    }
}

/// The texts as an array, for a builder function that takes any `IntoIterator` (it collects
/// them into its list without a `Vec` on the way).
fn strings(k: &TokenStream, values: &[Value]) -> TokenStream {
    let items = values.iter().map(|v| v.string(k));
    quote!([#(#items),*])
}

/// The texts as the payload of a variant: a `List`, inline when short (no heap block).
fn list(k: &TokenStream, values: &[Value]) -> TokenStream {
    if values.is_empty() {
        return quote!(#k::List::new());
    }
    let items = strings(k, values);
    quote!(#k::__private::From::from(#items))
}

/// A shell command is refused only when it would be refused whatever the Dockerfile's
/// escape character, which the macro cannot know; the rest waits for the `Dockerfile`.
fn shell_command(cmd: &str, heredocs: bool) -> Check {
    match (
        rules::shell_command(cmd, '\\', heredocs),
        rules::shell_command(cmd, '`', heredocs),
    ) {
        (Err(e), Err(_)) => Err(e),
        _ => Ok(()),
    }
}

fn path(p: &str) -> Check {
    rules::not_empty(p, "the path")?;
    rules::no_nul(p)
}

fn check_value(cx: &mut Cx, v: &Value, rule: impl FnOnce(&str) -> Check) {
    if let Some((text, span)) = v.literal() {
        cx.check(span, rule(&text));
    }
}

pub(crate) fn parse(cx: &mut Cx, c: &mut Cursor) -> Result<TokenStream> {
    let k = cx.krate.clone();
    if c.eat_punct('#').is_some() {
        let v = value(c, "the comment's text")?;
        check_value(cx, &v, rules::no_nul);
        c.finish("after the comment")?;
        let v = v.string(&k);
        return Ok(quote!(#k::Instruction::Comment(#v)));
    }
    let keyword = match c.next() {
        Some(TokenTree::Ident(i)) => i,
        Some(t) => {
            return Err(error(
                t.span(),
                format!("expected an instruction (RUN, COPY, ...), found `{t}`"),
            ));
        }
        None => return Err(error(c.span(), "expected an instruction")),
    };
    let word = keyword.to_string();
    let out = match word.as_str() {
        "RUN" => run(cx, c)?,
        "CMD" => {
            let command = command(cx, c)?;
            quote!(#k::Instruction::Cmd(#command))
        }
        "ENTRYPOINT" => {
            let command = command(cx, c)?;
            quote!(#k::Instruction::Entrypoint(#command))
        }
        "SHELL" => {
            let Some(g) = c.peek_group(Delimiter::Bracket).cloned() else {
                return Err(error(
                    c.span(),
                    "SHELL takes the JSON form: `SHELL [\"/bin/sh\", \"-c\"]`",
                ));
            };
            c.next();
            let argv = exec_array(cx, &g)?;
            let argv = list(&k, &argv);
            quote!(#k::Instruction::Shell(#argv))
        }
        "ENV" | "LABEL" => {
            let env = word == "ENV";
            let mut pairs = Vec::new();
            while !c.is_empty() {
                let (key, key_span) = key(c)?;
                if env {
                    cx.check(key_span, rules::variable_name(&key));
                } else {
                    cx.check(key_span, rules::label_key(&key));
                }
                c.expect_punct('=', &format!("after the key: `{key} = \"value\"`"))?;
                let v = value(c, "the value")?;
                check_value(cx, &v, rules::one_line);
                let v = v.string(&k);
                pairs.push(quote!((#k::Text::from_static(#key), #v)));
                c.eat_punct(',');
            }
            if pairs.is_empty() {
                return Err(error(
                    keyword.span(),
                    format!("{word} needs a pair: `{word} KEY = \"value\"`"),
                ));
            }
            let variant = if env { quote!(Env) } else { quote!(Label) };
            quote!(#k::Instruction::#variant(#k::__private::From::from([#(#pairs),*])))
        }
        "ARG" => {
            let (name, span) = key(c)?;
            cx.check(span, rules::variable_name(&name));
            let default = if c.eat_punct('=').is_some() {
                let v = value(c, "the default value")?;
                check_value(cx, &v, rules::one_line);
                let v = v.tokens();
                Some(quote!(.default(#v)))
            } else {
                None
            };
            quote!(#k::Arg::new(#name) #default)
        }
        "EXPOSE" => {
            let mut ports = Vec::new();
            while !c.is_empty() {
                ports.push(port(cx, c)?);
            }
            if ports.is_empty() {
                return Err(error(keyword.span(), "EXPOSE needs a port: `EXPOSE 8080`"));
            }
            quote!(#k::Instruction::Expose(#k::__private::From::from([#(#ports),*])))
        }
        "COPY" => files(cx, c, true)?,
        "ADD" => files(cx, c, false)?,
        "VOLUME" => {
            let mut paths = Vec::new();
            while !c.is_empty() {
                let v = value(c, "a path")?;
                check_value(cx, &v, path);
                paths.push(v);
            }
            if paths.is_empty() {
                return Err(error(
                    keyword.span(),
                    "VOLUME needs a path: `VOLUME \"/data\"`",
                ));
            }
            let paths = list(&k, &paths);
            quote!(#k::Instruction::Volume(#paths))
        }
        "USER" | "WORKDIR" | "MAINTAINER" => {
            let v = value(c, "a value")?;
            let (variant, rule): (_, fn(&str) -> Check) = match word.as_str() {
                "USER" => (quote!(User), rules::user),
                "WORKDIR" => (quote!(Workdir), |p| {
                    path(p).and_then(|()| rules::one_line(p))
                }),
                _ => (quote!(Maintainer), rules::one_line),
            };
            check_value(cx, &v, rule);
            let v = match (&v, word.as_str()) {
                // `USER {10001}` as `.user(10001)` takes it: a uid, `(uid, gid)` or text.
                (Value::Expr(g), "USER") => {
                    let e = cursor::expr(g);
                    quote_spanned!(g.span()=> #k::IntoUser::into_user(#e))
                }
                _ => v.string(&k),
            };
            quote!(#k::Instruction::#variant(#v))
        }
        "ONBUILD" => {
            let inner = parse(cx, c)?;
            return Ok(quote!(#k::Instruction::OnBuild(#k::__private::Box::new(
                #k::__private::Into::<#k::Instruction>::into(#inner)
            ))));
        }
        "STOPSIGNAL" => {
            let signal = match c.next() {
                Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                    let e = cursor::expr(&g);
                    quote!(#k::__private::Into::<#k::Signal>::into(#e))
                }
                Some(t @ (TokenTree::Ident(_) | TokenTree::Literal(_))) => {
                    let text = match &t {
                        TokenTree::Literal(l) => string(l).unwrap_or_else(|| l.to_string()),
                        _ => t.to_string(),
                    };
                    cx.check(t.span(), rules::signal(&text));
                    quote!(#k::Signal::new(#text))
                }
                other => {
                    return Err(error(
                        other.map_or(keyword.span(), |t| t.span()),
                        "expected a signal: `SIGTERM`, \"SIGRTMIN+3\", a number, or `{expr}`",
                    ));
                }
            };
            quote!(#k::Instruction::StopSignal(#signal))
        }
        "HEALTHCHECK" => healthcheck(cx, c)?,
        _ => {
            // `FROM` starts a stage; inside one, the others.
            let in_stage: Vec<&str> = rules::INSTRUCTIONS
                .into_iter()
                .filter(|k| *k != "FROM")
                .collect();
            let help = suggest::help(&word, &in_stage, |c| format!("`{c}`"));
            return Err(error(
                keyword.span(),
                format!("unknown instruction `{word}`\nhelp: {help}"),
            ));
        }
    };
    c.finish(&format!("in {word}"))?;
    Ok(out)
}

/// An ENV, LABEL or ARG key: an identifier, or a string for keys with dots.
fn key(c: &mut Cursor) -> Result<(String, Span)> {
    match c.next() {
        Some(TokenTree::Ident(i)) => Ok((cursor::unraw(&i), i.span())),
        Some(TokenTree::Literal(l)) if string(&l).is_some() => {
            Ok((string(&l).unwrap_or_default(), l.span()))
        }
        other => Err(error(
            other.map_or(c.span(), |t| t.span()),
            "expected a key: an identifier, or a string literal",
        )),
    }
}

/// The next flag, if any, refused with a suggestion unless `known` has it.
pub(crate) fn known_flag(c: &mut Cursor, word: &str, known: &[&str]) -> Result<Option<Flag>> {
    let Some(flag) = c.flag().transpose()? else {
        return Ok(None);
    };
    if known.contains(&flag.name.as_str()) {
        return Ok(Some(flag));
    }
    let help = suggest::help(&flag.name, known, |c| format!("`--{c}`"));
    Err(flag.error(format!(
        "unknown flag `--{}` of {word}\nhelp: {help}",
        flag.name
    )))
}

/// `"text"`, `"a" && "b"`, `["exe", "arg"]` or `{expr}` with RUN's flags.
fn run(cx: &mut Cx, c: &mut Cursor) -> Result<TokenStream> {
    let k = cx.krate.clone();
    let mut flags = Vec::new();
    while let Some(f) = known_flag(c, "RUN", crate::rules::flags("RUN"))? {
        let flag = f.name.clone();
        match flag.as_str() {
            "mount" => {
                c.expect_punct('=', "after `--mount`")?;
                let m = mount(cx, c, &f)?;
                flags.push(quote!(.mount(#m)));
            }
            _ => {
                c.expect_punct('=', &format!("after `--{flag}`"))?;
                let (ty, choices): (_, &[&str]) = if flag == "network" {
                    (quote!(Network), &["default", "none", "host"])
                } else {
                    (quote!(Security), &["sandbox", "insecure"])
                };
                let setter = proc_macro2::Ident::new(&flag, Span::call_site());
                let v = choice(c, &format!("--{flag}"), choices, |v| {
                    let variant = proc_macro2::Ident::new(&capitalize(v), Span::call_site());
                    quote!(#k::#ty::#variant)
                })?;
                flags.push(quote!(.#setter(#v)));
            }
        }
    }
    let command = if let Some(g) = c.peek_group(Delimiter::Bracket).cloned() {
        c.next();
        let argv = exec_array(cx, &g)?;
        let argv = strings(&k, &argv);
        quote!(#k::Run::exec(#argv))
    } else if let Some(g) = c.peek_group(Delimiter::Brace).cloned() {
        c.next();
        let e = cursor::expr(&g);
        quote!(#k::__private::Into::<#k::Run>::into(#e))
    } else {
        let first = value(c, "the command")?;
        if c.peek_pair('&') {
            let mut chain = vec![first];
            while c.eat_pair('&').is_some() {
                chain.push(value(c, "a command after `&&`")?);
            }
            for v in &chain {
                check_value(cx, v, |s| shell_command(s.trim(), true));
            }
            let chain = strings(&k, &chain);
            quote!(#k::Run::chain(#chain))
        } else {
            check_value(cx, &first, |s| {
                if s.contains('\n') {
                    rules::heredoc_body(s)
                } else {
                    shell_command(s.trim(), true)
                }
            });
            let v = first.tokens();
            quote!(#k::Run::new(#v))
        }
    };
    Ok(quote!(#command #(#flags)*))
}

fn capitalize(s: &str) -> String {
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i == 0 {
            out.extend(ch.to_uppercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// One of a few identifiers (`locked`, `none`), or `{expr}`.
fn choice(
    c: &mut Cursor,
    what: &str,
    choices: &[&str],
    make: impl FnOnce(&str) -> TokenStream,
) -> Result<TokenStream> {
    match c.next() {
        Some(TokenTree::Ident(i)) => {
            let word = i.to_string();
            if choices.contains(&word.as_str()) {
                Ok(make(&word))
            } else {
                let help = suggest::help(&word, choices, |c| format!("`{c}`"));
                Err(error(
                    i.span(),
                    format!("unknown value `{word}` of `{what}`\nhelp: {help}"),
                ))
            }
        }
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => Ok(cursor::expr(&g)),
        other => Err(error(
            other.map_or(c.span(), |t| t.span()),
            format!("expected one of {} after `{what}=`", choices.join(", ")),
        )),
    }
}

/// An option value inside `--mount=...`.
enum OptionValue {
    Value(Value),
    Int(Literal),
    Ident(proc_macro2::Ident),
}

/// `type=cache,target="/x",sharing=locked,...`
fn mount(cx: &mut Cx, c: &mut Cursor, flag: &Flag) -> Result<TokenStream> {
    let k = cx.krate.clone();
    let mut options: Vec<(String, Span, Option<OptionValue>)> = Vec::new();
    loop {
        let (name, span) = match c.next() {
            Some(TokenTree::Ident(i)) => (cursor::unraw(&i), i.span()),
            other => {
                return Err(error(
                    other.map_or(c.span(), |t| t.span()),
                    "expected a mount option, such as `type=cache`",
                ));
            }
        };
        let value = if c.eat_punct('=').is_some() {
            Some(match c.next() {
                Some(TokenTree::Literal(l)) => match string(&l) {
                    Some(s) => OptionValue::Value(Value::Lit(l, s)),
                    None => OptionValue::Int(l),
                },
                Some(TokenTree::Ident(i)) => OptionValue::Ident(i),
                Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                    OptionValue::Value(Value::Expr(g))
                }
                other => {
                    return Err(error(
                        other.map_or(c.span(), |t| t.span()),
                        format!("expected a value for `{name}`"),
                    ));
                }
            })
        } else {
            None
        };
        if options.iter().any(|(n, _, _)| *n == name) {
            return Err(error(span, format!("mount option `{name}` is given twice")));
        }
        options.push((name, span, value));
        if c.eat_punct(',').is_none() {
            break;
        }
    }
    let kind = match options.iter().position(|(n, _, _)| n == "type") {
        Some(at) => {
            let (_, span, v) = options.remove(at);
            match v {
                Some(OptionValue::Ident(i)) => {
                    let kind = i.to_string();
                    if !vocab::MOUNT_TYPES.contains(&kind.as_str()) {
                        let help = suggest::help(&kind, &vocab::MOUNT_TYPES, |c| format!("`{c}`"));
                        return Err(error(
                            i.span(),
                            format!("unknown mount type `{kind}`\nhelp: {help}"),
                        ));
                    }
                    kind
                }
                _ => {
                    return Err(error(
                        span,
                        "expected `type=bind`, `cache`, `tmpfs`, `secret` or `ssh`",
                    ));
                }
            }
        }
        // As in a Dockerfile, a mount without a type is a bind mount.
        None => vocab::DEFAULT_MOUNT_TYPE.to_owned(),
    };
    let allowed = vocab::mount_options(&kind);
    // The option that the constructor takes.
    let key = match kind.as_str() {
        "secret" => Some("id"),
        "ssh" => None,
        _ => Some("target"),
    };
    let mut constructor_arg = None;
    let mut setters = Vec::new();
    for (name, span, v) in options {
        if !allowed.contains(&name.as_str()) {
            let help = suggest::help(&name, allowed, |c| format!("`{c}`"));
            cx.push(error(
                span,
                format!("`{name}` is not an option of a {kind} mount\nhelp: {help}"),
            ));
            continue;
        }
        let setter = proc_macro2::Ident::new(&name, span);
        match (name.as_str(), v) {
            ("rw" | "ro" | "required", None) => setters.push(quote!(.#setter())),
            ("rw" | "ro" | "required", Some(OptionValue::Ident(b))) if b == "true" => {
                setters.push(quote!(.#setter()));
            }
            ("rw" | "ro" | "required", Some(OptionValue::Ident(b))) if b == "false" => {}
            ("rw" | "ro" | "required", Some(_)) => {
                cx.push(error(
                    span,
                    format!("`{name}` takes no value, or `true`/`false`"),
                ));
            }
            (_, None) => {
                cx.push(error(span, format!("`{name}` needs a value: `{name}=...`")));
            }
            ("from", Some(OptionValue::Ident(i))) => setters.push(quote!(.from(&#i))),
            ("from", Some(OptionValue::Value(v))) => {
                let source = source(cx, &v);
                setters.push(quote!(.from(#source)));
            }
            ("sharing", Some(OptionValue::Ident(i))) => {
                let word = i.to_string();
                let choices = vocab::SHARING;
                if choices.contains(&word.as_str()) {
                    let variant = proc_macro2::Ident::new(&capitalize(&word), i.span());
                    setters.push(quote!(.sharing(#k::Sharing::#variant)));
                } else {
                    let help = suggest::help(&word, &choices, |c| format!("`{c}`"));
                    cx.push(error(
                        i.span(),
                        format!("unknown value `{word}` of `sharing`\nhelp: {help}"),
                    ));
                }
            }
            ("sharing", Some(OptionValue::Value(Value::Expr(g)))) => {
                let e = cursor::expr(&g);
                setters.push(quote!(.sharing(#e)));
            }
            ("mode" | "uid" | "gid" | "size", Some(OptionValue::Int(l))) => {
                let n = if name == "mode" {
                    octal(cx, &l).map(octal_literal)
                } else {
                    integer(cx, &l).map(|n| TokenTree::Literal(Literal::u64_unsuffixed(n)).into())
                };
                if let Some(n) = n {
                    setters.push(quote!(.#setter(#n)));
                }
            }
            ("mode" | "uid" | "gid" | "size", Some(OptionValue::Value(Value::Expr(g)))) => {
                let e = cursor::expr(&g);
                setters.push(quote!(.#setter(#e)));
            }
            (_, Some(OptionValue::Value(v)))
                if !matches!(name.as_str(), "mode" | "uid" | "gid" | "size" | "sharing") =>
            {
                let rule: fn(&str) -> Check = if name == "env" {
                    rules::variable_name
                } else {
                    rules::mount_value
                };
                check_value(cx, &v, rule);
                let t = v.tokens();
                if Some(name.as_str()) == key {
                    constructor_arg = Some(t);
                } else {
                    setters.push(quote!(.#setter(#t)));
                }
            }
            (_, Some(_)) => {
                cx.push(error(
                    span,
                    format!("unexpected value for `{name}`: write a string literal or `{{expr}}`"),
                ));
            }
        }
    }
    let kind_ident = proc_macro2::Ident::new(&kind, Span::call_site());
    let constructor = match (key, constructor_arg) {
        (None, _) => quote!(#k::Mount::ssh()),
        (Some(_), Some(arg)) => quote!(#k::Mount::#kind_ident(#arg)),
        (Some(key), None) => {
            return Err(flag.error(format!(
                "a {kind} mount needs `{key}`: `--mount=type={kind},{key}=\"...\"`"
            )));
        }
    };
    Ok(quote!(#constructor #(#setters)*))
}

/// A mode as in a Dockerfile: the digits are octal (`755`), or Rust's `0o755`.
fn octal(cx: &mut Cx, l: &Literal) -> Option<u32> {
    let text = l.to_string().replace('_', "");
    let digits = text.strip_prefix("0o").unwrap_or(&text);
    match u32::from_str_radix(digits, 8) {
        Ok(m) => {
            cx.check(l.span(), rules::chmod_octal(m));
            Some(m)
        }
        Err(_) => {
            cx.push(error(
                l.span(),
                format!("invalid mode `{text}`: the digits of a mode are octal (0 to 7), such as `755` or `0o755`"),
            ));
            None
        }
    }
}

fn octal_literal(mode: u32) -> TokenStream {
    format!("0o{mode:o}")
        .parse()
        .unwrap_or_else(|_| TokenTree::Literal(Literal::u32_unsuffixed(mode)).into())
}

fn integer(cx: &mut Cx, l: &Literal) -> Option<u64> {
    match syn::Lit::new(l.clone()) {
        syn::Lit::Int(i) if i.suffix().is_empty() => match i.base10_parse::<u64>() {
            Ok(n) => Some(n),
            Err(e) => {
                cx.push(error(l.span(), e));
                None
            }
        },
        _ => {
            cx.push(error(l.span(), "expected an integer"));
            None
        }
    }
}

/// `--from` or a mount's `from` given as a string: an image, unless it names a stage.
fn source(cx: &mut Cx, v: &Value) -> TokenStream {
    let k = cx.krate.clone();
    match v {
        Value::Lit(l, text) => {
            if cx.not_a_stage_name(text, l.span()) {
                cx.check(l.span(), rules::image(text));
            }
            quote!(#k::Source::image(#l))
        }
        Value::Expr(g) => cursor::expr(g),
    }
}

/// `["exe", "arg", ...]`: string literals or `{expr}`, separated by commas.
fn exec_array(cx: &mut Cx, group: &Group) -> Result<Vec<Value>> {
    let mut c = Cursor::of_group(group);
    let mut out = Vec::new();
    while !c.is_empty() {
        let v = value(&mut c, "an element of the exec form (JSON array)")?;
        check_value(cx, &v, rules::exec_arg);
        out.push(v);
        if c.is_empty() {
            break;
        }
        c.expect_punct(',', "between the elements of the exec form (JSON array)")?;
    }
    Ok(out)
}

/// CMD, ENTRYPOINT and HEALTHCHECK CMD: `[...]` (exec form), a string (shell form) or `{expr}`.
fn command(cx: &mut Cx, c: &mut Cursor) -> Result<TokenStream> {
    let k = cx.krate.clone();
    if let Some(g) = c.peek_group(Delimiter::Bracket).cloned() {
        c.next();
        let argv = exec_array(cx, &g)?;
        let argv = list(&k, &argv);
        return Ok(quote!(#k::Command::Exec(#argv)));
    }
    match value(c, "the command (`[\"exe\", \"arg\"]` or a shell command)")? {
        Value::Expr(g) => {
            let e = cursor::expr(&g);
            // The builder's own conversion, so that a string gets its note on shell form.
            Ok(quote_spanned!(g.span()=> #k::IntoCommand::into_command(#e)))
        }
        v @ Value::Lit(..) => {
            check_value(cx, &v, |s| shell_command(s.trim(), false));
            let v = v.tokens();
            Ok(quote!(#k::Command::shell(#v)))
        }
    }
}

/// An EXPOSE port: `80`, `53/udp`, `8000-8010/tcp`, `"53/udp"` or `{expr}`.
fn port(cx: &mut Cx, c: &mut Cursor) -> Result<TokenStream> {
    let k = cx.krate.clone();
    let (text, span) = match c.next() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
            let e = cursor::expr(&g);
            return Ok(quote!(#k::__private::Into::<#k::Port>::into(#e)));
        }
        Some(TokenTree::Literal(l)) => match string(&l) {
            Some(s) => (s, l.span()),
            None => {
                let mut text = l.to_string();
                if c.peek_punct('-') {
                    c.next();
                    match c.next() {
                        Some(TokenTree::Literal(end)) => {
                            text.push('-');
                            text.push_str(&end.to_string());
                        }
                        other => {
                            return Err(error(
                                other.map_or(c.span(), |t| t.span()),
                                "expected the end of the port range",
                            ));
                        }
                    }
                }
                if c.peek_punct('/') {
                    c.next();
                    match c.next() {
                        Some(t @ TokenTree::Ident(_)) => {
                            text.push('/');
                            text.push_str(&t.to_string());
                        }
                        other => {
                            return Err(error(
                                other.map_or(c.span(), |t| t.span()),
                                "expected a protocol: tcp, udp or sctp",
                            ));
                        }
                    }
                }
                (text, l.span())
            }
        },
        other => {
            return Err(error(
                other.map_or(c.span(), |t| t.span()),
                "expected a port: `80`, `53/udp`, `8000-8010`, or `{expr}`",
            ));
        }
    };
    match rules::port(&text) {
        Ok(p) => {
            let (start, end) = (
                Literal::u16_unsuffixed(p.start),
                Literal::u16_unsuffixed(p.end),
            );
            let protocol = match p.protocol {
                "udp" => quote!(Udp),
                "sctp" => quote!(Sctp),
                _ => quote!(Tcp),
            };
            Ok(if p.start == p.end {
                let ctor = proc_macro2::Ident::new(p.protocol, Span::call_site());
                quote!(#k::Port::#ctor(#start))
            } else if p.protocol == "tcp" {
                quote!(#k::Port::range(#start, #end))
            } else {
                quote!(#k::Port::range(#start, #end).protocol(#k::Protocol::#protocol))
            })
        }
        Err(e) => {
            cx.push(invalid(span, e));
            Ok(quote!(#k::Port::tcp(0)))
        }
    }
}

/// COPY and ADD: flags, then sources and the destination, or `<< content dest`.
fn files(cx: &mut Cx, c: &mut Cursor, copy: bool) -> Result<TokenStream> {
    let k = cx.krate.clone();
    let (word, ty) = if copy {
        ("COPY", quote!(Copy))
    } else {
        ("ADD", quote!(Add))
    };
    let known = crate::rules::flags(word);
    let mut flags = Vec::new();
    while let Some(f) = known_flag(c, word, known)? {
        let (flag, span) = (f.name, f.last);
        match flag.as_str() {
            "link" | "parents" => {
                let setter = proc_macro2::Ident::new(&flag, span);
                flags.push(quote!(.#setter()));
            }
            "keep-git-dir" | "unpack" => {
                let setter = proc_macro2::Ident::new(&flag.replace('-', "_"), span);
                let v = if c.eat_punct('=').is_some() {
                    choice(c, &format!("--{flag}"), &["true", "false"], |b| {
                        let b = proc_macro2::Ident::new(b, Span::call_site());
                        quote!(#b)
                    })?
                } else {
                    quote!(true)
                };
                flags.push(quote!(.#setter(#v)));
            }
            "from" => {
                c.expect_punct('=', "after `--from`")?;
                let source = match c.peek() {
                    Some(TokenTree::Ident(_)) => match c.next() {
                        Some(TokenTree::Ident(i)) => quote!(&#i),
                        _ => TokenStream::new(),
                    },
                    _ => {
                        let v = value(c, "a stage, an image or `{expr}`")?;
                        source(cx, &v)
                    }
                };
                flags.push(quote!(.from(#source)));
            }
            "chmod" => {
                c.expect_punct('=', "after `--chmod`")?;
                let mode = match c.peek_literal().cloned() {
                    Some(l) if string(&l).is_none() => {
                        c.next();
                        octal(cx, &l).map(octal_literal)
                    }
                    _ => {
                        let v = value(c, "a mode: `755`, \"u=rwX,go=rX\" or `{expr}`")?;
                        match &v {
                            Value::Lit(l, text) => {
                                cx.check(l.span(), rules::chmod_symbolic(text));
                                Some(quote!(#k::Chmod::symbolic(#l)))
                            }
                            Value::Expr(_) => Some(v.tokens()),
                        }
                    }
                };
                if let Some(mode) = mode {
                    flags.push(quote!(.chmod(#mode)));
                }
            }
            _ => {
                c.expect_punct('=', &format!("after `--{flag}`"))?;
                let v = value(c, &format!("the value of `--{flag}`"))?;
                let rule: fn(&str) -> Check = if flag == "chown" {
                    rules::chown
                } else {
                    rules::flag_value
                };
                check_value(cx, &v, rule);
                let setter = proc_macro2::Ident::new(&flag, span);
                let v = v.tokens();
                flags.push(quote!(.#setter(#v)));
            }
        }
    }
    let constructor = if c.eat_pair('<').is_some() {
        let content = value(c, "the inline file's content")?;
        check_value(cx, &content, rules::heredoc_body);
        let dest = value(c, "the destination")?;
        check_value(cx, &dest, path);
        let (content, dest) = (content.tokens(), dest.tokens());
        quote!(#k::#ty::inline(#content, #dest))
    } else {
        let mut paths = Vec::new();
        while !c.is_empty() {
            let v = value(c, "a path")?;
            check_value(cx, &v, path);
            paths.push(v);
        }
        let Some(dest) = paths.pop() else {
            return Err(error(
                c.span(),
                format!("{word} needs a source and a destination: `{word} \"src\" \"dest\"`"),
            ));
        };
        let dest = dest.tokens();
        match paths.as_slice() {
            [] => {
                return Err(error(
                    c.span(),
                    format!("{word} needs a source and a destination: `{word} \"src\" \"dest\"`"),
                ));
            }
            [src] => {
                let src = src.tokens();
                quote!(#k::#ty::new(#src, #dest))
            }
            many => {
                let many = strings(&k, many);
                quote!(#k::#ty::many(#many, #dest))
            }
        }
    };
    Ok(quote!(#constructor #(#flags)*))
}

/// `HEALTHCHECK NONE` or `HEALTHCHECK [flags] CMD command`.
fn healthcheck(cx: &mut Cx, c: &mut Cursor) -> Result<TokenStream> {
    let k = cx.krate.clone();
    if c.peek_keyword("NONE") {
        c.next();
        return Ok(quote!(#k::Instruction::Healthcheck(#k::Healthcheck::None)));
    }
    let mut flags = Vec::new();
    while let Some(f) = known_flag(c, "HEALTHCHECK", crate::rules::flags("HEALTHCHECK"))? {
        let (flag, span) = (f.name, f.last);
        c.expect_punct('=', &format!("after `--{flag}`"))?;
        let setter = proc_macro2::Ident::new(&flag.replace('-', "_"), span);
        let v = match c.next() {
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                Some(cursor::expr(&g))
            }
            Some(TokenTree::Literal(l)) if flag == "retries" => integer(cx, &l).map(|n| {
                let n = Literal::u64_unsuffixed(n);
                quote!(#n)
            }),
            Some(TokenTree::Literal(l)) => {
                let text = string(&l).unwrap_or_else(|| l.to_string());
                match rules::duration(&text) {
                    Ok(nanos) => {
                        let secs = u64::try_from(nanos / 1_000_000_000).unwrap_or(u64::MAX);
                        let sub = u32::try_from(nanos % 1_000_000_000).unwrap_or(0);
                        let (secs, sub) =
                            (Literal::u64_unsuffixed(secs), Literal::u32_unsuffixed(sub));
                        Some(quote!(#k::__private::Duration::new(#secs, #sub)))
                    }
                    Err(e) => {
                        cx.push(invalid(l.span(), e));
                        None
                    }
                }
            }
            other => {
                return Err(error(
                    other.map_or(c.span(), |t| t.span()),
                    if flag == "retries" {
                        "expected a number of retries, or `{expr}`"
                    } else {
                        "expected a duration such as `30s`, `1m30s` or \"2.5s\", or `{expr}`"
                    },
                ));
            }
        };
        if let Some(v) = v {
            flags.push(quote!(.#setter(#v)));
        }
    }
    match c.next() {
        Some(TokenTree::Ident(i)) if i == "CMD" => {}
        other => {
            return Err(error(
                other.map_or(c.span(), |t| t.span()),
                "expected `CMD` (or `NONE`): `HEALTHCHECK --interval=30s CMD [\"...\"]`",
            ));
        }
    }
    let command = command(cx, c)?;
    Ok(quote!(#k::Healthcheck::cmd(#command) #(#flags)*))
}
