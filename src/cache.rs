//! The fact cache: one source file's facts, stored under a hash of its
//! content, so that an audit of an unchanged file loads them instead of
//! parsing it again.
//!
//! Input: a file's (decoded) bytes, its language and what the audit wants
//! of it (`Mode`); output: `FileFacts`. An entry holds the facts of every
//! name and JSON column (`Interest::everything`); the audit selects the
//! plan's part, so one entry serves every plan. A run's new entries are
//! written as one pack, `<dir>/facts-v<FORMAT>/<16 hex>.pack` (entries, the
//! strings they share, an index, a footer), to a temporary file renamed
//! into place, so readers never see a torn pack: creating a file costs
//! ~350 us on the measured VM, appending an entry ~1 us. A pack's footer
//! holds its magic, the checksum of its shared strings and index and the
//! fingerprint of the extracting code; each entry a 12-byte header (the
//! decoded length, and a checksum of the payload seeded with the key, which
//! itself hashes the fingerprint); the payload is postcard (the largest
//! facts as per-file tables of numbers into the pack's shared strings, and
//! columns, `facts/compact.rs`), compressed with zstd and the dictionary
//! `facts/entries.zdict` (see `DICTIONARY`): a corrupt, truncated
//! or foreign entry or pack reads as a miss and is rewritten. An entry
//! holds no path at all, so packs can be copied between machines and
//! checkouts (a pack is the unit: its entries need its strings). Beside
//! the packs, `Seen` keeps a plan's prefilter findings per content hash,
//! one file per set of patterns. This module never writes anywhere but
//! under the cache directory.

use crate::facts::compact::{Columns, Interner, SharedStrings};
use crate::facts::{FileFacts, Lang};
use rustc_hash::FxHashMap as HashMap;

use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed, xxh3_128};

/// Version of the entry layout (header and payload encoding). Entries of
/// another format live in another directory and are never read.
pub const FORMAT: u32 = 4;
/// The decoded length and the checksum of the payload seeded with the
/// entry's key. The key, the fingerprint (the
/// key's salt, repeated in the pack's footer) and the format (the
/// directory, and the pack's magic) are not repeated in each entry: an
/// entry read under another key, or of another fingerprint, fails its
/// checksum.
const HEADER: usize = 4 + 8;
/// zstd level of the payload: level 1 already takes postcard's facts to a
/// quarter (calls repeat their owners and receivers), and decodes at over
/// 1 GB/s (bench/src/bin/cache-formats.rs).
const ZSTD_LEVEL: i32 = 1;
/// The zstd dictionary of the payloads: 4 KiB trained by
/// `bench/src/bin/cache-zdict.rs` on the entries of real apps that are not
/// the benchmark's corpus. An entry is a few hundred bytes compressed
/// alone (so that any entry reads without its neighbours), and zstd spent
/// most of such a frame's time and a good share of its bytes on its
/// entropy tables; the dictionary holds them once. On the benchmark's
/// corpus: entries 9% smaller, compressed 20% and decompressed 25% faster
/// (`cache-zdict`; bench/README.md, "Fact cache"). It lives under
/// `src/facts/`, so `build.rs` puts it in the fingerprint: a new dictionary
/// gives new keys.
static DICTIONARY: &[u8] = include_bytes!("facts/entries.zdict");
/// An entry whose facts would decode to more than this is not valid.
const MAX_DECODED: u32 = 1 << 30;

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
            let mut c = zstd::bulk::Compressor::with_dictionary(ZSTD_LEVEL, DICTIONARY).ok()?;
            // The entry's header has the decoded length, and every entry
            // has the one dictionary: the frame names neither.
            c.set_parameter(zstd::zstd_safe::CParameter::ContentSizeFlag(false))
                .ok()?;
            c.set_parameter(zstd::zstd_safe::CParameter::DictIdFlag(false))
                .ok()?;
            let d = zstd::bulk::Decompressor::with_dictionary(DICTIONARY).ok()?;
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
/// A hit in a pack older than this refreshes its modification time (the
/// eviction order).
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
    /// The seed of an entry's checksum: both halves of the key.
    fn seed(self) -> u64 {
        (self.0 as u64) ^ ((self.0 >> 64) as u64)
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

/// One pack file: entries, then their index, then a footer.
#[derive(Debug)]
struct Pack {
    path: PathBuf,
    file: std::fs::File,
    mtime: SystemTime,
    /// A hit in this run (its age is refreshed at `finish`).
    used: std::sync::atomic::AtomicBool,
    /// Where the pack's shared strings are (offset, length).
    strings_at: (u64, u64),
    /// The shared strings, read at the first hit; `None` if they do not
    /// verify (every entry of the pack is then a miss).
    strings: OnceLock<Option<Arc<SharedStrings>>>,
    /// The entries (the bytes before the shared strings) of a pack of up
    /// to `WHOLE_READ_BYTES` of them, read at the first hit.
    entries: OnceLock<Option<Vec<u8>>>,
}

/// Packs of up to this many bytes of entries are read whole at their first
/// hit (one read instead of one per hit: a warm audit of the benchmark's
/// corpus made ~5,400 `pread`s); larger ones an entry at a time.
const WHOLE_READ_BYTES: u64 = 32 << 20;

impl Pack {
    /// The `n` bytes of the entry at `off`.
    fn entry(&self, off: u64, n: u64) -> Option<std::borrow::Cow<'_, [u8]>> {
        let len = self.strings_at.0;
        if len <= WHOLE_READ_BYTES {
            let all = self.entries.get_or_init(|| {
                let mut b = vec![0u8; usize::try_from(len).ok()?];
                self.file.read_exact_at(&mut b, 0).ok()?;
                Some(b)
            });
            if let Some(all) = all {
                let end = off.checked_add(n)?;
                return all
                    .get(usize::try_from(off).ok()?..usize::try_from(end).ok()?)
                    .map(std::borrow::Cow::Borrowed);
            }
        }
        let mut b = vec![0u8; usize::try_from(n).ok()?];
        self.file.read_exact_at(&mut b, off).ok()?;
        Some(std::borrow::Cow::Owned(b))
    }

    fn strings(&self) -> Option<&Arc<SharedStrings>> {
        self.strings
            .get_or_init(|| {
                let (at, n) = self.strings_at;
                let mut b = vec![0u8; usize::try_from(n).ok()?];
                self.file.read_exact_at(&mut b, at).ok()?;
                let len = u32::from_le_bytes(b.get(..4)?.try_into().ok()?);
                if len > MAX_DECODED {
                    return None;
                }
                // Compressed without the entries' dictionary.
                let raw = zstd::bulk::decompress(&b[4..], len as usize).ok()?;
                (raw.len() == len as usize)
                    .then(|| SharedStrings::from_bytes(&raw))
                    .flatten()
                    .map(Arc::new)
            })
            .as_ref()
    }
}

