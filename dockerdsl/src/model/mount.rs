//! `RUN --mount=...`: bind, cache, tmpfs, secret and ssh mounts, each with all its options.

use crate::model::source::{IntoSource, Source};
use crate::model::text::Text;
use crate::rules::vocab;

/// `mode`, `uid` and `gid`, shared by cache, secret and ssh mounts.
macro_rules! owner_options {
    ($what:literal, $default:literal) => {
        #[doc = concat!("The ", $what, "'s mode (default `", $default, "`).")]
        pub fn mode(mut self, mode: u32) -> Self {
            self.mode = Some(mode);
            self
        }

        #[doc = concat!("The ", $what, "'s owner.")]
        pub fn uid(mut self, uid: u32) -> Self {
            self.uid = Some(uid);
            self
        }

        #[doc = concat!("The ", $what, "'s group.")]
        pub fn gid(mut self, gid: u32) -> Self {
            self.gid = Some(gid);
            self
        }
    };
}

/// One `--mount` of a `RUN`.
///
/// ```
/// use dockerdsl::{Dockerfile, Mount, Run, Sharing, Stage};
///
/// let build = Stage::from_image("build", "rust:1.83").run(
///     Run::new("cargo build --release")
///         .mount(Mount::cache("/usr/local/cargo/registry").sharing(Sharing::Locked))
///         .mount(Mount::secret("npm-token").env("NPM_TOKEN")),
/// );
/// let text = Dockerfile::new(&build)?.to_string();
/// assert!(text.contains(
///     "RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \\\n    \
///      --mount=type=secret,id=npm-token,env=NPM_TOKEN \\\n    \
///      cargo build --release\n"
/// ));
/// # Ok::<(), dockerdsl::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Mount {
    /// `type=bind`: files from the context, a stage or an image, read-only by default.
    Bind(BindMount),
    /// `type=cache`: a directory kept between builds.
    Cache(CacheMount),
    /// `type=tmpfs`: an in-memory directory.
    Tmpfs(TmpfsMount),
    /// `type=secret`: a build secret, as a file or an environment variable.
    Secret(SecretMount),
    /// `type=ssh`: the build's SSH agent socket.
    Ssh(SshMount),
}

impl Mount {
    /// The `type=` word of this mount.
    pub(crate) fn kind(&self) -> &'static str {
        let [bind, cache, tmpfs, secret, ssh] = vocab::MOUNT_TYPES;
        match self {
            Mount::Bind(_) => bind,
            Mount::Cache(_) => cache,
            Mount::Tmpfs(_) => tmpfs,
            Mount::Secret(_) => secret,
            Mount::Ssh(_) => ssh,
        }
    }
}

impl Mount {
    /// A bind mount of the build context (or of `from`) at `target`; an empty target
    /// mounts at the working directory (BuildKit's default when `target` is left out).
    pub fn bind(target: impl Into<Text>) -> BindMount {
        BindMount {
            target: target.into(),
            source: None,
            from: None,
            rw: false,
        }
    }

    /// A cache mount at `target`.
    pub fn cache(target: impl Into<Text>) -> CacheMount {
        CacheMount {
            target: target.into(),
            id: None,
            sharing: None,
            from: None,
            source: None,
            ro: false,
            mode: None,
            uid: None,
            gid: None,
        }
    }

    /// A tmpfs mount at `target`.
    pub fn tmpfs(target: impl Into<Text>) -> TmpfsMount {
        TmpfsMount {
            target: target.into(),
            size: None,
        }
    }

    /// The secret `id` (`docker build --secret id=...`), by default as the file
    /// `/run/secrets/<id>`.
    pub fn secret(id: impl Into<Text>) -> SecretMount {
        SecretMount {
            id: id.into(),
            target: None,
            env: None,
            required: false,
            mode: None,
            uid: None,
            gid: None,
        }
    }

    /// The default SSH agent socket.
    pub fn ssh() -> SshMount {
        SshMount {
            id: None,
            target: None,
            required: false,
            mode: None,
            uid: None,
            gid: None,
        }
    }
}

/// Options of a bind mount; see [`Mount::bind`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[must_use = "builder methods return the changed mount, which is lost unless used"]
pub struct BindMount {
    pub(crate) target: Text,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) source: Option<Text>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) from: Option<Source>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub(crate) rw: bool,
}

impl BindMount {
    /// The path inside `from` (default: its root).
    pub fn source(mut self, path: impl Into<Text>) -> Self {
        self.source = Some(path.into());
        self
    }

