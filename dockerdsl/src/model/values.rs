//! Typed values used by instructions: image references, platforms, ports, signals, modes.
//!
//! Textual values keep the text the user gave and are checked when the `Dockerfile` is made
//! (by [`rules`](crate::rules)), so that every problem is reported at once; each also has a
//! `parse` that checks eagerly.

use crate::model::text::Text;
use crate::number::{push_octal, push_u64};
use crate::rules::{self, Invalid};
use std::fmt;

/// Error from an eager `parse` of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidValue {
    message: String,
    help: Option<String>,
}

impl InvalidValue {
    /// What is wrong with the value, in lower case.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// How to fix the value, when there is a known fix.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }
}

impl From<Invalid> for InvalidValue {
    fn from(i: Invalid) -> Self {
        InvalidValue {
            message: i.message,
            help: i.help,
        }
    }
}

impl fmt::Display for InvalidValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for InvalidValue {}

/// An image reference: `[registry/]repository[:tag][@digest]`.
///
/// ```
/// use dockerdsl::ImageRef;
///
/// let image = ImageRef::parse("ghcr.io/acme/app:1.4")?;
/// assert_eq!(image.registry(), Some("ghcr.io"));
/// assert_eq!(image.repository(), "acme/app");
/// assert_eq!(image.tag(), Some("1.4"));
/// assert_eq!(image.digest(), None);
/// assert!(ImageRef::parse("Alpine:3").is_err());
/// // A first component with an upper-case letter is a registry host, as BuildKit reads it.
/// assert_eq!(ImageRef::parse("Registry/app:1")?.registry(), Some("Registry"));
/// # Ok::<(), dockerdsl::InvalidValue>(())
/// ```
///
/// A `&str` converts without a check, so builder calls stay short; the text is checked when
/// the `Dockerfile` is made. References may use global build arguments (`rust:${RUST_VERSION}`):
/// one is taken when some value of its arguments makes it a reference, since BuildKit checks
/// it only after they are substituted, and refused when none does.
///
/// ```
/// use dockerdsl::ImageRef;
///
/// assert!(ImageRef::parse("rust:${RUST_VERSION}-slim").is_ok());
/// // `GO` may hold `5000/x`: `golang:5000/x:alpine` is the image `x:alpine` on the
/// // registry `golang:5000`.
/// assert!(ImageRef::parse("golang:${GO}:alpine").is_ok());
/// // No value makes a reference of these: a second `:` right after a host, a `$` that
/// // names no variable.
/// assert!(ImageRef::parse("golang::${GO}").is_err());
/// assert!(ImageRef::parse("alpine$").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct ImageRef(Text);

impl ImageRef {
    /// Parses and checks an image reference.
    pub fn parse(s: &str) -> Result<ImageRef, InvalidValue> {
        rules::image(s)?;
        Ok(ImageRef(Text::copy(s)))
    }

    /// The reference as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn parts(&self) -> Option<rules::ImageParts<'_>> {
        rules::image(&self.0).ok()
    }

    /// The registry host (and port), when the reference names one.
    pub fn registry(&self) -> Option<&str> {
        self.parts().and_then(|p| p.registry)
    }

    /// The repository path, without registry, tag or digest.
    pub fn repository(&self) -> &str {
        self.parts().map_or(self.0.as_str(), |p| p.repository)
    }

    /// The tag, when there is one.
    pub fn tag(&self) -> Option<&str> {
        self.parts().and_then(|p| p.tag)
    }

    /// The digest (`sha256:...`), when there is one.
    pub fn digest(&self) -> Option<&str> {
        self.parts().and_then(|p| p.digest)
    }

    pub(crate) fn check(&self) -> rules::Check {
        rules::image(&self.0).map(|_| ())
    }
}

/// A copy of the text (a reference is mostly a variable's value, not a literal).
impl From<&str> for ImageRef {
    fn from(s: &str) -> Self {
        ImageRef(Text::copy(s))
    }
}

