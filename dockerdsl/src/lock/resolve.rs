//! Resolving tags to digests over the registry HTTP API v2 (the `lock-resolve` feature).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use sha2::{Digest as _, Sha256};

use super::{
    DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, ImageName, LockedImage, OCI_INDEX, OCI_MANIFEST,
    valid_digest,
};

/// What the resolver asks for: a multi-platform index first (OCI, then Docker's manifest
/// list), else a single-platform manifest (OCI, Docker). Without the index types a registry
/// would answer with one platform's manifest, and its digest would pin that platform only.
const ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
                      application/vnd.docker.distribution.manifest.list.v2+json, \
                      application/vnd.oci.image.manifest.v1+json, \
                      application/vnd.docker.distribution.manifest.v2+json";

/// The largest manifest, image config or token answer read (OCI's limit for manifests).
const LIMIT: u64 = 4 << 20;

/// Resolves image tags to the digests they point to now, from their registries.
///
/// For each image: `HEAD /v2/<repository>/manifests/<tag>` with the `Accept` types of an OCI
/// index, a Docker manifest list and OCI and Docker manifests, then `GET` of the same
/// manifest, whose sha256 must equal the `Docker-Content-Digest` the registry sent (the
/// digest is computed from the body when the header is absent). The platforms come from the
/// index, or from the image config of a single-platform manifest.
///
/// Authentication follows the registry's `WWW-Authenticate` challenge: `Bearer` (a token
/// from the realm it names, anonymous or with the credentials below) or `Basic`.
/// Credentials come from the Docker config file (`$DOCKER_CONFIG/config.json`, else
/// `~/.docker/config.json`), its `auths` entries (`auth`, or `username` and `password`);
/// credential helpers (`credsStore`, `credHelpers`) are not run. Docker Hub names are
/// normalised as Docker does (`alpine` is `docker.io/library/alpine:latest`, served by
/// `registry-1.docker.io`). Registries on the loopback interface (`localhost`, `127.0.0.1`)
/// are spoken to over plain HTTP, every other one over HTTPS (rustls, webpki roots).
pub struct Resolver {
    agent: ureq::Agent,
    config: DockerConfig,
    /// The `Authorization` value that worked, by registry and repository.
    auth: BTreeMap<(String, String), String>,
}

impl Resolver {
    /// A resolver with the credentials of the Docker config file (`DOCKER_CONFIG`).
    pub fn new() -> Result<Resolver, ResolveError> {
        Ok(Resolver::with_config(DockerConfig::from_env()?))
    }

