//! Reports: a finished `Report` → bytes on a `Write`. One file per format.
//! Printers never read source files and never iterate a `HashMap`.

pub mod json;
pub mod markdown;
pub mod sarif;