/// The pack's valid index: its fingerprint, its records, where its shared
/// strings are.
type PackIndex = ([u8; 16], Vec<Record>, (u64, u64));

/// An entry's key, offset and length in its pack.
type Record = (u128, u64, u64);
/// Encoded entries by key.
type Batch = Vec<(u128, Vec<u8>)>;

/// Index record: key and length of the entry in its pack (entries follow
/// each other from the start of the pack, in the index's order, so each
/// offset is the sum of the lengths before it).
const RECORD: usize = 16 + 4;
/// Footer: index offset, entry count, checksum of the index and the shared
/// strings, fingerprint, offset of the shared strings, magic. A pack is
/// its entries, the shared strings (their decoded length, then zstd), the
/// index, the footer.
const FOOTER: usize = 8 + 8 + 8 + 16 + 8 + 8;
const PACK_MAGIC: &[u8; 8] = b"seampak\0";
/// More packs than this are merged into one at the end of a run.
const MAX_PACKS: usize = 16;
/// A run's new entries are written as a pack once they reach this size
/// (`seamscan index` of a large workspace does not hold them all).
const FLUSH_BYTES: u64 = 64 << 20;
/// zstd level of a pack's shared strings (written once per pack).
const STRINGS_ZSTD_LEVEL: i32 = 3;

/// A run's entries not written yet, their size, and the strings they
/// refer to (the pack's shared strings when they are written).
#[derive(Debug, Default)]
struct Pending {
    batch: Batch,
    bytes: u64,
    strings: Arc<Interner>,
}

#[derive(Debug)]
pub struct Cache {
    /// The directory the user named (or the default).
    dir: PathBuf,
    /// `dir/facts-v<FORMAT>`.
    root: PathBuf,
    salt: [u8; 16],
    limit: u64,
    /// Valid packs of this fingerprint, newest first.
    packs: Vec<Pack>,
    /// Where each key's entries are: (pack, offset, length), newest first.
    index: HashMap<u128, Vec<(u32, u64, u64)>>,
    /// Packs that are not valid packs of any fingerprint (removed at `finish`).
    broken: Vec<PathBuf>,
    /// Entries stored in this run and their size, written as one pack by
    /// `finish` (or earlier, past `flush_bytes`).
    pending: Mutex<Pending>,
    flush_bytes: u64,
    tmp_seq: AtomicU64,
    /// Packs written by this run.
    written: AtomicU64,
}

/// Entries and bytes (of `cache clean`, or of a scan).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub entries: u64,
    pub bytes: u64,
}

/// The index of the pack file `f` (`len` bytes) if it is a valid pack:
/// its fingerprint and records. `None` for anything else.
fn read_pack_index(f: &std::fs::File, len: u64) -> Option<PackIndex> {
    if len < FOOTER as u64 {
        return None;
    }
    let mut footer = [0u8; FOOTER];
    f.read_exact_at(&mut footer, len - FOOTER as u64).ok()?;
    if &footer[48..56] != PACK_MAGIC {
        return None;
    }
    let at = u64::from_le_bytes(footer[0..8].try_into().ok()?);
    let count = u64::from_le_bytes(footer[8..16].try_into().ok()?);
    let sum = u64::from_le_bytes(footer[16..24].try_into().ok()?);
    let salt: [u8; 16] = footer[24..40].try_into().ok()?;
    let strings_at = u64::from_le_bytes(footer[40..48].try_into().ok()?);
    let size = count.checked_mul(RECORD as u64)?;
    if at.checked_add(size)?.checked_add(FOOTER as u64)? != len || strings_at > at {
        return None;
    }
    // The shared strings and the index, checked together.
    let mut raw = vec![0u8; usize::try_from(at - strings_at + size).ok()?];
    f.read_exact_at(&mut raw, strings_at).ok()?;
    if xxh3_64(&raw) != sum {
        return None;
    }
    let raw = &raw[(at - strings_at) as usize..];
    let mut records = Vec::with_capacity(count as usize);
    let mut off = 0u64;
    for r in raw.chunks_exact(RECORD) {
        let key = u128::from_le_bytes(r[0..16].try_into().ok()?);
        let n = u64::from(u32::from_le_bytes(r[16..20].try_into().ok()?));
        if off.checked_add(n)? > strings_at {
            return None;
        }
        records.push((key, off, n));
        off += n;
    }
    if off != strings_at {
        return None;
    }
    Some((salt, records, (strings_at, at - strings_at)))
}