/// The same check as [`ImageRef::parse`], so that `"alpine:3.20".parse::<ImageRef>()?` works
/// where a checked value is wanted now rather than when the `Dockerfile` is made.
///
/// ```
/// use dockerdsl::ImageRef;
///
/// let image: ImageRef = "ghcr.io/acme/app:1.4".parse()?;
/// assert_eq!(image.tag(), Some("1.4"));
/// let err = "alpine::3.20".parse::<ImageRef>().unwrap_err();
/// assert_eq!(
///     err.message(),
///     "invalid image reference \"alpine::3.20\": `:` at position 7: only one `:` separates \
///      the tag (or a registry's port)"
/// );
/// # Ok::<(), dockerdsl::InvalidValue>(())
/// ```
impl std::str::FromStr for ImageRef {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ImageRef::parse(s)
    }
}

impl From<String> for ImageRef {
    fn from(s: String) -> Self {
        ImageRef(s.into())
    }
}

impl From<&String> for ImageRef {
    fn from(s: &String) -> Self {
        ImageRef(s.into())
    }
}

impl From<Text> for ImageRef {
    fn from(s: Text) -> Self {
        ImageRef(s)
    }
}

impl From<&ImageRef> for ImageRef {
    fn from(s: &ImageRef) -> Self {
        s.clone()
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A named build context (`docker build --build-context NAME=...`), usable as a base
/// (`FROM NAME`) or a copy source (`COPY --from=NAME`).
///
/// ```
/// use dockerdsl::{Context, Dockerfile, Stage};
///
/// let app = Stage::from_image("app", "alpine:3.20").copy_from(Context::new("assets"), "/", "/srv/");
/// assert!(Dockerfile::new(&app)?.to_string().contains("COPY --from=assets / /srv/\n"));
/// # Ok::<(), dockerdsl::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Context(Text);

impl Context {
    /// A build context by name; the name follows the rules of stage names.
    pub fn new(name: impl Into<Text>) -> Self {
        Context(name.into())
    }

    /// The context's name.
    pub fn name(&self) -> &str {
        &self.0
    }
}

/// `FROM --platform=...`: a constant platform or one of BuildKit's platform arguments.
///
/// ```
/// use dockerdsl::Platform;
///
/// assert_eq!(Platform::BUILD.as_str(), "$BUILDPLATFORM");
/// assert_eq!(Platform::new("linux/arm64").as_str(), "linux/arm64");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Platform(Text);

impl Platform {
    /// `$BUILDPLATFORM`: the platform of the machine that builds (the cross-compile pattern).
    pub const BUILD: Platform = Platform(Text::from_static("$BUILDPLATFORM"));
    /// `$TARGETPLATFORM`: the platform being built for.
    pub const TARGET: Platform = Platform(Text::from_static("$TARGETPLATFORM"));

    /// `os/arch[/variant]`, a `$VARIABLE`, or one with variables BuildKit substitutes
    /// (`${PLATFORM:-linux/amd64}`, `linux/${ARCH}`); checked when the `Dockerfile` is made.
    pub fn new(platform: impl Into<Text>) -> Self {
        Platform(platform.into())
    }

    /// Parses and checks a platform (`os/arch[/variant]`, a `$VARIABLE`, or one with
    /// variables).
    ///
    /// ```
    /// use dockerdsl::Platform;
    ///
    /// assert_eq!(Platform::parse("linux/arm64")?.as_str(), "linux/arm64");
    /// assert_eq!("linux/amd64".parse::<Platform>()?, Platform::new("linux/amd64"));
    /// assert!(Platform::parse("${PLATFORM:-linux/amd64}").is_ok());
    /// assert!(Platform::parse("Linux/AMD64").is_err());
    /// # Ok::<(), dockerdsl::InvalidValue>(())
    /// ```
    pub fn parse(s: &str) -> Result<Platform, InvalidValue> {
        rules::platform(s)?;
        Ok(Platform::new(Text::copy(s)))
    }

    /// The platform as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A copy of the text (a reference is mostly a variable's value, not a literal).
impl From<&str> for Platform {
    fn from(s: &str) -> Self {
        Platform::new(Text::copy(s))
    }
}

impl From<String> for Platform {
    fn from(s: String) -> Self {
        Platform::new(s)
    }
}

/// The same check as [`Platform::parse`].
impl std::str::FromStr for Platform {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Platform::parse(s)
    }
}

/// A transport protocol for `EXPOSE`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Protocol {
    /// TCP, the default (rendered without a suffix).
    #[default]
    Tcp,
    /// UDP.
    Udp,
    /// SCTP.
    Sctp,
}

impl Protocol {
    /// The lower-case name BuildKit expects.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Sctp => "sctp",
        }
    }
}