    /// A resolver with the credentials given.
    pub fn with_config(config: DockerConfig) -> Resolver {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(15)))
            .timeout_global(Some(Duration::from_secs(120)))
            .user_agent(concat!("dockerdsl/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Resolver {
            agent,
            config,
            auth: BTreeMap::new(),
        }
    }

    /// The digest `image`'s tag points to now: one `HEAD` request (a `GET` when the registry
    /// sends no `Docker-Content-Digest`). What `dockerdsl lock --check` asks.
    pub fn digest(&mut self, image: &str) -> Result<String, ResolveError> {
        let name = parse(image)?;
        let url = manifest_url(&name);
        let head = self.request(&name, Method::Head, &url, Some(ACCEPT))?;
        expect_ok(&name, &head, &url, What::Manifest)?;
        match head.header("docker-content-digest") {
            Some(d) if valid_digest(d) => Ok(d.to_owned()),
            _ => self.resolve_name(&name, image).map(|l| l.digest),
        }
    }

    /// What `image`'s tag points to now, as a lock entry: the digest (the index's for a
    /// multi-platform image), its media type and its platforms.
    pub fn resolve(&mut self, image: &str) -> Result<LockedImage, ResolveError> {
        let name = parse(image)?;
        self.resolve_name(&name, image)
    }

    fn resolve_name(&mut self, name: &ImageName, image: &str) -> Result<LockedImage, ResolveError> {
        let url = manifest_url(name);
        let head = self.request(name, Method::Head, &url, Some(ACCEPT))?;
        expect_ok(name, &head, &url, What::Manifest)?;
        let get = self.request(name, Method::Get, &url, Some(ACCEPT))?;
        expect_ok(name, &get, &url, What::Manifest)?;
        let digest = format!("sha256:{:x}", Sha256::digest(&get.body));
        let invalid = |why: String| {
            ResolveError::new(
                name,
                Kind::Invalid {
                    url: url.clone(),
                    why,
                },
            )
        };
        for said in [&head, &get]
            .iter()
            .filter_map(|a| a.header("docker-content-digest"))
        {
            if said != digest {
                return Err(invalid(format!(
                    "the registry says the manifest's digest is {said}, but its sha256 is {digest} \
                     (if the tag moved during the lookup, run the command again)"
                )));
            }
        }
        let json: serde_json::Value = serde_json::from_slice(&get.body)
            .map_err(|e| invalid(format!("the manifest is not JSON: {e}")))?;
        let media_type = json
            .get("mediaType")
            .and_then(|m| m.as_str())
            .or_else(|| get.header("content-type"))
            .and_then(|m| m.split(';').next())
            .unwrap_or_default()
            .trim()
            .to_owned();
        let platforms: Vec<String> = match media_type.as_str() {
            OCI_INDEX | DOCKER_MANIFEST_LIST => json
                .get("manifests")
                .and_then(|m| m.as_array())
                .into_iter()
                .flatten()
                .filter_map(|m| m.get("platform"))
                .filter_map(platform_of)
                // BuildKit's attestation manifests are listed as `unknown/unknown`.
                .filter(|p| p != "unknown/unknown")
                .collect(),
            OCI_MANIFEST | DOCKER_MANIFEST => {
                let config = json
                    .get("config")
                    .and_then(|c| c.get("digest"))
                    .and_then(|d| d.as_str())
                    .filter(|d| valid_digest(d))
                    .ok_or_else(|| invalid("the manifest names no sha256 image config".into()))?
                    .to_owned();
                let blob_url = format!(
                    "{}/v2/{}/blobs/{config}",
                    base_url(&name.registry),
                    name.repository
                );
                let blob = self.request(name, Method::Get, &blob_url, None)?;
                expect_ok(name, &blob, &blob_url, What::Config)?;
                let bad = |why: String| {
                    ResolveError::new(
                        name,
                        Kind::Invalid {
                            url: blob_url.clone(),
                            why,
                        },
                    )
                };
                if format!("sha256:{:x}", Sha256::digest(&blob.body)) != config {
                    return Err(bad("the image config does not match its digest".into()));
                }
                let value: serde_json::Value = serde_json::from_slice(&blob.body)
                    .map_err(|e| bad(format!("the image config is not JSON: {e}")))?;
                platform_of(&value).into_iter().collect()
            }
            other => {
                return Err(invalid(format!(
                    "the manifest's type is `{other}`, not an OCI index or manifest nor a Docker \
                     manifest list or schema 2 manifest"
                )));
            }
        };
        LockedImage::new(image, &digest, &media_type, platforms).map_err(|e| invalid(e.to_string()))
    }

    /// One request, answering an authentication challenge once.
    fn request(
        &mut self,
        name: &ImageName,
        method: Method,
        url: &str,
        accept: Option<&str>,
    ) -> Result<Answer, ResolveError> {
        let key = (name.registry.clone(), name.repository.clone());
        let answer = self.send(name, method, url, accept, self.auth.get(&key))?;
        if answer.status != 401 {
            return Ok(answer);
        }
        let challenge = answer
            .header("www-authenticate")
            .unwrap_or_default()
            .to_owned();
        let credentials = self.config.get(&name.registry).cloned();
        let authorization = self.authenticate(name, url, &challenge, credentials.as_ref())?;
        let answer = self.send(name, method, url, accept, Some(&authorization))?;
        if answer.status == 401 {
            return Err(ResolveError::new(
                name,
                Kind::Unauthorized {
                    url: url.to_owned(),
                    why: match &credentials {
                        Some(c) => format!(
                            "the registry refused the credentials of `{}` from {}",
                            c.user,
                            self.config.shown()
                        ),
                        None => "the registry refused anonymous access".to_owned(),
                    },
                    login: credentials.is_none(),
                },
            ));
        }
        self.auth.insert(key, authorization);
        Ok(answer)
    }

    fn send(
        &self,
        name: &ImageName,
        method: Method,
        url: &str,
        accept: Option<&str>,
        authorization: Option<&String>,
    ) -> Result<Answer, ResolveError> {
        let unreachable = |e: ureq::Error| {
            ResolveError::new(
                name,
                Kind::Unreachable {
                    url: url.to_owned(),
                    why: e.to_string(),
                },
            )
        };
        let response = match method {
            Method::Head => {
                let mut r = self.agent.head(url);
                if let Some(a) = accept {
                    r = r.header("Accept", a);
                }
                if let Some(a) = authorization {
                    r = r.header("Authorization", a);
                }
                r.call()
            }
            Method::Get => {
                let mut r = self.agent.get(url);
                if let Some(a) = accept {
                    r = r.header("Accept", a);
                }
                if let Some(a) = authorization {
                    r = r.header("Authorization", a);
                }
                r.call()
            }
        }
        .map_err(unreachable)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = match method {
            Method::Head => Vec::new(),
            Method::Get => {
                let mut response = response;
                response
                    .body_mut()
                    .with_config()
                    .limit(LIMIT)
                    .read_to_vec()
                    .map_err(unreachable)?
            }
        };
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    /// The `Authorization` value for the challenge: basic credentials, or a bearer token
    /// from the realm (anonymous when there are no credentials).
    fn authenticate(
        &self,
        name: &ImageName,
        url: &str,
        challenge: &str,
        credentials: Option<&Credentials>,
    ) -> Result<String, ResolveError> {
        let unauthorized = |why: String, login: bool| {
            ResolveError::new(
                name,
                Kind::Unauthorized {
                    url: url.to_owned(),
                    why,
                    login,
                },
            )
        };
        let Some((scheme, params)) = parse_challenge(challenge) else {
            return Err(unauthorized(
                format!(
                    "the registry answered 401 without a challenge it can be asked with (`WWW-Authenticate: {challenge}`)"
                ),
                false,
            ));
        };
        if scheme.eq_ignore_ascii_case("basic") {
            return match credentials {
                Some(c) => Ok(c.basic()),
                None => Err(unauthorized(
                    format!(
                        "the registry needs a user and password, and {} has none for `{}`",
                        self.config.shown(),
                        name.registry
                    ),
                    true,
                )),
            };
        }
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(unauthorized(
                format!(
                    "the registry asks for `{scheme}` authentication, which dockerdsl does not speak (it speaks Bearer and Basic)"
                ),
                false,
            ));
        }
        let param = |key: &str| {
            params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.as_str())
        };
        let Some(realm) = param("realm") else {
            return Err(unauthorized(
                "the registry's bearer challenge names no token service (`realm`)".into(),
                false,
            ));
        };
        let mut request = self.agent.get(realm);
        if let Some(service) = param("service") {
            request = request.query("service", service);
        }
        let scope = param("scope").map_or_else(
            || format!("repository:{}:pull", name.repository),
            str::to_owned,
        );
        request = request.query("scope", scope);
        if let Some(c) = credentials {
            request = request.header("Authorization", c.basic());
        }
        let token_error = |kind| ResolveError::new(name, kind);
        let unreachable = |e: ureq::Error| {
            token_error(Kind::Unreachable {
                url: realm.to_owned(),
                why: e.to_string(),
            })
        };
        let mut response = request.call().map_err(unreachable)?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(LIMIT)
            .read_to_vec()
            .map_err(unreachable)?;
        if status != 200 {
            return Err(unauthorized(
                match credentials {
                    Some(c) => format!(
                        "the token service {realm} refused the credentials of `{}` from {} (HTTP {status})",
                        c.user,
                        self.config.shown()
                    ),
                    None => format!(
                        "the token service {realm} refused an anonymous token (HTTP {status}), and {} has no credentials for `{}`",
                        self.config.shown(),
                        name.registry
                    ),
                },
                credentials.is_none(),
            ));
        }
        let invalid = |why: &str| {
            token_error(Kind::Invalid {
                url: realm.to_owned(),
                why: why.to_owned(),
            })
        };
        let value: serde_json::Value =
            serde_json::from_slice(&body).map_err(|_| invalid("the token answer is not JSON"))?;
        let token = value
            .get("token")
            .or_else(|| value.get("access_token"))
            .and_then(|t| t.as_str())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| invalid("the token answer has no `token`"))?;
        Ok(format!("Bearer {token}"))
    }
}

