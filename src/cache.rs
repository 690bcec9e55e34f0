//! The fact cache: one source file's facts, stored under a hash of its
//! content, so that an audit of an unchanged file loads them instead of
//! parsing it again.
//!
//! Input: a file's (decoded) bytes, its language and what the audit wants
//! of it (`Mode`); output: `FileFacts`. An entry holds the facts of every
//! name and JSON column (`Interest::everything`); the audit selects the
//! plan's part, so one entry serves every plan. Entries live in
//! `<dir>/facts-v<FORMAT>/<2 hex>/<30 hex>`, are written to a temporary
//! file and renamed into place (readers never see a torn entry), and carry a
//! header (magic, format, the fingerprint of the extracting code, the key,
//! the payload's lengths and checksum; the payload is postcard, compressed
//! with zstd): a corrupt, truncated or foreign
//! entry reads as a miss and is rewritten. An entry holds no path at all, so
//! entries can be copied between machines and checkouts. This module never
//! writes anywhere but under the cache directory.

use crate::facts::{FileFacts, Lang};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};
use xxhash_rust::xxh3::{xxh3_64, xxh3_128};

/// Version of the entry layout (header and payload encoding). Entries of
/// another format live in another directory and are never read.
pub const FORMAT: u32 = 1;
const MAGIC: &[u8; 8] = b"seamfct\0";
/// Magic, format, fingerprint, key, stored length, decoded length, checksum.
const HEADER: usize = 8 + 4 + 16 + 16 + 8 + 8 + 8;
/// zstd level of the payload: level 1 already takes postcard's facts to a
/// quarter (calls repeat their owners and receivers), and decodes at over
/// 1 GB/s (bench/src/bin/cache-formats.rs).
const ZSTD_LEVEL: i32 = 1;
/// An entry whose facts would decode to more than this is not valid.
const MAX_DECODED: u64 = 1 << 30;

thread_local! {
    // zstd contexts are costly to make (tens of microseconds): one per thread.
    static ZSTD: std::cell::RefCell<Option<(zstd::bulk::Compressor<'static>, zstd::bulk::Decompressor<'static>)>> =
        const { std::cell::RefCell::new(None) };
}

/// Run `f` with this thread's zstd contexts (`None` if none could be made).
fn with_zstd<R>(
    f: impl FnOnce(&mut zstd::bulk::Compressor<'static>, &mut zstd::bulk::Decompressor<'static>) -> R,
) -> Option<R> {
    ZSTD.with(|z| {
        let mut z = z.borrow_mut();
        if z.is_none() {
            let c = zstd::bulk::Compressor::new(ZSTD_LEVEL).ok()?;
            let d = zstd::bulk::Decompressor::new().ok()?;
            *z = Some((c, d));
        }
        let (c, d) = z.as_mut()?;
        Some(f(c, d))
    })
}
/// Default bound on the entries' total size.
pub const DEFAULT_LIMIT: u64 = 1 << 30;
/// The environment variable that sets the bound, in MiB.
pub const LIMIT_VAR: &str = "SEAMSCAN_CACHE_LIMIT_MB";
/// A hit on an entry older than this refreshes its modification time (the
/// eviction order), so a warm run does not write one inode per file.
const TOUCH_AFTER: Duration = Duration::from_secs(3600);
/// Eviction brings the total down to this share of the bound.
const EVICT_TO_PERCENT: u64 = 80;

/// The fingerprint of the code that makes facts (see `build.rs`): the
/// seamscan version, the fact and extractor sources, the parser versions.
pub fn fingerprint() -> String {
    format!(
        "seamscan {} facts {} parsers {}",
        env!("CARGO_PKG_VERSION"),
        env!("SEAMSCAN_FACTS_FINGERPRINT"),
        env!("SEAMSCAN_PARSERS")
    )
}

/// What the audit wants of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Every fact (`lang::extract` under `Interest::everything`).
    Full,
    /// A Ruby file that names no plan point: only its classes' ancestry
    /// (`lang::extract_structure`).
    Structure,
}