/// A port or a range of ports for `EXPOSE`.
///
/// ```
/// use dockerdsl::{Port, Protocol};
///
/// assert_eq!(Port::from(80).to_string(), "80");
/// assert_eq!(Port::udp(53).to_string(), "53/udp");
/// assert_eq!(Port::range(8000, 8010).to_string(), "8000-8010");
/// assert_eq!("9000-9001/sctp".parse::<Port>()?, Port::range(9000, 9001).protocol(Protocol::Sctp));
/// # Ok::<(), dockerdsl::InvalidValue>(())
/// ```
///
/// A port can also be a build variable that BuildKit substitutes (`EXPOSE $PORT`):
/// [`Port::variable`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Port {
    start: u16,
    end: u16,
    protocol: Protocol,
    variable: Option<Text>,
}

/// TCP port 0: what the unused inline slots of a [`Ports`](crate::Ports) list hold (no
/// allocation), not a port one means to expose.
impl Default for Port {
    fn default() -> Self {
        Port::tcp(0)
    }
}

impl Port {
    /// A TCP port.
    pub fn tcp(port: u16) -> Self {
        Port::range(port, port)
    }

    /// A port from a build variable, such as `"$PORT"` or `"${PORT:-8080}"`, substituted by
    /// BuildKit (checked when the `Dockerfile` is made). Its `start` and `end` are 0.
    pub fn variable(text: impl Into<Text>) -> Self {
        Port {
            start: 0,
            end: 0,
            protocol: Protocol::Tcp,
            variable: Some(text.into()),
        }
    }

    /// The variable, for a port given by one.
    pub fn as_variable(&self) -> Option<&str> {
        self.variable.as_deref()
    }

    /// A UDP port.
    pub fn udp(port: u16) -> Self {
        Port::tcp(port).protocol(Protocol::Udp)
    }

    /// An SCTP port.
    pub fn sctp(port: u16) -> Self {
        Port::tcp(port).protocol(Protocol::Sctp)
    }

    /// A range of TCP ports, both ends included; `start` must not be above `end`.
    pub fn range(start: u16, end: u16) -> Self {
        Port {
            start,
            end,
            protocol: Protocol::Tcp,
            variable: None,
        }
    }

    /// The same ports with another protocol.
    pub fn protocol(self, protocol: Protocol) -> Self {
        Port { protocol, ..self }
    }

    /// The first port.
    pub fn start(&self) -> u16 {
        self.start
    }

    /// The last port (equal to `start` for a single port).
    pub fn end(&self) -> u16 {
        self.end
    }

    /// The protocol.
    pub fn get_protocol(&self) -> Protocol {
        self.protocol
    }

    pub(crate) fn check(&self) -> rules::Check {
        match &self.variable {
            Some(v) if v.starts_with('$') => rules::port_variable(v),
            // Text that did not parse as a port (`From<&str>`), refused here with its reason.
            Some(v) => rules::port(v).map(|_| ()),
            None => rules::port_range(self.start, self.end),
        }
    }
}