fn parse(image: &str) -> Result<ImageName, ResolveError> {
    let name = ImageName::parse(image).map_err(|why| ResolveError {
        image: image.to_owned(),
        kind: Kind::Reference(why),
    })?;
    Ok(name)
}

#[derive(Debug, Clone, Copy)]
enum Method {
    Head,
    Get,
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What was asked for, for the message of a 404.
#[derive(Clone, Copy)]
enum What {
    Manifest,
    Config,
}

fn expect_ok(name: &ImageName, answer: &Answer, url: &str, what: What) -> Result<(), ResolveError> {
    let codes = error_codes(&answer.body);
    let kind = match answer.status {
        200 => return Ok(()),
        404 => Kind::NotFound {
            url: url.to_owned(),
            config: matches!(what, What::Config),
            codes,
        },
        401 | 403 => Kind::Unauthorized {
            url: url.to_owned(),
            why: format!("HTTP {}{codes}", answer.status),
            login: false,
        },
        status => Kind::Invalid {
            url: url.to_owned(),
            why: format!("HTTP {status}{codes}"),
        },
    };
    Err(ResolveError::new(name, kind))
}

/// The registry's error codes (` (MANIFEST_UNKNOWN: manifest unknown)`), when the body has
/// them.
fn error_codes(body: &[u8]) -> String {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return String::new();
    };
    let codes: Vec<String> = value
        .get("errors")
        .and_then(|e| e.as_array())
        .into_iter()
        .flatten()
        .map(|e| {
            let field = |k: &str| e.get(k).and_then(|c| c.as_str()).unwrap_or_default();
            format!("{}: {}", field("code"), field("message"))
        })
        .collect();
    if codes.is_empty() {
        String::new()
    } else {
        format!(" ({})", codes.join("; "))
    }
}