/// The key of one entry: the content hash, the language, the mode and the
/// fingerprint, hashed together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key(u128);

impl Key {
    fn hex(self) -> String {
        format!("{:032x}", self.0)
    }
}

/// The hash of a file's content (xxh3, 128 bits).
pub fn content_hash(bytes: &[u8]) -> u128 {
    xxh3_128(bytes)
}

/// Where the cache lives by default: `$XDG_CACHE_HOME/seamscan` when that
/// is an absolute path, else `$HOME/.cache/seamscan`; `None` without either.
pub fn default_dir(
    xdg_cache_home: Option<&std::ffi::OsStr>,
    home: Option<&std::ffi::OsStr>,
) -> Option<PathBuf> {
    if let Some(x) = xdg_cache_home.map(Path::new).filter(|p| p.is_absolute()) {
        return Some(x.join("seamscan"));
    }
    home.map(Path::new)
        .filter(|p| !p.as_os_str().is_empty())
        .map(|h| h.join(".cache").join("seamscan"))
}

/// `default_dir` of this process's environment.
pub fn default_dir_from_env() -> Option<PathBuf> {
    default_dir(
        std::env::var_os("XDG_CACHE_HOME").as_deref(),
        std::env::var_os("HOME").as_deref(),
    )
}

/// The absolute form of `p` (without resolving what does not exist yet):
/// its longest existing ancestor canonicalized, the rest appended.
fn absolute(p: &Path) -> PathBuf {
    let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut rest = Vec::new();
    let mut cur = p.as_path();
    loop {
        if let Ok(c) = cur.canonicalize() {
            let mut out = c;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                cur = parent;
            }
            _ => return p,
        }
    }
}

/// Open the cache in `dir` for a run over `workspace`, bounded by
/// `SEAMSCAN_CACHE_LIMIT_MB`. It is never inside the workspace (the scanned
/// repos are never written to): a `dir` the user `named` there is an error;
/// the default location there (a workspace that holds the home directory)
/// gives no cache and a warning, as does a default location that cannot be
/// created.
pub fn open_for(
    dir: &Path,
    named: bool,
    workspace: &Path,
) -> Result<(Option<Cache>, Option<String>), String> {
    let limit = limit_from_env(std::env::var_os(LIMIT_VAR).as_deref())?;
    if absolute(dir).starts_with(absolute(workspace)) {
        let msg = format!(
            "{}: the fact cache would be inside the workspace {} (scanned repos are never written to)",
            dir.display(),
            workspace.display()
        );
        if named {
            return Err(format!("{msg}; give a --cache-dir outside it"));
        }
        return Ok((None, Some(format!("{msg}; running without the cache"))));
    }
    match Cache::open(dir, limit) {
        Ok(c) => Ok((Some(c), None)),
        Err(e) if named => Err(format!("{}: cannot create the fact cache: {e}", dir.display())),
        Err(e) => Ok((
            None,
            Some(format!(
                "{}: cannot create the fact cache: {e}; running without it",
                dir.display()
            )),
        )),
    }
}

/// The size bound from `SEAMSCAN_CACHE_LIMIT_MB` (a whole number of MiB),
/// else `DEFAULT_LIMIT`.
pub fn limit_from_env(value: Option<&std::ffi::OsStr>) -> Result<u64, String> {
    match value {
        None => Ok(DEFAULT_LIMIT),
        Some(v) => v
            .to_str()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(|mb| mb.saturating_mul(1 << 20))
            .ok_or_else(|| {
                format!(
                    "{LIMIT_VAR}={}: expected a whole number of MiB",
                    v.to_string_lossy()
                )
            }),
    }
}

#[derive(Debug)]
pub struct Cache {
    /// The directory the user named (or the default).
    dir: PathBuf,
    /// `dir/facts-v<FORMAT>`.
    root: PathBuf,
    salt: [u8; 16],
    limit: u64,
    stored: AtomicU64,
    tmp_seq: AtomicU64,
}

