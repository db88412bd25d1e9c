//! The smallest zip an `.xlsx` needs: reading stored and deflated entries (miniz_oxide, already in the
//! workspace's lock file), writing deflated ones. No zip64, no encryption: a workbook is far below 4 GB.

use miniz_oxide::deflate::compress_to_vec;
use miniz_oxide::inflate::decompress_to_vec_with_limit;

/// An entry is refused beyond this many bytes unpacked (a sheet of 10,000 rows is ~5 MB).
const MAX_ENTRY: usize = 256 << 20;

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?))
}
fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?))
}

/// The entries of a zip archive by name, unpacked lazily.
pub struct Archive<'a> {
    bytes: &'a [u8],
    /// (name, method, compressed size, local header offset)
    entries: Vec<(String, u16, usize, usize)>,
}

impl<'a> Archive<'a> {
    /// Reads the central directory; `None` if this is not a zip.
    pub fn open(bytes: &'a [u8]) -> Option<Archive<'a>> {
        // the end-of-central-directory record: in the last 64 KB + 22 bytes
        let from = bytes.len().saturating_sub(22 + 0xffff);
        let eocd = (from..bytes.len().saturating_sub(21))
            .rev()
            .find(|&i| bytes[i..].starts_with(b"PK\x05\x06"))?;
        let count = usize::from(u16_at(bytes, eocd + 10)?);
        let mut p = u32_at(bytes, eocd + 16)? as usize;
        let mut entries = Vec::with_capacity(count);
        for _ in 0..count {
            if !bytes.get(p..)?.starts_with(b"PK\x01\x02") {
                return None;
            }
            let method = u16_at(bytes, p + 10)?;
            let csize = u32_at(bytes, p + 20)? as usize;
            let (nlen, xlen, clen) = (
                usize::from(u16_at(bytes, p + 28)?),
                usize::from(u16_at(bytes, p + 30)?),
                usize::from(u16_at(bytes, p + 32)?),
            );
            let local = u32_at(bytes, p + 42)? as usize;
            let name = String::from_utf8_lossy(bytes.get(p + 46..p + 46 + nlen)?).into_owned();
            entries.push((name, method, csize, local));
            p += 46 + nlen + xlen + clen;
        }
        Some(Archive { bytes, entries })
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.0.as_str())
    }

    /// The unpacked bytes of `name`; `None` if absent or unreadable.
    pub fn read(&self, name: &str) -> Option<Vec<u8>> {
        let (_, method, csize, local) = self.entries.iter().find(|e| e.0 == name)?;
        let b = self.bytes;
        if !b.get(*local..)?.starts_with(b"PK\x03\x04") {
            return None;
        }
        let start =
            local + 30 + usize::from(u16_at(b, local + 26)?) + usize::from(u16_at(b, local + 28)?);
        let data = b.get(start..start.checked_add(*csize)?)?;
        match method {
            0 => Some(data.to_vec()),
            8 => decompress_to_vec_with_limit(data, MAX_ENTRY).ok(),
            _ => None,
        }
    }
}

fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (i, t) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *t = c;
    }
    !data.iter().fold(!0u32, |c, &b| {
        table[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8)
    })
}

/// Writes a zip of deflated entries, in the order given (`[Content_Types].xml` first for an xlsx).
pub fn write(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let packed = compress_to_vec(data, 6);
        let crc = crc32(data);
        let offset = out.len() as u32;
        let head = |sig: &[u8], central: bool| {
            let mut h = Vec::with_capacity(46 + name.len());
            h.extend_from_slice(sig);
            if central {
                h.extend_from_slice(&20u16.to_le_bytes()); // made by
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // version needed
            h.extend_from_slice(&0x0800u16.to_le_bytes()); // UTF-8 names
            h.extend_from_slice(&8u16.to_le_bytes()); // deflate
            h.extend_from_slice(&0u16.to_le_bytes()); // time
            h.extend_from_slice(&0x5a21u16.to_le_bytes()); // date 2025-01-01
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&(packed.len() as u32).to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            if central {
                h.extend_from_slice(&[0; 6]); // comment length, disk, internal attrs
                h.extend_from_slice(&0u32.to_le_bytes()); // external attrs
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend_from_slice(&head(b"PK\x03\x04", false));
        out.extend_from_slice(&packed);
        central.extend_from_slice(&head(b"PK\x01\x02", true));
    }
    let cd_offset = out.len() as u32;
    let n = entries.len() as u16;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back() {
        let big = "工单,".repeat(5000).into_bytes();
        let z = write(&[("a.txt", b"hello".to_vec()), ("dir/b.xml", big.clone())]);
        let a = Archive::open(&z).expect("a zip");
        assert_eq!(a.names().collect::<Vec<_>>(), ["a.txt", "dir/b.xml"]);
        assert_eq!(a.read("a.txt").as_deref(), Some(&b"hello"[..]));
        assert_eq!(a.read("dir/b.xml"), Some(big));
        assert_eq!(a.read("missing"), None);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn not_a_zip() {
        assert!(Archive::open(b"a,b,c\n1,2,3").is_none());
        assert!(Archive::open(b"").is_none());
    }
}