fn manifest_url(name: &ImageName) -> String {
    format!(
        "{}/v2/{}/manifests/{}",
        base_url(&name.registry),
        name.repository,
        name.tag
    )
}

/// `https://registry-1.docker.io` for Docker Hub, `http://` for a registry on the loopback
/// interface (as Docker and containerd allow without TLS), `https://` for every other.
fn base_url(registry: &str) -> String {
    if registry == "docker.io" {
        return "https://registry-1.docker.io".to_owned();
    }
    let host = crate::rules::registry_host(registry);
    let loopback = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => v6
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|a| a.is_loopback()),
        None => {
            host == "localhost"
                || host
                    .parse::<std::net::Ipv4Addr>()
                    .is_ok_and(|a| a.is_loopback())
        }
    };
    let scheme = if loopback { "http" } else { "https" };
    format!("{scheme}://{registry}")
}

/// `os/architecture[/variant]` of an index entry's `platform` or of an image config.
fn platform_of(value: &serde_json::Value) -> Option<String> {
    let field = |k: &str| {
        value
            .get(k)
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
    };
    let (os, arch) = (field("os")?, field("architecture")?);
    Some(match field("variant") {
        Some(variant) => format!("{os}/{arch}/{variant}"),
        None => format!("{os}/{arch}"),
    })
}

/// `Bearer realm="https://auth.docker.io/token",service="registry.docker.io"`: the scheme
/// and its parameters (RFC 7235: quoted or plain values, separated by commas).
fn parse_challenge(header: &str) -> Option<(String, Vec<(String, String)>)> {
    let header = header.trim();
    let (scheme, mut rest) = match header.split_once(char::is_whitespace) {
        Some((s, r)) => (s, r.trim_start()),
        None => (header, ""),
    };
    if scheme.is_empty() {
        return None;
    }
    let mut params = Vec::new();
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=')?;
        let after = after.trim_start();
        let (value, next) = if let Some(quoted) = after.strip_prefix('"') {
            let mut value = String::new();
            let mut end = None;
            let mut chars = quoted.char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next().map(|(_, n)| n)),
                    '"' => {
                        end = Some(i + 1);
                        break;
                    }
                    c => value.push(c),
                }
            }
            (value, &quoted[end?..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim().to_owned(), &after[end..])
        };
        params.push((key.trim().to_owned(), value));
        rest = next.trim_start().trim_start_matches(',').trim_start();
    }
    Some((scheme.to_owned(), params))
}

/// A user and password for one registry.
#[derive(Clone)]
struct Credentials {
    user: String,
    password: String,
}