/// Entries and bytes (of `cache clean`, or of a scan).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub entries: u64,
    pub bytes: u64,
}

impl Cache {
    /// A cache in `dir` (created if missing) holding at most `limit` bytes.
    pub fn open(dir: &Path, limit: u64) -> std::io::Result<Cache> {
        let root = dir.join(format!("facts-v{FORMAT}"));
        std::fs::create_dir_all(&root)?;
        // Backup tools skip a directory with this tag (bford.info/cachedir).
        let tag = dir.join("CACHEDIR.TAG");
        if !tag.exists() {
            let _ = std::fs::write(
                &tag,
                "Signature: 8a477f597d28d172789f06886806bc55\n# seamscan's fact cache (seamscan cache clean empties it)\n",
            );
        }
        let salt = xxh3_128(fingerprint().as_bytes()).to_le_bytes();
        Ok(Cache {
            dir: dir.to_path_buf(),
            root,
            salt,
            limit,
            stored: AtomicU64::new(0),
            tmp_seq: AtomicU64::new(0),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of a file with this content hash, language and mode.
    pub fn key(&self, content: u128, lang: Lang, mode: Mode) -> Key {
        let mut buf = [0u8; 16 + 16 + 2];
        buf[..16].copy_from_slice(&self.salt);
        buf[16..32].copy_from_slice(&content.to_le_bytes());
        buf[32] = lang as u8;
        buf[33] = mode as u8;
        Key(xxh3_128(&buf))
    }

    fn path(&self, key: Key) -> PathBuf {
        let hex = key.hex();
        self.root.join(&hex[..2]).join(&hex[2..])
    }

    /// The facts stored under `key`, or `None` (absent, unreadable, or not a
    /// valid entry of this key and fingerprint).
    pub fn load(&self, key: Key) -> Option<FileFacts> {
        let mut f = std::fs::File::open(self.path(key)).ok()?;
        let meta = f.metadata().ok()?;
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        f.read_to_end(&mut bytes).ok()?;
        let facts = self.decode(key, &bytes)?;
        // Least recently used first out: a hit refreshes the entry's age.
        if meta
            .modified()
            .ok()
            .and_then(|m| SystemTime::now().duration_since(m).ok())
            .is_some_and(|age| age > TOUCH_AFTER)
        {
            let _ = f.set_modified(SystemTime::now());
        }
        Some(facts)
    }

    fn decode(&self, key: Key, bytes: &[u8]) -> Option<FileFacts> {
        let header = bytes.get(..HEADER)?;
        if &header[..8] != MAGIC
            || header[8..12] != FORMAT.to_le_bytes()
            || header[12..28] != self.salt
            || header[28..44] != key.0.to_le_bytes()
        {
            return None;
        }
        let len = u64::from_le_bytes(header[44..52].try_into().ok()?);
        let decoded_len = u64::from_le_bytes(header[52..60].try_into().ok()?);
        let sum = u64::from_le_bytes(header[60..68].try_into().ok()?);
        let payload = &bytes[HEADER..];
        if payload.len() as u64 != len || decoded_len > MAX_DECODED || xxh3_64(payload) != sum {
            return None;
        }
        let raw = with_zstd(|_, d| d.decompress(payload, decoded_len as usize).ok())??;
        if raw.len() as u64 != decoded_len {
            return None;
        }
        postcard::from_bytes(&raw).ok()
    }

    /// Store `facts` under `key`: written to a temporary file in the same
    /// directory, then renamed over the entry (atomic on one file system).
    pub fn store(&self, key: Key, facts: &FileFacts) -> std::io::Result<()> {
        let raw = postcard::to_stdvec(facts).map_err(std::io::Error::other)?;
        let payload =
            with_zstd(|c, _| c.compress(&raw)).ok_or_else(|| std::io::Error::other("no zstd context"))??;
        let mut bytes = Vec::with_capacity(HEADER + payload.len());
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&FORMAT.to_le_bytes());
        bytes.extend_from_slice(&self.salt);
        bytes.extend_from_slice(&key.0.to_le_bytes());
        bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&(raw.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&xxh3_64(&payload).to_le_bytes());
        bytes.extend_from_slice(&payload);
        let path = self.path(key);
        let dir = path.parent().expect("entries are in a shard directory");
        let tmp = dir.join(format!(
            ".tmp.{}.{}",
            std::process::id(),
            self.tmp_seq.fetch_add(1, Ordering::Relaxed)
        ));
        let write = |tmp: &Path| -> std::io::Result<()> {
            let mut f = std::fs::File::create(tmp)?;
            f.write_all(&bytes)?;
            drop(f);
            std::fs::rename(tmp, &path)
        };
        let mut done = write(&tmp);
        if done
            .as_ref()
            .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        {
            std::fs::create_dir_all(dir)?;
            done = write(&tmp);
        }
        if done.is_err() {
            let _ = std::fs::remove_file(&tmp);
        } else {
            self.stored.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        }
        done
    }

    /// After a run: keep the total under the bound. The total is tracked
    /// in a ledger file (`size`) that each run adds its writes to; only when
    /// it passes the bound are the entries listed, the least recently used
    /// removed and the ledger set to the true total. Two runs updating the
    /// ledger at once may lose one's addition; the next listing corrects it.
    pub fn finish(&self) -> std::io::Result<()> {
        let added = self.stored.swap(0, Ordering::Relaxed);
        if added == 0 {
            return Ok(());
        }
        let ledger = self.root.join("size");
        let known = std::fs::read_to_string(&ledger)
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok());
        let total = match known {
            Some(k) => k.saturating_add(added),
            None => self.evict(u64::MAX)?.bytes,
        };
        let total = if total > self.limit {
            self.evict(self.limit / 100 * EVICT_TO_PERCENT)?.bytes
        } else {
            total
        };
        self.write_ledger(total)
    }

    fn write_ledger(&self, total: u64) -> std::io::Result<()> {
        let tmp = self.root.join(format!(
            ".size.{}.{}",
            std::process::id(),
            self.tmp_seq.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&tmp, format!("{total}\n"))?;
        std::fs::rename(&tmp, self.root.join("size"))
    }

    /// Remove the least recently used entries until at most `target` bytes
    /// remain (and temporary files of crashed runs); the usage left.
    fn evict(&self, target: u64) -> std::io::Result<Usage> {
        let mut entries: Vec<(SystemTime, u64, PathBuf)> = Vec::new();
        let now = SystemTime::now();
        for shard in std::fs::read_dir(&self.root)?.flatten() {
            if !shard.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            let Ok(rd) = std::fs::read_dir(shard.path()) else {
                continue;
            };
            for e in rd.flatten() {
                let Ok(meta) = e.metadata() else { continue };
                if !meta.is_file() {
                    continue;
                }
                let mtime = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                if e.file_name().to_string_lossy().starts_with(".tmp.") {
                    if now.duration_since(mtime).is_ok_and(|a| a > TOUCH_AFTER) {
                        let _ = std::fs::remove_file(e.path());
                    }
                    continue;
                }
                entries.push((mtime, meta.len(), e.path()));
            }
        }
        entries.sort();
        let mut total: u64 = entries.iter().map(|e| e.1).sum();
        let mut left = entries.len() as u64;
        for (_, len, path) in &entries {
            if total <= target {
                break;
            }
            if std::fs::remove_file(path).is_ok() {
                total -= len;
                left -= 1;
            }
        }
        Ok(Usage {
            entries: left,
            bytes: total,
        })
    }
}

/// `seamscan cache clean`: remove every entry of every format from `dir`
/// (only the `facts-v*` directories seamscan made; nothing else in `dir` is
/// touched). Returns what was removed.
pub fn clean(dir: &Path) -> std::io::Result<Usage> {
    let mut removed = Usage::default();
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(removed),
        Err(e) => return Err(e),
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let ours = name
            .strip_prefix("facts-v")
            .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()));
        if !ours || !e.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        for shard in std::fs::read_dir(e.path())?.flatten() {
            if shard.file_type().is_ok_and(|t| t.is_dir()) {
                for f in std::fs::read_dir(shard.path())?.flatten() {
                    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
                    if !f.file_name().to_string_lossy().starts_with('.') {
                        removed.entries += 1;
                        removed.bytes += len;
                    }
                }
            }
        }
        std::fs::remove_dir_all(e.path())?;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Call;

