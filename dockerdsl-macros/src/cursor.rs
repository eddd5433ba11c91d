//! A cursor over the tokens of one instruction (or one stage header), with the few
//! look-aheads the grammar needs.

use proc_macro2::{Delimiter, Group, Ident, Literal, Spacing, Span, TokenStream, TokenTree};

pub(crate) type Result<T> = std::result::Result<T, syn::Error>;

pub(crate) fn error(span: Span, message: impl std::fmt::Display) -> syn::Error {
    syn::Error::new(span, message)
}

pub(crate) struct Cursor {
    tokens: Vec<TokenTree>,
    pos: usize,
    /// Where to point when the tokens run out: the whole instruction or group.
    end: Span,
}

impl Cursor {
    pub(crate) fn new(tokens: impl IntoIterator<Item = TokenTree>, end: Span) -> Self {
        Cursor {
            tokens: tokens.into_iter().collect(),
            pos: 0,
            end,
        }
    }

    pub(crate) fn of_group(group: &Group) -> Self {
        Cursor::new(group.stream(), group.span_close())
    }

    pub(crate) fn peek(&self) -> Option<&TokenTree> {
        self.tokens.get(self.pos)
    }

    pub(crate) fn peek_at(&self, n: usize) -> Option<&TokenTree> {
        self.tokens.get(self.pos + n)
    }

    pub(crate) fn next(&mut self) -> Option<TokenTree> {
        let t = self.tokens.get(self.pos).cloned();
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    /// The span of the next token, or of the end.
    pub(crate) fn span(&self) -> Span {
        self.peek().map_or(self.end, TokenTree::span)
    }

    pub(crate) fn peek_punct(&self, c: char) -> bool {
        matches!(self.peek(), Some(TokenTree::Punct(p)) if p.as_char() == c)
    }

    pub(crate) fn eat_punct(&mut self, c: char) -> Option<Span> {
        if self.peek_punct(c) {
            self.next().map(|t| t.span())
        } else {
            None
        }
    }

    pub(crate) fn expect_punct(&mut self, c: char, context: &str) -> Result<Span> {
        self.eat_punct(c)
            .ok_or_else(|| error(self.span(), format!("expected `{c}` {context}")))
    }

    /// Two punctuation characters written together: `&&`, `<<`, `--`.
    pub(crate) fn peek_pair(&self, c: char) -> bool {
        matches!(
            (self.peek(), self.peek_at(1)),
            (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
                if a.as_char() == c && b.as_char() == c && a.spacing() == Spacing::Joint
        )
    }

    pub(crate) fn eat_pair(&mut self, c: char) -> Option<Span> {
        if self.peek_pair(c) {
            let first = self.next().map(|t| t.span());
            self.next();
            first
        } else {
            None
        }
    }

    pub(crate) fn peek_ident(&self) -> Option<&Ident> {
        match self.peek() {
            Some(TokenTree::Ident(i)) => Some(i),
            _ => None,
        }
    }

    pub(crate) fn peek_keyword(&self, word: &str) -> bool {
        self.peek_ident().is_some_and(|i| i == word)
    }

    pub(crate) fn peek_group(&self, delimiter: Delimiter) -> Option<&Group> {
        match self.peek() {
            Some(TokenTree::Group(g)) if g.delimiter() == delimiter => Some(g),
            _ => None,
        }
    }

    pub(crate) fn peek_literal(&self) -> Option<&Literal> {
        match self.peek() {
            Some(TokenTree::Literal(l)) => Some(l),
            _ => None,
        }
    }

    /// A flag: `--name` or `--two-words`.
    pub(crate) fn flag(&mut self) -> Option<Result<Flag>> {
        let first = self.eat_pair('-')?;
        let (mut name, mut last) = match self.next() {
            Some(TokenTree::Ident(i)) => (unraw(&i), i.span()),
            other => {
                return Some(Err(error(
                    other.map_or(self.end, |t| t.span()),
                    "expected a flag name after `--`",
                )));
            }
        };
        while self.peek_punct('-') && matches!(self.peek_at(1), Some(TokenTree::Ident(_))) {
            self.next();
            if let Some(TokenTree::Ident(i)) = self.next() {
                name.push('-');
                name.push_str(&unraw(&i));
                last = i.span();
            }
        }
        Some(Ok(Flag { name, first, last }))
    }

    /// Fails on what is left, if anything.
    pub(crate) fn finish(&self, context: &str) -> Result<()> {
        match self.peek() {
            None => Ok(()),
            Some(t) => Err(error(t.span(), format!("unexpected `{t}` {context}"))),
        }
    }
}

/// An identifier as its text, without `r#`.
pub(crate) fn unraw(i: &Ident) -> String {
    let s = i.to_string();
    s.strip_prefix("r#")
        .map_or_else(|| s.clone(), str::to_owned)
}

/// A group's tokens as one expression, keeping the user's spans. The group is invisible (not
/// parentheses): it keeps precedence without an `unused_parens` warning in the user's code.
pub(crate) fn expr(group: &Group) -> TokenStream {
    let mut g = Group::new(Delimiter::None, group.stream());
    g.set_span(group.span());
    TokenTree::Group(g).into()
}

/// A flag's name and where it is written.
pub(crate) struct Flag {
    pub(crate) name: String,
    first: Span,
    pub(crate) last: Span,
}

impl Flag {
    /// An error underlining the whole flag, `--` included.
    pub(crate) fn error(&self, message: impl std::fmt::Display) -> syn::Error {
        let mut dash = proc_macro2::Punct::new('-', Spacing::Alone);
        dash.set_span(self.first);
        let name = Ident::new("flag", self.last);
        syn::Error::new_spanned(quote::quote!(#dash #name), message)
    }
}