impl Credentials {
    fn basic(&self) -> String {
        let pair = format!("{}:{}", self.user, self.password);
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        )
    }
}

/// The credentials of a Docker config file (`config.json`, its `auths`).
#[derive(Default)]
pub struct DockerConfig {
    path: Option<PathBuf>,
    auths: BTreeMap<String, Credentials>,
}

impl DockerConfig {
    /// No credentials: every registry is asked anonymously.
    pub fn anonymous() -> DockerConfig {
        DockerConfig::default()
    }

    /// `$DOCKER_CONFIG/config.json`, else `$HOME/.docker/config.json`; no credentials when
    /// the file does not exist.
    pub fn from_env() -> Result<DockerConfig, ResolveError> {
        let dir = match std::env::var_os("DOCKER_CONFIG") {
            Some(dir) => PathBuf::from(dir),
            None => match std::env::var_os("HOME") {
                Some(home) => PathBuf::from(home).join(".docker"),
                None => return Ok(DockerConfig::default()),
            },
        };
        let path = dir.join("config.json");
        if !path.exists() {
            return Ok(DockerConfig::default());
        }
        DockerConfig::read(&path)
    }

    /// Reads a Docker config file.
    pub fn read(path: &Path) -> Result<DockerConfig, ResolveError> {
        let error = |why: String| ResolveError {
            image: String::new(),
            kind: Kind::Config {
                path: path.to_owned(),
                why,
            },
        };
        let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
        let mut config = DockerConfig::parse(&text).map_err(error)?;
        config.path = Some(path.to_owned());
        Ok(config)
    }

    fn parse(text: &str) -> Result<DockerConfig, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("it is not JSON: {e}"))?;
        let mut config = DockerConfig::default();
        let auths = value.get("auths").and_then(|a| a.as_object());
        for (key, entry) in auths.into_iter().flatten() {
            let field = |k: &str| {
                entry
                    .get(k)
                    .and_then(|v| v.as_str())
                    .filter(|s| !s.is_empty())
            };
            let bad = || format!("`auths.\"{key}\".auth` is not base64 of `user:password`");
            let credentials = match (field("username"), field("password"), field("auth")) {
                (Some(user), Some(password), _) => Credentials {
                    user: user.to_owned(),
                    password: password.to_owned(),
                },
                (_, _, Some(auth)) => {
                    let decoded = base64::engine::general_purpose::STANDARD
                        .decode(auth.trim())
                        .ok()
                        .and_then(|b| String::from_utf8(b).ok())
                        .ok_or_else(bad)?;
                    let (user, password) = decoded.split_once(':').ok_or_else(bad)?;
                    Credentials {
                        user: user.to_owned(),
                        password: password.to_owned(),
                    }
                }
                // An entry written by a credential helper, or an identity token only.
                _ => continue,
            };
            config.auths.insert(registry_key(key), credentials);
        }
        Ok(config)
    }

    fn get(&self, registry: &str) -> Option<&Credentials> {
        self.auths.get(registry)
    }

    fn shown(&self) -> String {
        match &self.path {
            Some(p) => format!("`{}`", p.display()),
            None => {
                "the Docker config (none found: DOCKER_CONFIG or ~/.docker/config.json)".to_owned()
            }
        }
    }
}

/// The registry an `auths` key names: `https://index.docker.io/v1/` is `docker.io`,
/// `https://ghcr.io` is `ghcr.io`.
fn registry_key(key: &str) -> String {
    let rest = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = rest.split('/').next().unwrap_or(rest);
    match host {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            "docker.io".to_owned()
        }
        h => h.to_owned(),
    }
}

/// Why an image could not be resolved: what, where, and how to fix it.
pub struct ResolveError {
    image: String,
    kind: Kind,
}

enum Kind {
    Reference(String),
    Config {
        path: PathBuf,
        why: String,
    },
    Unreachable {
        url: String,
        why: String,
    },
    NotFound {
        url: String,
        config: bool,
        codes: String,
    },
    Unauthorized {
        url: String,
        why: String,
        login: bool,
    },
    Invalid {
        url: String,
        why: String,
    },
}

impl ResolveError {
    fn new(name: &ImageName, kind: Kind) -> ResolveError {
        ResolveError {
            image: name.short(),
            kind,
        }
    }