/// Write `entries`, which refer to the shared `strings`, as a pack in
/// `root` (a temporary file renamed into place); its size.
fn write_pack(
    root: &Path,
    salt: &[u8; 16],
    entries: &[(u128, &[u8])],
    strings: &Interner,
    seq: u64,
) -> std::io::Result<u64> {
    let raw = strings.to_bytes();
    let len = u32::try_from(raw.len())
        .ok()
        .filter(|n| *n <= MAX_DECODED)
        .ok_or_else(|| std::io::Error::other("shared strings too large for a pack"))?;
    let mut shared = len.to_le_bytes().to_vec();
    shared.extend(zstd::bulk::compress(&raw, STRINGS_ZSTD_LEVEL)?);
    let tmp = root.join(format!(".tmp.{}.{seq}", std::process::id()));
    let mut index = Vec::with_capacity(entries.len() * RECORD);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
    let mut at = 0u64;
    let written = (|| -> std::io::Result<()> {
        for (key, bytes) in entries {
            out.write_all(bytes)?;
            let n =
                u32::try_from(bytes.len()).map_err(|_| std::io::Error::other("cache entry over 4 GiB"))?;
            index.extend_from_slice(&key.to_le_bytes());
            index.extend_from_slice(&n.to_le_bytes());
            at += bytes.len() as u64;
        }
        let strings_at = at;
        out.write_all(&shared)?;
        at += shared.len() as u64;
        out.write_all(&index)?;
        let mut sum = xxhash_rust::xxh3::Xxh3::new();
        sum.update(&shared);
        sum.update(&index);
        out.write_all(&at.to_le_bytes())?;
        out.write_all(&(entries.len() as u64).to_le_bytes())?;
        out.write_all(&sum.digest().to_le_bytes())?;
        out.write_all(salt)?;
        out.write_all(&strings_at.to_le_bytes())?;
        out.write_all(PACK_MAGIC)?;
        out.flush()
    })();
    drop(out);
    let name = format!(
        "{:016x}.pack",
        xxh3_64(&index)
            ^ SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0)
            ^ u64::from(std::process::id()).rotate_left(32)
    );
    match written.and_then(|()| std::fs::rename(&tmp, root.join(name))) {
        Ok(()) => Ok(at + index.len() as u64 + FOOTER as u64),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// An entry: `facts` under `key`, its tables' strings numbered by
/// `strings` (the shared strings of the pack it goes to).
fn encode(key: Key, facts: &FileFacts, strings: &Arc<Interner>) -> std::io::Result<Vec<u8>> {
    let raw = crate::facts::compact::encode_with(strings, || postcard::to_stdvec(facts))
        .map_err(std::io::Error::other)?;
    let len = u32::try_from(raw.len())
        .ok()
        .filter(|n| *n <= MAX_DECODED)
        .ok_or_else(|| std::io::Error::other("facts too large for an entry"))?;
    let payload =
        with_zstd(|c, _| c.compress(&raw)).ok_or_else(|| std::io::Error::other("no zstd context"))??;
    let mut bytes = Vec::with_capacity(HEADER + payload.len());
    bytes.extend_from_slice(&len.to_le_bytes());
    bytes.extend_from_slice(&xxh3_64_with_seed(&payload, key.seed()).to_le_bytes());
    bytes.extend_from_slice(&payload);
    Ok(bytes)
}

/// The facts of an entry read under `key` from a pack with these shared
/// strings; `None` if it is not a valid entry of this key and fingerprint.
fn decode(
    key: Key,
    bytes: &[u8],
    strings: &Arc<SharedStrings>,
    columns: Option<&Columns>,
) -> Option<FileFacts> {
    let header = bytes.get(..HEADER)?;
    let len = u32::from_le_bytes(header[0..4].try_into().ok()?);
    let sum = u64::from_le_bytes(header[4..12].try_into().ok()?);
    let payload = &bytes[HEADER..];
    if xxh3_64_with_seed(payload, key.seed()) != sum {
        return None;
    }
    if len > MAX_DECODED {
        return None;
    }
    let raw = with_zstd(|_, d| d.decompress(payload, len as usize).ok())??;
    if raw.len() != len as usize {
        return None;
    }
    crate::facts::compact::decode_with(strings, columns, || postcard::from_bytes(&raw)).ok()
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
        let mut found: Vec<(SystemTime, Pack, Vec<Record>)> = Vec::new();
        let mut broken = Vec::new();
        for e in std::fs::read_dir(&root)?.flatten() {
            let path = e.path();
            if path.extension().is_none_or(|x| x != "pack") {
                continue;
            }
            // A pack removed by another run since the listing: skipped.
            let Ok(file) = std::fs::File::open(&path) else {
                continue;
            };
            let Ok(meta) = file.metadata() else { continue };
            let mtime = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            match read_pack_index(&file, meta.len()) {
                Some((s, records, strings_at)) if s == salt => found.push((
                    mtime,
                    Pack {
                        path,
                        file,
                        mtime,
                        used: Default::default(),
                        strings_at,
                        strings: OnceLock::new(),
                        entries: OnceLock::new(),
                    },
                    records,
                )),
                // Another version's pack: kept for that version, until the
                // size bound removes it.
                Some(_) => {}
                None => broken.push(path),
            }
        }
        found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.path.cmp(&b.1.path)));
        let mut packs = Vec::with_capacity(found.len());
        let mut index: HashMap<u128, Vec<(u32, u64, u64)>> = HashMap::default();
        for (i, (_, pack, records)) in found.into_iter().enumerate() {
            for (key, off, n) in records {
                index.entry(key).or_default().push((i as u32, off, n));
            }
            packs.push(pack);
        }
        Ok(Cache {
            dir: dir.to_path_buf(),
            root,
            salt,
            limit,
            packs,
            index,
            broken,
            pending: Mutex::default(),
            flush_bytes: FLUSH_BYTES,
            tmp_seq: AtomicU64::new(0),
            written: AtomicU64::new(0),
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

    /// The facts stored under `key`, or `None` (absent, unreadable, or not a
    /// valid entry of this key and fingerprint).
    pub fn load(&self, key: Key) -> Option<FileFacts> {
        self.load_selected(key, None)
    }

    /// `load`, keeping only the JSON keys of `columns` (when given): the
    /// facts' other JSON keys are not decoded.
    pub fn load_selected(&self, key: Key, columns: Option<&Columns>) -> Option<FileFacts> {
        for (pack, off, n) in self.index.get(&key.0)? {
            let p = &self.packs[*pack as usize];
            let Some(strings) = p.strings() else { continue };
            let Some(bytes) = p.entry(*off, *n) else { continue };
            if let Some(f) = decode(key, &bytes, strings, columns) {
                p.used.store(true, Ordering::Relaxed);
                return Some(f);
            }
        }
        None
    }

    /// Store `facts` under `key`: kept in memory until `finish` writes this
    /// run's entries as one pack.
    pub fn store(&self, key: Key, facts: &FileFacts) -> std::io::Result<()> {
        loop {
            let strings = self
                .pending
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .strings
                .clone();
            let bytes = encode(key, facts, &strings)?;
            let full = {
                let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
                // Written (past `flush_bytes`) by another thread meanwhile:
                // the entry must refer to the next pack's strings.
                if !Arc::ptr_eq(&p.strings, &strings) {
                    continue;
                }
                p.bytes += bytes.len() as u64;
                p.batch.push((key.0, bytes));
                (p.bytes > self.flush_bytes).then(|| std::mem::take(&mut *p))
            };
            return match full {
                Some(p) => self.write_batch(p),
                None => Ok(()),
            };
        }
    }

    /// Write entries as one pack (one entry per key).
    fn write_batch(&self, pending: Pending) -> std::io::Result<()> {
        let Pending {
            mut batch, strings, ..
        } = pending;
        if batch.is_empty() {
            return Ok(());
        }
        // Identical files in one run have one entry.
        batch.sort_by_key(|e| e.0);
        batch.dedup_by(|a, b| a.0 == b.0);
        let entries: Vec<(u128, &[u8])> = batch.iter().map(|(k, b)| (*k, b.as_slice())).collect();
        write_pack(
            &self.root,
            &self.salt,
            &entries,
            &strings,
            self.tmp_seq.fetch_add(1, Ordering::Relaxed),
        )?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// After a run: write this run's entries as one pack (a temporary file
    /// renamed into place, so no run ever sees a torn pack); refresh the
    /// age of the packs that had hits; merge the packs into one when there
    /// are more than `MAX_PACKS`; then remove the least recently used packs
    /// (and unreadable ones, and temporary files of crashed runs) until the
    /// total is under the bound.
    pub fn finish(&self) -> std::io::Result<()> {
        let pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
        let now = SystemTime::now();
        for p in &self.packs {
            if p.used.load(Ordering::Relaxed) && now.duration_since(p.mtime).is_ok_and(|a| a > TOUCH_AFTER) {
                let _ = p.file.set_modified(now);
            }
        }
        for b in &self.broken {
            let _ = std::fs::remove_file(b);
        }
        self.write_batch(pending)?;
        if self.packs.len() + self.written.load(Ordering::Relaxed) as usize > MAX_PACKS {
            self.merge(self.tmp_seq.fetch_add(1, Ordering::Relaxed))?;
        }
        self.evict(self.limit)?;
        Ok(())
    }

    /// Merge every pack of this fingerprint into one (the newest valid
    /// entry of each key, encoded again against the merged pack's shared
    /// strings), then remove the merged packs. A run that still reads one
    /// keeps its open handle; one that listed it but had not opened it yet
    /// skips it.
    fn merge(&self, seq: u64) -> std::io::Result<()> {
        let fresh = Cache::open(&self.dir, self.limit)?;
        let mut keys: Vec<&u128> = fresh.index.keys().collect();
        keys.sort();
        let strings = Arc::new(Interner::default());
        let mut bytes: Batch = Vec::with_capacity(keys.len());
        for key in keys {
            for (pack, off, n) in &fresh.index[key] {
                let p = &fresh.packs[*pack as usize];
                if let Some(shared) = p.strings()
                    && let Some(b) = p.entry(*off, *n)
                    && let Some(facts) = decode(Key(*key), &b, shared, None)
                {
                    bytes.push((*key, encode(Key(*key), &facts, &strings)?));
                    break;
                }
            }
        }
        let entries: Vec<(u128, &[u8])> = bytes.iter().map(|(k, b)| (*k, b.as_slice())).collect();
        write_pack(&self.root, &self.salt, &entries, &strings, seq)?;
        for p in &fresh.packs {
            let _ = std::fs::remove_file(&p.path);
        }
        Ok(())
    }

    /// Remove the least recently used packs (and prefilter findings,
    /// `Seen`) until at most `EVICT_TO_PERCENT` of `limit` remain, when the
    /// total is over `limit`; temporary files of crashed runs go too. The
    /// usage left.
    fn evict(&self, limit: u64) -> std::io::Result<Usage> {
        let mut packs: Vec<(SystemTime, u64, PathBuf)> = Vec::new();
        let now = SystemTime::now();
        for e in std::fs::read_dir(&self.root)?.flatten() {
            let Ok(meta) = e.metadata() else { continue };
            if !meta.is_file() {
                continue;
            }
            let mtime = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(".tmp.") {
                if now.duration_since(mtime).is_ok_and(|a| a > TOUCH_AFTER) {
                    let _ = std::fs::remove_file(e.path());
                }
            } else if name.ends_with(".pack") || name.ends_with(".seen") {
                packs.push((mtime, meta.len(), e.path()));
            }
        }
        packs.sort();
        let mut total: u64 = packs.iter().map(|p| p.1).sum();
        let mut left = packs.len() as u64;
        if total > limit {
            let target = limit / 100 * EVICT_TO_PERCENT;
            for (_, len, path) in &packs {
                if total <= target {
                    break;
                }
                if std::fs::remove_file(path).is_ok() {
                    total -= len;
                    left -= 1;
                }
            }
        }
        Ok(Usage {
            entries: left,
            bytes: total,
        })
    }
}

/// What the prefilter found in files of known content, for one set of
/// patterns (a plan's): for each content hash, the patterns the file
/// mentions and those it spells as words of their own, and for a file
/// seamscan does not read, the patterns it spells with their lines. Agents re-run the
/// same plan after each fix; scanning every file for a 1,000-point plan's
/// names was a sixth of such a warm audit (bench/README.md, "Fact cache").
/// Kept as `<dir>/facts-v<FORMAT>/<32 hex>.seen`, one file per set of
/// patterns, rewritten (temporary file and rename) by a run that scanned
/// any file; a blob that does not verify reads as empty. It holds no path,
/// only content hashes (their low 64 bits) and pattern numbers.
#[derive(Debug, Default)]
pub struct Seen {
    /// Sorted content hashes (low 64 bits).
    hashes: Vec<u64>,
    /// Per hash: where its numbers start in `ids`, how many mentions, how
    /// many words, how many lines (in that order).
    spans: Vec<(u32, u32, u32, u32)>,
    ids: Vec<u32>,
    /// The blob's modification time (the eviction order), if one was read.
    mtime: Option<SystemTime>,
}

impl Seen {
    /// The mentions, the words and the lines stored for this content hash,
    /// if known.
    pub fn get(&self, content: u128) -> Option<(&[u32], &[u32], &[u32])> {
        let i = self.hashes.binary_search(&(content as u64)).ok()?;
        let (at, m, w, l) = self.spans[i];
        let (at, m, w, l) = (at as usize, m as usize, w as usize, l as usize);
        Some((
            &self.ids[at..at + m],
            &self.ids[at + m..at + m + w],
            &self.ids[at + m + w..at + m + w + l],
        ))
    }

    /// How many contents it knows.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }
}

/// The last byte is the blob's layout version (2: three counts a record).
const SEEN_MAGIC: &[u8; 8] = b"seamsen\x02";
/// Magic, the patterns' key, the fingerprint, the body's decoded length.
const SEEN_HEADER: usize = 8 + 16 + 16 + 4;

fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(b: &[u8], at: &mut usize) -> Option<u32> {
    let mut v = 0u32;
    for shift in (0..35).step_by(7) {
        let byte = *b.get(*at)?;
        *at += 1;
        v |= u32::from(byte & 0x7f).checked_shl(shift)?;
        if byte < 0x80 {
            return Some(v);
        }
    }
    None
}

/// A file's findings: its content hash, the patterns it mentions, those
/// it spells as words, and lines (`Seen::get`).
pub type SeenRecord = (u128, Vec<u32>, Vec<u32>, Vec<u32>);

/// The body of a `.seen` blob: the count, the sorted hashes, each one's
/// counts, then the numbers (varints).
fn seen_body(records: &[SeenRecord]) -> Vec<u8> {
    let mut sorted: Vec<&SeenRecord> = records.iter().collect();
    sorted.sort_unstable_by_key(|r| r.0 as u64);
    // Files of the same content have the same findings.
    sorted.dedup_by_key(|r| r.0 as u64);
    let mut body = Vec::with_capacity(4 + sorted.len() * 10);
    body.extend_from_slice(&(sorted.len() as u32).to_le_bytes());
    for (h, ..) in &sorted {
        body.extend_from_slice(&(*h as u64).to_le_bytes());
    }
    for (_, m, w, l) in &sorted {
        put_varint(&mut body, m.len() as u32);
        put_varint(&mut body, w.len() as u32);
        put_varint(&mut body, l.len() as u32);
    }
    for (_, m, w, l) in &sorted {
        for id in m.iter().chain(w.iter()).chain(l.iter()) {
            put_varint(&mut body, *id);
        }
    }
    body
}

/// A `.seen` body back, if every pattern number in it is in range
/// (`patterns` patterns) and the hashes are sorted.
fn parse_seen(body: &[u8], patterns: usize) -> Option<Seen> {
    let count = u32::from_le_bytes(body.get(..4)?.try_into().ok()?) as usize;
    let hashes_end = count.checked_mul(8)?.checked_add(4)?;
    let hashes: Vec<u64> = body
        .get(4..hashes_end)?
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
        .collect();
    if hashes.windows(2).any(|w| w[0] >= w[1]) {
        return None;
    }
    let mut at = hashes_end;
    let mut spans = Vec::with_capacity(count);
    let mut total = 0u32;
    for _ in 0..count {
        let m = get_varint(body, &mut at)?;
        let w = get_varint(body, &mut at)?;
        let l = get_varint(body, &mut at)?;
        if m as usize > patterns || w as usize > patterns || l > m {
            return None;
        }
        spans.push((total, m, w, l));
        total = total.checked_add(m)?.checked_add(w)?.checked_add(l)?;
    }
    if total as usize > body.len() {
        return None;
    }
    let mut ids = Vec::with_capacity(total as usize);
    for &(_, m, w, l) in &spans {
        for i in 0..m + w + l {
            let id = get_varint(body, &mut at)?;
            if i < m + w && id as usize >= patterns {
                return None;
            }
            ids.push(id);
        }
    }
    (at == body.len()).then_some(Seen {
        hashes,
        spans,
        ids,
        mtime: None,
    })
}

impl Cache {
    fn seen_path(&self, key: u128) -> PathBuf {
        self.root.join(format!("{key:032x}.seen"))
    }

    /// The prefilter's findings stored for the patterns of `key` (a hash of
    /// the patterns and of the prefilter's code; `patterns` of them);
    /// empty if none are, or they do not verify.
    pub fn seen(&self, key: u128, patterns: usize) -> Seen {
        let read = || -> Option<Seen> {
            let path = self.seen_path(key);
            let file = std::fs::File::open(&path).ok()?;
            let meta = file.metadata().ok()?;
            let mut bytes = Vec::with_capacity(meta.len() as usize);
            std::io::Read::read_to_end(&mut &file, &mut bytes).ok()?;
            let (rest, sum) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
            if xxh3_64(rest) != u64::from_le_bytes(sum.try_into().ok()?) {
                return None;
            }
            let header = rest.get(..SEEN_HEADER)?;
            if &header[..8] != SEEN_MAGIC || header[8..24] != key.to_le_bytes() || header[24..40] != self.salt
            {
                return None;
            }
            let len = u32::from_le_bytes(header[40..44].try_into().ok()?);
            if len > MAX_DECODED {
                return None;
            }
            let body = zstd::bulk::decompress(&rest[SEEN_HEADER..], len as usize).ok()?;
            let mut seen = parse_seen(&body, patterns)?;
            seen.mtime = meta.modified().ok();
            Some(seen)
        };
        read().unwrap_or_default()
    }

    /// After a run that scanned files with the patterns of `key`: store
    /// what it found in every file it read (`records`), replacing the blob
    /// `old` was read from. A run that
    /// scanned nothing only refreshes the blob's age.
    pub fn store_seen(
        &self,
        key: u128,
        old: &Seen,
        scanned: bool,
        records: &[SeenRecord],
    ) -> std::io::Result<()> {
        let path = self.seen_path(key);
        if !scanned {
            let now = SystemTime::now();
            if old
                .mtime
                .is_some_and(|m| now.duration_since(m).is_ok_and(|a| a > TOUCH_AFTER))
            {
                let _ = std::fs::File::options()
                    .write(true)
                    .open(&path)
                    .and_then(|f| f.set_modified(now));
            }
            return Ok(());
        }
        let body = seen_body(records);
        let len = u32::try_from(body.len())
            .ok()
            .filter(|n| *n <= MAX_DECODED)
            .ok_or_else(|| std::io::Error::other("prefilter findings too large"))?;
        let mut bytes = Vec::with_capacity(SEEN_HEADER + body.len() / 2 + 8);
        bytes.extend_from_slice(SEEN_MAGIC);
        bytes.extend_from_slice(&key.to_le_bytes());
        bytes.extend_from_slice(&self.salt);
        bytes.extend_from_slice(&len.to_le_bytes());
        bytes.extend(zstd::bulk::compress(&body, ZSTD_LEVEL)?);
        let sum = xxh3_64(&bytes);
        bytes.extend_from_slice(&sum.to_le_bytes());
        let tmp = self.root.join(format!(
            ".tmp.{}.{}",
            std::process::id(),
            self.tmp_seq.fetch_add(1, Ordering::Relaxed)
        ));
        match std::fs::write(&tmp, &bytes).and_then(|()| std::fs::rename(&tmp, &path)) {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(e)
            }
        }
    }
}

/// `seamscan cache clean`: remove every entry of every format from `dir`
/// (only the `facts-v*` directories seamscan made; nothing else in `dir` is
/// touched). Returns what was removed (entries of valid packs).
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
        for f in std::fs::read_dir(e.path())?.flatten() {
            let Ok(file) = std::fs::File::open(f.path()) else {
                continue;
            };
            let len = file.metadata().map(|m| m.len()).unwrap_or(0);
            removed.bytes += len;
            if let Some((_, records, _)) = read_pack_index(&file, len) {
                removed.entries += records.len() as u64;
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

    fn facts(line: u32) -> FileFacts {
        let mut f = FileFacts::default();
        f.calls.push(Call {
            name: "render".into(),
            recv: crate::facts::Recv::Implicit,
            via: crate::facts::Via::Call,
            owner: Some("A".into()),
            scope: None,
            line,
        });
        // A string of this entry only, and one of every entry.
        f.calls.push(Call {
            name: format!("method_{line}").into(),
            recv: crate::facts::Recv::Expr("current_user.account".into()),
            via: crate::facts::Via::Call,
            owner: Some("A".into()),
            scope: None,
            line: line + 1,
        });
        f
    }

    fn packs(c: &Cache) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&c.root)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "pack"))
            .collect();
        v.sort();
        v
    }

    /// One run storing `entries` (content seeds) into the cache in `dir`.
    fn run(dir: &Path, limit: u64, entries: std::ops::Range<u32>) -> Cache {
        let c = Cache::open(dir, limit).unwrap();
        for i in entries {
            c.store(
                c.key(content_hash(&i.to_le_bytes()), Lang::Ruby, Mode::Full),
                &facts(i),
            )
            .unwrap();
        }
        c.finish().unwrap();
        Cache::open(dir, limit).unwrap()
    }

    fn key(c: &Cache, i: u32) -> Key {
        c.key(content_hash(&i.to_le_bytes()), Lang::Ruby, Mode::Full)
    }

    /// A pack's entries are read once, at its first hit, and every later
    /// hit is sliced from them.
    #[test]
    fn a_small_pack_is_read_whole_at_its_first_hit() {
        let d = tempfile::tempdir().unwrap();
        run(d.path(), DEFAULT_LIMIT, 0..3);
        let c = Cache::open(d.path(), DEFAULT_LIMIT).unwrap();
        assert_eq!(c.packs.len(), 1);
        assert!(c.packs[0].entries.get().is_none());
        assert_eq!(c.load(key(&c, 1)), Some(facts(1)));
        let whole = c.packs[0].entries.get().unwrap().as_ref().unwrap();
        assert_eq!(whole.len() as u64, c.packs[0].strings_at.0);
        for i in [0, 2, 1] {
            assert_eq!(c.load(key(&c, i)), Some(facts(i)));
        }
    }

    #[test]
    fn entries_are_compressed_with_the_dictionary() {
        let d = tempfile::tempdir().unwrap();
        let c = run(d.path(), DEFAULT_LIMIT, 0..1);
        assert_eq!(c.load(key(&c, 0)), Some(facts(0)));
        let (pack, off, n) = c.index[&key(&c, 0).0][0];
        let mut b = vec![0u8; n as usize];
        c.packs[pack as usize].file.read_exact_at(&mut b, off).unwrap();
        let len = u32::from_le_bytes(b[..4].try_into().unwrap()) as usize;
        let payload = &b[HEADER..];
        let with = zstd::bulk::Decompressor::with_dictionary(DICTIONARY)
            .unwrap()
            .decompress(payload, len)
            .unwrap();
        assert_eq!(with.len(), len);
        // The frame refers to the dictionary: without it, it is not the
        // same payload (or no payload at all).
        assert!(zstd::bulk::decompress(payload, len).map_or(true, |w| w != with));
    }

    #[test]
    fn round_trip_and_keys() {
        let d = tempfile::tempdir().unwrap();
        let c = Cache::open(d.path(), DEFAULT_LIMIT).unwrap();
        let h = content_hash(b"def a; end");
        let k = c.key(h, Lang::Ruby, Mode::Full);
        assert_eq!(c.load(k), None);
        c.store(k, &facts(3)).unwrap();
        c.finish().unwrap();
        let c = Cache::open(d.path(), DEFAULT_LIMIT).unwrap();
        assert_eq!(c.load(k), Some(facts(3)));
        // Another mode, language or content is another entry.
        assert_eq!(c.load(c.key(h, Lang::Ruby, Mode::Structure)), None);
        assert_eq!(c.load(c.key(h, Lang::Erb, Mode::Full)), None);
        assert_eq!(
            c.load(c.key(content_hash(b"def b; end"), Lang::Ruby, Mode::Full)),
            None
        );
        assert!(d.path().join("CACHEDIR.TAG").exists());
        assert_eq!(packs(&c).len(), 1, "one pack per run");
    }

    /// `load_selected` decodes only the JSON keys of the given columns
    /// (lines of the dropped rows still count for the kept ones), as the
    /// audit's `select` keeps them; `load` and `None` keep every key.
    #[test]
    fn load_selected_keeps_the_columns_keys() {
        use crate::facts::{JsonKey, KeyOp};
        let d = tempfile::tempdir().unwrap();
        let c = Cache::open(d.path(), DEFAULT_LIMIT).unwrap();
        let k = key(&c, 1);
        let mut f = facts(1);
        let json = |column: &str, key: &str, line: u32| JsonKey {
            column: column.into(),
            key: key.into(),
            op: KeyOp::Read,
            line,
            recv: Some("@order".into()),
            recv_class: None,
        };
        f.json_keys = vec![
            json("settings", "theme", 3),
            json("metadata", "plan", 9),
            json("settings", "locale", 12),
            json("data", "plan", 40),
        ];
        c.store(k, &f).unwrap();
        c.finish().unwrap();
        let c = Cache::open(d.path(), DEFAULT_LIMIT).unwrap();
        let cols: Columns = Arc::new(["metadata".to_string(), "data".to_string()].into());
        let got = c.load_selected(k, Some(&cols)).unwrap();
        assert_eq!(
            got.json_keys,
            vec![json("metadata", "plan", 9), json("data", "plan", 40)]
        );
        let mut rest = got.clone();
        rest.json_keys = f.json_keys.clone();
        assert_eq!(rest, f, "only the JSON keys differ");
        assert_eq!(c.load_selected(k, None), Some(f.clone()));
        assert_eq!(c.load(k), Some(f));
        let none: Columns = Arc::default();
        assert!(c.load_selected(k, Some(&none)).unwrap().json_keys.is_empty());
    }

    #[test]
    fn corrupt_truncated_and_foreign_packs_are_misses() {
        let d = tempfile::tempdir().unwrap();
        let c = run(d.path(), DEFAULT_LIMIT, 0..2);
        let path = packs(&c).pop().unwrap();
        let good = std::fs::read(&path).unwrap();
        let reopen = || Cache::open(d.path(), DEFAULT_LIMIT).unwrap();
        assert_eq!(reopen().load(key(&c, 0)), Some(facts(0)));
        // Truncated anywhere: the whole pack is ignored.
        for cut in [0, 7, HEADER, good.len() / 2, good.len() - FOOTER, good.len() - 1] {
            std::fs::write(&path, &good[..cut]).unwrap();
            let c = reopen();
            assert_eq!(c.load(key(&c, 0)), None, "cut at {cut}");
            assert_eq!(c.broken.len(), 1, "cut at {cut}");
        }
        // A flipped byte in the first entry: that entry misses, the other
        // one still reads.
        let mut bad = good.clone();
        bad[HEADER + 2] ^= 0x55;
        std::fs::write(&path, &bad).unwrap();
        let c2 = reopen();
        assert_eq!(
            c2.load(key(&c, 0)).is_some() as u8 + c2.load(key(&c, 1)).is_some() as u8,
            1
        );
        // A flipped byte in the index: the pack is ignored.
        let mut bad = good.clone();
        let at = good.len() - FOOTER - 3;
        bad[at] ^= 0x55;
        std::fs::write(&path, &bad).unwrap();
        assert_eq!(reopen().load(key(&c, 0)), None);
        // Another fingerprint (another seamscan or parser version): ignored,
        // not removed (that version may still use it).
        let mut foreign = good.clone();
        let at = good.len() - FOOTER + 24;
        foreign[at] ^= 1;
        std::fs::write(&path, &foreign).unwrap();
        let c3 = reopen();
        assert_eq!(c3.load(key(&c, 0)), None);
        assert!(c3.broken.is_empty());
        // An entry read under another key is not taken (its checksum is
        // seeded with its key, which the header does not repeat).
        std::fs::write(&path, &good).unwrap();
        let (_, records, (strings_at, strings_len)) =
            read_pack_index(&std::fs::File::open(&path).unwrap(), good.len() as u64).unwrap();
        let (k, off, n) = records[0];
        let entry = &good[off as usize..(off + n) as usize];
        let c = reopen();
        let strings = c.packs[0].strings().unwrap().clone();
        assert!(decode(Key(k), entry, &strings, None).is_some());
        let other = if Key(k) == key(&c, 0) {
            key(&c, 1)
        } else {
            key(&c, 0)
        };
        assert_eq!(decode(other, entry, &strings, None), None);
        assert_eq!(decode(key(&c, 7), entry, &strings, None), None);
        // A flipped byte in the pack's shared strings: the pack is ignored
        // (the index's checksum covers them).
        for at in [
            strings_at,
            strings_at + strings_len / 2,
            strings_at + strings_len - 1,
        ] {
            let mut bad = good.clone();
            bad[at as usize] ^= 0x55;
            std::fs::write(&path, &bad).unwrap();
            let c = reopen();
            assert_eq!(c.load(key(&c, 0)), None, "flipped at {at}");
            assert_eq!(c.broken.len(), 1);
        }
        // Shared strings that verify but are not strings (a pack written
        // by a faulty writer): its entries are misses, not a panic.
        let mut bad = good.clone();
        let zeros = vec![0xffu8; strings_len as usize];
        bad[strings_at as usize..(strings_at + strings_len) as usize].copy_from_slice(&zeros);
        let index_at = good.len() - FOOTER - records.len() * RECORD;
        let mut sum = xxhash_rust::xxh3::Xxh3::new();
        sum.update(&bad[strings_at as usize..index_at]);
        sum.update(&bad[index_at..good.len() - FOOTER]);
        bad[good.len() - FOOTER + 16..good.len() - FOOTER + 24].copy_from_slice(&sum.digest().to_le_bytes());
        std::fs::write(&path, &bad).unwrap();
        let c = reopen();
        assert!(c.broken.is_empty());
        assert_eq!(c.load(key(&c, 0)), None);
        assert_eq!(c.load(key(&c, 1)), None);
        // Rewritten, it reads again.
        std::fs::remove_file(&path).unwrap();
        let c = run(d.path(), DEFAULT_LIMIT, 0..1);
        assert_eq!(c.load(key(&c, 0)), Some(facts(0)));
    }

    #[test]
    fn entries_hold_no_path() {
        let d = tempfile::tempdir().unwrap();
        let c = run(d.path(), DEFAULT_LIMIT, 0..3);
        let bytes = std::fs::read(packs(&c).pop().unwrap()).unwrap();
        let dir = d.path().to_string_lossy().into_owned();
        assert!(!bytes.windows(dir.len()).any(|w| w == dir.as_bytes()));
    }

    #[test]
    fn eviction_keeps_the_bound_and_removes_least_recently_used() {
        let d = tempfile::tempdir().unwrap();
        let old = SystemTime::now() - Duration::from_secs(10 * 3600);
        // Three runs, three packs, oldest first.
        for (i, r) in [0..10, 10..20, 20..30].into_iter().enumerate() {
            let c = run(d.path(), DEFAULT_LIMIT, r);
            let newest = packs(&c)
                .into_iter()
                .max_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap())
                .unwrap();
            let f = std::fs::File::options().write(true).open(&newest).unwrap();
            f.set_modified(old + Duration::from_secs(60 * i as u64)).unwrap();
        }
        let c = Cache::open(d.path(), DEFAULT_LIMIT).unwrap();
        assert_eq!(c.packs.len(), 3);
        let one = std::fs::metadata(&c.packs[0].path).unwrap().len();
        // Room for two and three quarters: the least recently used one goes.
        let c = Cache::open(d.path(), one * 11 / 4).unwrap();
        assert!(
            c.load(key(&c, 0)).is_some(),
            "a hit refreshes the first pack's age"
        );
        c.finish().unwrap();
        let c = Cache::open(d.path(), DEFAULT_LIMIT).unwrap();
        assert_eq!(c.packs.len(), 2);
        // The packs left read their own shared strings.
        for i in (0..10).chain(20..30) {
            assert_eq!(c.load(key(&c, i)), Some(facts(i)), "{i} kept");
        }
        assert!(c.load(key(&c, 15)).is_none(), "oldest unused removed");
    }

    #[test]
    fn entries_written_while_other_threads_store_refer_to_their_packs_strings() {
        let d = tempfile::tempdir().unwrap();
        let mut c = Cache::open(d.path(), DEFAULT_LIMIT).unwrap();
        // A pack every few entries, while four threads store.
        c.flush_bytes = 300;
        std::thread::scope(|s| {
            for t in 0..4u32 {
                let c = &c;
                s.spawn(move || {
                    for i in (t * 100)..(t * 100 + 100) {
                        c.store(key(c, i), &facts(i)).unwrap();
                    }
                });
            }
        });
        let written = c.written.load(Ordering::Relaxed);
        assert!(written > 1, "{written} packs");
        // Read them as they are, then merged (more than `MAX_PACKS`: each
        // entry encoded again against the merged pack's strings).
        let mid = Cache::open(d.path(), DEFAULT_LIMIT).unwrap();
        let mut found = 0;
        for i in 0..400 {
            if let Some(f) = mid.load(key(&mid, i)) {
                assert_eq!(f, facts(i), "{i}");
                found += 1;
            }
        }
        assert!(found > 300, "{found} in the packs written before finish");
        c.finish().unwrap();
        let c = Cache::open(d.path(), DEFAULT_LIMIT).unwrap();
        assert_eq!(c.packs.len(), 1);
        for i in 0..400 {
            assert_eq!(c.load(key(&c, i)), Some(facts(i)), "{i}");
        }
    }

    #[test]
    fn a_packs_entries_share_its_strings() {
        let d = tempfile::tempdir().unwrap();
        let c = run(d.path(), DEFAULT_LIMIT, 0..50);
        let bytes = std::fs::read(packs(&c).pop().unwrap()).unwrap();
        // Fifty entries name `current_user.account`: the pack holds it
        // once (compressed with the other strings, so look for it raw in
        // the decoded shared strings instead of the file).
        let (_, records, (at, n)) = read_pack_index(
            &std::fs::File::open(packs(&c).pop().unwrap()).unwrap(),
            bytes.len() as u64,
        )
        .unwrap();
        assert_eq!(records.len(), 50);
        let raw = zstd::bulk::decompress(&bytes[at as usize + 4..(at + n) as usize], 1 << 20).unwrap();
        let s = b"current_user.account";
        assert_eq!(raw.windows(s.len()).filter(|w| w == s).count(), 1);
        assert!(!bytes[..at as usize].windows(s.len()).any(|w| w == s));
    }

    #[test]
    fn many_runs_are_merged_into_one_pack() {
        let d = tempfile::tempdir().unwrap();
        for i in 0..(MAX_PACKS as u32 + 1) {
            run(d.path(), DEFAULT_LIMIT, i..i + 1);
        }
        let c = Cache::open(d.path(), DEFAULT_LIMIT).unwrap();
        assert_eq!(c.packs.len(), 1);
        for i in 0..(MAX_PACKS as u32 + 1) {
            assert_eq!(c.load(key(&c, i)), Some(facts(i)), "{i}");
        }
    }

    #[test]
    fn seen_round_trips_and_a_foreign_or_corrupt_blob_reads_empty() {
        let d = tempfile::tempdir().unwrap();
        let c = Cache::open(d.path(), DEFAULT_LIMIT).unwrap();
        let records = vec![
            (content_hash(b"a"), vec![0, 3], vec![3], vec![]),
            (content_hash(b"b"), vec![], vec![], vec![]),
            (content_hash(b"c"), vec![200], vec![], vec![70_000]),
        ];
        assert!(c.seen(7, 300).is_empty(), "nothing stored yet");
        c.store_seen(7, &Seen::default(), true, &records).unwrap();
        let s = c.seen(7, 300);
        assert_eq!(s.len(), 3);
        assert_eq!(s.get(content_hash(b"a")), Some((&[0, 3][..], &[3][..], &[][..])));
        assert_eq!(s.get(content_hash(b"b")), Some((&[][..], &[][..], &[][..])));
        assert_eq!(
            s.get(content_hash(b"c")),
            Some((&[200][..], &[][..], &[70_000][..])),
            "lines are not pattern numbers"
        );
        assert_eq!(s.get(content_hash(b"d")), None);
        // Another set of patterns, or fewer patterns than a number in it.
        assert!(c.seen(8, 300).is_empty());
        assert!(c.seen(7, 200).is_empty());
        // Another fingerprint.
        let mut other = Cache::open(d.path(), DEFAULT_LIMIT).unwrap();
        other.salt[0] ^= 1;
        assert!(other.seen(7, 300).is_empty());
        // A run that scanned nothing leaves the blob as it is.
        c.store_seen(7, &s, false, &[]).unwrap();
        assert_eq!(c.seen(7, 300).len(), 3);
        // Any flipped byte, or a truncation, and the blob reads empty.
        let path = c.seen_path(7);
        let good = std::fs::read(&path).unwrap();
        for at in [0, 9, 30, 41, SEEN_HEADER + 2, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x40;
            std::fs::write(&path, &bad).unwrap();
            assert!(c.seen(7, 300).is_empty(), "flipped at {at}");
        }
        std::fs::write(&path, &good[..good.len() - 3]).unwrap();
        assert!(c.seen(7, 300).is_empty());
        // Eviction counts it like a pack; `clean` removes it.
        std::fs::write(&path, &good).unwrap();
        assert_eq!(c.evict(u64::MAX).unwrap().bytes, good.len() as u64);
        clean(d.path()).unwrap();
        assert!(!path.exists());
    }

    #[test]
    fn seen_bodies_refuse_unsorted_hashes_and_trailing_bytes() {
        let body = seen_body(&[(2, vec![1], vec![], vec![]), (1, vec![], vec![0], vec![])]);
        assert_eq!(parse_seen(&body, 2).map(|s| s.len()), Some(2));
        let mut swapped = body.clone();
        let (a, b) = (swapped[4..12].to_vec(), swapped[12..20].to_vec());
        swapped[4..12].copy_from_slice(&b);
        swapped[12..20].copy_from_slice(&a);
        assert!(parse_seen(&swapped, 2).is_none());
        let mut longer = body.clone();
        longer.push(0);
        assert!(parse_seen(&longer, 2).is_none());
        let mut v = Vec::new();
        for n in [0, 1, 127, 128, 300, u32::MAX] {
            v.clear();
            put_varint(&mut v, n);
            let mut at = 0;
            assert_eq!(get_varint(&v, &mut at), Some(n));
            assert_eq!(at, v.len());
        }
    }

    #[test]
    fn clean_removes_only_entries() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("mine.txt"), "keep").unwrap();
        run(d.path(), DEFAULT_LIMIT, 0..3);
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