    fn facts() -> FileFacts {
        let mut f = FileFacts::default();
        f.calls.push(Call {
            name: "render".into(),
            recv: crate::facts::Recv::Implicit,
            via: crate::facts::Via::Call,
            owner: Some("A".into()),
            scope: None,
            line: 3,
        });
        f
    }

    #[test]
    fn round_trip_and_keys() {
        let d = tempfile::tempdir().unwrap();
        let c = Cache::open(d.path(), DEFAULT_LIMIT).unwrap();
        let h = content_hash(b"def a; end");
        let k = c.key(h, Lang::Ruby, Mode::Full);
        assert_eq!(c.load(k), None);
        c.store(k, &facts()).unwrap();
        assert_eq!(c.load(k), Some(facts()));
        // Another mode, language or content is another entry.
        assert_eq!(c.load(c.key(h, Lang::Ruby, Mode::Structure)), None);
        assert_eq!(c.load(c.key(h, Lang::Erb, Mode::Full)), None);
        assert_eq!(
            c.load(c.key(content_hash(b"def b; end"), Lang::Ruby, Mode::Full)),
            None
        );
        assert!(d.path().join("CACHEDIR.TAG").exists());
    }

    #[test]
    fn corrupt_truncated_and_foreign_entries_are_misses() {
        let d = tempfile::tempdir().unwrap();
        let c = Cache::open(d.path(), DEFAULT_LIMIT).unwrap();
        let k = c.key(content_hash(b"x"), Lang::Ruby, Mode::Full);
        c.store(k, &facts()).unwrap();
        let path = c.path(k);
        let good = std::fs::read(&path).unwrap();
        // Truncated anywhere.
        for cut in [0, 7, HEADER - 1, HEADER, good.len() - 1] {
            std::fs::write(&path, &good[..cut]).unwrap();
            assert_eq!(c.load(k), None, "cut at {cut}");
        }
        // One flipped payload byte (the checksum catches it).
        let mut bad = good.clone();
        *bad.last_mut().unwrap() ^= 0x55;
        std::fs::write(&path, &bad).unwrap();
        assert_eq!(c.load(k), None);
        // Another key's entry copied here.
        let k2 = c.key(content_hash(b"y"), Lang::Ruby, Mode::Full);
        c.store(k2, &FileFacts::default()).unwrap();
        std::fs::copy(c.path(k2), &path).unwrap();
        assert_eq!(c.load(k), None);
        // Another fingerprint (another seamscan or parser version).
        let mut foreign = good.clone();
        foreign[12] ^= 1;
        std::fs::write(&path, &foreign).unwrap();
        assert_eq!(c.load(k), None);
        // Rewritten, it reads again.
        c.store(k, &facts()).unwrap();
        assert_eq!(c.load(k), Some(facts()));
    }

