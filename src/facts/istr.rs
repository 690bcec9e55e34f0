//! `IStr`: an immutable, shared string for the facts that repeat most
//! (a call's name, owner and receiver). Cloning one is a reference-count
//! increment, so the fact cache's decoder hands out the pack's strings
//! without allocating (a warm audit decoded ~600,000 `String`s, most of
//! them copies of a few thousand distinct ones), and the decoded facts
//! take half the memory. Compares, hashes, orders, prints and serializes
//! as the `str` it holds.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IStr(Arc<str>);

impl IStr {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether both are the same allocation (not only equal strings).
    #[cfg(test)]
    pub fn same_as(&self, other: &IStr) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Default for IStr {
    fn default() -> IStr {
        IStr::from("")
    }
}

impl Deref for IStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for IStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for IStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for IStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for IStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl From<&str> for IStr {
    fn from(s: &str) -> IStr {
        IStr(Arc::from(s))
    }
}

impl From<String> for IStr {
    fn from(s: String) -> IStr {
        IStr(Arc::from(s))
    }
}

impl From<&String> for IStr {
    fn from(s: &String) -> IStr {
        IStr(Arc::from(s.as_str()))
    }
}

impl From<IStr> for String {
    fn from(s: IStr) -> String {
        s.0.to_string()
    }
}

impl PartialEq<str> for IStr {
    fn eq(&self, o: &str) -> bool {
        &*self.0 == o
    }
}

impl PartialEq<&str> for IStr {
    fn eq(&self, o: &&str) -> bool {
        &*self.0 == *o
    }
}

impl PartialEq<String> for IStr {
    fn eq(&self, o: &String) -> bool {
        *self.0 == **o
    }
}

impl PartialEq<IStr> for str {
    fn eq(&self, o: &IStr) -> bool {
        self == &*o.0
    }
}

impl PartialEq<IStr> for &str {
    fn eq(&self, o: &IStr) -> bool {
        *self == &*o.0
    }
}

impl PartialEq<IStr> for String {
    fn eq(&self, o: &IStr) -> bool {
        **self == *o.0
    }
}

impl Serialize for IStr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for IStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<IStr, D::Error> {
        // Borrowed when the format can (postcard from a slice), else owned.
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Ok(IStr::from(&*s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn compares_hashes_and_prints_as_its_str() {
        let a = IStr::from("current_user");
        let b = IStr::from(String::from("current_user"));
        assert_eq!(a, b);
        assert_eq!(a, "current_user");
        assert_eq!("current_user", a);
        assert_eq!(a, String::from("current_user"));
        let (a1, b1) = (IStr::from("a"), IStr::from("b"));
        assert!(a1 < b1);
        let mut m: HashMap<IStr, u32> = HashMap::new();
        m.insert(a.clone(), 1);
        assert_eq!(m.get("current_user"), Some(&1));
        assert_eq!(format!("{a} {a:?}"), "current_user \"current_user\"");
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"current_user\"");
        let back: IStr = serde_json::from_str("\"x\\\"y\"").unwrap();
        assert_eq!(back, "x\"y");
        let p = postcard::to_allocvec(&a).unwrap();
        assert_eq!(postcard::from_bytes::<IStr>(&p).unwrap(), a);
    }
}