/// A port as text, as the `dockerfile!` macro takes it: `"8080"`, `"53/udp"`,
/// `"8000-8010/tcp"` or `"$PORT"`. Like an image reference given as text, it is checked when
/// the `Dockerfile` is made (or now, with [`str::parse`]).
///
/// ```
/// use dockerdsl::{Dockerfile, Port, Stage};
///
/// let dns = Stage::from_image("dns", "alpine:3.20").expose("53/udp").expose(8080);
/// assert!(Dockerfile::new(&dns)?.to_string().ends_with("EXPOSE 53/udp\nEXPOSE 8080\n"));
///
/// let typo = Stage::from_image("dns", "alpine:3.20").expose("53/dup");
/// assert!(Dockerfile::new(&typo).unwrap_err().to_string().contains("invalid port \"53/dup\""));
/// assert_eq!(Port::from("53/udp"), Port::udp(53));
/// # Ok::<(), dockerdsl::Error>(())
/// ```
impl From<&str> for Port {
    fn from(s: &str) -> Self {
        s.parse().unwrap_or_else(|_| Port {
            start: 0,
            end: 0,
            protocol: Protocol::Tcp,
            variable: Some(Text::copy(s)),
        })
    }
}

impl From<String> for Port {
    fn from(s: String) -> Self {
        Port::from(s.as_str())
    }
}

impl From<u16> for Port {
    fn from(port: u16) -> Self {
        Port::tcp(port)
    }
}

impl std::str::FromStr for Port {
    type Err = InvalidValue;

    /// `80`, `80/udp`, `8000-8010/tcp`; the protocol in lower case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.starts_with('$') {
            // An explicit `/tcp` stays: BuildKit shows a variable port as it expanded it,
            // `/tcp` included, in its findings (`found '7:7/tcp'`).
            let (text, protocol) = match s.rsplit_once('/') {
                Some((p, "udp")) => (p, Protocol::Udp),
                Some((p, "sctp")) => (p, Protocol::Sctp),
                _ => (s, Protocol::Tcp),
            };
            let port = Port::variable(Text::copy(text)).protocol(protocol);
            port.check()?;
            return Ok(port);
        }
        let parts = rules::port(s)?;
        let protocol = match parts.protocol {
            "udp" => Protocol::Udp,
            "sctp" => Protocol::Sctp,
            _ => Protocol::Tcp,
        };
        Ok(Port::range(parts.start, parts.end).protocol(protocol))
    }
}

impl Port {
    /// Appends the port as [`Display`](fmt::Display) writes it, for the renderer.
    pub(crate) fn push_to(&self, out: &mut String) {
        if let Some(v) = &self.variable {
            out.push_str(v);
        } else {
            push_u64(out, self.start.into());
            if self.end != self.start {
                out.push('-');
                push_u64(out, self.end.into());
            }
        }
        // Each suffix a constant: one store, no copy call.
        match self.protocol {
            Protocol::Tcp => {}
            Protocol::Udp => out.push_str("/udp"),
            Protocol::Sctp => out.push_str("/sctp"),
        }
    }
}

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.push_to(&mut out);
        f.write_str(&out)
    }
}

/// A signal for `STOPSIGNAL`: a name such as `SIGTERM`, a number, or a `$VARIABLE`.
///
/// ```
/// use dockerdsl::Signal;
///
/// assert_eq!(Signal::SIGQUIT.as_str(), "SIGQUIT");
/// assert!(Signal::parse("SIGRTMIN+3").is_ok());
/// assert!(Signal::parse("SIGTERM SIGKILL").is_err());
/// # Ok::<(), dockerdsl::InvalidValue>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Signal(Text);