    #[test]
    fn entries_hold_no_path() {
        let d = tempfile::tempdir().unwrap();
        let c = Cache::open(d.path(), DEFAULT_LIMIT).unwrap();
        let k = c.key(content_hash(b"x"), Lang::Ruby, Mode::Full);
        c.store(k, &facts()).unwrap();
        let bytes = std::fs::read(c.path(k)).unwrap();
        let dir = d.path().to_string_lossy().into_owned();
        assert!(!bytes.windows(dir.len()).any(|w| w == dir.as_bytes()));
    }

    #[test]
    fn eviction_keeps_the_bound_and_removes_least_recently_used() {
        let d = tempfile::tempdir().unwrap();
        let one = {
            let c = Cache::open(d.path(), DEFAULT_LIMIT).unwrap();
            let k = c.key(content_hash(b"probe"), Lang::Ruby, Mode::Full);
            c.store(k, &facts()).unwrap();
            std::fs::metadata(c.path(k)).unwrap().len()
        };
        clean(d.path()).unwrap();
        // Room for ten entries.
        let c = Cache::open(d.path(), one * 10).unwrap();
        let keys: Vec<Key> = (0..30u32)
            .map(|i| c.key(content_hash(&i.to_le_bytes()), Lang::Ruby, Mode::Full))
            .collect();
        let old = SystemTime::now() - Duration::from_secs(10 * 3600);
        for (i, k) in keys.iter().enumerate() {
            c.store(*k, &facts()).unwrap();
            // Older entries first; the first one is used again below.
            let f = std::fs::File::options().write(true).open(c.path(*k)).unwrap();
            f.set_modified(old + Duration::from_secs(i as u64)).unwrap();
        }
        assert!(c.load(keys[0]).is_some(), "a hit refreshes its age");
        c.finish().unwrap();
        let present: Vec<usize> = (0..30).filter(|i| c.path(keys[*i]).exists()).collect();
        assert!(present.len() <= 10, "{present:?}");
        assert!(present.contains(&0), "recently used kept: {present:?}");
        assert!(present.contains(&29), "newest kept: {present:?}");
        assert!(!present.contains(&1), "oldest unused removed: {present:?}");
        let ledger: u64 = std::fs::read_to_string(c.root.join("size"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert_eq!(ledger, present.len() as u64 * one);
    }

    #[test]
    fn clean_removes_only_entries() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("mine.txt"), "keep").unwrap();
        let c = Cache::open(d.path(), DEFAULT_LIMIT).unwrap();
        for i in 0..3u8 {
            c.store(c.key(content_hash(&[i]), Lang::Ruby, Mode::Full), &facts())
                .unwrap();
        }
        let removed = clean(d.path()).unwrap();
        assert_eq!(removed.entries, 3);
        assert!(removed.bytes > 0);
        assert!(d.path().join("mine.txt").exists());
        assert!(!d.path().join(format!("facts-v{FORMAT}")).exists());
        assert_eq!(clean(&d.path().join("absent")).unwrap(), Usage::default());
    }

    #[test]
    fn default_location() {
        use std::ffi::OsStr;
        assert_eq!(
            default_dir(Some(OsStr::new("/x/cache")), Some(OsStr::new("/home/u"))),
            Some(PathBuf::from("/x/cache/seamscan"))
        );
        // A relative XDG_CACHE_HOME is invalid (XDG spec): ignored.
        assert_eq!(
            default_dir(Some(OsStr::new("rel")), Some(OsStr::new("/home/u"))),
            Some(PathBuf::from("/home/u/.cache/seamscan"))
        );
        assert_eq!(default_dir(None, None), None);
        assert_eq!(limit_from_env(None), Ok(DEFAULT_LIMIT));
        assert_eq!(limit_from_env(Some(OsStr::new("5"))), Ok(5 << 20));
        assert!(
            limit_from_env(Some(OsStr::new("5G")))
                .unwrap_err()
                .contains(LIMIT_VAR)
        );
    }

    #[test]
    fn the_fingerprint_names_the_parsers() {
        let f = fingerprint();
        assert!(f.contains("ruby-prism="), "{f}");
        assert!(f.contains("oxc="), "{f}");
        assert!(f.contains(env!("CARGO_PKG_VERSION")), "{f}");
    }
}