    /// The image (Docker's short form), empty for a Docker config file that cannot be read.
    pub fn image(&self) -> &str {
        &self.image
    }
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let image = &self.image;
        match &self.kind {
            Kind::Reference(why) => write!(f, "{why}"),
            Kind::Config { path, why } => write!(
                f,
                "cannot read the Docker config `{}`: {why}\n  = help: fix it, or point DOCKER_CONFIG at another directory",
                path.display()
            ),
            Kind::Unreachable { url, why } => write!(
                f,
                "`{image}`: cannot reach {url}: {why}\n  = help: check the registry's name and the network (a proxy comes from HTTPS_PROXY/NO_PROXY)"
            ),
            Kind::NotFound {
                url,
                config: false,
                codes,
            } => write!(
                f,
                "`{image}`: the registry has no such tag or repository: {url} answered 404{codes}\n  = help: check the tag (`skopeo list-tags docker://REPOSITORY` lists them)"
            ),
            Kind::NotFound {
                url,
                config: true,
                codes,
            } => {
                write!(
                    f,
                    "`{image}`: the image config is missing: {url} answered 404{codes}"
                )
            }
            Kind::Unauthorized { url, why, login } => {
                write!(f, "`{image}`: not allowed to read {url}: {why}")?;
                if *login {
                    write!(
                        f,
                        "\n  = help: log in (`docker login` or `skopeo login --authfile $DOCKER_CONFIG/config.json`), so that the Docker config holds credentials for it"
                    )
                } else {
                    write!(
                        f,
                        "\n  = help: check the user and password in the Docker config (DOCKER_CONFIG), or the image's name"
                    )
                }
            }
            Kind::Invalid { url, why } => {
                write!(f, "`{image}`: unexpected answer from {url}: {why}")
            }
        }
    }
}

impl fmt::Debug for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for ResolveError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges() {
        let (scheme, params) = parse_challenge(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull""#,
        )
        .unwrap_or_default();
        assert_eq!(scheme, "Bearer");
        assert_eq!(
            params,
            [
                (
                    "realm".to_owned(),
                    "https://auth.docker.io/token".to_owned()
                ),
                ("service".to_owned(), "registry.docker.io".to_owned()),
                (
                    "scope".to_owned(),
                    "repository:library/alpine:pull".to_owned()
                ),
            ]
        );
        let (scheme, params) =
            parse_challenge(r#"Basic realm="a \"b\"", charset=UTF-8"#).unwrap_or_default();
        assert_eq!(scheme, "Basic");
        assert_eq!(params[0].1, "a \"b\"");
        assert_eq!(params[1], ("charset".to_owned(), "UTF-8".to_owned()));
        assert!(parse_challenge(r#"Bearer realm="unterminated"#).is_none());
    }

    #[test]
    fn docker_config_keys() {
        let config = DockerConfig::parse(
            r#"{"auths": {
                "https://index.docker.io/v1/": {"auth": "dXNlcjpwYXNz"},
                "http://127.0.0.1:5000/v2/": {"username": "bob", "password": "pw"},
                "ghcr.io": {}
            }, "credsStore": "desktop"}"#,
        )
        .unwrap_or_default();
        assert_eq!(
            config.get("docker.io").map(|c| c.basic()).as_deref(),
            Some("Basic dXNlcjpwYXNz")
        );
        assert_eq!(
            config.get("127.0.0.1:5000").map(|c| c.user.as_str()),
            Some("bob")
        );
        assert!(config.get("ghcr.io").is_none());
        assert!(DockerConfig::parse(r#"{"auths": {"x": {"auth": "???"}}}"#).is_err());
    }

    #[test]
    fn urls() {
        assert_eq!(base_url("docker.io"), "https://registry-1.docker.io");
        assert_eq!(base_url("127.0.0.1:5000"), "http://127.0.0.1:5000");
        assert_eq!(base_url("localhost:5000"), "http://localhost:5000");
        assert_eq!(base_url("ghcr.io"), "https://ghcr.io");
        assert_eq!(base_url("[::1]:5000"), "http://[::1]:5000");
        assert_eq!(base_url("[::1]"), "http://[::1]");
        assert_eq!(base_url("[2001:db8::1]:5000"), "https://[2001:db8::1]:5000");
    }
}
