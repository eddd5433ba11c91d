//! [`Text`]: the type of every free-text value of the model (a path, a command, a name).
//!
//! Most values of a Dockerfile written in Rust are string literals. As `String`s each one was
//! copied into an allocation of its own when the builder call ran and freed when the model
//! was dropped: at 1,000 benchmark stages about a third of the time from nothing to the text
//! went to that. A `Text` made from a literal borrows it (no allocation, nothing to free), and
//! one made from a `String` (`format!`) keeps that `String`'s allocation, so no value is
//! copied on the way in.

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

/// A text value of the model: a string literal, borrowed for free, or an owned `String`.
///
/// It reads as a `&str` ([`Deref`]), compares equal to `str` and `String`, and serializes as
/// a plain string. Builder methods take `impl Into<Text>`, so a literal (`"/src"`), a
/// `String` (`format!(..)`) or a `&String` goes in as before; a borrowed `&str` that is not
/// `'static` goes in as `s.to_owned()` (or [`Text::copy`]).
///
/// ```
/// use dockerdsl::{Instruction, Stage, Text};
///
/// let version = 23;
/// let s = Stage::from_image("app", "alpine:3.20")
///     .workdir("/src")
///     .env("VERSION", format!("1.{version}"));
/// assert!(matches!(&s.instructions()[0], Instruction::Workdir(dir) if dir == "/src"));
/// let text = Text::from("/src");
/// assert_eq!(text.len(), 4);
/// assert_eq!(text.as_str(), "/src");
/// ```
#[derive(Clone, Default)]
pub struct Text(Cow<'static, str>);

impl Text {
    /// The text of a literal (or any `'static` string), borrowed: in a `const` too.
    pub const fn from_static(s: &'static str) -> Text {
        Text(Cow::Borrowed(s))
    }

    /// A copy of borrowed text that does not live for the whole program.
    pub fn copy(s: &str) -> Text {
        Text(Cow::Owned(s.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text as an owned `String` (a copy when it is borrowed).
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }

    /// The same text with `suffix` appended (a copy when it is borrowed).
    pub(crate) fn with_suffix(self, suffix: char) -> Text {
        let mut s = self.0.into_owned();
        s.push(suffix);
        Text(Cow::Owned(s))
    }

    /// The text without leading and trailing whitespace; a copy only when it had some and
    /// is owned, a narrower borrow of a literal otherwise.
    pub(crate) fn trimmed(self) -> Text {
        // Most commands start and end with a visible ASCII character: nothing to trim, and
        // no need for `trim`'s decoding of characters from both ends.
        let visible = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_graphic());
        if visible(self.0.as_bytes().first()) && visible(self.0.as_bytes().last()) {
            return self;
        }
        let trimmed = self.0.trim();
        if trimmed.len() == self.0.len() {
            return self;
        }
        match self.0 {
            Cow::Borrowed(s) => Text(Cow::Borrowed(s.trim())),
            Cow::Owned(s) => Text(Cow::Owned(s.trim().to_owned())),
        }
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&'static str> for Text {
    fn from(s: &'static str) -> Self {
        Text(Cow::Borrowed(s))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(Cow::Owned(s))
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Self {
        Text(Cow::Owned(s.clone()))
    }
}

impl From<Box<str>> for Text {
    fn from(s: Box<str>) -> Self {
        Text(Cow::Owned(s.into()))
    }
}

impl From<Cow<'static, str>> for Text {
    fn from(s: Cow<'static, str>) -> Self {
        Text(s)
    }
}

impl From<&Text> for Text {
    fn from(s: &Text) -> Self {
        s.clone()
    }
}

impl From<char> for Text {
    fn from(c: char) -> Self {
        Text(Cow::Owned(c.into()))
    }
}

impl From<Text> for String {
    fn from(t: Text) -> Self {
        t.into_string()
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

/// Hashes as the `str` does, so that a `Text` key is found by a `&str` (`Borrow<str>`).
impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

/// Shows as the string does (`"/src"`), whether borrowed or owned.
impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A plain JSON string.
#[cfg(feature = "serde")]
impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// From a plain string.
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Text::from)
    }
}

/// The schema of a string, as `String`'s (the checked-in schema is unchanged by `Text`).
#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Text {
    fn inline_schema() -> bool {
        <String as schemars::JsonSchema>::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        <String as schemars::JsonSchema>::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        <String as schemars::JsonSchema>::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <String as schemars::JsonSchema>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::Text;

    #[test]
    fn a_literal_is_borrowed_and_a_string_kept() {
        let literal = "/src";
        let text = Text::from(literal);
        assert_eq!(text.as_ptr(), literal.as_ptr());
        let owned = String::from("/srv/app");
        let ptr = owned.as_ptr();
        let text = Text::from(owned);
        assert_eq!(text.as_ptr(), ptr);
    }

    #[test]
    fn trimming_a_literal_borrows_it() {
        let literal = "  make  ";
        let text = Text::from(literal).trimmed();
        assert_eq!(text, "make");
        assert_eq!(text.as_ptr(), literal[2..].as_ptr());
        assert_eq!(Text::from(String::from(" a ")).trimmed(), "a");
        assert_eq!(Text::from("a").with_suffix('\n'), "a\n");
    }

    #[test]
    fn equal_whether_borrowed_or_owned() {
        let a = Text::from("x");
        let b = Text::from(String::from("x"));
        assert_eq!(a, b);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert_eq!(format!("{a:?}"), "\"x\"");
        assert_eq!(a.cmp(&b), std::cmp::Ordering::Equal);
    }
}