impl Signal {
    /// `SIGTERM`, the default stop signal.
    pub const SIGTERM: Signal = Signal(Text::from_static("SIGTERM"));
    /// `SIGINT`.
    pub const SIGINT: Signal = Signal(Text::from_static("SIGINT"));
    /// `SIGQUIT` (nginx's graceful shutdown).
    pub const SIGQUIT: Signal = Signal(Text::from_static("SIGQUIT"));
    /// `SIGKILL`.
    pub const SIGKILL: Signal = Signal(Text::from_static("SIGKILL"));
    /// `SIGHUP`.
    pub const SIGHUP: Signal = Signal(Text::from_static("SIGHUP"));
    /// `SIGUSR1`.
    pub const SIGUSR1: Signal = Signal(Text::from_static("SIGUSR1"));
    /// `SIGWINCH` (Apache httpd's graceful stop).
    pub const SIGWINCH: Signal = Signal(Text::from_static("SIGWINCH"));

    /// Any signal; checked when the `Dockerfile` is made.
    pub fn new(signal: impl Into<Text>) -> Self {
        Signal(signal.into())
    }

    /// Parses and checks a signal.
    pub fn parse(s: &str) -> Result<Signal, InvalidValue> {
        rules::signal(s)?;
        Ok(Signal::new(Text::copy(s)))
    }

    /// The signal as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A copy of the text (a reference is mostly a variable's value, not a literal).
impl From<&str> for Signal {
    fn from(s: &str) -> Self {
        Signal::new(Text::copy(s))
    }
}

impl From<u8> for Signal {
    fn from(n: u8) -> Self {
        Signal::new(n.to_string())
    }
}

/// A file mode for `--chmod`: octal (`0o755`) or symbolic (`u=rwX,go=rX`).
///
/// ```
/// use dockerdsl::Chmod;
///
/// assert_eq!(Chmod::from(0o755).to_string(), "755");
/// assert_eq!(Chmod::from(0o4755).to_string(), "4755");
/// assert_eq!(Chmod::symbolic("u=rwX,go=rX").to_string(), "u=rwX,go=rX");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Chmod {
    /// An octal mode, at most `0o7777`.
    Octal(u32),
    /// A symbolic mode, checked when the `Dockerfile` is made (needs syntax 1.14).
    Symbolic(Text),
}

impl Chmod {
    /// A symbolic mode such as `+x` or `u=rwX,go=rX`.
    pub fn symbolic(mode: impl Into<Text>) -> Self {
        Chmod::Symbolic(mode.into())
    }

    pub(crate) fn check(&self) -> rules::Check {
        match self {
            Chmod::Octal(m) => rules::chmod_octal(*m),
            Chmod::Symbolic(s) => rules::chmod_symbolic(s),
        }
    }
}

impl From<u32> for Chmod {
    fn from(mode: u32) -> Self {
        Chmod::Octal(mode)
    }
}

impl From<&str> for Chmod {
    fn from(mode: &str) -> Self {
        Chmod::Symbolic(Text::copy(mode))
    }
}

impl Chmod {
    /// Appends the mode as [`Display`](fmt::Display) writes it, for the renderer.
    pub(crate) fn push_to(&self, out: &mut String) {
        match self {
            Chmod::Octal(m) => push_octal(out, *m, 1),
            Chmod::Symbolic(s) => out.push_str(s),
        }
    }
}

impl fmt::Display for Chmod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.push_to(&mut out);
        f.write_str(&out)
    }
}

/// `RUN --network=...`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Network {
    /// The default network.
    Default,
    /// No network access.
    None,
    /// The host's network (needs the `network.host` entitlement).
    Host,
}

impl Network {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Network::Default => "default",
            Network::None => "none",
            Network::Host => "host",
        }
    }
}

/// `RUN --security=...`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Security {
    /// The default sandbox.
    Sandbox,
    /// Privileged (needs the `security.insecure` entitlement).
    Insecure,
}

impl Security {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Security::Sandbox => "sandbox",
            Security::Insecure => "insecure",
        }
    }
}