    /// Mount from a stage, an image or a named context instead of the build context.
    pub fn from(mut self, from: impl IntoSource) -> Self {
        self.from = Some(from.into_source());
        self
    }

    /// Writable (changes are discarded after the step).
    pub fn rw(mut self) -> Self {
        self.rw = true;
        self
    }
}

/// How concurrent builds share a cache mount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Sharing {
    /// Concurrent writers share the cache (the default).
    Shared,
    /// Each writer gets a new cache when it is in use.
    Private,
    /// Writers wait for each other.
    Locked,
}

impl Sharing {
    pub(crate) fn as_str(self) -> &'static str {
        let [shared, private, locked] = vocab::SHARING;
        match self {
            Sharing::Shared => shared,
            Sharing::Private => private,
            Sharing::Locked => locked,
        }
    }
}

/// Options of a cache mount; see [`Mount::cache`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[must_use = "builder methods return the changed mount, which is lost unless used"]
pub struct CacheMount {
    pub(crate) target: Text,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) id: Option<Text>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) sharing: Option<Sharing>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) from: Option<Source>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) source: Option<Text>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub(crate) ro: bool,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) mode: Option<u32>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) uid: Option<u32>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) gid: Option<u32>,
}

impl CacheMount {
    /// The cache's id (default: the target path).
    pub fn id(mut self, id: impl Into<Text>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// How concurrent builds share it.
    pub fn sharing(mut self, sharing: Sharing) -> Self {
        self.sharing = Some(sharing);
        self
    }

    /// Seed an empty cache from a stage, an image or a named context.
    #[inline]
    pub fn from(mut self, from: impl IntoSource) -> Self {
        self.from = Some(from.into_source());
        self
    }

    /// The path inside `from` to seed from.
    pub fn source(mut self, path: impl Into<Text>) -> Self {
        self.source = Some(path.into());
        self
    }

    /// Read-only.
    pub fn ro(mut self) -> Self {
        self.ro = true;
        self
    }

    owner_options!("directory", "0o755");
}

/// Options of a tmpfs mount; see [`Mount::tmpfs`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[must_use = "builder methods return the changed mount, which is lost unless used"]
pub struct TmpfsMount {
    pub(crate) target: Text,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) size: Option<u64>,
}

impl TmpfsMount {
    /// The size limit in bytes.
    pub fn size(mut self, bytes: u64) -> Self {
        self.size = Some(bytes);
        self
    }
}

/// Options of a secret mount; see [`Mount::secret`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[must_use = "builder methods return the changed mount, which is lost unless used"]
pub struct SecretMount {
    pub(crate) id: Text,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) target: Option<Text>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) env: Option<Text>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub(crate) required: bool,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) mode: Option<u32>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) uid: Option<u32>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) gid: Option<u32>,
}

impl SecretMount {
    /// Mount the secret as this file instead of `/run/secrets/<id>`.
    pub fn target(mut self, path: impl Into<Text>) -> Self {
        self.target = Some(path.into());
        self
    }

    /// Expose the secret as this environment variable (syntax 1.10); without a `target` it
    /// is then not mounted as a file.
    pub fn env(mut self, name: impl Into<Text>) -> Self {
        self.env = Some(name.into());
        self
    }

    /// Fail the build when the secret is not given.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    owner_options!("file", "0o400");
}

/// Options of an SSH mount; see [`Mount::ssh`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[must_use = "builder methods return the changed mount, which is lost unless used"]
pub struct SshMount {
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) id: Option<Text>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) target: Option<Text>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub(crate) required: bool,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) mode: Option<u32>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) uid: Option<u32>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(crate) gid: Option<u32>,
}

impl SshMount {
    /// The SSH agent's id (`docker build --ssh ID=...`; default `default`).
    pub fn id(mut self, id: impl Into<Text>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// The socket's path.
    pub fn target(mut self, path: impl Into<Text>) -> Self {
        self.target = Some(path.into());
        self
    }

    /// Fail the build when no agent is given.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    owner_options!("socket", "0o600");
}

macro_rules! into_mount {
    ($($ty:ident => $variant:ident),*) => {$(
        impl From<$ty> for Mount {
            fn from(m: $ty) -> Mount {
                Mount::$variant(m)
            }
        }
    )*};
}

into_mount!(BindMount => Bind, CacheMount => Cache, TmpfsMount => Tmpfs, SecretMount => Secret, SshMount => Ssh);
